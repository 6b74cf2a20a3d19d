-- Attack: gmatch iterators made when the file loads, kept as upvalues, and
-- called again after errors — one after "pattern too complex" (the Lua
-- 5.4.4 bug of pattern_gmatch_reuse, here across the load and the call),
-- one after an error raised in the body of its loop.
-- Stopped by: nothing needs stopping: an iterator keeps only positions
-- between calls, so the first raises the same error every time and the
-- second resumes after its last match; the action reports what it saw.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

local complex = string.gmatch(("a"):rep(3000), ("a?"):rep(3000))
local words = string.gmatch("mot,hai,ba,bon", "[^,]+")
assert(not pcall(complex))

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local first = pcall(complex)
    local second, e = pcall(complex)
    pcall(function() for w in words do error("stop at " .. w) end end)
    local rest = {}
    for w in words do rest[#rest + 1] = w end
    error(("complex: %s %s (%s); resumed: %s"):format(tostring(first),
      tostring(second), e:match("too complex") or e, table.concat(rest, ",")))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
