-- Attack: __tostring that calls tostring on itself (C -> Lua -> C ...).
-- Stopped by: the C-stack limit -> "stack overflow", FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local t = setmetatable({}, {})
    getmetatable(t).__tostring = function(self) return tostring(self) end
    ctx.vars.x = tostring(t)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
