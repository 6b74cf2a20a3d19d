#!/usr/bin/python3
"""The engine beside what an agency would otherwise build: PostgreSQL 15.

`make bench-peers` (docs/benchmarks.md, "A peer in the same run"). The same
durable transition on both, at 1, 16 and 64 clients, phases alternating:

  engine      the approval benchmark (loadgen --mode=approval: a step of
              bench/workflows/phe_duyet_5_buoc.lua, ~2 KB of variables, its
              history event, its inbox keys moved, one synced write)
  postgresql  pgbench with a script doing the same by hand, in one
              transaction with synchronous_commit = on: update a ~2 KB JSON
              document (jsonb), append a history row, move the document's
              inbox row to the next step's slot

PostgreSQL runs as a cluster of its own on a temporary folder (initdb, as
the `postgres` user when run as root, on a Unix socket only), stopped and
removed at the end. Debian's defaults otherwise (shared_buffers 128 MB,
fsync on, wal_sync_method fdatasync), which is what an agency's server
would start from.

  bench/peers.py --build build [--seconds 10] [--rounds 2] [--documents 10000]
"""
import argparse
import os
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import harness  # noqa: E402
import run_bench  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
CLIENTS = (1, 16, 64)

SCHEMA = """
CREATE TABLE documents (id bigint PRIMARY KEY, state text NOT NULL,
                        version int NOT NULL, vars jsonb NOT NULL);
CREATE TABLE history (id bigserial PRIMARY KEY, document bigint NOT NULL,
                      version int NOT NULL, event text NOT NULL,
                      body jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE INDEX history_by_document ON history (document, version);
CREATE TABLE inbox (slot text NOT NULL, document bigint NOT NULL,
                    PRIMARY KEY (slot, document));
CREATE INDEX inbox_by_document ON inbox (document);
"""

# ~2 KB of variables, as the engine's approval benchmark carries.
SEED = """
INSERT INTO documents
SELECT i, 'buoc_1', 1, jsonb_build_object(
  'don_vi', 'Xã Đại Sơn', 'nam', 2026,
  'noi_dung', repeat('Tăng cường phòng, chống tội phạm. ', 50),
  'buoc', 1, 'y_kien', jsonb_build_array())
FROM generate_series(1, {n}) AS i;
INSERT INTO inbox SELECT 'don_vi:' || (i % 20) || ':buoc_1', i
FROM generate_series(1, {n}) AS i;
VACUUM ANALYZE;
"""

# One approval step, as an application on PostgreSQL would write it.
STEP = """\\set id random(1, {n})
BEGIN;
UPDATE documents SET version = version + 1,
  state = 'buoc_' || ((version % 5) + 1),
  vars = jsonb_set(jsonb_set(vars, '{{buoc}}', to_jsonb(version + 1)),
                   '{{y_kien}}', '["Đồng ý"]'::jsonb)
  WHERE id = :id;
INSERT INTO history (document, version, event, body)
  SELECT id, version, 'phe_duyet', jsonb_build_object('y_kien', 'Đồng ý',
         'nguoi', 'can-bo.07627', 'tu', 'buoc_1', 'den', state)
  FROM documents WHERE id = :id;
UPDATE inbox SET slot = 'don_vi:' || (:id % 20) || ':' ||
  (SELECT state FROM documents WHERE id = :id) WHERE document = :id;
COMMIT;
"""


class Postgres:
    """A throw-away cluster on a Unix socket in a temporary folder."""

    def __init__(self, work):
        self.dir = os.path.join(work, "pg")
        os.makedirs(self.dir)
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = "postgres"
            pw = pwd.getpwnam(self.user)
            os.chown(work, pw.pw_uid, pw.pw_gid)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = os.path.join(self.dir, "data")

    def run(self, *cmd, **kw):
        if self.user:
            cmd = ("runuser", "-u", self.user, "--") + cmd
        out = subprocess.run(cmd, capture_output=True, text=True, **kw)
        if out.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def start(self):
        self.run(f"{PG_BIN}/initdb", "-D", self.data, "-E", "UTF8",
                 "--locale=C.UTF-8", "-A", "trust")
        self.run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-w", "-l",
                 os.path.join(self.dir, "log"), "-o",
                 f"-c listen_addresses='' -c unix_socket_directories={self.dir} "
                 "-c max_connections=100 -c synchronous_commit=on -c fsync=on",
                 "start")

    def stop(self):
        subprocess.run((("runuser", "-u", self.user, "--") if self.user else ()) +
                       (f"{PG_BIN}/pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop"),
                       capture_output=True)

    def sql(self, text):
        return self.run(f"{PG_BIN}/psql", "-h", self.dir, "-d", "postgres",
                        "-v", "ON_ERROR_STOP=1", "-q", input=text)

    def pgbench(self, script, clients, seconds):
        out = self.run(f"{PG_BIN}/pgbench", "-h", self.dir, "-d", "postgres", "-n",
                       "-f", script, "-c", str(clients), "-j", str(min(clients, 2)),
                       "-T", str(seconds), "-r")
        tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
        latency = re.search(r"latency average = ([0-9.]+) ms", out)
        return float(tps.group(1)), float(latency.group(1)) if latency else 0.0


def engine_server(args, work):
    server = harness.ServerProcess(
        os.path.join(args.build, "engine", "service", "wf_server"),
        os.path.join(work, "engine"))
    server.start()
    people = run_bench.setup(server, run_bench.communes(20), work)
    return server, people


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--documents", type=int, default=10000)
    args = p.parse_args()
    if not os.path.exists(f"{PG_BIN}/pgbench"):
        sys.exit("PostgreSQL 15 is missing: `make bench-peers` installs postgresql-15")
    sys.path.insert(0, os.path.join(args.build, "python"))
    work = tempfile.mkdtemp(prefix="wf_peers_")
    pg = Postgres(work)
    server = None
    try:
        pg.start()
        pg.sql(SCHEMA + SEED.format(n=args.documents))
        script = os.path.join(pg.dir, "step.sql")
        with open(script, "w") as f:
            f.write(STEP.format(n=args.documents))
        os.chmod(script, 0o644)
        server, people = engine_server(args, work)
        rates = {(who, c): [] for who in ("engine", "postgresql") for c in CLIENTS}
        for n in range(args.rounds):
            for c in CLIENTS:
                print(f"=== round {n + 1}, {c} clients", flush=True)
                r = run_bench.loadgen(args.build, server, people, "approval", c,
                                      args.seconds)
                rates[("engine", c)].append(r["write"]["per_s"])
                tps, ms = pg.pgbench(script, c, args.seconds)
                print(f"postgresql: {tps:.0f} transactions/s, {ms:.2f} ms average",
                      flush=True)
                rates[("postgresql", c)].append(tps)
        report(rates, args)
    finally:
        if server:
            server.stop()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(rates, args):
    print(f"\nOne durable step, {args.seconds} s a phase, {args.rounds} rounds, "
          f"{os.cpu_count()} cores (median of the rounds):")
    print("| clients | engine transitions/s | PostgreSQL 15 transactions/s | engine / PostgreSQL |")
    print("|---|---|---|---|")
    for c in CLIENTS:
        e = statistics.median(rates[("engine", c)])
        pg = statistics.median(rates[("postgresql", c)])
        print(f"| {c} | {e:,.0f} | {pg:,.0f} | {e / pg:.2f} |")


if __name__ == "__main__":
    main()
