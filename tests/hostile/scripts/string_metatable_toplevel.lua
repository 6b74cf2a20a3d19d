-- Attack: replace the string metatable's __index at load time, before the
-- globals are frozen (it would change string methods for every call).
-- Stopped by: the string metatable is locked before any workflow code runs
-- -> deploy refused, INVALID_ARGUMENT.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

local mt = getmetatable("")
if type(mt) ~= "table" then error("string metatable is locked: " .. tostring(mt)) end
mt.__index = function() return "pwned" end
