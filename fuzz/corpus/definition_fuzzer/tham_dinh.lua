-- Sở Nội vụ appraises a nomination within 20 working days of receiving a
-- complete dossier; asking the unit for additions stops the clock until the
-- unit answers (RULES.md, "Counting"). Used by the timer tests.

workflow "tham_dinh" {
  title = "Thẩm định hồ sơ khen thưởng",
  initial = "tiep_nhan",
  who = { role = "chuyen_vien", unit = "same_unit" },
}

state "tiep_nhan" { title = "Tiếp nhận hồ sơ" }

state "dang_tham_dinh" {
  title = "Sở Nội vụ đang thẩm định",
  deadline = {
    clock = "thoi_han",
    working_days = 20,
    fire = "qua_han",
    remind = { working_days = 3, fire = "nhac_han" },
  },
}

state "cho_bo_sung" { title = "Chờ đơn vị bổ sung hồ sơ", pauses = "thoi_han" }
state "da_trinh"    { title = "Đã trình Chủ tịch UBND tỉnh", final = true }

transition "bat_dau"         { from = "tiep_nhan", to = "dang_tham_dinh" }
transition "yeu_cau_bo_sung" { from = "dang_tham_dinh", to = "cho_bo_sung" }
transition "nop_bo_sung"     { from = "cho_bo_sung", to = "dang_tham_dinh" }
transition "trinh"           { from = "dang_tham_dinh", to = "da_trinh" }

transition "nhac_han" {
  from = "dang_tham_dinh", to = "dang_tham_dinh", who = "system",
  action = function(ctx)
    ctx.vars.so_lan_nhac = (ctx.vars.so_lan_nhac or 0) + 1
    ctx.emit("thong_bao", { den = "so_noi_vu", noi_dung = "Còn 3 ngày làm việc" })
  end,
}

transition "qua_han" {
  from = "dang_tham_dinh", to = "dang_tham_dinh", who = "system",
  action = function(ctx)
    ctx.vars.tre_han = true
    ctx.vars.han = ctx.timer.due_date
    ctx.vars.han_viet = wf.format_date(wf.add_days(ctx.timer.due_date, -1))
  end,
}
