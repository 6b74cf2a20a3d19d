-- Attack: create a global after loading with rawset, which skips the
-- frozen table's __newindex; it survives into later calls.
-- Should be stopped by: frozen globals -> FAILED_PRECONDITION "read-only".
-- Today: rawset works; the guard reports what it managed.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  guard = function(ctx)
    rawset(_G, "leak", (rawget(_G, "leak") or 0) + 1)
    return false, "rawset created the global 'leak' = " .. tostring(rawget(_G, "leak"))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
