"""End to end, as an outside system: Python grpcio against the real server.

Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from google.protobuf import descriptor_pb2, duration_pb2  # noqa: E402
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402
import reflection_pb2  # noqa: E402
import reflection_pb2_grpc  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

UNIT = "07627"  # Xã Đại Sơn, Bắc Ninh
PEOPLE = ["can-bo.dai-son", "chu-tich.dai-son", "chu-tich.tay-yen-tu",
          "chuyen-vien.tham-muu"]


class Refusal:
    """The google.rpc details of a refused call, decoded as any client would:
    the serialized google.rpc.Status in the grpc-status-details-bin trailer."""

    def __init__(self, error):
        raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
        assert raw is not None, f"no error details: {error.details()}"
        status = status_pb2.Status.FromString(raw)
        assert status.code == error.code().value[0], status
        assert status.message == error.details(), status
        self.infos, self.fields, self.vietnamese, self.preconditions = [], [], None, []
        for any_ in status.details:
            for kind in (error_details_pb2.ErrorInfo, error_details_pb2.BadRequest,
                         error_details_pb2.LocalizedMessage,
                         error_details_pb2.PreconditionFailure):
                if any_.Is(kind.DESCRIPTOR):
                    message = kind()
                    any_.Unpack(message)
                    if kind is error_details_pb2.ErrorInfo:
                        self.infos.append(message)
                    elif kind is error_details_pb2.BadRequest:
                        self.fields += [v.field for v in message.field_violations]
                    elif kind is error_details_pb2.LocalizedMessage:
                        assert message.locale == "vi-VN", message
                        self.vietnamese = message.message
                    else:
                        self.preconditions += list(message.violations)
        # Every refusal has exactly one ErrorInfo, of the engine's domain,
        # with a reason the proto declares.
        assert len(self.infos) == 1, status
        self.reason = self.infos[0].reason
        self.metadata = dict(self.infos[0].metadata)
        assert self.infos[0].domain == "wf.engine", status
        assert self.reason in pb.ErrorReason.keys(), self.reason


def testdata(name):
    with open(os.path.join(ARGS.testdata, name), encoding="utf-8") as f:
        return f.read()


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServerProcess(ARGS.server,
                                           harness.temp_data_dir("e2e"))
        cls.server.start()
        harness.setup_org(cls.server.address, cls.server.admin_token(),
                          ARGS.testdata)
        cls.tokens = harness.issue_tokens(cls.server.address,
                                          cls.server.admin_token(), PEOPLE)
        cls.connect()
        cls.admin.DeployWorkflow(pb.DeployWorkflowRequest(
            source=testdata("phe_duyet.lua"), file_name="phe_duyet.lua"))

    @classmethod
    def connect(cls):
        """Stubs as each person: the official drafts, the chairman decides."""
        address = cls.server.address
        cls.channel = grpc.insecure_channel(address)
        cls.admin = rpc.WorkflowServiceStub(
            harness.authed_channel(address, cls.server.admin_token()))
        cls.official = rpc.WorkflowServiceStub(
            harness.authed_channel(address, cls.tokens["can-bo.dai-son"]))
        cls.stub = rpc.WorkflowServiceStub(
            harness.authed_channel(address, cls.tokens["chu-tich.dai-son"]))

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        assert cls.server.stop() == 0, cls.server.log()

    def start(self, business_key="", variables=None):
        variables = variables or {"don_vi": "Xã Tiên Du"}
        return self.official.StartInstance(pb.StartInstanceRequest(
            workflow="phe_duyet", unit=UNIT, variables=harness.struct(variables),
            business_key=business_key)).instance

    def fire(self, instance_id, event, payload=None, **kw):
        return self.stub.FireEvent(pb.FireEventRequest(
            instance_id=instance_id, event=event,
            payload=harness.struct(payload or {}), **kw))

    def assert_refused(self, code, fragment, call, *args, **kw):
        with self.assertRaises(grpc.RpcError) as raised:
            call(*args, **kw)
        self.assertEqual(raised.exception.code(), code,
                         raised.exception.details())
        self.assertIn(fragment, raised.exception.details())
        return Refusal(raised.exception)

    def get(self, instance_id):
        return self.stub.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))

    def test_health_and_reflection_serve_generic_clients(self):
        health = health_pb2_grpc.HealthStub(self.channel)
        for service in ["", "wf.v1.WorkflowService"]:
            answer = health.Check(health_pb2.HealthCheckRequest(service=service))
            self.assertEqual(answer.status, health_pb2.HealthCheckResponse.SERVING)
        reflection = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        answers = reflection.ServerReflectionInfo(iter([
            reflection_pb2.ServerReflectionRequest(list_services="")]))
        names = {s.name for a in answers for s in a.list_services_response.service}
        self.assertIn("wf.v1.WorkflowService", names)
        self.assertIn("grpc.health.v1.Health", names)
        # Every service listed can be described, health included: a generic
        # client without the .proto files learns its methods from here.
        for name in sorted(names):
            answers = list(reflection.ServerReflectionInfo(iter([
                reflection_pb2.ServerReflectionRequest(file_containing_symbol=name)])))
            self.assertEqual(len(answers), 1)
            self.assertFalse(answers[0].HasField("error_response"),
                             f"{name}: {answers[0].error_response.error_message}")
            files = [descriptor_pb2.FileDescriptorProto.FromString(raw) for raw in
                     answers[0].file_descriptor_response.file_descriptor_proto]
            services = {f"{f.package}.{s.name}": s for f in files for s in f.service}
            self.assertIn(name, services)
            self.assertTrue(services[name].method, name)
        health_file = [descriptor_pb2.FileDescriptorProto.FromString(raw) for raw in
                       list(reflection.ServerReflectionInfo(iter([
                           reflection_pb2.ServerReflectionRequest(
                               file_containing_symbol="grpc.health.v1.Health")])))[0]
                       .file_descriptor_response.file_descriptor_proto]
        methods = {m.name for f in health_file for s in f.service for m in s.method}
        self.assertEqual(methods, {"Check", "Watch"})

    def reflected_file(self, symbol):
        reflection = reflection_pb2_grpc.ServerReflectionStub(self.channel)
        answer = list(reflection.ServerReflectionInfo(iter([
            reflection_pb2.ServerReflectionRequest(file_containing_symbol=symbol)])))[0]
        self.assertFalse(answer.HasField("error_response"),
                         answer.error_response.error_message)
        return descriptor_pb2.FileDescriptorProto.FromString(
            answer.file_descriptor_response.file_descriptor_proto[0])

    def test_reflection_keeps_the_comments_of_the_proto(self):
        api = self.reflected_file("wf.v1.WorkflowService.FireEvent")
        self.assertEqual(api.name, "wf/v1/workflow.proto")
        comments = {tuple(l.path): l.leading_comments
                    for l in api.source_code_info.location}
        service = [s.name for s in api.service].index("WorkflowService")
        fire = [m.name for m in api.service[service].method].index("FireEvent")
        # FileDescriptorProto.service = 6, ServiceDescriptorProto.method = 2
        self.assertIn("Fires an event on an instance", comments[(6, service, 2, fire)])
        self.assertIn("retry with the", comments[(6, service, 2, fire)])
        cancel = [m.name for m in api.service[service].method].index("CancelInstance")
        self.assertIn("Cancels a running instance", comments[(6, service, 2, cancel)])
        health = self.reflected_file("grpc.health.v1.Health")
        self.assertTrue(any(l.leading_comments for l in health.source_code_info.location))
        missing = list(reflection_pb2_grpc.ServerReflectionStub(self.channel)
                       .ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(
                           file_containing_symbol="wf.v1.NoSuchThing")])))[0]
        self.assertEqual(missing.error_response.error_code, grpc.StatusCode.NOT_FOUND.value[0])

    def test_a_plan_is_drafted_submitted_and_approved(self):
        instance = self.start(business_key="KH-05/KH-BCĐ")
        self.assertEqual(instance.state, "du_thao")
        self.assertEqual(instance.state_title, "Dự thảo")
        self.assertEqual(instance.created_by, "can-bo.dai-son")
        self.assertEqual(instance.unit_name, "Xã Đại Sơn")
        submitted = self.fire(instance.id, "trinh",
                              {"noi_dung": "Kế hoạch phòng, chống tội phạm 2026"},
                              expected_version=1)
        self.assertEqual(submitted.instance.state, "cho_duyet")
        returned = self.fire(instance.id, "tra_lai", {"ly_do": "Bổ sung chỉ tiêu"})
        self.assertEqual(returned.instance.state, "du_thao")
        self.fire(instance.id, "trinh")
        approved = self.fire(instance.id, "duyet")
        self.assertTrue(approved.instance.finished)
        variables = harness.values(approved.instance.variables)
        self.assertEqual(variables["lan_tra_lai"], 1)
        self.assertEqual(variables["ly_do"], "Bổ sung chỉ tiêu")
        self.assertEqual(variables["nguoi_duyet"], "chu-tich.dai-son")
        self.assertEqual(approved.event.actor_name, "Trần Thị Bình")
        self.assertEqual(approved.event.actor_role, "chu_tich")
        effects = approved.event.effects
        self.assertEqual(effects[0].kind, "thong_bao")
        self.assertEqual(harness.values(effects[0].data)["den"], "Xã Tiên Du")
        self.assertEqual(harness.values(approved.event.changes.set)["nguoi_duyet"],
                         "chu-tich.dai-son")
        # Times are Timestamps: the event's time is the instance's update.
        self.assertEqual(approved.event.at, approved.instance.updated_at)
        self.assertGreater(approved.instance.updated_at.ToMicroseconds(),
                           approved.instance.created_at.ToMicroseconds())

        history = self.stub.GetHistory(
            pb.GetHistoryRequest(instance_id=instance.id)).events
        self.assertEqual([e.event for e in history],
                         ["start", "trinh", "tra_lai", "trinh", "duyet"])
        for before, after in zip(history, history[1:]):
            self.assertEqual(after.prev_hash, before.hash)
        # The step's answer, made from what the step had parsed, says what
        # its stored event says.
        self.assertEqual(history[-1].changes, approved.event.changes)
        self.assertEqual(history[-1], approved.event)
        # The same history two events a page.
        paged, token, pages = [], "", 0
        while True:
            page = self.stub.GetHistory(pb.GetHistoryRequest(
                instance_id=instance.id, page_size=2, page_token=token))
            paged += page.events
            pages += 1
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual([e.hash for e in paged], [e.hash for e in history])
        verified = self.stub.VerifyInstance(
            pb.VerifyInstanceRequest(instance_id=instance.id))
        self.assertTrue(verified.ok, verified.problem)
        self.assertEqual(verified.events_checked, 5)

        listed = self.stub.ListInstances(pb.ListInstancesRequest(
            workflow="phe_duyet", business_key="KH-05/KH-BCĐ"))
        self.assertEqual([i.id for i in listed.instances], [instance.id])
        self.assertFalse(listed.instances[0].HasField("variables"))
        full = self.stub.ListInstances(pb.ListInstancesRequest(
            workflow="phe_duyet", business_key="KH-05/KH-BCĐ",
            view=pb.INSTANCE_VIEW_FULL))
        self.assertEqual(list(full.instances), [self.get(instance.id)])

    def test_refusals_change_nothing(self):
        instance = self.start()
        before = self.get(instance.id)
        code = grpc.StatusCode
        cases = [
            (code.NOT_FOUND, "there is none", self.fire, "wi-000000099999", "trinh"),
            (code.FAILED_PRECONDITION, "events allowed there", self.fire,
             instance.id, "duyet"),
            (code.FAILED_PRECONDITION, "Chưa có nội dung kế hoạch", self.fire,
             instance.id, "trinh"),
            (code.FAILED_PRECONDITION, "attempt to index a nil value", self.fire,
             instance.id, "loi"),
            (code.RESOURCE_EXHAUSTED, "budget", self.fire, instance.id, "lap"),
            (code.RESOURCE_EXHAUSTED, "memory", self.fire, instance.id, "bom"),
            (code.ABORTED, "at version 1", self.fire, instance.id, "trinh",
             {"noi_dung": "x"}),
            (code.INVALID_ARGUMENT, "'khong_co' is not one", self.fire,
             instance.id, "khong_co"),
        ]
        # The reason and the metadata a program reads, for each case above.
        reasons = {
            "there is none": ("INSTANCE_NOT_FOUND", {"instance_id": "wi-000000099999"}),
            "events allowed there": ("EVENT_NOT_ALLOWED", {
                "state": "du_thao", "allowed_events": "trinh,boc_tham,loi,lap,bom,phong_to"}),
            "Chưa có nội dung kế hoạch": ("GUARD_REFUSED", {"event": "trinh"}),
            "attempt to index a nil value": ("SCRIPT_FAILED", {
                "workflow": "phe_duyet", "function": "action", "event": "loi",
                "file": "phe_duyet.lua", "line": "63"}),
            "budget": ("BUDGET_EXCEEDED", {"budget": "lua_instructions"}),
            "memory": ("BUDGET_EXCEEDED", {"budget": "lua_memory_bytes"}),
            "at version 1": ("VERSION_MISMATCH", {
                "expected_version": "9", "current_version": "1"}),
            "'khong_co' is not one": ("EVENT_UNKNOWN", {"event": "khong_co"}),
        }
        for expected, fragment, call, *args in cases:
            kw = {"expected_version": 9} if expected == code.ABORTED else {}
            with self.subTest(fragment=fragment):
                refusal = self.assert_refused(expected, fragment, call, *args, **kw)
                reason, metadata = reasons[fragment]
                self.assertEqual(refusal.reason, reason)
                self.assertEqual({k: refusal.metadata.get(k) for k in metadata},
                                 metadata)
                if reason == "GUARD_REFUSED":
                    self.assertEqual(refusal.vietnamese, "Chưa có nội dung kế hoạch")
        bad_payloads = [
            # 2**53 + 1 travels as the double 2**53: refused, never rounded.
            (code.INVALID_ARGUMENT, "payload.so_tien",
             {"noi_dung": "x", "so_tien": 2**53 + 1}),
            (code.INVALID_ARGUMENT, "send it as a string",
             {"noi_dung": "x", "ho_so": {"so": [1, -2**60]}}),
            (code.INVALID_ARGUMENT, "finite number",
             {"noi_dung": "x", "ti_le": float("nan")}),
            (code.RESOURCE_EXHAUSTED, "at most 65536 bytes", {"x": "a" * 70000}),
            # One name in two spellings (composed, decomposed).
            (code.INVALID_ARGUMENT, "appears twice",
             {"noi_dung": "x", "h\u00e0": 1, "ha\u0300": 2}),
        ]
        for expected, fragment, payload in bad_payloads:
            with self.subTest(fragment=fragment):
                refusal = self.assert_refused(
                    expected, fragment, self.stub.FireEvent,
                    pb.FireEventRequest(instance_id=instance.id, event="trinh",
                                        payload=harness.struct(payload)))
                self.assertEqual(refusal.reason,
                                 "PAYLOAD_TOO_LARGE" if expected == code.RESOURCE_EXHAUSTED
                                 else "INVALID_FIELD")
                self.assertEqual(len(refusal.fields), 1)
                self.assertTrue(refusal.fields[0].startswith("payload"), refusal.fields)
        refusal = self.assert_refused(
            code.NOT_FOUND, "Expected a deployed workflow named 'khong_co'",
            self.official.StartInstance,
            pb.StartInstanceRequest(workflow="khong_co", unit=UNIT))
        self.assertEqual((refusal.reason, refusal.metadata["workflow"]),
                         ("WORKFLOW_NOT_FOUND", "khong_co"))
        refusal = self.assert_refused(
            code.INVALID_ARGUMENT, "'don_vi'", self.official.StartInstance,
            pb.StartInstanceRequest(workflow="phe_duyet", unit=UNIT))
        self.assertEqual((refusal.reason, refusal.fields),
                         ("FIELD_REQUIRED", ["variables.don_vi"]))
        refusal = self.assert_refused(
            code.NOT_FOUND, "'99999' is not one", self.official.StartInstance,
            pb.StartInstanceRequest(
                workflow="phe_duyet", unit="99999",
                variables=harness.struct({"don_vi": "Xã Tiên Du"})))
        self.assertEqual((refusal.reason, refusal.metadata["unit"]),
                         ("UNIT_NOT_FOUND", "99999"))
        # Pages over the maximum are refused, not cut silently.
        refusal = self.assert_refused(code.INVALID_ARGUMENT, "at most 1000",
                                      self.stub.GetHistory,
                                      pb.GetHistoryRequest(instance_id=instance.id,
                                                           page_size=5000))
        self.assertEqual((refusal.reason, refusal.fields), ("INVALID_FIELD", ["page_size"]))
        refusal = self.assert_refused(code.INVALID_ARGUMENT, "at most 1000",
                                      self.stub.ListInstances,
                                      pb.ListInstancesRequest(page_size=5000))
        self.assertEqual((refusal.reason, refusal.fields), ("INVALID_FIELD", ["page_size"]))
        after = self.get(instance.id)
        self.assertEqual(after, before)

    def test_invalid_utf8_on_the_wire_is_refused_before_the_engine(self):
        instance = self.start()
        # A raw message whose instance_id (field 1) and event (field 2) hold
        # bytes that are not UTF-8: no protobuf library would send it.
        raw = b"\x0a\x02\xff\xfe\x12\x05trinh"
        channel = harness.authed_channel(self.server.address,
                                         self.tokens["chu-tich.dai-son"])
        call = channel.unary_unary("/wf.v1.WorkflowService/FireEvent",
                                        request_serializer=lambda m: m,
                                        response_deserializer=lambda b: b)
        with self.assertRaises(grpc.RpcError) as raised:
            call(raw)
        print("  invalid UTF-8 on the wire:", raised.exception.code(),
              raised.exception.details(), file=sys.stderr)
        # gRPC 1.51 refuses it in its own parsing, as UNIMPLEMENTED with no
        # message (documented in the proto); our own check would say
        # INVALID_ARGUMENT. Either way it never reached the engine.
        self.assertIn(raised.exception.code(),
                      (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.INVALID_ARGUMENT))
        self.assertEqual(self.get(instance.id).version, 1)

    def test_malformed_and_hostile_lua_is_refused_at_deploy(self):
        code = grpc.StatusCode
        cases = [
            (code.INVALID_ARGUMENT, "hong.lua:2:", "workflow \"w\" {\n initial = = }"),
            (code.INVALID_ARGUMENT, "global 'os'", "os.execute('rm -rf /')"),
            (code.INVALID_ARGUMENT, "global 'io'", "io.open('/etc/passwd')"),
            (code.INVALID_ARGUMENT, "global 'debug'", "debug.sethook()"),
            (code.INVALID_ARGUMENT, "no module 'socket'", "require('socket')"),
            (code.INVALID_ARGUMENT, "field 'dump'", "string.dump(print)"),
            (code.INVALID_ARGUMENT, "global 'load'", "load('return 1')"),
            (code.INVALID_ARGUMENT, "binary", "\x1bLua"),
            (code.RESOURCE_EXHAUSTED, "budget", "while true do end"),
            (code.RESOURCE_EXHAUSTED, "memory", "local s = string.rep('x', 1 << 30)"),
            (code.INVALID_ARGUMENT, "cannot be reached",
             'workflow "w" { initial = "a", started_by = { role = "*", unit = '
             '"same_unit" } }\nstate "a" { final = true }\n'
             'state "b" { final = true }'),
        ]
        for expected, fragment, source in cases:
            with self.subTest(source=source[:30]):
                self.assert_refused(expected, fragment, self.admin.DeployWorkflow,
                                    pb.DeployWorkflowRequest(source=source,
                                                             file_name="hong.lua"))
        names = [w.name for w in self.admin.ListWorkflows(
            pb.ListWorkflowsRequest()).workflows]
        self.assertEqual(names, ["phe_duyet"])

    def test_vietnamese_text_round_trips_as_nfc(self):
        nfd = "Xa\u0303 Tie\u0302n Du"
        nfc = "Xã Tiên Du"
        instance = self.start(business_key=nfd, variables={"don_vi": nfd})
        self.assertEqual(instance.business_key.encode(), nfc.encode())
        self.assertEqual(harness.values(instance.variables)["don_vi"].encode(),
                         nfc.encode())
        exact = "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bắc Ninh"
        again = self.start(business_key=exact, variables={"don_vi": exact})
        self.assertEqual(self.get(again.id).business_key.encode("utf-8"),
                         exact.encode("utf-8"))

    def test_every_call_needs_a_valid_token(self):
        instance = self.start()
        request = pb.GetInstanceRequest(instance_id=instance.id)
        bare = rpc.WorkflowServiceStub(self.channel)
        forged = rpc.WorkflowServiceStub(
            harness.authed_channel(self.server.address, "wft_forged"))
        # The token alone, without the "Bearer " scheme, is told so.
        no_scheme = [("authorization", self.tokens["chu-tich.dai-son"])]
        for stub, metadata, why, problem in [
                (bare, None, "none was sent", "missing"),
                (forged, None, "unknown", "unknown"),
                (bare, no_scheme, 'does not start with "Bearer "', "not_bearer")]:
            with self.assertRaises(grpc.RpcError) as raised:
                stub.GetInstance(request, metadata=metadata)
            self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
            self.assertIn(why, raised.exception.details())
            refusal = Refusal(raised.exception)
            self.assertEqual((refusal.reason, refusal.metadata["problem"]),
                             ("UNAUTHENTICATED", problem))
        # A revoked token stops working at once.
        admin = rpc.AdminServiceStub(
            harness.authed_channel(self.server.address, self.server.admin_token()))
        issued = admin.IssueToken(pb.IssueTokenRequest(person="can-bo.dai-son"))
        mine = rpc.WorkflowServiceStub(
            harness.authed_channel(self.server.address, issued.token))
        self.assertEqual(mine.GetInstance(request).id, instance.id)
        admin.RevokeToken(pb.RevokeTokenRequest(token_id=issued.info.token_id))
        with self.assertRaises(grpc.RpcError) as raised:
            mine.GetInstance(request)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("revoked", raised.exception.details())
        refusal = Refusal(raised.exception)
        self.assertEqual(refusal.metadata, {"problem": "revoked",
                                            "token_id": issued.info.token_id})
        listed = {t.token_id: t for t in admin.ListTokens(pb.ListTokensRequest()).tokens}
        self.assertTrue(listed[issued.info.token_id].HasField("revoked_at"))
        self.assertFalse(listed[issued.info.token_id].HasField("expires_at"))
        self.assertGreaterEqual(listed[issued.info.token_id].revoked_at.ToMicroseconds(),
                                issued.info.issued_at.ToMicroseconds())
        # A token valid for a day expires a day after it was issued.
        day = admin.IssueToken(pb.IssueTokenRequest(
            person="can-bo.dai-son", valid_for=duration_pb2.Duration(seconds=86400)))
        self.assertEqual(day.info.expires_at.ToMicroseconds()
                         - day.info.issued_at.ToMicroseconds(), 86400 * 10**6)
        self.assert_refused(grpc.StatusCode.INVALID_ARGUMENT, "valid_for",
                            admin.IssueToken, pb.IssueTokenRequest(
                                person="can-bo.dai-son",
                                valid_for=duration_pb2.Duration(seconds=-1)))
        # Only administrators administer.
        as_person = rpc.AdminServiceStub(
            harness.authed_channel(self.server.address, self.tokens["can-bo.dai-son"]))
        with self.assertRaises(grpc.RpcError) as raised:
            as_person.IssueToken(pb.IssueTokenRequest(person="can-bo.dai-son"))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("Expected an administrator", raised.exception.details())
        self.assertIn("'can-bo.dai-son'", raised.exception.details())
        refusal = Refusal(raised.exception)
        self.assertEqual((refusal.reason, refusal.metadata["person"]),
                         ("ADMIN_REQUIRED", "can-bo.dai-son"))

    def test_another_communes_document_is_out_of_reach(self):
        instance = self.start()
        sibling = rpc.WorkflowServiceStub(harness.authed_channel(
            self.server.address, self.tokens["chu-tich.tay-yen-tu"]))
        for call, request in [
                (sibling.GetInstance, pb.GetInstanceRequest(instance_id=instance.id)),
                (sibling.GetHistory, pb.GetHistoryRequest(instance_id=instance.id)),
                (sibling.FireEvent, pb.FireEventRequest(instance_id=instance.id,
                                                        event="trinh"))]:
            with self.assertRaises(grpc.RpcError) as raised:
                call(request)
            self.assertEqual(raised.exception.code(), grpc.StatusCode.NOT_FOUND)
            self.assertEqual(raised.exception.details(),
                             f"Expected an instance with id '{instance.id}', but there is none")
            self.assertEqual(Refusal(raised.exception).reason, "INSTANCE_NOT_FOUND")
        listed = sibling.ListInstances(pb.ListInstancesRequest()).instances
        self.assertNotIn(instance.id, [i.id for i in listed])
        # The standing agency sees it, but its role is not in the workflow's who.
        agency = rpc.WorkflowServiceStub(harness.authed_channel(
            self.server.address, self.tokens["chuyen-vien.tham-muu"]))
        self.assertEqual(agency.GetInstance(
            pb.GetInstanceRequest(instance_id=instance.id)).id, instance.id)
        with self.assertRaises(grpc.RpcError) as raised:
            agency.FireEvent(pb.FireEventRequest(instance_id=instance.id,
                                                 event="trinh"))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        # English message; the Vietnamese explanation beside it.
        self.assertIn("Expected 'chuyen-vien.tham-muu' to hold",
                      raised.exception.details())
        refusal = Refusal(raised.exception)
        self.assertEqual(refusal.reason, "ROLE_REQUIRED")
        self.assertEqual(refusal.metadata["person"], "chuyen-vien.tham-muu")
        self.assertEqual(refusal.metadata["unit"], UNIT)
        self.assertIn("cần vai trò", refusal.vietnamese)
        self.assertEqual(self.get(instance.id).version, 1)

    def test_inbox_and_whoami(self):
        instance = self.start(business_key="HOP-THU")
        inbox = self.official.GetInbox(pb.GetInboxRequest())
        items = {i.instance.id: i for i in inbox.items}
        self.assertIn(instance.id, items)
        self.assertIn("trinh", [e.event for e in items[instance.id].events])
        # The default (BASIC) view: what a list shows, no variables.
        listed = items[instance.id].instance
        self.assertFalse(listed.HasField("variables"))
        self.assertEqual(listed.state_title, "Dự thảo")
        self.assertEqual(listed.title, "Dự thảo")  # no trích yếu: the state
        self.assertEqual(listed.business_key, "HOP-THU")
        # FULL: the instance exactly as GetInstance answers it.
        full = self.official.GetInbox(pb.GetInboxRequest(
            view=pb.INSTANCE_VIEW_FULL))
        got = {i.instance.id: i.instance for i in full.items}[instance.id]
        self.assertEqual(got, self.official.GetInstance(
            pb.GetInstanceRequest(instance_id=instance.id)))
        self.assertEqual(harness.values(got.variables)["don_vi"], "Xã Tiên Du")
        me = self.stub.WhoAmI(pb.WhoAmIRequest())
        self.assertEqual(me.person, "chu-tich.dai-son")
        self.assertEqual(me.name.encode(), "Trần Thị Bình".encode())
        self.assertEqual([(r.role, r.unit_name) for r in me.roles],
                         [("chu_tich", "Xã Đại Sơn")])

    def test_org_import_refuses_a_malformed_file_and_keeps_the_old(self):
        admin = rpc.AdminServiceStub(
            harness.authed_channel(self.server.address, self.server.admin_token()))
        bad = ("person,name,role,unit,valid_from,valid_to,acting_for\n"
               "x.moi,Người Mới,can_bo,07627,01/07/2025,,\n"
               "x.sai,\"Người Sai,can_bo,07627,01/07/2025,,\n")
        with self.assertRaises(grpc.RpcError) as raised:
            admin.ImportDirectory(pb.ImportDirectoryRequest(
                source="nguoi_dung", format="people", csv=bad))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        refusal = Refusal(raised.exception)
        self.assertEqual(refusal.reason, "DIRECTORY_INVALID")
        self.assertEqual(refusal.metadata, {"source": "nguoi_dung", "format": "people"})
        self.assertIn("dòng 3", refusal.vietnamese)
        # Nothing half-imported: the old people file stands.
        self.assertEqual(self.stub.WhoAmI(pb.WhoAmIRequest()).name, "Trần Thị Bình")
        # Names typed decomposed (NFD) are stored composed (NFC), byte-exact.
        nfd = "person,name,role,unit,valid_from,valid_to,acting_for\n" \
              "can-bo.nfd,Nguye\u0302\u0303n Thi\u0323 Ha\u0300,can_bo,07616,01/07/2025,,\n"
        admin.ImportDirectory(pb.ImportDirectoryRequest(
            source="them_nguoi", format="people", csv=nfd))
        token = admin.IssueToken(pb.IssueTokenRequest(person="can-bo.nfd")).token
        who = rpc.WorkflowServiceStub(harness.authed_channel(self.server.address, token))
        self.assertEqual(who.WhoAmI(pb.WhoAmIRequest()).name.encode("utf-8"),
                         "Nguyễn Thị Hà".encode("utf-8"))
        admin.ImportDirectory(pb.ImportDirectoryRequest(
            source="them_nguoi", format="people", csv=""))

    def test_zz_restart_keeps_everything(self):
        instance = self.start()
        self.fire(instance.id, "trinh", {"noi_dung": "x"})
        first = self.stub.ListInstances(pb.ListInstancesRequest(page_size=1))
        self.assertTrue(first.next_page_token)
        self.channel.close()
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        type(self).connect()
        self.assertEqual(self.get(instance.id).state, "cho_duyet")
        # A client paging through a list goes on where it was.
        second = self.stub.ListInstances(pb.ListInstancesRequest(
            page_size=1, page_token=first.next_page_token))
        self.assertEqual(len(second.instances), 1)
        self.assertGreater(second.instances[0].id, first.instances[0].id)
        newer = self.start()
        self.assertGreater(newer.id, instance.id)
        self.assertTrue(self.stub.VerifyInstance(
            pb.VerifyInstanceRequest(instance_id=instance.id)).ok)
        # The administrator token kept working; no second one was written.
        self.assertTrue(self.admin.ListWorkflows(pb.ListWorkflowsRequest()).workflows)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
