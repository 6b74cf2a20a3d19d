-- Attack: raise a 4 MiB error message. It becomes the status message of
-- the call, which gRPC carries in trailers (a few KiB at most) and the
-- server logs.
-- Expected: FAILED_PRECONDITION with the message cut to a sane length.
-- Today: the whole 4 MiB comes back.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    error(string.rep("x", 4 << 20))
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
