-- Attack: the metatable of wf.array() lists is reachable with getmetatable
-- and writable. Give it a __gc: every list made afterwards (including the
-- engine's own lists in ctx) gets a finaliser, which Lua runs with hooks
-- off — outside any budget (a looping one hangs the server thread for
-- ever; this one only records that it ran).
-- Should be stopped by: a protected metatable (__metatable) ->
-- FAILED_PRECONDITION "attempt to index a string value".
-- Today: the finaliser runs.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local ran = { n = 0 }
    getmetatable(wf.array()).__gc = function() ran.n = ran.n + 1 end
    for _ = 1, 2000 do wf.array({}) end
    -- Make garbage until a collection has run the finalisers.
    local junk
    for i = 1, 200 do junk = { string.rep("j", 65536) .. i } end
    if ran.n > 0 then error("a finaliser ran outside the budget " .. ran.n .. " times") end
    error("no finaliser ran")
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
