-- Attack: keep the real string table in a local at load time (before the
-- libraries are wrapped read-only), then change it from an action: every
-- string method of the pooled sandbox changes, for every later call.
-- Should be stopped by: read-only libraries -> FAILED_PRECONDITION.
-- Today: the read-only wrapper is only on the global name.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

local real_string = string

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    real_string.upper = function() return "pwned" end
    ctx.vars.x = ("ok"):upper()
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
