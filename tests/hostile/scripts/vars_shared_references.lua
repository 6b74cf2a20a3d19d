-- Attack: one 1 MiB string referenced 64 times. In Lua it costs 1 MiB (and
-- passes the memory cap); as JSON it is 64 MiB, built in C++ memory that no
-- Lua limit counts.
-- Should be stopped by: a size bound in the Lua -> JSON conversion ->
-- RESOURCE_EXHAUSTED before the copies are made. Today: the copies are made,
-- then the variables limit refuses them.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("x", 1 << 20)
    local t = {}
    for i = 1, 64 do t[i] = s end
    ctx.vars.t = t
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
