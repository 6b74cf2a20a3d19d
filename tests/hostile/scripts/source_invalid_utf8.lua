-- Attack: a source that is not UTF-8 (a Latin-1 byte in a comment: ê = 0xEA).
-- Stopped by: the text check before loading -> deploy refused,
-- INVALID_ARGUMENT.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
-- Ti@@BYTE ea@@n Du
