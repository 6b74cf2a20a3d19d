-- Attack: a 1 MiB string in ctx.vars.
-- Stopped by: the variables size limit -> RESOURCE_EXHAUSTED, nothing written.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    ctx.vars.x = string.rep("x", 1 << 20)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
