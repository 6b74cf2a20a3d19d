#!/usr/bin/python3
"""Runs campaign scenarios: rehearsals of a province's year, step by step.

A scenario file (plugins/<province>/scenarios/*.toml, format in
docs/scenarios.md) says who does what on which day and what must then hold.
This program starts a fresh wf_server of its own in simulation mode (a new
data folder, the clock starting on the scenario's first day, the bundled
workflows and plugins loaded as `make run` loads them), plays the steps
through the gRPC API as the people they name — each with a token of their
own — and checks every assertion. Nothing touches a real server's data.

  admin/scenario.py plugins/bac_ninh/scenarios/ke_hoach_2026.toml
  admin/wfctl scenario plugins/*/scenarios/*.toml

Exit code 0 when every scenario passed, 1 when one failed (the step, what
was expected and what came), 2 when one could not run. What it prints is in
Vietnamese, for the province's administrators.
"""
import argparse
import datetime
import hashlib
import html
import os
import re
import shutil
import sys
import tempfile
import tomllib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import harness  # noqa: E402  (starts and stops wf_server)

VN = datetime.timezone(datetime.timedelta(hours=7))
# A tiny but real PDF: the engine checks a file's magic bytes.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Failed(Exception):
    pass


def refusal_reason(error):
    """The reason code of a refused call (google.rpc.ErrorInfo.reason in the
    status details, docs/errors.md), or None."""
    from google.rpc import error_details_pb2, status_pb2
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    if raw is None:
        return None
    for detail in status_pb2.Status.FromString(raw).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return None


class Scenario:
    """One scenario file played on one server."""

    def __init__(self, path, pb, rpc, channel, admin_token, verbose):
        with open(path, "rb") as f:
            self.spec = tomllib.load(f)
        self.path, self.pb, self.verbose = path, pb, verbose
        self.channel = channel
        self.stubs = [rpc.WorkflowServiceStub(channel), rpc.DocumentServiceStub(channel),
                      rpc.FileServiceStub(channel), rpc.AdminServiceStub(channel),
                      rpc.SimulationServiceStub(channel), rpc.DiagnosticsServiceStub(channel)]
        self.tokens = {None: admin_token}
        self.docs = {}  # name in the scenario -> instance id

    # --- calls -----------------------------------------------------------
    def call(self, method, request, person=None):
        stub = next(s for s in self.stubs if hasattr(s, method))
        token = self.token(person)
        return getattr(stub, method)(request, timeout=120,
                                     metadata=[("authorization", f"Bearer {token}")])

    def token(self, person):
        if person not in self.tokens:
            r = self.call("IssueToken", self.pb.IssueTokenRequest(
                person=person, note="scenario"))
            self.tokens[person] = r.token
        return self.tokens[person]

    # --- selection -------------------------------------------------------
    def doc(self, name):
        if name not in self.docs:
            raise Failed(f"không có hồ sơ nào tên '{name}' được mở ở các bước trước")
        return self.docs[name]

    def children(self, sel):
        """The children a `con` selector names, in the order they were started."""
        out, token = [], ""
        while True:
            r = self.call("ListInstances", self.pb.ListInstancesRequest(
                parent=self.doc(sel["cua"]), workflow=sel.get("workflow", ""),
                state=sel.get("trang_thai", ""), page_size=1000, page_token=token))
            out += list(r.instances)
            token = r.next_page_token
            if not token:
                break
        if "don_vi" in sel:
            units = set(sel["don_vi"])
            out = [i for i in out if i.unit in units]
            missing = units - {i.unit for i in out}
            if missing:
                raise Failed(f"không có hồ sơ con của các đơn vị {sorted(missing)}")
        start = sel.get("bo_qua", 0)
        end = start + sel["so_luong"] if "so_luong" in sel else None
        skip = set(sel.get("tru", []))
        return [i for i in out[start:end] if i.unit not in skip]

    def targets(self, step):
        """(instance id, unit) pairs a step acts on."""
        if "ho_so" in step:
            i = self.call("GetInstance", self.pb.GetInstanceRequest(instance_id=self.doc(step["ho_so"])))
            return [(i.id, i.unit)]
        if "con" in step:
            return [(i.id, i.unit) for i in self.children(step["con"])]
        raise Failed("bước này không chỉ ra hồ sơ (ho_so) hay các hồ sơ con (con) nào")

    @staticmethod
    def person(template, unit):
        return template.replace("{don_vi}", unit.replace("_", "-"))

    # --- steps -----------------------------------------------------------
    def advance(self, step):
        if "ngay" not in step:
            return
        day = datetime.date.fromisoformat(step["ngay"])
        hh, mm = map(int, step.get("gio", "08:00").split(":"))
        at = datetime.datetime(day.year, day.month, day.day, hh, mm, tzinfo=VN)
        from google.protobuf import timestamp_pb2
        ts = timestamp_pb2.Timestamp()
        ts.FromDatetime(at.astimezone(datetime.timezone.utc))
        self.call("AdvanceClock", self.pb.AdvanceClockRequest(until=ts))

    def expect_refusal(self, step, run):
        import grpc
        try:
            run()
        except grpc.RpcError as e:
            code = step.get("ma")
            if code and e.code().name != code:
                raise Failed(f"bị từ chối với mã {e.code().name} ({e.details()}), "
                             f"mong đợi mã {code}")
            if step["tu_choi"] not in e.details():
                raise Failed(f"bị từ chối với lời '{e.details()}', mong đợi lời có "
                             f"'{step['tu_choi']}'")
            reason = step.get("ma_ly_do")
            if reason and refusal_reason(e) != reason:
                raise Failed(f"bị từ chối với lý do {refusal_reason(e)} ({e.details()}), "
                             f"mong đợi lý do {reason}")
            return
        raise Failed(f"được chấp nhận, mong đợi bị từ chối với lời có '{step['tu_choi']}'")

    def act(self, step, run):
        if "tu_choi" in step:
            self.expect_refusal(step, run)
        else:
            run()

    def ids(self, value):
        """`value` with each text "@name" replaced by the id of the document
        named `name` earlier (in lists and tables too)."""
        if isinstance(value, str) and value.startswith("@"):
            return self.doc(value[1:])
        if isinstance(value, list):
            return [self.ids(v) for v in value]
        if isinstance(value, dict):
            return {k: self.ids(v) for k, v in value.items()}
        return value

    def start(self, step):
        from google.protobuf import struct_pb2
        variables = struct_pb2.Struct()
        variables.update(self.ids(step.get("bien", {})))

        def run():
            r = self.call("StartInstance", self.pb.StartInstanceRequest(
                workflow=step["mo"], unit=step["don_vi"], variables=variables,
                business_key=step.get("khoa", "")), step["ai"])
            if "ten" in step:
                self.docs[step["ten"]] = r.instance.id
        self.act(step, run)

    def fire(self, step):
        from google.protobuf import struct_pb2
        for instance_id, unit in self.targets(step):
            payload = struct_pb2.Struct()
            payload.update(self.ids(step.get("du_lieu", {})))
            person = self.person(step["ai"], unit)
            self.act(step, lambda: self.call("FireEvent", self.pb.FireEventRequest(
                instance_id=instance_id, event=step["lam"], payload=payload), person))

    def acknowledge(self, step):
        """`xac_nhan = true`: the person acknowledges the issued document for
        their unit (AcknowledgeDocument): its receipt, and its recall once
        recalled."""
        for instance_id, unit in self.targets(step):
            person = self.person(step["ai"], unit)
            self.act(step, lambda: self.call("AcknowledgeDocument",
                                             self.pb.AcknowledgeDocumentRequest(
                                                 instance_id=instance_id), person))

    def upload(self, step):
        data = PDF + step.get("noi_dung", "").encode()
        for instance_id, unit in self.targets(step):
            header = self.pb.UploadFileHeader(
                instance_id=instance_id, slot=step["tai_len"],
                name=step.get("ten_tep", step["tai_len"] + ".pdf"),
                sha256=hashlib.sha256(data).hexdigest(), size=len(data))
            parts = iter([self.pb.UploadFileRequest(header=header),
                          self.pb.UploadFileRequest(chunk=data)])
            person = self.person(step["ai"], unit)
            self.act(step, lambda: self.call("UploadFile", parts, person))

    # --- assertions ------------------------------------------------------
    def check_instance(self, want):
        from google.protobuf import json_format
        for instance_id, unit in self.targets(want):
            i = self.call("GetInstance", self.pb.GetInstanceRequest(instance_id=instance_id))
            where = f"{i.workflow} của {i.unit_name} ({unit})"
            if "trang_thai" in want and i.state != want["trang_thai"]:
                raise Failed(f"{where}: trạng thái {i.state}, mong đợi {want['trang_thai']}")
            values = json_format.MessageToDict(i.variables)
            for key, value in want.get("bien", {}).items():
                got = values.get(key)
                if isinstance(value, int) and isinstance(got, float):
                    got = int(got)
                if got != value:
                    raise Failed(f"{where}: {key} = {got!r}, mong đợi {value!r}")
            for key in want.get("khong_bien", []):
                if key in values:
                    raise Failed(f"{where}: còn biến {key} = {values[key]!r}, "
                                 "mong đợi không còn")
            if "tre_han" in want:
                late = any(c.expired for c in i.clocks)
                if late != want["tre_han"]:
                    raise Failed(f"{where}: trễ hạn = {late}, mong đợi {want['tre_han']}")
            if "huy" in want and i.cancelled != want["huy"]:
                raise Failed(f"{where}: đã hủy = {i.cancelled}, mong đợi {want['huy']}")
            if "plugin_version" in want and i.plugin_version != want["plugin_version"]:
                raise Failed(f"{where}: plugin phiên bản {i.plugin_version}, mong đợi "
                             f"{want['plugin_version']}")

    def check_document(self, want):
        d = self.call("GetDocument", self.pb.GetDocumentRequest(
            instance_id=self.doc(want["ho_so"])))
        got = {"so": d.issuance.reference, "trich_yeu": d.trich_yeu,
               "nguoi_ky": d.signer.name, "chuc_danh": list(d.signer.title_lines),
               "hinh_thuc": d.signer.form, "so_noi_nhan": len(d.recipients),
               "ngay": (f"{d.issuance.date.year:04}-{d.issuance.date.month:02}-"
                        f"{d.issuance.date.day:02}"),
               "thu_hoi": d.recall.reason,
               "chua_xac_nhan_thu_hoi": sum(
                   1 for r in d.recipients
                   if r.unit and d.HasField("recall") and not r.HasField("recall_confirmed_at"))}
        if "noi_nhan" in want:
            got["noi_nhan"] = self.printed_recipients(want["ho_so"])
        for key, value in want.items():
            if key != "ho_so" and got.get(key) != value:
                raise Failed(f"văn bản {want['ho_so']}: {key} = {got.get(key)!r}, "
                             f"mong đợi {value!r}")

    def printed_recipients(self, ho_so):
        """The lines of Nơi nhận as the rendered document prints them."""
        page = self.call("RenderDocument", self.pb.GetDocumentRequest(
            instance_id=self.doc(ho_so))).html
        return [html.unescape(line) for line in
                re.findall(r'<p class="recipient">(.*?)</p>', page)]

    def check_progress(self, want):
        instance_id, unit = self.targets(want)[0]
        p = self.call("GetProgress", self.pb.GetProgressRequest(
            instance_id=instance_id, workflow=want.get("workflow", "")))
        got = {s.state: s.count for s in p.states}
        got["tong"], got["tre"] = p.total, p.late_count
        for key, value in want["mong_doi"].items():
            if got.get(key, 0) != value:
                raise Failed(f"tiến độ của {unit}: {key} = {got.get(key, 0)}, "
                             f"mong đợi {value} (tất cả: {got})")

    def check_inbox(self, want):
        ids, token = set(), ""
        while True:
            r = self.call("GetInbox", self.pb.GetInboxRequest(page_size=1000,
                                                              page_token=token), want["ai"])
            ids |= {item.instance.id for item in r.items}
            token = r.next_page_token
            if not token:
                break
        for name in want.get("co", []):
            if self.doc(name) not in ids:
                raise Failed(f"hộp thư của {want['ai']}: thiếu '{name}'")
        for name in want.get("khong_co", []):
            if self.doc(name) in ids:
                raise Failed(f"hộp thư của {want['ai']}: không được có '{name}'")
        if "so_luong" in want and len(ids) != want["so_luong"]:
            raise Failed(f"hộp thư của {want['ai']}: {len(ids)} việc, mong đợi "
                         f"{want['so_luong']}")

    def history(self, instance_id):
        events, token = [], ""
        while True:
            r = self.call("GetHistory", self.pb.GetHistoryRequest(
                instance_id=instance_id, page_size=1000, page_token=token))
            events += [e.event for e in r.events]
            token = r.next_page_token
            if not token:
                return events

    def check_history(self, want):
        """The events in this order (others may come between), and a history
        that verifies (hash chain and replay)."""
        for instance_id, unit in self.targets(want):
            events = self.history(instance_id)
            it = iter(events)
            if not all(any(e == w for e in it) for w in want["su_kien"]):
                raise Failed(f"lịch sử của {unit}: {events}, mong đợi theo thứ tự "
                             f"{want['su_kien']}")
            v = self.call("VerifyInstance", self.pb.VerifyInstanceRequest(
                instance_id=instance_id))
            if not v.ok:
                raise Failed(f"lịch sử của {unit} không kiểm chứng được: {v}")

    def check_read(self, want):
        """`xem = {ai, ho_so or con, duoc}`: the person reads each selected
        document (GetInstance and GetHistory as them), or with `duoc = false`
        gets NOT_FOUND, as for a document that does not exist."""
        import grpc
        may = want.get("duoc", True)
        for instance_id, unit in self.targets(want):
            person = self.person(want["ai"], unit)
            try:
                self.call("GetInstance", self.pb.GetInstanceRequest(
                    instance_id=instance_id), person)
                self.call("GetHistory", self.pb.GetHistoryRequest(
                    instance_id=instance_id, page_size=1), person)
                seen = True
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.NOT_FOUND:
                    raise
                seen = False
            if seen != may:
                raise Failed(f"{person} {'không ' if may else ''}đọc được hồ sơ của "
                             f"{unit}, mong đợi {'đọc được' if may else 'không đọc được'}")

    CHECKS = {"kiem_tra": "check_instance", "van_ban": "check_document",
              "tien_do": "check_progress", "hop_thu": "check_inbox",
              "lich_su": "check_history", "xem": "check_read"}

    def change_plugin(self, step):
        """`doi_plugin = {ten =, thay = {old = new}}`: redeploys the bundled
        plugin `ten` with those replacements in its plugin.lua — "what if the
        deadline moved" — and checks it became a new version."""
        from wf.v1 import plugin_pb2, plugin_pb2_grpc
        want = step["doi_plugin"]
        folder = os.path.join(ROOT, "plugins", want["ten"])
        files = []
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                content = f.read()
            if name == "plugin.lua":
                text = content.decode()
                for old, new in want["thay"].items():
                    if old not in text:
                        raise Failed(f"plugin.lua của {want['ten']} không có '{old}' để thay")
                    text = text.replace(old, new)
                content = text.encode()
            files.append(plugin_pb2.PluginFile(path=name, content=content))
        stub = plugin_pb2_grpc.PluginServiceStub(self.channel)
        r = stub.DeployPlugin(plugin_pb2.DeployPluginRequest(name=want["ten"], files=files),
                              metadata=[("authorization", f"Bearer {self.tokens[None]}")])
        if not r.created:
            raise Failed(f"plugin {want['ten']} không đổi: không có phiên bản mới")

    def name(self, step):
        """`dat_ten = {ten =, con = {...}}`: names the first child selected."""
        want = step["dat_ten"]
        picked = self.children(want["con"])
        if not picked:
            raise Failed(f"không có hồ sơ con nào để đặt tên '{want['ten']}'")
        self.docs[want["ten"]] = picked[0].id

    def run_step(self, step):
        self.advance(step)
        if "dat_ten" in step:
            self.name(step)
        if "doi_plugin" in step:
            self.change_plugin(step)
        if "mo" in step:
            self.start(step)
        elif "tai_len" in step:
            self.upload(step)
        elif step.get("xac_nhan"):
            self.acknowledge(step)
        elif "lam" in step:
            self.fire(step)
        for key, method in self.CHECKS.items():
            if key in step:
                getattr(self, method)(step[key])

    def run(self):
        steps = self.spec.get("buoc", [])
        for n, step in enumerate(steps, 1):
            what = step.get("mo_ta", step.get("lam", step.get("mo", "")))
            try:
                self.run_step(step)
            except Failed as e:
                raise Failed(f"{self.path}: bước {n} ({what}): {e}") from None
            except Exception as e:  # a gRPC error where none was expected
                detail = e.details() if hasattr(e, "details") else str(e)
                raise Failed(f"{self.path}: bước {n} ({what}): {detail}") from None
            if self.verbose:
                print(f"  ✓ {n}. {what}")
        return len(steps)


def start_server(binary, data_dir, path):
    """A fresh wf_server in simulation mode from the scenario's first day,
    with the bundled workflows and plugins, as `make run` starts one."""
    with open(path, "rb") as f:
        first_day = tomllib.load(f)["bat_dau"]
    server = harness.ServerProcess(
        binary, data_dir, workflows_dir=os.path.join(ROOT, "workflows"),
        extra_flags=[f"--simulate_from={first_day}",
                     f"--plugins_dir={os.path.join(ROOT, 'plugins')}",
                     f"--calendar_file={os.path.join(ROOT, 'plugins/vn/calendar.json')}",
                     "--document_types_file=" +
                     os.path.join(ROOT, "plugins/vn/document_types.json")])
    server.start(timeout=120)
    return server


def run_file(path, args):
    import grpc
    data_dir = os.path.join(tempfile.mkdtemp(prefix="wf_scenario_"), "data")
    server = start_server(args.server, data_dir, path)
    try:
        sys.path.insert(0, args.stubs)
        from wf.v1 import workflow_pb2, workflow_pb2_grpc
        with grpc.insecure_channel(server.address) as channel:
            s = Scenario(path, workflow_pb2, workflow_pb2_grpc, channel,
                         server.admin_token(), args.verbose)
            n = s.run()
        print(f"OK  {path}: {n} bước — {s.spec.get('ten', '')}")
    finally:
        server.stop()
        if args.keep:
            print(f"    dữ liệu giữ lại ở {data_dir}")
        else:
            shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+")
    p.add_argument("--server", default=os.path.join(ROOT, "build/engine/service/wf_server"))
    p.add_argument("--stubs", default=os.path.join(ROOT, "build/python"))
    p.add_argument("--verbose", "-v", action="store_true")
    p.add_argument("--keep", action="store_true", help="giữ lại thư mục dữ liệu")
    args = p.parse_args(argv)
    failed = 0
    for path in args.files:
        try:
            run_file(path, args)
        except Failed as e:
            print(f"FAIL {e}")
            failed += 1
        except KeyError as e:
            print(f"ERROR {path}: thiếu trường {e} (docs/scenarios.md)")
            sys.exit(2)
        except tomllib.TOMLDecodeError as e:
            print(f"ERROR {path}: không đọc được tệp TOML: {e}")
            sys.exit(2)
        except (OSError, RuntimeError) as e:
            print(f"ERROR {path}: {e}")
            sys.exit(2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
