-- Attack: swallow the budget error with pcall and loop again, forever.
-- Stopped by: once over budget the hook raises at every instruction, so the
-- code after pcall never gets to run -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    while true do
      pcall(function() while true do end end)
    end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
