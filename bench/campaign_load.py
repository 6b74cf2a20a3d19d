#!/usr/bin/python3
"""The approval benchmark with the real workflows, beside the benchmark's own.

One simulation server with the bundled workflows and plugins: the Bắc Ninh
plan is played to its issuance (plugins/bac_ninh/scenarios/ke_hoach_2026.toml),
so 106 units have their nop_ke_hoach document; each of the first N communes
attaches its plan's file. Then, at the same concurrency, on the same server:

  ping      DiagnosticsService.Ping: the transport floor
  approval  bench/workflows/phe_duyet_5_buoc.lua (loadgen --mode=approval,
            the benchmark's own workflow), by the same communes' officers
  campaign  the real nop_ke_hoach on the bac_ninh plugin (loadgen
            --mode=campaign): each lane owns one commune's document and
            cycles trinh_duyet (its officer), phe_duyet_va_gui (its
            chairman), tra_lai (the standing agency's officer, with a reason)

and prints transitions/s and latencies of each, and the ratios campaign /
approval and each / ping. After each workflow's phase, its durability
floor: raw synced RocksDB batches of the shape its own transitions wrote
(puts, bytes; from the server's counters), as `make bench` measures it; the
real workflow writes more per step (the child's summary under the plan,
feed items), so each is held to its own floor. Rounds alternate.

  bench/campaign_load.py --build build [--concurrency 64] [--seconds 10] [--rounds 3]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "admin"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import run_bench  # noqa: E402  (loadgen runner and JSON reading)
import scenario  # noqa: E402

SCENARIO = os.path.join(ROOT, "plugins", "bac_ninh", "scenarios", "ke_hoach_2026.toml")


def play_to_issuance(s):
    for step in s.spec["buoc"]:
        s.run_step(step)
        if step.get("lam") == "ban_hanh" and "tu_choi" not in step:
            return s.doc(step["ho_so"])
    raise RuntimeError("the scenario has no issuing step")


def campaign_lanes(s, pb, plan, count):
    """`count` communes' documents with their file attached, and the
    "instance officer head receiver" lines loadgen reads."""
    children = s.children({"cua": "kh", "workflow": "nop_ke_hoach", "bo_qua": 7,
                           "so_luong": count})
    s.upload({"tai_len": "ke_hoach", "ai": "can-bo.{don_vi}",
              "con": {"cua": "kh", "workflow": "nop_ke_hoach", "bo_qua": 7,
                      "so_luong": count}})
    receiver = s.token("chuyen-vien.bn-phong-tham-muu")
    lines, people = [], []
    for child in children:
        officer = s.token(scenario.Scenario.person("can-bo.{don_vi}", child.unit))
        head = s.token(scenario.Scenario.person("chu-tich.{don_vi}", child.unit))
        lines.append(f"{child.id} {officer} {head} {receiver}")
        people.append(f"{officer} {child.unit}")
    return lines, people


def deploy_bench_workflow(s, pb):
    with open(os.path.join(HERE, "workflows", "phe_duyet_5_buoc.lua"), encoding="utf-8") as f:
        s.call("DeployWorkflow", pb.DeployWorkflowRequest(
            source=f.read(), file_name="phe_duyet_5_buoc.lua"))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    import grpc
    from wf.v1 import workflow_pb2 as pb, workflow_pb2_grpc as rpc
    work = tempfile.mkdtemp(prefix="wf_campaign_load_")
    server = scenario.start_server(os.path.join(args.build, "engine/service/wf_server"),
                                   os.path.join(work, "data"), SCENARIO)
    try:
        with grpc.insecure_channel(server.address) as channel:
            s = scenario.Scenario(SCENARIO, pb, rpc, channel, server.admin_token(),
                                  verbose=False)
            plan = play_to_issuance(s)
            lines, people = campaign_lanes(s, pb, plan, args.concurrency)
            deploy_bench_workflow(s, pb)
        campaign_file = os.path.join(work, "campaign.txt")
        people_file = os.path.join(work, "people.txt")
        for path, rows in ((campaign_file, lines), (people_file, people)):
            with open(path, "w") as f:
                f.write("\n".join(rows) + "\n")
        c, secs = args.concurrency, args.seconds
        ping = run_bench.loadgen(args.build, server, people_file, "ping", c, secs)
        rates = {"approval": [], "campaign": []}
        latencies = {"approval": [], "campaign": []}
        floors = {"approval": [], "campaign": []}
        for _ in range(args.rounds):
            for mode, people_path in (("approval", people_file), ("campaign", campaign_file)):
                r, shape = run_bench.engine_round(args, server, people_path, mode)
                rates[mode].append(r["write"]["per_s"])
                latencies[mode].append(r["write"]["p99_us"])
                raw = run_bench.raw_floor(args.build, c, shape["ops"], shape["bytes"], secs)
                floors[mode].append(raw["batch"]["per_s"])
        ping_rate = ping["ping"]["per_s"]
        print(f"\n{c} in flight, {secs} s a run, {args.rounds} rounds; transitions/s:")
        print(f"  ping      {ping_rate:10.0f} /s")
        for mode in ("approval", "campaign"):
            med = statistics.median(rates[mode])
            print(f"  {mode:<9} {med:10.0f} /s  (rounds: "
                  f"{', '.join(f'{x:.0f}' for x in rates[mode])}; p99 median "
                  f"{statistics.median(latencies[mode]) / 1000:.1f} ms; {med / ping_rate:.3f} of ping)")
        ratios = [c_ / a for c_, a in zip(rates["campaign"], rates["approval"])]
        print(f"  campaign / approval per round: {', '.join(f'{x:.2f}' for x in ratios)}")
        for mode in ("approval", "campaign"):
            own = [e / f for e, f in zip(rates[mode], floors[mode])]
            print(f"  {mode:<9} / its durability floor per round: "
                  f"{', '.join(f'{x:.2f}' for x in own)} (median {statistics.median(own):.2f})")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
