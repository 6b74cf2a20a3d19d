-- Hội nghị tổng kết của xã (workflow 3 of shared/domain/WORKFLOWS.md; seed
-- 002, II.2.2 and IV.4.3).
--
-- Before holding its year-end review conference, the commune's chairman
-- reports its programme, content and date to the provincial steering
-- committee member assigned to the commune (the province's phân công) and
-- invites that member → the member agrees, or asks for changes (the
-- commune revises and asks again) → the commune holds the conference and
-- records it, by the province's last day. A commune past that day is
-- marked late and chased (đôn đốc) by the standing agency, and still holds
-- it. The standing agency may close the document of a commune that ceased.
--
-- Opened for every commune by the issuance of the province's tổng kết plan
-- (ban_hanh_ke_hoach, the campaign's `hoi_nghi`), or by the standing
-- agency for a commune it adds. Start variables: chien_dich, nam, don_vi,
-- ten_don_vi. The rest comes from the plugin when the document starts, not
-- from whoever starts it (the member decides who may agree):
--   ten_hoi_nghi             "Hội nghị tổng kết năm 2025"
--   thanh_vien, ten_thanh_vien, thanh_vien_ids
--                            the member assigned to the commune (phan_cong;
--                            the standing agency when none is), its name,
--                            it and its departments
--   vai_tro_thanh_vien       who answers there (the agency's leaders)
--   vai_tro_theo_doi         the standing agency's roles that chase, close
--   han, truoc_ngay          the last day on time (read the plugin's way:
--                            lib/ke_hoach.lua) and the day the plan writes
--                            ("trước ngày X"), for the messages

local plan = require("ke_hoach")
local truong = require("truong")

local lanh_dao_xa = plan.ai("same_unit", { "chu_tich", "pho_chu_tich" })
local xa = plan.ai("same_unit", { "chu_tich", "pho_chu_tich", "can_bo" })
-- Only the assigned member's leaders get the request in their inbox.
local thanh_vien = plan.ai("var:thanh_vien_ids",
                           { "giam_doc", "pho_giam_doc", "chu_tich", "pho_chu_tich" })
local theo_doi = plan.thuong_truc

workflow "hoi_nghi_tong_ket" {
  title = "Hội nghị tổng kết của xã",
  plugin = true,
  initial = "chuan_bi",
  requires = { "chien_dich", "don_vi", "ten_don_vi" },
  fields = truong.chon { "chien_dich", "don_vi", "ten_don_vi", "ngay_du_kien", "chuong_trinh",
                         "dia_diem", "du_hoi_nghi", "ngay_to_chuc", "so_dai_bieu",
                         "thanh_vien_du", "ket_qua", "ly_do", "y_kien", "noi_dung" },
  who = xa,
  started_by = theo_doi,
  start = function(ctx)
    local c = plan.chien_dich(ctx)
    if c.hoi_nghi == nil then
      wf.refuse("chiến dịch '" .. ctx.vars.chien_dich .. "' không có hội nghị tổng kết (hoi_nghi)")
    end
    local member = plan.ben_nhan(ctx, plan.thanh_vien_phu_trach(ctx, ctx.vars.don_vi) or
                                      ctx.plugin.co_quan_thuong_truc)
    ctx.vars.thanh_vien = member.id
    ctx.vars.ten_thanh_vien = member.name
    ctx.vars.thanh_vien_ids = member.ids
    ctx.vars.vai_tro_thanh_vien = c.hoi_nghi.vai_tro_thanh_vien or { "giam_doc", "pho_giam_doc" }
    ctx.vars.vai_tro_theo_doi = c.vai_tro_nhan
    ctx.vars.ten_hoi_nghi = c.hoi_nghi.ten
    ctx.vars.han = plan.han_cuoi(ctx, c.hoi_nghi.han)
    ctx.vars.truoc_ngay = c.hoi_nghi.han
    ctx.vars.lan_xin_y_kien = 0
    ctx.vars.lan_dieu_chinh = 0
    ctx.vars.lan_don_doc = 0
    ctx.document.set{ trich_yeu = ctx.vars.ten_hoi_nghi .. " của " .. ctx.vars.ten_don_vi }
  end,
}

local han = {
  clock = "han",
  date = function(ctx) return ctx.vars.han end,
  fire = "qua_han",
  remind = { working_days = 5, fire = "nhac_han" },
}
state "chuan_bi"       { title = "Xã đang chuẩn bị chương trình hội nghị", deadline = han }
state "cho_y_kien"     { title = "Đã báo cáo, chờ ý kiến thành viên BCĐ tỉnh phụ trách",
                         deadline = han }
state "can_dieu_chinh" { title = "Thành viên BCĐ tỉnh đề nghị điều chỉnh", deadline = han }
state "da_thong_nhat"  { title = "Đã thống nhất, chờ tổ chức hội nghị", deadline = han }
state "da_to_chuc"     { title = "Đã tổ chức hội nghị", final = true }
state "da_dong"        { title = "Đã đóng (xã không còn phải tổ chức)", final = true }

-- A date the official typed (dd/mm/yyyy or yyyy-mm-dd), or nil (not a
-- date, or no such day).
local function ngay(text)
  if type(text) ~= "string" then return nil end
  local ok, d = pcall(wf.date, text)
  if ok then return d end
  return nil
end

local function gui(ctx, den, noi_dung)
  ctx.emit("thong_bao", { den = den, noi_dung = noi_dung })
end

transition "xin_y_kien" {
  title = "Báo cáo, xin ý kiến thành viên BCĐ tỉnh phụ trách và mời dự",
  from = { "chuan_bi", "can_dieu_chinh" }, to = "cho_y_kien",
  who = lanh_dao_xa,
  requires = { "ngay_du_kien", "chuong_trinh" },
  optional = { "dia_diem" },
  guard = function(ctx)
    local d = ngay(ctx.payload.ngay_du_kien)
    if d == nil then
      return false, "Ngày dự kiến '" .. tostring(ctx.payload.ngay_du_kien) ..
                    "' không phải một ngày có thật, viết ngày/tháng/năm"
    end
    if d < ctx.today then
      return false, "Ngày dự kiến đã qua (" .. wf.format_date(d) .. ")"
    end
    -- While the last day is ahead, the conference must be planned by it;
    -- a commune already late may plan any day to come.
    if ctx.today <= ctx.vars.han and d > ctx.vars.han then
      return false, "Hội nghị phải tổ chức xong trước " ..
                    wf.format_date(ctx.vars.truoc_ngay) ..
                    ": dự kiến " .. wf.format_date(d) .. " là quá hạn"
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.ngay_du_kien = ngay(ctx.payload.ngay_du_kien)
    ctx.vars.chuong_trinh = ctx.payload.chuong_trinh
    ctx.vars.dia_diem = ctx.payload.dia_diem
    ctx.vars.lan_xin_y_kien = ctx.vars.lan_xin_y_kien + 1
    ctx.vars.nguoi_xin_y_kien = ctx.actor.id
    ctx.vars.ngay_xin_y_kien = ctx.today
    gui(ctx, ctx.vars.thanh_vien,
        ctx.vars.ten_don_vi .. " báo cáo, xin ý kiến về chương trình, nội dung, thời gian " ..
        ctx.vars.ten_hoi_nghi .. " (dự kiến " .. wf.format_date(ctx.vars.ngay_du_kien) ..
        ") và kính mời đồng chí dự, chỉ đạo")
  end,
}

local function la_thanh_vien(ctx, viec)
  return plan.dung_nguoi(ctx, ctx.vars.vai_tro_thanh_vien, ctx.vars.thanh_vien_ids, viec,
                         ctx.vars.ten_thanh_vien)
end

transition "thong_nhat" {
  title = "Thành viên BCĐ tỉnh thống nhất",
  from = "cho_y_kien", to = "da_thong_nhat",
  who = thanh_vien,
  optional = { "y_kien", "du_hoi_nghi" },
  guard = function(ctx) return la_thanh_vien(ctx, "Cho ý kiến về hội nghị") end,
  action = function(ctx)
    ctx.vars.y_kien_thanh_vien = ctx.payload.y_kien or "Thống nhất"
    -- Whether the member will attend (the invitation); yes unless said.
    ctx.vars.thanh_vien_du = ctx.payload.du_hoi_nghi ~= false
    ctx.vars.nguoi_cho_y_kien = ctx.actor.id
    ctx.vars.ngay_cho_y_kien = ctx.today
    gui(ctx, ctx.vars.don_vi, ctx.vars.ten_thanh_vien .. " thống nhất chương trình " ..
        ctx.vars.ten_hoi_nghi)
  end,
}

transition "de_nghi_dieu_chinh" {
  title = "Thành viên BCĐ tỉnh đề nghị điều chỉnh",
  from = "cho_y_kien", to = "can_dieu_chinh",
  who = thanh_vien,
  requires = { "ly_do" },
  guard = function(ctx) return la_thanh_vien(ctx, "Cho ý kiến về hội nghị") end,
  action = function(ctx)
    ctx.vars.lan_dieu_chinh = ctx.vars.lan_dieu_chinh + 1
    ctx.vars.ly_do_dieu_chinh = ctx.payload.ly_do
    gui(ctx, ctx.vars.don_vi, ctx.payload.ly_do)
  end,
}

transition "ghi_nhan_hoi_nghi" {
  title = "Ghi nhận đã tổ chức hội nghị",
  from = "da_thong_nhat", to = "da_to_chuc",
  who = xa,
  requires = { "ngay_to_chuc" },
  optional = { "so_dai_bieu", "ket_qua", "thanh_vien_du" },
  guard = function(ctx)
    local d = ngay(ctx.payload.ngay_to_chuc)
    if d == nil then
      return false, "Ngày tổ chức '" .. tostring(ctx.payload.ngay_to_chuc) ..
                    "' không phải một ngày có thật, viết ngày/tháng/năm"
    end
    if d > ctx.today then
      return false, "Chưa đến " .. wf.format_date(d) ..
                    ": chỉ ghi nhận hội nghị đã tổ chức"
    end
    if d < ctx.vars.ngay_xin_y_kien then
      return false, "Hội nghị tổ chức sau khi xin ý kiến thành viên BCĐ tỉnh (" ..
                    wf.format_date(ctx.vars.ngay_xin_y_kien) .. "), không trước đó"
    end
    return true
  end,
  action = function(ctx)
    local d = ngay(ctx.payload.ngay_to_chuc)
    ctx.vars.ngay_to_chuc = d
    ctx.vars.so_dai_bieu = ctx.payload.so_dai_bieu
    ctx.vars.ket_qua = ctx.payload.ket_qua
    if ctx.payload.thanh_vien_du ~= nil then
      ctx.vars.thanh_vien_du = ctx.payload.thanh_vien_du == true
    end
    ctx.vars.to_chuc_muon = d > ctx.vars.han
    ctx.vars.nguoi_ghi_nhan = ctx.actor.id
    gui(ctx, ctx.plugin.co_quan_thuong_truc, ctx.vars.ten_don_vi .. " đã tổ chức " ..
        ctx.vars.ten_hoi_nghi .. " " .. wf.format_date(d))
  end,
}

local dang_mo = { "chuan_bi", "cho_y_kien", "can_dieu_chinh", "da_thong_nhat" }

transition "nhac_han" {
  title = "Nhắc hạn tổ chức hội nghị",
  from = dang_mo, stay = true, who = "system",
  action = function(ctx)
    gui(ctx, ctx.vars.don_vi, ctx.vars.ten_hoi_nghi .. " phải tổ chức xong trước " ..
        wf.format_date(ctx.vars.truoc_ngay))
  end,
}

transition "qua_han" (plan.qua_han(dang_mo, function(ctx)
  return ctx.vars.ten_don_vi .. " chưa tổ chức " .. ctx.vars.ten_hoi_nghi
end))

transition "don_doc" {
  title = "Đôn đốc xã chưa tổ chức hội nghị",
  from = dang_mo, stay = true,
  who = theo_doi,
  optional = { "noi_dung" },
  guard = function(ctx)
    if not ctx.vars.tre_han then
      return false, "Chưa quá hạn tổ chức hội nghị: chưa đôn đốc được"
    end
    return plan.dung_nguoi(ctx, ctx.vars.vai_tro_theo_doi, nil, "Đôn đốc")
  end,
  action = function(ctx)
    ctx.vars.lan_don_doc = ctx.vars.lan_don_doc + 1
    ctx.vars.ngay_don_doc = ctx.today
    ctx.emit("don_doc", {
      den = ctx.vars.don_vi,
      noi_dung = ctx.payload.noi_dung or
                 (ctx.vars.ten_don_vi .. " chưa tổ chức " .. ctx.vars.ten_hoi_nghi),
    })
  end,
}

transition "dong" {
  title = "Đóng hồ sơ (xã không còn phải tổ chức)",
  from = dang_mo, to = "da_dong",
  who = theo_doi,
  requires = { "ly_do" },
  guard = function(ctx)
    return plan.dung_nguoi(ctx, ctx.vars.vai_tro_theo_doi, nil, "Đóng hồ sơ")
  end,
  action = function(ctx) ctx.vars.ly_do_dong = ctx.payload.ly_do end,
}
