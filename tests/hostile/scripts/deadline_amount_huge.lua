-- Attack: a deadline of 2,147,483,647 working days. Nothing runs at deploy,
-- but when a document enters the state the clock counts working days year
-- by year in C++ — no Lua limit applies there — computing and keeping
-- (in a cache that is never emptied) about 8.6 million years: minutes of
-- CPU and gigabytes of memory (measured: 10 million working days take
-- 1.1 s and 70 MB for good).
-- Should be stopped by: a bound on deadline lengths at deploy (a century,
-- as wf.add_workdays has) -> INVALID_ARGUMENT. Today: deployed.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { deadline = { working_days = 2147483647, fire = "het_han" } }
state "c" { final = true }
transition "go" { from = "a", to = "b" }
transition "het_han" { from = "b", to = "c" }
