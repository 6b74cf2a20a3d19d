-- Attack: a declaration that names one 1,000-byte string 10,000 times
-- (pauses = big), twice. In Lua that is a 160 KiB list; the engine copies
-- every name into C++ (20 MB here), and again into a problem message for
-- each. With the default 64 MiB cap, a list of millions of references to a
-- 1 MiB string makes terabytes: the server is killed.
-- Should be stopped by: a bound on what declarations may copy ->
-- RESOURCE_EXHAUSTED. Today: copied, then refused with a 40 MB message.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

local name = string.rep("x", 1000)
local big = {}
for i = 1, 10000 do big[i] = name end
for i = 1, 2 do
  state("s" .. i) { pauses = big }
  transition("to_s" .. i) { from = "a", to = "s" .. i }
  transition("from_s" .. i) { from = "s" .. i, to = "b" }
end
