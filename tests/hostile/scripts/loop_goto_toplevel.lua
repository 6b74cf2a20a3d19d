-- Attack: a goto loop in the top-level code of the file (runs at deploy).
-- Stopped by: the load budget -> deploy refused with RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

::again::
goto again
