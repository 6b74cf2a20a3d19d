#!/usr/bin/python3
"""What metrics and the JSON access log cost: the approval benchmark
(docs/benchmarks.md, loadgen --mode=approval) against two servers of the
same build, one with observability on (--metrics_listen, --log_format=json,
--access_log, every call logged to its log file) and one with it off
(--metrics_listen= --access_log=false), in alternating rounds.

  bench/observability_bench.py --build build --rounds 6 --seconds 8

Both servers run from the start; only the one being measured is loaded.
The rounds alternate ON, OFF, OFF, ON, ON, OFF, ... so that a noisy moment
on the shared machine, or the data growing round after round, lands on
both. Prints each round and the ratio on/off of the summed throughputs
(goal >= 0.95), with each pair's ratio beside it.

Throughput on a shared 2-core machine moves by ±15% from one round to the
next, more than what is measured; so each round also reads the server's
CPU time (/proc) and its committed writes (GetStats) before and after:
the CPU each write took, on against off, is the cost itself, and moves far
less with the neighbours' load.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_bench  # noqa: E402

harness = run_bench.harness


def start(server_bin, work, name, flags, units):
    folder = os.path.join(work, name)
    os.makedirs(folder)
    server = harness.ServerProcess(server_bin, os.path.join(folder, "data"),
                                   extra_flags=flags)
    server.start()
    return server, run_bench.setup(server, units, folder)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(run_bench.ROOT, "build"))
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=6,
                        help="rounds per configuration")
    parser.add_argument("--communes", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    server_bin = os.path.join(args.build, "engine", "service", "wf_server")
    work = tempfile.mkdtemp(prefix="wf_observe_bench_")
    units = run_bench.communes(args.communes)
    metrics_port = harness.free_port()
    on = start(server_bin, work, "on",
               [f"--metrics_listen=127.0.0.1:{metrics_port}",
                "--log_format=json", "--access_log=true"], units)
    off = start(server_bin, work, "off",
                ["--metrics_listen=", "--access_log=false"], units)
    figures = {"on": [], "off": []}
    cpu = {"on": [0.0, 0], "off": [0.0, 0]}  # CPU seconds, writes
    order = []
    for n in range(args.rounds):
        order += ["on", "off"] if n % 2 == 0 else ["off", "on"]
    for i, which in enumerate(order):
        server, people = on if which == "on" else off
        print(f"== round {i // 2 + 1}, observability {which.upper()}", flush=True)
        cpu_before = cpu_seconds(server.proc.pid)
        sets_before = run_bench.stats(server).write_sets
        result = run_bench.loadgen(args.build, server, people, "approval",
                                   args.concurrency, args.seconds)
        cpu[which][1] += run_bench.stats(server).write_sets - sets_before
        cpu[which][0] += cpu_seconds(server.proc.pid) - cpu_before
        figures[which].append(result["write"]["per_s"])
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics") as r:
        scraped = r.read().decode("utf-8")
    log_lines = on[0].log().count("\n")
    for server, _ in (on, off):
        server.stop()
    pairs = [a / b for a, b in zip(figures["on"], figures["off"])]
    ratio = sum(figures["on"]) / sum(figures["off"])
    print("\n## Observability on/off (approval transitions/s)")
    print(f"concurrency {args.concurrency}, {args.rounds} rounds of "
          f"{args.seconds} s each, alternating\n")
    print("| round | on | off | on/off |")
    print("|---|---|---|---|")
    for i, (a, b) in enumerate(zip(figures["on"], figures["off"])):
        print(f"| {i + 1} | {a:.0f} | {b:.0f} | {a / b:.3f} |")
    print(f"\nratio on/off of the sums: {ratio:.3f}   (goal >= 0.95); "
          f"median of the rounds' ratios {statistics.median(pairs):.3f}")
    per_write = {k: 1e6 * c / n for k, (c, n) in cpu.items()}
    print(f"server CPU per committed write: on {per_write['on']:.1f} µs, off "
          f"{per_write['off']:.1f} µs: writes per CPU-second on/off "
          f"{per_write['off'] / per_write['on']:.3f}")
    print(f"(the ON server wrote {log_lines} log lines; /metrics was "
          f"{len(scraped)} bytes at the end)")
    path = os.path.join(work, "observability.json")
    with open(path, "w") as f:
        json.dump({"figures": figures, "ratio": ratio, "pairs": pairs,
                   "cpu_us_per_write": per_write,
                   "concurrency": args.concurrency, "seconds": args.seconds},
                  f, indent=2)
    print(f"(all figures: {path})")


if __name__ == "__main__":
    main()
