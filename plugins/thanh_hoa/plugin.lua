-- Tỉnh Thanh Hóa, 2025: three tiers until 30/06/2025, two from 01/07/2025.
--
-- Kế hoạch 2025 of the UBND tỉnh itself (shared/seeds/003), KH-UBND, signed
-- by the Chủ tịch. Departments and the 26 district-level units send their
-- plans "trước ngày 10/4/2025", 6-monthly reports "trước ngày 16/6/2025" and
-- yearly reports "trước ngày 15/11/2025" to the BCĐ 138 tỉnh through Công an
-- tỉnh. The districts ceased on 30/06/2025: the yearly report comes from
-- the 166 communes in force when it is asked for. The org file carries
-- both, with their validity dates (docs/plugins.md, "Units that cease").

return {
  name = "thanh_hoa",
  title = "Tỉnh Thanh Hóa",
  province = "thanh_hoa",
  dia_danh = "Thanh Hóa",
  cap = { "tinh", "huyen", "xa" },

  org = {
    { file = "don_vi.csv", format = "units" },
    { file = "can_bo.csv", format = "people" },
  },

  cach_doc_han = "truoc_ngay",
  co_quan_thuong_truc = "th_cong_an_tinh",

  so_van_ban = {
    ke_hoach_ubnd = {
      ky_hieu = "KH-UBND", loai = "KH", viet_tat = "UBND",
      so = "ubnd-thanh-hoa",
      don_vi = "thanh_hoa",
      ten_co_quan = "ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
      co_quan_cap_tren = "",
      van_thu = { "th_vp_ubnd" },
    },
  },

  chien_dich = {
    ke_hoach_2025 = {
      nam = 2025,
      trich_yeu = "Công tác phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2025",
      so_van_ban = "ke_hoach_ubnd",
      soan_thao = "th_phong_tham_muu",
      lanh_dao_duyet = { "truong_phong", "giam_doc", "pho_giam_doc" },
      gop_y = { so_ngay_lam_viec = 5 },
      ky = {
        vai_tro = { "chu_tich" }, don_vi = "thanh_hoa",
        hinh_thuc = "", chuc_danh = { "CHỦ TỊCH" },
      },
      noi_nhan = {
        { label = "BCĐ 138/CP", purpose = "để b/c" },
        { label = "Thường trực: Tỉnh ủy, HĐND tỉnh", purpose = "để b/c" },
        { label = "Chủ tịch, các PCT UBND tỉnh" },
        { label = "V01, V05, Bộ Công an" },
        { tag = "thanh_vien_bcd", label = "Các Thành viên BCĐ 138 tỉnh" },
        { id = "th_cong_an_tinh" },
        { kinds = { "huyen" }, label = "UBND các huyện, thị xã, thành phố" },
        { label = "Lưu: VT, TDNC" },
      },
      giao_ke_hoach = { { tag = "thanh_vien_bcd" }, { kinds = { "huyen" } } },
      vai_tro_nhan = { "chuyen_vien", "truong_phong" },
      han_nop_ke_hoach = "2025-04-10",
      bao_cao = {
        sau_thang = {
          ten = "Báo cáo kết quả 06 tháng năm 2025",
          han_nop = "2025-06-16",
          don_vi = { { tag = "thanh_vien_bcd" }, { kinds = { "huyen" } } },
        },
        nam = {
          ten = "Báo cáo kết quả năm 2025",
          han_nop = "2025-11-15",
          don_vi = { { tag = "thanh_vien_bcd" }, { kinds = { "xa", "phuong" } } },
        },
      },
    },
  },

  -- Seed 003: > 80% of the movements classified "Khá" or better.
  phan_loai = { muc = { "Tốt", "Khá", "Trung bình", "Yếu" }, chi_tieu_kha_tro_len = 80 },

  hooks = {},
}
