"""Province plugins against the real server (docs/plugins.md): deployed at
start from --plugins_dir, then through admin/wfctl (plugin check, deploy,
list, show) and through wf.v1.PluginService directly, where a person's
token is refused."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402


def extra(parser):
    parser.add_argument("--wfctl", required=True)


ARGS, REST = harness.parse_args(extra)


def copy_plugin(root, replace=None):
    """tests/testdata/plugins/son_moc copied under `root`, with the text
    replacements `replace` ({old: new}) made in its plugin.lua."""
    folder = os.path.join(root, "son_moc")
    shutil.copytree(os.path.join(ARGS.testdata, "plugins", "son_moc"), folder)
    if replace:
        path = os.path.join(folder, "plugin.lua")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for old, new in replace.items():
            assert old in text, old
            text = text.replace(old, new)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return folder


class Plugins(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="wf_plugins_")
        workflows = os.path.join(cls.root, "workflows")
        os.makedirs(workflows)
        for name in ("plugin_doc.lua", "plugin_con.lua"):
            shutil.copy(os.path.join(ARGS.testdata, name), workflows)
        plugins = os.path.join(cls.root, "plugins")
        os.makedirs(os.path.join(plugins, "vn"))  # no plugin.lua: skipped
        copy_plugin(plugins)
        cls.server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("plugins"),
            workflows_dir=workflows, extra_flags=[f"--plugins_dir={plugins}"])
        cls.server.start()
        cls.admin = cls.server.admin_token()

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0, cls.server.log()
        shutil.rmtree(cls.root, ignore_errors=True)

    def wfctl(self, *args):
        return subprocess.run(
            [sys.executable, ARGS.wfctl, "--server", self.server.address,
             "--stubs", ARGS.stubs, "--token", self.admin, *args],
            capture_output=True, text=True, encoding="utf-8")

    def folder(self, replace):
        return copy_plugin(tempfile.mkdtemp(dir=self.root), replace)

    def test_wfctl_check_deploy_list_show(self):
        out = self.wfctl("plugin", "list")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("son_moc", out.stdout)
        self.assertIn("Tỉnh Sơn Mộc", out.stdout)

        before = json.loads(self.wfctl("plugin", "show", "son_moc", "--json").stdout)
        after = before["version"] + 1
        changed = self.folder({"2026-03-16": "2026-04-15"})
        out = self.wfctl("plugin", "check", changed)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"would be version {after}", out.stdout)
        out = self.wfctl("plugin", "deploy", changed)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"son_moc deployed as version {after}", out.stdout)
        out = self.wfctl("plugin", "deploy", changed)
        self.assertIn(f"unchanged: version {after}", out.stdout)

        out = self.wfctl("plugin", "show", "son_moc", "--version", "1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("2026-03-16", out.stdout)
        self.assertIn("xa_phuong.csv, can_bo.csv", out.stdout)
        shown = json.loads(self.wfctl("plugin", "show", "son_moc", "--json").stdout)
        self.assertEqual(shown["version"], after)
        listed = json.loads(self.wfctl("plugin", "list", "--json").stdout)
        self.assertEqual([p["version"] for p in listed], [after])

    def test_wfctl_prints_every_problem_on_its_own_line(self):
        broken = self.folder({"2026-03-16": "2026-02-30",
                              "nguoi_gop_y =": "nguoi_ky ="})
        out = self.wfctl("plugin", "check", broken)
        self.assertEqual(out.returncode, 1)
        lines = out.stderr.splitlines()
        self.assertTrue(any(l.startswith("plugin.lua:15: han_nop_ke_hoach")
                            for l in lines), out.stderr)
        self.assertTrue(any(l.startswith("plugin.lua:20: hook 'nguoi_ky'")
                            for l in lines), out.stderr)
        self.assertIn("PLUGIN_INVALID", out.stderr)

    def test_grpc_deploy_list_and_a_person_refused(self):
        import grpc
        from wf.v1 import plugin_pb2, plugin_pb2_grpc
        folder = self.folder({"2026-03-16": "2026-05-04"})
        files = []
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                files.append(plugin_pb2.PluginFile(path=name, content=f.read()))
        request = plugin_pb2.DeployPluginRequest(name="son_moc", files=files)
        with harness.authed_channel(self.server.address, self.admin) as ch:
            stub = plugin_pb2_grpc.PluginServiceStub(ch)
            checked = stub.DeployPlugin(plugin_pb2.DeployPluginRequest(
                name="son_moc", files=files, validate_only=True))
            self.assertFalse(checked.created)
            deployed = stub.DeployPlugin(request)
            self.assertTrue(deployed.created)
            listed = stub.ListPlugins(plugin_pb2.ListPluginsRequest()).plugins
            self.assertEqual([(p.name, p.version) for p in listed],
                             [("son_moc", deployed.plugin.version)])
        person = self.wfctl("token", "issue", "can-bo.an-phu").stdout.strip()
        with harness.authed_channel(self.server.address, person) as ch:
            stub = plugin_pb2_grpc.PluginServiceStub(ch)
            for call, req in ((stub.ListPlugins, plugin_pb2.ListPluginsRequest()),
                              (stub.DeployPlugin, request)):
                with self.assertRaises(grpc.RpcError) as refused:
                    call(req)
                self.assertEqual(refused.exception.code(),
                                 grpc.StatusCode.PERMISSION_DENIED)


class ShippedFolders(unittest.TestCase):
    """What `make run` does, twice on the same data folder: the second start
    finds the plugins already stored when it checks the bundled workflows
    again, so a province name left in a shipped workflow or library (even
    in a comment) would stop it."""

    def test_the_server_starts_again_on_its_own_data(self):
        repo = os.path.abspath(os.path.join(ARGS.testdata, "..", ".."))
        server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("shipped"),
            workflows_dir=os.path.join(repo, "workflows"),
            extra_flags=[f"--plugins_dir={os.path.join(repo, 'plugins')}",
                         f"--calendar_file={os.path.join(repo, 'plugins/vn/calendar.json')}",
                         "--document_types_file="
                         f"{os.path.join(repo, 'plugins/vn/document_types.json')}",
                         "--metrics_listen="])
        for _ in range(2):
            server.start()  # raises with the log if the server exits
            self.assertEqual(server.stop(), 0, server.log())
        self.assertNotIn("refused", server.log())


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
