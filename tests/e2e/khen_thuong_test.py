"""The Bằng khen quota of a round, through the real workflow and plugin
(workflows/de_nghi_khen_thuong.lua, plugins/bac_ninh: 50 Bằng khen of the
Chủ tịch UBND tỉnh in tổng kết 2025), over gRPC with the scenario runner:
51 communes each nominate one person; the standing agency selects 50, the
51st is refused naming the quota; a unit withdraws its nominee, and the
51st can then be selected. Where the plugin lets a Phó Chủ tịch decide,
his Quyết định is signed KT. CHỦ TỊCH / PHÓ CHỦ TỊCH."""
import csv
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, _ = harness.parse_args()
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def communes(n):
    path = os.path.join(ROOT, "plugins", "bac_ninh", "xa_phuong_2025.csv")
    with open(path, encoding="utf-8") as f:
        return [row["id"] if "id" in row else list(row.values())[0]
                for row in csv.DictReader(f)][:n]


def nominee_steps(code, i):
    name = f"dn_{code}"
    bien = (f'{{ dot = "tong_ket_2025", hinh_thuc = "bang_khen_chu_tich", '
            f'doi_tuong = "ca_nhan", ten_doi_tuong = "Người thứ {i}", '
            f'ma_doi_tuong = "0270900{i:05d}", thanh_tich = "Thành tích {i}" }}')
    steps = [f'[[buoc]]\nai = "can-bo.{code}"\nmo = "de_nghi_khen_thuong"\n'
             f'don_vi = "{code}"\nbien = {bien}\nten = "{name}"\n']
    for slot in ("to_trinh", "bao_cao_thanh_tich", "bien_ban"):
        steps.append(f'[[buoc]]\nai = "can-bo.{code}"\nho_so = "{name}"\n'
                     f'tai_len = "{slot}"\n')
    steps.append(f'[[buoc]]\nai = "can-bo.{code}"\nho_so = "{name}"\nlam = "trinh"\n')
    steps.append(f'[[buoc]]\nai = "chu-tich.{code}"\nho_so = "{name}"\nlam = "gui"\n')
    return steps


def choose(code, extra=""):
    return (f'[[buoc]]\nai = "chuyen-vien.bn-phong-tham-muu"\nho_so = "dn_{code}"\n'
            f'lam = "chon"\n{extra}')


def recommended(code, i):
    """Nominee `i` of commune `code`, selected, recommended by Sở Nội vụ and
    concurred: waiting for the Chủ tịch's decision."""
    return nominee_steps(code, i) + [
        choose(code),
        f'[[buoc]]\nai = "giam-doc.bn-so-noi-vu"\nho_so = "dn_{code}"\nlam = "de_nghi_khen"\n',
        f'[[buoc]]\nai = "chuyen-vien.bn-phong-tham-muu"\nho_so = "dn_{code}"\nlam = "hiep_y"\n']


def to_trinh(codes):
    """Sở Nội vụ's Tờ trình "qd" listing the nominees of `codes`, signed by
    its head: the Quyết định awaits the Chủ tịch."""
    listed = ", ".join(f'"@dn_{code}"' for code in codes)
    return ['[[buoc]]\nai = "chuyen-vien.bn-so-noi-vu"\n'
            'mo = "quyet_dinh_khen_thuong"\ndon_vi = "bn_so_noi_vu"\n'
            'bien = { dot = "tong_ket_2025", hinh_thuc = "bang_khen_chu_tich", '
            f'de_nghi = [{listed}] }}\n'
            'khoa = "tong_ket_2025/bang_khen_chu_tich"\nten = "qd"\n',
            '[[buoc]]\nai = "giam-doc.bn-so-noi-vu"\nho_so = "qd"\nlam = "trinh"\n']


def run(text):
    return harness.run_scenario(text, ARGS, timeout=600)


class QuotaTest(unittest.TestCase):
    def test_the_quota_is_never_passed_and_a_withdrawal_frees_a_place(self):
        codes = communes(51)
        self.assertEqual(len(codes), 51)
        steps = ['ten = "chỉ tiêu Bằng khen"\nbat_dau = "2025-12-22"\n']
        for i, code in enumerate(codes):
            steps += nominee_steps(code, i)
        for code in codes[:50]:
            steps.append(choose(code))
        steps.append(choose(codes[50], 'tu_choi = "Đã chọn đủ 50 Bằng khen của Chủ tịch '
                                       'UBND tỉnh"\n'))
        steps.append(f'[[buoc]]\nai = "chu-tich.{codes[0]}"\nho_so = "dn_{codes[0]}"\n'
                     'lam = "rut"\ndu_lieu = { ly_do = "Rút để nhường chỉ tiêu" }\n')
        steps.append(choose(codes[50], f'kiem_tra = {{ ho_so = "dn_{codes[50]}", '
                                       'trang_thai = "cho_tham_dinh", '
                                       'bien = { giu_cho = true } }\n'))
        # Full again: the withdrawn nominee cannot come back either.
        steps.append(f'[[buoc]]\nai = "chu-tich.{codes[1]}"\nho_so = "dn_{codes[1]}"\n'
                     'lam = "rut"\ndu_lieu = { ly_do = "Rút" }\n')
        r = run("\n".join(steps))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK ", r.stdout)

    def test_a_vice_chairman_signs_on_the_chairmans_behalf_where_the_plugin_lets_him(self):
        # The province lets a Phó Chủ tịch decide this award (the plugin's
        # nguoi_quyet_dinh): his Quyết định is signed KT. CHỦ TỊCH / PHÓ CHỦ
        # TỊCH (NĐ 30/2020, Điều 13), not as the Chủ tịch.
        code = communes(1)[0]
        steps = ['ten = "Phó Chủ tịch ký thay"\nbat_dau = "2025-12-22"\n',
                 '[[buoc]]\ndoi_plugin = { ten = "bac_ninh", thay = { '
                 '\'nguoi_quyet_dinh = { "chu_tich" }\' = '
                 '\'nguoi_quyet_dinh = { "chu_tich", "pho_chu_tich" }\' } }\n']
        steps += recommended(code, 1) + to_trinh([code])
        steps.append('[[buoc]]\nngay = "2026-01-15"\nai = "pho-chu-tich.bac-ninh"\n'
                     'ho_so = "qd"\nlam = "ky"\n'
                     'van_ban = { ho_so = "qd", so = "01/QĐ-UBND", nguoi_ky = "Lê Văn Sơn", '
                     'hinh_thuc = "KT.", chuc_danh = ["CHỦ TỊCH", "PHÓ CHỦ TỊCH"] }\n')
        steps.append(f'[[buoc]]\nkiem_tra = {{ ho_so = "dn_{code}", trang_thai = "duoc_khen", '
                     'bien = { ten_nguoi_quyet_dinh = "Lê Văn Sơn" } }\n')
        r = run("\n".join(steps))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK ", r.stdout)

    def test_a_delegate_signs_tuq_under_her_own_title(self):
        # The Chủ tịch delegated his signature to the Chánh Văn phòng UBND
        # tỉnh for 15 and 16/01/2026 (plugins/bac_ninh/can_bo.csv). She signs
        # the Quyết định TUQ. CHỦ TỊCH, her own title below (NĐ 30/2020,
        # Điều 13), and must give that title to sign.
        code = communes(1)[0]
        steps = ['ten = "ký thừa ủy quyền"\nbat_dau = "2025-12-22"\n']
        steps += recommended(code, 1) + to_trinh([code])
        steps.append('[[buoc]]\nngay = "2026-01-15"\nai = "chanh-van-phong.bn-vp-ubnd"\n'
                     'ho_so = "qd"\nlam = "ky"\n'
                     'tu_choi = "cần ghi chức vụ của người ký (chuc_vu_nguoi_ky)"\n')
        steps.append('[[buoc]]\nai = "chanh-van-phong.bn-vp-ubnd"\nho_so = "qd"\nlam = "ky"\n'
                     'du_lieu = { chuc_vu_nguoi_ky = "CHÁNH VĂN PHÒNG" }\n'
                     'van_ban = { ho_so = "qd", so = "01/QĐ-UBND", nguoi_ky = "Đỗ Thị Thu Trang", '
                     'hinh_thuc = "TUQ.", chuc_danh = ["CHỦ TỊCH", "CHÁNH VĂN PHÒNG"] }\n')
        steps.append(f'[[buoc]]\nkiem_tra = {{ ho_so = "dn_{code}", trang_thai = "duoc_khen", '
                     'bien = { ten_nguoi_quyet_dinh = "Đỗ Thị Thu Trang" } }\n')
        r = run("\n".join(steps))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK ", r.stdout)

    def test_a_nominee_withdrawn_after_the_to_trinh_is_named_at_the_signature(self):
        # A unit may withdraw until the decision. The Chủ tịch signing the
        # Quyết định is then told whose dossier left, and why, before any
        # number is taken; he returns the Tờ trình, Sở Nội vụ signs it again
        # without the nominee, and the Quyết định takes number 01.
        codes = communes(2)
        steps = ['ten = "rút sau Tờ trình"\nbat_dau = "2025-12-22"\n']
        for i, code in enumerate(codes):
            steps += recommended(code, i)
        steps += to_trinh(codes)
        steps.append(f'[[buoc]]\nai = "chu-tich.{codes[1]}"\nho_so = "dn_{codes[1]}"\n'
                     'lam = "rut"\ndu_lieu = { ly_do = "Sai thông tin cá nhân" }\n')
        steps.append('[[buoc]]\nngay = "2026-01-15"\nai = "chu-tich.bac-ninh"\nho_so = "qd"\n'
                     'lam = "ky"\nma = "FAILED_PRECONDITION"\n'
                     'tu_choi = "không còn chờ quyết định (đơn vị đã rút đề nghị: Sai thông '
                     'tin cá nhân): trả lại Tờ trình"\n')
        steps.append('[[buoc]]\nai = "chu-tich.bac-ninh"\nho_so = "qd"\nlam = "tra_lai"\n'
                     'du_lieu = { ly_do = "Bỏ hồ sơ đã rút" }\n')
        steps.append('[[buoc]]\nai = "giam-doc.bn-so-noi-vu"\nho_so = "qd"\nlam = "trinh"\n'
                     f'du_lieu = {{ de_nghi = ["@dn_{codes[0]}"] }}\n')
        steps.append('[[buoc]]\nai = "chu-tich.bac-ninh"\nho_so = "qd"\nlam = "ky"\n'
                     'van_ban = { ho_so = "qd", so = "01/QĐ-UBND" }\n')
        steps.append(f'[[buoc]]\nkiem_tra = {{ ho_so = "dn_{codes[0]}", trang_thai = "duoc_khen" }}\n')
        r = run("\n".join(steps))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK ", r.stdout)


if __name__ == "__main__":
    unittest.main(argv=["khen_thuong_test"])
