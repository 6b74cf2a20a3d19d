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
//         ctx.take_number, ctx.start, ...          shared records read
//                                                  through the TxnStore,
//                                                  versions noted
//                                                  (step_host_live.h)
//       children's start functions                 each a start step of
//                                                  its own, same write
//       PlanStep (step_planner.h)                  pure: instance, event
//                                                  (hash-chained, with what
//                                                  the script took), clocks,
//                                                  timers, inbox listing
//       WriteStep (step_writers.h)                 one Txn: a writer per
//                                                  concern, plus conditions
//                                                  (instance and shared
//                                                  records unmoved)
//     TxnStore::Commit (engine/store/txn.h)        group commit: conditions
//                                                  checked in commit order,
//                                                  one synced WAL write for
//                                                  the group
//       ABORTED (a shared record moved)?           run the step again on
//                                                  fresh reads, up to
//                                                  Limits::max_step_retries
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
#include "engine/plugins/plugin_store.h"
#include "engine/runtime/definition_registry.h"
#include "engine/runtime/reader.h"
#include "engine/runtime/request_checks.h"
#include "engine/runtime/step.h"
#include "engine/runtime/step_host_live.h"
#include "engine/store/txn.h"
#include "engine/util/json.h"
#include "engine/util/keyed_serializer.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {

class Transitioner {
 public:
  struct Deps {
    TxnStore* store = nullptr;
    DefinitionRegistry* registry = nullptr;
    Reader* reader = nullptr;
    KeyedSerializer* serializer = nullptr;
    ThreadPool* pool = nullptr;  // runs steps again after an abort
    Clock* clock = nullptr;
    const calendar::WorkCalendar* calendar = nullptr;
    // Recorded in every history event (HistoryEventBody.calendar_version).
    std::string calendar_version;
    const DirectoryStore* directory = nullptr;
    // The province plugins documents pin (docs/plugins.md).
    plugins::PluginStore* plugins = nullptr;
    Limits limits;
    uint64_t next_instance_number = 1;
  };
  explicit Transitioner(const Deps& deps);

  void Start(const StartRequest& request, Engine::Callback<StartResult> done);
  void Fire(const FireRequest& request, Engine::Callback<FireResult> done);
  // Cancels an instance (Engine::CancelAsync): the same path, with a
  // "wf.cancel" event that runs no script.
  void Cancel(const CancelRequest& request, Engine::Callback<FireResult> done);
  // A recipient unit acknowledges an issued document
  // (Engine::AcknowledgeDocumentAsync): a "wf.acknowledge" event, no script.
  void Acknowledge(const AcknowledgeRequest& request,
                   Engine::Callback<FireResult> done);
  // Attaches an uploaded file (input.attach set; from CheckUpload): the
  // same path, with a "wf.attach" event that runs no script.
  void Attach(const FireInput& input, Engine::Callback<FireResult> done);
  // The checks of an attach that need no bytes (read, running, who may
  // attach), so an upload is refused before its bytes are sent.
  absl::Status CheckAttachAllowed(const FireInput& input);
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
  Prepared<FireResult> PrepareCancel(const FireInput& in);
  Prepared<FireResult> PrepareAcknowledge(const FireInput& in);
  Prepared<FireResult> PrepareAttach(const FireInput& in);
  absl::StatusOr<std::optional<org::Grant>> CheckMayAttach(
      const FireInput& in, const store::InstanceRecord& instance,
      const Definition& def, const DirectorySnapshot& directory) const;
  // FAILED_PRECONDITION: the instance is finished or cancelled.
  absl::Status NotRunning(const FireInput& in,
                          const store::InstanceRecord& instance,
                          absl::string_view doing) const;
  // Adds the file's record to `txn` unless its bytes are stored already.
  absl::Status StoreBytesOnce(const AttachInput& file, Txn* txn) const;
  // Refuses while shutting down or when `input` is an error, else
  // RunOnInstance.
  void Enqueue(absl::StatusOr<FireInput> input,
               Prepared<FireResult> (Transitioner::*prepare)(const FireInput&),
               Engine::Callback<FireResult> done);
  // Serialises `in` on its instance and runs `prepare` for it.
  void RunOnInstance(std::shared_ptr<FireInput> in,
                     Prepared<FireResult> (Transitioner::*prepare)(
                         const FireInput&),
                     Engine::Callback<FireResult> done);
  // The version a start asks for (0: the latest), or NOT_FOUND naming the
  // versions there are.
  absl::StatusOr<std::shared_ptr<const Definition>> StartDefinition(
      const StartInput& in);
  // A workflow with unique business keys: the claim a start takes (the
  // condition that no one holds it yet, and the write), or ALREADY_EXISTS
  // naming the instance that holds it.
  // A start of a `plugin = true` workflow pins its province's plugin on
  // step->before (a child of a pinned `parent` takes the parent's);
  // FAILED_PRECONDITION PLUGIN_NOT_FOUND when the province has none.
  absl::Status PinPlugin(const Definition& def,
                         const DirectorySnapshot& directory,
                         const Step* parent, Step* step) const;
  // Later steps read the pinned version: step->plugin from step->before.
  absl::Status LoadPinned(Step* step) const;
  // The working days a document's clocks count on: its pinned plugin's
  // calendar when the province has its own days, else the national one.
  const calendar::WorkCalendar& CalendarOf(const PluginSource* plugin) const;
  absl::StatusOr<const calendar::WorkCalendar*> CalendarOf(
      const store::InstanceRecord& instance) const;
  absl::Status ClaimChildKey(const Definition& def, const StartInput& in,
                             const std::string& id, SharedTake* take,
                             Txn* txn) const;
  absl::Status ClaimBusinessKey(const Definition& def, const StartInput& in,
                                const std::string& id, Txn* txn) const;
  // A cancel frees the business key the instance holds.
  absl::Status ReleaseBusinessKey(const Definition& def,
                                  const store::InstanceRecord& instance,
                                  Txn* txn) const;
  // The documents below `id` that are still running (RunningBelow, over
  // the committed store).
  absl::StatusOr<std::vector<store::InstanceRecord>> RunningDescendants(
      const std::string& id) const;
  // Adds to `txn` the cancel of each of `descendants`, taken by `actor` with
  // document `root` (a cancel of it, or its step's ctx.cancel_children):
  // one "wf.cancel" event each, whose reason names `root`.
  absl::Status CancelDescendants(
      const std::string& root, const std::string& actor,
      const std::string& reason,
      const std::vector<store::InstanceRecord>& descendants,
      const DirectorySnapshot& directory, absl::Time now, Txn* txn) const;
  // One cancel step: `instance` keeps its state and ends finished and
  // cancelled, its business key freed, the quota places it holds given
  // back and the names it claimed released (InstanceRecord.places_held,
  // claims_held). Its writes, planned into *plan.
  absl::StatusOr<StepWrites> CancelStep(const FireInput& in,
                                        const store::InstanceRecord& instance,
                                        const DirectorySnapshot& directory,
                                        absl::Time now, StepPlan* plan) const;
  // Who may cancel: the embedder, an administrator, or the person who
  // started the instance.
  absl::Status CheckMayCancel(const FireInput& in,
                              const store::InstanceRecord& instance) const;
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
  // The children the step's script asked for, each started as a step of
  // its own in the same transaction. Returns their earliest new timer.
  absl::StatusOr<absl::Time> StartChildren(const Step& parent,
                                           SharedTake* take, Txn* txn);
  absl::StatusOr<StepWrites> StartChild(const Step& parent,
                                        const ChildRequest& child,
                                        SharedTake* take);
  // The events the step's script fired on other documents (ctx.fire), each
  // taken as a step of its own by the same actor in the same transaction:
  // its who rule, its guard and its action apply, as for FireEvent.
  absl::Status FireOthers(const Step& parent, SharedTake* take, Txn* txn);
  absl::StatusOr<StepWrites> FireFromStep(const Step& parent,
                                          const FireAsked& request,
                                          SharedTake* take);
  // The step's writes, what its script took, and its children, in one Txn.
  template <typename Result>
  absl::Status Assemble(const Step& step, StepWrites writes, SharedTake* take,
                        Prepared<Result>* p);
  SharedTake NewTake();
  absl::StatusOr<StepWrites> Conclude(const CallInput& call,
                                      const ActionResult& outcome,
                                      WorkflowScript& script, Step* step,
                                      StepPlan* plan) const;
  Prepared<FireResult> DropStaleTimer(const store::TimerRecord& timer,
                                      const store::InstanceRecord& instance) const;
  // Hands the written instance to the read cache; returns its variables.
  static std::shared_ptr<const Json> AttachWritten(store::InstanceRecord after,
                                                   Json vars,
                                                   StepWrites* writes);
  // The instance a fire request names, once the caller may read it.
  absl::StatusOr<InstanceCache::Record> LoadForFire(
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
  // the refusal. "var:" rules read `vars` (the start variables), or else
  // the instance's stored variables.
  absl::StatusOr<std::optional<org::Grant>> CheckActor(
      const Actor& actor, const DirectorySnapshot& directory,
      const store::InstanceRecord& instance, const access::CompiledWho& who,
      absl::Time now, const Json* vars = nullptr) const;
  absl::StatusOr<bool> TimerPending(const store::InstanceRecord& instance,
                                    const store::TimerRecord& timer) const;
  absl::Time RestoreMissingTimers(const store::InstanceRecord& instance,
                                  WriteSet* writes) const;
  std::function<absl::StatusOr<std::optional<absl::CivilDay>>()> DeadlineDate(
      const Definition& def, const std::string& state, const CallInput& call,
      const ActionResult* outcome, WorkflowScript& script) const;
  // Is an idempotency record written at `created` still answered at `now`?
  bool Live(const store::IdempotencyRecord& record, absl::Time now) const;
  // Prepares (again after an abort, on the pool), commits and answers;
  // releases `serial_key` at the end.
  // `still_wanted` (if set) is asked just before the commit: false answers
  // CANCELLED and writes nothing.
  template <typename Result>
  void Run(const std::string& serial_key,
           std::function<Prepared<Result>()> prepare,
           Engine::Callback<Result> done, int attempt,
           std::function<bool()> still_wanted = nullptr);

  bool Enter();
  void Leave();

  TxnStore* const store_;
  DefinitionRegistry* const registry_;
  Reader* const reader_;
  KeyedSerializer* const serializer_;
  ThreadPool* const pool_;
  Clock* const clock_;
  const calendar::WorkCalendar* const calendar_;
  const std::string calendar_version_;
  const DirectoryStore* const directory_;
  plugins::PluginStore* const plugins_;
  const Limits limits_;
  std::function<void(absl::Time)> timers_written_;
  std::atomic<uint64_t> next_instance_number_;

  absl::Mutex mu_;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wf

#endif  // WF_RUNTIME_TRANSITION_H_
