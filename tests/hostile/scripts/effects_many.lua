-- Attack: 20,000 small effects in one step (20,000 outbox records in one
-- write).
-- Should be stopped by: a size limit on the effects of one step ->
-- RESOURCE_EXHAUSTED. Today: written.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    for i = 1, 20000 do ctx.emit("thong_bao", { i = i }) end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
