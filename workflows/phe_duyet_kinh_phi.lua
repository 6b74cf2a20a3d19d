-- Duyệt cấp kinh phí của Ban Chỉ đạo cấp xã: where the province's plan asks
-- it (the campaign's `kinh_phi` in the plugin), each commune's steering
-- committee has its HĐND/UBND approve and allocate the funding for the
-- movement's models and forces before a date, and records the decision.
-- Reminded before the last day; marked late and chased after it.
--
-- Start variables: chien_dich, don_vi, ten_don_vi, han (the last day on
-- time, already read the plugin's way).

local plan = require("ke_hoach")
local truong = require("truong")

local lanh_dao_xa = {
  { role = "chu_tich", unit = "same_unit" },
  { role = "pho_chu_tich", unit = "same_unit" },
  { role = "can_bo", unit = "same_unit" },
}
local co_quan_thuong_truc = {
  { role = "chuyen_vien", unit = "standing_agency" },
  { role = "truong_phong", unit = "standing_agency" },
}

workflow "phe_duyet_kinh_phi" {
  title = "Duyệt cấp kinh phí phong trào cấp xã",
  plugin = true,
  initial = "cho_phe_duyet",
  requires = { "chien_dich", "don_vi", "ten_don_vi", "han" },
  fields = truong.chon { "chien_dich", "don_vi", "ten_don_vi", "han", "so_quyet_dinh",
                         "so_tien", "ly_do", "noi_dung" },
  started_by = co_quan_thuong_truc,
  start = function(ctx)
    ctx.document.set{ trich_yeu = "Duyệt cấp kinh phí năm " ..
                                  tostring(plan.chien_dich(ctx).nam) .. " của " ..
                                  ctx.vars.ten_don_vi }
    ctx.vars.lan_don_doc = 0
  end,
}

state "cho_phe_duyet" {
  title = "Chờ HĐND, UBND cấp xã duyệt cấp kinh phí",
  deadline = { clock = "han", date = function(ctx) return ctx.vars.han end,
               fire = "qua_han", remind = { working_days = 3, fire = "nhac_han" } },
}
state "da_phe_duyet" { title = "Đã duyệt cấp kinh phí", final = true }
state "da_dong"      { title = "Đã đóng", final = true }

transition "ghi_nhan" {
  title = "Ghi nhận quyết định cấp kinh phí",
  from = "cho_phe_duyet", to = "da_phe_duyet",
  who = lanh_dao_xa, requires = { "so_quyet_dinh", "so_tien" },
  guard = function(ctx)
    if type(ctx.payload.so_tien) ~= "number" or ctx.payload.so_tien <= 0 then
      return false, "Số tiền được duyệt phải là một số dương (đồng)"
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.so_quyet_dinh = ctx.payload.so_quyet_dinh
    ctx.vars.so_tien = ctx.payload.so_tien
    ctx.vars.ngay_phe_duyet = ctx.today
    ctx.vars.dung_han = ctx.today <= ctx.vars.han
  end,
}

transition "nhac_han" {
  title = "Nhắc hạn duyệt kinh phí",
  from = "cho_phe_duyet", stay = true, who = "system",
  action = function(ctx)
    ctx.emit("thong_bao", { den = ctx.vars.don_vi,
      noi_dung = "Hạn duyệt cấp kinh phí: " .. wf.format_date(ctx.vars.han) })
  end,
}

transition "qua_han" {
  title = "Quá hạn duyệt kinh phí: đôn đốc",
  from = "cho_phe_duyet", stay = true, who = "system",
  action = function(ctx)
    ctx.vars.tre_han = true
    ctx.emit("don_doc", { den = ctx.vars.don_vi,
      noi_dung = ctx.vars.ten_don_vi .. " chưa duyệt cấp kinh phí, hạn " ..
                 wf.format_date(ctx.vars.han) })
  end,
}

transition "don_doc" {
  title = "Đôn đốc duyệt kinh phí",
  from = "cho_phe_duyet", stay = true, who = co_quan_thuong_truc,
  optional = { "noi_dung" },
  guard = function(ctx)
    return ctx.vars.tre_han == true, "Chưa quá hạn duyệt kinh phí"
  end,
  action = function(ctx)
    ctx.vars.lan_don_doc = ctx.vars.lan_don_doc + 1
    ctx.emit("don_doc", { den = ctx.vars.don_vi,
      noi_dung = ctx.payload.noi_dung or (ctx.vars.ten_don_vi .. " chưa duyệt cấp kinh phí") })
  end,
}

transition "dong" {
  title = "Đóng hồ sơ",
  from = "cho_phe_duyet", to = "da_dong", who = co_quan_thuong_truc,
  requires = { "ly_do" },
  action = function(ctx) ctx.vars.ly_do_dong = ctx.payload.ly_do end,
}
