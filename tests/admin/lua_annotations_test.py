"""The editor definitions of the Lua API (workflows/types/wf.lua, for
lua-language-server) cannot silently fall behind the engine: every value the
engine's sandbox puts in `wf` — listed by a probe workflow that the engine
itself loads (wf_check --describe) — is declared there, every `ctx.` field
docs/lua.md describes is a field of wf.Ctx, the file compiles as Lua, and
.luarc.json points at it."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

PARSER = argparse.ArgumentParser()
PARSER.add_argument("--wf-check", required=True)
PARSER.add_argument("--root", required=True)
ARGS, REST = PARSER.parse_known_args()
TYPES = os.path.join(ARGS.root, "workflows", "types", "wf.lua")

# Lists `wf` by pairs() in the sandbox, into the title the engine reports;
# the definitions file follows inside a function that never runs, so that
# loading the probe compiles it.
PROBE = """
local names = {}
for k, v in pairs(wf) do names[#names + 1] = k .. ":" .. type(v) end
workflow "probe" { title = table.concat(names, ","), initial = "a", who = "system" }
state "a" {}
state "b" { final = true }
transition "di" { from = "a", to = "b" }
local function definitions()
%s
end
"""


def describe_probe(definitions):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "probe.lua")
        with open(path, "w", encoding="utf-8") as f:
            f.write(PROBE % definitions)
        return subprocess.run([ARGS.wf_check, "--describe", path],
                              capture_output=True, text=True, encoding="utf-8")


class Annotations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(TYPES, encoding="utf-8") as f:
            cls.text = f.read()
        done = describe_probe(cls.text)
        assert done.returncode == 0, done.stderr
        title = json.loads(done.stdout)["title"]
        cls.wf = dict(item.split(":") for item in title.split(","))

    def test_the_probe_sees_the_engine_library(self):
        # A probe that lists nothing would make the next test pass vacuously.
        self.assertGreaterEqual(len(self.wf), 12)
        self.assertEqual(self.wf.get("add_workdays"), "function")
        self.assertIn("null", self.wf)

    def test_every_wf_function_is_declared(self):
        missing = [name for name, kind in self.wf.items() if kind == "function"
                   and not re.search(rf"^function wf\.{name}\(", self.text, re.M)]
        self.assertEqual(missing, [], "functions of wf missing from " + TYPES)
        values = [name for name, kind in self.wf.items() if kind != "function"
                  and not re.search(rf"^wf\.{name} = ", self.text, re.M)]
        self.assertEqual(values, [], "values of wf missing from " + TYPES)

    def test_nothing_is_declared_that_the_engine_lacks(self):
        declared = re.findall(r"^function wf\.(\w+)\(", self.text, re.M)
        self.assertEqual(sorted(set(declared) - set(self.wf)), [])

    def test_every_documented_ctx_field_is_declared(self):
        with open(os.path.join(ARGS.root, "docs", "lua.md"), encoding="utf-8") as f:
            doc = f.read()
        section = doc.split("## `ctx`", 1)[1].split("\n## ", 1)[0]
        documented = set(re.findall(r"`ctx\.(\w+)", section))
        self.assertIn("plugin", documented)
        ctx = self.text.split("---@class (exact) wf.Ctx", 1)[1].split("\n\n", 1)[0]
        fields = set(re.findall(r"^---@field (\w+)\??", ctx, re.M))
        self.assertEqual(sorted(documented - fields), [])

    def test_a_broken_definitions_file_would_be_caught(self):
        done = describe_probe(self.text + "\nfunction wf.x(\n")
        self.assertNotEqual(done.returncode, 0)

    def test_luarc_points_at_the_definitions(self):
        with open(os.path.join(ARGS.root, ".luarc.json"), encoding="utf-8") as f:
            luarc = json.load(f)
        libraries = luarc["workspace.library"]
        self.assertIn("workflows/types", libraries)
        for library in libraries:
            self.assertTrue(os.path.isdir(os.path.join(ARGS.root, library)), library)
        self.assertTrue(self.text.startswith("---@meta"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
