-- Báo cáo định kỳ và đột xuất (the reports of workflow 2 in
-- shared/domain/WORKFLOWS.md): a unit sends its 6-monthly, yearly or ad-hoc
-- report to the receiving unit the plugin names, by the plugin's date; the
-- same steps as a plan (lib/nop_van_ban.lua).
--
-- Start variables: those of lib/nop_van_ban.lua, plus `ky` (the period's
-- key in the campaign's `bao_cao`, or "dot_xuat") and `ten_ky` (its title).
--
-- A period with `phan_loai = true` (the year-end report of a tổng kết) is
-- also the unit's self-assessment: its head sends it with the unit's own
-- rating (`tu_xep_loai`, one of the plugin's `phan_loai.muc`), and its
-- acceptance opens the year's rating record (phan_loai_don_vi).

local plan = require("ke_hoach")
local nop = require("nop_van_ban")

-- True if this report's period carries the unit's rating.
local function co_xep_loai(ctx)
  local ky = (plan.chien_dich(ctx).bao_cao or {})[ctx.vars.ky]
  return ky ~= nil and ky.phan_loai == true
end

nop.khai_bao {
  name = "bao_cao_dinh_ky",
  title = "Báo cáo kết quả thực hiện kế hoạch",
  truong = { "ky", "tu_xep_loai" },
  send_optional = { "tu_xep_loai" },
  noun = "báo cáo",
  file_slot = "bao_cao",
  trich_yeu = function(ctx)
    return (ctx.vars.ten_ky or "Báo cáo") .. " của " .. ctx.vars.ten_don_vi
  end,
  guard_send = function(ctx)
    if not co_xep_loai(ctx) then return true end
    local muc = ctx.plugin.phan_loai.muc
    if not plan.co(muc, ctx.payload.tu_xep_loai) then
      return false, "Báo cáo này gửi kèm mức tự xếp loại của đơn vị (tu_xep_loai): một " ..
                    "trong " .. table.concat(muc, ", ")
    end
    return true
  end,
  after_send = function(ctx)
    if co_xep_loai(ctx) then ctx.vars.tu_xep_loai = ctx.payload.tu_xep_loai end
  end,
  after_accept = function(ctx)
    if not co_xep_loai(ctx) then return end
    local key = ctx.vars.don_vi .. "/" .. tostring(ctx.vars.nam)
    -- The standing agency may have entered the year's rating already: the
    -- report then points to that record rather than opening a second one.
    local da_co = ctx.find("phan_loai_don_vi", key)
    if da_co then
      ctx.vars.phan_loai = da_co.id
      return
    end
    ctx.vars.phan_loai = ctx.start("phan_loai_don_vi", {
      don_vi = ctx.vars.don_vi, ten_don_vi = ctx.vars.ten_don_vi,
      nam = ctx.vars.nam, tu_xep_loai = ctx.vars.tu_xep_loai,
    }, { unit = ctx.vars.don_vi, business_key = key })
  end,
}
