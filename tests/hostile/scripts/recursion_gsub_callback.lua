-- Attack: a gsub replacement function that calls gsub again (C recursion
-- through the string library).
-- Stopped by: the C-stack limit -> "stack overflow", FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

local function again(s) return (s:gsub(".", again)) end

transition "go" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.x = again("x") end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
