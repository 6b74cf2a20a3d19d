-- Attack: 5,000 right-associative concatenations and 5,000 parentheses in
-- one expression (parser recursion, then code generation).
-- Stopped by: the parser's C-stack limit -> deploy refused, INVALID_ARGUMENT.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

local s = "a" @@REPEAT 5000  .. "a"@@
local n = @@REPEAT 5000 (@@1@@REPEAT 5000 )@@
