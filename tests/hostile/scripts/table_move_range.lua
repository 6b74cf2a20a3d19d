-- Attack: table.move over a huge range of nils writes nothing and
-- allocates nothing, and loops in C: a range of 2^62 runs for ever. Here
-- 2^22 elements (a fraction of a second).
-- Should be stopped by: charging the moved elements to the budget ->
-- RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    table.move({}, 1, 1 << 22, 2)
    error("the move finished")
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
