-- Tờ trình and Quyết định khen thưởng of a round (workflows 4 and 5 of
-- shared/domain/WORKFLOWS.md): Sở Nội vụ submits to the Chủ tịch UBND tỉnh
-- one Tờ trình listing the nominees it recommends and those it does not,
-- each with its reason; the Chủ tịch signs one numbered Quyết định that
-- awards every nominee it lists, or returns the Tờ trình with a reason.
--
-- Each nominee is a de_nghi_khen_thuong document, appraised on its own by
-- Sở Nội vụ with the standing agency's concurrence (recommended:
-- cho_quyet_dinh; not: khong_de_nghi). This
-- document names them: Sở Nội vụ starts it with their ids, and the start
-- checks each. Signing takes the Quyết định's number from the UBND's
-- register (signed digitally, the register numbers it at signing) and, in
-- the same write, takes `khen` on every nominee listed (ctx.fire): each is
-- awarded under the Chủ tịch's name with the decision's number and date, or
-- nothing is written at all.
--
-- Start variables: dot, hinh_thuc (as the nominees'), de_nghi (the ids of
-- the nominees Sở Nội vụ recommends), khong_de_nghi (optional: the ids of
-- those it does not). Business key: "<dot>/<hinh_thuc>" (one decision per
-- round and award). A nominee withdrawn after it was listed makes the
-- signature fail, naming it: the Chủ tịch returns the Tờ trình, and Sở Nội
-- vụ signs it again with corrected lists.

local plan = require("ke_hoach")
local khen = require("khen_thuong")
local truong = require("truong")

local so_noi_vu = khen.so_noi_vu
local lanh_dao_so = plan.ai("tagged:so_noi_vu", { "pho_giam_doc", "giam_doc" })
local quyet_dinh = khen.quyet_dinh
local cau_hinh = khen.cau_hinh

-- The nominee `id` as the list shows it, once checked: a nominee of this
-- round and award, in `state`, with Sở Nội vụ's reason when not
-- recommended and the standing agency's concurrence (hiệp y).
local function ho_so(ctx, id, state, ten_trang_thai)
  local r = ctx.read_instance(id)
  if r == nil or r.workflow ~= "de_nghi_khen_thuong" then
    wf.refuse("'" .. tostring(id) .. "' không phải hồ sơ đề nghị khen thưởng")
  end
  if r.vars.dot ~= ctx.vars.dot or r.vars.hinh_thuc ~= ctx.vars.hinh_thuc then
    wf.refuse("hồ sơ " .. id .. " (" .. tostring(r.vars.ten_doi_tuong) .. ") thuộc đợt hoặc " ..
              "hình thức khác")
  end
  if r.state ~= state then
    wf.refuse("hồ sơ " .. id .. " (" .. tostring(r.vars.ten_doi_tuong) .. ") chưa ở bước «" ..
              ten_trang_thai .. "»")
  end
  return { id = id, ten = r.vars.ten_doi_tuong, doi_tuong = r.vars.doi_tuong,
           don_vi = r.unit, ly_do = r.vars.ly_do_khong_de_nghi,
           hiep_y = r.vars.y_kien_hiep_y }
end

local function danh_sach_mot(ctx, ids, state, ten_trang_thai)
  if ids ~= nil and type(ids) ~= "table" then
    wf.refuse("danh sách hồ sơ phải là một danh sách mã hồ sơ, không phải " .. type(ids))
  end
  local out, seen = wf.array(), {}
  for _, id in ipairs(ids or {}) do
    if seen[id] then wf.refuse("hồ sơ " .. id .. " có hai lần trong danh sách") end
    seen[id] = true
    out[#out + 1] = ho_so(ctx, id, state, ten_trang_thai)
  end
  return out
end

-- Both lists, from `ids` and `khong` (the start variables, or a corrected
-- list given when the Tờ trình is signed again), each nominee checked now.
local function danh_sach(ctx, ids, khong)
  ctx.vars.de_nghi_khen = danh_sach_mot(ctx, ids, "cho_quyet_dinh",
                                        "Chờ Chủ tịch UBND tỉnh quyết định")
  if #ctx.vars.de_nghi_khen == 0 then
    wf.refuse("de_nghi: Tờ trình cần ít nhất một hồ sơ được đề nghị khen thưởng")
  end
  ctx.vars.khong_de_nghi_khen = danh_sach_mot(ctx, khong, "khong_de_nghi",
                                              "Sở Nội vụ không đề nghị khen thưởng")
  ctx.vars.de_nghi = ids
  ctx.vars.khong_de_nghi = khong or wf.array()
end

-- Nơi nhận: the units of the nominees awarded, Sở Nội vụ, then the archive.
local function noi_nhan(ctx)
  local out, seen = wf.array(), {}
  local function them(unit)
    if unit and not seen[unit] then
      seen[unit] = true
      out[#out + 1] = { unit = unit, label = plan.ten_cac_don_vi(ctx, { unit }),
                        purpose = "để thực hiện" }
    end
  end
  for _, x in ipairs(ctx.vars.de_nghi_khen) do them(x.don_vi) end
  them(ctx.instance.unit)
  out[#out + 1] = { label = "Lưu: VT, NC" }
  return out
end

workflow "quyet_dinh_khen_thuong" {
  title = "Tờ trình và Quyết định khen thưởng",
  plugin = true,
  initial = "du_thao",
  requires = { "dot", "hinh_thuc", "de_nghi" },
  fields = truong.chon { "dot", "hinh_thuc", "de_nghi", "khong_de_nghi", "ly_do",
                         "chuc_vu_nguoi_ky" },
  unique_business_key = true,
  who = so_noi_vu,
  started_by = so_noi_vu,
  start = function(ctx)
    local dot, ht = cau_hinh(ctx)
    danh_sach(ctx, ctx.vars.de_nghi, ctx.vars.khong_de_nghi)
    ctx.vars.ten_dot = dot.ten
    ctx.vars.ten_hinh_thuc = ht.ten
    ctx.vars.don_vi_quyet_dinh = { ctx.plugin.province }
    local so = ctx.plugin.so_van_ban.quyet_dinh_ubnd
    ctx.document.set{
      type = so.loai, issuer = so.don_vi, issuer_name = so.ten_co_quan,
      parent_body = so.co_quan_cap_tren or "", issuer_code = so.viet_tat,
      place = ctx.plugin.dia_danh, register = so.so,
      trich_yeu = "Về việc tặng " .. ht.ten .. " (" .. dot.ten .. ")",
    }
  end,
}

state "du_thao"        { title = "Sở Nội vụ soạn Tờ trình" }
state "cho_quyet_dinh" { title = "Chờ Chủ tịch UBND tỉnh ký Quyết định" }
state "da_ban_hanh"    { title = "Đã ban hành Quyết định khen thưởng", final = true }

-- The lists are checked again: a nominee withdrawn since is refused here
-- rather than at the signature. Signed again after a return, the Tờ trình
-- may carry corrected lists (payload de_nghi, khong_de_nghi).
transition "trinh" {
  title = "Lãnh đạo Sở Nội vụ ký Tờ trình, trình Chủ tịch UBND tỉnh",
  from = "du_thao", to = "cho_quyet_dinh",
  who = lanh_dao_so,
  optional = { "de_nghi", "khong_de_nghi" },
  action = function(ctx)
    danh_sach(ctx, ctx.payload.de_nghi or ctx.vars.de_nghi,
              ctx.payload.de_nghi and ctx.payload.khong_de_nghi or ctx.vars.khong_de_nghi)
    local nam = string.sub(ctx.today, 1, 4)
    local so = ctx.take_number("to-trinh/" .. ctx.instance.unit .. "/" .. nam)
    ctx.vars.so_to_trinh = string.format("%02d/TTr-SNV", so)
    ctx.vars.ngay_to_trinh = ctx.today
    ctx.vars.nguoi_ky_to_trinh = ctx.actor.id
    ctx.vars.ten_nguoi_ky_to_trinh = ctx.actor.name
  end,
}

transition "tra_lai" {
  title = "Trả lại Tờ trình",
  from = "cho_quyet_dinh", to = "du_thao",
  who = quyet_dinh, requires = { "ly_do" },
  action = function(ctx)
    ctx.vars.ly_do_tra_lai = ctx.payload.ly_do
    ctx.emit("thong_bao", { den = ctx.instance.unit, noi_dung = ctx.payload.ly_do })
  end,
}

-- A unit may withdraw its nominee until the decision: one withdrawn since
-- the Tờ trình is named before anything is numbered, and the Chủ tịch
-- returns the Tờ trình for Sở Nội vụ to correct its list.
local function van_cho_quyet_dinh(ctx)
  for _, x in ipairs(ctx.vars.de_nghi_khen) do
    local r = ctx.read_instance(x.id)
    if r == nil or r.state ~= "cho_quyet_dinh" then
      local rut = r and r.vars.ly_do_rut and (" (đơn vị đã rút đề nghị: " .. r.vars.ly_do_rut .. ")")
      wf.refuse("Hồ sơ của " .. tostring(x.ten) .. " (" .. x.id .. ") không còn chờ quyết định" ..
                (rut or "") .. ": trả lại Tờ trình để Sở Nội vụ sửa danh sách")
    end
  end
end

transition "ky" {
  title = "Ký Quyết định khen thưởng",
  from = "cho_quyet_dinh", to = "da_ban_hanh",
  who = quyet_dinh,
  optional = { "chuc_vu_nguoi_ky" },
  guard = function(ctx)
    local ok, why = khen.la_nguoi_quyet_dinh(ctx, "Ký Quyết định khen thưởng")
    if not ok then return false, why end
    return plan.ky_duoc_uy_quyen(ctx)
  end,
  action = function(ctx)
    van_cho_quyet_dinh(ctx)
    local so = ctx.document.issue{ signer = khen.chu_ky(ctx), recipients = noi_nhan(ctx) }
    ctx.vars.so_quyet_dinh = so.reference
    ctx.vars.ngay_quyet_dinh = so.date
    for _, x in ipairs(ctx.vars.de_nghi_khen) do
      ctx.fire(x.id, "khen", { so_quyet_dinh = so.reference, ngay_quyet_dinh = so.date })
    end
  end,
}
