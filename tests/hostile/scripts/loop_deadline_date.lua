-- Attack: a deadline's date function loops; it runs in the transition that
-- enters the state.
-- Stopped by: the budget -> FireEvent refused, nothing written.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" {
  deadline = {
    date = function(ctx) while true do end end,
    fire = "het_han",
  },
}
state "c" { final = true }

transition "go" { from = "a", to = "b" }
transition "het_han" { from = "b", to = "c" }
transition "ok" {
  from = "a", to = "c",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
