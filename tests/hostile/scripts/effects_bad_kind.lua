-- Attack: an effect kind that is not a name (it becomes part of store keys
-- and messages).
-- Stopped by: ctx.emit checks the kind -> FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    ctx.emit("Thông báo\0x", {})
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
