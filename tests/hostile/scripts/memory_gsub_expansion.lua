-- Attack: gsub that replaces every character of a 1 MiB string with 100.
-- Stopped by: the memory cap -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("x", 1 << 20)
    ctx.vars.x = s:gsub("x", string.rep("y", 100))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
