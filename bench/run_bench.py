#!/usr/bin/python3
"""Runs the benchmarks side by side and prints the figures (docs/benchmarks.md).

  bench/run_bench.py --build build                 # floors, engine, Lua cost
  bench/run_bench.py --build build --scale 1000000 # plus the scale figures
  bench/run_bench.py --build build --soak 45 --concurrency 8
      # 45 minutes of approvals against a server with a small cache; the
      # server's resident memory and what RocksDB and the heap hold, every
      # 30 s; then the restart: WAL replayed and start-up time. Other server
      # flags: --soak_flags="--max_wal_mb=0 --block_cache_mb=64" (with "=").

Same concurrency for everything, in one run, on one machine, so that the
ratios hold on a noisy shared machine:
  (a) the transport floor: DiagnosticsService.Ping on the same server;
  (b) the durability floor: raw RocksDB synced batches of the same number of
      puts and bytes as one of the engine's transitions (measured from the
      server's own counters), through the same store options;
  the engine: the approval workflow (5 steps, guard and action each,
      a working-day deadline per state, ~2 KB variables), writes only, then
      with 10 inbox queries per write; bearer tokens on every call.
  issuance: after the rounds, approvals again, then documents drafted, signed
      and issued (bench/workflows/ban_hanh_bench.lua, loadgen --mode=issue),
      every lane numbering from ONE register, then from 8: issued
      documents/s beside transitions/s, and the issue-mode transitions/s over
      the approval transitions/s measured just before.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import harness  # noqa: E402
import files_bench  # noqa: E402

PEOPLE_HEADER = "person,name,role,unit,valid_from,valid_to,acting_for\n"


def run(cmd, **kw):
    print("  $", " ".join(cmd), flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out.stdout


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


def communes(count):
    path = os.path.join(harness.provinces_dir(os.path.join(ROOT, "tests", "testdata")),
                        "bac_ninh_2025.csv")
    with open(path, encoding="utf-8") as f:
        rows = f.read().strip().splitlines()[1:]
    return [r.split(",")[0] for r in rows[:count]]


def people_csv(units):
    rows = [f"can-bo.{u},Cán bộ {u},can_bo,{u},01/07/2025,," for u in units]
    return PEOPLE_HEADER + "\n".join(rows) + "\n"


def setup(server, units, work):
    """The org directory, a person per commune with a token, the workflow."""
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    testdata = os.path.join(ROOT, "tests", "testdata")
    harness.setup_org(server.address, server.admin_token(), testdata)
    admin = rpc.AdminServiceStub(harness.authed_channel(server.address,
                                                        server.admin_token()))
    admin.ImportDirectory(pb.ImportDirectoryRequest(
        source="bench_people", format="people", csv=people_csv(units)))
    tokens = harness.issue_tokens(server.address, server.admin_token(),
                                  [f"can-bo.{u}" for u in units])
    people = os.path.join(work, "people.txt")
    with open(people, "w") as f:
        for u in units:
            f.write(f"{tokens['can-bo.' + u]} {u}\n")
    workflows = rpc.WorkflowServiceStub(harness.authed_channel(
        server.address, server.admin_token()))
    for name in ("phe_duyet_5_buoc.lua", "ban_hanh_bench.lua"):
        with open(os.path.join(HERE, "workflows", name), encoding="utf-8") as f:
            workflows.DeployWorkflow(pb.DeployWorkflowRequest(
                source=f.read(), file_name=name))
    return people


def stats(server):
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    diag = rpc.DiagnosticsServiceStub(harness.authed_channel(
        server.address, server.admin_token()))
    return diag.GetStats(pb.GetStatsRequest())


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def loadgen(build, server, people, mode, concurrency, seconds, reads=0, extra=()):
    out = run([os.path.join(build, "bench", "loadgen"), f"--target={server.address}",
               f"--people={people}", f"--mode={mode}", f"--concurrency={concurrency}",
               f"--duration_s={seconds}", f"--reads_per_write={reads}", *extra])
    print(out, flush=True)
    return last_json(out)


def lua_cost(build):
    """Instructions per transition in the sandbox, from two callgrind runs."""
    counts = {}
    for n in (10, 110):
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
             os.path.join(build, "bench", "lua_cost"), f"--transitions={n}",
             f"--workflow={os.path.join(HERE, 'workflows', 'phe_duyet_5_buoc.lua')}"],
            capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", out.stderr)
        if not m:
            return None
        counts[n] = int(m.group(1))
    return (counts[110] - counts[10]) / 100


def raw_floor(build, c, ops, size, secs):
    out = run([os.path.join(build, "bench", "raw_floor"), f"--threads={c}",
               f"--ops={ops}", f"--bytes={size}", f"--duration_s={secs}"])
    print(out, flush=True)
    return last_json(out)


def engine_round(args, server, people, mode="approval", view=""):
    """The engine's writes-only phase, with the shape of one transition's
    write (puts and deletes, bytes) and the transitions per fsync, read from
    the server's counters around it. `view`: what the writes ask back
    ("" as a client that sets nothing, or "basic": no variables)."""
    c, secs = args.concurrency, args.seconds
    before = stats(server)
    print(f"== engine: {mode}, {c} in flight, writes only"
          + (f", view {view}" if view else ""), flush=True)
    engine = loadgen(args.build, server, people, mode, c, secs,
                     extra=(f"--write_view={view}",) if view else ())
    after = stats(server)
    sets = after.write_sets - before.write_sets
    ops = round((after.write_ops - before.write_ops) / sets)
    size = round((after.write_bytes - before.write_bytes) / sets)
    per_fsync = sets / max(1, after.synced_writes - before.synced_writes)
    print(f"   one transition writes {ops} puts/deletes, {size} bytes; "
          f"{per_fsync:.1f} transitions per fsync\n", flush=True)
    return engine, {"ops": ops, "bytes": size, "per_fsync": round(per_fsync, 1)}


def register_numbers(server, register):
    """The numbers of a register this year (Vietnam time), in order."""
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    docs = rpc.DocumentServiceStub(harness.authed_channel(
        server.address, server.admin_token()))
    year = datetime.now(timezone(timedelta(hours=7))).year
    numbers, token = [], ""
    while True:
        page = docs.ReadRegister(pb.ReadRegisterRequest(
            register=register, year=year, page_size=1000, page_token=token))
        numbers += [e.number for e in page.entries]
        token = page.next_page_token
        if not token:
            return numbers


def issue_round(args, server, people):
    """Approvals, then issuance into one register, then into 8, each
    --seconds at the same concurrency, one after the other; with the shape
    of the issue mode's writes and a check that every register used is
    exactly 1..n."""
    c, secs = args.concurrency, args.seconds
    print(f"\n== issuance beside approvals, {c} in flight", flush=True)
    print(f"== engine: approvals, {c} in flight, writes only (for the ratio)",
          flush=True)
    approval = loadgen(args.build, server, people, "approval", c, secs)
    out = {"approval": approval}
    for registers in (1, 8):
        prefix = f"bench{registers}-so-"
        print(f"== issuance: documents signed and numbered, {c} in flight, "
              f"{registers} register{'s' if registers > 1 else ''}", flush=True)
        before = stats(server)
        result = loadgen(args.build, server, people, "issue", c, secs,
                         extra=(f"--registers={registers}",
                                f"--register_prefix={prefix}"))
        after = stats(server)
        sets = after.write_sets - before.write_sets
        result["per_fsync"] = round(
            sets / max(1, after.synced_writes - before.synced_writes), 1)
        result["ops"] = round((after.write_ops - before.write_ops) / max(1, sets))
        result["bytes"] = round((after.write_bytes - before.write_bytes) / max(1, sets))
        # Gapless and unique, under this load too (warm-up and drain included).
        total = 0
        for r in range(registers):
            numbers = register_numbers(server, f"{prefix}{r}")
            if numbers != list(range(1, len(numbers) + 1)):
                sys.exit(f"register {prefix}{r} is not 1..{len(numbers)}")
            total += len(numbers)
        result["numbers_checked"] = total
        print(f"   a transition writes on average {result['ops']} puts/deletes, "
              f"{result['bytes']} bytes; {result['per_fsync']} transitions per "
              f"fsync; {total} numbers taken, each register exactly 1..n\n",
              flush=True)
        out[f"registers_{registers}"] = result
    return out


def issue_line(r):
    one, eight = r["registers_1"], r["registers_8"]
    approval = r["approval"]["write"]["per_s"]
    return (f"issuance: {one['issued_per_s']:.0f} issued/s "
            f"({one['write']['per_s']:.0f} transitions/s), one register; "
            f"{eight['issued_per_s']:.0f} issued/s "
            f"({eight['write']['per_s']:.0f} transitions/s) with 8 registers; "
            f"approval transitions/s {approval:.0f}; ratio "
            f"issue-transitions/approval-transitions "
            f"{one['write']['per_s'] / approval:.2f} (8 registers: "
            f"{eight['write']['per_s'] / approval:.2f})")


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def last_memory_line(server):
    """The server's latest "memory: ..." log line (--memory_log_seconds)."""
    lines = [l for l in server.log().splitlines() if " INFO memory: " in l]
    return lines[-1].split(" INFO memory: ", 1)[1] if lines else ""


def memory_figures(line):
    """{"memtables": MiB, ...} from a "memory:" line."""
    names = {"memtables": "memtables", "table readers": "readers",
             "block cache": "cache", "WAL \\d+ files": "wal",
             "heap allocated": "heap", "heap free": "free",
             "allocator caches": "caches"}
    out = {}
    for pattern, key in names.items():
        m = re.search(pattern + r" ([\d.]+) MiB", line)
        if m:
            out[key] = float(m.group(1))
    m = re.search(r"(\d+) SST files", line)
    if m:
        out["sst"] = int(m.group(1))
    return out


def wal_bytes(data_dir):
    return sum(os.path.getsize(os.path.join(data_dir, f))
               for f in os.listdir(data_dir) if f.endswith(".log"))


def soak(args, server_bin, work, units):
    """Approvals for --soak minutes against a server with a small cache and
    memtable budget (--soak_flags), sampling every --sample_s seconds the
    server's resident memory (VmRSS, /proc/PID/status) beside what RocksDB
    and the heap say they hold (the server's own "memory:" log lines). Then
    the server is stopped and started again on the same data: the WAL it
    replays and the start-up time."""
    data = os.path.join(work, "soak")
    flags = ([f"--memory_log_seconds={args.sample_s}", "--log_format=text"]
             + args.soak_flags.split())
    server = harness.ServerProcess(server_bin, data, extra_flags=flags)
    server.start()
    people = setup(server, units, work)
    seconds = int(args.soak * 60)
    cmd = [os.path.join(args.build, "bench", "loadgen"), f"--target={server.address}",
           f"--people={people}", "--mode=approval",
           f"--concurrency={args.concurrency}", f"--duration_s={seconds}",
           "--reads_per_write=1"]
    print("  $", " ".join(cmd), flush=True)
    load = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    began = time.time()
    header = ("| minute | RSS MiB | memtables | table readers | block cache | "
              "heap allocated | heap free | of it, caches | SST files | WAL MiB | "
              "transitions |")
    print(header, flush=True)
    print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    rows = []
    while load.poll() is None:
        time.sleep(args.sample_s)
        if server.proc.poll() is not None:
            sys.exit("the server died:\n" + server.log()[-4000:])
        st = stats(server)
        mem = memory_figures(last_memory_line(server))
        row = {"minute": round((time.time() - began) / 60, 1),
               "rss_mib": round(status_kib(server.proc.pid, "VmRSS") / 1024, 1),
               "transitions": st.write_sets, **mem}
        rows.append(row)
        print(f"| {row['minute']} | {row['rss_mib']} | {mem.get('memtables', '')} | "
              f"{mem.get('readers', '')} | {mem.get('cache', '')} | {mem.get('heap', '')} | "
              f"{mem.get('free', '')} | {mem.get('caches', '')} | {mem.get('sst', '')} | "
              f"{mem.get('wal', '')} | "
              f"{row['transitions']} |", flush=True)
    out = load.stdout.read()
    print(out, flush=True)
    hwm = round(status_kib(server.proc.pid, "VmHWM") / 1024, 1)
    server.stop()
    wal = wal_bytes(data)
    restart = harness.ServerProcess(server_bin, data, port=server.port,
                                    extra_flags=flags)
    t0 = time.time()
    restart.start()
    startup = time.time() - t0
    restart.stop()
    result = {"minutes": round((time.time() - began) / 60, 1), "samples": rows,
              "rss_peak_mib": hwm, "wal_mib_at_stop": round(wal / 1048576, 1),
              "restart_s": round(startup, 2), "flags": flags,
              "concurrency": args.concurrency}
    print(f"\nsoak: {result['minutes']} min, {args.concurrency} in flight, server "
          f"flags {' '.join(flags)}; peak RSS {hwm} MiB; WAL on disk at stop "
          f"{result['wal_mib_at_stop']} MiB; restart (process start -> "
          f"listening) {result['restart_s']} s", flush=True)
    return result


def median_round(rounds):
    """The round whose engine / durability-floor ratio is the median."""
    ordered = sorted(rounds, key=lambda r: r["engine"]["write"]["per_s"] /
                     r["raw"]["batch"]["per_s"])
    return ordered[len(ordered) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10,
                        help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (transport floor, engine, durability floor)")
    parser.add_argument("--communes", type=int, default=20)
    parser.add_argument("--scale", type=int, default=0,
                        help="also the scale figures with this many instances")
    parser.add_argument("--soak", type=float, default=0,
                        help="only the soak: this many minutes of approvals, "
                        "sampling the server's memory")
    parser.add_argument("--sample_s", type=int, default=30,
                        help="soak: seconds between samples")
    parser.add_argument("--soak_flags",
                        default="--block_cache_mb=8 --memtable_mb=16",
                        help="soak: extra server flags, space-separated")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    server_bin = os.path.join(args.build, "engine", "service", "wf_server")
    work = tempfile.mkdtemp(prefix="wf_bench_")
    units = communes(args.communes)
    if args.soak:
        result = soak(args, server_bin, work, units)
        path = os.path.join(work, "soak.json")
        with open(path, "w") as f:
            json.dump(result, f, indent=2)
        print(f"(all figures: {path})")
        return
    c, secs = args.concurrency, args.seconds
    results = {"concurrency": c, "cores": os.cpu_count(), "rounds": []}

    server = harness.ServerProcess(server_bin, os.path.join(work, "data"))
    server.start()
    people = setup(server, units, work)
    # The phases alternate, round after round, so that a noisy minute on the
    # shared machine lands on all three rather than on one of them.
    for n in range(args.rounds):
        print(f"\n=== round {n + 1} of {args.rounds}", flush=True)
        print(f"== transport floor: Ping, {c} in flight", flush=True)
        ping = loadgen(args.build, server, people, "ping", c, secs)
        engine, write_set = engine_round(args, server, people)
        print(f"== durability floor: raw synced RocksDB batches, {c} writers",
              flush=True)
        raw = raw_floor(args.build, c, write_set["ops"], write_set["bytes"], secs)
        basic, _ = engine_round(args, server, people, view="basic")
        results["rounds"].append({"ping": ping, "engine": engine, "raw": raw,
                                  "write_set": write_set, "engine_basic": basic})
    results.update(median_round(results["rounds"]))
    results["issuance"] = issue_round(args, server, people)
    print(issue_line(results["issuance"]), flush=True)
    print(f"== engine: approvals with 10 inbox queries per write", flush=True)
    results["mixed"] = loadgen(args.build, server, people, "approval", c, secs, reads=10)
    results["server_rss_mib"] = round(rss_kib(server.proc.pid) / 1024)
    server.stop()
    results["lua_instructions_per_transition"] = lua_cost(args.build)
    print("== files: 64 MiB over gRPC beside the raw disk", flush=True)
    results["files"] = files_bench.measure(args.build)

    if args.scale:
        results["scale"] = scale(args, server_bin, work, units, c)

    report(results)
    path = os.path.join(work, "results.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    print(f"\n(all figures: {path})")


def scale(args, server_bin, work, units, c):
    data = os.path.join(work, "scale")
    os.makedirs(data)
    people_csv_path = os.path.join(work, "bench_people.csv")
    with open(people_csv_path, "w", encoding="utf-8") as f:
        f.write(people_csv(units))
    testdata = os.path.join(ROOT, "tests", "testdata")
    people_txt = os.path.join(work, "units.txt")
    with open(people_txt, "w") as f:
        f.writelines(f"- {u}\n" for u in units)
    print(f"\n== scale: {args.scale} instances", flush=True)
    pop = last_json(run([os.path.join(args.build, "bench", "populate"),
                         f"--data_dir={data}", f"--instances={args.scale}",
                         f"--people={people_txt}", f"--people_csv={people_csv_path}",
                         f"--workflow={os.path.join(HERE, 'workflows', 'phe_duyet_5_buoc.lua')}",
                         f"--org_dir={os.path.join(testdata, 'org')}",
                         f"--provinces_dir={harness.provinces_dir(testdata)}"]))
    server = harness.ServerProcess(server_bin, data)
    began = time.time()
    server.start()
    startup = time.time() - began
    rss_start = rss_kib(server.proc.pid)
    from wf.v1 import workflow_pb2 as pb
    from wf.v1 import workflow_pb2_grpc as rpc
    tokens = harness.issue_tokens(server.address, server.admin_token(),
                                  [f"can-bo.{u}" for u in units])
    people = os.path.join(work, "scale_people.txt")
    with open(people, "w") as f:
        for u in units:
            f.write(f"{tokens['can-bo.' + u]} {u}\n")
    inbox = loadgen(args.build, server, people, "inbox", c, args.seconds)
    burst = last_json(run([os.path.join(args.build, "bench", "loadgen"),
                           f"--target={server.address}", f"--people={people}",
                           "--mode=burst", "--count=3321"]))
    rss_after = rss_kib(server.proc.pid)
    server.stop()
    return {"instances": args.scale, "populate_per_s": pop["per_s"],
            "startup_s": round(startup, 2), "rss_start_mib": round(rss_start / 1024),
            "rss_after_load_mib": round(rss_after / 1024), "inbox": inbox["inbox"],
            "burst_3321_s": burst["seconds"], "burst_start": burst["start"]}


def report(r):
    eng, ping, raw = r["engine"]["write"], r["ping"]["ping"], r["raw"]["batch"]
    print("\n## Figures")
    print(f"concurrency {r['concurrency']} in flight, {r['cores']} cores shared by "
          "client and server\n")
    print("| what | per second | p50 µs | p99 µs | p999 µs |")
    print("|---|---|---|---|---|")
    print(f"| (a) transport floor: no-op Ping | {ping['per_s']:.0f} | {ping['p50_us']:.0f} | {ping['p99_us']:.0f} | {ping['p999_us']:.0f} |")
    print(f"| (b) durability floor: raw synced RocksDB batches ({r['write_set']['ops']} puts, {r['write_set']['bytes']} B) | {raw['per_s']:.0f} | {raw['p50_us']:.0f} | {raw['p99_us']:.0f} | {raw['p999_us']:.0f} |")
    print(f"| engine transitions (writes only) | {eng['per_s']:.0f} | {eng['p50_us']:.0f} | {eng['p99_us']:.0f} | {eng['p999_us']:.0f} |")
    basic = r["engine_basic"]["write"]
    print(f"| engine transitions (writes only), answers without variables (view BASIC) | {basic['per_s']:.0f} | {basic['p50_us']:.0f} | {basic['p99_us']:.0f} | {basic['p999_us']:.0f} |")
    mixed_w, mixed_r = r["mixed"]["write"], r["mixed"]["inbox"]
    print(f"| engine transitions, with 10 inbox reads per write | {mixed_w['per_s']:.0f} | {mixed_w['p50_us']:.0f} | {mixed_w['p99_us']:.0f} | {mixed_w['p999_us']:.0f} |")
    print(f"| inbox queries (same run) | {mixed_r['per_s']:.0f} | {mixed_r['p50_us']:.0f} | {mixed_r['p99_us']:.0f} | {mixed_r['p999_us']:.0f} |")
    print(f"\ncompleted instances/s (writes only): {r['engine']['instances_per_s']:.0f}; "
          f"with reads: {r['mixed']['instances_per_s']:.0f}")
    print(f"engine / durability floor: {eng['per_s'] / raw['per_s']:.2f}   (goal >= 0.75)")
    print(f"engine / transport floor:  {eng['per_s'] / ping['per_s']:.2f}   (goal >= 0.35)")
    print(f"engine, view BASIC / durability floor: {basic['per_s'] / raw['per_s']:.2f}")
    print("(the round with the median ratio; every round, as "
          "engine/durability, engine/transport, BASIC/durability: " + ", ".join(
              f"{x['engine']['write']['per_s'] / x['raw']['batch']['per_s']:.2f}/"
              f"{x['engine']['write']['per_s'] / x['ping']['ping']['per_s']:.2f}/"
              f"{x['engine_basic']['write']['per_s'] / x['raw']['batch']['per_s']:.2f}"
              for x in r["rounds"]) + ")")
    print(f"transitions per fsync: {r['write_set']['per_fsync']}; server RSS {r['server_rss_mib']} MiB")
    if r.get("lua_instructions_per_transition"):
        print(f"Lua: {r['lua_instructions_per_transition']:.0f} instructions per transition "
              "(guard + action + JSON conversion, callgrind)")
    if "issuance" in r:
        i = r["issuance"]
        print(issue_line(i))
        print("(issue mode: start + ky + ban_hanh per document, the last taking the "
              "register's number; issue-step p50/p99 "
              f"{i['registers_1']['issue']['p50_us']:.0f}/"
              f"{i['registers_1']['issue']['p99_us']:.0f} µs with one register, "
              f"{i['registers_8']['issue']['p50_us']:.0f}/"
              f"{i['registers_8']['issue']['p99_us']:.0f} µs with 8; transitions per "
              f"fsync {i['registers_1']['per_fsync']} / {i['registers_8']['per_fsync']})")
    if "files" in r:
        files_bench.report(r["files"])
    if "scale" in r:
        s = r["scale"]
        print(f"\nscale: {s['instances']} instances (populated at {s['populate_per_s']:.0f}/s); "
              f"start-up {s['startup_s']} s; RSS {s['rss_start_mib']} MiB at start, "
              f"{s['rss_after_load_mib']} MiB after load; inbox p50/p99/p999 "
              f"{s['inbox']['p50_us']:.0f}/{s['inbox']['p99_us']:.0f}/{s['inbox']['p999_us']:.0f} µs; "
              f"3,321 starts at once: {s['burst_3321_s']:.2f} s")


if __name__ == "__main__":
    main()
