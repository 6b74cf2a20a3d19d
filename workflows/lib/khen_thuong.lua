-- What the Bằng khen workflows share (de_nghi_khen_thuong.lua, one document
-- per nominee; quyet_dinh_khen_thuong.lua, the round's Tờ trình and
-- Quyết định): the round and the award from the plugin's khen_thuong, and
-- who appraises and who decides.

local plan = require("ke_hoach")

local M = {}

-- Sở Nội vụ: the unit tagged so_noi_vu.
M.so_noi_vu = plan.ai("tagged:so_noi_vu",
                      { "chuyen_vien", "truong_phong", "pho_giam_doc", "giam_doc" })
-- The province's leaders, in the province unit (don_vi_quyet_dinh, set
-- from the plugin): la_nguoi_quyet_dinh narrows to the roles it names.
M.quyet_dinh = plan.ai("var:don_vi_quyet_dinh", { "chu_tich", "pho_chu_tich" })

-- The round (ctx.vars.dot) and the award (ctx.vars.hinh_thuc) the document
-- is for, from the plugin; a refusal naming what is missing (the official
-- chose them).
function M.cau_hinh(ctx)
  local dot = (ctx.plugin.khen_thuong or {})[ctx.vars.dot]
  if dot == nil then
    wf.refuse("plugin '" .. ctx.plugin.name .. "' không có đợt khen thưởng '" ..
              tostring(ctx.vars.dot) .. "' (khen_thuong)")
  end
  local ht = (dot.hinh_thuc or {})[ctx.vars.hinh_thuc]
  if ht == nil then
    wf.refuse("đợt khen thưởng '" .. ctx.vars.dot .. "' không có hình thức '" ..
              tostring(ctx.vars.hinh_thuc) .. "'")
  end
  return dot, ht
end

-- A guard: the actor holds a role the award names as deciding
-- (nguoi_quyet_dinh; the Chủ tịch if none), for `viec`.
function M.la_nguoi_quyet_dinh(ctx, viec)
  local _, ht = M.cau_hinh(ctx)
  return plan.dung_nguoi(ctx, ht.nguoi_quyet_dinh or { "chu_tich" }, nil, viec)
end

-- The signature block of a Quyết định of the UBND tỉnh for whoever signs it
-- (NĐ 30/2020, Điều 13): the Chủ tịch signs plainly; a Phó Chủ tịch, where
-- the plugin lets one decide, signs on the Chủ tịch's behalf (KT.); a
-- delegate signs TUQ. with the title the step's payload gives (its guard
-- checks plan.ky_duoc_uy_quyen).
function M.chu_ky(ctx)
  local signer = { form = "", title_lines = { "CHỦ TỊCH" }, name = ctx.actor.name,
                   person = ctx.actor.id }
  if ctx.actor.role == "pho_chu_tich" then
    signer.form = "KT."
    signer.title_lines = { "CHỦ TỊCH", "PHÓ CHỦ TỊCH" }
  end
  return plan.khoi_ky(signer, plan.chuc_vu_uy_quyen(ctx))
end

return M
