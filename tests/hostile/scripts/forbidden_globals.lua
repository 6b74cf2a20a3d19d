-- Attack: look for every dangerous name at the top level of the file, by
-- every route a script has: globals, _G, _ENV, and the library tables.
-- Stopped by: none is there (require is the engine's own, which loads only
-- the deployed library modules: not "os"); the file then raises "none
-- reachable" -> deploy refused with INVALID_ARGUMENT.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }

local names = { "os", "io", "debug", "package", "load",
  "loadstring", "dofile", "loadfile", "collectgarbage", "coroutine",
  "module", "setfenv", "getfenv", "newproxy", "jit", "ffi" }
local found = {}
for _, name in ipairs(names) do
  if _G[name] ~= nil or _ENV[name] ~= nil or rawget(_G, name) ~= nil then
    found[#found + 1] = name
  end
end
if string.dump ~= nil then found[#found + 1] = "string.dump" end
if math.randomseed ~= nil then found[#found + 1] = "math.randomseed" end
for _, module in ipairs({ "os", "io", "debug", "package", "socket" }) do
  if pcall(require, module) then found[#found + 1] = "require('" .. module .. "')" end
end
if #found > 0 then error("reachable: " .. table.concat(found, ", ")) end
error("none reachable")
