-- Attack: the file's top-level code fills memory while it is deployed.
-- Stopped by: the memory cap at load -> deploy refused, RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

local keep = {}
while true do
  keep[#keep + 1] = string.rep("x", 4096) .. #keep
end
