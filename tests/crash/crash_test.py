"""Crash test: the real server under concurrent load, killed with SIGKILL.

Workers fire "tang" on a few counter instances, each request with its own
idempotency key, retrying every unacknowledged request with the same key
until it is acknowledged. Meanwhile the server is killed with SIGKILL at
random moments and restarted on the same data. At the end:
  - every acknowledged transition is in the store exactly once (each key
    appears once in its instance's log, none is missing, none is extra);
  - each instance's counter, version and history agree;
  - every history chain verifies (hash chain + replay);
  - timers are neither lost nor fired twice: documents with a two-second
    deadline are started all through the kills; in the end each has fired
    its deadline exactly once.

Alongside, other workers fire "lay_so" on a few "vao_so" instances the same
way (own key each, payload {"key": key}, retried until acknowledged): each
takes the next number of the shared register "so-di/2026". At the end:
  - the numbers in all instances' vars.so, sorted, are exactly 1..N: none
    given twice, none skipped;
  - N is the number of acknowledged keys, and each acknowledged key is in
    its instance's vars.keys exactly once, beside the number its answer
    carried (none lost, none applied twice, none never sent);
  - each instance's len(vars.so) == len(vars.keys) == version - 1, and its
    chain verifies (hash chain + replay with the recorded numbers);
  - one more "lay_so" on a fresh instance takes N + 1: the register stands
    exactly at the acknowledged count.

And a document issuer starts plans of two issuers ("ke_hoach_bcd": a Bắc
Ninh BCĐ and UBND Thanh Hóa, each numbering in its own register), signs
and issues each (every step with its own key, retried until acknowledged).
At the end each register holds exactly 1..n for the year, and its entries
are exactly the documents issued, each with the number its document holds.
Then files (FileService): two uploads complete, a third is cut by SIGKILL
half way through its bytes. After the restart the server reports having
deleted the chunks of exactly that one unfinished upload (the blobs column
family keeps no byte of it), its slot has no version, and the two completed
files download byte-exact.

  crash_test.py --server build/engine/service/wf_server --stubs build/python \
                --testdata tests/testdata --kills 50
"""
import collections
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402


def extra(parser):
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--instances", type=int, default=6)
    parser.add_argument("--register-workers", type=int, default=4)
    parser.add_argument("--register-instances", type=int, default=8)
    parser.add_argument("--seed", type=int, default=None)


ARGS, _ = harness.parse_args(extra)

import grpc  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
             grpc.StatusCode.CANCELLED, grpc.StatusCode.UNKNOWN,
             grpc.StatusCode.INTERNAL}


TOKEN = {}  # the person the load runs as: set once the server is up


def channel_for(server):
    return harness.authed_channel(server.address, TOKEN["official"])


def call_until_acked(server, make_call):
    """Retries a request (same idempotency key) until the server answers it."""
    while True:
        channel = channel_for(server)
        try:
            return make_call(rpc.WorkflowServiceStub(channel))
        except grpc.RpcError as e:
            if e.code() not in RETRYABLE:
                raise
            time.sleep(0.05)
        finally:
            channel.close()


class TimerStarter(threading.Thread):
    """Starts a document with a 2-second deadline every so often."""

    def __init__(self, server, stop):
        super().__init__(daemon=True)
        self.server, self.stop = server, stop
        self.started = []
        self.error = None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                key = f"hen-{n}"
                answer = call_until_acked(self.server, lambda s: s.StartInstance(
                    pb.StartInstanceRequest(workflow="hen_nhanh", unit="07627",
                                            idempotency_key=key), timeout=10))
                self.started.append(answer.instance.id)
                n += 1
                time.sleep(0.1)
        except Exception as e:  # reported by the main thread
            self.error = e


class Issuer(threading.Thread):
    """Starts, signs and issues plans, alternating two issuers."""

    def __init__(self, server, stop):
        super().__init__(daemon=True)
        self.server, self.stop = server, stop
        self.issued = []  # instance ids whose issuance was acknowledged
        self.error = None

    def step(self, key, make_call):
        return call_until_acked(self.server, lambda s: make_call(s, key))

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                co_quan = ("bcd_bac_ninh", "ubnd_thanh_hoa")[n % 2]
                started = self.step(f"vb-{n}", lambda s, k: s.StartInstance(
                    pb.StartInstanceRequest(
                        workflow="ke_hoach_bcd", unit="07627",
                        variables=harness.struct({
                            "co_quan": co_quan, "trich_yeu": f"Kế hoạch {n}"}),
                        idempotency_key=k), timeout=10))
                instance_id = started.instance.id
                for event, payload in (("ky", {}), ("ban_hanh", {"xa": ["07616"]})):
                    self.step(f"vb-{n}-{event}", lambda s, k: s.FireEvent(
                        pb.FireEventRequest(instance_id=instance_id, event=event,
                                            payload=harness.struct(payload),
                                            idempotency_key=k), timeout=10))
                self.issued.append(instance_id)
                n += 1
        except Exception as e:  # reported by the main thread
            self.error = e


class Worker(threading.Thread):
    """Fires `event` on random instances, each request with its own key."""

    def __init__(self, name, server, instances, stop, event="tang"):
        super().__init__(daemon=True)
        self.name, self.server, self.instances, self.stop, self.event = (
            name, server, instances, stop, event)
        self.acked = []  # (instance id, key)
        self.numbers = {}  # key: the register numbers its answer carried
        self.replayed = 0
        self.retried = collections.Counter()  # status code name: retries
        self.error = None

    def run(self):
        rng = random.Random(self.name)
        n = 0
        channel = channel_for(self.server)
        stub = rpc.WorkflowServiceStub(channel)
        try:
            while not self.stop.is_set():
                instance_id = rng.choice(self.instances)
                key = f"{self.name}-{n}"
                n += 1
                request = pb.FireEventRequest(
                    instance_id=instance_id, event=self.event,
                    payload=harness.struct({"key": key}), idempotency_key=key)
                while True:
                    try:
                        answer = stub.FireEvent(request, timeout=10)
                        break
                    except grpc.RpcError as e:
                        if e.code() not in RETRYABLE:
                            raise
                        self.retried[e.code().name] += 1
                        time.sleep(0.05)
                        channel.close()
                        channel = channel_for(self.server)
                        stub = rpc.WorkflowServiceStub(channel)
                self.replayed += answer.replayed
                self.acked.append((instance_id, key))
                taken = answer.event.taken
                if taken:
                    self.numbers[key] = [harness.values(t.value) for t in taken
                                         if t.call == "take_number"]
        except Exception as e:  # reported by the main thread
            self.error = e
        finally:
            channel.close()


def main():
    seed = ARGS.seed if ARGS.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"crash test: seed {seed}, {ARGS.kills} kills, {ARGS.workers} workers, "
          f"{ARGS.register_workers} taking numbers", flush=True)
    server = harness.ServerProcess(ARGS.server, harness.temp_data_dir("crash"),
                                   workflows_dir=ARGS.testdata)
    server.start()
    harness.setup_org(server.address, server.admin_token(), ARGS.testdata)
    TOKEN["official"] = harness.issue_tokens(
        server.address, server.admin_token(), ["can-bo.dai-son"])["can-bo.dai-son"]
    instances = []
    for i in range(ARGS.instances):
        started = call_until_acked(server, lambda s: s.StartInstance(
            pb.StartInstanceRequest(workflow="dem", unit="07627",
                                    idempotency_key=f"start-{i}")))
        instances.append(started.instance.id)
    books = []  # "vao_so" instances, all taking from one register
    for i in range(ARGS.register_instances):
        started = call_until_acked(server, lambda s: s.StartInstance(
            pb.StartInstanceRequest(workflow="vao_so", unit="07627",
                                    idempotency_key=f"start-so-{i}")))
        books.append(started.instance.id)

    stop = threading.Event()
    workers = [Worker(f"w{i}", server, instances, stop)
               for i in range(ARGS.workers)]
    takers = [Worker(f"so{i}", server, books, stop, event="lay_so")
              for i in range(ARGS.register_workers)]
    for w in workers + takers:
        w.start()
    timer_starter = TimerStarter(server, stop)
    timer_starter.start()
    issuer = Issuer(server, stop)
    issuer.start()
    def acked(group):
        return sum(len(w.acked) for w in group)

    for k in range(ARGS.kills):
        # Kill only while load is flowing: wait for fresh acknowledgements
        # of both kinds since the last restart, then a random moment more.
        resumed_from, numbers_from = acked(workers), acked(takers)
        wait_until = time.time() + 30
        while ((acked(workers) < resumed_from + 20 or
                (takers and acked(takers) < numbers_from + 5)) and
               time.time() < wait_until):
            time.sleep(0.02)
        time.sleep(rng.uniform(0.05, 0.8))
        before, numbers = acked(workers), acked(takers)
        server.kill9()
        print(f"  kill {k + 1}: {before} transitions acknowledged so far "
              f"({before - resumed_from} since the last restart), "
              f"{numbers} numbers ({numbers - numbers_from})", flush=True)
        server.start()
    time.sleep(0.5)
    stop.set()
    for w in workers + takers:
        w.join(timeout=120)
        if w.is_alive():
            sys.exit(f"worker {w.name} did not finish")
        if w.error:
            sys.exit(f"worker {w.name} failed: {w.error!r}")

    timer_starter.join(timeout=120)
    if timer_starter.error:
        sys.exit(f"timer starter failed: {timer_starter.error!r}")
    issuer.join(timeout=120)
    if issuer.is_alive() or issuer.error:
        sys.exit(f"document issuer failed: {issuer.error!r}")
    failures = check(server, instances, workers)
    failures += check_register(server, books, takers)
    failures += check_timers(server, timer_starter.started)
    failures += check_documents(server, issuer.issued)
    failures += check_files_survive_kill(server)
    server.stop()
    if failures:
        print("\n".join(failures))
        print(server.log()[-4000:])
        sys.exit(1)
    print(f"timers: {len(timer_starter.started)} deadlines set through the kills, "
          "each fired exactly once")
    total = sum(len(w.acked) for w in workers)
    replays = sum(w.replayed for w in workers + takers)
    numbers = sum(len(w.acked) for w in takers)
    print(f"register: numbers 1..{numbers} each given once, to the "
          f"{numbers} acknowledged keys; the next is {numbers + 1}")
    retried = sum((w.retried for w in workers + takers), collections.Counter())
    print(f"documents: {len(issuer.issued)} issued through the kills; each "
          "register holds exactly 1..n, one entry per document")
    print(f"retried after: {dict(retried)}")
    print(f"OK: {total + numbers} acknowledged transitions, each present exactly "
          f"once ({replays} answered from the idempotency record after a retry); "
          f"{len(instances) + len(books) + 1} chains verify")


def check(server, instances, workers):
    failures = []
    acked = collections.defaultdict(list)
    for w in workers:
        for instance_id, key in w.acked:
            acked[instance_id].append(key)
    channel = channel_for(server)
    stub = rpc.WorkflowServiceStub(channel)
    for instance_id in instances:
        instance = stub.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))
        variables = harness.values(instance.variables)
        log = variables.get("log", [])
        counts = collections.Counter(log)
        twice = [k for k, c in counts.items() if c > 1]
        missing = set(acked[instance_id]) - set(log)
        extra = set(log) - set(acked[instance_id])
        if twice:
            failures.append(f"{instance_id}: applied twice: {twice[:5]}")
        if missing:
            failures.append(f"{instance_id}: acknowledged but lost: {sorted(missing)[:5]}")
        if extra:
            failures.append(f"{instance_id}: applied but never acknowledged: "
                            f"{sorted(extra)[:5]}")
        if variables.get("n", 0) != len(log) or instance.version != 1 + len(log):
            failures.append(f"{instance_id}: n={variables.get('n')} version="
                            f"{instance.version} log={len(log)} disagree")
        failures += check_chain(stub, instance)
    listed = stub.ListInstances(pb.ListInstancesRequest(workflow="dem"))
    if len(listed.instances) != len(instances):
        failures.append(f"{len(listed.instances)} instances listed, "
                        f"{len(instances)} started (a start applied twice?)")
    channel.close()
    return failures


def check_chain(stub, instance):
    """One event per version, and the chain verifies (hash chain + replay)."""
    failures = []
    events, token = 0, ""
    while True:
        page = stub.GetHistory(pb.GetHistoryRequest(
            instance_id=instance.id, page_size=100, page_token=token))
        events += len(page.events)
        token = page.next_page_token
        if not token:
            break
    if events != instance.version:
        failures.append(f"{instance.id}: {events} events for "
                        f"version {instance.version}")
    verified = stub.VerifyInstance(pb.VerifyInstanceRequest(instance_id=instance.id))
    if not verified.ok:
        failures.append(f"{instance.id}: does not verify: {verified.problem}")
    return failures


def check_register(server, books, takers):
    """The register "so-di/2026" gave 1..N, N the acknowledged count, each
    number once, each beside the key it was acknowledged to."""
    failures = []
    acked = collections.defaultdict(set)  # instance id: keys acknowledged
    answered = {}  # key: the numbers its acknowledgement carried
    for w in takers:
        for instance_id, key in w.acked:
            acked[instance_id].add(key)
        answered.update(w.numbers)
    n = sum(len(keys) for keys in acked.values())
    channel = channel_for(server)
    stub = rpc.WorkflowServiceStub(channel)
    numbers, all_keys = [], []
    for instance_id in books:
        instance = stub.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))
        variables = harness.values(instance.variables)
        so, keys = variables.get("so", []), variables.get("keys", [])
        numbers += so
        all_keys += keys
        twice = [k for k, c in collections.Counter(keys).items() if c > 1]
        missing = acked[instance_id] - set(keys)
        extra = set(keys) - acked[instance_id]
        if twice:
            failures.append(f"register: {instance_id}: applied twice: {twice[:5]}")
        if missing:
            failures.append(f"register: {instance_id}: acknowledged but lost: "
                            f"{sorted(missing)[:5]}")
        if extra:
            failures.append(f"register: {instance_id}: applied but never "
                            f"acknowledged (or sent to another instance): "
                            f"{sorted(extra)[:5]}")
        if not len(so) == len(keys) == instance.version - 1:
            failures.append(f"register: {instance_id}: {len(so)} numbers, "
                            f"{len(keys)} keys, version {instance.version} "
                            "disagree")
        moved = [(k, answered.get(k), x) for k, x in zip(keys, so)
                 if k in answered and answered[k] != [x]]
        if moved:
            failures.append(f"register: {instance_id}: kept a number other than "
                            f"the one acknowledged (key, answered, kept): "
                            f"{moved[:5]}")
        failures += [f"register: {f}" for f in check_chain(stub, instance)]
    counts = collections.Counter(numbers)
    twice = sorted(x for x, c in counts.items() if c > 1)
    gaps = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if twice:
        failures.append(f"register: numbers given twice: {twice[:10]} "
                        f"({len(twice)} in all)")
    if gaps:
        failures.append(f"register: numbers skipped: {gaps[:10]} "
                        f"({len(gaps)} in all)")
    if sorted(numbers) != list(range(1, n + 1)):
        failures.append(f"register: {len(numbers)} numbers kept (highest "
                        f"{max(numbers, default=0)}), {n} acknowledged: "
                        f"expected exactly 1..{n}")
    twice = [k for k, c in collections.Counter(all_keys).items() if c > 1]
    if twice:
        failures.append(f"register: keys kept more than once across "
                        f"instances: {twice[:5]}")
    listed = stub.ListInstances(pb.ListInstancesRequest(workflow="vao_so"))
    if len(listed.instances) != len(books):
        failures.append(f"register: {len(listed.instances)} vao_so instances "
                        f"listed, {len(books)} started (a start applied twice?)")
    # The register stands at the acknowledged count: the next number is n + 1.
    try:
        fresh = call_until_acked(server, lambda s: s.StartInstance(
            pb.StartInstanceRequest(workflow="vao_so", unit="07627",
                                    idempotency_key="start-so-last")))
        fired = call_until_acked(server, lambda s: s.FireEvent(pb.FireEventRequest(
            instance_id=fresh.instance.id, event="lay_so",
            payload=harness.struct({"key": "so-last"}),
            idempotency_key="so-last"), timeout=10))
    except grpc.RpcError as e:
        failures.append(f"register: one more lay_so on a fresh instance "
                        f"failed: {e.code().name}: {e.details()}")
    else:
        got = harness.values(fired.instance.variables).get("so")
        if got != [n + 1]:
            failures.append(f"register: a fresh instance took {got}, expected "
                            f"[{n + 1}] (the register does not stand at the "
                            f"{n} acknowledged numbers)")
        failures += [f"register: {f}" for f in check_chain(stub, fired.instance)]
    channel.close()
    return failures


def check_documents(server, issued):
    """Each register is gapless (1..n) and its entries are exactly the
    documents issued, each with the number its document holds."""
    failures = []
    channel = harness.authed_channel(server.address, server.admin_token())
    docs = rpc.DocumentServiceStub(channel)
    by_register = collections.defaultdict(dict)  # (register, year): {n: id}
    for instance_id in issued:
        doc = docs.GetDocument(pb.GetDocumentRequest(instance_id=instance_id))
        if not doc.HasField("issuance"):
            failures.append(f"documents: {instance_id} acknowledged as issued "
                            "but has no number")
            continue
        i = doc.issuance
        numbers = by_register[(i.register, i.year)]
        if i.number in numbers:
            failures.append(f"documents: {i.register}/{i.year} number {i.number} "
                            f"held by {numbers[i.number]} and {instance_id}")
        numbers[i.number] = instance_id
    for (register, year), numbers in sorted(by_register.items()):
        entries, token = [], ""
        while True:
            page = docs.ReadRegister(pb.ReadRegisterRequest(
                register=register, year=year, page_size=1000, page_token=token))
            entries += page.entries
            token = page.next_page_token
            if not token:
                break
        got = [e.number for e in entries]
        if got != list(range(1, len(entries) + 1)):
            failures.append(f"documents: register {register}/{year} is not "
                            f"1..n: {got[:20]}")
        in_register = {e.number: e.instance_id for e in entries}
        if in_register != numbers:
            extra = sorted(set(in_register.items()) - set(numbers.items()))
            lost = sorted(set(numbers.items()) - set(in_register.items()))
            failures.append(f"documents: register {register}/{year} differs "
                            f"from the documents issued: in the register only "
                            f"{extra[:5]}, in documents only {lost[:5]}")
    channel.close()
    return failures


def check_timers(server, ids):
    """Every 2-second deadline fired, once (waits for the last ones)."""
    failures = []
    channel = channel_for(server)
    stub = rpc.WorkflowServiceStub(channel)
    deadline = time.time() + 30
    for instance_id in ids:
        while True:
            instance = stub.GetInstance(pb.GetInstanceRequest(instance_id=instance_id))
            if instance.state == "het" or time.time() > deadline:
                break
            time.sleep(0.1)
        events = [e.event for e in stub.GetHistory(
            pb.GetHistoryRequest(instance_id=instance_id)).events]
        if events != ["start", "het_gio"]:
            failures.append(f"{instance_id}: timer history {events} (lost or "
                            "fired twice)")
    channel.close()
    return failures


def upload_messages(instance_id, slot, data, gate=None):
    import hashlib
    yield pb.UploadFileRequest(header=pb.UploadFileHeader(
        instance_id=instance_id, slot=slot, name=f"{slot}.pdf",
        sha256=hashlib.sha256(data).hexdigest()))
    for n, at in enumerate(range(0, len(data), 1 << 20)):
        if gate is not None and n == 3:
            gate.set()      # three chunks sent: the killer may strike
            time.sleep(60)  # and the rest never comes
        yield pb.UploadFileRequest(chunk=data[at:at + (1 << 20)])


def check_files_survive_kill(server):
    failures = []
    channel = harness.authed_channel(server.address, TOKEN["official"])
    workflows = rpc.WorkflowServiceStub(channel)
    files = rpc.FileServiceStub(channel)
    iid = workflows.StartInstance(pb.StartInstanceRequest(
        workflow="dem", unit="07627")).instance.id
    kept = {}
    for slot, size in (("mot", 5 * (1 << 20) + 3), ("hai", 777)):
        data = (b"%PDF-1.7\n" + os.urandom(size))[:size]
        files.UploadFile(upload_messages(iid, slot, data))
        kept[slot] = data
    gate = threading.Event()
    cut = (b"%PDF-1.7\n" + os.urandom(8 << 20))
    uploader = threading.Thread(daemon=True, target=lambda: _ignore(
        lambda: files.UploadFile(upload_messages(iid, "cat_ngang", cut, gate))))
    uploader.start()
    gate.wait(30)
    time.sleep(0.3)  # the chunks reach the server
    server.kill9()  # mid-upload (closing the channel first would cancel it)
    channel.close()
    log_before = len(server.log())
    server.start()
    reported = server.log()[log_before:]
    if "deleted the chunks of 1 unfinished upload(s)" not in reported:
        failures.append("files: the restart did not delete the cut upload's "
                        "chunks (no 'deleted the chunks of 1 unfinished "
                        "upload(s)' in the log)")
    channel = harness.authed_channel(server.address, TOKEN["official"])
    files = rpc.FileServiceStub(channel)
    slots = {s.slot: len(s.versions) for s in files.ListFiles(
        pb.ListFilesRequest(instance_id=iid)).slots}
    if slots != {"mot": 1, "hai": 1}:
        failures.append(f"files: slots after the kill are {slots}")
    for slot, data in kept.items():
        parts = list(files.DownloadFile(pb.DownloadFileRequest(
            instance_id=iid, slot=slot)))
        if b"".join(p.chunk for p in parts[1:]) != data:
            failures.append(f"files: '{slot}' does not download byte-exact")
    channel.close()
    if not failures:
        print("files: a completed upload survives SIGKILL byte-exact; the cut "
              "one left no chunk")
    return failures


def _ignore(call):
    try:
        call()
    except grpc.RpcError:
        pass


if __name__ == "__main__":
    main()
