-- Attack: the workflow's start function loops.
-- Stopped by: the budget -> StartInstance refused, no instance created.
workflow "h" {
  initial = "a",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    while true do ctx.vars.n = (ctx.vars.n or 0) + 1 end
  end,
}
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
