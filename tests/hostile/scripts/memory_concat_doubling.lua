-- Attack: a string that doubles by concatenation, inside pcall so that a
-- memory error is caught and the doubling retried.
-- Stopped by: the memory cap; once hit, the hook raises at every
-- instruction, so catching it does not help -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = "x"
    while true do
      pcall(function() s = s .. s end)
    end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
