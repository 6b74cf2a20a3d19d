#!/usr/bin/python3
"""How long the campaign steps that start many documents take: issuing a
province's plan (it numbers the plan and starts every unit's document, and
the communes' funding documents, in one write) and asking a period's
reports.

For each step it plays the province's scenario (plugins/<p>/scenarios/) on a
fresh simulation server up to that step, times that one FireEvent call from
the client, and repeats on new servers. Prints one line per step: the
children it started, the median and the worst time, and a Ping median on
the same server for scale.

  bench/campaign_bench.py --build build [--rounds 5]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "admin"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import harness  # noqa: E402
import scenario  # noqa: E402

# (label, province, scenario, the step timed: its event and, for reports, its period)
STEPS = [("Bắc Ninh: issue the plan", "bac_ninh", "ke_hoach_2026.toml", "ban_hanh", None),
         ("Thanh Hóa: issue the plan", "thanh_hoa", "ke_hoach_2025.toml", "ban_hanh", None),
         ("Thanh Hóa: ask the yearly reports", "thanh_hoa", "ke_hoach_2025.toml",
          "giao_bao_cao", "nam")]


def timed(step, event, period):
    return (step.get("lam") == event and "tu_choi" not in step and
            (period is None or step.get("du_lieu", {}).get("ky") == period))


def issue_once(args, province, file_name, event, period):
    import grpc
    path = os.path.join(ROOT, "plugins", province, "scenarios", file_name)
    data_dir = os.path.join(tempfile.mkdtemp(prefix="wf_campaign_bench_"), "data")
    server = scenario.start_server(args.server, data_dir, path)
    try:
        from wf.v1 import workflow_pb2, workflow_pb2_grpc
        with grpc.insecure_channel(server.address) as channel:
            s = scenario.Scenario(path, workflow_pb2, workflow_pb2_grpc, channel,
                                  server.admin_token(), verbose=False)
            for step in s.spec["buoc"]:
                if timed(step, event, period):
                    s.advance(step)
                    before = children_of(s, workflow_pb2, step)
                    begin = time.perf_counter()
                    s.fire(step)
                    took = time.perf_counter() - begin
                    children = children_of(s, workflow_pb2, step) - before
                    return took, children, ping_median(s, workflow_pb2)
                s.run_step(step)
    finally:
        server.stop()
        shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)
    raise RuntimeError(f"{path}: no step {event} {period or ''}")


def children_of(s, pb, step):
    return s.call("GetProgress", pb.GetProgressRequest(instance_id=s.doc(step["ho_so"]))).total


def ping_median(s, pb):
    times = []
    for _ in range(200):
        begin = time.perf_counter()
        s.call("Ping", pb.PingRequest())
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    args.server = os.path.join(args.build, "engine/service/wf_server")
    sys.path.insert(0, os.path.join(args.build, "python"))
    print(f"{'step':<36}children  p50 ms  max ms  ping p50 ms")
    for label, province, file_name, event, period in STEPS:
        runs = [issue_once(args, province, file_name, event, period)
                for _ in range(args.rounds)]
        took = [r[0] * 1000 for r in runs]
        print(f"{label:<36}{runs[0][1]:>8}  {statistics.median(took):>6.1f}  "
              f"{max(took):>6.1f}  {statistics.median(r[2] for r in runs) * 1000:>11.2f}")


if __name__ == "__main__":
    main()
