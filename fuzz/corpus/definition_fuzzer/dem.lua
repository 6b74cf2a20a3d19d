-- A counter: each "tang" adds one and remembers the idempotency-free order
-- of calls. Used by concurrency and crash tests.
workflow "dem" {
  title = "Bộ đếm",
  initial = "mo",
  who = { role = "*", unit = "same_unit" },
}

state "mo"   { title = "Đang mở" }
state "dong" { title = "Đã đóng", final = true }

transition "tang" {
  from = "mo", to = "mo",
  action = function(ctx)
    ctx.vars.n = (ctx.vars.n or 0) + 1
    if ctx.payload.key then
      local log = ctx.vars.log or wf.array()
      log[#log + 1] = ctx.payload.key
      ctx.vars.log = log
    end
  end,
}

transition "dong" { from = "mo", to = "dong" }
