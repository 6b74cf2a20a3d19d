-- Attack: a to-be-closed variable whose __close loops; it runs while the
-- budget error unwinds the call.
-- Stopped by: hooks are back on during unwinding, the budget raises again
-- inside __close -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local guard <close> = setmetatable({}, {
      __close = function() while true do end end,
    })
    while true do end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
