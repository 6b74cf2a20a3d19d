-- Tỉnh Bắc Ninh (two tiers since 01/07/2025: tỉnh – xã).
--
-- Ke hoach 2026 of the Ban Chỉ đạo 138 tỉnh (shared/seeds/000): drafted by
-- Công an tỉnh (its Phòng Tham mưu), the standing agency; signed by the
-- Chủ tịch UBND tỉnh as Trưởng Ban; numbered in the committee's register
-- as KH-BCĐ-CAT. The member agencies and every commune's BCĐ 138 send their
-- own plan "trước ngày 10/2/2026"; the communes have their funding approved
-- "trước ngày 28/02/2026". No 6-monthly or yearly report dates in the seed.
-- Every field is described in docs/plugins.md.

-- Both campaigns are drafted at Công an tỉnh and signed by the Chủ tịch UBND
-- tỉnh as Trưởng Ban (seeds 000 and 002).
local lanh_dao_cong_an_tinh = { "truong_phong", "giam_doc", "pho_giam_doc" }
local ky_truong_ban = {
  vai_tro = { "chu_tich" }, don_vi = "bac_ninh",
  hinh_thuc = "", chuc_danh = { "TRƯỞNG BAN", "CHỦ TỊCH UBND TỈNH" },
}

return {
  name = "bac_ninh",
  title = "Tỉnh Bắc Ninh",
  province = "bac_ninh",
  dia_danh = "Bắc Ninh",
  cap = { "tinh", "xa" },

  org = {
    { file = "xa_phuong_2025.csv", format = "communes", province_name = "Bắc Ninh",
      valid_from = "2025-07-01" },
    { file = "don_vi.csv", format = "units" },
    { file = "can_bo.csv", format = "people" },
  },

  -- "trước ngày X": the last day on time is the working day before X.
  cach_doc_han = "truoc_ngay",
  co_quan_thuong_truc = "bn_cong_an_tinh",

  so_van_ban = {
    -- The committee's register, as seed 002 numbers its plan (KH-BCĐ).
    ke_hoach_bcd_tong_ket = {
      ky_hieu = "KH-BCĐ", loai = "KH", viet_tat = "BCĐ",
      so = "bcd-138-bac-ninh",
      don_vi = "bn_cong_an_tinh",
      ten_co_quan = "BAN CHỈ ĐẠO 138",
      co_quan_cap_tren = "UBND TỈNH BẮC NINH",
      van_thu = { "bn_cong_an_tinh" },
    },
    -- The UBND's decisions (Quyết định khen thưởng), signed by its Chủ tịch.
    quyet_dinh_ubnd = {
      ky_hieu = "QĐ-UBND", loai = "QĐ", viet_tat = "UBND",
      so = "ubnd-bac-ninh",
      don_vi = "bac_ninh",
      ten_co_quan = "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
      van_thu = { "bn_vp_ubnd" },
    },
    ke_hoach_bcd = {
      ky_hieu = "KH-BCĐ-CAT", loai = "KH", viet_tat = "BCĐ-CAT",
      so = "bcd-138-bac-ninh",
      don_vi = "bn_cong_an_tinh",
      ten_co_quan = "BAN CHỈ ĐẠO 138",
      co_quan_cap_tren = "UBND TỈNH BẮC NINH",
      van_thu = { "bn_cong_an_tinh" },
    },
  },

  chien_dich = {
    -- Kế hoạch tổng kết 2025 (shared/seeds/002): the communes build their
    -- tổng kết plan "xong trước ngày 15/11/2025"; members and communes
    -- report their results and 2026 directions "trước ngày 20/12/2025";
    -- each commune reports its conference's programme to the member
    -- assigned to it (phan_cong below), invites that member, and holds it
    -- "xong trước ngày 31/12/2025".
    tong_ket_2025 = {
      nam = 2025,
      trich_yeu = "Tổng kết công tác phòng, chống tội phạm, tệ nạn xã hội và xây dựng " ..
                  "phong trào toàn dân bảo vệ ANTQ năm 2025",
      so_van_ban = "ke_hoach_bcd_tong_ket",
      soan_thao = "bn_phong_tham_muu",
      lanh_dao_duyet = lanh_dao_cong_an_tinh,
      gop_y = { so_ngay_lam_viec = 5 },
      ky = ky_truong_ban,
      noi_nhan = {
        { label = "TT Tỉnh ủy, TT UBND tỉnh", purpose = "để b/cáo" },
        { label = "Văn phòng Bộ Công an", purpose = "để b/cáo" },
        { label = "Cục XDPTBVANTQ - Bộ Công an", purpose = "để b/cáo" },
        { label = "Ủy ban MTTQ tỉnh" },
        { label = "VP Tỉnh ủy, Ban Nội chính Tỉnh ủy" },
        { label = "Các cơ quan TW trên địa bàn tỉnh" },
        { tag = "thanh_vien_bcd", label = "Các sở, cơ quan thuộc UBND tỉnh" },
        { kinds = { "xa", "phuong" }, label = "UBND các xã, phường" },
        { id = "bn_vp_ubnd", label = "VP UBND tỉnh: CVP, TH" },
        { label = "Lưu: VT, NC" },
      },
      giao_ke_hoach = { { kinds = { "xa", "phuong" } } },
      ten_ke_hoach_don_vi = "Kế hoạch tổng kết năm 2025",
      vai_tro_nhan = { "chuyen_vien", "truong_phong" },
      han_nop_ke_hoach = "2025-11-15",
      bao_cao = {
        tong_ket = {
          ten = "Báo cáo kết quả năm 2025, phương hướng, nhiệm vụ năm 2026",
          don_vi = { { tag = "thanh_vien_bcd" }, { kinds = { "xa", "phuong" } } },
          han_nop = "2025-12-20",
          mo_khi_ban_hanh = true,
          -- The year-end report carries the unit's own rating (phan_loai).
          phan_loai = true,
        },
      },
      hoi_nghi = {
        ten = "Hội nghị tổng kết năm 2025",
        don_vi = { { kinds = { "xa", "phuong" } } },
        han = "2025-12-31",
        vai_tro_thanh_vien = { "giam_doc", "pho_giam_doc" },
      },
    },
    ke_hoach_2026 = {
      nam = 2026,
      trich_yeu = "Công tác phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào " ..
                  "toàn dân bảo vệ an ninh Tổ quốc năm 2026",
      so_van_ban = "ke_hoach_bcd",
      soan_thao = "bn_phong_tham_muu",
      lanh_dao_duyet = lanh_dao_cong_an_tinh,
      gop_y = { so_ngay_lam_viec = 5 },
      ky = ky_truong_ban,
      noi_nhan = {
        { label = "Cơ quan TT BCĐ Trung ương", purpose = "để b/c" },
        { label = "Văn phòng Bộ Công an", purpose = "để b/c" },
        { label = "Cục XDPTBVANTQ - BCA", purpose = "để b/c" },
        { label = "TT Tỉnh ủy, TT UBND tỉnh", purpose = "để b/c" },
        { label = "Chủ tịch, các PCT UBND tỉnh" },
        { tag = "thanh_vien_bcd", label = "Thành viên BCĐ 138 tỉnh", purpose = "để t/hiện" },
        { kinds = { "xa", "phuong" }, label = "BCĐ 138 cấp xã", purpose = "để t/hiện" },
        { id = "bn_vp_ubnd", label = "VP UBND tỉnh: CVP, TH" },
        { label = "Lưu: VT, NC" },
      },
      -- Who builds and sends its own plan, to whom, by when.
      giao_ke_hoach = { { tag = "thanh_vien_bcd" }, { kinds = { "xa", "phuong" } } },
      vai_tro_nhan = { "chuyen_vien", "truong_phong" },
      han_nop_ke_hoach = "2026-02-10",
      kinh_phi = {
        don_vi = { { kinds = { "xa", "phuong" } } },
        han_phe_duyet = "2026-02-28",
      },
    },
  },

  -- Phân công số 165/BCĐ-PCNV (23/9/2025): the member of the committee
  -- who oversees each commune (tổng kết: the commune asks its opinion and
  -- invites it). The seeds do not list it; these few lines are test data,
  -- and a commune named nowhere is overseen by the standing agency.
  phan_cong = {
    van_ban = "165/BCĐ-PCNV ngày 23/9/2025",
    thanh_vien = {
      bn_so_y_te = { "07627", "07616" },
      bn_mttq = { "07615" },
    },
  },

  -- The classification scale of the movement (seed 000, III.2): one year
  -- "Trung bình" or "Yếu" lowers the rating of the member overseeing the
  -- locality and of its head; two consecutive years bring a suggested
  -- self-criticism review (gợi ý kiểm điểm).
  phan_loai = {
    muc = { "Tốt", "Khá", "Trung bình", "Yếu" },
    ha_thi_dua = { "Trung bình", "Yếu" },
    so_nam_goi_y_kiem_diem = 2,
  },

  -- Commendation rounds (de_nghi_khen_thuong). Seed 002, tổng kết 2025:
  -- Bằng khen of the Chủ tịch UBND tỉnh for 50 collectives and
  -- individuals, appraised by Sở Nội vụ with Công an tỉnh. The seeds give
  -- no appraisal time: 10 working days here is test data (RULES.md).
  khen_thuong = {
    tong_ket_2025 = {
      ten = "đợt tổng kết năm 2025",
      ho_so = {
        { "to_trinh", "Tờ trình" },
        { "bao_cao_thanh_tich", "Báo cáo thành tích" },
        { "bien_ban", "Biên bản xét khen thưởng" },
      },
      tham_dinh_ngay_lam_viec = 10,
      hinh_thuc = {
        bang_khen_chu_tich = {
          ten = "Bằng khen của Chủ tịch UBND tỉnh",
          chi_tieu = 50,
          nguoi_quyet_dinh = { "chu_tich" },
        },
      },
    },
  },

  hooks = {},
}
