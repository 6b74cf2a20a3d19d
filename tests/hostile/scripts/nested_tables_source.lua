-- Attack: table constructors nested 1,000 deep in the source (the parser
-- recurses in C).
-- Stopped by: the parser's C-stack limit -> deploy refused, INVALID_ARGUMENT.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

local t = @@REPEAT 1000 {@@ 1 @@REPEAT 1000 }@@
