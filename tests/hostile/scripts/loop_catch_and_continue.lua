-- Attack: catch the budget error, look at it, and carry on working (and
-- record that we survived in ctx.vars).
-- Stopped by: the pcall-proof budget -> RESOURCE_EXHAUSTED, nothing written.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local caught = 0
    for _ = 1, 1000 do
      local ok, err = pcall(function() local i = 0 while true do i = i + 1 end end)
      if not ok then caught = caught + 1 end
    end
    ctx.vars.survived = caught
    local n = 0
    for i = 1, 1e12 do n = n + i end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
