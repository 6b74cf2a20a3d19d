"""The scenario runner's own failures (admin/scenario.py, docs/scenarios.md):
a wrong expectation, a refusal that did not come, an unknown document and a
malformed file each end with the right exit code and say which step."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, _ = harness.parse_args()

HEAD = '''ten = "thử"
bat_dau = "2026-02-10"

[[buoc]]
ai = "chuyen-vien.lc-phong-hcqt"
mo = "ban_hanh_ke_hoach"
don_vi = "lc_phong_hcqt"
bien = { chien_dich = "ke_hoach_vp_2026" }
ten = "kh"
'''


def run(text):
    return harness.run_scenario(text, ARGS)


class ScenarioRunnerTest(unittest.TestCase):
    def test_a_passing_scenario_says_ok(self):
        r = run(HEAD + '''
[[buoc]]
kiem_tra = { ho_so = "kh", trang_thai = "du_thao", plugin_version = 1 }
''')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK ", r.stdout)

    def test_a_wrong_expectation_names_the_step(self):
        r = run(HEAD + '''
[[buoc]]
mo_ta = "sai trạng thái"
kiem_tra = { ho_so = "kh", trang_thai = "da_ky" }
''')
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("bước 2 (sai trạng thái)", r.stdout)
        self.assertIn("trạng thái du_thao, mong đợi da_ky", r.stdout)

    def test_a_refusal_that_does_not_come_fails(self):
        r = run(HEAD + '''
[[buoc]]
ai = "chuyen-vien.lc-phong-hcqt"
ho_so = "kh"
lam = "trinh_lanh_dao"
tu_choi = "không được"
''')
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("được chấp nhận, mong đợi bị từ chối", r.stdout)

    def test_an_unknown_document_fails(self):
        r = run(HEAD + '''
[[buoc]]
kiem_tra = { ho_so = "khong_co", trang_thai = "du_thao" }
''')
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("không có hồ sơ nào tên 'khong_co'", r.stdout)

    def test_a_malformed_file_cannot_run(self):
        r = run("ten = \"thiếu dấu ngoặc\nbat_dau = 2026\n")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("ERROR", r.stdout)
        self.assertIn("không đọc được tệp TOML", r.stdout)


if __name__ == "__main__":
    unittest.main(argv=["scenario_test"])
