"""docs/ops: every metric the alert rules and the Grafana dashboard use is
one the real wf_server exports (a renamed metric would silently break an
alert). Starts a server, makes a few calls so that every family has a
series, scrapes /metrics and checks each name the two files reference.

Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3 and
python3-yaml.
"""
import json
import os
import re
import sys
import unittest
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args(
    lambda p: p.add_argument("--docs", required=True, help="docs/ops"))

import grpc  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

METRIC = re.compile(r"\bwf_[a-z0-9_]+\b")
# Suffixes Prometheus adds to a histogram's series.
SUFFIXES = ("_bucket", "_sum", "_count")


def exported_names(text):
    """Sample names and family names of a text exposition."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            names.add(line.split()[2])
        elif line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


def alert_expressions(path):
    with open(path, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    exprs = []
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert "alert" in rule and "expr" in rule, rule
            assert rule.get("annotations", {}).get("summary"), rule["alert"]
            exprs.append(str(rule["expr"]))
    return exprs


def dashboard_expressions(path):
    with open(path, encoding="utf-8") as f:
        board = json.load(f)
    exprs = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                exprs.append(node["expr"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(board)
    return exprs


class OpsDocs(unittest.TestCase):
    def test_every_referenced_metric_is_exported(self):
        port = harness.free_port()
        server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("ops_docs"),
            extra_flags=[f"--metrics_listen=127.0.0.1:{port}"])
        server.start()
        try:
            stub = rpc.WorkflowServiceStub(
                harness.authed_channel(server.address, server.admin_token()))
            with open(os.path.join(ARGS.testdata, "phe_duyet.lua"),
                      encoding="utf-8") as f:
                stub.DeployWorkflow(pb.DeployWorkflowRequest(
                    source=f.read(), file_name="phe_duyet.lua"))
            harness.setup_org(server.address, server.admin_token(), ARGS.testdata)
            token = harness.issue_tokens(server.address, server.admin_token(),
                                         ["can-bo.dai-son"])["can-bo.dai-son"]
            stub = rpc.WorkflowServiceStub(
                harness.authed_channel(server.address, token))
            started = stub.StartInstance(pb.StartInstanceRequest(
                workflow="phe_duyet", unit="07627",
                variables=harness.struct({"don_vi": "x"}))).instance
            with self.assertRaises(grpc.RpcError):
                stub.FireEvent(pb.FireEventRequest(instance_id=started.id,
                                                   event="duyet"))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics",
                                        timeout=10) as r:
                exported = exported_names(r.read().decode("utf-8"))
        finally:
            self.assertEqual(server.stop(), 0, server.log())

        files = {"alerts.yml": alert_expressions(os.path.join(ARGS.docs, "alerts.yml")),
                 "grafana_dashboard.json": dashboard_expressions(
                     os.path.join(ARGS.docs, "grafana_dashboard.json"))}
        for name, exprs in files.items():
            self.assertGreater(len(exprs), 5, name)
            referenced = {m for e in exprs for m in METRIC.findall(e)}
            self.assertTrue(referenced, name)
            for metric in sorted(referenced):
                base = metric
                for s in SUFFIXES:
                    if metric.endswith(s) and metric[:-len(s)] in exported:
                        base = metric[:-len(s)]
                self.assertIn(base, exported,
                              f"{name} uses {metric}, which wf_server does not export")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
