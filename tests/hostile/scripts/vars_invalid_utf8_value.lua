-- Attack: bytes that are not UTF-8 into a variable.
-- Stopped by: the conversion checks UTF-8 -> FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    ctx.vars.x = "Ti\xea\x6e Du \xff\xfe"
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
