"""Deadlines with the real server binary: a deadline that passes while the
server is stopped fires when it starts again; a simulation-mode server plays
months of deadlines in seconds; a real server refuses to have its clock set.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import harness  # noqa: E402

ARGS, REST = harness.parse_args()

import grpc  # noqa: E402
from google.protobuf import duration_pb2  # noqa: E402
from wf.v1 import workflow_pb2 as pb  # noqa: E402
from wf.v1 import workflow_pb2_grpc as rpc  # noqa: E402

CALENDAR = os.path.join(ARGS.testdata, "calendar_2026.json")


def by(seconds):
    return duration_pb2.Duration(seconds=seconds)


def wait_for(predicate, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


class RestartPastADeadline(unittest.TestCase):
    def test_a_deadline_passed_while_stopped_fires_on_start(self):
        server = harness.ServerProcess(ARGS.server, harness.temp_data_dir("timer"),
                                       workflows_dir=ARGS.testdata)
        server.start()
        harness.setup_org(server.address, server.admin_token(), ARGS.testdata)
        token = harness.issue_tokens(server.address, server.admin_token(),
                                     ["can-bo.dai-son"])["can-bo.dai-son"]
        with harness.authed_channel(server.address, token) as channel:
            stub = rpc.WorkflowServiceStub(channel)
            started = stub.StartInstance(pb.StartInstanceRequest(
                workflow="hen_nhanh", unit="07627"))
            due = started.instance.clocks[0].due.ToMicroseconds()
        self.assertEqual(server.stop(), 0)
        time.sleep(2.5)  # the 2-second deadline passes while the server is down
        restarted_at = time.time() * 1e6
        self.assertGreater(restarted_at, due)
        server.start()
        try:
            with harness.authed_channel(server.address, token) as channel:
                stub = rpc.WorkflowServiceStub(channel)
                get = lambda: stub.GetInstance(pb.GetInstanceRequest(
                    instance_id=started.instance.id))
                self.assertTrue(wait_for(lambda: get().state == "het"),
                                server.log())
                events = stub.GetHistory(pb.GetHistoryRequest(
                    instance_id=started.instance.id)).events
                self.assertEqual([e.event for e in events], ["start", "het_gio"])
                fired = events[-1]
                self.assertEqual(fired.actor, "system:timer")
                self.assertEqual(fired.timer, "cho")
                self.assertEqual(fired.timer_due.ToMicroseconds(), due)
                self.assertGreaterEqual(fired.at.ToMicroseconds(), restarted_at)
                self.assertEqual(harness.values(get().variables)["het_luc"],
                                 due // 1000)
                # Fired once: a later look finds nothing more.
                time.sleep(1.5)
                self.assertEqual(len(stub.GetHistory(pb.GetHistoryRequest(
                    instance_id=started.instance.id)).events), 2)
        finally:
            self.assertEqual(server.stop(), 0)

    def test_a_real_server_does_not_let_clients_move_its_clock(self):
        server = harness.ServerProcess(ARGS.server, harness.temp_data_dir("noclock"))
        server.start()
        try:
            with harness.authed_channel(server.address, server.admin_token()) as channel:
                sim = rpc.SimulationServiceStub(channel)
                with self.assertRaises(grpc.RpcError) as raised:
                    sim.AdvanceClock(pb.AdvanceClockRequest(by=by(86400)))
                self.assertEqual(raised.exception.code(),
                                 grpc.StatusCode.UNIMPLEMENTED)
        finally:
            server.stop()


class Simulation(unittest.TestCase):
    def test_an_appraisal_is_played_through_its_deadlines(self):
        server = harness.ServerProcess(
            ARGS.server, harness.temp_data_dir("sim"), workflows_dir=ARGS.testdata,
            extra_flags=["--simulate_from=2026-02-12T09:00:00+07:00",
                         f"--calendar_file={CALENDAR}"])
        server.start()
        try:
            harness.setup_org(server.address, server.admin_token(), ARGS.testdata)
            token = harness.issue_tokens(server.address, server.admin_token(),
                                         ["chuyen-vien.noi-vu"])["chuyen-vien.noi-vu"]
            with harness.authed_channel(server.address, token) as channel, \
                    harness.authed_channel(server.address,
                                           server.admin_token()) as admin_channel:
                stub = rpc.WorkflowServiceStub(channel)
                sim = rpc.SimulationServiceStub(admin_channel)
                started = stub.StartInstance(pb.StartInstanceRequest(
                    workflow="tham_dinh", unit="so_noi_vu", business_key="TTr-12/SNV"))
                iid = started.instance.id
                began = stub.FireEvent(pb.FireEventRequest(instance_id=iid,
                                                           event="bat_dau"))
                coming = stub.ListDeadlines(pb.ListDeadlinesRequest(within_days=60))
                self.assertEqual([d.instance_id for d in coming.deadlines], [iid])
                self.assertFalse(coming.deadlines[0].late)
                # One due time, the same Timestamp wherever it is shown: the
                # clock, the deadline list and the event's pending timers.
                due = began.instance.clocks[0].due
                self.assertEqual(coming.deadlines[0].due, due)
                self.assertEqual(
                    [(t.name, t.event) for t in began.event.timers],
                    [("thoi_han", "qua_han"), ("thoi_han#0", "nhac_han")])
                self.assertEqual(began.event.timers[0].due, due)
                # End of Thursday 19/03 in Vietnam is 17:00 UTC that day.
                self.assertEqual(due.ToJsonString(), "2026-03-19T17:00:00Z")
                # Due at the end of Thursday 19/03: "3 working days before"
                # is from Tuesday 17/03 (17, 18 and 19/03 are left).
                moved = sim.AdvanceClock(pb.AdvanceClockRequest(until_day=harness.date(2026, 3, 16)))
                self.assertEqual(moved.timers_fired, 0)
                moved = sim.AdvanceClock(pb.AdvanceClockRequest(until_day=harness.date(2026, 3, 17)))
                self.assertEqual(moved.timers_fired, 1)  # the reminder
                moved = sim.AdvanceClock(pb.AdvanceClockRequest(by=by(2 * 86400)))
                self.assertEqual(moved.timers_fired, 0)
                moved = sim.AdvanceClock(pb.AdvanceClockRequest(until_day=harness.date(2026, 3, 21)))
                self.assertEqual(moved.timers_fired, 1)  # the deadline
                late = stub.ListDeadlines(pb.ListDeadlinesRequest(late=True))
                self.assertEqual([(d.instance_id, d.business_key) for d in late.deadlines],
                                 [(iid, "TTr-12/SNV")])
                instance = stub.GetInstance(pb.GetInstanceRequest(instance_id=iid))
                self.assertTrue(instance.clocks[0].expired)
                self.assertTrue(harness.values(instance.variables)["tre_han"])

                with self.assertRaises(grpc.RpcError) as raised:
                    sim.AdvanceClock(pb.AdvanceClockRequest(until_day=harness.date(2026, 1, 1)))
                self.assertEqual(raised.exception.code(),
                                 grpc.StatusCode.INVALID_ARGUMENT)
                self.assertIn("only moves forward", raised.exception.details())
        finally:
            self.assertEqual(server.stop(), 0)

    def test_a_restarted_simulation_never_goes_back_in_time(self):
        data_dir = harness.temp_data_dir("simrestart")
        server = harness.ServerProcess(
            ARGS.server, data_dir, workflows_dir=ARGS.testdata,
            extra_flags=["--simulate_from=2026-02-12T09:00:00+07:00",
                         f"--calendar_file={CALENDAR}"])
        server.start()
        try:
            harness.setup_org(server.address, server.admin_token(), ARGS.testdata)
            token = harness.issue_tokens(server.address, server.admin_token(),
                                         ["chuyen-vien.noi-vu"])["chuyen-vien.noi-vu"]
            with harness.authed_channel(server.address, token) as channel, \
                    harness.authed_channel(server.address,
                                           server.admin_token()) as admin_channel:
                stub = rpc.WorkflowServiceStub(channel)
                started = stub.StartInstance(pb.StartInstanceRequest(
                    workflow="tham_dinh", unit="so_noi_vu"))
                iid = started.instance.id
                moved = rpc.SimulationServiceStub(admin_channel).AdvanceClock(
                    pb.AdvanceClockRequest(until_day=harness.date(2026, 3, 2)))
                stub.FireEvent(pb.FireEventRequest(instance_id=iid, event="bat_dau"))
                advanced_to = moved.now.ToMicroseconds()
            self.assertEqual(server.stop(), 0)

            # The same command line again (its --simulate_from is now in the
            # past): the clock goes on from the stored time.
            server.start()
            self.assertIn("going on from the stored time", server.log())
            with harness.authed_channel(server.address, token) as channel, \
                    harness.authed_channel(server.address,
                                           server.admin_token()) as admin_channel:
                stub = rpc.WorkflowServiceStub(channel)
                now = rpc.SimulationServiceStub(admin_channel).AdvanceClock(
                    pb.AdvanceClockRequest(by=by(60))).now.ToMicroseconds()
                self.assertEqual(now, advanced_to + 60 * 1_000_000)
                paused = stub.FireEvent(pb.FireEventRequest(
                    instance_id=iid, event="yeu_cau_bo_sung")).instance.clocks[0]
                # Paused from Monday 02/03 with 20 working days counted from it.
                self.assertTrue(paused.paused)
                self.assertEqual(paused.unit, "working_days")
                self.assertGreater(paused.remaining_days, 0)
                self.assertFalse(paused.HasField("remaining_duration"))
                events = stub.GetHistory(pb.GetHistoryRequest(instance_id=iid)).events
                times = [e.at.ToMicroseconds() for e in events]
                self.assertEqual(times, sorted(times))
                self.assertEqual(times[-1], now)
                verified = stub.VerifyInstance(pb.VerifyInstanceRequest(instance_id=iid))
                self.assertTrue(verified.ok, verified.problem)
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + REST, verbosity=2)
