-- A tiny invented province for the plugin tests: two communes, two people,
-- one date, one register symbol and one hook (docs/plugins.md).
local nam = 2026

return {
  name = "son_moc",
  title = "Tỉnh Sơn Mộc",
  province = "son_moc",
  dia_danh = "Sơn Mộc",
  org = {
    { file = "xa_phuong.csv", format = "communes", valid_from = "01/07/2025" },
    { file = "can_bo.csv", format = "people" },
  },
  nam = nam,
  han_nop_ke_hoach = "2026-03-16",
  so = {
    ke_hoach = { ky_hieu = "KH-SM" },
  },
  hooks = {
    nguoi_gop_y = function(ctx) return "Sở Nội vụ" end,
  },
}
