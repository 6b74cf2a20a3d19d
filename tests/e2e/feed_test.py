"""The feed (FeedService.Watch) as an integrator uses it: a watcher that
disconnects at random moments and resumes from the last cursor it saw,
while several threads drive transitions, and across a server restart.
Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3.
"""
import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

UNIT = "07627"  # Xã Đại Sơn, Bắc Ninh
OFFICIAL = "can-bo.dai-son"


def testdata(name):
    with open(os.path.join(ARGS.testdata, name), encoding="utf-8") as f:
        return f.read()


class Watcher(threading.Thread):
    """Watches from the last cursor it saw; hangs up after a random number
    of items and watches again; rides out a server that is down."""

    def __init__(self, address, token, seed):
        super().__init__(daemon=True)
        self.address, self.token = address, token
        self.random = random.Random(seed)
        self.received = []      # every item, repeats included, in arrival order
        self.cursor = ""        # the last cursor seen
        self.wanted = None      # stop once this cursor is seen
        self.reconnects = 0
        self.errors = []        # anything but a hang-up or a server away
        self.lock = threading.RLock()
        self.call = None        # the stream open now

    def finish(self, wanted):
        """Stops once `wanted` is seen. A caught-up stream waits for the next
        item, so it is hung up on: the watcher then looks at what it has."""
        self.wanted = wanted
        with self.lock:
            if self.call is not None:
                self.call.cancel()

    def last(self):
        with self.lock:
            return int(self.cursor) if self.cursor else 0

    def done(self):
        return self.wanted is not None and self.last() >= self.wanted

    def run(self):
        while not self.done():
            channel = harness.authed_channel(self.address, self.token)
            try:
                self.watch_once(rpc.FeedServiceStub(channel))
            except grpc.RpcError as e:
                if e.code() not in (grpc.StatusCode.CANCELLED,
                                    grpc.StatusCode.UNAVAILABLE):
                    self.errors.append(f"{e.code()}: {e.details()}")
                    return
                if e.code() == grpc.StatusCode.UNAVAILABLE:
                    time.sleep(0.05)  # the server is restarting
            finally:
                channel.close()
            self.reconnects += 1

    def watch_once(self, stub):
        with self.lock:
            if self.done():
                return
            call = self.call = stub.Watch(pb.WatchRequest(cursor=self.cursor))
        hang_up_after = self.random.randint(1, 60)
        for n, item in enumerate(call, 1):
            with self.lock:
                self.received.append(item)
                self.cursor = item.cursor
            if self.done() or n >= hang_up_after:
                call.cancel()  # a disconnect at a random moment
                return


class FeedEndToEnd(unittest.TestCase):
    def setUp(self):
        self.server = harness.ServerProcess(ARGS.server,
                                            harness.temp_data_dir("feed"))
        self.server.start()
        harness.setup_org(self.server.address, self.server.admin_token(),
                          ARGS.testdata)
        self.tokens = harness.issue_tokens(self.server.address,
                                           self.server.admin_token(), [OFFICIAL])
        self.connect()
        self.admin.DeployWorkflow(pb.DeployWorkflowRequest(
            source=testdata("dem.lua"), file_name="dem.lua"))
        self.acknowledged = []  # (instance id, history seq) answered OK
        self.ack_lock = threading.Lock()

    def connect(self):
        address = self.server.address
        self.admin_channel = harness.authed_channel(address,
                                                    self.server.admin_token())
        self.admin = rpc.WorkflowServiceStub(self.admin_channel)
        self.official_channel = harness.authed_channel(address,
                                                       self.tokens[OFFICIAL])
        self.official = rpc.WorkflowServiceStub(self.official_channel)

    def tearDown(self):
        self.admin_channel.close()
        self.official_channel.close()
        self.assertEqual(self.server.stop(), 0, self.server.log())

    def drive(self, threads=4, instances=3, fires=25):
        """Each thread starts instances and fires at them; returns when all
        are answered."""
        def work():
            for _ in range(instances):
                started = self.official.StartInstance(pb.StartInstanceRequest(
                    workflow="dem", unit=UNIT))
                acked = [(started.instance.id, 1)]
                for _ in range(fires):
                    fired = self.official.FireEvent(pb.FireEventRequest(
                        instance_id=started.instance.id, event="tang"))
                    acked.append((fired.instance.id, fired.event.seq))
                with self.ack_lock:
                    self.acknowledged += acked
        workers = [threading.Thread(target=work) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    def check(self, watcher):
        self.assertEqual(watcher.errors, [])
        seen, order = {}, []
        for item in watcher.received:  # de-duplicate by cursor
            if item.cursor in seen:
                self.assertEqual(seen[item.cursor], item)  # a repeat is the same
                continue
            seen[item.cursor] = item
            order.append(item)
        cursors = [int(i.cursor) for i in order]
        self.assertEqual(cursors, sorted(cursors), "commit order")
        self.assertEqual(cursors, list(range(1, len(self.acknowledged) + 1)),
                         "every item, once")
        per_instance = {}
        for item in order:
            self.assertEqual(item.kind, "transition")
            self.assertEqual(item.workflow, "dem")
            self.assertEqual(item.unit, UNIT)
            per_instance.setdefault(item.instance_id, []).append(item.seq)
        for instance, seqs in per_instance.items():
            self.assertEqual(seqs, list(range(1, len(seqs) + 1)), instance)
        self.assertEqual(sorted((i.instance_id, i.seq) for i in order),
                         sorted(self.acknowledged))

    def test_a_watcher_that_keeps_disconnecting_misses_nothing(self):
        watcher = Watcher(self.server.address, self.server.admin_token(), 12)
        watcher.start()
        self.drive()
        watcher.finish(len(self.acknowledged))
        watcher.join(timeout=120)
        self.assertFalse(watcher.is_alive(), "the watcher did not catch up")
        self.assertGreater(watcher.reconnects, 3)
        self.check(watcher)

    def test_a_watcher_resumes_across_a_server_restart(self):
        watcher = Watcher(self.server.address, self.server.admin_token(), 34)
        watcher.start()
        self.drive(threads=3, instances=2, fires=10)
        self.assertEqual(self.server.stop(), 0, self.server.log())
        self.admin_channel.close()
        self.official_channel.close()
        self.server.start()  # the same port and data folder
        self.connect()
        self.drive(threads=3, instances=2, fires=10)
        watcher.finish(len(self.acknowledged))
        watcher.join(timeout=120)
        self.assertFalse(watcher.is_alive(), "the watcher did not catch up")
        self.check(watcher)

    def integration(self, note):
        """An administrator's stub, and a token issued to an integration."""
        admin = rpc.AdminServiceStub(harness.authed_channel(
            self.server.address, self.server.admin_token()))
        return admin, admin.IssueToken(pb.IssueTokenRequest(
            person="tich-hop.thong-ke", admin=True, note=note))

    def test_a_revoked_token_gets_nothing_more(self):
        admin, issued = self.integration("an integration")
        started = self.official.StartInstance(pb.StartInstanceRequest(
            workflow="dem", unit=UNIT))
        with harness.authed_channel(self.server.address, issued.token) as channel:
            items = iter(rpc.FeedServiceStub(channel).Watch(pb.WatchRequest()))
            self.assertEqual(next(items).instance_id, started.instance.id)
            admin.RevokeToken(pb.RevokeTokenRequest(token_id=issued.info.token_id))
            fired = self.official.FireEvent(pb.FireEventRequest(
                instance_id=started.instance.id, event="tang"))
            self.assertEqual(fired.event.seq, 2)
            with self.assertRaises(grpc.RpcError) as ended:
                for item in items:
                    self.fail(f"an item after the revocation: {item}")
            self.assertEqual(ended.exception.code(),
                             grpc.StatusCode.UNAUTHENTICATED)
            self.assertIn("revoked", ended.exception.details())

    def test_an_idle_stream_ends_soon_after_its_token_is_revoked(self):
        admin, issued = self.integration("an idle integration")
        with harness.authed_channel(self.server.address, issued.token) as channel:
            # From the head: nothing comes, the stream waits.
            call = rpc.FeedServiceStub(channel).Watch(
                pb.WatchRequest(cursor="now"), timeout=30)
            time.sleep(0.5)
            admin.RevokeToken(pb.RevokeTokenRequest(token_id=issued.info.token_id))
            revoked_at = time.monotonic()
            with self.assertRaises(grpc.RpcError) as ended:
                for item in call:
                    self.fail(f"an item after the revocation: {item}")
            # The service checks idle streams every 5 s: ended by then, not
            # by the 30 s deadline, with no new item to trigger it.
            self.assertEqual(ended.exception.code(),
                             grpc.StatusCode.UNAUTHENTICATED)
            self.assertIn("revoked", ended.exception.details())
            self.assertLess(time.monotonic() - revoked_at, 15)

    def test_persons_may_not_watch(self):
        with harness.authed_channel(self.server.address,
                                    self.tokens[OFFICIAL]) as channel:
            call = rpc.FeedServiceStub(channel).Watch(pb.WatchRequest())
            with self.assertRaises(grpc.RpcError) as refused:
                next(iter(call))
            self.assertEqual(refused.exception.code(),
                             grpc.StatusCode.PERMISSION_DENIED)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST)
