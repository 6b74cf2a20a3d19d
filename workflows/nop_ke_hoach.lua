-- Nộp kế hoạch thực hiện của đơn vị (workflow 2 of shared/domain/WORKFLOWS.md).
--
-- Every unit the province's plan assigns work to — a member agency of the
-- steering committee, a commune, or (in a three-tier province) a district —
-- drafts its own implementation plan with its file, has its head approve it
-- and sends it to the receiving unit before the last day on time; the
-- receiver accepts it or returns it with a reason (lib/nop_van_ban.lua).
--
-- Three tiers: a district that sends its plan then runs the same with its
-- communes, which send theirs to the district: the communes are opened in
-- the district's own sending step, with the deadline the plugin gives the
-- district tier (`cap_huyen` of the campaign).

local plan = require("ke_hoach")
local nop = require("nop_van_ban")

-- Opens the plans of a district's communes, once: receiver = the district.
local function giao_cho_xa(ctx)
  if ctx.vars.cap ~= "huyen" or ctx.vars.da_giao_xa then return end
  local cap_huyen = plan.chien_dich(ctx).cap_huyen
  local receiver = plan.ben_nhan(ctx, ctx.vars.don_vi)
  local xa = ctx.units{ under = ctx.vars.don_vi, kinds = cap_huyen.kinds }
  for _, u in ipairs(xa) do
    ctx.start("nop_ke_hoach", {
      chien_dich = ctx.vars.chien_dich, nam = ctx.vars.nam,
      ten_ke_hoach = ctx.vars.ten_ke_hoach,
      don_vi = u.id, ten_don_vi = u.name,
      noi_nhan = ctx.vars.don_vi, ten_noi_nhan = ctx.vars.ten_don_vi,
      noi_nhan_ids = receiver.ids, vai_tro_nhan = cap_huyen.vai_tro_nhan,
      han_nop = plan.han_cuoi(ctx, cap_huyen.han_nop_ke_hoach),
    }, { unit = u.id, business_key = ctx.vars.chien_dich .. "/" .. u.id })
  end
  ctx.vars.da_giao_xa = true
  ctx.vars.so_xa = #xa
end

nop.khai_bao {
  name = "nop_ke_hoach",
  title = "Nộp kế hoạch thực hiện của đơn vị",
  noun = "kế hoạch",
  file_slot = "ke_hoach",
  -- ten_ke_hoach: the campaign's name for the units' plans ("Kế hoạch
  -- tổng kết năm 2025"); by default the yearly implementation plan.
  trich_yeu = function(ctx)
    local ten = ctx.vars.ten_ke_hoach or
                ("Kế hoạch thực hiện năm " .. tostring(ctx.vars.nam or ""))
    return ten .. " của " .. ctx.vars.ten_don_vi
  end,
  after_send = giao_cho_xa,
}
