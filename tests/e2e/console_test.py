"""The web console's HTTP side (engine/console, docs/console.md) against a
real wf_server: signing in with a password or an access code, the session
cookie (the engine's session token, which any console takes), the
guard against cross-site requests, the calls it forwards and the refusals
it returns as JSON with the engine's Vietnamese message.

The pages themselves are tested in a browser by tests/node/console.test.mjs.
Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3.
"""
import hashlib
import http.client
import json
import os
import unicodedata
import urllib.parse
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402


def extra(parser):
    parser.add_argument("--console", required=True, help="path to wf_console")
    parser.add_argument("--static_dir", required=True, help="console/")


ARGS, REST = harness.parse_args(extra)

from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

OFFICER, CHAIRMAN = "can-bo.dai-son", "chu-tich.dai-son"
UNIT, UNIT_NAME = "07627", "Xã Đại Sơn"


class Console:
    """One wf_console process in front of `server_address`."""

    def __init__(self, server_address, folder):
        self.port_file = os.path.join(folder, "console.port")
        self.log_path = os.path.join(folder, "console.log")
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [ARGS.console, "--listen=127.0.0.1:0", f"--port_file={self.port_file}",
             f"--server={server_address}", f"--static_dir={ARGS.static_dir}",
             "--max_file_mb=2"],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        for _ in range(300):
            if self.bound_port():
                break
            time.sleep(0.05)
        self.port = self.bound_port()
        assert self.port, "wf_console did not start"

    def bound_port(self):
        if not os.path.exists(self.port_file):
            return None
        with open(self.port_file) as f:
            text = f.read().strip()
        return int(text) if text else None

    def request(self, method, path, body=None, cookie=None, console=True,
                raw=None, headers=None, source=None):
        """(status, headers, body bytes) of one request; `source`: the
        browser's address (a loopback one, such as 127.0.0.2)."""
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30,
            source_address=(source, 0) if source else None)
        headers = dict(headers or {})
        if cookie:
            headers["Cookie"] = cookie
        if console:
            headers["X-WF-Console"] = "1"
        data = raw if raw is not None else (
            None if body is None else json.dumps(body).encode())
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        result = response.status, dict(response.getheaders()), response.read()
        conn.close()
        return result

    def call(self, method, body, cookie, **kw):
        status, _, data = self.request("POST", f"/api/rpc/wf.v1.{method}",
                                       body, cookie, **kw)
        return status, json.loads(data)

    def sign_in(self, token):
        status, headers, data = self.request("POST", "/api/dang-nhap",
                                             {"ma_truy_cap": token})
        return status, headers.get("Set-Cookie", ""), json.loads(data)

    def upload(self, cookie, instance_id, slot, name, data, key="", console=True):
        query = urllib.parse.urlencode({"ho_so": instance_id, "ngan": slot, "ten": name})
        headers = {"Content-Type": "application/octet-stream"}
        if key:
            headers["X-WF-Idempotency-Key"] = key
        status, _, body = self.request("POST", f"/api/tep?{query}", raw=data,
                                       cookie=cookie, console=console,
                                       headers=headers)
        return status, json.loads(body)

    def download(self, cookie, instance_id, slot, version=None):
        params = {"ho_so": instance_id, "ngan": slot}
        if version is not None:
            params["phien_ban"] = version
        return self.request("GET", "/api/tep?" + urllib.parse.urlencode(params),
                            cookie=cookie, console=False)

    def stop(self):
        self.proc.terminate()
        code = self.proc.wait(timeout=30)
        self.log_file.close()
        return code


def session_cookie(set_cookie):
    return set_cookie.split(";")[0]


class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        data_dir = harness.temp_data_dir("console")
        cls.server = harness.ServerProcess(ARGS.server, data_dir)
        cls.server.start()
        admin_token = cls.server.admin_token()
        harness.setup_org(cls.server.address, admin_token, ARGS.testdata)
        cls.admin_channel = harness.authed_channel(cls.server.address, admin_token)
        admin = rpc.AdminServiceStub(cls.admin_channel)
        cls.tokens, cls.token_ids = {}, {}
        for person in (OFFICER, CHAIRMAN):
            issued = admin.IssueToken(pb.IssueTokenRequest(person=person, note="console"))
            cls.tokens[person] = issued.token
            cls.token_ids[person] = issued.info.token_id
        for name in ("nop_ke_hoach.lua", "ke_hoach_bcd.lua"):
            with open(os.path.join(ARGS.testdata, name), encoding="utf-8") as f:
                rpc.WorkflowServiceStub(cls.admin_channel).DeployWorkflow(
                    pb.DeployWorkflowRequest(source=f.read(), file_name=name))
        cls.console = Console(cls.server.address, data_dir + ".logs")

    @classmethod
    def tearDownClass(cls):
        code = cls.console.stop()
        cls.admin_channel.close()
        assert cls.server.stop() == 0, cls.server.log()
        assert code == 0, open(cls.console.log_path).read()

    def signed_in(self, person):
        status, set_cookie, who = self.console.sign_in(self.tokens[person])
        self.assertEqual(status, 200, who)
        self.assertEqual(who["person"], person)
        return session_cookie(set_cookie)

    def start_plan(self, cookie, key):
        status, started = self.console.call("WorkflowService/StartInstance", {
            "workflow": "nop_ke_hoach", "unit": UNIT, "business_key": key,
            "variables": {"don_vi": "UBND xã Đại Sơn", "han_nop": "2027-03-10",
                          "nam": 2027}}, cookie)
        self.assertEqual(status, 200, started)
        return started["instance"]

    def test_pages_are_served_with_their_guards(self):
        status, headers, body = self.console.request("GET", "/", console=False)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(headers["X-Frame-Options"], "DENY")
        self.assertIn("<html", body.decode())
        with open(os.path.join(ARGS.static_dir, "index.html"), "rb") as f:
            self.assertEqual(body, f.read())
        for path in ("/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/.hidden",
                     "/khong-co.js", "/README.md", "/index.html/"):
            with self.subTest(path=path):
                status, _, _ = self.console.request("GET", path, console=False)
                self.assertEqual(status, 404)

    def test_signing_in_keeps_the_code_out_of_the_browser(self):
        status, set_cookie, who = self.console.sign_in(self.tokens[CHAIRMAN])
        self.assertEqual(status, 200, who)
        self.assertEqual(who["person"], CHAIRMAN)
        self.assertIn("roles", who)
        self.assertIn("HttpOnly", set_cookie)
        self.assertIn("SameSite=Strict", set_cookie)
        self.assertNotIn(self.tokens[CHAIRMAN], set_cookie)
        cookie = session_cookie(set_cookie)
        status, _, data = self.console.request("GET", "/api/toi", cookie=cookie,
                                               console=False)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data)["person"], CHAIRMAN)

    def test_a_wrong_code_is_refused_in_vietnamese(self):
        status, set_cookie, error = self.console.sign_in("khong-phai-ma-that")
        self.assertEqual(status, 401)
        self.assertEqual(set_cookie, "")
        self.assertEqual(error["ma"], "UNAUTHENTICATED")
        self.assertIn("đăng nhập lại", error["thong_bao"])
        for body in (b"{}", b"not json", json.dumps({"ma_truy_cap": "a\nb"}).encode()):
            with self.subTest(body=body):
                status, _, data = self.console.request("POST", "/api/dang-nhap",
                                                       raw=body)
                self.assertEqual(status, 400)
                self.assertIn("mã truy cập", json.loads(data)["thong_bao"])

    def test_requests_from_elsewhere_are_refused(self):
        cookie = self.signed_in(OFFICER)
        # No header: what a form on another site would send.
        status, error = self.console.call("WorkflowService/GetInbox", {}, cookie,
                                          console=False)
        self.assertEqual(status, 403)
        self.assertEqual(error["ma"], "PERMISSION_DENIED")
        status, _, _ = self.console.request(
            "POST", "/api/dang-nhap", {"ma_truy_cap": self.tokens[OFFICER]},
            console=False)
        self.assertEqual(status, 403)
        # No session, or one made up.
        for bad in (None, "wf_phien=" + "0" * 64):
            with self.subTest(cookie=bad):
                status, error = self.console.call("WorkflowService/GetInbox", {}, bad)
                self.assertEqual(status, 401)
                self.assertEqual(error["ma"], "UNAUTHENTICATED")
        # Methods an official's screens do not use are not offered.
        for method in ("AdminService/IssueToken", "WorkflowService/DeployWorkflow",
                       "WorkflowService/CancelInstance", "Nothing/Here"):
            with self.subTest(method=method):
                status, error = self.console.call(method, {}, cookie)
                self.assertEqual(status, 404)

    def test_a_plan_goes_from_the_officer_to_the_chairman(self):
        officer = self.signed_in(OFFICER)
        chairman = self.signed_in(CHAIRMAN)
        plan = self.start_plan(officer, "KH-CONSOLE-1")
        self.assertEqual(plan["unit_name"], UNIT_NAME)  # byte for byte
        self.assertIsInstance(plan["version"], str)     # uint64 as text
        # The guard refuses in Vietnamese; the state is unchanged.
        status, error = self.console.call("WorkflowService/FireEvent", {
            "instance_id": plan["id"], "event": "trinh_duyet"}, officer)
        self.assertEqual(status, 409, error)
        self.assertEqual(error["ma"], "FAILED_PRECONDITION")
        self.assertEqual(error["ly_do"], "GUARD_REFUSED")
        self.assertIn("Chưa có trích yếu kế hoạch", error["thong_bao"])
        status, fired = self.console.call("WorkflowService/FireEvent", {
            "instance_id": plan["id"], "event": "trinh_duyet",
            "payload": {"trich_yeu": "Kế hoạch phòng, chống tội phạm năm 2027"},
            "expected_version": plan["version"]}, officer)
        self.assertEqual(status, 200, fired)
        self.assertEqual(fired["instance"]["state"], "cho_duyet")
        # Reading it names the steps each may take now.
        status, read = self.console.call("WorkflowService/GetInstance",
                                         {"instance_id": plan["id"], "with_events": True}, chairman)
        self.assertEqual(status, 200, read)
        self.assertEqual(sorted((e["event"], e["role"]) for e in read["events"]),
                         [("phe_duyet_va_gui", "chu_tich"), ("yeu_cau_sua", "chu_tich")])
        status, read = self.console.call("WorkflowService/GetInstance",
                                         {"instance_id": plan["id"], "with_events": True},
                                         officer)
        self.assertEqual((status, read["events"]), (200, []))
        # Not asked: none named, as in a list.
        status, read = self.console.call("WorkflowService/GetInstance",
                                         {"instance_id": plan["id"]}, chairman)
        self.assertEqual((status, read["events"]), (200, []))
        # In the chairman's inbox, with the events he may take.
        status, inbox = self.console.call("WorkflowService/GetInbox",
                                          {"page_size": 50}, chairman)
        self.assertEqual(status, 200, inbox)
        items = [i for i in inbox["items"] if i["instance"]["id"] == plan["id"]]
        self.assertEqual(len(items), 1)
        self.assertIn("phe_duyet_va_gui", [e["event"] for e in items[0]["events"]])
        self.assertEqual(items[0]["instance"]["state_title"],
                         "Chờ lãnh đạo đơn vị phê duyệt")
        # A step's required field missing: the field named in Vietnamese,
        # by the title the workflow gives it.
        status, error = self.console.call("WorkflowService/FireEvent", {
            "instance_id": plan["id"], "event": "yeu_cau_sua"}, chairman)
        self.assertEqual(status, 400, error)
        self.assertEqual(error["ly_do"], "FIELD_REQUIRED")
        self.assertEqual(error["thong_bao"],
                         "Chưa nhập «Lý do»: bước này bắt buộc phải có.")
        # A value of another kind than the field's: refused, 400, named.
        status, error = self.console.call("WorkflowService/FireEvent", {
            "instance_id": plan["id"], "event": "yeu_cau_sua",
            "payload": {"ly_do": ["Bổ sung"]}}, chairman)
        self.assertEqual(status, 400, error)
        self.assertEqual(error["ly_do"], "INVALID_FIELD")
        self.assertEqual(error["thong_bao"], "«Lý do» phải là chữ (văn bản).")
        # A stale version is refused; the current one goes through.
        status, error = self.console.call("WorkflowService/FireEvent", {
            "instance_id": plan["id"], "event": "phe_duyet_va_gui",
            "expected_version": plan["version"]}, chairman)
        self.assertEqual(status, 409, error)
        status, fired = self.console.call("WorkflowService/FireEvent", {
            "instance_id": plan["id"], "event": "phe_duyet_va_gui",
            "expected_version": fired["instance"]["version"]}, chairman)
        self.assertEqual(status, 200, fired)
        self.assertEqual(fired["instance"]["state"], "da_gui")
        status, history = self.console.call("WorkflowService/GetHistory",
                                            {"instance_id": plan["id"]}, chairman)
        self.assertEqual(status, 200)
        self.assertEqual([e["event"] for e in history["events"]],
                         ["start", "trinh_duyet", "phe_duyet_va_gui"])
        self.assertRegex(history["events"][0]["at"], r"^\d{4}-\d\d-\d\dT.*Z$")

    def test_malformed_and_oversized_requests(self):
        cookie = self.signed_in(OFFICER)
        status, _, data = self.console.request(
            "POST", "/api/rpc/wf.v1.WorkflowService/GetInbox", raw=b"{nope",
            cookie=cookie)
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(data)["ma"], "INVALID_ARGUMENT")
        status, error = self.console.call("WorkflowService/GetInbox",
                                          {"khong_co_truong": 1}, cookie)
        self.assertEqual(status, 400, error)
        status, _, data = self.console.request(
            "POST", "/api/rpc/wf.v1.WorkflowService/GetInbox",
            raw=b'{"page_token": "' + b"a" * (1 << 20) + b'"}', cookie=cookie)
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(data)["ma"], "RESOURCE_EXHAUSTED")

    def test_files_are_attached_and_downloaded(self):
        officer = self.signed_in(OFFICER)
        plan = self.start_plan(officer, "KH-CONSOLE-TEP")
        pdf = b"%PDF-1.4\n% T\xe1\xbb\x9d tr\xc3\xacnh\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
        # Decomposed on purpose: stored, and given back, in NFC.
        name = unicodedata.normalize("NFD", "Tờ trình số 01.pdf")
        status, added = self.console.upload(officer, plan["id"], "to_trinh", name, pdf,
                                            key="tep-1")
        self.assertEqual(status, 200, added)
        self.assertEqual(added["file"]["version"], 1)
        self.assertEqual(added["file"]["name"], "Tờ trình số 01.pdf")
        self.assertEqual(added["file"]["sha256"], hashlib.sha256(pdf).hexdigest())
        self.assertEqual(added["file"]["media_type"], "application/pdf")
        # The same key again: answered from the first upload.
        status, again = self.console.upload(officer, plan["id"], "to_trinh", name, pdf,
                                            key="tep-1")
        self.assertEqual(status, 200, again)
        self.assertTrue(again["replayed"])
        status, second = self.console.upload(officer, plan["id"], "to_trinh",
                                             "Tờ trình số 02.pdf", pdf + b"%v2\n")
        self.assertEqual((status, second["file"]["version"]), (200, 2))

        status, headers, body = self.console.download(officer, plan["id"], "to_trinh", 1)
        self.assertEqual(status, 200)
        self.assertEqual(body, pdf)
        self.assertEqual(headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", headers["Content-Disposition"])
        self.assertIn("filename*=utf-8''" + urllib.parse.quote("Tờ trình số 01.pdf").lower(),
                      headers["Content-Disposition"].lower())
        self.assertEqual(headers["Content-Security-Policy"], "sandbox; default-src 'none'")
        status, _, body = self.console.download(officer, plan["id"], "to_trinh")
        self.assertEqual((status, body), (200, pdf + b"%v2\n"))

        # Refusals: the engine's, and the console's own.
        status, error = self.console.upload(officer, plan["id"], "Tờ Trình", "a.pdf", pdf)
        self.assertEqual((status, error["ly_do"]), (400, "FILE_SLOT_INVALID"))
        status, error = self.console.upload(officer, plan["id"], "to_trinh", "a.exe",
                                            b"MZ\x90\x00" + b"\x00" * 100)
        self.assertEqual((status, error["ly_do"]), (400, "MEDIA_TYPE_REFUSED"))
        status, error = self.console.upload(officer, plan["id"], "", "a.pdf", pdf)
        self.assertEqual(status, 400)
        self.assertIn("thành phần hồ sơ", error["thong_bao"])
        status, error = self.console.upload(officer, plan["id"], "to_trinh", "a.pdf", pdf,
                                            console=False)
        self.assertEqual(status, 403)
        status, error = self.console.upload(None, plan["id"], "to_trinh", "a.pdf", pdf)
        self.assertEqual(status, 401)
        status, error = self.console.upload(officer, plan["id"], "to_trinh", "lon.pdf",
                                            b"%PDF-1.4\n" + b"0" * (3 << 20))
        self.assertEqual((status, error["ma"]), (413, "RESOURCE_EXHAUSTED"))
        status, _, body = self.console.download(officer, plan["id"], "khong_co")
        self.assertEqual((status, json.loads(body)["ma"]), (404, "NOT_FOUND"))
        status, _, _ = self.console.download(None, plan["id"], "to_trinh")
        self.assertEqual(status, 401)
        status, _, _ = self.console.download(officer, plan["id"], "to_trinh", "mot")
        self.assertEqual(status, 400)
        status, _, body = self.console.download(officer, plan["id"], "")
        self.assertEqual(status, 400)
        self.assertIn("thành phần hồ sơ", json.loads(body)["thong_bao"])
        chairman = self.signed_in(CHAIRMAN)
        status, files = self.console.call("FileService/ListFiles",
                                          {"instance_id": plan["id"]}, chairman)
        self.assertEqual(status, 200, files)  # the unit's chairman may read it
        self.assertEqual([len(slot["versions"]) for slot in files["slots"]], [2])

    def test_a_document_is_shown_as_a_page_of_its_own(self):
        officer = self.signed_in(OFFICER)
        status, started = self.console.call("WorkflowService/StartInstance", {
            "workflow": "ke_hoach_bcd", "unit": UNIT, "business_key": "KH-BCĐ-CONSOLE",
            "variables": {"trich_yeu": "Về việc <b>phòng, chống</b> tội phạm"}}, officer)
        self.assertEqual(status, 200, started)
        path = "/api/van-ban?ho_so=" + started["instance"]["id"]
        status, headers, body = self.console.request("GET", path, cookie=officer,
                                                     console=False)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertEqual(headers["Content-Security-Policy"],
                         "sandbox; default-src 'none'; style-src 'unsafe-inline'")
        page = body.decode()
        self.assertIn("Về việc &lt;b&gt;phòng, chống&lt;/b&gt; tội phạm", page)
        self.assertIn("<style>", page)
        # Without a session, or for a document there is not.
        status, _, _ = self.console.request("GET", path, console=False)
        self.assertEqual(status, 401)
        status, _, body = self.console.request(
            "GET", "/api/van-ban?ho_so=wi-999999999999", cookie=officer, console=False)
        self.assertEqual(status, 404)
        self.assertTrue(json.loads(body)["thong_bao"])

    def test_a_password_sign_in_is_a_session_every_console_knows(self):
        admin = rpc.AdminServiceStub(self.admin_channel)
        password = "Mật khẩu Đại Sơn"
        admin.SetPassword(pb.SetPasswordRequest(person=OFFICER, password=password,
                                                must_change=True))
        status, headers, data = self.console.request(
            "POST", "/api/dang-nhap", {"ten_dang_nhap": OFFICER, "mat_khau": "sai rồi"})
        error = json.loads(data)
        self.assertEqual(status, 401, error)
        self.assertNotIn("Set-Cookie", headers)
        self.assertEqual(error["ly_do"], "SIGN_IN_FAILED")
        self.assertEqual(error["thong_bao"], "Tên đăng nhập hoặc mật khẩu không đúng.")
        # Typed decomposed: the same password.
        status, headers, data = self.console.request(
            "POST", "/api/dang-nhap",
            {"ten_dang_nhap": OFFICER,
             "mat_khau": unicodedata.normalize("NFD", password)})
        who = json.loads(data)
        self.assertEqual(status, 200, who)
        self.assertEqual(who["person"], OFFICER)
        self.assertTrue(who["doi_mat_khau"])
        self.assertIn("HttpOnly", headers["Set-Cookie"])
        cookie = session_cookie(headers["Set-Cookie"])
        self.assertTrue(cookie.startswith("wf_phien=wft_"), cookie)
        # The session is the engine's: administrators see it as a token.
        sessions = [t for t in admin.ListTokens(pb.ListTokensRequest()).tokens
                    if t.person == OFFICER and t.note == "sign-in (password)"]
        self.assertEqual(len(sessions), 1)
        # No page may open a session itself (its answer holds a token).
        for method in ("SignIn", "OpenSession", "SignOut"):
            status, error = self.console.call(f"SessionService/{method}",
                                              {"person": OFFICER, "password": password},
                                              cookie)
            self.assertEqual(status, 404, (method, error))
        # Until the password is their own, the engine refuses anything else.
        status, error = self.console.call("WorkflowService/GetInbox", {}, cookie)
        self.assertEqual(status, 409, error)
        self.assertEqual(error["ly_do"], "PASSWORD_CHANGE_REQUIRED")
        self.assertIn("hãy đổi mật khẩu", error["thong_bao"])
        status, _, data = self.console.request("GET", "/api/toi", cookie=cookie,
                                               console=False)
        self.assertEqual(status, 200, data)
        self.assertTrue(json.loads(data)["must_change_password"])
        # A page changes the password through the console.
        status, error = self.console.call("SessionService/ChangePassword", {
            "current_password": "sai rồi", "new_password": "mật khẩu mới hơn"}, cookie)
        self.assertEqual(status, 400, error)
        self.assertEqual(error["thong_bao"], "Mật khẩu hiện tại không đúng.")
        status, error = self.console.call("SessionService/ChangePassword", {
            "current_password": password, "new_password": "mật khẩu mới hơn"}, cookie)
        self.assertEqual(status, 200, error)
        status, error = self.console.call("WorkflowService/GetInbox", {}, cookie)
        self.assertEqual(status, 200, error)

        # Another console (a restarted one, or a second behind the same
        # proxy) takes the session: the engine says who it is.
        folder = harness.temp_data_dir("console_second")
        os.makedirs(folder, exist_ok=True)
        second = Console(self.server.address, folder)
        try:
            status, _, data = second.request("GET", "/api/toi", cookie=cookie,
                                             console=False)
            self.assertEqual(status, 200, data)
            self.assertEqual(json.loads(data)["person"], OFFICER)
            status, error = second.call("WorkflowService/GetInbox", {}, cookie)
            self.assertEqual(status, 200, error)
            # Signing out on one ends the session on every one.
            status, _, _ = second.request("POST", "/api/dang-xuat", cookie=cookie)
            self.assertEqual(status, 204)
        finally:
            self.assertEqual(second.stop(), 0, open(second.log_path).read())
        status, _, _ = self.console.request("GET", "/api/toi", cookie=cookie,
                                            console=False)
        self.assertEqual(status, 401)
        # A made-up session token is no session.
        status, _, _ = self.console.request("GET", "/api/toi", console=False,
                                            cookie="wf_phien=wft_khongphaiphien")
        self.assertEqual(status, 401)

    def test_wrong_passwords_lock_the_browser_not_the_official(self):
        """Someone at another machine typing wrong passwords for the officer
        locks their own browser's address (which the console forwards), not
        the officer's sign-in from their office."""
        admin = rpc.AdminServiceStub(self.admin_channel)
        password = "Mật khẩu Đại Sơn"
        admin.SetPassword(pb.SetPasswordRequest(person=OFFICER, password=password))

        def sign_in(secret, source):
            status, _, data = self.console.request(
                "POST", "/api/dang-nhap", {"ten_dang_nhap": OFFICER, "mat_khau": secret},
                source=source)
            return status, json.loads(data)

        for _ in range(5):
            status, error = sign_in("sai rồi", "127.0.0.2")
            self.assertEqual(status, 401, error)
        status, error = sign_in(password, "127.0.0.2")
        self.assertEqual(error["ly_do"], "SIGN_IN_LOCKED", error)
        self.assertIn("trên máy này", error["thong_bao"])
        status, who = sign_in(password, "127.0.0.1")
        self.assertEqual(status, 200, who)
        self.assertEqual(who["person"], OFFICER)

    def test_signing_out_and_a_revoked_code_end_the_session(self):
        cookie = self.signed_in(CHAIRMAN)
        status, headers, _ = self.console.request("POST", "/api/dang-xuat",
                                                  cookie=cookie)
        self.assertEqual(status, 204)
        self.assertIn("Max-Age=0", headers["Set-Cookie"])
        status, _, _ = self.console.request("GET", "/api/toi", cookie=cookie,
                                            console=False)
        self.assertEqual(status, 401)

        # A second officer code, revoked while signed in.
        admin = rpc.AdminServiceStub(self.admin_channel)
        issued = admin.IssueToken(pb.IssueTokenRequest(person=OFFICER, note="thu hồi"))
        status, set_cookie, _ = self.console.sign_in(issued.token)
        self.assertEqual(status, 200)
        cookie = session_cookie(set_cookie)
        admin.RevokeToken(pb.RevokeTokenRequest(token_id=issued.info.token_id))
        status, error = self.console.call("WorkflowService/GetInbox", {}, cookie)
        self.assertEqual(status, 401, error)
        status, _, _ = self.console.request("GET", "/api/toi", cookie=cookie,
                                            console=False)
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
