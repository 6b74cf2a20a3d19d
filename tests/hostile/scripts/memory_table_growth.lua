-- Attack: a table that doubles with table.move (a C loop: few instructions,
-- much memory).
-- Stopped by: the instruction budget, which charges the C loop per
-- element (docs/lua.md, "What library calls cost"), before the memory cap
-- is reached -> RESOURCE_EXHAUSTED.
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
