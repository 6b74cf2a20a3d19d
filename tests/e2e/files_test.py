"""Files over gRPC, as an integrator uses them: FileService.UploadFile
(client-streaming: a header, then chunks), DownloadFile (server-streaming:
the metadata, then chunks, byte-exact), ListFiles, and the refusals with
their reasons, against the real wf_server.

  files_test.py --server build/engine/service/wf_server --stubs build/python \
                --testdata tests/testdata
"""
import hashlib
import io
import os
import shutil
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, _ = harness.parse_args()

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

MIB = 1 << 20


def reason_of(error):
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert raw is not None, f"no error details: {error.details()}"
    for any_ in status_pb2.Status.FromString(raw).details:
        if any_.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            any_.Unpack(info)
            return info.reason
    return None


def pdf(size, seed=0):
    body = bytes((i * 7 + seed) % 251 for i in range(size))
    return (b"%PDF-1.7\n" + body)[:size]


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def messages(instance_id, slot, name, data, sha=None, size=None, key="",
             header=True, chunk=MIB):
    if header:
        h = pb.UploadFileHeader(instance_id=instance_id, slot=slot, name=name,
                                sha256=sha or hashlib.sha256(data).hexdigest(),
                                idempotency_key=key)
        if size is not None:
            h.size = size
        yield pb.UploadFileRequest(header=h)
    for at in range(0, len(data), chunk):
        yield pb.UploadFileRequest(chunk=data[at:at + chunk])


def download(files, instance_id, slot, version=0):
    parts = list(files.DownloadFile(pb.DownloadFileRequest(
        instance_id=instance_id, slot=slot, version=version)))
    assert parts[0].HasField("file"), parts[0]
    return parts[0].file, b"".join(p.chunk for p in parts[1:])


def refused(call, code, reason):
    try:
        call()
    except grpc.RpcError as e:
        assert e.code() == code, (e.code(), e.details())
        assert reason_of(e) == reason, (reason_of(e), e.details())
        return e
    raise AssertionError(f"expected {code} {reason}, but the call succeeded")


def main():
    data_dir = harness.temp_data_dir("files")
    server = harness.ServerProcess(ARGS.server, data_dir, workflows_dir=ARGS.testdata,
                                   extra_flags=["--max_file_mb=8"])
    server.start()
    try:
        run(server)
    except BaseException:
        print(server.log()[-4000:])
        raise
    finally:
        server.stop()
    shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)
    print("OK: files upload, download byte-exact, version, and are refused "
          "with their reasons")


def run(server):
    harness.setup_org(server.address, server.admin_token(), ARGS.testdata)
    tokens = harness.issue_tokens(server.address, server.admin_token(),
                                  ["can-bo.dai-son", "chu-tich.tay-yen-tu"])
    official = harness.authed_channel(server.address, tokens["can-bo.dai-son"])
    stranger = harness.authed_channel(server.address, tokens["chu-tich.tay-yen-tu"])
    workflows = rpc.WorkflowServiceStub(official)
    files = rpc.FileServiceStub(official)
    started = workflows.StartInstance(pb.StartInstanceRequest(workflow="dem", unit="07627"))
    iid = started.instance.id

    first = pdf(MIB + 1)
    answer = files.UploadFile(messages(iid, "du_thao", "Kế hoạch.pdf", first,
                                       size=len(first), key="up-1"))
    assert answer.file.version == 1 and answer.file.size == len(first), answer
    assert answer.file.media_type == "application/pdf", answer
    assert answer.file.sha256 == hashlib.sha256(first).hexdigest()
    assert answer.file.name == "Kế hoạch.pdf"
    assert answer.instance_version == 2, answer
    again = files.UploadFile(messages(iid, "du_thao", "Kế hoạch.pdf", first,
                                      size=len(first), key="up-1"))
    assert again.replayed and again.file.version == 1, again
    second = docx()
    answer2 = files.UploadFile(messages(iid, "du_thao", "ban-2.docx", second, chunk=100))
    assert answer2.file.version == 2 and answer2.file.media_type.endswith(
        "wordprocessingml.document"), answer2
    meta, got = download(files, iid, "du_thao", 1)
    assert got == first and meta.version == 1, (len(got), meta)
    meta, got = download(files, iid, "du_thao")
    assert got == second and meta.version == 2
    empty_pdf = pdf(5)
    files.UploadFile(messages(iid, "ban_ky", "a.pdf", empty_pdf))
    assert download(files, iid, "ban_ky")[1] == empty_pdf
    slots = files.ListFiles(pb.ListFilesRequest(instance_id=iid)).slots
    assert [(s.slot, len(s.versions)) for s in slots] == [("du_thao", 2), ("ban_ky", 1)]
    history = workflows.GetHistory(pb.GetHistoryRequest(instance_id=iid)).events
    assert [e.event for e in history].count("wf.attach") == 3
    assert workflows.VerifyInstance(pb.VerifyInstanceRequest(instance_id=iid)).ok

    C = grpc.StatusCode
    version = workflows.GetInstance(pb.GetInstanceRequest(instance_id=iid)).version
    good = pdf(300000)
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "x.pdf", good,
                                              sha="ab" * 32)),
            C.DATA_LOSS, "FILE_HASH_MISMATCH")
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "x.pdf", good,
                                              size=len(good) + 1)),
            C.INVALID_ARGUMENT, "UPLOAD_INCOMPLETE")
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "x.pdf", good,
                                              header=False)),
            C.INVALID_ARGUMENT, "UPLOAD_INCOMPLETE")
    elf = b"\x7fELF\x02\x01\x01" + good
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "ke_hoach.pdf", elf)),
            C.INVALID_ARGUMENT, "MEDIA_TYPE_REFUSED")
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "../x.pdf", good)),
            C.INVALID_ARGUMENT, "FILE_NAME_INVALID")
    refused(lambda: files.UploadFile(messages(iid, "Du Thao", "x.pdf", good)),
            C.INVALID_ARGUMENT, "FILE_SLOT_INVALID")
    big = pdf(8 * MIB + 1)
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "x.pdf", big)),
            C.RESOURCE_EXHAUSTED, "FILE_TOO_LARGE")
    refused(lambda: files.UploadFile(messages(iid, "du_thao", "x.pdf", good,
                                              size=9 * MIB)),
            C.RESOURCE_EXHAUSTED, "FILE_TOO_LARGE")
    refused(lambda: rpc.FileServiceStub(stranger).UploadFile(
                messages(iid, "du_thao", "x.pdf", good)),
            C.NOT_FOUND, "INSTANCE_NOT_FOUND")
    refused(lambda: download(rpc.FileServiceStub(stranger), iid, "du_thao"),
            C.NOT_FOUND, "INSTANCE_NOT_FOUND")
    refused(lambda: download(files, iid, "du_thao", 3), C.NOT_FOUND, "FILE_NOT_FOUND")
    after = workflows.GetInstance(pb.GetInstanceRequest(instance_id=iid)).version
    assert after == version, (after, version)  # refusals changed nothing
    assert [(s.slot, len(s.versions)) for s in files.ListFiles(
        pb.ListFilesRequest(instance_id=iid)).slots] == [("du_thao", 2), ("ban_ky", 1)]


if __name__ == "__main__":
    main()
