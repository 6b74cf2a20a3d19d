-- Xếp loại phong trào của đơn vị, mỗi năm một lần (workflow 3 of
-- shared/domain/WORKFLOWS.md; seed 000, III.2 and QĐ 510).
--
-- A unit rates itself in its year-end report (bao_cao_dinh_ky, a period
-- with `phan_loai = true`); when the standing agency accepts the report,
-- this record opens, one per unit and year (business key "<unit>/<year>",
-- unique). The head of the standing agency's department recognises the
-- rating, or sets another with a reason. Then the province's rules
-- (the plugin's `phan_loai`) apply:
--   one year rated low (ha_thi_dua: "Trung bình", "Yếu") lowers the
--   rating and emulation ranking of the steering committee member who
--   oversees the commune (phan_cong) and of the unit's head;
--   so_nam_goi_y_kiem_diem years in a row (two) bring a suggested
--   self-criticism review (gợi ý kiểm điểm) of the collective and its head.
-- Earlier years are read from their records (ctx.find); the standing
-- agency may enter the years before the engine was used the same way.
--
-- Start variables: don_vi, ten_don_vi, nam (the year rated), tu_xep_loai
-- (the unit's own rating, one of the plugin's `phan_loai.muc`).

local plan = require("ke_hoach")
local truong = require("truong")


local function muc(ctx)
  local pl = ctx.plugin.phan_loai
  if pl == nil then
    error("plugin '" .. ctx.plugin.name .. "' không có thang phân loại (phan_loai)", 0)
  end
  return pl
end

local function khoa(don_vi, nam) return don_vi .. "/" .. tostring(nam) end

workflow "phan_loai_don_vi" {
  title = "Xếp loại phong trào của đơn vị",
  plugin = true,
  unique_business_key = true,
  initial = "cho_cong_nhan",
  requires = { "don_vi", "ten_don_vi", "nam", "tu_xep_loai" },
  fields = truong.chon { "don_vi", "ten_don_vi", "nam", "tu_xep_loai", "xep_loai", "ly_do" },
  who = plan.thuong_truc,
  start = function(ctx)
    local pl = muc(ctx)
    local nam = math.tointeger(ctx.vars.nam)
    if nam == nil then
      wf.refuse("nam: năm xếp loại phải là một số nguyên, không phải '" ..
                tostring(ctx.vars.nam) .. "'")
    end
    ctx.vars.nam = nam
    if not plan.co(pl.muc, ctx.vars.tu_xep_loai) then
      wf.refuse("tu_xep_loai: '" .. tostring(ctx.vars.tu_xep_loai) .. "' không có trong thang " ..
                "phân loại của tỉnh (" .. table.concat(pl.muc, ", ") .. ")")
    end
    if ctx.instance.business_key ~= khoa(ctx.vars.don_vi, ctx.vars.nam) then
      wf.refuse("mỗi đơn vị mỗi năm một bản xếp loại, mã hồ sơ '" ..
                khoa(ctx.vars.don_vi, ctx.vars.nam) .. "'")
    end
    local truoc = ctx.find("phan_loai_don_vi", khoa(ctx.vars.don_vi, ctx.vars.nam - 1))
    ctx.vars.xep_loai_nam_truoc = truoc and truoc.vars.xep_loai or nil
    ctx.document.set{ trich_yeu = "Xếp loại phong trào năm " .. tostring(ctx.vars.nam) ..
                                  " của " .. ctx.vars.ten_don_vi }
  end,
}

state "cho_cong_nhan" { title = "Chờ Cơ quan Thường trực công nhận xếp loại" }
state "da_cong_nhan"  { title = "Đã công nhận xếp loại", final = true }

-- Years in a row, ending with this one, rated low and recognised.
local function so_nam_lien_tiep(ctx, pl)
  local n = 1
  for k = 1, (pl.so_nam_goi_y_kiem_diem or 2) - 1 do
    local truoc = ctx.find("phan_loai_don_vi", khoa(ctx.vars.don_vi, ctx.vars.nam - k))
    if not (truoc and truoc.state == "da_cong_nhan" and truoc.vars.ha_thi_dua) then break end
    n = n + 1
  end
  return n
end

-- What the rating brings, as the province's rules say; each consequence
-- goes to whom it concerns.
local function ap_dung(ctx, pl)
  local xl, nam = ctx.vars.xep_loai, tostring(ctx.vars.nam)
  local hau_qua = wf.array()
  ctx.vars.ha_thi_dua = plan.co(pl.ha_thi_dua, xl)
  ctx.vars.so_nam_lien_tiep = ctx.vars.ha_thi_dua and so_nam_lien_tiep(ctx, pl) or 0
  ctx.vars.goi_y_kiem_diem = ctx.vars.so_nam_lien_tiep >= (pl.so_nam_goi_y_kiem_diem or 2)
  if not ctx.vars.ha_thi_dua then
    ctx.vars.hau_qua = hau_qua
    return
  end
  local tieu_de = ctx.vars.ten_don_vi .. " xếp loại \"" .. xl .. "\" năm " .. nam
  local member = plan.thanh_vien_phu_trach(ctx, ctx.vars.don_vi)
  ctx.vars.thanh_vien_phu_trach = member
  if member then
    hau_qua[#hau_qua + 1] = "Hạ mức xếp loại, thứ hạng thi đua của thành viên BCĐ tỉnh " ..
                            "phụ trách địa bàn (" .. plan.ten_cac_don_vi(ctx, { member }) .. ")"
    ctx.emit("thong_bao", { den = member, noi_dung = tieu_de ..
        ": hạ mức xếp loại, thứ hạng thi đua của thành viên BCĐ tỉnh phụ trách địa bàn" })
  end
  hau_qua[#hau_qua + 1] = "Hạ mức xếp loại, thứ hạng thi đua của người đứng đầu " ..
                          ctx.vars.ten_don_vi
  if ctx.vars.goi_y_kiem_diem then
    hau_qua[#hau_qua + 1] = "Gợi ý kiểm điểm tập thể và người đứng đầu " ..
                            ctx.vars.ten_don_vi .. " (" .. ctx.vars.so_nam_lien_tiep ..
                            " năm liên tiếp xếp loại thấp)"
  end
  ctx.vars.hau_qua = hau_qua
  ctx.emit("thong_bao", { den = ctx.vars.don_vi,
                          noi_dung = tieu_de .. ": " .. table.concat(hau_qua, "; ") })
end

transition "cong_nhan" {
  title = "Công nhận xếp loại",
  from = "cho_cong_nhan", to = "da_cong_nhan",
  who = { role = "truong_phong", unit = "standing_agency" },
  optional = { "xep_loai", "ly_do" },
  guard = function(ctx)
    local pl = muc(ctx)
    local xl = ctx.payload.xep_loai
    if xl == nil or xl == ctx.vars.tu_xep_loai then return true end
    if not plan.co(pl.muc, xl) then
      return false, "Mức '" .. tostring(xl) .. "' không có trong thang phân loại (" ..
                    table.concat(pl.muc, ", ") .. ")"
    end
    if ctx.payload.ly_do == nil or ctx.payload.ly_do == "" then
      return false, "Xếp loại khác mức đơn vị tự xếp (" .. ctx.vars.tu_xep_loai ..
                    ") cần nêu lý do (ly_do)"
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.xep_loai = ctx.payload.xep_loai or ctx.vars.tu_xep_loai
    ctx.vars.ly_do_dieu_chinh = ctx.payload.ly_do
    ctx.vars.nguoi_cong_nhan = ctx.actor.id
    ctx.vars.ngay_cong_nhan = ctx.today
    ap_dung(ctx, muc(ctx))
  end,
}
