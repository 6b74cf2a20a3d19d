-- Attack: a table that holds the same table twice, 20 levels deep: 20
-- tables in Lua, 2^20 leaves once converted to JSON (2^30 with 30 levels:
-- the server runs out of memory).
-- Should be stopped by: a size bound in the Lua -> JSON conversion.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local t = { "x" }
    for _ = 1, 20 do t = { t, t } end
    ctx.vars.t = t
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
