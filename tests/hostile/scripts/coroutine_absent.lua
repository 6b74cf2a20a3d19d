-- Attack: coroutines (a yield across the engine's C++ frames).
-- Stopped by: the library is absent -> FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local co = coroutine.wrap(function() coroutine.yield(1) end)
    ctx.vars.x = co()
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
