-- Attack: emit eight effects, each holding the same 1 MiB string: 8 MiB of
-- history and outbox from 1 MiB of Lua memory.
-- Should be stopped by: a size limit on the effects of one step ->
-- RESOURCE_EXHAUSTED. Today: written.
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local s = string.rep("x", 1 << 20)
    for _ = 1, 8 do ctx.emit("thong_bao", { noi_dung = s }) end
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
