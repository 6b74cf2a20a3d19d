-- A test workflow: the plan submission of one unit, as the engine shipped it
-- before the province plugins (the real one is workflows/nop_ke_hoach.lua,
-- which reads its deadlines from a plugin). Engine tests use this one: it
-- needs no plugin.
--
-- Nộp kế hoạch thực hiện của đơn vị (workflow 2 of ../shared/domain/WORKFLOWS.md)
--
-- Every unit the province's plan assigns work to — a member agency (sở, ban,
-- ngành, Ủy ban MTTQ) or a commune BCĐ 138 — drafts its own implementation
-- plan, has its head approve it, and sends it to the standing agency (Công an
-- tỉnh, Phòng Tham mưu) before the province's deadline: Bắc Ninh 10/02/2026,
-- Tuyên Quang 28/02/2024, Thanh Hóa 10/04/2025. The standing agency accepts
-- it or returns it with a reason; the unit revises and resubmits, and the
-- deadline does not move. A unit that misses the deadline is marked late and
-- chased (đôn đốc), and still submits.
--
-- Start variables:
--   don_vi   the unit, as written in documents ("UBND xã Tiên Du")
--   han_nop  the province's deadline, "YYYY-MM-DD" (from the province plugin)
--   nam      the plan's year

-- Who acts (roles in units, docs/org.md): the unit's officers draft; its
-- head (chủ tịch, phó chủ tịch, giám đốc, phó giám đốc) approves; officers
-- of the standing agency (Công an tỉnh, Phòng Tham mưu) receive or return.
local can_bo_don_vi = { role = "can_bo", unit = "same_unit" }
local lanh_dao_don_vi = {
  { role = "chu_tich", unit = "same_unit" },
  { role = "pho_chu_tich", unit = "same_unit" },
  { role = "giam_doc", unit = "same_unit" },
  { role = "pho_giam_doc", unit = "same_unit" },
}
local co_quan_thuong_truc = {
  { role = "chuyen_vien", unit = "standing_agency" },
  { role = "truong_phong", unit = "standing_agency" },
}

workflow "nop_ke_hoach" {
  title = "Nộp kế hoạch thực hiện của đơn vị",
  initial = "du_thao",
  requires = { "don_vi", "han_nop", "nam" },
  fields = {
    don_vi = "Đơn vị",
    han_nop = { title = "Hạn nộp", kind = "date" },
    nam = { title = "Năm", kind = "integer" },
    trich_yeu = "Trích yếu",
    ly_do = { title = "Lý do", kind = "long_text" },
  },
  -- The standing agency opens one for each unit when the province's plan is
  -- issued; a unit may also open its own.
  started_by = { co_quan_thuong_truc[1], co_quan_thuong_truc[2], can_bo_don_vi },
  start = function(ctx)
    ctx.vars.lan_gui = 0
    ctx.vars.lan_tra_lai = 0
  end,
}

-- The province's deadline runs while the unit drafts and while its head
-- reviews; it ends when the plan is sent. At the start of the day from which
-- three working days are left (the deadline's own day counting as one), the
-- unit is reminded; when it passes, the unit is marked late and chased.
local han_nop = {
  clock = "han_nop",
  date = function(ctx) return ctx.vars.han_nop end,
  fire = "qua_han",
  remind = { working_days = 3, fire = "nhac_han" },
}

state "du_thao"      { title = "Đơn vị đang dự thảo kế hoạch", deadline = han_nop }
state "cho_duyet"    { title = "Chờ lãnh đạo đơn vị phê duyệt", deadline = han_nop }
state "da_gui"       { title = "Đã gửi Cơ quan Thường trực" }
state "da_tiep_nhan" { title = "Cơ quan Thường trực đã tiếp nhận", final = true }

transition "trinh_duyet" {
  title = "Trình lãnh đạo đơn vị phê duyệt",
  from = "du_thao", to = "cho_duyet",
  who = can_bo_don_vi,
  guard = function(ctx)
    if (ctx.payload.trich_yeu or ctx.vars.trich_yeu) == nil then
      return false, "Chưa có trích yếu kế hoạch: nhập trích yếu trước khi trình"
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.trich_yeu = ctx.payload.trich_yeu or ctx.vars.trich_yeu
    ctx.vars.nguoi_soan = ctx.vars.nguoi_soan or ctx.actor.id
  end,
}

transition "yeu_cau_sua" {
  title = "Lãnh đạo yêu cầu sửa",
  from = "cho_duyet", to = "du_thao",
  who = lanh_dao_don_vi,
  requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.ly_do_sua = ctx.payload.ly_do
  end,
}

transition "phe_duyet_va_gui" {
  title = "Lãnh đạo phê duyệt và gửi Cơ quan Thường trực",
  from = "cho_duyet", to = "da_gui",
  who = lanh_dao_don_vi,
  action = function(ctx)
    ctx.vars.lan_gui = ctx.vars.lan_gui + 1
    ctx.vars.ngay_gui = ctx.today
    ctx.vars.nguoi_duyet = ctx.actor.id
    -- ISO dates compare as text. A late unit stays marked late.
    if ctx.today > ctx.vars.han_nop then ctx.vars.nop_muon = true end
    ctx.vars.so_ngay_lam_viec_tre = math.max(0,
        wf.workdays_between(ctx.vars.han_nop, ctx.today))
    ctx.emit("thong_bao", {
      den = "co_quan_thuong_truc",
      noi_dung = ctx.vars.don_vi .. " đã gửi kế hoạch năm " .. ctx.vars.nam,
    })
  end,
}

transition "tra_lai" {
  title = "Cơ quan Thường trực trả lại để hoàn thiện",
  from = "da_gui", to = "du_thao",
  who = co_quan_thuong_truc,
  requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.lan_tra_lai = ctx.vars.lan_tra_lai + 1
    ctx.vars.ly_do_tra_lai = ctx.payload.ly_do
    ctx.emit("thong_bao", { den = ctx.vars.don_vi, noi_dung = ctx.payload.ly_do })
  end,
}

transition "tiep_nhan" {
  title = "Cơ quan Thường trực tiếp nhận",
  from = "da_gui", to = "da_tiep_nhan",
  who = co_quan_thuong_truc,
  action = function(ctx)
    ctx.vars.ngay_tiep_nhan = ctx.today
  end,
}

transition "nhac_han" {
  title = "Nhắc hạn nộp kế hoạch",
  from = { "du_thao", "cho_duyet" }, stay = true, who = "system",
  action = function(ctx)
    -- The working days left, today and the last day included: 3 when the
    -- reminder fires on time; fewer for a plan started close to (or past)
    -- its deadline. The last day is han_nop, moved off a rest day.
    local han = wf.add_workdays(ctx.vars.han_nop, 0)
    local con = wf.workdays_between(ctx.today, han) +
                (wf.is_workday(ctx.today) and 1 or 0)
    local noi_dung
    if con > 0 then
      noi_dung = "Còn " .. con .. " ngày làm việc đến hạn nộp kế hoạch ("
    else
      noi_dung = "Đã quá hạn nộp kế hoạch ("
    end
    ctx.emit("thong_bao", {
      den = ctx.vars.don_vi,
      noi_dung = noi_dung .. wf.format_date(ctx.vars.han_nop) .. ")",
    })
  end,
}

transition "qua_han" {
  title = "Quá hạn nộp kế hoạch: đôn đốc",
  from = { "du_thao", "cho_duyet" }, stay = true, who = "system",
  action = function(ctx)
    ctx.vars.tre_han = true
    ctx.emit("don_doc", {
      den = ctx.vars.don_vi,
      noi_dung = ctx.vars.don_vi .. " chưa nộp kế hoạch năm " .. ctx.vars.nam ..
                 ", hạn " .. wf.format_date(ctx.vars.han_nop),
    })
  end,
}
