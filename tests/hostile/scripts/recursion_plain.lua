-- Attack: unbounded Lua recursion (not a tail call).
-- Stopped by: the budget -> RESOURCE_EXHAUSTED. With the suite's limits
-- (200,000 instructions, 16 MiB) the budget ends it at about 60,000 frames,
-- before the stack reaches the memory cap or Lua's own stack limit.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

local function deeper(n) return deeper(n + 1) + 1 end

transition "go" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.depth = deeper(1) end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
