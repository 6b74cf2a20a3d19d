-- Đề nghị khen thưởng và thẩm định (workflows 4 and 5 of
-- shared/domain/WORKFLOWS.md; shared/domain/RULES.md, "Commendation").
--
-- One document per nominee, a collective or an individual:
--   the unit builds the dossier (tờ trình, báo cáo thành tích, biên bản xét
--   khen thưởng: the files the plugin lists) → its head signs the tờ trình
--   and sends it → the standing agency selects it within the round's quota,
--   or returns it, or does not select it → Sở Nội vụ appraises it within
--   the plugin's working days; asking the unit for additions stops that
--   time until the unit answers → Sở Nội vụ recommends it, or not, with a
--   reason → the standing agency concurs (hiệp y: the appraisal is joint),
--   or sends it back to Sở Nội vụ with its reason; the same working days
--   run → the Chủ tịch UBND tỉnh decides to award it, or not: alone, or
--   with every nominee of the round at once by signing its Quyết định
--   (quyet_dinh_khen_thuong.lua, which takes `khen` here with its number).
-- A place of the quota is taken when the nominee is selected, and given
-- back if Sở Nội vụ, with the standing agency's concurrence, does not
-- recommend it, the Chủ tịch declines it, or the
-- unit withdraws it: the quota is never exceeded, even when many are
-- selected at once. The same person or collective (ma_doi_tuong) can be
-- nominated once in a round ("không khen thưởng nhiều lần cho một thành
-- tích").
--
-- Start variables: dot (the round: a key of the plugin's khen_thuong),
-- hinh_thuc (a key of its hinh_thuc: "bang_khen_chu_tich"), doi_tuong
-- ("ca_nhan" or "tap_the"), ten_doi_tuong, ma_doi_tuong (the person's
-- identity number, or the collective's unit id or name), thanh_tich (the
-- achievement, in short); optional chuc_vu.

local plan = require("ke_hoach")
local khen = require("khen_thuong")
local truong = require("truong")

local can_bo = plan.can_bo_don_vi
local lanh_dao = plan.lanh_dao_don_vi
local thuong_truc = plan.thuong_truc
local so_noi_vu = khen.so_noi_vu
local quyet_dinh = khen.quyet_dinh
local cau_hinh = khen.cau_hinh

local function chi_tieu(ctx) return "khen/" .. ctx.vars.dot .. "/" .. ctx.vars.hinh_thuc end
-- The nominee's name in the round, claimed when the standing agency selects it.
local function ten_trong_dot(ctx) return "khen/" .. ctx.vars.dot .. "/" .. ctx.vars.ma_doi_tuong end

-- Keeps the payload's reason in `field` and tells the unit.
local function ly_do(ctx, field)
  ctx.vars[field] = ctx.payload.ly_do
  ctx.emit("thong_bao", { den = ctx.vars.don_vi, noi_dung = ctx.payload.ly_do })
end

-- Gives the nominee's place back, if it holds one.
local function tra_cho(ctx)
  if ctx.vars.giu_cho then
    ctx.give_place(chi_tieu(ctx))
    ctx.vars.giu_cho = false
  end
end

workflow "de_nghi_khen_thuong" {
  title = "Đề nghị khen thưởng",
  plugin = true,
  initial = "du_thao",
  requires = { "dot", "hinh_thuc", "doi_tuong", "ten_doi_tuong", "ma_doi_tuong", "thanh_tich" },
  fields = truong.chon { "dot", "hinh_thuc", "doi_tuong", "ten_doi_tuong", "ma_doi_tuong",
                         "thanh_tich", "ly_do", "y_kien", "noi_dung", "so_quyet_dinh",
                         "ngay_quyet_dinh" },
  who = can_bo,
  start = function(ctx)
    local dot, ht = cau_hinh(ctx)
    if type(ctx.vars.ma_doi_tuong) ~= "string" or ctx.vars.ma_doi_tuong == "" then
      wf.refuse("ma_doi_tuong: số định danh của cá nhân, hoặc mã của tập thể, không được trống")
    end
    if ctx.vars.doi_tuong ~= "ca_nhan" and ctx.vars.doi_tuong ~= "tap_the" then
      wf.refuse("doi_tuong: 'ca_nhan' (cá nhân) hoặc 'tap_the' (tập thể), không phải '" ..
                tostring(ctx.vars.doi_tuong) .. "'")
    end
    ctx.vars.don_vi = ctx.instance.unit
    ctx.vars.ten_dot = dot.ten
    ctx.vars.ten_hinh_thuc = ht.ten
    ctx.vars.don_vi_quyet_dinh = { ctx.plugin.province }
    ctx.vars.lan_bo_sung = 0
    ctx.document.set{ trich_yeu = "Đề nghị tặng " .. ht.ten .. " cho " ..
                                  (ctx.vars.doi_tuong == "ca_nhan" and "cá nhân " or "tập thể ") ..
                                  ctx.vars.ten_doi_tuong }
  end,
}

local function han_tham_dinh(ctx) return ctx.vars.han_tham_dinh end

state "du_thao"        { title = "Đơn vị lập hồ sơ đề nghị" }
state "cho_lanh_dao"   { title = "Chờ lãnh đạo đơn vị ký tờ trình" }
state "cho_xet_chon"   { title = "Cơ quan Thường trực xét chọn" }
-- The appraisal's working days run while Sở Nội vụ appraises and while
-- the standing agency concurs (one clock), and stop during additions.
local function thoi_han_tham_dinh()
  return { clock = "tham_dinh", date = han_tham_dinh, fire = "qua_han_tham_dinh" }
end

state "cho_tham_dinh"  { title = "Sở Nội vụ thẩm định", deadline = thoi_han_tham_dinh() }
state "cho_bo_sung"    { title = "Đơn vị bổ sung hồ sơ (thời hạn thẩm định dừng)" }
state "cho_hiep_y_khen" { title = "Chờ Cơ quan Thường trực hiệp y đề nghị khen thưởng",
                          deadline = thoi_han_tham_dinh() }
state "cho_hiep_y_khong" { title = "Chờ Cơ quan Thường trực hiệp y không đề nghị khen thưởng",
                           deadline = thoi_han_tham_dinh() }
state "cho_quyet_dinh" { title = "Chờ Chủ tịch UBND tỉnh quyết định" }
state "duoc_khen"      { title = "Được khen thưởng", final = true }
state "khong_duoc_chon" { title = "Không được Cơ quan Thường trực chọn", final = true }
state "khong_de_nghi"  { title = "Sở Nội vụ không đề nghị khen thưởng", final = true }
state "khong_khen"     { title = "Chủ tịch UBND tỉnh không khen thưởng", final = true }
state "da_rut"         { title = "Đơn vị đã rút đề nghị", final = true }

-- The unit's dossier -------------------------------------------------------

transition "trinh" {
  title = "Trình lãnh đạo đơn vị ký tờ trình",
  from = "du_thao", to = "cho_lanh_dao",
  who = can_bo,
  guard = function(ctx)
    local dot = cau_hinh(ctx)
    return wf.require_files(ctx, dot.ho_so or {})
  end,
  action = function(ctx) ctx.vars.nguoi_lap = ctx.actor.id end,
}

transition "yeu_cau_sua" {
  title = "Lãnh đạo đơn vị yêu cầu sửa",
  from = "cho_lanh_dao", to = "du_thao",
  who = lanh_dao, requires = { "ly_do" },
  action = function(ctx) ctx.vars.ly_do_sua = ctx.payload.ly_do end,
}

transition "gui" {
  title = "Lãnh đạo ký tờ trình, gửi Cơ quan Thường trực",
  from = "cho_lanh_dao", to = "cho_xet_chon",
  who = lanh_dao,
  action = function(ctx)
    ctx.vars.nguoi_ky_to_trinh = ctx.actor.id
    ctx.vars.ten_nguoi_ky_to_trinh = ctx.actor.name
    ctx.vars.ngay_gui = ctx.today
  end,
}

-- The standing agency's selection, within the quota ------------------------

transition "tra_lai" {
  title = "Trả lại để hoàn thiện hồ sơ",
  from = "cho_xet_chon", to = "du_thao",
  who = thuong_truc, requires = { "ly_do" },
  action = function(ctx)
    ly_do(ctx, "ly_do_tra_lai")
  end,
}

transition "chon" {
  title = "Chọn, trình Sở Nội vụ thẩm định",
  from = "cho_xet_chon", to = "cho_tham_dinh",
  who = thuong_truc,
  action = function(ctx)
    local dot, ht = cau_hinh(ctx)
    local moi, ho_so = ctx.claim(ten_trong_dot(ctx))
    if not moi then
      wf.refuse(ctx.vars.ten_doi_tuong .. " (" .. ctx.vars.ma_doi_tuong .. ") đã được đề nghị " ..
                "trong đợt này (hồ sơ " .. ho_so .. "): không khen thưởng hai lần cho một " ..
                "thành tích")
    end
    if not ctx.take_place(chi_tieu(ctx), ht.chi_tieu) then
      wf.refuse("Đã chọn đủ " .. ht.chi_tieu .. " " .. ht.ten .. " của " .. dot.ten ..
                ": muốn chọn hồ sơ này, trả lại hoặc bỏ một hồ sơ đã chọn")
    end
    ctx.vars.giu_cho = true
    ctx.vars.nguoi_chon = ctx.actor.id
    ctx.vars.ngay_chon = ctx.today
    ctx.vars.han_tham_dinh = wf.add_workdays(ctx.today, dot.tham_dinh_ngay_lam_viec)
  end,
}

transition "khong_chon" {
  title = "Không chọn",
  from = "cho_xet_chon", to = "khong_duoc_chon",
  who = thuong_truc, requires = { "ly_do" },
  action = function(ctx)
    ly_do(ctx, "ly_do_khong_chon")
  end,
}

-- Sở Nội vụ's appraisal, in working days that stop during additions ------

transition "yeu_cau_bo_sung" {
  title = "Yêu cầu bổ sung hồ sơ",
  from = "cho_tham_dinh", to = "cho_bo_sung",
  who = so_noi_vu, requires = { "noi_dung" },
  action = function(ctx)
    -- The working days left after today: they start again from the day the
    -- unit answers (RULES.md: a request for additions stops the clock).
    ctx.vars.ngay_con_lai = math.max(0, wf.workdays_between(ctx.today, ctx.vars.han_tham_dinh))
    ctx.vars.noi_dung_bo_sung = ctx.payload.noi_dung
    ctx.emit("thong_bao", { den = ctx.vars.don_vi, noi_dung = ctx.payload.noi_dung })
  end,
}

transition "bo_sung" {
  title = "Đơn vị bổ sung hồ sơ",
  from = "cho_bo_sung", to = "cho_tham_dinh",
  who = plan.gop(can_bo, lanh_dao),
  action = function(ctx)
    ctx.vars.lan_bo_sung = ctx.vars.lan_bo_sung + 1
    ctx.vars.han_tham_dinh = wf.add_workdays(ctx.today, ctx.vars.ngay_con_lai)
  end,
}

-- Sở Nội vụ, the unit tagged so_noi_vu: the id of its unit, or nil.
local function don_vi_so_noi_vu(ctx)
  local snv = plan.chon_don_vi(ctx, { tag = "so_noi_vu" })[1]
  return snv and snv.id
end

local tham_dinh = { "cho_tham_dinh", "cho_hiep_y_khen", "cho_hiep_y_khong" }

-- Late while Sở Nội vụ appraises: Sở Nội vụ is chased; while the standing
-- agency has not concurred yet: the standing agency is.
transition "qua_han_tham_dinh" {
  title = "Quá hạn thẩm định",
  from = tham_dinh, stay = true, who = "system",
  action = function(ctx)
    ctx.vars.tham_dinh_tre_han = true
    local den = ctx.plugin.co_quan_thuong_truc
    if ctx.from == "cho_tham_dinh" then den = don_vi_so_noi_vu(ctx) or den end
    ctx.emit("don_doc", { den = den,
                          noi_dung = "Quá hạn thẩm định hồ sơ đề nghị khen thưởng " ..
                                     ctx.vars.ten_doi_tuong })
  end,
}

-- Sở Nội vụ's conclusion, kept until the standing agency concurs.
local function ket_luan(ctx)
  ctx.vars.nguoi_tham_dinh = ctx.actor.id
  ctx.vars.ngay_tham_dinh = ctx.today
end

transition "de_nghi_khen" {
  title = "Sở Nội vụ đề nghị khen thưởng, gửi Cơ quan Thường trực hiệp y",
  from = "cho_tham_dinh", to = "cho_hiep_y_khen",
  who = so_noi_vu,
  optional = { "y_kien" },
  action = function(ctx)
    ctx.vars.y_kien_tham_dinh = ctx.payload.y_kien or "Đủ điều kiện, đề nghị khen thưởng"
    ctx.vars.ly_do_khong_de_nghi = nil
    ket_luan(ctx)
  end,
}

transition "khong_de_nghi" {
  title = "Sở Nội vụ không đề nghị khen thưởng, gửi Cơ quan Thường trực hiệp y",
  from = "cho_tham_dinh", to = "cho_hiep_y_khong",
  who = so_noi_vu, requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.ly_do_khong_de_nghi = ctx.payload.ly_do
    ctx.vars.y_kien_tham_dinh = nil
    ket_luan(ctx)
  end,
}

-- The standing agency's concurrence (hiệp y) ---------------------------------

-- Keeps who concurred, when, and their opinion (the payload's y_kien). The
-- reason of an earlier non-concurrence no longer holds (the history keeps
-- it; lan_khong_hiep_y still counts it).
local function hiep_y(ctx, mac_dinh)
  ctx.vars.ly_do_khong_hiep_y = nil
  ctx.vars.y_kien_hiep_y = ctx.payload.y_kien or mac_dinh
  ctx.vars.nguoi_hiep_y = ctx.actor.id
  ctx.vars.ngay_hiep_y = ctx.today
end

transition "hiep_y" {
  title = "Hiệp y đề nghị khen thưởng, trình Chủ tịch UBND tỉnh",
  from = "cho_hiep_y_khen", to = "cho_quyet_dinh",
  who = thuong_truc,
  optional = { "y_kien" },
  action = function(ctx)
    hiep_y(ctx, "Thống nhất đề nghị khen thưởng")
  end,
}

-- Not recommended, jointly: the place goes back and the unit is told why.
transition "hiep_y" {
  title = "Hiệp y không đề nghị khen thưởng",
  from = "cho_hiep_y_khong", to = "khong_de_nghi",
  who = thuong_truc,
  optional = { "y_kien" },
  action = function(ctx)
    hiep_y(ctx, "Thống nhất không đề nghị khen thưởng")
    ctx.emit("thong_bao", { den = ctx.vars.don_vi, noi_dung = ctx.vars.ly_do_khong_de_nghi })
    tra_cho(ctx)
  end,
}

-- The standing agency does not concur: Sở Nội vụ appraises again, on the
-- same clock, told why.
transition "khong_hiep_y" {
  title = "Không hiệp y, trả lại Sở Nội vụ thẩm định lại",
  from = { "cho_hiep_y_khen", "cho_hiep_y_khong" }, to = "cho_tham_dinh",
  who = thuong_truc, requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.ly_do_khong_hiep_y = ctx.payload.ly_do
    ctx.vars.lan_khong_hiep_y = (ctx.vars.lan_khong_hiep_y or 0) + 1
    local snv = don_vi_so_noi_vu(ctx)
    if snv then ctx.emit("thong_bao", { den = snv, noi_dung = ctx.payload.ly_do }) end
  end,
}

-- The Chủ tịch's decision ---------------------------------------------------

local function la_nguoi_quyet_dinh(ctx)
  return khen.la_nguoi_quyet_dinh(ctx, "Quyết định khen thưởng")
end

transition "khen" {
  title = "Quyết định khen thưởng",
  from = "cho_quyet_dinh", to = "duoc_khen",
  who = quyet_dinh,
  optional = { "so_quyet_dinh", "ngay_quyet_dinh" },
  guard = la_nguoi_quyet_dinh,
  action = function(ctx)
    ctx.vars.nguoi_quyet_dinh = ctx.actor.id
    ctx.vars.ten_nguoi_quyet_dinh = ctx.actor.name
    ctx.vars.ngay_quyet_dinh = ctx.payload.ngay_quyet_dinh or ctx.today
    -- Taken by the round's Quyết định (quyet_dinh_khen_thuong): its number.
    ctx.vars.so_quyet_dinh = ctx.payload.so_quyet_dinh
    local theo = ctx.payload.so_quyet_dinh and
                 (" theo Quyết định số " .. ctx.payload.so_quyet_dinh) or ""
    ctx.emit("thong_bao", { den = ctx.vars.don_vi,
                            noi_dung = ctx.vars.ten_doi_tuong .. " được tặng " ..
                                       ctx.vars.ten_hinh_thuc .. theo })
  end,
}

transition "khong_khen" {
  title = "Không khen thưởng",
  from = "cho_quyet_dinh", to = "khong_khen",
  who = quyet_dinh, requires = { "ly_do" },
  guard = la_nguoi_quyet_dinh,
  action = function(ctx)
    ly_do(ctx, "ly_do_khong_khen")
    ctx.vars.nguoi_quyet_dinh = ctx.actor.id
    ctx.vars.ngay_quyet_dinh = ctx.today
    tra_cho(ctx)
  end,
}

-- Withdrawn, the nominee frees its place and its name in the round: the
-- unit may nominate the same person again (a corrected dossier). A nominee
-- refused keeps its name: one achievement is not put forward twice.
transition "rut" {
  title = "Rút đề nghị",
  from = { "du_thao", "cho_lanh_dao", "cho_xet_chon", "cho_tham_dinh", "cho_bo_sung",
           "cho_hiep_y_khen", "cho_hiep_y_khong", "cho_quyet_dinh" },
  to = "da_rut",
  who = lanh_dao, requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.ly_do_rut = ctx.payload.ly_do
    tra_cho(ctx)
    ctx.release(ten_trong_dot(ctx))
  end,
}
