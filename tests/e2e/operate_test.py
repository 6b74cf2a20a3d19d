"""Operating the server with wfctl (issue 14): `verify --all` on the real
server, before and after an instance's history is changed behind its back
(tests/tools/corrupt_event, on the stopped server's folder), and `restore` of
a backup taken while a thread fires events, checked against the source."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402


def extra(parser):
    parser.add_argument("--wfctl", required=True)
    parser.add_argument("--corrupt", required=True, help="tests/tools/corrupt_event")
    parser.add_argument("--inspect", required=True, help="wf_inspect")


ARGS, REST = harness.parse_args(extra)


class Operate(unittest.TestCase):
    def setUp(self):
        self.server = harness.ServerProcess(ARGS.server, harness.temp_data_dir("operate"),
                                            workflows_dir=ARGS.testdata)
        self.server.start()
        self.admin = self.server.admin_token()
        harness.setup_org(self.server.address, self.admin, ARGS.testdata)
        self.person = harness.issue_tokens(self.server.address, self.admin,
                                           ["can-bo.dai-son"])["can-bo.dai-son"]

    def tearDown(self):
        self.assertEqual(self.server.stop(), 0, self.server.log())

    def wfctl(self, *args, token=None, server=None):
        return subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", server or self.server.address,
             "--stubs", ARGS.stubs, "--token", token or self.admin, *args],
            capture_output=True, text=True, encoding="utf-8", timeout=120)

    def on_terminal(self, *args):
        """wfctl's stderr when it is a terminal (a pseudo-terminal here)."""
        import pty
        master, slave = pty.openpty()
        done = subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.admin, *args],
            stdout=subprocess.DEVNULL, stderr=slave, timeout=120)
        os.close(slave)
        self.assertEqual(done.returncode, 0)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: nothing more
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        return b"".join(chunks).decode("utf-8")

    def stubs(self, address=None):
        """The person's WorkflowService (documents of Đại Sơn: 07627), the
        administrator's AdminService."""
        from wf.v1 import workflow_pb2_grpc as rpc
        address = address or self.server.address
        return (rpc.WorkflowServiceStub(harness.authed_channel(address, self.person)),
                rpc.AdminServiceStub(harness.authed_channel(address, self.admin)))

    def start(self, stub, workflow):
        from wf.v1 import workflow_pb2 as pb
        return stub.StartInstance(pb.StartInstanceRequest(
            workflow=workflow, unit="07627")).instance.id

    def fire(self, stub, instance_id, event, payload=None):
        from wf.v1 import workflow_pb2 as pb
        return stub.FireEvent(pb.FireEventRequest(
            instance_id=instance_id, event=event, payload=harness.struct(payload or {})))

    def counters(self, stub, n):
        """n counters (dem), the i-th fired i times."""
        ids = []
        for i in range(n):
            ids.append(self.start(stub, "dem"))
            for _ in range(i):
                self.fire(stub, ids[-1], "tang")
        return ids

    def test_an_administrator_sets_a_password_for_the_console(self):
        from wf.v1 import workflow_pb2 as pb
        from wf.v1 import workflow_pb2_grpc as rpc
        import grpc
        sessions = rpc.SessionServiceStub(grpc.insecure_channel(self.server.address))
        set_it = subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.admin,
             "password", "can-bo.dai-son", "--stdin"],
            input="Đại Sơn 2026\n", capture_output=True, text=True,
            encoding="utf-8", timeout=120)
        self.assertEqual(set_it.returncode, 0, set_it.stderr)
        self.assertIn("phải đổi", set_it.stdout)
        signed = sessions.SignIn(pb.SignInRequest(person="can-bo.dai-son",
                                                  password="Đại Sơn 2026"))
        self.assertTrue(signed.must_change_password)
        self.assertTrue(signed.token.startswith("wft_"))
        # A person may not set one (the engine's refusal, on one line).
        refused = subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.person,
             "password", "can-bo.dai-son", "--stdin", "--keep"],
            input="mật khẩu khác hẳn\n", capture_output=True, text=True,
            encoding="utf-8", timeout=120)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("PERMISSION_DENIED", refused.stderr)
        # Too short: refused, naming the rule.
        short = subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.admin,
             "password", "can-bo.dai-son", "--stdin"],
            input="ngắn\n", capture_output=True, text=True, encoding="utf-8",
            timeout=120)
        self.assertEqual(short.returncode, 1)
        self.assertIn("at least 8 characters", short.stderr)

    def test_wrong_passwords_lock_the_address_they_come_from(self):
        """Five wrong passwords from one browser (the console forwards its
        address from this machine) lock that address only: the official
        signs in from their own."""
        from wf.v1 import workflow_pb2 as pb
        from wf.v1 import workflow_pb2_grpc as rpc
        import grpc
        admin = rpc.AdminServiceStub(harness.authed_channel(self.server.address, self.admin))
        admin.SetPassword(pb.SetPasswordRequest(person="can-bo.dai-son",
                                                password="Đại Sơn 2026"))
        sessions = rpc.SessionServiceStub(grpc.insecure_channel(self.server.address))

        def sign_in(password, address):
            return sessions.SignIn(pb.SignInRequest(person="can-bo.dai-son",
                                                    password=password),
                                   metadata=[("x-forwarded-for", address)])

        for _ in range(5):
            with self.assertRaises(grpc.RpcError) as wrong:
                sign_in("sai mật khẩu", "203.0.113.5")
            self.assertEqual(wrong.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        with self.assertRaises(grpc.RpcError) as locked:
            sign_in("Đại Sơn 2026", "203.0.113.5")
        self.assertEqual(locked.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("from here", locked.exception.details())
        self.assertTrue(sign_in("Đại Sơn 2026", "198.51.100.7").token.startswith("wft_"))

    def test_verify_all_names_the_instance_changed_behind_the_servers_back(self):
        workflows, _ = self.stubs()
        ids = self.counters(workflows, 6)
        good = self.wfctl("verify", "--all")
        self.assertEqual(good.returncode, 0, good.stderr)
        self.assertIn("Đã kiểm tra 6 hồ sơ", good.stdout)
        self.assertIn("6 đúng, 0 sai", good.stdout)
        self.assertNotIn("█", good.stderr)  # not a terminal: no bar
        # On a terminal: the bar, redrawn in place, then cleared for the summary.
        on_tty = self.on_terminal("verify", "--all")
        self.assertRegex(on_tty, r"\r\[█+\] 6/6 +[\d,]+/s +còn 0:00 +lỗi 0")
        self.assertIn("\r\x1b[K", on_tty)
        shape = json.loads(self.wfctl("verify", "--all", "--json").stdout)
        self.assertEqual(set(shape), {"total", "verified", "failed", "failures", "seconds"})
        self.assertEqual((shape["total"], shape["verified"], shape["failed"]), (6, 6, 0))
        refused = self.wfctl("verify", "--all", token=self.person)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("PERMISSION_DENIED", refused.stderr)
        self.assertIn("reason: ADMIN_REQUIRED", refused.stderr)

        self.assertEqual(self.server.stop(), 0, self.server.log())
        changed = subprocess.run([ARGS.corrupt, self.server.data_dir, ids[4], "3"],
                                 capture_output=True, text=True)
        self.assertEqual(changed.returncode, 0, changed.stderr)
        self.server.start()

        bad = self.wfctl("verify", "--all")
        self.assertEqual(bad.returncode, 1, bad.stderr)
        self.assertIn("5 đúng, 1 sai", bad.stdout)
        row = [line for line in bad.stdout.splitlines() if line.startswith(ids[4])]
        self.assertEqual(len(row), 1, bad.stdout)
        self.assertRegex(row[0], rf"^{ids[4]} +dem v1 +3  event 3: its hash does not match")
        as_json = json.loads(self.wfctl("verify", "--all", "--json").stdout)
        self.assertEqual(as_json["failed"], 1)
        [failure] = as_json["failures"]
        self.assertEqual(failure["instance_id"], ids[4])
        self.assertEqual(failure["failed_event"], 3)
        self.assertIn("hash does not match", failure["problem"])
        one = json.loads(self.wfctl("verify", ids[4], "--json").stdout)
        self.assertEqual((one["ok"], one["failed_event"]), (False, 3))
        # The others still verify one by one.
        self.assertEqual(self.wfctl("verify", ids[3]).returncode, 0)

    def test_restore_of_a_backup_taken_under_load_matches_the_source(self):
        from wf.v1 import workflow_pb2 as pb
        workflows, admin = self.stubs()
        counters = self.counters(workflows, 4)
        registers = [self.start(workflows, "vao_so") for _ in range(3)]
        admin.IssueToken(pb.IssueTokenRequest(person="can-bo.dai-son", note="trước"))
        stop, fired = threading.Event(), []

        def load():  # events on every instance, numbers from one register
            n = 0
            while not stop.is_set():
                target = (counters + registers)[n % 7]
                event = "tang" if target in counters else "lay_so"
                self.fire(workflows, target, event)
                fired.append(target)
                n += 1

        def wait_for(count):
            while len(fired) < count:
                self.assertTrue(thread.is_alive(), "the load thread stopped")
                time.sleep(0.005)

        thread = threading.Thread(target=load)
        thread.start()
        try:
            wait_for(50)
            backup = os.path.join(os.path.dirname(self.server.data_dir), "sao_luu")
            taken = self.wfctl("backup", backup, "--json")
            self.assertEqual(taken.returncode, 0, taken.stderr)
            wait_for(len(fired) + 50)
        finally:
            stop.set()
            thread.join()
        late = self.start(workflows, "dem")  # after the backup
        admin.IssueToken(pb.IssueTokenRequest(person="can-bo.dai-son", note="sau"))

        target = os.path.join(os.path.dirname(self.server.data_dir), "khoi_phuc")
        restored = self.wfctl("restore", backup, target, "--json",
                              "--wf-inspect", ARGS.inspect)
        self.assertEqual(restored.returncode, 0, restored.stderr)
        held = json.loads(restored.stdout)
        self.assertEqual(held["verify"]["failed"], 0)
        self.assertEqual(held["verify"]["total"], 7)  # not the one started after
        self.assertEqual(held["tokens"]["total"], 3)  # admin, setUp's, "trước"
        self.assertIn({"name": "dem", "version": 1}, held["workflows"])
        by_state = {(i["workflow"], i["state"]): i["count"] for i in held["instances"]}
        self.assertEqual(by_state[("dem", "mo")], 4)
        self.assertEqual(by_state[("vao_so", "mo")], 3)
        [so_di] = [r for r in held["registers"] if r["register"] == "so-di/2026"]

        # People's table: the same facts.
        table = self.wfctl("restore", backup, target + "_2", "--wf-inspect", ARGS.inspect)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("Kiểm tra: 7 hồ sơ, 7 đúng, 0 sai", table.stdout)
        self.assertRegex(table.stdout, rf"so-di/2026 +0 +{so_di['last_number']}\n")
        # A folder that holds something is never written over.
        again = self.wfctl("restore", backup, target, "--wf-inspect", ARGS.inspect)
        self.assertEqual(again.returncode, 1)
        self.assertEqual(len(again.stderr.strip().splitlines()), 1, again.stderr)
        self.assertIn("đã có dữ liệu", again.stderr)
        self.assertEqual(again.stdout, "")

        copy = harness.ServerProcess(ARGS.server, target)
        copy.start()
        try:
            self.compare(workflows, self.stubs(copy.address)[0], counters + registers,
                         late, so_di["last_number"])
            tokens = json.loads(self.wfctl("token", "list", "--json",
                                           server=copy.address).stdout)
            self.assertEqual(sorted(t.get("note", "") for t in tokens), ["first administrator token", "test", "trước"])
        finally:
            self.assertEqual(copy.stop(), 0, copy.log())

    def compare(self, source, copy, ids, late, last_number):
        """Each restored instance is the source's at a version no later than
        the source's now: its history is a prefix of the source's, hash for
        hash, and it verifies; the register's numbers are those its
        instances took, each once."""
        import grpc
        from wf.v1 import workflow_pb2 as pb
        numbers = []
        for instance_id in ids:
            then = copy.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))
            now = source.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))
            self.assertLessEqual(then.version, now.version)
            old = copy.GetHistory(pb.GetHistoryRequest(instance_id=instance_id)).events
            new = source.GetHistory(pb.GetHistoryRequest(instance_id=instance_id)).events
            self.assertEqual(len(old), then.version)
            self.assertEqual([e.hash for e in old], [e.hash for e in new[:len(old)]])
            self.assertTrue(copy.VerifyInstance(
                pb.VerifyInstanceRequest(instance_id=instance_id)).ok)
            variables = harness.values(then.variables)
            if then.workflow == "dem":
                self.assertEqual(variables.get("n", 0), then.version - 1)
            else:
                numbers += variables.get("so", [])
        self.assertEqual(sorted(numbers), list(range(1, last_number + 1)))
        with self.assertRaises(grpc.RpcError) as missing:
            copy.GetInstance(pb.GetInstanceRequest(instance_id=late))
        self.assertEqual(missing.exception.code(), grpc.StatusCode.NOT_FOUND)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
