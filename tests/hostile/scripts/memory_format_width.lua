-- Attack: string.format with a huge field width (Lua refuses widths over
-- two digits), then doubling through string.format.
-- Stopped by: the format error is caught, the doubling hits the memory cap
-- -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local ok = pcall(string.format, "%0999999999d", 1)
    if ok then error("a huge width was accepted") end
    local s = string.format("%99d", 1)
    while true do s = string.format("%s%s", s, s) end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
