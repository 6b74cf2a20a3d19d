-- A unit's report, started by a plan (ke_hoach_cha.lua): due in 10 working
-- days, with its own number from the report register.
workflow "bao_cao_con" {
  title = "Báo cáo của đơn vị",
  initial = "dang_lam",
  requires = { "ten" },
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.so_bao_cao = ctx.take_number("so-bao-cao/2026")
  end,
}

state "dang_lam" {
  title = "Đang làm báo cáo",
  deadline = { working_days = 10, fire = "qua_han" },
}
state "da_nop"  { title = "Đã nộp", final = true }
state "tre"     { title = "Trễ hạn", final = true }

transition "nop"     { from = "dang_lam", to = "da_nop" }
transition "qua_han" { from = "dang_lam", to = "tre", who = "system" }
