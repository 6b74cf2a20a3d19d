#!/usr/bin/python3
"""How long issuing a province's plan takes: the step that numbers the plan
and starts every unit's document (and the communes' funding documents) in
one write.

For each province it plays its scenario (plugins/<p>/scenarios/) on a fresh
simulation server up to the issuing step, times that one FireEvent call from
the client, and repeats on new servers. Prints one line per province: the
children started, the median and the worst time, and a Ping median on the
same server for scale.

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

PLANS = [("bac_ninh", "ke_hoach_2026.toml"), ("thanh_hoa", "ke_hoach_2025.toml")]


def issue_once(args, province, file_name):
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
                if step.get("lam") == "ban_hanh" and "tu_choi" not in step:
                    s.advance(step)
                    begin = time.perf_counter()
                    s.fire(step)
                    took = time.perf_counter() - begin
                    children = s.call("GetProgress", workflow_pb2.GetProgressRequest(
                        instance_id=s.doc(step["ho_so"]))).total
                    ping = ping_median(s, workflow_pb2)
                    return took, children, ping
                s.run_step(step)
    finally:
        server.stop()
        shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)
    raise RuntimeError(f"{path}: no issuing step")


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
    print("province     children  issue p50 ms  issue max ms  ping p50 ms")
    for province, file_name in PLANS:
        runs = [issue_once(args, province, file_name) for _ in range(args.rounds)]
        took = [r[0] * 1000 for r in runs]
        print(f"{province:<12} {runs[0][1]:>8}  {statistics.median(took):>12.1f}  "
              f"{max(took):>12.1f}  {statistics.median(r[2] for r in runs) * 1000:>11.2f}")


if __name__ == "__main__":
    main()
