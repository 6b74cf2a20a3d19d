#!/usr/bin/python3
"""Writes the org files of the bundled province plugins (plugins/<name>/).

The communes, wards and (before 07/2025) districts come from the official
lists in ../shared/domain/provinces/; the provincial agencies are listed
below; the people are INVENTED test accounts (one or two per role a workflow
needs), with Vietnamese names made from a fixed list so every run writes the
same files. A real deployment replaces can_bo.csv with the province's own
people file (docs/org.md, 5.4).

  admin/plugin_org.py --shared ../shared --out plugins
"""
import argparse
import csv
import hashlib
import io
import os
import unicodedata

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
      "Ngô", "Dương", "Lý", "Đinh", "Hà"]
DEM = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Hữu", "Ngọc", "Thanh", "Xuân"]
TEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long",
       "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Yến",
       "Khải", "Giang", "Hòa", "Thủy", "Lộc"]


def person_name(n):
    return f"{HO[n % len(HO)]} {DEM[(n // 3) % len(DEM)]} {TEN[(n * 7) % len(TEN)]}"


def ascii_form(name):
    """docs/org.md, "Generated ids": the same rule as the engine's import."""
    out, pending = [], False
    for ch in unicodedata.normalize("NFD", name):
        if unicodedata.combining(ch):
            continue
        if ch in "đĐ":
            ch = "d"
        if ch.isascii() and ch.isalnum():
            if pending and out:
                out.append("_")
            pending = False
            out.append(ch.lower())
        else:
            pending = True
    return "".join(out)


def generated_id(text):
    if len(text) <= 64:
        return text
    return text[:55] + "_" + hashlib.sha256(text.encode()).hexdigest()[:8]


def person_id(role, unit):
    return f"{role.replace('_', '-')}.{unit.replace('_', '-')}"[:64]


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8") as f:
        f.write(buf.getvalue())


class People:
    def __init__(self, valid_from):
        self.rows, self.n, self.valid_from = [], 0, valid_from

    def add(self, role, unit, valid_from=None, pid=None):
        self.n += 1
        self.rows.append([pid or person_id(role, unit), person_name(self.n), role, unit,
                          valid_from or self.valid_from, "", ""])


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


UNIT_HEADER = ["id", "name", "kind", "parent", "valid_from", "valid_to", "tags"]
PEOPLE_HEADER = ["person", "name", "role", "unit", "valid_from", "valid_to", "acting_for"]


def agencies(prefix, province, place, valid_from, extra):
    """The standing agency (whose clerical office numbers the committee's
    documents) and its department, and the steering committee's member
    agencies (tagged thanh_vien_bcd, and gop_y_ke_hoach: asked to comment on
    the plan's draft)."""
    rows = [
        [f"{prefix}_cong_an_tinh", f"Công an tỉnh {place}", "co_quan", province,
         valid_from, "", "co_quan_thuong_truc;van_thu"],
        [f"{prefix}_phong_tham_muu", "Phòng Tham mưu", "phong", f"{prefix}_cong_an_tinh",
         valid_from, "", ""],
        [f"{prefix}_so_noi_vu", f"Sở Nội vụ tỉnh {place}", "co_quan", province,
         valid_from, "", "so_noi_vu;thanh_vien_bcd;gop_y_ke_hoach"],
    ]
    for suffix, name in [("so_tai_chinh", "Sở Tài chính"),
                         ("so_giao_duc", "Sở Giáo dục và Đào tạo"),
                         ("so_y_te", "Sở Y tế"),
                         ("so_tu_phap", "Sở Tư pháp"),
                         ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
                         ("tinh_doan", "Tỉnh Đoàn")]:
        rows.append([f"{prefix}_{suffix}", f"{name} tỉnh {place}", "co_quan", province,
                     valid_from, "", "thanh_vien_bcd;gop_y_ke_hoach"])
    rows += extra
    return rows


def agency_people(people, prefix, province, rows):
    people.add("chu_tich", province)
    people.add("pho_chu_tich", province)
    people.add("giam_doc", f"{prefix}_cong_an_tinh")
    people.add("van_thu", f"{prefix}_cong_an_tinh")
    people.add("truong_phong", f"{prefix}_phong_tham_muu")
    people.add("chuyen_vien", f"{prefix}_phong_tham_muu")
    for row in rows:
        if "thanh_vien_bcd" in row[6].split(";"):
            people.add("giam_doc", row[0])
            people.add("chuyen_vien", row[0])


def commune_people(people, units, valid_from=None):
    for unit in units:
        people.add("can_bo", unit, valid_from)
        people.add("chu_tich", unit, valid_from)


def bac_ninh(shared, out):
    d = os.path.join(out, "bac_ninh")
    src = os.path.join(shared, "domain/provinces/bac_ninh_2025.csv")
    with open(src, encoding="utf-8") as f:
        communes_text = f.read()
    with open(os.path.join(d, "xa_phuong_2025.csv"), "w", encoding="utf-8") as f:
        f.write(communes_text)
    rows = agencies("bn", "bac_ninh", "Bắc Ninh", "01/07/2025", [
        ["bn_vp_ubnd", "Văn phòng UBND tỉnh Bắc Ninh", "co_quan", "bac_ninh",
         "01/07/2025", "", "van_thu"]])
    write_csv(os.path.join(d, "don_vi.csv"), UNIT_HEADER, rows)
    people = People("01/07/2025")
    agency_people(people, "bn", "bac_ninh", rows)
    commune_people(people, [r["code"] for r in read_rows(src)])
    write_csv(os.path.join(d, "can_bo.csv"), PEOPLE_HEADER, people.rows)


def tuyen_quang(shared, out):
    d = os.path.join(out, "tuyen_quang")
    src = os.path.join(shared, "domain/provinces/tuyen_quang_2024_districts.csv")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(d, "huyen_xa_2024.csv"), "w", encoding="utf-8") as f:
        f.write(text)
    rows = agencies("tq", "tuyen_quang", "Tuyên Quang", "01/01/2024", [])
    write_csv(os.path.join(d, "don_vi.csv"), UNIT_HEADER, rows)
    people = People("01/01/2024")
    agency_people(people, "tq", "tuyen_quang", rows)
    districts = []
    communes = []
    for r in read_rows(src):
        did = generated_id("tuyen_quang_" + ascii_form(r["district"]))
        if did not in districts:
            districts.append(did)
        communes.append(generated_id(did + "_" + ascii_form(r["commune"])))
    for did in districts:
        people.add("chu_tich", did)
        people.add("can_bo", did)
        people.add("chuyen_vien", did)
    commune_people(people, communes)
    write_csv(os.path.join(d, "can_bo.csv"), PEOPLE_HEADER, people.rows)


def thanh_hoa(shared, out):
    d = os.path.join(out, "thanh_hoa")
    rows = [["thanh_hoa", "Thanh Hóa", "tinh", "", "01/01/2025", "", ""]]
    rows += agencies("th", "thanh_hoa", "Thanh Hóa", "01/01/2025", [
        ["th_vp_ubnd", "Văn phòng UBND tỉnh Thanh Hóa", "co_quan", "thanh_hoa",
         "01/01/2025", "", "van_thu"]])
    districts = []
    for r in read_rows(os.path.join(shared, "domain/provinces/thanh_hoa_2025_districts.csv")):
        did = generated_id("thanh_hoa_" + ascii_form(r["district"]))
        districts.append(did)
        rows.append([did, r["district"], "huyen", "thanh_hoa", "01/01/2025", "30/06/2025", ""])
    communes = []
    for r in read_rows(os.path.join(shared, "domain/provinces/thanh_hoa_2025.csv")):
        communes.append(r["code"])
        rows.append([r["code"], r["name"], r["kind"], "thanh_hoa", "01/07/2025", "", ""])
    write_csv(os.path.join(d, "don_vi.csv"), UNIT_HEADER, rows)
    people = People("01/01/2025")
    agency_people(people, "th", "thanh_hoa", rows)
    people.add("van_thu", "th_vp_ubnd")
    for did in districts:
        people.add("chu_tich", did)
        people.add("can_bo", did)
    commune_people(people, communes, "01/07/2025")
    write_csv(os.path.join(d, "can_bo.csv"), PEOPLE_HEADER, people.rows)


def lai_chau(shared, out):
    d = os.path.join(out, "lai_chau")
    src = os.path.join(shared, "domain/provinces/lai_chau_2025.csv")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(d, "xa_phuong_2025.csv"), "w", encoding="utf-8") as f:
        f.write(text)
    rooms = [("lc_phong_hcqt", "Phòng Hành chính – Quản trị"),
             ("lc_phong_tong_hop", "Phòng Tổng hợp"),
             ("lc_phong_kinh_te", "Phòng Kinh tế"),
             ("lc_phong_kgvx", "Phòng Khoa giáo – Văn xã"),
             ("lc_phong_noi_chinh", "Phòng Nội chính"),
             ("lc_ban_tiep_cong_dan", "Ban Tiếp công dân tỉnh"),
             ("lc_trung_tam_hcc", "Trung tâm Phục vụ hành chính công"),
             ("lc_trung_tam_cong_bao", "Trung tâm Thông tin – Công báo")]
    rows = [
        ["lc_cong_an_tinh", "Công an tỉnh Lai Châu", "co_quan", "lai_chau", "01/07/2025", "",
         "co_quan_thuong_truc"],
        ["lc_phong_tham_muu", "Phòng Tham mưu", "phong", "lc_cong_an_tinh", "01/07/2025", "",
         ""],
        ["lc_vp_ubnd", "Văn phòng UBND tỉnh Lai Châu", "co_quan", "lai_chau", "01/07/2025",
         "", "van_thu"],
    ]
    for rid, name in rooms:
        rows.append([rid, name, "phong", "lc_vp_ubnd", "01/07/2025", "",
                     "phong_ban_vp;gop_y_ke_hoach"])
    write_csv(os.path.join(d, "don_vi.csv"), UNIT_HEADER, rows)
    people = People("01/07/2025")
    people.add("chu_tich", "lai_chau")
    people.add("pho_chu_tich", "lai_chau")
    people.add("chuyen_vien", "lai_chau")
    people.add("giam_doc", "lc_cong_an_tinh")
    people.add("chuyen_vien", "lc_phong_tham_muu")
    people.add("truong_phong", "lc_phong_tham_muu")
    people.add("chanh_van_phong", "lc_vp_ubnd")
    people.add("pho_chanh_van_phong", "lc_vp_ubnd")
    people.add("van_thu", "lc_vp_ubnd")
    for rid, _ in rooms:
        people.add("truong_phong", rid)
        people.add("chuyen_vien", rid)
    commune_people(people, [r["code"] for r in read_rows(src)])
    write_csv(os.path.join(d, "can_bo.csv"), PEOPLE_HEADER, people.rows)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../shared"))
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../plugins"))
    args = p.parse_args()
    for make in (bac_ninh, tuyen_quang, thanh_hoa, lai_chau):
        os.makedirs(os.path.join(args.out, make.__name__), exist_ok=True)
        make(args.shared, args.out)


if __name__ == "__main__":
    main()
