"""`wfctl check` and `wfctl plugin check` offline (wf_check: the engine on a
throw-away data folder with the bundled workflows and plugins) against the
same checks asked of the real server (`wfctl --server`), started as `make
run` starts it: every shipped workflow and plugin passes, and a broken file
gets the server's message word for word."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402


def extra(parser):
    parser.add_argument("--wfctl", required=True)
    parser.add_argument("--wf-check", required=True)
    parser.add_argument("--root", required=True, help="the repository")


ARGS, REST = harness.parse_args(extra)
WORKFLOWS = os.path.join(ARGS.root, "workflows")
PLUGINS = os.path.join(ARGS.root, "plugins")
VN = os.path.join(PLUGINS, "vn")


def refusal(stderr):
    """The code and message of a refusal as wfctl prints it, server's
    ("wfctl: CODE: message") or offline ("path: CODE: message"): the lines
    from the code to the reason."""
    match = re.search(r"(INVALID_ARGUMENT|FAILED_PRECONDITION|RESOURCE_EXHAUSTED): "
                      r"(.*?)(?=\n  reason: |\Z)", stderr, re.S)
    return match.group(0).rstrip("\n") if match else None


class OfflineCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="wf_offline_check_")
        cls.server = harness.ServerProcess(
            ARGS.server, os.path.join(cls.root, "data"), workflows_dir=WORKFLOWS,
            extra_flags=[f"--plugins_dir={PLUGINS}",
                         f"--calendar_file={os.path.join(VN, 'calendar.json')}",
                         f"--document_types_file={os.path.join(VN, 'document_types.json')}"])
        cls.server.start()
        cls.token = cls.server.admin_token()
        # wf_check's data folders go here: each must be gone when it exits.
        cls.tmp = os.path.join(cls.root, "tmp")
        os.makedirs(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0, cls.server.log()
        shutil.rmtree(cls.root, ignore_errors=True)

    def tearDown(self):
        self.assertEqual(os.listdir(self.tmp), [], "wf_check left its data folder")

    def offline(self, *args):
        env = dict(os.environ, WF_CHECK=ARGS.wf_check, TMPDIR=self.tmp)
        return subprocess.run([sys.executable, ARGS.wfctl, *args], env=env,
                              capture_output=True, text=True, encoding="utf-8")

    def on_server(self, *args):
        return subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.token, *args],
            capture_output=True, text=True, encoding="utf-8")

    def write(self, name, text):
        folder = tempfile.mkdtemp(dir=self.root)
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assert_same_refusal(self, *args):
        offline, server = self.offline(*args), self.on_server(*args)
        self.assertEqual(server.returncode, 1, server.stderr)
        self.assertEqual(offline.returncode, 1, offline.stderr)
        expected = refusal(server.stderr)
        self.assertIsNotNone(expected, server.stderr)
        self.assertEqual(refusal(offline.stderr), expected)
        return offline.stderr

    def test_every_shipped_workflow_passes(self):
        files = sorted(os.path.join(WORKFLOWS, f) for f in os.listdir(WORKFLOWS)
                       if f.endswith(".lua"))
        self.assertGreaterEqual(len(files), 4)
        out = self.offline("check", *files)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr, "")
        for path in files:
            name = os.path.basename(path)[:-len(".lua")]
            self.assertIn(f"{path}: OK, {name} (", out.stdout)

    def test_every_shipped_plugin_passes(self):
        folders = sorted(os.path.join(PLUGINS, f) for f in os.listdir(PLUGINS)
                         if f != "vn" and os.path.isdir(os.path.join(PLUGINS, f)))
        self.assertGreaterEqual(len(folders), 4)
        for folder in folders:
            out = self.offline("plugin", "check", folder)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn(f"OK, {os.path.basename(folder)} (plugin.lua", out.stdout)

    def test_a_syntax_error_is_refused_as_the_server_refuses_it(self):
        path = self.write("hong.lua", 'workflow "hong" { initial = "a" \nstate "a" {}\n')
        message = self.assert_same_refusal("check", path)
        self.assertIn("hong.lua:2:", message)

    def test_an_unknown_state_is_refused_as_the_server_refuses_it(self):
        path = self.write("hong.lua", 'workflow "hong" { initial = "a" }\n'
                                      'state "a" {}\n'
                                      'transition "di" { from = "a", to = "khong_co" }\n')
        message = self.assert_same_refusal("check", path)
        self.assertIn("hong.lua:3:", message)
        self.assertIn("khong_co", message)

    def test_a_province_name_in_a_plugin_workflow_is_refused_as_the_server_does(self):
        with open(os.path.join(WORKFLOWS, "nop_ke_hoach.lua"), encoding="utf-8") as f:
            source = f.read()
        path = self.write("nop_ke_hoach.lua", source + '\n-- Riêng tỉnh Thanh Hóa\n')
        message = self.assert_same_refusal("check", path, "--lib",
                                           os.path.join(WORKFLOWS, "lib"))
        self.assertIn("'Thanh Hóa' là tên tỉnh", message)
        self.assertIn("WORKFLOW_HAS_PROVINCE_DATA", self.offline(
            "check", path, "--lib", os.path.join(WORKFLOWS, "lib")).stderr)

    def test_a_plugin_without_its_title_is_refused_as_the_server_does(self):
        folder = os.path.join(tempfile.mkdtemp(dir=self.root), "bac_ninh")
        shutil.copytree(os.path.join(PLUGINS, "bac_ninh"), folder,
                        ignore=shutil.ignore_patterns("scenarios"))
        manifest = os.path.join(folder, "plugin.lua")
        with open(manifest, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('  title = "Tỉnh Bắc Ninh",\n', text)
        with open(manifest, "w", encoding="utf-8") as f:
            f.write(text.replace('  title = "Tỉnh Bắc Ninh",\n', ""))
        message = self.assert_same_refusal("plugin", "check", folder)
        self.assertIn("thiếu trường 'title'", message)

    def test_usage_and_unreadable_files_exit_2(self):
        missing = os.path.join(self.root, "khong_co.lua")
        self.assertEqual(self.offline("check", missing).returncode, 2)
        self.assertEqual(self.offline("plugin", "check", self.root).returncode, 2)
        self.assertEqual(self.offline("plugin", "check").returncode, 2)
        lib = self.offline("check", os.path.join(WORKFLOWS, "nop_ke_hoach.lua"),
                           "--lib", missing)
        self.assertEqual(lib.returncode, 2)
        self.assertIn("is not a folder", lib.stderr)
        done = subprocess.run([ARGS.wf_check, "--khong_co", "x.lua"],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("usage:", done.stderr)
        env = dict(os.environ, WF_CHECK=os.path.join(self.root, "khong_co"))
        done = subprocess.run([sys.executable, ARGS.wfctl, "check", missing],
                              env=env, capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--server", done.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
