"""List views (INSTANCE_VIEW_BASIC and _FULL) against the real server: an
inbox page without variables carries everything a list screen shows, and the
full view equals what GetInstance answers.

Two documents of Xã Đại Sơn wait for its officer: a plan of ke_hoach_bcd,
whose document has a trích yếu, and a unit plan of nop_ke_hoach, which has
no document (its trích yếu is a variable only) and a deadline clock.
Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3.
"""
import datetime
import os
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

UNIT = "07627"
UNIT_NAME = "Xã Đại Sơn"  # the official commune list, byte for byte
OFFICIAL = "can-bo.dai-son"
TRICH_YEU = "Về việc thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc"
TRICH_YEU_SUA = "Kế hoạch thực hiện phong trào toàn dân bảo vệ ANTQ năm 2027"
# A Wednesday: the deadline is the end of that day in Vietnam (UTC+7).
HAN_NOP = "2027-03-10"
HAN_NOP_DUE = datetime.datetime(2027, 3, 10, 17, 0, tzinfo=datetime.timezone.utc)


def read(name):
    with open(os.path.join(ARGS.testdata, name), encoding="utf-8") as f:
        return f.read()


def timestamp(moment):
    t = timestamp_pb2.Timestamp()
    t.FromDatetime(moment)
    return t


def without_variables(instance):
    copy = pb.Instance()
    copy.CopyFrom(instance)
    copy.ClearField("variables")
    return copy


def refusal_reason(error):
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    if raw is None:
        return None, {}
    status = status_pb2.Status.FromString(raw)
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason, dict(info.metadata)
    return None, {}


class ListViews(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServerProcess(ARGS.server,
                                           harness.temp_data_dir("list_views"))
        cls.server.start()
        admin_token = cls.server.admin_token()
        harness.setup_org(cls.server.address, admin_token, ARGS.testdata)
        token = harness.issue_tokens(cls.server.address, admin_token,
                                     [OFFICIAL])[OFFICIAL]
        cls.admin_channel = harness.authed_channel(cls.server.address, admin_token)
        cls.admin = rpc.WorkflowServiceStub(cls.admin_channel)
        for name in ("ke_hoach_bcd.lua", "nop_ke_hoach.lua"):
            cls.admin.DeployWorkflow(pb.DeployWorkflowRequest(
                source=read(name), file_name=name))
        cls.channel = harness.authed_channel(cls.server.address, token)
        cls.stub = rpc.WorkflowServiceStub(cls.channel)

        cls.before = datetime.datetime.now(datetime.timezone.utc)
        # The plan: its document's trích yếu is set at start, then changed
        # by a step that stays in the draft state.
        cls.plan = cls.stub.StartInstance(pb.StartInstanceRequest(
            workflow="ke_hoach_bcd", unit=UNIT, business_key="KH-BCĐ-ĐS-01",
            variables=harness.struct({"trich_yeu": TRICH_YEU}))).instance
        time.sleep(0.01)  # a later updated_at, whatever the clock's grain
        cls.plan = cls.stub.FireEvent(pb.FireEventRequest(
            instance_id=cls.plan.id, event="sua",
            payload=harness.struct({"truong": {"trich_yeu": TRICH_YEU_SUA}}))).instance
        # The unit plan: a trích yếu in its variables, but no document.
        cls.unit_plan = cls.stub.StartInstance(pb.StartInstanceRequest(
            workflow="nop_ke_hoach", unit=UNIT, business_key="KH-ĐS-2027",
            variables=harness.struct({
                "don_vi": "UBND xã Đại Sơn", "han_nop": HAN_NOP, "nam": 2027,
                "trich_yeu": "Không phải tiêu đề: chỉ là biến"}))).instance
        cls.after = datetime.datetime.now(datetime.timezone.utc)
        cls.ids = [cls.plan.id, cls.unit_plan.id]

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.admin_channel.close()
        assert cls.server.stop() == 0, cls.server.log()

    def get(self, instance_id):
        return self.stub.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))

    def inbox(self, **request):
        """Our two documents' items, in the inbox's order."""
        items = self.stub.GetInbox(pb.GetInboxRequest(**request)).items
        return [i for i in items if i.instance.id in self.ids]

    def listed(self, stub, **request):
        found = stub.ListInstances(pb.ListInstancesRequest(**request)).instances
        return {i.id: i for i in found if i.id in self.ids}

    def assert_times(self, instance):
        for field in ("created_at", "updated_at"):
            self.assertTrue(instance.HasField(field), field)
            moment = getattr(instance, field).ToDatetime(datetime.timezone.utc)
            self.assertGreaterEqual(moment, self.before - datetime.timedelta(seconds=1))
            self.assertLessEqual(moment, self.after + datetime.timedelta(seconds=1))

    def test_basic_inbox_items_carry_what_a_list_shows(self):
        for request in ({}, {"view": pb.INSTANCE_VIEW_BASIC}):
            with self.subTest(request=request):
                items = self.inbox(**request)
                # The one with a deadline first, then the one without.
                self.assertEqual([i.instance.id for i in items],
                                 [self.unit_plan.id, self.plan.id])
                unit_plan, plan = items
                for item in items:
                    i = item.instance
                    self.assertFalse(i.HasField("variables"))
                    self.assertEqual(i.unit, UNIT)
                    self.assertEqual(i.unit_name.encode("utf-8"),
                                     UNIT_NAME.encode("utf-8"))
                    self.assertEqual(i.state, "du_thao")
                    self.assertFalse(i.finished)
                    self.assertFalse(i.cancelled)
                    self.assertEqual(i.workflow_version, 1)
                    self.assertEqual(i.created_by, OFFICIAL)
                    self.assertEqual(i.parent_id, "")
                    self.assert_times(i)

                p = plan.instance
                self.assertEqual(p.id, self.plan.id)
                self.assertEqual(p.workflow, "ke_hoach_bcd")
                self.assertEqual(p.state_title, "Dự thảo")
                self.assertEqual(p.title, TRICH_YEU_SUA)  # the document's, as changed
                self.assertEqual(p.business_key, "KH-BCĐ-ĐS-01")
                self.assertEqual(p.version, 2)
                self.assertEqual(p.created_at, self.plan.created_at)
                self.assertEqual(p.updated_at, self.plan.updated_at)
                self.assertGreater(p.updated_at.ToNanoseconds(),
                                   p.created_at.ToNanoseconds())
                self.assertEqual(list(p.clocks), [])
                self.assertFalse(plan.HasField("due"))
                self.assertEqual(
                    [(e.event, e.title, e.role, e.unit, e.acting_for)
                     for e in plan.events],
                    [("sua", "sua", "can_bo", UNIT, ""),
                     ("ky", "ky", "can_bo", UNIT, "")])

                u = unit_plan.instance
                self.assertEqual(u.id, self.unit_plan.id)
                self.assertEqual(u.workflow, "nop_ke_hoach")
                self.assertEqual(u.state_title, "Đơn vị đang dự thảo kế hoạch")
                self.assertEqual(u.title, "Đơn vị đang dự thảo kế hoạch")  # no document
                self.assertEqual(u.business_key, "KH-ĐS-2027")
                self.assertEqual(u.version, 1)
                self.assertEqual(u.created_at, self.unit_plan.created_at)
                self.assertEqual(u.updated_at, u.created_at)
                self.assertEqual(len(u.clocks), 1)
                clock = u.clocks[0]
                self.assertEqual(clock.name, "han_nop")
                self.assertEqual(clock.unit, "date")
                self.assertEqual(clock.due, timestamp(HAN_NOP_DUE))
                self.assertFalse(clock.paused)
                self.assertFalse(clock.expired)
                self.assertEqual(unit_plan.due, timestamp(HAN_NOP_DUE))
                # The system's reminders are not the officer's to fire.
                self.assertEqual(
                    [(e.event, e.title, e.role, e.unit, e.acting_for)
                     for e in unit_plan.events],
                    [("trinh_duyet", "Trình lãnh đạo đơn vị phê duyệt",
                      "can_bo", UNIT, "")])

    def test_full_inbox_items_equal_get_instance(self):
        full = self.inbox(view=pb.INSTANCE_VIEW_FULL)
        basic = self.inbox()
        self.assertEqual([i.instance.id for i in full], [self.unit_plan.id, self.plan.id])
        for item in full:
            one = self.get(item.instance.id)
            self.assertTrue(one.HasField("variables"))
            self.assertEqual(item.instance, one)
        self.assertEqual(harness.values(full[0].instance.variables)["han_nop"], HAN_NOP)
        self.assertEqual(harness.values(full[1].instance.variables)["trich_yeu"],
                         TRICH_YEU)
        # BASIC is FULL without the variables, the rest of the item alike.
        self.assertEqual(len(basic), len(full))
        for b, f in zip(basic, full):
            self.assertEqual(b.instance, without_variables(f.instance))
            self.assertEqual(list(b.events), list(f.events))
            self.assertEqual(b.HasField("due"), f.HasField("due"))
            self.assertEqual(b.due, f.due)

    def test_list_instances_views(self):
        for who, stub in (("official", self.stub), ("admin", self.admin)):
            with self.subTest(caller=who):
                basic = self.listed(stub)
                also_basic = self.listed(stub, view=pb.INSTANCE_VIEW_BASIC)
                full = self.listed(stub, view=pb.INSTANCE_VIEW_FULL)
                self.assertEqual(sorted(basic), sorted(self.ids))
                self.assertEqual(sorted(full), sorted(self.ids))
                self.assertEqual(basic, also_basic)
                for instance_id in self.ids:
                    self.assertFalse(basic[instance_id].HasField("variables"))
                    self.assertTrue(full[instance_id].HasField("variables"))
                    self.assertEqual(full[instance_id], self.get(instance_id))
                    self.assertEqual(basic[instance_id],
                                     without_variables(full[instance_id]))
                self.assertEqual(basic[self.plan.id].title, TRICH_YEU_SUA)
                self.assertEqual(basic[self.unit_plan.id].title,
                                 "Đơn vị đang dự thảo kế hoạch")
                self.assertEqual(basic[self.unit_plan.id].unit_name, UNIT_NAME)
        # A page of one at a time answers the same instances.
        token, paged = "", {}
        while True:
            page = self.stub.ListInstances(pb.ListInstancesRequest(
                page_size=1, page_token=token, view=pb.INSTANCE_VIEW_FULL))
            paged.update({i.id: i for i in page.instances})
            token = page.next_page_token
            if not token:
                break
        self.assertEqual({k: paged[k] for k in self.ids},
                         {k: self.get(k) for k in self.ids})

    def test_an_unknown_view_is_refused(self):
        calls = ((self.stub.GetInbox, pb.GetInboxRequest),
                 (self.stub.ListInstances, pb.ListInstancesRequest))
        for call, request in calls:
            for view in (7, 3, -1):
                with self.subTest(call=request.__name__, view=view):
                    with self.assertRaises(grpc.RpcError) as raised:
                        call(request(view=view))
                    error = raised.exception
                    self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT)
                    self.assertIn("`view`", error.details())
                    self.assertIn(f"but got {view}", error.details())
                    reason, _ = refusal_reason(error)
                    self.assertEqual(reason, "INVALID_FIELD")


    def test_writes_answer_full_unless_asked(self):
        def start(**request):
            return self.stub.StartInstance(pb.StartInstanceRequest(
                workflow="ke_hoach_bcd", unit=UNIT,
                variables=harness.struct({"trich_yeu": TRICH_YEU}), **request))

        full = start().instance
        basic = start(view=pb.INSTANCE_VIEW_BASIC).instance
        self.assertTrue(full.HasField("variables"))
        self.assertEqual(full, self.get(full.id))
        self.assertFalse(basic.HasField("variables"))
        self.assertEqual(basic, without_variables(self.get(basic.id)))

        def fire(instance_id, **request):
            return self.stub.FireEvent(pb.FireEventRequest(
                instance_id=instance_id, event="ky",
                payload=harness.struct({"nguoi_ky": "Nguyễn Thị Hòa"}), **request))

        fired = fire(basic.id, view=pb.INSTANCE_VIEW_BASIC)
        self.assertFalse(fired.instance.HasField("variables"))
        self.assertEqual(fired.instance, without_variables(self.get(basic.id)))
        self.assertEqual(fired.instance.state, "cho_ban_hanh")
        # What the step changed is still in the answer, in its event.
        self.assertEqual(harness.values(fired.event.changes.set),
                         {"nguoi_ky": "Nguyễn Thị Hòa"})
        fired_full = fire(full.id, view=pb.INSTANCE_VIEW_FULL)
        self.assertEqual(fired_full.instance, self.get(full.id))
        self.assertEqual(harness.values(fired_full.instance.variables)["nguoi_ky"],
                         "Nguyễn Thị Hòa")

        # The view is not part of what an idempotency key stands for.
        first = fire(start().instance.id, idempotency_key="ky-1",
                     view=pb.INSTANCE_VIEW_BASIC)
        again = fire(first.instance.id, idempotency_key="ky-1")
        self.assertTrue(again.replayed)
        self.assertEqual(again.event, first.event)
        self.assertEqual(without_variables(again.instance), first.instance)
        self.assertTrue(again.instance.HasField("variables"))

        for view, has_variables in ((pb.INSTANCE_VIEW_BASIC, False),
                                    (pb.INSTANCE_VIEW_UNSPECIFIED, True)):
            with self.subTest(cancel_view=view):
                instance_id = start().instance.id
                cancelled = self.stub.CancelInstance(pb.CancelInstanceRequest(
                    instance_id=instance_id, reason="Lập nhầm", view=view))
                self.assertTrue(cancelled.instance.cancelled)
                self.assertEqual(cancelled.instance.HasField("variables"),
                                 has_variables)
                got = self.get(instance_id)
                self.assertEqual(cancelled.instance,
                                 got if has_variables else without_variables(got))

    def test_a_write_with_an_unknown_view_writes_nothing(self):
        key = "KH-view-7"
        target = self.stub.StartInstance(pb.StartInstanceRequest(
            workflow="ke_hoach_bcd", unit=UNIT)).instance
        calls = (
            (self.stub.StartInstance, pb.StartInstanceRequest(
                workflow="ke_hoach_bcd", unit=UNIT, business_key=key, view=7)),
            (self.stub.FireEvent, pb.FireEventRequest(
                instance_id=target.id, event="ky", view=7)),
            (self.stub.CancelInstance, pb.CancelInstanceRequest(
                instance_id=target.id, reason="Lập nhầm", view=7)))
        for call, request in calls:
            with self.subTest(call=type(request).__name__):
                with self.assertRaises(grpc.RpcError) as raised:
                    call(request)
                error = raised.exception
                self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT)
                self.assertIn("`view`", error.details())
                self.assertEqual(refusal_reason(error)[0], "INVALID_FIELD")
        self.assertEqual(self.get(target.id), target)
        found = self.admin.ListInstances(pb.ListInstancesRequest(business_key=key))
        self.assertEqual(list(found.instances), [])

class KeptInboxAnswers(unittest.TestCase):
    """An official reopening the inbox gets the answer kept from the last
    time while nothing on it changed, and sees every change at once."""

    @classmethod
    def setUpClass(cls):
        cls.metrics_port = harness.free_port()
        cls.server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("kept_inbox"),
            extra_flags=[f"--metrics_listen=127.0.0.1:{cls.metrics_port}"])
        cls.server.start()
        admin_token = cls.server.admin_token()
        harness.setup_org(cls.server.address, admin_token, ARGS.testdata)
        tokens = harness.issue_tokens(cls.server.address, admin_token,
                                      [OFFICIAL, "can-bo.tay-yen-tu"])
        cls.admin_channel = harness.authed_channel(cls.server.address, admin_token)
        rpc.WorkflowServiceStub(cls.admin_channel).DeployWorkflow(
            pb.DeployWorkflowRequest(source=read("ke_hoach_bcd.lua"),
                                     file_name="ke_hoach_bcd.lua"))
        cls.channel = harness.authed_channel(cls.server.address, tokens[OFFICIAL])
        cls.stub = rpc.WorkflowServiceStub(cls.channel)
        cls.other_channel = harness.authed_channel(
            cls.server.address, tokens["can-bo.tay-yen-tu"])
        cls.other = rpc.WorkflowServiceStub(cls.other_channel)

    @classmethod
    def tearDownClass(cls):
        for channel in (cls.channel, cls.other_channel, cls.admin_channel):
            channel.close()
        assert cls.server.stop() == 0, cls.server.log()

    def kept(self):
        """Inbox pages answered as kept so far (the server's metrics)."""
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("wf_inbox_answers_kept_total "):
                    return float(line.split()[1])
        self.fail("wf_inbox_answers_kept_total is not exported")

    def titles(self, stub):
        return {i.instance.id: i.instance.title
                for i in stub.GetInbox(pb.GetInboxRequest()).items}

    def start(self, stub, unit, trich_yeu):
        return stub.StartInstance(pb.StartInstanceRequest(
            workflow="ke_hoach_bcd", unit=unit,
            variables=harness.struct({"trich_yeu": trich_yeu}))).instance

    def test_every_change_shows_at_once(self):
        plan = self.start(self.stub, UNIT, TRICH_YEU)
        first = self.stub.GetInbox(pb.GetInboxRequest())
        kept_before = self.kept()
        self.assertEqual(self.stub.GetInbox(pb.GetInboxRequest()), first)
        self.assertEqual(self.kept(), kept_before + 1)
        # A step that changes only the trích yếu: the title changes.
        self.stub.FireEvent(pb.FireEventRequest(
            instance_id=plan.id, event="sua",
            payload=harness.struct({"truong": {"trich_yeu": TRICH_YEU_SUA}})))
        self.assertEqual(self.titles(self.stub)[plan.id], TRICH_YEU_SUA)
        # A document started in another commune is not on this page: the
        # answer kept for it is still sent.
        kept_before = self.kept()
        self.titles(self.stub)
        self.start(self.other, "07616", "Kế hoạch của xã Tây Yên Tử")
        mine = self.titles(self.stub)
        self.assertEqual(self.kept(), kept_before + 2)
        self.assertEqual(mine[plan.id], TRICH_YEU_SUA)
        self.assertEqual(len(mine), len(first.items))
        # One more in this commune: on the page at once.
        added = self.start(self.stub, UNIT, "Kế hoạch thứ hai")
        self.assertEqual(self.titles(self.stub)[added.id], "Kế hoạch thứ hai")

    def test_each_page_and_view_is_kept_apart(self):
        for n in range(3):
            self.start(self.stub, UNIT, f"Kế hoạch số {n}")
        full = self.stub.GetInbox(pb.GetInboxRequest(view=pb.INSTANCE_VIEW_FULL))
        basic = self.stub.GetInbox(pb.GetInboxRequest())
        self.assertTrue(full.items[0].instance.HasField("variables"))
        self.assertFalse(basic.items[0].instance.HasField("variables"))
        first = self.stub.GetInbox(pb.GetInboxRequest(page_size=1))
        second = self.stub.GetInbox(pb.GetInboxRequest(
            page_size=1, page_token=first.next_page_token))
        self.assertEqual(len(first.items), 1)
        self.assertNotEqual(first.items[0].instance.id,
                            second.items[0].instance.id)
        # Asked again, each answer is the same as before.
        self.assertEqual(self.stub.GetInbox(
            pb.GetInboxRequest(view=pb.INSTANCE_VIEW_FULL)), full)
        self.assertEqual(self.stub.GetInbox(pb.GetInboxRequest(
            page_size=1, page_token=first.next_page_token)), second)
        # Another reader, asking the same, does not get this official's
        # answer but their own.
        theirs = self.start(self.other, "07616", "Kế hoạch của xã Tây Yên Tử")
        self.assertIn(theirs.id, self.titles(self.other))
        self.assertNotIn(theirs.id, self.titles(self.stub))
        self.assertFalse(set(self.titles(self.other)) & set(self.titles(self.stub)))

    def test_a_request_that_does_not_parse_is_refused_with_words(self):
        raw = self.channel.unary_unary("/wf.v1.WorkflowService/GetInbox")
        # Field 2 (page_token), a string that is not UTF-8.
        with self.assertRaises(grpc.RpcError) as raised:
            raw(b"\x12\x02\xff\xfe")
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("UTF-8", raised.exception.details())
        self.assertEqual(refusal_reason(raised.exception)[0], "INVALID_FIELD")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
