-- Attack: endless recursion through an __index function (t[k] inside
-- __index of t), each level a C call.
-- Stopped by: Lua's C-stack limit (LUAI_MAXCCALLS) -> a script error,
-- FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    local t = setmetatable({}, {})
    getmetatable(t).__index = function(self, k) return self[k] end
    return t.anything ~= nil
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
