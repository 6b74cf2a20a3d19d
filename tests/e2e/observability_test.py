"""Metrics and logs of the real wf_server (docs/operations.md).

A short load through the Python stubs, then /metrics is scraped and every
counter must have moved by exactly what the load did: transitions counted
as they were acknowledged, one latency observation per call made, refusals
under their code. Then the server's log: every line one JSON object, the
access line of a call with its fields and the caller's trace id, and no
token or payload value anywhere in it.

Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3.
"""
import json
import os
import re
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

UNIT = "07627"  # Xã Đại Sơn, Bắc Ninh
PEOPLE = ["can-bo.dai-son", "chu-tich.dai-son"]
SECRET = "NỘI DUNG MẬT 4711"  # a payload value that must never be logged
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
FIRE = "/wf.v1.WorkflowService/FireEvent"
START = "/wf.v1.WorkflowService/StartInstance"
GET = "/wf.v1.WorkflowService/GetInstance"
INBOX = "/wf.v1.WorkflowService/GetInbox"

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """{(name, frozenset(labels)): value} of a Prometheus text exposition."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(LABEL.findall(m.group(3) or ""))
        samples[(m.group(1), labels)] = float(m.group(4))
    return samples


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics",
                                timeout=10) as r:
        return r.read().decode("utf-8")


def testdata(name):
    with open(os.path.join(ARGS.testdata, name), encoding="utf-8") as f:
        return f.read()


class Observability(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.metrics_port = harness.free_port()
        cls.server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("observe"),
            extra_flags=[f"--metrics_listen=127.0.0.1:{cls.metrics_port}",
                         "--log_format=json"])
        cls.server.start()
        harness.setup_org(cls.server.address, cls.server.admin_token(),
                          ARGS.testdata)
        cls.tokens = harness.issue_tokens(cls.server.address,
                                          cls.server.admin_token(), PEOPLE)
        address = cls.server.address
        cls.admin = rpc.WorkflowServiceStub(
            harness.authed_channel(address, cls.server.admin_token()))
        cls.official = rpc.WorkflowServiceStub(
            harness.authed_channel(address, cls.tokens["can-bo.dai-son"]))
        cls.chair = rpc.WorkflowServiceStub(
            harness.authed_channel(address, cls.tokens["chu-tich.dai-son"]))
        for name in ("phe_duyet.lua", "hen_nhanh.lua"):
            cls.admin.DeployWorkflow(pb.DeployWorkflowRequest(
                source=testdata(name), file_name=name))

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0, cls.server.log()

    def metrics(self):
        return parse_metrics(scrape(self.metrics_port))

    def start(self, workflow="phe_duyet", **kw):
        return self.official.StartInstance(pb.StartInstanceRequest(
            workflow=workflow, unit=UNIT,
            variables=harness.struct({"don_vi": "Xã Đại Sơn"}), **kw)).instance

    def fire(self, instance_id, event, payload=None, **kw):
        return self.chair.FireEvent(pb.FireEventRequest(
            instance_id=instance_id, event=event,
            payload=harness.struct(payload or {})), **kw)

    def refused(self, code, call, *args, **kw):
        with self.assertRaises(grpc.RpcError) as raised:
            call(*args, **kw)
        self.assertEqual(raised.exception.code(), code)

    def assertMoved(self, before, after, name, labels, by):
        key = (name, frozenset(labels.items()))
        self.assertIn(key, after, f"{name}{labels} is not exported")
        self.assertEqual(after[key] - before.get(key, 0), by, f"{name}{labels}")

    def test_counters_move_by_exactly_the_load(self):
        before = self.metrics()
        ids = [self.start().id for _ in range(3)]
        for i in ids:
            self.fire(i, "trinh", {"noi_dung": SECRET})
        for i in ids[:2]:
            self.fire(i, "duyet")
        # Refused: approved already; an endless loop stopped by the budget;
        # an instance that does not exist; an event no workflow has.
        self.refused(grpc.StatusCode.FAILED_PRECONDITION, self.fire, ids[0],
                     "duyet")
        other = self.start().id
        self.refused(grpc.StatusCode.RESOURCE_EXHAUSTED, self.fire, other, "lap")
        self.refused(grpc.StatusCode.INVALID_ARGUMENT, self.fire, other,
                     "khong_co_su_kien_nay")
        self.refused(grpc.StatusCode.NOT_FOUND, self.chair.GetInstance,
                     pb.GetInstanceRequest(instance_id="wi-999999999999"))
        for _ in range(2):
            self.chair.GetInbox(pb.GetInboxRequest())
        after = self.metrics()

        moved = lambda name, labels, by: self.assertMoved(  # noqa: E731
            before, after, name, labels, by)
        transitions = "wf_transitions_total"
        moved(transitions, {"workflow": "phe_duyet", "event": "start", "code": "OK"}, 4)
        moved(transitions, {"workflow": "phe_duyet", "event": "trinh", "code": "OK"}, 3)
        moved(transitions, {"workflow": "phe_duyet", "event": "duyet", "code": "OK"}, 2)
        moved(transitions, {"workflow": "phe_duyet", "event": "duyet",
                            "code": "FAILED_PRECONDITION"}, 1)
        moved(transitions, {"workflow": "phe_duyet", "event": "lap",
                            "code": "RESOURCE_EXHAUSTED"}, 1)
        # A made-up event name never becomes a label value.
        moved(transitions, {"workflow": "phe_duyet", "event": "",
                            "code": "INVALID_ARGUMENT"}, 1)
        self.assertFalse(any("khong_co_su_kien_nay" in str(k) for k in after))
        # Transitions counted == transitions acknowledged.
        acknowledged = sum(
            v - before.get(k, 0) for k, v in after.items()
            if k[0] == transitions and ("code", "OK") in k[1])
        self.assertEqual(acknowledged, 4 + 3 + 2)

        calls = "wf_grpc_requests_total"
        moved(calls, {"method": START, "code": "OK"}, 4)
        moved(calls, {"method": FIRE, "code": "OK"}, 5)
        moved(calls, {"method": FIRE, "code": "FAILED_PRECONDITION"}, 1)
        moved(calls, {"method": FIRE, "code": "RESOURCE_EXHAUSTED"}, 1)
        moved(calls, {"method": FIRE, "code": "INVALID_ARGUMENT"}, 1)
        moved(calls, {"method": GET, "code": "NOT_FOUND"}, 1)
        latency = "wf_grpc_request_duration_seconds_count"
        moved(latency, {"method": FIRE}, 8)
        moved(latency, {"method": START}, 4)
        moved(latency, {"method": GET}, 1)
        moved(latency, {"method": INBOX}, 2)
        # The second inbox call asks what the first did, and nothing it
        # shows changed: it is answered as kept, without a query.
        moved("wf_inbox_query_seconds_count", {}, 1)
        moved("wf_inbox_answers_kept_total", {}, 1)
        moved("wf_lua_refusals_total", {"limit": "instructions"}, 1)
        # Nine writes: each in some group, and nothing else written.
        moved("wf_commit_transactions_total", {}, 9)
        moved("wf_commit_group_size_sum", {}, 9)
        self.assertEqual(after[("wf_store_writable", frozenset())], 1)
        for name in ("wf_rocksdb_live_sst_bytes", "wf_rocksdb_pending_compaction_bytes",
                     "wf_rocksdb_block_cache_hits_total",
                     "wf_rocksdb_block_cache_misses_total",
                     "wf_rocksdb_write_stall_seconds_total", "wf_late_documents"):
            self.assertIn((name, frozenset()), after, name)
        self.assertGreater(after[("wf_process_resident_memory_bytes", frozenset())],
                           10 << 20)

    def test_an_unknown_method_is_counted_without_its_name(self):
        before = self.metrics()
        channel = grpc.insecure_channel(self.server.address)
        for i in range(3):
            with self.assertRaises(grpc.RpcError) as raised:
                channel.unary_unary(f"/wf.v1.Khong/Co{i}")(b"", timeout=10)
            self.assertEqual(raised.exception.code(),
                             grpc.StatusCode.UNIMPLEMENTED)
        channel.close()
        after = self.metrics()  # and the server is still up
        self.assertMoved(before, after, "wf_grpc_requests_total",
                         {"method": "unknown", "code": "UNIMPLEMENTED"}, 3)
        self.assertFalse(any("Khong" in str(k) for k in after))

    def call_without_token(self, channel, service, method):
        """Calls `method` of `service` with an empty request and no token;
        returns the status code."""
        path = f"/{service.full_name}/{method.name}"
        try:
            if method.client_streaming:
                channel.stream_unary(path)(iter([]), timeout=10)
            elif method.server_streaming:
                for _ in channel.unary_stream(path)(b"", timeout=10):
                    pass
            else:
                channel.unary_unary(path)(b"", timeout=10)
        except grpc.RpcError as e:
            return e.code()
        return grpc.StatusCode.OK

    def test_every_method_is_counted_under_its_own_name(self):
        # The handlers observe their calls themselves (no interceptor): a
        # handler that forgot would be missing here, or counted under
        # another method's name.
        from wf.v1 import plugin_pb2
        services = list(pb.DESCRIPTOR.services_by_name.values()) + list(
            plugin_pb2.DESCRIPTOR.services_by_name.values())
        services = [s for s in services if s.name != "SimulationService"]
        before = self.metrics()
        channel = grpc.insecure_channel(self.server.address)
        codes = {}
        for service in services:
            for method in service.methods:
                codes[f"/{service.full_name}/{method.name}"] = \
                    self.call_without_token(channel, service, method)
        channel.close()
        after = self.metrics()
        self.assertGreater(len(codes), 30)
        for path, code in codes.items():
            self.assertMoved(before, after, "wf_grpc_requests_total",
                             {"method": path, "code": code.name}, 1)
        ping = "/wf.v1.DiagnosticsService/Ping"
        self.assertEqual(codes[ping], grpc.StatusCode.OK)
        self.assertEqual(codes[FIRE], grpc.StatusCode.UNAUTHENTICATED)

    def test_timers_due_fired_and_deadline_passed(self):
        # hen_nhanh's deadline passes two seconds after the start.
        before = self.metrics()
        instance = self.start(workflow="hen_nhanh")
        deadline = time.time() + 30
        while self.official.GetInstance(pb.GetInstanceRequest(
                instance_id=instance.id)).state != "het":
            self.assertLess(time.time(), deadline, "the timer never fired")
            time.sleep(0.2)
        # The new state is readable once on disk; the timer loop counts the
        # firing when its commit returns, a moment later.
        fired = ("wf_timers_fired_total", frozenset())
        after = self.metrics()
        while after.get(fired, 0) == before.get(fired, 0):
            self.assertLess(time.time(), deadline, "the firing was not counted")
            time.sleep(0.05)
            after = self.metrics()
        self.assertMoved(before, after, "wf_timers_fired_total", {}, 1)
        self.assertMoved(before, after, "wf_deadlines_passed_total", {}, 1)
        self.assertMoved(before, after, "wf_timer_lag_seconds_count", {}, 1)
        self.assertMoved(before, after, "wf_timers_retried_total", {}, 0)
        self.assertGreaterEqual(
            after[("wf_timers_due_total", frozenset())]
            - before.get(("wf_timers_due_total", frozenset()), 0), 1)

    def test_log_lines_are_json_with_the_call_fields_and_no_secrets(self):
        instance = self.start()
        self.fire(instance.id, "trinh", {"noi_dung": SECRET},
                  metadata=[("traceparent", TRACEPARENT)])
        self.chair.GetInbox(pb.GetInboxRequest())
        # Access lines are written by a thread of their own, soon after.
        lines, deadline = [], time.time() + 10
        while not any(l.get("method") == INBOX for l in lines):
            self.assertLess(time.time(), deadline, "no access line")
            time.sleep(0.05)
            # Whole lines only: the writer may be mid-line.
            lines = [json.loads(l) for l in self.server.log().split("\n")[:-1]
                     if l]
        for line in lines:
            for field in ("time", "time_utc", "level", "message"):
                self.assertIn(field, line)
            self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00$")
            self.assertRegex(line["time_utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        traced = [l for l in lines if l.get("trace_id") == TRACE_ID]
        self.assertEqual(len(traced), 1, traced)
        fired = traced[0]
        self.assertEqual(fired["message"], "request")
        self.assertEqual(fired["level"], "INFO")
        self.assertEqual(fired["method"], FIRE)
        self.assertEqual(fired["code"], "OK")
        self.assertIsInstance(fired["latency_ms"], float)
        self.assertEqual(fired["actor"], "chu-tich.dai-son")
        self.assertEqual(fired["unit"], UNIT)
        self.assertEqual(fired["instance"], instance.id)
        self.assertEqual(fired["workflow"], "phe_duyet")
        self.assertEqual(fired["event"], "trinh")
        # Without traceparent, each call gets a trace id of its own.
        inbox = [l for l in lines if l.get("method") == INBOX]
        self.assertTrue(inbox)
        ids = {l["trace_id"] for l in inbox}
        self.assertEqual(len(ids), len(inbox))
        for i in ids:
            self.assertRegex(i, r"^[0-9a-f]{32}$")
        # Never a token, never a payload value.
        text = self.server.log()
        for token in list(self.tokens.values()) + [self.server.admin_token()]:
            self.assertNotIn(token, text)
            self.assertNotIn(token[len("wft_"):], text)
        self.assertNotIn(SECRET, text)
        self.assertNotIn(json.dumps(SECRET)[1:-1], text)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
