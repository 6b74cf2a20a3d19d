-- Attack: a plain find (no pattern) is O(n*m): a 400,000-byte subject and a
-- 200,000-byte needle that almost matches everywhere. With both near the
-- memory cap, one call runs for hours.
-- Should be stopped by: metering the search -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("a", 400000)
    local needle = string.rep("a", 200000) .. "b"
    local found = s:find(needle, 1, true)
    error("the search finished: " .. tostring(found))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
