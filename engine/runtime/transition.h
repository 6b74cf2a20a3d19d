// Copyright the wf-engine authors. Apache-2.0.
//
// The transition path: every change of every instance goes through here.
//
//   Fire(request)                                  any thread
//     CheckFire (request_checks.h)                 ids, JSON, sizes; no I/O
//     serialise on the instance id                 one transition per
//                                                  instance at a time
//       load the instance                          RocksDB read
//       may the caller read it? else NOT_FOUND     before anything else
//       idempotency key seen? -> the first answer
//       expected_version? event allowed here? who may fire it? fields?
//       guard, then action                         pooled Lua sandbox
//       PlanStep (step_planner.h)                  pure: instance, event
//                                                  (hash-chained), clocks,
//                                                  timers, inbox listing
//       WriteStep (step_writers.h)                 one WriteSet, a writer
//                                                  per concern
//     hand the WriteSet to the committer           group commit: one
//                                                  synced WAL write for
//                                                  all waiting sets
//   done(result)                                   only after the sync
//
// A refusal at any step writes nothing. Start() is the same path with the
// start function in place of guard and action.
#ifndef WF_RUNTIME_TRANSITION_H_
#define WF_RUNTIME_TRANSITION_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "engine/auth/directory_store.h"
#include "engine/calendar/work_calendar.h"
#include "engine/runtime/definition_registry.h"
#include "engine/runtime/reader.h"
#include "engine/runtime/request_checks.h"
#include "engine/runtime/step.h"
#include "engine/store/committer.h"
#include "engine/util/json.h"
#include "engine/util/keyed_serializer.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {

class Transitioner {
 public:
  Transitioner(Committer* committer, DefinitionRegistry* registry,
               Reader* reader, KeyedSerializer* serializer, Clock* clock,
               const calendar::WorkCalendar* calendar,
               const DirectoryStore* directory, const Limits& limits,
               uint64_t next_instance_number);

  void Start(const StartRequest& request, Engine::Callback<StartResult> done);
  void Fire(const FireRequest& request, Engine::Callback<FireResult> done);
  // Fires a due timer (from the timer loop): the same path, with the actor
  // "system:timer". A timer that is no longer pending (its clock ended or
  // moved) is dropped. `done` gets true when its event was committed, false
  // when it was dropped as stale, or the error.
  void FireTimer(const store::TimerRecord& timer,
                 std::function<void(absl::StatusOr<bool>)> done);
  // Called after a commit that added timers, with the earliest new due time
  // (the timer loop looks again if it is earlier than what it waits for).
  void OnTimersWritten(std::function<void(absl::Time)> hook) {
    timers_written_ = hook;
  }

  // Refuses new transitions and waits for those in flight to answer.
  void Close();

 private:
  template <typename Result>
  struct Prepared;

  Prepared<StartResult> PrepareStart(const StartInput& in);
  Prepared<FireResult> PrepareFire(const FireInput& in);
  // A stored answer to a retried request (nullopt: not seen, or expired),
  // or the refusal of a key reused for another request.
  absl::StatusOr<std::optional<StartResult>> ReplayStart(const StartInput& in);
  absl::StatusOr<std::optional<FireResult>> ReplayFire(
      const FireInput& in, const store::InstanceRecord& instance);
  absl::StatusOr<std::optional<store::IdempotencyRecord>> FirstAnswer(
      const std::string& key, const std::string& fingerprint,
      const std::string& idempotency_key) const;
  absl::StatusOr<std::optional<org::Grant>> CheckStartRules(
      const StartInput& in, const Definition& definition,
      const DirectorySnapshot& directory, absl::Time now) const;
  absl::StatusOr<StepWrites> Conclude(const CallInput& call,
                                      const ActionResult& outcome,
                                      WorkflowScript& script, Step* step,
                                      StepPlan* plan) const;
  Prepared<FireResult> DropStaleTimer(const store::TimerRecord& timer,
                                      const store::InstanceRecord& instance) const;
  // The instance a fire request names, once the caller may read it.
  absl::StatusOr<store::InstanceRecord> LoadForFire(
      const FireInput& in, const DirectorySnapshot& directory,
      absl::Time now);
  // The transition the event takes, its actor's capacity and its fields.
  absl::StatusOr<int> CheckFireRules(const FireInput& in,
                                     const Definition& definition,
                                     const store::InstanceRecord& instance,
                                     const DirectorySnapshot& directory,
                                     absl::Time now,
                                     std::optional<org::Grant>* grant) const;
  absl::StatusOr<int> FindTransition(const Definition& definition,
                                     const store::InstanceRecord& instance,
                                     const std::string& event) const;
  // Plans the step and builds its writes.
  absl::StatusOr<StepWrites> Record(const Step& step, StepPlan* plan) const;
  // The capacity in which the actor takes the step (checked actors), or
  // the refusal.
  absl::StatusOr<std::optional<org::Grant>> CheckActor(
      const Actor& actor, const DirectorySnapshot& directory,
      const store::InstanceRecord& instance, const access::CompiledWho& who,
      absl::Time now) const;
  absl::StatusOr<bool> TimerPending(const store::InstanceRecord& instance,
                                    const store::TimerRecord& timer) const;
  absl::Time RestoreMissingTimers(const store::InstanceRecord& instance,
                                  WriteSet* writes) const;
  std::function<absl::StatusOr<std::optional<absl::CivilDay>>()> DeadlineDate(
      const Definition& def, const std::string& state, const CallInput& call,
      const ActionResult* outcome, WorkflowScript& script) const;
  // Is an idempotency record written at `created` still answered at `now`?
  bool Live(const store::IdempotencyRecord& record, absl::Time now) const;
  template <typename Result>
  void Finish(const std::string& serial_key, Prepared<Result> prepared,
              Engine::Callback<Result> done);

  bool Enter();
  void Leave();

  Committer* const committer_;
  DefinitionRegistry* const registry_;
  Reader* const reader_;
  KeyedSerializer* const serializer_;
  Clock* const clock_;
  const calendar::WorkCalendar* const calendar_;
  const DirectoryStore* const directory_;
  const Limits limits_;
  std::function<void(absl::Time)> timers_written_;
  std::atomic<uint64_t> next_instance_number_;

  absl::Mutex mu_;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wf

#endif  // WF_RUNTIME_TRANSITION_H_
