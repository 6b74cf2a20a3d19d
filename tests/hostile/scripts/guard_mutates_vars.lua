-- Attack: a guard that writes to ctx.vars (guards must only read), hoping
-- the action or the stored document sees it.
-- Stopped by: the guard's ctx is thrown away; the action gets the stored
-- variables. The action reports what it sees -> "vars clean",
-- FAILED_PRECONDITION (raised on purpose so nothing is written).
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    ctx.vars.tampered = true
    ctx.vars.don_vi = nil
    return true
  end,
  action = function(ctx)
    if ctx.vars.tampered ~= nil or ctx.vars.don_vi == nil then
      error("the guard's changes leaked into the action")
    end
    error("vars clean")
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
