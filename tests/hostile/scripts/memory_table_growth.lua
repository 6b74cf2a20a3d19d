-- Attack: a table that doubles with table.move (a C loop: few instructions,
-- much memory).
-- Stopped by: the memory cap -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    local t = { 1 }
    while true do table.move(t, 1, #t, #t + 1) end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
