-- Attack: recursion through pcall, twice per level: each C-stack overflow is
-- caught and the tree of calls grows exponentially.
-- Stopped by: the budget -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

local function grow()
  pcall(grow)
  pcall(grow)
end

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    grow()
    return true
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
