-- Attack: one step starting 100,000 child instances (one write of 100,000
-- instances, their histories, indexes and timers).
-- Should be stopped by: the limit on children per step -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    for i = 1, 100000 do ctx.start("h", { i = i }) end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
