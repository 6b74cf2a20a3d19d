-- Attack: two tables whose __index point at each other (a lookup that walks
-- the chain forever inside the VM, no instruction counted).
-- Stopped by: Lua's MAXTAGLOOP -> "'__index' chain too long",
-- FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local a, b = {}, {}
    setmetatable(a, { __index = b })
    setmetatable(b, { __index = a })
    ctx.vars.x = a.missing
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
