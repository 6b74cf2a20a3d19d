#!/usr/bin/python3
"""The server's resident memory after memory-hungry scripts (docs/benchmarks.md).

  bench/lua_memory.py --build build [--workflows 6] [--calls 400] [--concurrency 16]

Deploys --workflows workflows whose `start` function fills about 24 MiB of
its sandbox with garbage and returns normally (under half the 64 MiB cap, so
the state used to go back to the pool with it), and one whose `start` runs
into the cap. Starts --calls instances of each, --concurrency at a time
(each call in flight holds a sandbox of its own), then waits --settle_s
seconds and reads the server's resident memory (VmRSS): what the pools and
the allocator keep once the attack is over.
"""
import argparse
import concurrent.futures
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import run_bench  # noqa: E402

HOG = """
workflow "{name}" {{
  initial = "a",
  who = {{ role = "*", unit = "same_unit" }},
  start = function(ctx)
    local t = {{}}
    for i = 1, {mib} do t[i] = string.rep("x", 1048576 - 64) .. i end
    ctx.vars.n = #t
  end,
}}
state "a" {{ title = "A" }}
state "b" {{ title = "B", final = true }}
transition "xong" {{ from = "a", to = "b" }}
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--server", default="", help="wf_server binary (default: the build's)")
    parser.add_argument("--workflows", type=int, default=6)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--settle_s", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    server_bin = args.server or os.path.join(args.build, "engine", "service", "wf_server")
    work = tempfile.mkdtemp(prefix="wf_lua_memory_")
    units = run_bench.communes(1)
    server = harness.ServerProcess(server_bin, os.path.join(work, "data"))
    server.start()
    people = run_bench.setup(server, units, work)
    with open(people) as f:
        token, unit = f.read().split()[:2]
    stub = rpc.WorkflowServiceStub(harness.authed_channel(server.address, token))
    admin = rpc.WorkflowServiceStub(harness.authed_channel(server.address,
                                                           server.admin_token()))
    names = [f"an_bo_nho_{i}" for i in range(args.workflows)]
    sources = {n: HOG.format(name=n, mib=24) for n in names}
    sources["vuot_tran"] = HOG.format(name="vuot_tran", mib=200)
    for name, source in sources.items():
        admin.DeployWorkflow(pb.DeployWorkflowRequest(source=source,
                                                      file_name=name + ".lua"))
    rss_before = run_bench.rss_kib(server.proc.pid) / 1024

    def start(name):
        try:
            stub.StartInstance(pb.StartInstanceRequest(workflow=name, unit=unit))
            return "ok"
        except Exception as e:  # grpc.RpcError
            return e.code().name
    outcomes = {}
    began = time.time()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        jobs = [n for _ in range(args.calls) for n in sources]
        for name, outcome in zip(jobs, pool.map(start, jobs)):
            outcomes[(name.startswith("vuot"), outcome)] = \
                outcomes.get((name.startswith("vuot"), outcome), 0) + 1
    took = time.time() - began
    peak = run_bench.status_kib(server.proc.pid, "VmHWM") / 1024
    time.sleep(args.settle_s)
    rss_after = run_bench.rss_kib(server.proc.pid) / 1024
    server.stop()
    print(f"{len(sources)} workflows ({args.workflows} leaving 24 MiB of garbage, "
          f"1 over the cap), {args.calls} starts each, {args.concurrency} at a "
          f"time, {took:.0f} s; outcomes {outcomes}")
    print(f"resident memory: {rss_before:.0f} MiB before, peak {peak:.0f} MiB, "
          f"{rss_after:.0f} MiB {args.settle_s} s after the last call")


if __name__ == "__main__":
    main()
