-- A unit sends a document up: its implementation plan (nop_ke_hoach) or a
-- periodic report (bao_cao_dinh_ky). Both go the same way (workflow 2 of
-- shared/domain/WORKFLOWS.md), so both files declare themselves through
-- this builder:
--
--   the unit drafts, with its file → its head approves and sends it to the
--   receiving unit before the last day on time → the receiver accepts it, or
--   returns it with a reason, and the unit revises and sends again (the last
--   day does not move) → accepted. Reminders before the last day; a unit
--   past it is marked late and chased (đôn đốc) and can still send. The
--   receiver may close the document of a unit that ceased (with a reason).
--
-- Start variables (set by the step that opens the document, usually
-- ban_hanh_ke_hoach's issuance):
--   chien_dich      the campaign's key in the plugin
--   don_vi          the sending unit's id; ten_don_vi its name
--   noi_nhan        the receiving unit's id; ten_noi_nhan its name
--   noi_nhan_ids    the receiving unit and the units inside it (its staff
--                   may sit in a department: Phòng Tham mưu of Công an tỉnh)
--   vai_tro_nhan    the roles that accept or return at the receiver
--   han_nop         the last day on time, "YYYY-MM-DD" (already read the
--                   plugin's way: lib/ke_hoach.lua, han_cuoi)

local plan = require("ke_hoach")
local truong = require("truong")

local M = {}

-- Who may act, by rule; the guards narrow it with the document's own
-- variables (the receiving unit, its roles).
local can_bo_don_vi = plan.can_bo_don_vi
local lanh_dao_don_vi = plan.lanh_dao_don_vi
-- The receiver's officers: in the units the document names (noi_nhan_ids:
-- the standing agency and its departments, a district for its communes in
-- a three-tier province, UBND tỉnh for a report sent to it). Only they get
-- the document in their inbox; the guard then checks the plugin's roles
-- (vai_tro_nhan).
local ben_nhan = plan.ai("var:noi_nhan_ids", { "chuyen_vien", "truong_phong" })

local function la_ben_nhan(ctx, viec)
  return plan.dung_nguoi(ctx, ctx.vars.vai_tro_nhan, ctx.vars.noi_nhan_ids, viec)
end

local function declare_workflow(o)
  workflow(o.name) {
    title = o.title,
    plugin = true,
    hooks = { "dieu_kien_tiep_nhan" },
    initial = "du_thao",
    requires = { "chien_dich", "don_vi", "ten_don_vi", "noi_nhan", "ten_noi_nhan",
                 "noi_nhan_ids", "vai_tro_nhan", "han_nop" },
    fields = truong.chon(plan.gop(
      { "chien_dich", "don_vi", "ten_don_vi", "noi_nhan", "ten_noi_nhan",
        "noi_nhan_ids", "vai_tro_nhan", "han_nop", "ly_do", "noi_dung" },
      o.truong or {})),
    started_by = plan.gop(can_bo_don_vi, plan.thuong_truc),
    start = function(ctx)
      -- The receivers decide who may accept (var:noi_nhan_ids): a unit
      -- that opens its own document may not name itself.
      local hop_le = plan.nhan_hop_le(ctx, ctx.vars.don_vi)
      for _, id in ipairs(ctx.vars.noi_nhan_ids) do
        if not hop_le[id] then
          wf.refuse("noi_nhan_ids: '" .. tostring(id) .. "' không phải cơ quan thường trực, " ..
                    "đơn vị cấp trên của " .. ctx.vars.ten_don_vi .. " hay phòng, ban của các " ..
                    "đơn vị đó: văn bản không gửi đến đó được")
        end
      end
      ctx.vars.lan_gui = 0
      ctx.vars.lan_tra_lai = 0
      ctx.vars.lan_don_doc = 0
      ctx.document.set{ trich_yeu = o.trich_yeu(ctx) }
    end,
  }
end

local function declare_states(o)
  local han = {
    clock = "han_nop",
    date = function(ctx) return ctx.vars.han_nop end,
    fire = "qua_han",
    remind = { working_days = 3, fire = "nhac_han" },
  }
  state "du_thao"      { title = "Đơn vị đang dự thảo " .. o.noun, deadline = han }
  state "cho_duyet"    { title = "Chờ lãnh đạo đơn vị phê duyệt", deadline = han }
  state "da_gui"       { title = "Đã gửi, chờ tiếp nhận" }
  state "bi_tra_lai"   { title = "Bị trả lại, đơn vị đang hoàn thiện", deadline = han }
  state "da_tiep_nhan" { title = "Đã tiếp nhận", final = true }
  state "da_dong"      { title = "Đã đóng (không còn phải nộp)", final = true }
end

local function declare_drafting(o)
  transition "trinh_duyet" {
    title = "Trình lãnh đạo đơn vị phê duyệt",
    from = { "du_thao", "bi_tra_lai" }, to = "cho_duyet",
    who = can_bo_don_vi,
    guard = function(ctx)
      return wf.require_files(ctx, { o.file_slot })
    end,
    action = function(ctx)
      ctx.vars.nguoi_soan = ctx.actor.id
    end,
  }
  transition "yeu_cau_sua" {
    title = "Lãnh đạo đơn vị yêu cầu sửa",
    from = "cho_duyet", to = "du_thao",
    who = lanh_dao_don_vi,
    requires = { "ly_do" },
    action = function(ctx) ctx.vars.ly_do_sua = ctx.payload.ly_do end,
  }
  transition "phe_duyet_va_gui" {
    title = "Lãnh đạo phê duyệt và gửi",
    from = "cho_duyet", to = "da_gui",
    who = lanh_dao_don_vi,
    optional = o.send_optional,
    guard = function(ctx)
      if o.guard_send then return o.guard_send(ctx) end
      return true
    end,
    action = function(ctx)
      ctx.vars.lan_gui = ctx.vars.lan_gui + 1
      ctx.vars.ngay_gui = ctx.today
      ctx.vars.nguoi_duyet = ctx.actor.id
      -- A unit once late stays marked late.
      ctx.vars.nop_muon = ctx.vars.nop_muon == true or ctx.today > ctx.vars.han_nop
      ctx.vars.so_ngay_tre = plan.so_ngay_tre(ctx.vars.han_nop, ctx.today)
      ctx.emit("thong_bao", {
        den = ctx.vars.noi_nhan,
        noi_dung = ctx.vars.ten_don_vi .. " đã gửi " .. o.noun,
      })
      if o.after_send then o.after_send(ctx) end
    end,
  }
end

local function declare_receiving(o)
  transition "tra_lai" {
    title = "Trả lại để hoàn thiện",
    from = "da_gui", to = "bi_tra_lai",
    who = ben_nhan,
    requires = { "ly_do" },
    guard = function(ctx) return la_ben_nhan(ctx, "Trả lại " .. o.noun) end,
    action = function(ctx)
      ctx.vars.lan_tra_lai = ctx.vars.lan_tra_lai + 1
      ctx.vars.ly_do_tra_lai = ctx.payload.ly_do
      ctx.emit("thong_bao", { den = ctx.vars.don_vi, noi_dung = ctx.payload.ly_do })
    end,
  }
  transition "tiep_nhan" {
    title = "Tiếp nhận",
    from = "da_gui", to = "da_tiep_nhan",
    who = ben_nhan,
    guard = function(ctx)
      local ok, why = la_ben_nhan(ctx, "Tiếp nhận " .. o.noun)
      if not ok then return ok, why end
      return plan.hook(ctx, "dieu_kien_tiep_nhan", function() return true end)
    end,
    action = function(ctx)
      ctx.vars.ngay_tiep_nhan = ctx.today
      ctx.vars.nguoi_tiep_nhan = ctx.actor.id
      if o.after_accept then o.after_accept(ctx) end
    end,
  }
  transition "dong" {
    title = "Đóng hồ sơ (đơn vị không còn phải nộp)",
    from = { "du_thao", "cho_duyet", "da_gui", "bi_tra_lai" }, to = "da_dong",
    who = ben_nhan,
    requires = { "ly_do" },
    guard = function(ctx) return la_ben_nhan(ctx, "Đóng hồ sơ") end,
    action = function(ctx) ctx.vars.ly_do_dong = ctx.payload.ly_do end,
  }
end

local function declare_chasing(o)
  local open = { "du_thao", "cho_duyet", "bi_tra_lai" }
  transition "nhac_han" {
    title = "Nhắc hạn nộp",
    from = open, stay = true, who = "system",
    action = function(ctx)
      local con = wf.workdays_between(ctx.today, ctx.vars.han_nop) +
                  (wf.is_workday(ctx.today) and 1 or 0)
      local noi_dung = con > 0
          and ("Còn " .. con .. " ngày làm việc đến hạn nộp " .. o.noun .. " (")
          or ("Đã quá hạn nộp " .. o.noun .. " (")
      ctx.emit("thong_bao", {
        den = ctx.vars.don_vi,
        noi_dung = noi_dung .. wf.format_date(ctx.vars.han_nop) .. ")",
      })
    end,
  }
  transition "qua_han" (plan.qua_han(open, function(ctx)
    return ctx.vars.ten_don_vi .. " chưa nộp " .. o.noun .. ", hạn " ..
           wf.format_date(ctx.vars.han_nop)
  end))
  transition "don_doc" {
    title = "Đôn đốc đơn vị trễ hạn",
    from = open, stay = true,
    who = ben_nhan,
    optional = { "noi_dung" },
    guard = function(ctx)
      if not ctx.vars.tre_han then
        return false, "Chưa quá hạn nộp (" .. wf.format_date(ctx.vars.han_nop) ..
                      "): chưa đôn đốc được"
      end
      return la_ben_nhan(ctx, "Đôn đốc")
    end,
    action = function(ctx)
      ctx.vars.lan_don_doc = ctx.vars.lan_don_doc + 1
      ctx.vars.ngay_don_doc = ctx.today
      ctx.emit("don_doc", {
        den = ctx.vars.don_vi,
        noi_dung = ctx.payload.noi_dung or (ctx.vars.ten_don_vi .. " chưa nộp " .. o.noun),
        so_ngay_lam_viec_tre = plan.so_ngay_tre(ctx.vars.han_nop, ctx.today),
      })
    end,
  }
end

-- Declares the whole workflow. `o`: name, title, noun ("kế hoạch"),
-- file_slot (the file a draft must carry), trich_yeu(ctx) (the document's
-- subject line); optional: truong (more fields, from lib/truong.lua),
-- send_optional (the fields sending may carry, offered on its form),
-- guard_send(ctx) (what sending also needs: true, or false and why),
-- after_send(ctx) (more work when sent), after_accept(ctx)
-- (more work when accepted).
function M.khai_bao(o)
  declare_workflow(o)
  declare_states(o)
  declare_drafting(o)
  declare_receiving(o)
  declare_chasing(o)
end

return M
