-- Tỉnh Tuyên Quang, 2024: three tiers (tỉnh – huyện – xã), before the
-- districts ceased on 30/06/2025.
--
-- Kế hoạch 2024 of the Ban Chỉ đạo 138 tỉnh (shared/seeds/001), dated
-- 21/02/2024, KH-BCĐ, signed by a Phó Chủ tịch UBND tỉnh as Trưởng Ban. The
-- member agencies and the 7 district steering committees send their plans
-- to the standing agency (Công an tỉnh) "trước ngày 28/02/2024". Each
-- district then runs the same with its communes, which send to the
-- district: the natural reading of three tiers, not written in the seed,
-- so it is this plugin's setting (`cap_huyen`), with a deadline of its own.
-- Sở Nội vụ, which guides emulation and commendation with Công an tỉnh, is
-- consulted on the draft before it is signed (hook tham_van_them).

return {
  name = "tuyen_quang",
  title = "Tỉnh Tuyên Quang",
  province = "tuyen_quang",
  dia_danh = "Tuyên Quang",
  cap = { "tinh", "huyen", "xa" },

  org = {
    { file = "huyen_xa_2024.csv", format = "districts", province_name = "Tuyên Quang",
      valid_from = "2024-01-01", valid_to = "2025-06-30" },
    { file = "don_vi.csv", format = "units" },
    { file = "can_bo.csv", format = "people" },
  },

  cach_doc_han = "truoc_ngay",
  co_quan_thuong_truc = "tq_cong_an_tinh",

  so_van_ban = {
    ke_hoach_bcd = {
      ky_hieu = "KH-BCĐ", loai = "KH", viet_tat = "BCĐ",
      so = "bcd-138-tuyen-quang",
      don_vi = "tq_cong_an_tinh",
      ten_co_quan = "BAN CHỈ ĐẠO 138",
      co_quan_cap_tren = "UBND TỈNH TUYÊN QUANG",
      van_thu = { "tq_cong_an_tinh" },
    },
  },

  chien_dich = {
    ke_hoach_2024 = {
      nam = 2024,
      trich_yeu = "Công tác phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào " ..
                  "toàn dân bảo vệ an ninh Tổ quốc năm 2024",
      so_van_ban = "ke_hoach_bcd",
      soan_thao = "tq_phong_tham_muu",
      lanh_dao_duyet = { "truong_phong", "giam_doc", "pho_giam_doc" },
      gop_y = { so_ngay_lam_viec = 3 },
      ky = {
        vai_tro = { "pho_chu_tich" }, don_vi = "tuyen_quang",
        hinh_thuc = "", chuc_danh = { "TRƯỞNG BAN", "PHÓ CHỦ TỊCH UBND TỈNH" },
      },
      noi_nhan = {
        { label = "BCĐ 138/CP (qua Văn phòng Bộ Công an)", purpose = "báo cáo" },
        { label = "BCĐ Thực hiện XDPT TW (qua Cục XDPT - Bộ Công an)", purpose = "báo cáo" },
        { label = "Thường trực Tỉnh ủy", purpose = "báo cáo" },
        { label = "Chủ tịch UBND tỉnh", purpose = "báo cáo" },
        { tag = "thanh_vien_bcd", label = "Các thành viên BCĐ 138 tỉnh" },
        { kinds = { "huyen" }, label = "BCĐ 138 huyện, thành phố", purpose = "thực hiện" },
        { label = "Chánh VP, Phó CVP UBND tỉnh" },
        { label = "Lưu: VT, NC" },
      },
      giao_ke_hoach = { { tag = "thanh_vien_bcd" }, { kinds = { "huyen" } } },
      vai_tro_nhan = { "chuyen_vien", "truong_phong" },
      han_nop_ke_hoach = "2024-02-28",
      -- The district tier: a district that sends its plan opens the plans of
      -- its communes, which send to the district.
      cap_huyen = {
        cho = { "huyen" },
        kinds = { "xa", "phuong", "thi_tran" },
        vai_tro_nhan = { "chuyen_vien", "truong_phong" },
        han_nop_ke_hoach = "2024-03-15",
      },
    },
  },

  hooks = {
    -- Sở Nội vụ is consulted on the emulation and commendation part. The
    -- hook is asked in guards too, so it answers from the manifest alone.
    tham_van_them = function(ctx)
      return { id = "tq_so_noi_vu", name = "Sở Nội vụ tỉnh Tuyên Quang" }
    end,
  },
}
