-- A small approval workflow used by the engine's tests: a unit drafts a
-- plan, submits it, and its head approves it or returns it with a reason.
-- The last transitions misbehave on purpose (tests of refusals). (Seed copy of
-- tests/testdata/phe_duyet.lua without its slow memory bomb.)

workflow "phe_duyet" {
  title = "Phê duyệt kế hoạch",
  initial = "du_thao",
  requires = { "don_vi" },
  -- Anyone of the document's unit, whatever their role (tests of the
  -- transition path; the permission tests use workflows with real roles).
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.lan_tra_lai = 0
  end,
}

state "du_thao"   { title = "Dự thảo" }
state "cho_duyet" { title = "Chờ lãnh đạo duyệt" }
state "da_duyet"  { title = "Đã duyệt", final = true }

transition "trinh" {
  title = "Trình lãnh đạo duyệt",
  from = "du_thao", to = "cho_duyet",
  guard = function(ctx)
    if ctx.vars.noi_dung == nil and ctx.payload.noi_dung == nil then
      return false, "Chưa có nội dung kế hoạch"
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.noi_dung = ctx.payload.noi_dung or ctx.vars.noi_dung
  end,
}

transition "duyet" {
  title = "Duyệt",
  from = "cho_duyet", to = "da_duyet",
  action = function(ctx)
    ctx.vars.nguoi_duyet = ctx.actor.id
    ctx.vars.ngay_duyet = ctx.today
    ctx.emit("thong_bao", { den = ctx.vars.don_vi, noi_dung = "Kế hoạch đã được duyệt" })
  end,
}

transition "tra_lai" {
  title = "Trả lại",
  from = "cho_duyet", to = "du_thao",
  requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.lan_tra_lai = ctx.vars.lan_tra_lai + 1
    ctx.vars.ly_do = ctx.payload.ly_do
  end,
}

transition "boc_tham" {
  title = "Bốc thăm (dùng số ngẫu nhiên)",
  from = "du_thao", to = "du_thao",
  action = function(ctx)
    ctx.vars.so = math.random(1, 1000000)
  end,
}

transition "loi" {
  from = "du_thao", to = "du_thao",
  action = function(ctx)
    local thieu = nil
    ctx.vars.x = thieu.truong
  end,
}

transition "lap" {
  from = "du_thao", to = "du_thao",
  guard = function(ctx)
    while true do end
  end,
}
