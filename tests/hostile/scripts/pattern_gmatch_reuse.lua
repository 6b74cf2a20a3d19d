-- Attack: reuse a gmatch iterator after it raised "pattern too complex".
-- Lua 5.4.4's iterator does not reset its recursion counter after the
-- error, so the next call recurses without limit and the server dies
-- (SIGSEGV) — the copy of lstrlib.c we carried had the same bug.
-- Stopped by: our matcher, whose depth limit is per call: every call of the
-- iterator raises the same error, and the action reports it.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local it = string.gmatch(("a"):rep(3e5), ("a?"):rep(3e5))
    local first, e1 = pcall(it)
    local second, e2 = pcall(it)
    local third, e3 = pcall(it)
    error(("reused after an error: %s %s %s / %s"):format(
      tostring(first), tostring(second), tostring(third), tostring(e3)))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
