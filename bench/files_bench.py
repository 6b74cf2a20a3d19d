#!/usr/bin/python3
"""Files: upload and download throughput of one 64 MiB file over gRPC
(FileService), beside the raw disk's sequential write (with fsync) and read
of 64 MiB in the same folder, in the same run; prints the ratios.

  bench/files_bench.py --build build [--mib 64] [--rounds 3]

The client is Python (grpcio), as an integrator's would be; its own cost is
part of the figure. The raw read drops the file's pages from the page cache
first (posix_fadvise DONTNEED), so it reads the disk as the server's first
download of a file does. Run by bench/run_bench.py too.
"""
import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import harness  # noqa: E402

MIB = 1 << 20


def raw_disk(folder, data):
    path = os.path.join(folder, "raw.bin")
    start = time.perf_counter()
    with open(path, "wb") as f:
        for at in range(0, len(data), MIB):
            f.write(data[at:at + MIB])
        f.flush()
        os.fsync(f.fileno())
    write_s = time.perf_counter() - start
    with open(path, "rb") as f:
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        start = time.perf_counter()
        while f.read(MIB):
            pass
        read_s = time.perf_counter() - start
    os.remove(path)
    return write_s, read_s


def over_grpc(files, pb, iid, data, n):
    sha = hashlib.sha256(data).hexdigest()

    def messages():
        yield pb.UploadFileRequest(header=pb.UploadFileHeader(
            instance_id=iid, slot=f"ban_{n}", name="bench.pdf", sha256=sha,
            size=len(data)))
        for at in range(0, len(data), MIB):
            yield pb.UploadFileRequest(chunk=data[at:at + MIB])

    start = time.perf_counter()
    files.UploadFile(messages())
    upload_s = time.perf_counter() - start
    start = time.perf_counter()
    got = 0
    for part in files.DownloadFile(pb.DownloadFileRequest(instance_id=iid,
                                                          slot=f"ban_{n}")):
        got += len(part.chunk)
    download_s = time.perf_counter() - start
    assert got == len(data), (got, len(data))
    return upload_s, download_s


def measure(build, mib=64, rounds=3):
    sys.path.insert(0, os.path.join(build, "python"))
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    work = tempfile.mkdtemp(prefix="wf_files_bench_")
    server = harness.ServerProcess(
        os.path.join(build, "engine", "service", "wf_server"),
        os.path.join(work, "data"), workflows_dir=os.path.join(ROOT, "tests", "testdata"),
        extra_flags=[f"--max_file_mb={mib}"])
    server.start()
    try:
        harness.setup_org(server.address, server.admin_token(),
                          os.path.join(ROOT, "tests", "testdata"))
        token = harness.issue_tokens(server.address, server.admin_token(),
                                     ["can-bo.dai-son"])["can-bo.dai-son"]
        channel = harness.authed_channel(server.address, token)
        iid = rpc.WorkflowServiceStub(channel).StartInstance(
            pb.StartInstanceRequest(workflow="dem", unit="07627")).instance.id
        files = rpc.FileServiceStub(channel)
        samples = []
        for n in range(rounds):
            # New bytes each round: stored once means a repeat would store nothing.
            data = b"%PDF-1.7\n" + os.urandom(mib * MIB - 9)
            up, down = over_grpc(files, pb, iid, data, n)
            w, r = raw_disk(work, data)
            samples.append((up, down, w, r))
        channel.close()
    finally:
        server.stop()
    up, down, w, r = (statistics.median(s[i] for s in samples) for i in range(4))
    return {"mib": mib, "upload_mib_s": mib / up, "download_mib_s": mib / down,
            "disk_write_fsync_mib_s": mib / w, "disk_read_mib_s": mib / r}


def report(f):
    print(f"files ({f['mib']} MiB, median of rounds): upload {f['upload_mib_s']:.0f} MiB/s "
          f"vs disk write+fsync {f['disk_write_fsync_mib_s']:.0f} MiB/s "
          f"(ratio {f['upload_mib_s'] / f['disk_write_fsync_mib_s']:.2f}); "
          f"download {f['download_mib_s']:.0f} MiB/s vs disk read "
          f"{f['disk_read_mib_s']:.0f} MiB/s "
          f"(ratio {f['download_mib_s'] / f['disk_read_mib_s']:.2f})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--mib", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    report(measure(args.build, args.mib, args.rounds))


if __name__ == "__main__":
    main()
