-- Attack: a source one byte over the 1 MiB limit (padded with comments).
-- Stopped by: the size check before anything is parsed -> deploy refused,
-- RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
@@PAD 1048577@@
