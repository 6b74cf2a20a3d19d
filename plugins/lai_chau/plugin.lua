-- Tỉnh Lai Châu, 2026 (two tiers).
--
-- An agency's own plan (shared/seeds/004): Văn phòng UBND tỉnh implements
-- the province's Kế hoạch 987/KH-UBND with its own KH-VPUBND, signed on
-- behalf of the Chánh Văn phòng by a deputy (KT. CHÁNH VĂN PHÒNG / PHÓ
-- CHÁNH VĂN PHÒNG). Its rooms and centres carry it out (no plans to send);
-- Phòng Hành chính – Quản trị drafts and tracks it, and reports "trước ngày
-- 30/5/2026" and "trước ngày 30/10/2026". The seed names no recipient for
-- the reports: this plugin sends them to UBND tỉnh and Công an tỉnh, which
-- may also ask for an ad-hoc report at any time.

return {
  name = "lai_chau",
  title = "Tỉnh Lai Châu",
  province = "lai_chau",
  dia_danh = "Lai Châu",
  cap = { "tinh", "xa" },

  org = {
    { file = "xa_phuong_2025.csv", format = "communes", province_name = "Lai Châu",
      valid_from = "2025-07-01" },
    { file = "don_vi.csv", format = "units" },
    { file = "can_bo.csv", format = "people" },
  },

  cach_doc_han = "truoc_ngay",
  co_quan_thuong_truc = "lc_cong_an_tinh",

  so_van_ban = {
    ke_hoach_vp = {
      ky_hieu = "KH-VPUBND", loai = "KH", viet_tat = "VPUBND",
      so = "vp-ubnd-lai-chau",
      don_vi = "lc_vp_ubnd",
      ten_co_quan = "VĂN PHÒNG",
      co_quan_cap_tren = "UBND TỈNH LAI CHÂU",
      van_thu = { "lc_vp_ubnd" },
    },
  },

  chien_dich = {
    ke_hoach_vp_2026 = {
      nam = 2026,
      trich_yeu = "Công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026",
      so_van_ban = "ke_hoach_vp",
      soan_thao = "lc_phong_hcqt",
      lanh_dao_duyet = { "truong_phong", "chanh_van_phong", "pho_chanh_van_phong" },
      gop_y = { so_ngay_lam_viec = 2 },
      ky = {
        vai_tro = { "pho_chanh_van_phong" }, don_vi = "lc_vp_ubnd",
        hinh_thuc = "KT.", chuc_danh = { "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG" },
      },
      noi_nhan = {
        { id = "lc_cong_an_tinh", purpose = "b/c" },
        { tag = "phong_ban_vp", label = "Trưởng các phòng, ban, trung tâm" },
        { label = "Lưu: VT, HCQT" },
      },
      giao_ke_hoach = {},
      vai_tro_nhan = { "chuyen_vien", "truong_phong" },
      bao_cao = {
        sau_thang = {
          ten = "Báo cáo kết quả 06 tháng năm 2026",
          han_nop = "2026-05-30",
          don_vi = { { id = "lc_phong_hcqt" } },
          noi_nhan = { "lai_chau", "lc_cong_an_tinh" },
          vai_tro_nhan = { "chuyen_vien", "truong_phong" },
        },
        nam = {
          ten = "Báo cáo kết quả năm 2026",
          han_nop = "2026-10-30",
          don_vi = { { id = "lc_phong_hcqt" } },
          noi_nhan = { "lai_chau", "lc_cong_an_tinh" },
          vai_tro_nhan = { "chuyen_vien", "truong_phong" },
        },
      },
      bao_cao_dot_xuat = {
        nguoi_yeu_cau = { "lai_chau", "lc_cong_an_tinh" },
        don_vi = { { id = "lc_phong_hcqt" } },
        vai_tro_nhan = { "chuyen_vien", "truong_phong" },
      },
    },
  },

  hooks = {
    -- Comments come from the office's other rooms and centres, not from the
    -- room that drafted it.
    nguoi_gop_y = function(ctx)
      local out = wf.array()
      for _, u in ipairs(ctx.units{ under = "lc_vp_ubnd", tagged = "phong_ban_vp" }) do
        if u.id ~= "lc_phong_hcqt" then out[#out + 1] = u end
      end
      return out
    end,
  },
}
