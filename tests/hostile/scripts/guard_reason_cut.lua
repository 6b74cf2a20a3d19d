-- Attack (a robustness case): a long Vietnamese refusal reason. The engine
-- keeps the first 1000 bytes; "ệ" is 3 bytes, so 1000 bytes end inside a
-- character.
-- Expected: the official sees the reason, cut at a character boundary.
-- Today: the cut reason is not UTF-8 and is replaced by a placeholder.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    return false, string.rep("ệ", 400)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
