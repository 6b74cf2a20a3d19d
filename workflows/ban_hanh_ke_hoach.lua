-- Soạn thảo và ban hành kế hoạch (workflow 1 of shared/domain/WORKFLOWS.md).
--
-- The drafting unit (the standing agency's department, or an office's
-- room) drafts the campaign's plan → its leadership reviews → the draft goes
-- out for comments (lấy ý kiến) to the units the plugin names, each of which
-- answers or lets its window of working days pass → the drafter revises
-- (and, when the province's hook asks for it, consults one more unit) → the
-- signer the plugin names signs, or returns it with a reason → the clerical
-- office issues it: the next number of the issuer's register, the date line,
-- Nơi nhận; in the same write every unit the plan assigns work to gets its
-- own document to send back (nop_ke_hoach), the communes that must have
-- their funding approved get that too (phe_duyet_kinh_phi), and for a
-- tổng kết plan every commune its review conference (hoi_nghi_tong_ket)
-- and every unit the results report due with it. Afterwards the
-- tracking unit opens each period's reports, and the units the plugin names
-- may ask for an ad-hoc report (bao_cao_dinh_ky); its head may recall the
-- plan (thu_hoi), which its recipients then confirm.
--
-- Start variables: chien_dich (the campaign's key in the plugin). The
-- document's unit is the drafting unit (the campaign's `soan_thao`).

local plan = require("ke_hoach")
local truong = require("truong")

local nguoi_soan = {
  { role = "chuyen_vien", unit = "same_unit" },
  { role = "truong_phong", unit = "same_unit" },
}
-- Who may act, by rule: these give each state's inbox its slots. The guards
-- then check the units and roles the plugin names.
-- The drafting unit's leadership: its head, or the heads of the agency it
-- belongs to (the plugin narrows the roles: lanh_dao_duyet).
local lanh_dao = {
  { role = "truong_phong", unit = "same_unit" },
  { role = "giam_doc", unit = "parent" },
  { role = "pho_giam_doc", unit = "parent" },
  { role = "chanh_van_phong", unit = "parent" },
  { role = "pho_chanh_van_phong", unit = "parent" },
}
-- The units asked for comments, as the draft was sent (don_vi_gop_y: the
-- units tagged gop_y_ke_hoach in the plugin's org file, or those its hook
-- names): only they list the draft.
local nguoi_gop_y = {
  { role = "giam_doc", unit = "var:don_vi_gop_y" },
  { role = "pho_giam_doc", unit = "var:don_vi_gop_y" },
  { role = "truong_phong", unit = "var:don_vi_gop_y" },
  { role = "chuyen_vien", unit = "var:don_vi_gop_y" },
}
-- An extra consultation (tham_van_them): the heads of the one unit the
-- plugin's hook names (don_vi_tham_van).
local nguoi_tham_van = {
  { role = "giam_doc", unit = "var:don_vi_tham_van" },
  { role = "pho_giam_doc", unit = "var:don_vi_tham_van" },
  { role = "truong_phong", unit = "var:don_vi_tham_van" },
}
-- The signer: the province's leaders, or an office's chief and deputies.
local nguoi_ky = {
  { role = "chu_tich", unit = "ancestor" },
  { role = "pho_chu_tich", unit = "ancestor" },
  { role = "chanh_van_phong", unit = "ancestor" },
  { role = "pho_chanh_van_phong", unit = "ancestor" },
}
-- The clerical officers of the units tagged van_thu.
local van_thu = { role = "van_thu", unit = "tagged:van_thu" }
-- Who may ask for an ad-hoc report: officers of the standing agency or of
-- a unit above the plan's (UBND tỉnh).
local nguoi_yeu_cau = {
  { role = "chuyen_vien", unit = "standing_agency" },
  { role = "truong_phong", unit = "standing_agency" },
  { role = "chuyen_vien", unit = "ancestor" },
  { role = "truong_phong", unit = "ancestor" },
}

workflow "ban_hanh_ke_hoach" {
  title = "Soạn thảo và ban hành kế hoạch",
  plugin = true,
  hooks = { "nguoi_gop_y", "tham_van_them", "don_vi_giao" },
  initial = "du_thao",
  requires = { "chien_dich" },
  fields = truong.chon { "chien_dich", "ly_do", "y_kien", "ky", "noi_dung", "han_nop",
                         "chuc_vu_nguoi_ky" },
  started_by = nguoi_soan,
  start = function(ctx)
    local c = plan.chien_dich(ctx)
    local so = ctx.plugin.so_van_ban[c.so_van_ban]
    ctx.vars.nam = c.nam
    -- Names for the guards' messages (a guard cannot look units up).
    ctx.vars.ten_don_vi_ky = plan.ten_cac_don_vi(ctx, { c.ky.don_vi })
    ctx.vars.ten_van_thu = plan.ten_cac_don_vi(ctx, so.van_thu)
    ctx.document.set{
      type = so.loai, trich_yeu = c.trich_yeu, issuer = so.don_vi,
      issuer_name = so.ten_co_quan, parent_body = so.co_quan_cap_tren or "",
      issuer_code = so.viet_tat, place = ctx.plugin.dia_danh, register = so.so,
    }
  end,
}

local function gop_y_window(ctx) return ctx.vars.han_gop_y end

state "du_thao"        { title = "Dự thảo kế hoạch" }
state "cho_lanh_dao"   { title = "Chờ lãnh đạo cơ quan soạn thảo cho ý kiến" }
state "lay_y_kien"     { title = "Đang lấy ý kiến góp ý",
                         deadline = { clock = "gop_y", date = gop_y_window,
                                      fire = "het_han_gop_y" } }
state "cho_tham_van"   { title = "Đang tham vấn thêm" }
state "tiep_thu"       { title = "Tiếp thu ý kiến, hoàn thiện dự thảo" }
state "cho_ky"         { title = "Chờ lãnh đạo ký ban hành" }
state "da_ky"          { title = "Đã ký, chờ văn thư ban hành" }
state "dang_thuc_hien" { title = "Đã ban hành, đang tổ chức thực hiện" }
state "ket_thuc"       { title = "Đã kết thúc", final = true }
state "da_thu_hoi"     { title = "Đã thu hồi", final = true }

local function ky_config(ctx) return plan.chien_dich(ctx).ky end

local function la_lanh_dao(ctx)
  return plan.dung_nguoi(ctx, plan.chien_dich(ctx).lanh_dao_duyet, nil,
                         "Cho ý kiến dự thảo")
end

transition "trinh_lanh_dao" {
  title = "Trình lãnh đạo cơ quan",
  from = "du_thao", to = "cho_lanh_dao",
  who = nguoi_soan,
  action = function(ctx) ctx.vars.nguoi_soan = ctx.actor.id end,
}

transition "yeu_cau_sua" {
  title = "Lãnh đạo yêu cầu sửa dự thảo",
  from = "cho_lanh_dao", to = "du_thao",
  who = lanh_dao, requires = { "ly_do" },
  guard = la_lanh_dao,
  action = function(ctx) ctx.vars.ly_do_sua = ctx.payload.ly_do end,
}

-- The units asked for comments: the plugin's hook, or every unit of the
-- province tagged gop_y_ke_hoach (the members of the steering committee).
local function chon_gop_y(ctx)
  return plan.chon_don_vi(ctx, { tag = "gop_y_ke_hoach" })
end

transition "gui_lay_y_kien" {
  title = "Gửi dự thảo lấy ý kiến",
  from = "cho_lanh_dao", to = "lay_y_kien",
  who = lanh_dao,
  guard = la_lanh_dao,
  action = function(ctx)
    local units = plan.hook(ctx, "nguoi_gop_y", chon_gop_y)
    local ids, ten = wf.array(), {}
    for _, u in ipairs(units) do
      ids[#ids + 1] = u.id
      ten[u.id] = u.name
    end
    ctx.vars.don_vi_gop_y = ids
    ctx.vars.ten_gop_y = ten
    ctx.vars.y_kien = {}
    ctx.vars.han_gop_y = wf.add_workdays(ctx.today,
                                         plan.chien_dich(ctx).gop_y.so_ngay_lam_viec)
  end,
}

transition "gop_y" {
  title = "Góp ý dự thảo",
  from = "lay_y_kien", stay = true,
  who = nguoi_gop_y, requires = { "y_kien" },
  guard = function(ctx)
    local unit = ctx.actor.unit
    if not plan.co(ctx.vars.don_vi_gop_y, unit) then
      return false, "Đơn vị '" .. tostring(ctx.actor.unit_name) ..
                    "' không được lấy ý kiến về dự thảo này"
    end
    if ctx.vars.y_kien[unit] ~= nil then
      return false, "'" .. ctx.actor.unit_name .. "' đã góp ý ngày " ..
                    wf.format_date(ctx.vars.y_kien[unit].ngay)
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.y_kien[ctx.actor.unit] = {
      noi_dung = ctx.payload.y_kien, nguoi = ctx.actor.id, ngay = ctx.today,
    }
  end,
}

local function chua_gop_y(ctx)
  local out = wf.array()
  for _, id in ipairs(ctx.vars.don_vi_gop_y) do
    if ctx.vars.y_kien[id] == nil then out[#out + 1] = id end
  end
  return out
end

transition "het_han_gop_y" {
  title = "Hết hạn góp ý",
  from = "lay_y_kien", to = "tiep_thu", who = "system",
  action = function(ctx) ctx.vars.khong_gop_y = chua_gop_y(ctx) end,
}

transition "tong_hop_gop_y" {
  title = "Tổng hợp ý kiến (đã đủ ý kiến)",
  from = "lay_y_kien", to = "tiep_thu",
  who = nguoi_soan,
  guard = function(ctx)
    local missing = chua_gop_y(ctx)
    if #missing > 0 then
      return false, "Còn " .. #missing .. " đơn vị chưa góp ý, hạn góp ý " ..
                    wf.format_date(ctx.vars.han_gop_y)
    end
    return true
  end,
  action = function(ctx) ctx.vars.khong_gop_y = wf.array() end,
}

-- A province may add one consultation before signing: its hook answers
-- {id =, name =} of the unit, or nil. Guards ask it too, so it cannot call
-- ctx.units (a guard has no host calls).
local function tham_van(ctx)
  return plan.hook(ctx, "tham_van_them", function() return nil end)
end

transition "trinh_tham_van" {
  title = "Gửi tham vấn thêm",
  from = "tiep_thu", to = "cho_tham_van",
  who = nguoi_soan,
  guard = function(ctx)
    if tham_van(ctx) == nil then
      return false, "Kế hoạch này không cần tham vấn thêm"
    end
    return ctx.vars.tham_van == nil, "Đã tham vấn rồi"
  end,
  action = function(ctx)
    local u = tham_van(ctx)
    ctx.vars.don_vi_tham_van = u.id
    ctx.vars.ten_tham_van = u.name
  end,
}

transition "tra_loi_tham_van" {
  title = "Trả lời tham vấn",
  from = "cho_tham_van", to = "tiep_thu",
  who = nguoi_tham_van, requires = { "y_kien" },
  guard = function(ctx)
    return plan.dung_nguoi(ctx, nil, { ctx.vars.don_vi_tham_van }, "Trả lời tham vấn",
                           ctx.vars.ten_tham_van)
  end,
  action = function(ctx)
    ctx.vars.tham_van = { noi_dung = ctx.payload.y_kien, nguoi = ctx.actor.id,
                          ngay = ctx.today }
  end,
}

transition "trinh_ky" {
  title = "Trình ký ban hành",
  from = "tiep_thu", to = "cho_ky",
  who = nguoi_soan,
  guard = function(ctx)
    local u = tham_van(ctx)
    if u ~= nil and ctx.vars.tham_van == nil then
      return false, "Chưa tham vấn " .. u.name .. ": gửi tham vấn trước khi trình ký"
    end
    return true
  end,
}

local function la_nguoi_ky(ctx)
  local ky = ky_config(ctx)
  return plan.dung_nguoi(ctx, ky.vai_tro, { ky.don_vi }, "Ký ban hành kế hoạch",
                         ctx.vars.ten_don_vi_ky)
end

transition "tra_lai" {
  title = "Lãnh đạo trả lại dự thảo",
  from = "cho_ky", to = "tiep_thu",
  who = nguoi_ky, requires = { "ly_do" },
  guard = la_nguoi_ky,
  action = function(ctx)
    ctx.vars.ly_do_tra_lai = ctx.payload.ly_do
    ctx.emit("thong_bao", { den = ctx.vars.nguoi_soan, noi_dung = ctx.payload.ly_do })
  end,
}

-- The signature block prints the signer's name as the org directory has
-- it, not a name typed at signing. A delegate of the signer (TUQ.) gives
-- their own title (chuc_vu_nguoi_ky), which the block prints under the
-- head's.
transition "ky" {
  title = "Ký ban hành",
  from = "cho_ky", to = "da_ky",
  who = nguoi_ky,
  optional = { "chuc_vu_nguoi_ky" },
  guard = function(ctx)
    local ok, why = la_nguoi_ky(ctx)
    if not ok then return false, why end
    if ctx.actor.name == "" then
      return false, "Danh bạ cán bộ chưa có họ tên của người ký (" .. ctx.actor.id ..
                    "): quản trị viên cần bổ sung trước khi ký"
    end
    return plan.ky_duoc_uy_quyen(ctx)
  end,
  action = function(ctx)
    ctx.vars.nguoi_ky = ctx.actor.id
    ctx.vars.ten_nguoi_ky = ctx.actor.name
    ctx.vars.ngay_ky = ctx.today
    ctx.vars.chuc_vu_nguoi_ky = plan.chuc_vu_uy_quyen(ctx)
  end,
}

-- Nơi nhận: each line of the plugin is a label, or a selector of units,
-- each of which gets the plan in its incoming list. A selector with a
-- label prints that label once for all its units ("UBND các xã, phường"),
-- as real plans do; without one, each unit is a line of its own.
local function noi_nhan(ctx)
  local out = wf.array()
  for _, line in ipairs(plan.chien_dich(ctx).noi_nhan) do
    if line.tag or line.kinds or line.id then
      for _, u in ipairs(plan.chon_don_vi(ctx, line)) do
        out[#out + 1] = { unit = u.id, label = u.name, purpose = line.purpose or "",
                          group = line.label or "" }
      end
    else
      out[#out + 1] = { label = line.label, purpose = line.purpose or "" }
    end
  end
  return out
end

local function giao_mac_dinh(ctx)
  return plan.chon_nhieu(ctx, plan.chien_dich(ctx).giao_ke_hoach)
end

local function mo_ke_hoach_don_vi(ctx, c, receiver)
  local units = plan.hook(ctx, "don_vi_giao", giao_mac_dinh)
  for _, u in ipairs(units) do
    local cap = (c.cap_huyen and plan.co(c.cap_huyen.cho, u.kind)) and "huyen" or nil
    ctx.start("nop_ke_hoach", {
      chien_dich = ctx.vars.chien_dich, nam = ctx.vars.nam, cap = cap,
      ten_ke_hoach = c.ten_ke_hoach_don_vi,
      don_vi = u.id, ten_don_vi = u.name,
      noi_nhan = receiver.id, ten_noi_nhan = receiver.name,
      noi_nhan_ids = receiver.ids, vai_tro_nhan = c.vai_tro_nhan,
      han_nop = plan.han_cuoi(ctx, c.han_nop_ke_hoach),
    }, { unit = u.id, business_key = ctx.vars.chien_dich .. "/" .. u.id })
  end
  return #units
end

local function mo_kinh_phi(ctx, c)
  if c.kinh_phi == nil then return 0 end
  local units = plan.chon_nhieu(ctx, c.kinh_phi.don_vi)
  for _, u in ipairs(units) do
    ctx.start("phe_duyet_kinh_phi", {
      chien_dich = ctx.vars.chien_dich, don_vi = u.id, ten_don_vi = u.name,
      han = plan.han_cuoi(ctx, c.kinh_phi.han_phe_duyet),
    }, { unit = u.id, business_key = ctx.vars.chien_dich .. "/kinh-phi/" .. u.id })
  end
  return #units
end

-- One report document per unit of the period, with the receiver the plugin
-- names; `han` already read the plugin's way.
local function mo_bao_cao(ctx, ky, ten_ky, units, receiver, han, vai_tro)
  for _, u in ipairs(units) do
    ctx.start("bao_cao_dinh_ky", {
      chien_dich = ctx.vars.chien_dich, nam = ctx.vars.nam, ky = ky, ten_ky = ten_ky,
      don_vi = u.id, ten_don_vi = u.name,
      noi_nhan = receiver.id, ten_noi_nhan = receiver.name,
      noi_nhan_ids = receiver.ids, vai_tro_nhan = vai_tro, han_nop = han,
    }, { unit = u.id,
         business_key = ctx.vars.chien_dich .. "/" .. ky .. "/" .. u.id })
  end
  return #units
end

-- The periods the plugin marks `mo_khi_ban_hanh` (the tổng kết report,
-- due weeks after the plan): opened in the issuing step itself.
local function mo_bao_cao_khi_ban_hanh(ctx, c)
  for ky, bc in pairs(c.bao_cao or {}) do  -- pairs is in key order here
    if bc.mo_khi_ban_hanh then
      local receiver = plan.ben_nhan(ctx, bc.noi_nhan or ctx.plugin.co_quan_thuong_truc)
      ctx.vars["so_bao_cao_" .. ky] = mo_bao_cao(ctx, ky, bc.ten,
          plan.chon_nhieu(ctx, bc.don_vi), receiver, plan.han_cuoi(ctx, bc.han_nop),
          bc.vai_tro_nhan or c.vai_tro_nhan)
      ctx.vars.ky_bao_cao[ky] = ctx.today
    end
  end
end

-- Tổng kết: every commune's conference document (hoi_nghi_tong_ket),
-- which reads the rest from the plugin.
local function mo_hoi_nghi(ctx, c)
  if c.hoi_nghi == nil then return 0 end
  local units = plan.chon_nhieu(ctx, c.hoi_nghi.don_vi)
  for _, u in ipairs(units) do
    ctx.start("hoi_nghi_tong_ket", {
      chien_dich = ctx.vars.chien_dich, nam = ctx.vars.nam,
      don_vi = u.id, ten_don_vi = u.name,
    }, { unit = u.id, business_key = ctx.vars.chien_dich .. "/hoi-nghi/" .. u.id })
  end
  return #units
end

transition "ban_hanh" {
  title = "Văn thư cấp số, ban hành",
  from = "da_ky", to = "dang_thuc_hien",
  who = van_thu,
  guard = function(ctx)
    local so = ctx.plugin.so_van_ban[plan.chien_dich(ctx).so_van_ban]
    return plan.dung_nguoi(ctx, { "van_thu" }, so.van_thu, "Cấp số, ban hành",
                           "văn thư của " .. ctx.vars.ten_van_thu)
  end,
  action = function(ctx)
    local c = plan.chien_dich(ctx)
    local ky = c.ky
    local so = ctx.document.issue{
      signer = plan.khoi_ky({ form = ky.hinh_thuc or "", title_lines = ky.chuc_danh,
                              name = ctx.vars.ten_nguoi_ky, person = ctx.vars.nguoi_ky },
                            ctx.vars.chuc_vu_nguoi_ky),
      recipients = noi_nhan(ctx),
    }
    ctx.vars.so = so.reference
    ctx.vars.ngay_ban_hanh = so.date
    ctx.vars.dong_ngay = so.date_line
    local receiver = plan.ben_nhan(ctx, c.noi_nhan_ke_hoach or ctx.plugin.co_quan_thuong_truc)
    ctx.vars.so_don_vi_giao = mo_ke_hoach_don_vi(ctx, c, receiver)
    ctx.vars.so_xa_kinh_phi = mo_kinh_phi(ctx, c)
    ctx.vars.so_hoi_nghi = mo_hoi_nghi(ctx, c)
    ctx.vars.ky_bao_cao = {}
    mo_bao_cao_khi_ban_hanh(ctx, c)
    ctx.vars.nguoi_yeu_cau_ids = wf.array()
    ctx.vars.ten_nguoi_yeu_cau = plan.ten_cac_don_vi(ctx,
        (c.bao_cao_dot_xuat or {}).nguoi_yeu_cau or {})
    for _, id in ipairs((c.bao_cao_dot_xuat or {}).nguoi_yeu_cau or {}) do
      for _, x in ipairs(plan.ca_don_vi_truc_thuoc(ctx, id)) do
        ctx.vars.nguoi_yeu_cau_ids[#ctx.vars.nguoi_yeu_cau_ids + 1] = x
      end
    end
  end,
}

local la_don_vi_theo_doi = { { role = "chuyen_vien", unit = "same_unit" },
                             { role = "truong_phong", unit = "same_unit" } }

transition "giao_bao_cao" {
  title = "Yêu cầu báo cáo định kỳ",
  from = "dang_thuc_hien", stay = true,
  who = la_don_vi_theo_doi, requires = { "ky" },
  guard = function(ctx)
    local bc = (plan.chien_dich(ctx).bao_cao or {})[ctx.payload.ky]
    if bc == nil then
      return false, "Kế hoạch không có kỳ báo cáo '" .. tostring(ctx.payload.ky) .. "'"
    end
    if ctx.vars.ky_bao_cao[ctx.payload.ky] then
      return false, "Đã yêu cầu " .. bc.ten .. " ngày " ..
                    wf.format_date(ctx.vars.ky_bao_cao[ctx.payload.ky])
    end
    return true
  end,
  action = function(ctx)
    local c = plan.chien_dich(ctx)
    local bc = c.bao_cao[ctx.payload.ky]
    local receiver = plan.ben_nhan(ctx, bc.noi_nhan or ctx.plugin.co_quan_thuong_truc)
    local n = mo_bao_cao(ctx, ctx.payload.ky, bc.ten, plan.chon_nhieu(ctx, bc.don_vi),
                         receiver, plan.han_cuoi(ctx, bc.han_nop),
                         bc.vai_tro_nhan or c.vai_tro_nhan)
    ctx.vars.ky_bao_cao[ctx.payload.ky] = ctx.today
    ctx.vars["so_bao_cao_" .. ctx.payload.ky] = n
  end,
}

transition "yeu_cau_dot_xuat" {
  title = "Yêu cầu báo cáo đột xuất",
  from = "dang_thuc_hien", stay = true,
  who = nguoi_yeu_cau, requires = { "noi_dung", "han_nop" },
  guard = function(ctx)
    if plan.chien_dich(ctx).bao_cao_dot_xuat == nil then
      return false, "Kế hoạch này không có báo cáo đột xuất"
    end
    return plan.dung_nguoi(ctx, nil, ctx.vars.nguoi_yeu_cau_ids,
                           "Yêu cầu báo cáo đột xuất", ctx.vars.ten_nguoi_yeu_cau)
  end,
  action = function(ctx)
    local dx = plan.chien_dich(ctx).bao_cao_dot_xuat
    ctx.vars.so_lan_dot_xuat = (ctx.vars.so_lan_dot_xuat or 0) + 1
    local ky = "dot_xuat_" .. ctx.vars.so_lan_dot_xuat
    local receiver = plan.ben_nhan(ctx, ctx.actor.unit)
    mo_bao_cao(ctx, ky, "Báo cáo đột xuất: " .. ctx.payload.noi_dung,
               plan.chon_nhieu(ctx, dx.don_vi), receiver,
               wf.date(ctx.payload.han_nop), dx.vai_tro_nhan)
  end,
}

transition "ket_thuc" {
  title = "Kết thúc kế hoạch",
  from = "dang_thuc_hien", to = "ket_thuc",
  who = la_don_vi_theo_doi,
}

-- Thu hồi (NĐ 30, Điều 18.4): the head of the tracking unit recalls the
-- issued plan, with the reason (the decision it carries out); every
-- recipient unit then confirms the recall from its incoming list
-- (AcknowledgeDocument). The plan's number stays taken. What the plan
-- asked of the units and has not been done (their plans, reports and
-- conferences still open) is cancelled with it, in the same write: a
-- replacing plan opens new ones, and a unit is not left chased for both.
transition "thu_hoi" {
  title = "Thu hồi kế hoạch đã ban hành",
  from = "dang_thuc_hien", to = "da_thu_hoi",
  who = { role = "truong_phong", unit = "same_unit" }, requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.ly_do_thu_hoi = ctx.payload.ly_do
    ctx.document.recall{ reason = ctx.payload.ly_do }
    ctx.vars.so_van_ban_da_huy =
      ctx.cancel_children("Kế hoạch bị thu hồi: " .. ctx.payload.ly_do)
  end,
}
