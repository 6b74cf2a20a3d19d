-- Attack: utf8.char with many code points, again and again, keeping every
-- result.
-- Stopped by: the instruction budget, which charges the C loop per
-- element (docs/lua.md, "What library calls cost"), before the memory cap
-- is reached -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local points = {}
    for i = 1, 4000 do points[i] = 0x10FFFF - i end
    local keep = {}
    while true do
      keep[#keep + 1] = utf8.char(table.unpack(points)) .. #keep
    end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
