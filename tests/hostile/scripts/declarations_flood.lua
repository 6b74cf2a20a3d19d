-- Attack: 20,000 states, each with a deadline whose event is declared
-- after it. Validation looks for each state's event among all transitions
-- (20,000 x 20,000 here; with the default load budget, a million states
-- take hours), and lists three problems per state in one message.
-- Should be stopped by: a cap on the number of declarations ->
-- RESOURCE_EXHAUSTED. Today: validated slowly, refused with a huge message.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

for i = 1, 20000 do
  state("s" .. i) { deadline = { hours = 1, fire = "het_" .. i }, bogus = i }
end
for i = 1, 20000 do
  transition("het_" .. i) { from = "s" .. i, to = "b" }
end
