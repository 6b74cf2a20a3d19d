#!/usr/bin/python3
"""The same figures as the store grows (docs/benchmarks.md, "Growth").

  bench/growth.py --build build [--sizes 10000,100000,1000000] [--seconds 8]

For each size N: `populate` writes N instances of the bench workflow
(~2 KB of variables each) through the embedded engine, spread over 20
communes; a server starts on that data; then, at 64 in flight and in one
run, the transport floor (Ping), inbox pages (GetInbox, 20 items, as each
commune's official), transitions (the approval load, writes only) and Ping
again. The inbox and transition rates are reported beside the mean of the
two Pings, as ratios (the Pings are printed too: a store just populated is
compacted in the background for a while, which slows everything).

Then the history question: a document with 100 events against one with a
single event. One client, one call at a time: FireEvent and GetInstance on
an instance of tests/testdata/dem.lua fired 100 times already, and on
fresh ones, p50 of each (microseconds, client side).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import harness  # noqa: E402
import run_bench as rb  # noqa: E402


def populate(build, work, n, units):
    data = os.path.join(work, f"data_{n}")
    people_csv = os.path.join(work, "people.csv")
    with open(people_csv, "w", encoding="utf-8") as f:
        f.write(rb.people_csv(units))
    units_txt = os.path.join(work, "units.txt")
    with open(units_txt, "w") as f:
        f.writelines(f"- {u}\n" for u in units)
    testdata = os.path.join(ROOT, "tests", "testdata")
    out = rb.last_json(rb.run([
        os.path.join(build, "bench", "populate"), f"--data_dir={data}",
        f"--instances={n}", f"--people={units_txt}", f"--people_csv={people_csv}",
        f"--workflow={os.path.join(HERE, 'workflows', 'phe_duyet_5_buoc.lua')}",
        f"--org_dir={os.path.join(testdata, 'org')}",
        f"--provinces_dir={harness.provinces_dir(testdata)}"]))
    return data, out


def p50_us(call, times):
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1e6)
    return statistics.median(samples)


def history_depth(server, token, unit, pb, rpc):
    """p50 of a step and a read on a document with 100 events, and with 1."""
    admin = rpc.WorkflowServiceStub(harness.authed_channel(
        server.address, server.admin_token()))
    with open(os.path.join(ROOT, "tests", "testdata", "dem.lua"),
              encoding="utf-8") as f:
        admin.DeployWorkflow(pb.DeployWorkflowRequest(source=f.read(),
                                                      file_name="dem.lua"))
    stub = rpc.WorkflowServiceStub(harness.authed_channel(server.address, token))

    def start():
        return stub.StartInstance(pb.StartInstanceRequest(
            workflow="dem", unit=unit)).instance.id

    def fire(instance):
        stub.FireEvent(pb.FireEventRequest(instance_id=instance, event="tang"))

    deep = start()
    for _ in range(100):
        fire(deep)
    fresh = [start() for _ in range(200)]
    it = iter(fresh)
    return {
        "fire_deep_us": p50_us(lambda: fire(deep), 200),
        "fire_fresh_us": p50_us(lambda: fire(next(it)), 200),
        "get_deep_us": p50_us(lambda: stub.GetInstance(
            pb.GetInstanceRequest(instance_id=deep)), 500),
        "get_fresh_us": p50_us(lambda: stub.GetInstance(
            pb.GetInstanceRequest(instance_id=fresh[0])), 500),
    }


def measure(args, work, n, units):
    data, pop = populate(args.build, work, n, units)
    server = harness.ServerProcess(
        os.path.join(args.build, "engine", "service", "wf_server"), data)
    server.start()
    try:
        from wf.v1 import workflow_pb2 as pb
        from wf.v1 import workflow_pb2_grpc as rpc
        people = [f"can-bo.{u}" for u in units]
        tokens = harness.issue_tokens(server.address, server.admin_token(), people)
        people_txt = os.path.join(work, "people.txt")
        with open(people_txt, "w") as f:
            f.writelines(f"{tokens['can-bo.' + u]} {u}\n" for u in units)
        c, s = args.concurrency, args.seconds
        # Ping before and after: RocksDB compacts a freshly populated store
        # in the background at first, which slows everything for a while.
        first = rb.loadgen(args.build, server, people_txt, "ping", c, s)["ping"]
        inbox = rb.loadgen(args.build, server, people_txt, "inbox", c, s)["inbox"]
        write = rb.loadgen(args.build, server, people_txt, "approval", c, s)["write"]
        last = rb.loadgen(args.build, server, people_txt, "ping", c, s)["ping"]
        ping = dict(first, per_s=(first["per_s"] + last["per_s"]) / 2,
                    before=first["per_s"], after=last["per_s"])
        depth = history_depth(server, tokens[people[0]], units[0], pb, rpc)
        rss = rb.rss_kib(server.proc.pid) // 1024
    finally:
        server.stop()
    size = subprocess.run(["du", "-sm", data], capture_output=True,
                          text=True).stdout.split()[0]
    shutil.rmtree(data, ignore_errors=True)
    return {"n": n, "populate_per_s": pop["per_s"], "ping": ping,
            "inbox": inbox, "write": write, "depth": depth, "rss_mib": rss,
            "data_mib": int(size)}


def report(rows):
    print("\n## Growth (64 in flight; ratios to Ping in the same run)\n")
    print("| instances stored | Ping/s (before, after) | inbox pages/s (ratio) | inbox p50 / p99 µs "
          "| transitions/s (ratio) | transition p50 / p99 µs | data MiB | RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        p, i, w = r["ping"]["per_s"], r["inbox"], r["write"]
        print(f"| {r['n']:,} | {p:,.0f} ({r['ping']['before']:,.0f}, "
              f"{r['ping']['after']:,.0f}) | {i['per_s']:,.0f} ({i['per_s'] / p:.2f}) "
              f"| {i['p50_us']:,.0f} / {i['p99_us']:,.0f} "
              f"| {w['per_s']:,.0f} ({w['per_s'] / p:.2f}) "
              f"| {w['p50_us']:,.0f} / {w['p99_us']:,.0f} | {r['data_mib']:,} "
              f"| {r['rss_mib']} |")
    print("\n## History depth (one client, p50 µs: 100 events / 1 event)\n")
    print("| instances stored | FireEvent | GetInstance |")
    print("|---|---|---|")
    for r in rows:
        d = r["depth"]
        print(f"| {r['n']:,} | {d['fire_deep_us']:,.0f} / {d['fire_fresh_us']:,.0f} "
              f"| {d['get_deep_us']:,.0f} / {d['get_fresh_us']:,.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    units = rb.communes(20)
    work = tempfile.mkdtemp(prefix="wf_growth_")
    try:
        rows = [measure(args, work, int(n), units) for n in args.sizes.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(rows)


if __name__ == "__main__":
    main()
