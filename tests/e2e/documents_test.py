"""Documents end to end, as outside systems see them: a Bắc Ninh BCĐ plan is
signed and issued to two communes; each finds it in its incoming list and
acknowledges receipt; the issuer sees who has; the register holds its number.

Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

ISSUER = "chuyen-vien.tham-muu"   # Phòng Tham mưu: the BCĐ's văn thư
DAI_SON, TAY_YEN_TU = "07627", "07616"
PEOPLE = [ISSUER, "can-bo.dai-son", "chu-tich.dai-son", "can-bo.tay-yen-tu",
          "chuyen-vien.noi-vu"]


def reason_of(error):
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    status = status_pb2.Status.FromString(raw)
    for any_ in status.details:
        if any_.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            any_.Unpack(info)
            return info.reason
    return None


class Documents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.ServerProcess(ARGS.server,
                                           harness.temp_data_dir("documents"))
        cls.server.start()
        admin_token = cls.server.admin_token()
        harness.setup_org(cls.server.address, admin_token, ARGS.testdata)
        tokens = harness.issue_tokens(cls.server.address, admin_token, PEOPLE)
        admin = rpc.WorkflowServiceStub(
            harness.authed_channel(cls.server.address, admin_token))
        for name in ("ke_hoach_bcd.lua", "bao_cao_con.lua"):
            with open(os.path.join(ARGS.testdata, name), encoding="utf-8") as f:
                admin.DeployWorkflow(pb.DeployWorkflowRequest(
                    source=f.read(), file_name=name))
        cls.admin_docs = rpc.DocumentServiceStub(
            harness.authed_channel(cls.server.address, admin_token))
        cls.workflows = {}
        cls.docs = {}
        for person, token in tokens.items():
            channel = harness.authed_channel(cls.server.address, token)
            cls.workflows[person] = rpc.WorkflowServiceStub(channel)
            cls.docs[person] = rpc.DocumentServiceStub(channel)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def refused(self, code, call, request):
        with self.assertRaises(grpc.RpcError) as raised:
            call(request)
        self.assertEqual(raised.exception.code(), code, raised.exception.details())
        return reason_of(raised.exception)

    def test_recall_then_each_recipient_confirms(self):
        flow = self.workflows[ISSUER]
        plan = flow.StartInstance(pb.StartInstanceRequest(
            workflow="ke_hoach_bcd", unit="phong_tham_muu",
            variables=harness.struct({"trich_yeu": "Kế hoạch ban hành nhầm"}))).instance
        flow.FireEvent(pb.FireEventRequest(instance_id=plan.id, event="ky"))
        flow.FireEvent(pb.FireEventRequest(
            instance_id=plan.id, event="ban_hanh",
            payload=harness.struct({"xa": [TAY_YEN_TU]})))
        flow.FireEvent(pb.FireEventRequest(
            instance_id=plan.id, event="thu_hoi",
            payload=harness.struct({"ly_do": "Ban hành nhầm đối tượng"})))

        doc = self.docs[ISSUER].GetDocument(pb.GetDocumentRequest(instance_id=plan.id))
        self.assertEqual(doc.recall.reason, "Ban hành nhầm đối tượng")
        self.assertEqual(doc.recall.recalled_by, ISSUER)
        self.assertTrue(doc.recall.HasField("recalled_at"))
        self.assertTrue(doc.issuance.reference.endswith("/KH-BCĐ"))

        def mine(only_waiting):
            listed = self.docs["can-bo.tay-yen-tu"].ListIncoming(
                pb.ListIncomingRequest(only_unacknowledged=only_waiting)).documents
            return [d for d in listed if d.instance_id == plan.id]
        waiting = mine(True)
        self.assertEqual(len(waiting), 1)
        self.assertTrue(waiting[0].recalled)
        self.assertFalse(waiting[0].recall_confirmed)
        self.assertEqual(waiting[0].recall_reason, "Ban hành nhầm đối tượng")

        confirmed = self.docs["can-bo.tay-yen-tu"].AcknowledgeDocument(
            pb.AcknowledgeDocumentRequest(instance_id=plan.id))
        line = {r.unit: r for r in confirmed.document.recipients}[TAY_YEN_TU]
        self.assertTrue(line.HasField("recall_confirmed_at"))
        self.assertEqual(line.recall_confirmed_by, "can-bo.tay-yen-tu")
        self.assertTrue(line.HasField("acknowledged_at"))
        self.assertEqual(mine(True), [])
        self.assertTrue(mine(False)[0].recall_confirmed)

        # The register keeps the number, saying it was recalled; the feed
        # tells integrators.
        entries = self.docs[ISSUER].ReadRegister(pb.ReadRegisterRequest(
            register="bcd-138-bac-ninh", year=doc.issuance.date.year,
            page_size=1000)).entries
        entry = [e for e in entries if e.instance_id == plan.id][0]
        self.assertEqual(entry.recall_reason, "Ban hành nhầm đối tượng")
        self.assertTrue(entry.HasField("recalled_at"))
        feed = rpc.FeedServiceStub(harness.authed_channel(
            self.server.address, self.server.admin_token()))
        item = next(iter(feed.Watch(pb.WatchRequest(kinds=["document_recalled"]),
                                    timeout=10)))
        self.assertEqual(item.instance_id, plan.id)
        self.assertEqual(item.data["reason"], "Ban hành nhầm đối tượng")

        page = self.docs[ISSUER].RenderDocument(pb.GetDocumentRequest(instance_id=plan.id))
        self.assertIn("ĐÃ THU HỒI", page.html)
        self.assertIn("Ban hành nhầm đối tượng", page.html)
        self.assertTrue(flow.VerifyInstance(
            pb.VerifyInstanceRequest(instance_id=plan.id)).ok)

    def test_issue_receive_acknowledge_register(self):
        flow = self.workflows[ISSUER]
        plan = flow.StartInstance(pb.StartInstanceRequest(
            workflow="ke_hoach_bcd", unit="phong_tham_muu",
            variables=harness.struct({
                "trich_yeu": "Thực hiện phong trào toàn dân bảo vệ an ninh "
                             "Tổ quốc năm 2026"}))).instance
        flow.FireEvent(pb.FireEventRequest(instance_id=plan.id, event="ky"))
        issued = flow.FireEvent(pb.FireEventRequest(
            instance_id=plan.id, event="ban_hanh",
            payload=harness.struct({"xa": [DAI_SON, TAY_YEN_TU]})))
        self.assertEqual(issued.event.event, "ban_hanh")

        # Each commune finds it in its incoming list, not yet acknowledged.
        incoming = self.docs["can-bo.dai-son"].ListIncoming(
            pb.ListIncomingRequest(only_unacknowledged=True)).documents
        self.assertEqual(len(incoming), 1)
        self.assertEqual(incoming[0].instance_id, plan.id)
        self.assertTrue(incoming[0].reference.endswith("/KH-BCĐ"))
        self.assertEqual(incoming[0].unit, DAI_SON)
        self.assertFalse(incoming[0].acknowledged)
        reference = incoming[0].reference

        # Đại Sơn acknowledges; a second person of Đại Sơn gets that answer.
        first = self.docs["can-bo.dai-son"].AcknowledgeDocument(
            pb.AcknowledgeDocumentRequest(instance_id=plan.id))
        self.assertFalse(first.replayed)
        self.assertEqual(first.event.event, "wf.acknowledge")
        again = self.docs["chu-tich.dai-son"].AcknowledgeDocument(
            pb.AcknowledgeDocumentRequest(instance_id=plan.id))
        self.assertTrue(again.replayed)
        self.assertEqual(again.event.seq, first.event.seq)
        self.assertEqual(len(self.docs["can-bo.dai-son"].ListIncoming(
            pb.ListIncomingRequest(only_unacknowledged=True)).documents), 0)

        # Someone of no recipient unit: refused, or not even shown it.
        self.assertEqual(self.refused(
            grpc.StatusCode.PERMISSION_DENIED,
            self.docs[ISSUER].AcknowledgeDocument,
            pb.AcknowledgeDocumentRequest(instance_id=plan.id)),
            "NOT_A_RECIPIENT")
        self.refused(grpc.StatusCode.NOT_FOUND,
                     self.docs["chuyen-vien.noi-vu"].GetDocument,
                     pb.GetDocumentRequest(instance_id=plan.id))

        # The issuer sees who has acknowledged and who has not.
        doc = self.docs[ISSUER].GetDocument(
            pb.GetDocumentRequest(instance_id=plan.id))
        self.assertEqual(doc.issuance.reference, reference)
        self.assertEqual(doc.signer.form, "KT.")
        by_unit = {r.unit: r for r in doc.recipients if r.unit}
        self.assertTrue(by_unit[DAI_SON].HasField("acknowledged_at"))
        self.assertEqual(by_unit[DAI_SON].acknowledged_by, "can-bo.dai-son")
        self.assertFalse(by_unit[TAY_YEN_TU].HasField("acknowledged_at"))
        self.assertEqual(by_unit[DAI_SON].group, "BCĐ 138 cấp xã")
        self.assertEqual(by_unit[DAI_SON].label, f"BCĐ 138 xã {DAI_SON}")

        # Rendered for the screen and for printing, read as GetDocument.
        page = self.docs[ISSUER].RenderDocument(
            pb.GetDocumentRequest(instance_id=plan.id))
        self.assertEqual(page.media_type, "text/html; charset=utf-8")
        self.assertIn(f"Số: {reference}", page.html)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", page.html)
        # Nơi nhận names the communes' group once, not each commune.
        self.assertEqual(re.findall(r'<p class="recipient">(.*?)</p>', page.html),
                         ["- BCĐ 138 cấp xã (để t/hiện);", "- Lưu: VT, PV01."])
        self.refused(grpc.StatusCode.NOT_FOUND,
                     self.docs["chuyen-vien.noi-vu"].RenderDocument,
                     pb.GetDocumentRequest(instance_id=plan.id))

        # The register: the number, its document and signer.
        year = doc.issuance.year
        entries = self.docs[ISSUER].ReadRegister(pb.ReadRegisterRequest(
            register="bcd-138-bac-ninh", year=year)).entries
        self.assertEqual([e.number for e in entries], [1])
        self.assertEqual(entries[0].reference, reference)
        self.assertEqual(entries[0].instance_id, plan.id)
        self.assertEqual(entries[0].signer_name, "Nguyễn Văn Khải")
        self.assertEqual(len(self.admin_docs.ReadRegister(pb.ReadRegisterRequest(
            register="bcd-138-bac-ninh", year=year)).entries), 1)
        self.assertEqual(len(self.docs["can-bo.dai-son"].ReadRegister(
            pb.ReadRegisterRequest(register="bcd-138-bac-ninh",
                                   year=year)).entries), 0)
        self.assertTrue(flow.VerifyInstance(
            pb.VerifyInstanceRequest(instance_id=plan.id)).ok)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
