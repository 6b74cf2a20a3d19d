-- Báo cáo định kỳ và đột xuất (the reports of workflow 2 in
-- shared/domain/WORKFLOWS.md): a unit sends its 6-monthly, yearly or ad-hoc
-- report to the receiving unit the plugin names, by the plugin's date; the
-- same steps as a plan (lib/nop_van_ban.lua).
--
-- Start variables: those of lib/nop_van_ban.lua, plus `ky` (the period's
-- key in the campaign's `bao_cao`, or "dot_xuat") and `ten_ky` (its title).

local nop = require("nop_van_ban")

nop.khai_bao {
  name = "bao_cao_dinh_ky",
  title = "Báo cáo kết quả thực hiện kế hoạch",
  noun = "báo cáo",
  file_slot = "bao_cao",
  trich_yeu = function(ctx)
    return (ctx.vars.ten_ky or "Báo cáo") .. " của " .. ctx.vars.ten_don_vi
  end,
}
