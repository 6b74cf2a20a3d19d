-- Attack: the same blow-up through gsub and gmatch (n = 600 with two
-- nested lazy items: O(n^3) steps).
-- Should be stopped by: a metered matcher -> RESOURCE_EXHAUSTED.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("a", 600)
    local _, n = s:gsub(".-.-b", "")
    for _ in s:gmatch(".-.-b") do n = n + 1 end
    error("the match finished: " .. n)
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
