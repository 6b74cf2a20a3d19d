-- Attack: change what every string method does, through the shared string
-- metatable.
-- Stopped by: getmetatable("") returns a placeholder, not the metatable ->
-- indexing it fails, FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    getmetatable("").__index = function() return "pwned" end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
