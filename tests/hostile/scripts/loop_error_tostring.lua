-- Attack: raise an error object whose __tostring loops, hoping the engine
-- calls it (outside the budget) to build the message.
-- Stopped by: the engine renders error objects without running Lua code ->
-- "an error object of type table", FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    error(setmetatable({}, { __tostring = function() while true do end end }))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
