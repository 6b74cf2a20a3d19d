-- Attack: a table of 20,000 fields in ctx.vars.
-- Stopped by: the variables size limit -> RESOURCE_EXHAUSTED, nothing written.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local t = {}
    for i = 1, 20000 do t["k" .. i] = i end
    ctx.vars.t = t
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
