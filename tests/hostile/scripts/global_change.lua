-- Attack: change a global declared at the top level from an action. The
-- pooled sandbox keeps it for the next call, so replaying the history (in
-- another sandbox, or this one later) gives other numbers.
-- Should be stopped by: frozen globals ("a global cannot be created or
-- changed after loading", docs/lua.md) -> FAILED_PRECONDITION.
-- Today: only new globals are refused; an existing one can be reassigned.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

counter = 0

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    counter = counter + 1
    ctx.vars.n = counter
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
