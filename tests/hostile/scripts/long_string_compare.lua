-- Attack: each comparison of two equal 4 MiB strings is one Lua
-- instruction but a 4 MiB memcmp: 40,000 of them take seconds for a
-- tenth of this test's budget. With the default limits (two 20 MiB
-- strings, 2,000,000 instructions) one call runs for about 9 minutes; a
-- loop of table.sort on a million numbers, for a minute.
-- Should be stopped by: a wall-clock deadline checked in the count hook ->
-- RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local a = string.rep("a", 4 << 20)
    local b = string.rep("a", 4 << 20)
    local equal = 0
    -- 40,000 comparisons for about 110,000 instructions.
    for _ = 1, 10000 do
      if a == b and b == a and a == b and b == a then equal = equal + 1 end
    end
    error("the comparisons finished: " .. equal)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
