-- Attack: a __gc finaliser (it would run during a garbage collection, with
-- hooks off: no budget).
-- Stopped by: setmetatable refuses a metatable with __gc -> FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    setmetatable({}, { __gc = function() while true do end end })
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
