"""`wfctl graph` (admin/wfgraph.py over wf_check --describe): the DOT of
workflows/nop_ke_hoach.lua is pinned by a golden file, every shipped
workflow draws in every format (svg when Graphviz's dot is here), text that
would break DOT or Mermaid is escaped, and svg without dot fails with one
line.

After an intended change of the drawing or of the workflow, rewrite the
golden with WF_UPDATE_GOLDENS=1 and read the diff."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import unittest

PARSER = argparse.ArgumentParser()
PARSER.add_argument("--wfctl", required=True)
PARSER.add_argument("--wf-check", required=True)
PARSER.add_argument("--root", required=True)
ARGS, REST = PARSER.parse_known_args()
sys.path.insert(0, os.path.join(ARGS.root, "admin"))
import wfgraph  # noqa: E402

WORKFLOWS = os.path.join(ARGS.root, "workflows")
GOLDEN = os.path.join(ARGS.root, "tests", "testdata", "golden", "nop_ke_hoach.dot")
DOT = shutil.which("dot")


def wfctl(*args, env=None):
    env = dict(env or os.environ, WF_CHECK=ARGS.wf_check)
    return subprocess.run([sys.executable, ARGS.wfctl, *args], env=env,
                          capture_output=True, text=True, encoding="utf-8")


def shipped():
    return sorted(os.path.join(WORKFLOWS, f) for f in os.listdir(WORKFLOWS)
                  if f.endswith(".lua"))


def describe(path):
    done = subprocess.run([ARGS.wf_check, "--describe", path], capture_output=True,
                          text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Graph(unittest.TestCase):
    def test_the_dot_of_nop_ke_hoach_is_the_golden_one(self):
        out = wfctl("graph", os.path.join(WORKFLOWS, "nop_ke_hoach.lua"))
        self.assertEqual(out.returncode, 0, out.stderr)
        if os.environ.get("WF_UPDATE_GOLDENS") == "1":
            os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
            with open(GOLDEN, "w", encoding="utf-8") as f:
                f.write(out.stdout)
        with open(GOLDEN, encoding="utf-8") as f:
            self.assertEqual(out.stdout, f.read(), "differs from " + GOLDEN)

    def test_every_shipped_workflow_draws_in_every_format(self):
        # Every format of every workflow is drawn from one description; the
        # command itself draws each workflow once, the formats taken in turn
        # (each wf_check run costs seconds under the sanitizers).
        formats = ["dot", "mermaid"] + (["svg"] if DOT else [])
        for i, path in enumerate(shipped()):
            workflow = describe(path)
            for fmt in formats:
                with self.subTest(path=path, format=fmt):
                    self.check_drawing(workflow, fmt, wfgraph.render(workflow, fmt))
            fmt = formats[i % len(formats)]
            with self.subTest(path=path, format=fmt, command="wfctl graph"):
                out = wfctl("graph", path, "--format", fmt)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertEqual(out.stdout, wfgraph.render(workflow, fmt))

    def check_drawing(self, workflow, fmt, text):
        for state in workflow["states"]:
            node = {"dot": f'"{state["name"]}" [label=', "mermaid": f"s_{state['name']}(",
                    "svg": state["title"]}[fmt]
            self.assertIn(node, text)
        for t in workflow["transitions"]:
            self.assertIn(f"({t['event']})" if t["title"] != t["event"] else t["event"],
                          text if fmt != "svg" else text.replace("&#45;", "-"))
        if fmt == "dot" and DOT:
            self.assertEqual(subprocess.run([DOT, "-Tcanon"], input=text.encode(),
                                            capture_output=True).returncode, 0)
        if fmt == "svg":
            self.assertIn("<svg", text)
            self.assertIn(workflow["title"], text)  # Vietnamese kept as UTF-8

    def test_timers_are_dashed_and_finals_are_marked(self):
        dot = wfctl("graph", os.path.join(WORKFLOWS, "nop_ke_hoach.lua")).stdout
        self.assertIn('"da_tiep_nhan" [label="Đã tiếp nhận\\n(da_tiep_nhan)", peripheries=2', dot)
        qua_han = [l for l in dot.splitlines() if "(qua_han)" in l and "->" in l]
        self.assertTrue(qua_han)
        self.assertTrue(all("style=dashed" in l for l in qua_han), qua_han)
        tiep_nhan = next(l for l in dot.splitlines() if "(tiep_nhan)" in l)
        self.assertNotIn("dashed", tiep_nhan)
        self.assertIn("ai: chuyen_vien, truong_phong (var:noi_nhan_ids)", tiep_nhan)
        mermaid = wfctl("graph", os.path.join(WORKFLOWS, "nop_ke_hoach.lua"),
                        "--format", "mermaid").stdout
        self.assertIn("s_da_tiep_nhan(((", mermaid)
        self.assertIn("s_du_thao -.->", mermaid)

    def test_describe_gives_deadlines_reminders_and_pauses(self):
        workflow = describe(os.path.join(ARGS.root, "tests", "testdata", "tham_dinh.lua"))
        states = {s["name"]: s for s in workflow["states"]}
        self.assertEqual(states["dang_tham_dinh"]["deadline"], {
            "unit": "working_days", "amount": 20, "fire": "qua_han", "clock": "thoi_han",
            "reminders": [{"unit": "working_days", "amount": 3, "fire": "nhac_han"}]})
        self.assertIsNone(states["tiep_nhan"]["deadline"])
        self.assertEqual(states["cho_bo_sung"]["pauses"], ["thoi_han"])
        self.assertTrue(states["da_trinh"]["final"])
        self.assertEqual(workflow["transitions"][0]["who"],
                         [{"role": "chuyen_vien", "unit": "same_unit"}])
        dot = wfgraph.to_dot(workflow)
        self.assertIn("Hạn [thoi_han]: 20 ngày làm việc → qua_han", dot)
        self.assertIn("Nhắc: 3 ngày làm việc trước hạn → nhac_han", dot)
        self.assertIn("Tạm dừng: thoi_han", dot)

    def tricky(self):
        title = 'Trình "gấp" \\N <b>#1</b>\nhai dòng'
        return {"name": "w", "title": title, "initial": "a", "plugin": False,
                "hooks": [],
                "states": [{"name": "a", "title": title, "final": False,
                            "deadline": None, "pauses": []},
                           {"name": "end", "title": "Kết thúc", "final": True,
                            "deadline": None, "pauses": []}],
                "transitions": [{"event": "di", "title": title, "from": ["a"],
                                 "to": "end", "stay": False, "requires": [],
                                 "guard": False, "action": False,
                                 "system_only": False,
                                 "who": [{"role": "*", "unit": "tagged:so_noi_vu"}]}]}

    def test_dot_escapes_quotes_backslashes_and_lines(self):
        self.assertEqual(wfgraph.dot_quote('a"b\\c\nd'), '"a\\"b\\\\c\\nd"')
        dot = wfgraph.to_dot(self.tricky())
        if DOT:
            done = subprocess.run([DOT, "-Tjson"], input=dot.encode(), capture_output=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            nodes = [o for o in json.loads(done.stdout)["objects"]
                     if o.get("name") in ("a", "end")]
            self.assertEqual(len(nodes), 2)  # no quote ended a string early

    def test_mermaid_escapes_what_would_end_a_label(self):
        text = wfgraph.mermaid_text('Trình "gấp" <b>#1</b>\nhai')
        self.assertEqual(text, '"Trình #quot;gấp#quot; #lt;b#gt;#35;1#lt;/b#gt;<br/>hai"')
        mermaid = wfgraph.to_mermaid(self.tricky())
        self.assertIn("s_end(((", mermaid)  # `end` alone would close the chart
        for line in mermaid.splitlines()[4:]:
            self.assertEqual(line.count('"') % 2, 0, line)

    def test_svg_without_dot_says_so_in_one_line(self):
        env = dict(os.environ, PATH=os.path.join(ARGS.root, "no_such_folder"))
        out = wfctl("graph", os.path.join(WORKFLOWS, "nop_ke_hoach.lua"),
                    "--format", "svg", env=env)
        self.assertEqual(out.returncode, 1)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        self.assertIn("Graphviz", out.stderr)

    def test_a_refused_workflow_is_not_drawn(self):
        out = wfctl("graph", os.path.join(ARGS.root, "no_such.lua"))
        self.assertEqual(out.returncode, 2)
        self.assertEqual(out.stdout, "")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
