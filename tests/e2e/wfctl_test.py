"""The administrators' CLI (admin/wfctl) against the real server, with a
folder of workflows loaded at start as `make run` loads its own (--workflows:
tests/testdata, whose nop_ke_hoach needs no province plugin; the bundled
workflows and plugins are played by the scenarios, tests/e2e/scenario_test.py
and plugins/*/scenarios)."""
import json
import shutil
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

def extra(parser):
    parser.add_argument("--workflows", required=True)
    parser.add_argument("--wfctl", required=True)


ARGS, REST = harness.parse_args(extra)


class Wfctl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServerProcess(ARGS.server,
                                           harness.temp_data_dir("wfctl"),
                                           workflows_dir=ARGS.workflows)
        cls.server.start()
        cls.tokens = {"admin": cls.server.admin_token()}
        org = os.path.join(ARGS.testdata, "org")
        provinces = harness.provinces_dir(ARGS.testdata)
        cls.run_wfctl(
            "import", "bac_ninh_xa", "communes",
            os.path.join(provinces, "bac_ninh_2025.csv"), "--province-id",
            "bac_ninh", "--province-name", "Bắc Ninh", "--valid-from", "01/07/2025")
        cls.run_wfctl("import", "bac_ninh_co_quan", "units",
                      os.path.join(org, "bac_ninh_co_quan.csv"))
        out = cls.run_wfctl("import", "nguoi_dung", "people",
                            os.path.join(org, "nguoi_dung.csv"))
        assert "105 units" in out.stdout, out.stdout
        for person in ["can-bo.dai-son", "chu-tich.dai-son",
                       "chuyen-vien.tham-muu", "can-bo.tay-yen-tu"]:
            cls.tokens[person] = cls.run_wfctl(
                "token", "issue", person, "--days", "1").stdout.strip()

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0, cls.server.log()

    @classmethod
    def run_wfctl(cls, *args, actor="admin"):
        result = subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", cls.server.address,
             "--stubs", ARGS.stubs, "--token", cls.tokens[actor], *args],
            capture_output=True, text=True, encoding="utf-8")
        assert result.returncode == 0, result.stderr
        return result

    def wfctl(self, *args, actor="chuyen-vien.tham-muu", ok=True):
        result = subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.tokens[actor], *args],
            capture_output=True, text=True, encoding="utf-8")
        if ok:
            self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def start_plan(self, deadline):
        out = self.wfctl("start", "nop_ke_hoach", "--json", "--key", "KH-BN-2026-DAI-SON",
                         "--unit", "07627",
                         "--vars", json.dumps({"don_vi": "UBND xã Đại Sơn",
                                               "han_nop": deadline, "nam": 2026},
                                              ensure_ascii=False))
        return json.loads(out.stdout)

    def test_bundled_workflows_are_deployed(self):
        out = self.wfctl("workflows", actor="admin").stdout
        self.assertRegex(out, r"\nnop_ke_hoach +1  Nộp kế hoạch thực hiện của đơn vị\n")

    def test_cancel_is_for_the_starter_and_records_the_reason(self):
        plan = self.start_plan("2026-12-31")
        refused = self.wfctl("cancel", plan["id"], "--reason", "Nhầm đơn vị",
                             actor="can-bo.dai-son", ok=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("PERMISSION_DENIED", refused.stderr)
        out = json.loads(self.wfctl("cancel", plan["id"], "--reason",
                                    "Nhầm đơn vị", "--json").stdout)
        self.assertTrue(out["instance"]["cancelled"])
        self.assertEqual(out["instance"]["cancel_reason"], "Nhầm đơn vị")
        self.assertEqual(out["event"]["event"], "wf.cancel")
        again = self.wfctl("fire", plan["id"], "trinh_duyet", "--expect-state",
                           "du_thao", ok=False)
        self.assertIn("it was cancelled: Nhầm đơn vị", again.stderr)
        self.assertIn("OK", self.wfctl("verify", plan["id"]).stdout)

    def test_files_are_uploaded_listed_downloaded_and_followed(self):
        plan = self.start_plan("2026-12-31")
        folder = tempfile.mkdtemp(prefix="wfctl_files_")
        source = os.path.join(folder, "du_thao.pdf")
        data = b"%PDF-1.7\n" + os.urandom(3 * (1 << 20))  # three chunks and more
        with open(source, "wb") as f:
            f.write(data)
        out = json.loads(self.wfctl("upload", plan["id"], "du_thao", source,
                                    "--name", "Kế hoạch đợt 1.pdf", "--json").stdout)
        self.assertEqual(out["file"]["version"], 1)
        self.assertEqual(out["file"]["media_type"], "application/pdf")
        listed = self.wfctl("files", plan["id"]).stdout
        self.assertRegex(listed, r"\ndu_thao +v1 +Kế hoạch đợt 1\.pdf +\d+ +application/pdf")
        target = os.path.join(folder, "back.pdf")
        got = json.loads(self.wfctl("download", plan["id"], "du_thao", "-o", target,
                                    "--json").stdout)
        self.assertEqual(got, {"written": target, "bytes": len(data)})
        with open(target, "rb") as f:
            self.assertEqual(f.read(), data)
        # Never overwrites what is there.
        self.assertNotEqual(self.wfctl("download", plan["id"], "du_thao", "-o",
                                       target, ok=False).returncode, 0)
        page = self.wfctl("render", plan["id"]).stdout
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", page)
        self.assertIn("DỰ THẢO", page)  # never issued
        followed = self.wfctl("watch", "--kinds", "file_attached", "--limit", "1",
                              actor="admin").stdout
        self.assertRegex(followed, rf"file_attached +{plan['id']} +wf\.attach ")
        shutil.rmtree(folder)

    def test_workflows_and_tokens_are_listed_page_by_page(self):
        listed = self.wfctl("workflows").stdout
        self.assertIn("nop_ke_hoach", listed)
        tokens = self.run_wfctl("token", "list").stdout.splitlines()
        self.assertGreaterEqual(len(tokens), 4)  # the admin's and three people's

    def test_check_validates_without_deploying(self):
        bundled = os.path.join(ARGS.workflows, "nop_ke_hoach.lua")
        out = self.wfctl("check", bundled, actor="admin").stdout
        self.assertIn("OK, nop_ke_hoach identical to deployed version 1", out)
        with open(bundled, encoding="utf-8") as f:
            source = f.read()
        folder = harness.temp_data_dir("wfctl_check")
        os.makedirs(folder, exist_ok=True)
        changed = os.path.join(folder, "nop_ke_hoach.lua")
        with open(changed, "w", encoding="utf-8") as f:
            f.write(source + "\n-- sửa đổi\n")
        out = self.wfctl("check", changed, actor="admin").stdout
        self.assertIn("OK, nop_ke_hoach would be version 2", out)
        broken = os.path.join(folder, "hong.lua")
        with open(broken, "w", encoding="utf-8") as f:
            f.write('workflow "hong" { initial = "a" }\nstate "a" {}\n'
                    'transition "di" { from = "a", to = "khong_co" }\n')
        refused = self.wfctl("check", broken, actor="admin", ok=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("INVALID_ARGUMENT", refused.stderr)
        self.assertIn("hong.lua:3:", refused.stderr)
        # Nothing was deployed by the checks.
        self.assertRegex(self.wfctl("workflows", actor="admin").stdout, r"\nnop_ke_hoach +1 ")
        self.assertNotIn("hong", self.wfctl("workflows", actor="admin").stdout)

    def test_backup_copies_the_data_live_and_opens_as_a_data_folder(self):
        instance = self.start_plan("2099-12-31")
        folder = os.path.dirname(harness.temp_data_dir("wfctl_backup"))
        target = os.path.join(folder, "sao_luu")
        out = self.wfctl("backup", target, actor="admin").stdout
        self.assertIn(f"backup in {target}", out)
        again = self.wfctl("backup", target, actor="admin", ok=False)
        self.assertIn("ALREADY_EXISTS", again.stderr)
        self.assertIn("PERMISSION_DENIED", self.wfctl(
            "backup", target + "_2", actor="can-bo.dai-son", ok=False).stderr)
        self.assertIn("INVALID_ARGUMENT", self.wfctl(
            "backup", "tuong_doi", actor="admin", ok=False).stderr)
        # The copy serves as it was, to the same tokens.
        restored = harness.ServerProcess(ARGS.server, target)
        restored.start()
        try:
            got = subprocess.run(
                [sys.executable, ARGS.wfctl, "--server", restored.address,
                 "--stubs", ARGS.stubs, "--token", self.tokens["admin"],
                 "get", instance["id"], "--json"],
                capture_output=True, text=True, encoding="utf-8")
            self.assertEqual(got.returncode, 0, got.stderr)
            copy = json.loads(got.stdout)
            self.assertEqual(copy["state"], "du_thao")
            self.assertEqual(copy["variables"]["don_vi"], "UBND xã Đại Sơn")
        finally:
            self.assertEqual(restored.stop(), 0, restored.log())

    def test_a_unit_plan_goes_to_the_standing_agency(self):
        instance = self.start_plan("2099-12-31")
        self.assertEqual(instance["state"], "du_thao")
        refused = self.wfctl("fire", instance["id"], "trinh_duyet",
                             actor="can-bo.dai-son", ok=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("FAILED_PRECONDITION: Expected the guard of transition "
                      "'trinh_duyet'", refused.stderr)
        # The typed details, under the message: reason and the guard's words.
        self.assertIn("reason: GUARD_REFUSED", refused.stderr)
        self.assertIn("vi-VN: Chưa có trích yếu kế hoạch", refused.stderr)
        # The standing agency may not draft for the commune.
        denied = self.wfctl("fire", instance["id"], "trinh_duyet", "--payload",
                            json.dumps({"trich_yeu": "x"}), ok=False)
        self.assertIn("PERMISSION_DENIED", denied.stderr)
        self.assertIn("reason: ROLE_REQUIRED", denied.stderr)
        self.assertIn("role=can_bo", denied.stderr)
        self.assertIn("vi-VN: ", denied.stderr)
        self.assertIn("cần vai trò 'can_bo'", denied.stderr)
        self.wfctl("fire", instance["id"], "trinh_duyet", "--payload",
                   json.dumps({"trich_yeu": "Kế hoạch thực hiện năm 2026"}),
                   actor="can-bo.dai-son")
        self.assertIn(instance["id"], self.wfctl("inbox", actor="chu-tich.dai-son").stdout)
        sent = json.loads(self.wfctl("fire", instance["id"], "phe_duyet_va_gui", "--json",
                                     actor="chu-tich.dai-son").stdout)
        self.assertEqual(sent["event"]["actor_name"], "Trần Thị Bình")
        self.assertNotIn(instance["id"], self.wfctl("inbox", actor="chu-tich.dai-son").stdout)
        self.assertIn(instance["id"], self.wfctl("inbox").stdout)
        self.assertEqual(sent["instance"]["state"], "da_gui")
        self.assertNotIn("nop_muon", sent["instance"]["variables"])
        self.assertEqual(sent["event"]["effects"][0]["data"]["den"],
                         "co_quan_thuong_truc")
        listed = self.wfctl("list", "--workflow", "nop_ke_hoach", "--state",
                            "da_gui").stdout
        self.assertIn(instance["id"], listed)
        self.assertIn("Đã gửi Cơ quan Thường trực", listed)
        self.wfctl("fire", instance["id"], "tra_lai", "--payload",
                   json.dumps({"ly_do": "Bổ sung kinh phí"}))
        self.wfctl("fire", instance["id"], "trinh_duyet", actor="can-bo.dai-son")
        self.wfctl("fire", instance["id"], "phe_duyet_va_gui", actor="chu-tich.dai-son")
        done = json.loads(self.wfctl("fire", instance["id"], "tiep_nhan", "--json").stdout)
        self.assertTrue(done["instance"]["finished"])
        self.assertEqual(done["instance"]["variables"]["lan_gui"], 2)
        self.assertIn("OK, 7 events verified",
                      self.wfctl("verify", instance["id"]).stdout)

    def test_a_late_unit_is_marked_late(self):
        instance = self.start_plan("2026-02-10")
        # The deadline passed long ago: the timer loop fires it at once.
        for _ in range(200):
            got = json.loads(self.wfctl("get", instance["id"], "--json").stdout)
            if got["variables"].get("tre_han"):
                break
            time.sleep(0.05)
        self.assertIs(got["variables"]["tre_han"], True)
        self.assertTrue(got["clocks"][0]["expired"])
        late = self.wfctl("deadlines", "--late").stdout
        self.assertIn(instance["id"], late)
        self.assertIn("TRỄ HẠN", late)
        history = self.wfctl("history", instance["id"], "--json").stdout
        self.assertIn("chưa nộp kế hoạch năm 2026, hạn ngày 10 tháng 02 năm 2026",
                      history)
        self.assertIn('"actor": "system:timer"', history)
        # Times are shown to people in Vietnam time.
        self.assertRegex(history, r'"at": "2\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00"')
        self.wfctl("fire", instance["id"], "trinh_duyet", "--payload",
                   json.dumps({"trich_yeu": "Kế hoạch"}), actor="can-bo.dai-son")
        sent = json.loads(self.wfctl("fire", instance["id"], "phe_duyet_va_gui", "--json",
                                     actor="chu-tich.dai-son").stdout)
        self.assertIs(sent["instance"]["variables"]["nop_muon"], True)
        self.assertGreater(sent["instance"]["variables"]["so_ngay_lam_viec_tre"], 100)
        # Sent: the clock ended, so the unit is no longer listed as late.
        self.assertNotIn(instance["id"], self.wfctl("deadlines", "--late").stdout)

    def campaign_folder(self):
        """Two workflows sharing a library module (lib/giao_viec.lua)."""
        folder = harness.temp_data_dir("wfctl_campaign")
        os.makedirs(os.path.join(folder, "lib"), exist_ok=True)
        files = {
            "lib/giao_viec.lua": """
local M = {}
-- The first n communes of Bắc Ninh in force today.
function M.xa_dau(ctx, n)
  local ids = wf.array()
  for _, xa in ipairs(ctx.units{ under = "bac_ninh", kinds = { "xa" } }) do
    if #ids < n then ids[#ids + 1] = xa.id end
  end
  return ids
end
return M
""",
            "chien_dich_e2e.lua": """
local giao_viec = require("giao_viec")
workflow "chien_dich_e2e" {
  title = "Chiến dịch", initial = "du_thao",
  who = { role = "chu_tich", unit = "same_unit" },
}
state "du_thao" { title = "Dự thảo" }
state "da_giao" { title = "Đã giao", final = true }
transition "giao" {
  from = "du_thao", to = "da_giao",
  action = function(ctx)
    for _, xa in ipairs(giao_viec.xa_dau(ctx, 3)) do
      ctx.start("bao_cao_e2e", {}, { unit = xa, business_key = "bc-" .. xa })
    end
  end,
}
""",
            "bao_cao_e2e.lua": """
workflow "bao_cao_e2e" { initial = "chua_nop", who = { role = "*", unit = "same_unit" } }
state "chua_nop" { title = "Chưa nộp" }
state "da_nop" { title = "Đã nộp", final = true }
transition "nop" { from = "chua_nop", to = "da_nop" }
""",
        }
        for name, text in files.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(text)
        return folder

    def test_a_campaign_shares_a_library_and_shows_its_progress(self):
        folder = self.campaign_folder()
        campaign = os.path.join(folder, "chien_dich_e2e.lua")
        report = os.path.join(folder, "bao_cao_e2e.lua")
        empty = os.path.join(folder, "khong_co_lib")
        os.makedirs(empty, exist_ok=True)
        refused = self.wfctl("check", campaign, "--lib", empty, actor="admin", ok=False)
        self.assertIn("no module 'giao_viec'", refused.stderr)
        self.assertIn("OK, chien_dich_e2e would be version 1",
                      self.wfctl("check", campaign, actor="admin").stdout)
        out = self.wfctl("deploy", report, campaign, actor="admin").stdout
        self.assertIn("chien_dich_e2e deployed as version 1", out)
        self.assertIn("unchanged: version 1",
                      self.wfctl("deploy", campaign, actor="admin").stdout)

        parent = json.loads(self.wfctl("start", "chien_dich_e2e", "--json", "--unit", "07627",
                                       actor="chu-tich.dai-son").stdout)
        self.wfctl("fire", parent["id"], "giao", actor="chu-tich.dai-son")
        children = self.wfctl("list", "--workflow", "bao_cao_e2e",
                              actor="admin").stdout
        mine = [line.split()[0] for line in children.splitlines()
                if "bc-07627" in line]
        self.assertEqual(len(mine), 1, children)
        self.wfctl("fire", mine[0], "nop", actor="can-bo.dai-son")

        table = self.wfctl("progress", parent["id"], actor="chu-tich.dai-son").stdout
        lines = table.splitlines()
        self.assertEqual(lines[0], f"{parent['id']}: 3 children")
        self.assertEqual(lines[1:], ["Chưa nộp  chua_nop  2",
                                     "Đã nộp    da_nop    1",
                                     "Trễ hạn             0"])
        units = self.wfctl("progress", parent["id"], "--units",
                           actor="chu-tich.dai-son").stdout
        self.assertIn(f"    07627  Xã Đại Sơn  {mine[0]}  bc-07627", units)
        as_json = json.loads(self.wfctl("progress", parent["id"], "--json",
                                        "--workflow", "bao_cao_e2e",
                                        actor="chu-tich.dai-son").stdout)
        self.assertEqual(as_json["total"], 3)
        self.assertEqual([s["count"] for s in as_json["states"]], [2, 1])
        stranger = self.wfctl("progress", parent["id"], actor="can-bo.tay-yen-tu",
                              ok=False)
        self.assertIn("NOT_FOUND", stranger.stderr)

    def test_the_server_deploys_a_folder_with_its_library(self):
        folder = self.campaign_folder()
        server = harness.ServerProcess(ARGS.server, harness.temp_data_dir("wfctl_lib"),
                                       workflows_dir=folder)
        server.start()
        try:
            listed = subprocess.run(
                [sys.executable, ARGS.wfctl, "--server", server.address,
                 "--stubs", ARGS.stubs, "--token", server.admin_token(), "workflows"],
                capture_output=True, text=True, encoding="utf-8")
            self.assertEqual(listed.returncode, 0, listed.stderr)
            self.assertRegex(listed.stdout, r"\nchien_dich_e2e +1 ")
            self.assertRegex(listed.stdout, r"\nbao_cao_e2e +1 ")
        finally:
            self.assertEqual(server.stop(), 0, server.log())

    def test_missing_start_field_is_a_usage_error_from_the_server(self):
        out = self.wfctl("start", "nop_ke_hoach", "--unit", "07627", "--vars", "{}",
                         ok=False)
        self.assertEqual(out.returncode, 1)
        self.assertIn("INVALID_ARGUMENT", out.stderr)
        self.assertIn("'don_vi'", out.stderr)

    # --- Every command: help, usage errors, a server that is down, JSON,
    # tables aligned by terminal columns.

    def bare(self, *args, server=None):
        """wfctl without a token, at `server` (default: this test's)."""
        return subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", server or self.server.address,
             "--stubs", ARGS.stubs, *args],
            capture_output=True, text=True, encoding="utf-8", timeout=60)

    def test_every_command_has_help_and_the_exit_codes_are_documented(self):
        top = self.bare("--help")
        self.assertEqual(top.returncode, 0)
        self.assertIn("3 không kết nối được máy chủ", top.stdout)
        self.assertIn("2 sai cú pháp lệnh", top.stdout)
        names = re.search(r"\{([a-z_,]+)\}", top.stdout).group(1).split(",")
        self.assertIn("restore", names)
        self.assertGreater(len(names), 25)
        for name in names:
            shown = self.bare(name, "--help")
            self.assertEqual(shown.returncode, 0, name)
            if name != "scenario":  # a rehearsal prints its log, not data
                self.assertIn("--json", shown.stdout, name)

    def test_usage_errors_exit_2_in_one_line(self):
        for args in (("start", "nop_ke_hoach", "--vars", "không phải JSON"),
                     ("start", "nop_ke_hoach", "--vars", "[1, 2]"),
                     ("verify",), ("verify", "wi-000000000001", "--all"),
                     ("khong_co_lenh",), ("fire", "wi-000000000001"),
                     ("advance", "--seconds", "5", "--until", "2026-01-01"),
                     ("import", "x", "units", "/khong/co/tep.csv"),
                     ("plugin", "show")):
            out = self.wfctl(*args, ok=False)
            self.assertEqual(out.returncode, 2, (args, out.stderr))
            self.assertNotIn("Traceback", out.stderr)
            self.assertEqual(out.stdout, "", args)

    def test_a_server_that_is_down_is_one_line_and_exit_3(self):
        down = f"127.0.0.1:{harness.free_port()}"
        for args in (("workflows",), ("list",), ("get", "wi-000000000001"),
                     ("history", "wi-000000000001"), ("verify", "--all"),
                     ("token", "list"), ("watch", "--limit", "1"),
                     ("backup", "/tmp/khong_toi_duoc"), ("plugin", "list"),
                     ("whoami", "--json"), ("inbox",)):
            out = self.bare(*args, server=down)
            self.assertEqual(out.returncode, 3, (args, out.stderr))
            lines = out.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, (args, out.stderr))
            self.assertTrue(lines[0].startswith(
                f"wfctl: không kết nối được máy chủ {down} (UNAVAILABLE: "), lines[0])
            self.assertEqual(out.stdout, "")

    def test_lists_show_what_each_document_is_about(self):
        sys.path.insert(0, os.path.dirname(ARGS.wfctl))
        import wftable
        subject = "Kế hoạch thực hiện phong trào toàn dân bảo vệ ANTQ năm 2026"
        plan = json.loads(self.wfctl(
            "start", "ke_hoach_bcd", "--json", "--unit", "07627", "--vars",
            json.dumps({"trich_yeu": subject}, ensure_ascii=False),
            actor="can-bo.dai-son").stdout)
        unit_plan = self.start_plan("2099-12-31")  # no document: the state's title

        def rows(out, header_words):
            """{id: the TIÊU ĐỀ cell} of a table, checking its header."""
            header, *lines = out.splitlines()
            self.assertEqual(header.split("  ")[0], header_words[0])
            for word in header_words:
                self.assertIn(word, header)
            self.assertTrue(header.endswith("TIÊU ĐỀ"), header)
            column = wftable.width(header[:header.index("TIÊU ĐỀ")])
            cells = {}
            for line in lines:
                # The title starts where its header does, in terminal columns.
                start = next(n for n in range(len(line) + 1)
                             if wftable.width(line[:n]) == column)
                cells[next(w for w in line.split() if w.startswith("wi-"))] = line[start:]
            return cells

        listed = rows(self.wfctl("list", "--all", actor="admin").stdout,
                      ("MÃ", "QUY TRÌNH", "TÊN TRẠNG THÁI", "MÃ HỒ SƠ"))
        self.assertEqual(listed[plan["id"]], subject)
        self.assertEqual(listed[unit_plan["id"]], "Đơn vị đang dự thảo kế hoạch")
        inbox = rows(self.wfctl("inbox", actor="can-bo.dai-son").stdout,
                     ("HẠN", "MÃ", "ĐƠN VỊ", "VIỆC CÓ THỂ LÀM"))
        self.assertEqual(inbox[plan["id"]], subject)
        self.assertEqual(inbox[unit_plan["id"]], "Đơn vị đang dự thảo kế hoạch")
        # --json: the API's `title` of each instance.
        listed = json.loads(self.wfctl("list", "--workflow", "ke_hoach_bcd", "--json",
                                       actor="admin").stdout)
        self.assertIn((plan["id"], subject),
                      [(i["id"], i["title"]) for i in listed["instances"]])
        items = json.loads(self.wfctl("inbox", "--json", actor="can-bo.dai-son").stdout)
        titles = {i["instance"]["id"]: i["instance"]["title"] for i in items}
        self.assertEqual(titles[plan["id"]], subject)
        self.assertEqual(titles[unit_plan["id"]], "Đơn vị đang dự thảo kế hoạch")
        self.assertTrue(all("variables" not in i["instance"] for i in items))

    def test_json_is_stable_for_scripts(self):
        plan = self.start_plan("2099-12-31")
        workflows = json.loads(self.wfctl("workflows", "--json").stdout)
        self.assertIn({"name": "nop_ke_hoach", "version": 1,
                       "title": "Nộp kế hoạch thực hiện của đơn vị"}, workflows)
        listed = json.loads(self.wfctl("list", "--workflow", "nop_ke_hoach",
                                       "--json", actor="admin").stdout)
        self.assertEqual(set(listed), {"instances", "next_page_token"})
        self.assertIn(plan["id"], [i["id"] for i in listed["instances"]])
        checked = json.loads(self.wfctl("verify", plan["id"], "--json").stdout)
        self.assertEqual(checked, {"instance_id": plan["id"], "ok": True,
                                   "events_checked": 1, "failed_event": 0,
                                   "problem": ""})
        history = json.loads(self.wfctl("history", plan["id"], "--json").stdout)
        self.assertEqual([(e["seq"], e["event"]) for e in history], [(1, "start")])
        tokens = json.loads(self.run_wfctl("token", "list", "--json").stdout)
        self.assertTrue(all({"token_id", "person"} <= set(t) for t in tokens))
        me = json.loads(self.wfctl("whoami", "--json").stdout)
        self.assertEqual(me["person"], "chuyen-vien.tham-muu")

    def test_tables_align_by_terminal_columns(self):
        sys.path.insert(0, os.path.dirname(ARGS.wfctl))
        import wftable
        decomposed = unicodedata.normalize("NFD", "Nộp kế hoạch")
        self.assertNotEqual(len(decomposed), 12)
        self.assertEqual(wftable.width(decomposed), 12)
        self.assertEqual(wftable.width("中文"), 4)
        lines = wftable.table(("TÊN", "SỐ"), [(decomposed, 1), ("Đại Sơn", 22),
                                              ("中文", 333)], right=(1,))
        self.assertEqual({wftable.width(line) for line in lines}, {17})
        self.assertEqual(lines[1], "Nộp kế hoạch    1")  # NFC, padded
        # From the server: every row's second column starts where its header does.
        plan = self.start_plan("2099-12-31")
        out = self.wfctl("list", "--workflow", "nop_ke_hoach", actor="admin").stdout
        header, *rows = out.splitlines()
        column = wftable.width(header[:header.index("QUY TRÌNH")])
        for row in rows:
            self.assertEqual(wftable.width(row[:row.index("nop_ke_hoach v1")]), column, row)
        shown = self.wfctl("get", plan["id"], actor="admin").stdout
        self.assertRegex(shown, r"(?m)^trạng thái +du_thao \(Đơn vị đang dự thảo")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
