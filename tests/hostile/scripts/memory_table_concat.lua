-- Attack: table.concat of a long list of references to one 64 KiB string
-- (the list is small; the result is not).
-- Stopped by: the memory cap -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("x", 1 << 16)
    local list = {}
    for i = 1, 4096 do list[i] = s end
    ctx.vars.x = table.concat(list)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
