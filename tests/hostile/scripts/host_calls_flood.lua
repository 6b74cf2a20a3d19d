-- Attack: a loop taking a register's number a million times in one step
-- (each take is a condition and a line of the history event).
-- Should be stopped by: the limit on values one step takes from outside
-- its script -> RESOURCE_EXHAUSTED, even when the script catches the error.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    for i = 1, 1000000 do pcall(ctx.take_number, "so-di/2026") end
    ctx.vars.n = ctx.take_number("so-di/2026")
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
