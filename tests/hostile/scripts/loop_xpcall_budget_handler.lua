-- Attack: run out of budget inside xpcall, whose handler then loops and
-- calls xpcall again from itself.
-- Stopped by: the budget keeps raising in the handler -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

local function handler(e)
  while true do
    xpcall(function() while true do end end, handler)
  end
end

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    xpcall(function() while true do end end, handler)
    return true
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
