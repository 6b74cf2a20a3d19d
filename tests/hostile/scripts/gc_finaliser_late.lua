-- Attack: add __gc to a metatable after setmetatable checked it.
-- Stopped by: Lua registers finalisers only at setmetatable time, so it
-- never runs; the action says so -> "no finaliser ran", FAILED_PRECONDITION.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local ran = { n = 0 }
    for _ = 1, 2000 do
      local mt = {}
      setmetatable({}, mt)
      mt.__gc = function() ran.n = ran.n + 1 end
    end
    local junk
    for i = 1, 200 do junk = { string.rep("j", 65536) .. i } end
    if ran.n > 0 then error("a finaliser ran " .. ran.n .. " times") end
    error("no finaliser ran")
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
