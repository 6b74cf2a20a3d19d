-- Attack: a source of exactly 1 MiB (the limit; padded with comments) whose
-- guard loops. The file must deploy and pool like any other; the guard is
-- stopped.
-- Stopped by: the budget -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx) while true do end end,
}

transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
@@PAD 1048576@@
