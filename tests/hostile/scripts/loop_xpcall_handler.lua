-- Attack: an xpcall message handler that loops. Lua calls a handler while
-- raising, with hooks off; the sandbox's xpcall runs it after unwinding.
-- Stopped by: the budget, inside the handler -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    xpcall(function() error("first") end, function(e) while true do end end)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
