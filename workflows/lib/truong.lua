-- The fields the bundled workflows share, with the title officials read and
-- the kind of value each holds (docs/lua.md, "Fields"): one name means one
-- thing in every workflow. A workflow lists the ones it uses:
--
--   local truong = require("truong")
--   workflow "x" { fields = truong.chon { "ly_do", "y_kien" }, ... }
--
-- The engine refuses a value of another kind where it comes in (a start's
-- variables, a step's payload), naming the field by its title; the console
-- shows the box that fits (a date picker, a list one item per line).

local M = {}

local danh_muc = {
  -- What a person writes at a step.
  ly_do = { title = "Lý do", kind = "long_text" },
  y_kien = { title = "Ý kiến", kind = "long_text" },
  noi_dung = { title = "Nội dung", kind = "long_text" },
  ghi_chu = { title = "Ghi chú", kind = "long_text" },
  -- Signing under a delegation (TUQ.): the signer's own title, as printed.
  chuc_vu_nguoi_ky = { title = "Chức vụ của người ký thừa ủy quyền (viết hoa, như in dưới TUQ.)",
                       kind = "text" },
  -- The plan a document belongs to, and its unit.
  chien_dich = { title = "Kế hoạch (mã trong plugin của tỉnh)", kind = "text" },
  don_vi = { title = "Mã đơn vị", kind = "text" },
  ten_don_vi = { title = "Tên đơn vị", kind = "text" },
  noi_nhan = { title = "Mã nơi nhận", kind = "text" },
  ten_noi_nhan = { title = "Tên nơi nhận", kind = "text" },
  noi_nhan_ids = { title = "Các mã nơi nhận", kind = "list" },
  vai_tro_nhan = { title = "Vai trò nhận", kind = "list" },
  nam = { title = "Năm", kind = "integer" },
  ky = { title = "Kỳ báo cáo (mã trong kế hoạch)", kind = "text" },
  han = { title = "Hạn", kind = "date" },
  han_nop = { title = "Hạn nộp", kind = "date" },
  -- Funding.
  so_quyet_dinh = { title = "Số quyết định", kind = "text" },
  so_tien = { title = "Số tiền (đồng)", kind = "integer" },
  -- The tổng kết conference.
  ngay_du_kien = { title = "Ngày dự kiến tổ chức", kind = "date" },
  ngay_to_chuc = { title = "Ngày tổ chức", kind = "date" },
  chuong_trinh = { title = "Chương trình hội nghị", kind = "long_text" },
  dia_diem = { title = "Địa điểm", kind = "text" },
  du_hoi_nghi = { title = "Thành viên BCĐ tỉnh dự hội nghị", kind = "boolean" },
  thanh_vien_du = { title = "Thành viên BCĐ tỉnh đã dự", kind = "boolean" },
  so_dai_bieu = { title = "Số đại biểu dự", kind = "integer" },
  ket_qua = { title = "Kết quả hội nghị", kind = "long_text" },
  -- A unit's yearly rating.
  tu_xep_loai = { title = "Tự xếp loại", kind = "text" },
  xep_loai = { title = "Xếp loại", kind = "text" },
  -- Commendation.
  dot = { title = "Đợt khen thưởng (mã trong plugin)", kind = "text" },
  hinh_thuc = { title = "Hình thức khen thưởng (mã trong plugin)", kind = "text" },
  doi_tuong = { title = "Đối tượng (ca_nhan hoặc tap_the)", kind = "text" },
  ten_doi_tuong = { title = "Tên cá nhân, tập thể", kind = "text" },
  ma_doi_tuong = { title = "Mã định danh cá nhân, tập thể", kind = "text" },
  thanh_tich = { title = "Thành tích", kind = "long_text" },
  de_nghi = { title = "Các hồ sơ đề nghị khen thưởng (mã hồ sơ)", kind = "list" },
  khong_de_nghi = { title = "Các hồ sơ không đề nghị (mã hồ sơ)", kind = "list" },
  ngay_quyet_dinh = { title = "Ngày quyết định", kind = "date" },
}

-- The entries of the catalogue named in `names`, for a workflow's
-- `fields`. A name the catalogue lacks is an error at load, naming it.
function M.chon(names)
  local out = {}
  for _, name in ipairs(names) do
    local field = danh_muc[name]
    if field == nil then
      error("truong.chon: trường '" .. tostring(name) ..
            "' chưa có trong danh mục (workflows/lib/truong.lua)", 2)
    end
    out[name] = { title = field.title, kind = field.kind }
  end
  return out
end

return M
