-- Attack: a pattern that backtracks: ".-b" on a subject with no "b" costs
-- n^2/2 steps inside string.find, a C function where the count hook never
-- fires. Here n = 6,000 (18 million steps, a fraction of a second); with a
-- 1 MiB subject one call runs for hours, with more ".-" items for ever.
-- Should be stopped by: a metered matcher -> RESOURCE_EXHAUSTED.
-- Today: the call finishes (slowly) and the action reports it.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    local s = string.rep("a", 6000)
    local found = s:find(".-b")
    return false, "the match finished: " .. tostring(found)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
