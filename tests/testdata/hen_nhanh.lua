-- A waiting state that times out after two seconds of real time. Used by the
-- restart test with the real server binary.
workflow "hen_nhanh" {
  title = "Hẹn giờ ngắn", initial = "cho", started_by = { role = "*", unit = "same_unit" },
}
state "cho" { title = "Đang chờ", deadline = { seconds = 2, fire = "het_gio" } }
state "het" { title = "Hết giờ", final = true }
transition "het_gio" {
  from = "cho", to = "het", who = "system",
  action = function(ctx) ctx.vars.het_luc = ctx.timer.due end,
}
