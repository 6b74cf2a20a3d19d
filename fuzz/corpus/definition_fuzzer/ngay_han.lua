-- Deadline by date, reminders, a paused clock, a stay event, effects.
workflow "ngay_han" {
  title = "Báo cáo có hạn",
  initial = "soan",
  who = { role = "*", unit = "same_unit" },
  requires = { "don_vi" },
  start = function(ctx) ctx.vars.lan = 0; ctx.vars.ds = wf.array() end,
}
state "soan" {
  deadline = {
    date = function(ctx) return ctx.vars.han or wf.add_workdays(ctx.today, 5) end,
    fire = "qua_han",
    remind = { working_days = 1, fire = "nhac" },
  },
}
state "bo_sung" { pauses = "soan" }
state "xong" { final = true }
transition "nhac" { from = "soan", stay = true, who = "system",
  action = function(ctx) ctx.emit("thong_bao", { den = ctx.vars.don_vi }) end }
transition "qua_han" { from = "soan", stay = true, who = "system",
  action = function(ctx) ctx.vars.tre = true end }
transition "yeu_cau" { from = "soan", to = "bo_sung", requires = { "ly_do" },
  action = function(ctx)
    local ds = ctx.vars.ds
    ds[#ds + 1] = ctx.payload.ly_do
    ctx.vars.lan = ctx.vars.lan + 1
  end }
transition "gui_lai" { from = "bo_sung", to = "soan" }
transition "nop" { from = "soan", to = "xong",
  guard = function(ctx)
    if not ctx.payload.so then return false, "Thiếu số liệu" end
    return true
  end,
  action = function(ctx)
    local t = {}
    for k, v in pairs(ctx.payload) do t[#t + 1] = k .. "=" .. tostring(v) end
    ctx.vars.tom_tat = table.concat(t, "; ")
    ctx.vars.ngay = wf.format_date(ctx.today, "Bắc Ninh")
  end }
