-- Attack: string.rep("", n) allocates nothing, so the memory cap never
-- stops it, and loops n times in C: n = 2^62 runs for ever. Here n = 2^24
-- (a few hundredths of a second) to show that the loop is not counted.
-- Should be stopped by: charging the repetitions to the budget ->
-- RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("", 1 << 24)
    error("the repetition finished: " .. #s)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
