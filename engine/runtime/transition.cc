// Copyright the wf-engine authors. Apache-2.0.
//
// The transition path. Read transition.h first: it has the map.
#include "engine/runtime/transition.h"

#include <optional>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/calendar/vn_date.h"
#include "engine/documents/issuance.h"
#include "engine/documents/lua_files.h"
#include "engine/runtime/history.h"
#include "engine/runtime/refusals.h"
#include "engine/runtime/step_planner.h"
#include "engine/runtime/step_writers.h"
#include "engine/store/keys.h"
#include "engine/timers/clocks.h"
#include "engine/timers/timer_service.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {

// What a prepared transition needs: a refusal, or the writes and the answer
// to give once they are synced. Empty writes with OK status: a replayed answer.
template <typename Result>
struct Transitioner::Prepared {
  absl::Status status;
  StepWrites writes;
  Result result;

  bool WritesNothing() const {
    return writes.txn.writes().empty() && writes.txn.deltas().empty();
  }

  static Prepared Refuse(absl::Status s) {
    Prepared p;
    p.status = std::move(s);
    return p;
  }
  static Prepared Answer(Result r) {
    Prepared p;
    p.result = std::move(r);
    return p;
  }
};

namespace {

// Recorded times never decrease within an instance: when the clock is behind
// the instance's last event (a real clock stepped back by NTP, a simulation
// restarted from an earlier day), the event is recorded at that last time.
// Refusing instead would stop the document for as long as the step lasts.
absl::Time NotBeforeLastEvent(absl::Time now,
                              const store::InstanceRecord& instance) {
  return std::max(now, absl::FromUnixMicros(instance.updated_at_micros()));
}

// A start: the instance does not exist yet (its id comes later).
Step StartStep(const StartInput& in, const Definition& def,
               const DirectorySnapshot& directory,
               const std::optional<org::Grant>& grant, absl::Time now) {
  static const Json* const kNoVars = new Json(Json::object());
  Step step;
  step.definition = &def;
  step.directory = &directory;
  step.grant = grant;
  step.event = "start";
  step.to = def.spec().initial;
  step.payload = &in.vars;
  step.vars_before = kNoVars;
  step.now = now;
  step.actor = in.actor;
  step.acting = in.actor_kind;
  step.idempotency_key = in.idempotency_key;
  step.fingerprint = in.fingerprint;
  step.before.set_business_key(in.business_key);
  step.before.set_unit_id(in.unit);
  step.document_view = documents::ToLuaView(step.before.document());
  return step;
}

// An event on `instance`, taking transition `spec`.
Step FireStep(const FireInput& in, const Definition& def,
              const TransitionSpec& spec, const store::InstanceRecord& instance,
              const DirectorySnapshot& directory,
              const std::optional<org::Grant>& grant, absl::Time now) {
  Step step;
  step.definition = &def;
  step.directory = &directory;
  step.grant = grant;
  step.before = instance;
  step.instance_id = in.instance_id;
  step.event = in.event;
  step.from = instance.state();
  step.to = spec.stay ? step.from : spec.to;
  step.payload = &in.payload;
  step.now = NotBeforeLastEvent(now, instance);
  step.actor = in.actor;
  step.acting = in.actor_kind;
  step.idempotency_key = in.idempotency_key;
  step.fingerprint = in.fingerprint;
  step.random_seed = RandomSeed(in.instance_id, instance.version() + 1);
  if (in.timer.has_value()) step.timer = &*in.timer;
  step.document_view = documents::ToLuaView(instance.document());
  step.files = LatestFilesJson(instance.document());
  return step;
}

// What the script sees of a step (ctx).
CallInput CallFor(const Step& step) {
  CallInput call;
  if (step.timer != nullptr) {
    call.timer = step.timer->name();
    call.timer_due = absl::FromUnixMicros(step.timer->due_micros());
  }
  call.vars = step.vars_before;
  call.payload = step.payload;
  call.event = step.event;
  call.from = step.from;
  call.to = step.to;
  call.actor = step.actor;
  if (step.grant.has_value()) {
    // The capacity the history event records (step_planner.cc).
    call.actor_role = step.grant->role;
    call.actor_unit = step.grant->unit_id;
    call.acting_for = step.grant->acting_for;
    if (step.directory != nullptr) {
      const DirectorySnapshot& d = *step.directory;
      if (const org::OrgUnit* unit = d.tree.Find(call.actor_unit)) {
        call.actor_unit_name = unit->name;
      }
      if (const org::Person* person = d.directory.FindPerson(step.actor)) {
        call.actor_name = person->name;
      }
    }
  }
  call.instance_id = step.instance_id;
  call.business_key = step.before.business_key();
  call.instance_unit = step.before.unit_id();
  call.instance_version = step.before.version();
  call.now = step.now;
  call.random_seed = step.random_seed;
  call.document = &step.document_view;
  call.files = &step.files;
  call.plugin = step.plugin.get();
  return call;
}

// A host call that failed for a reason of the system's (a shared record
// unreadable, too many children), not of the script's arguments: it ends the
// step with its own status even if the script caught the error with pcall.
absl::Status HostFailure(const LiveHost& host) {
  const absl::Status& e = host.error();
  // A refusal with its own reason (a document issued twice, or missing
  // what numbering needs) says more than the script error it raised.
  auto refusal = ReadRefusal(e);
  if (refusal.has_value() && !refusal->reason.empty()) return e;
  if (absl::IsInvalidArgument(e) || absl::IsFailedPrecondition(e)) {
    return absl::OkStatus();  // the script's mistake: its error says where
  }
  return e;
}

// The title of `event`'s first transition ("" if none has one).
std::string EventTitle(const Definition& def, const std::string& event) {
  for (const TransitionSpec& spec : def.spec().transitions) {
    if (spec.event == event && !spec.title.empty()) return spec.title;
  }
  return "";
}

// `status` with `prefix` before its message, and its payloads (a refusal's
// reason, fields and Vietnamese) kept.
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  absl::Status out(status.code(), absl::StrCat(prefix, status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

absl::Status HostOr(const LiveHost& host, absl::Status script_error) {
  absl::Status failure = HostFailure(host);
  return failure.ok() ? script_error : failure;
}

absl::Status CheckUnit(const std::string& unit,
                       const DirectorySnapshot& directory) {
  if (unit.empty() || directory.tree.units().empty() ||
      directory.tree.Find(unit) != nullptr) {
    return absl::OkStatus();
  }
  return Refusal(absl::NotFoundError(absl::StrCat(
                     "Expected `unit` to be a unit of the org directory, "
                     "but '", unit, "' is not one")),
                 reason::kUnitNotFound)
      .With("unit", unit)
      .Field("unit")
      .Vietnamese(absl::StrCat("Không có đơn vị «", unit,
                               "» trong danh bạ tổ chức."));
}

// The units a step's document names (its issuer, its recipients) are units
// of the org directory: an incoming list under a mistyped id would never be
// read.
absl::Status CheckDocumentUnits(const Json& changes,
                                const DirectorySnapshot& directory) {
  if (!changes.is_object()) return absl::OkStatus();
  const Json set = changes.value("set", Json::object());
  WF_RETURN_IF_ERROR(CheckUnit(set.value("issuer", ""), directory));
  const Json issue = changes.value("issue", Json::object());
  for (const Json& r : issue.value("recipients", Json::array())) {
    WF_RETURN_IF_ERROR(CheckUnit(r.value("unit", ""), directory));
  }
  return absl::OkStatus();
}

// A FAILED_PRECONDITION no check gave a reason is the workflow's Lua
// failing at run time (its error, a bad return value, a host call it made
// wrongly): every refusal of the checks carries its own reason. The script's
// functions tag their own failures already, with where they happened
// (WorkflowScript::ScriptFailed); this names the rest the same way.
absl::Status ScriptFailedUnlessReasoned(absl::Status status) {
  if (!absl::IsFailedPrecondition(status)) return status;
  return WithReason(std::move(status), reason::kScriptFailed);
}

}  // namespace

Transitioner::Transitioner(const Deps& deps)
    : store_(deps.store),
      registry_(deps.registry),
      reader_(deps.reader),
      serializer_(deps.serializer),
      pool_(deps.pool),
      clock_(deps.clock),
      calendar_(deps.calendar),
      calendar_version_(deps.calendar_version),
      directory_(deps.directory),
      plugins_(deps.plugins),
      limits_(deps.limits),
      next_instance_number_(deps.next_instance_number) {}

// ---------------------------------------------------------------------------
// Entry points

void Transitioner::Start(const StartRequest& request,
                         Engine::Callback<StartResult> done) {
  if (!Enter()) {
    done(refusals::ShuttingDown());
    return;
  }
  auto input = CheckStart(request, limits_);
  if (!input.ok()) {
    Leave();
    done(input.status());
    return;
  }
  auto in = std::make_shared<StartInput>(std::move(*input));
  // Without a key, a start touches nothing another request could: no
  // serialisation. With one, two retries must not both start an instance:
  // they queue on the key of the record that answers them (which never
  // equals an instance id, the other keys queued on).
  std::string serial_key;
  if (!in->idempotency_key.empty()) {
    serial_key = keys::StartIdempotency(in->actor, in->idempotency_key);
  }
  auto run = [this, in, done, serial_key] {
    Run<StartResult>(
        serial_key, [this, in] { return PrepareStart(*in); }, done, 0,
        in->still_wanted);
  };
  if (serial_key.empty()) {
    run();
  } else {
    serializer_->Run(serial_key, run);
  }
}

void Transitioner::Fire(const FireRequest& request,
                        Engine::Callback<FireResult> done) {
  Enqueue(CheckFire(request, limits_), &Transitioner::PrepareFire,
          std::move(done));
}

void Transitioner::Cancel(const CancelRequest& request,
                          Engine::Callback<FireResult> done) {
  Enqueue(CheckCancel(request, limits_), &Transitioner::PrepareCancel,
          std::move(done));
}

void Transitioner::Acknowledge(const AcknowledgeRequest& request,
                               Engine::Callback<FireResult> done) {
  Enqueue(CheckAcknowledge(request, limits_),
          &Transitioner::PrepareAcknowledge, std::move(done));
}

// The entry of every event on an existing instance: refused at once while
// the engine shuts down or when the request's checks failed.
void Transitioner::Enqueue(
    absl::StatusOr<FireInput> input,
    Prepared<FireResult> (Transitioner::*prepare)(const FireInput&),
    Engine::Callback<FireResult> done) {
  if (!Enter()) {
    done(refusals::ShuttingDown());
    return;
  }
  if (!input.ok()) {
    Leave();
    done(input.status());
    return;
  }
  RunOnInstance(std::make_shared<FireInput>(*std::move(input)), prepare,
                std::move(done));
}

void Transitioner::RunOnInstance(
    std::shared_ptr<FireInput> in,
    Prepared<FireResult> (Transitioner::*prepare)(const FireInput&),
    Engine::Callback<FireResult> done) {
  serializer_->Run(in->instance_id, [this, in, prepare, done] {
    Run<FireResult>(
        in->instance_id, [this, in, prepare] { return (this->*prepare)(*in); },
        done, 0, in->still_wanted);
  });
}

void Transitioner::FireTimer(const store::TimerRecord& timer,
                             std::function<void(absl::StatusOr<bool>)> done) {
  if (!Enter()) {
    done(refusals::ShuttingDown());
    return;
  }
  auto in = std::make_shared<FireInput>();
  in->timer = timer;
  in->instance_id = timer.instance_id();
  in->event = timer.event();
  in->payload = Json::object();
  in->actor = "system:timer";
  in->actor_kind = Actor::Embedder("system:timer");  // the engine itself
  // A stale timer commits only the removal of its key: no event (seq 0).
  Engine::Callback<FireResult> answer =
      [done](absl::StatusOr<FireResult> result) {
        if (!result.ok()) return done(result.status());
        done(result->event.seq != 0);
      };
  serializer_->Run(in->instance_id, [this, in, answer] {
    Run<FireResult>(
        in->instance_id, [this, in] { return PrepareFire(*in); }, answer, 0);
  });
}

// Hands the transaction to the store and answers after the sync, or answers
// at once for a refusal or a replayed answer. A transaction aborted because
// a shared record it read moved is prepared again on fresh reads (on the
// pool: this callback runs on the store's answer thread). Releases the
// instance at the end either way.
template <typename Result>
void Transitioner::Run(const std::string& serial_key,
                       std::function<Prepared<Result>()> prepare,
                       Engine::Callback<Result> done, int attempt,
                       std::function<bool()> still_wanted) {
  Prepared<Result> prepared = prepare();
  // The caller gave up (a gRPC deadline passed, the client went away): a
  // write it would never hear of is not made while that can still be
  // avoided. After this point the outcome is committed or not as the store
  // decides, and the caller learns it by retrying with its idempotency key.
  if (prepared.status.ok() && !prepared.WritesNothing() && still_wanted &&
      !still_wanted()) {
    prepared = Prepared<Result>::Refuse(absl::CancelledError(
        "Expected the caller to wait for the answer, but it had gone (its "
        "deadline passed or it cancelled) before the write: nothing was "
        "written; retry with the same idempotency key"));
  }
  if (!prepared.status.ok() || prepared.WritesNothing()) {
    if (!serial_key.empty()) serializer_->Release(serial_key);
    if (prepared.status.ok()) {
      done(std::move(prepared.result));
    } else {
      done(ScriptFailedUnlessReasoned(prepared.status));
    }
    Leave();
    return;
  }
  auto result = std::make_shared<Result>(std::move(prepared.result));
  const absl::Time new_timer_due = prepared.writes.new_timer_due;
  store_->Commit(
      std::move(prepared.writes.txn),
      [this, serial_key, prepare, result, done, new_timer_due, attempt,
       still_wanted](absl::Status synced) {
        if (absl::IsAborted(synced) && attempt < limits_.max_step_retries) {
          pool_->Post([this, serial_key, prepare, done, attempt,
                       still_wanted] {
            Run<Result>(serial_key, prepare, done, attempt + 1, still_wanted);
          });
          return;
        }
        if (absl::IsAborted(synced)) {
          synced = refusals::Contention(attempt + 1, synced);
        }
        if (!serial_key.empty()) serializer_->Release(serial_key);
        if (synced.ok() && new_timer_due != absl::InfiniteFuture() &&
            timers_written_) {
          timers_written_(new_timer_due);
        }
        if (synced.ok()) {
          done(std::move(*result));
        } else {
          done(synced);
        }
        Leave();
      });
}

// ---------------------------------------------------------------------------
// Idempotency: a retry gets the first answer

bool Transitioner::Live(const store::IdempotencyRecord& record,
                        absl::Time now) const {
  const absl::Time created = absl::FromUnixMicros(record.created_at_micros());
  return now - created < absl::Seconds(limits_.idempotency_window_seconds);
}

// The record stored under `key`, if it is still live; KeyReused if it
// answers another request.
absl::StatusOr<std::optional<store::IdempotencyRecord>>
Transitioner::FirstAnswer(const std::string& key,
                          const std::string& fingerprint,
                          const std::string& idempotency_key) const {
  WF_ASSIGN_OR_RETURN(std::optional<store::IdempotencyRecord> stored,
                      reader_->LoadIdempotency(key));
  if (!stored.has_value()) return std::nullopt;
  const store::IdempotencyRecord& first = *stored;
  // Past its window a key is free again (and compaction drops the record).
  if (!Live(first, clock_->Now())) return std::nullopt;
  if (first.request_sha256() != fingerprint) {
    return refusals::KeyReused(idempotency_key);
  }
  return first;
}

absl::StatusOr<std::optional<StartResult>> Transitioner::ReplayStart(
    const StartInput& in) {
  if (in.idempotency_key.empty()) return std::nullopt;
  WF_ASSIGN_OR_RETURN(
      std::optional<store::IdempotencyRecord> first,
      FirstAnswer(keys::StartIdempotency(in.actor, in.idempotency_key),
                  in.fingerprint, in.idempotency_key));
  if (!first.has_value()) return std::nullopt;
  WF_ASSIGN_OR_RETURN(store::InstanceRecord instance,
                      reader_->LoadInstance(first->instance_id()));
  StartResult result;
  result.instance = reader_->ToInfo(instance);
  result.replayed = true;
  return result;
}

// The event the first request appended, as recorded, and the document as it
// is now (it may have moved on since).
absl::StatusOr<std::optional<FireResult>> Transitioner::ReplayFire(
    const FireInput& in, const store::InstanceRecord& instance) {
  if (in.idempotency_key.empty()) return std::nullopt;
  WF_ASSIGN_OR_RETURN(
      std::optional<store::IdempotencyRecord> first,
      FirstAnswer(keys::FireIdempotency(in.instance_id, in.idempotency_key),
                  in.fingerprint, in.idempotency_key));
  if (!first.has_value()) return std::nullopt;
  WF_ASSIGN_OR_RETURN(store::HistoryEventRecord event,
                      reader_->LoadEvent(in.instance_id, first->seq()));
  WF_ASSIGN_OR_RETURN(store::HistoryEventBody body, OpenEvent(event));
  FireResult result;
  result.instance = reader_->ToInfo(instance);
  result.event = ToHistoryEntry(body, event.hash());
  result.replayed = true;
  return result;
}

// ---------------------------------------------------------------------------
// Preparing: reads, checks and Lua; nothing written

Transitioner::Prepared<StartResult> Transitioner::PrepareStart(
    const StartInput& in) {
  using P = Prepared<StartResult>;
  auto replayed = ReplayStart(in);
  if (!replayed.ok()) return P::Refuse(replayed.status());
  if (replayed->has_value()) return P::Answer(std::move(**replayed));
  auto definition = StartDefinition(in);
  if (!definition.ok()) return P::Refuse(definition.status());
  const Definition& def = **definition;
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  auto grant = CheckStartRules(in, def, *directory, now);
  if (!grant.ok()) return P::Refuse(grant.status());

  Step step = StartStep(in, def, *directory, *grant, now);
  step.instance_id = keys::InstanceId(next_instance_number_.fetch_add(1));
  step.random_seed = RandomSeed(step.instance_id, 1);
  step.calendar_version = calendar_version_;
  absl::Status pinned = PinPlugin(def, *directory, nullptr, &step);
  if (!pinned.ok()) return P::Refuse(pinned);
  Txn claim;  // checked before the script runs: a taken key costs no Lua
  absl::Status claimed = ClaimBusinessKey(def, in, step.instance_id, &claim);
  if (!claimed.ok()) return P::Refuse(claimed);
  SharedTake take = NewTake();
  take.set_directory(step.directory);
  LiveHost host(&take, step.instance_id, /*may_start=*/true);
  CallInput call = CallFor(step);
  call.vars = &in.vars;  // the script starts from the start variables
  call.host = &host;
  auto lease = def.scripts().Acquire();
  if (!lease.ok()) return P::Refuse(lease.status());
  auto outcome = (*lease)->RunStart(call);
  if (!outcome.ok()) return P::Refuse(HostOr(host, outcome.status()));
  if (!HostFailure(host).ok()) return P::Refuse(HostFailure(host));
  step.externals = host.TakeExternals();
  StepPlan plan;
  auto writes = Conclude(call, *outcome, **lease, &step, &plan);
  if (!writes.ok()) return P::Refuse(writes.status());
  writes->txn.Absorb(std::move(claim));
  P p;
  absl::Status assembled = Assemble(step, std::move(*writes), &take, &p);
  if (!assembled.ok()) return P::Refuse(assembled);
  p.result.instance = reader_->ToInfo(plan.after);
  p.result.instance.parsed_variables = AttachWritten(
      std::move(plan.after), std::move(outcome->vars), &p.writes);
  return p;
}

absl::StatusOr<absl::Time> Transitioner::StartChildren(const Step& parent,
                                                       SharedTake* take,
                                                       Txn* txn) {
  absl::Time earliest = absl::InfiniteFuture();
  // A child's start function cannot add children (LiveHost refuses), so
  // the list does not grow while it is walked.
  for (const ChildRequest& child : take->children()) {
    WF_ASSIGN_OR_RETURN(StepWrites writes, StartChild(parent, child, take));
    txn->Absorb(std::move(writes.txn));
    earliest = std::min(earliest, writes.new_timer_due);
  }
  return earliest;
}

// A child's start: the same as a start request's, acted by the parent's
// actor in the parent's capacity (the parent's transition was theirs to
// take; the child's `started_by` rule is not asked again).
absl::StatusOr<StepWrites> Transitioner::StartChild(const Step& parent,
                                                    const ChildRequest& child,
                                                    SharedTake* take) {
  const std::string who = absl::StrCat("child '", child.workflow, "' (",
                                       child.id, ") started by ",
                                       parent.instance_id);
  WF_ASSIGN_OR_RETURN(auto definition, registry_->Latest(child.workflow));
  const Definition& def = *definition;
  const size_t size = DumpJson(child.vars).size();
  if (size > limits_.max_payload_bytes) {
    return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                       "Expected the variables of ", who, " to stay within ",
                       limits_.max_payload_bytes, " bytes, but they are ",
                       size)),
                   reason::kBudgetExceeded)
        .With("budget", "child_variables_bytes")
        .With("limit", limits_.max_payload_bytes);
  }
  StartInput in;
  in.vars = child.vars;
  in.unit = child.unit.empty() ? parent.before.unit_id() : child.unit;
  in.business_key = child.business_key;
  in.actor = parent.actor;
  WF_RETURN_IF_ERROR(CheckFields(in.vars, def.spec().requires_fields,
                                 def.spec(), /*start=*/true,
                                 absl::StrCat("the variables of ", who),
                                 absl::StrCat("workflow '", def.name(), "'")));
  WF_RETURN_IF_ERROR(CheckUnit(in.unit, *parent.directory));
  Step step = StartStep(in, def, *parent.directory, parent.grant, parent.now);
  step.instance_id = child.id;
  step.random_seed = RandomSeed(step.instance_id, 1);
  step.calendar_version = calendar_version_;
  step.parent_id = parent.instance_id;
  WF_RETURN_IF_ERROR(PinPlugin(def, *parent.directory, &parent, &step));
  LiveHost host(take, step.instance_id, /*may_start=*/false);
  CallInput call = CallFor(step);
  call.vars = &in.vars;
  call.host = &host;
  WF_ASSIGN_OR_RETURN(auto lease, def.scripts().Acquire());
  absl::StatusOr<ActionResult> outcome = lease->RunStart(call);
  if (!outcome.ok()) return HostOr(host, outcome.status());
  WF_RETURN_IF_ERROR(HostFailure(host));
  step.externals = host.TakeExternals();
  StepPlan plan;
  WF_ASSIGN_OR_RETURN(StepWrites writes,
                      Conclude(call, *outcome, *lease, &step, &plan));
  WF_RETURN_IF_ERROR(ClaimChildKey(def, in, child.id, take, &writes.txn));
  return writes;
}

// A child's unique business key: free in the store, and not claimed by an
// earlier child of the same step (both would find it free in the store,
// and the step's one transaction would write it twice).
absl::Status Transitioner::ClaimChildKey(const Definition& def,
                                         const StartInput& in,
                                         const std::string& id,
                                         SharedTake* take, Txn* txn) const {
  if (def.spec().unique_business_key && !in.business_key.empty()) {
    const std::string first = take->FirstInStep(
        keys::BusinessKeyClaim(def.name(), in.business_key), id);
    if (!first.empty()) {
      return refusals::BusinessKeyTaken(def.name(), in.business_key, first);
    }
  }
  return ClaimBusinessKey(def, in, id, txn);
}

absl::Status Transitioner::FireOthers(const Step& parent, SharedTake* take,
                                      Txn* txn) {
  for (const FireAsked& request : take->fires()) {
    absl::StatusOr<StepWrites> writes = FireFromStep(parent, request, take);
    if (!writes.ok()) {  // which document refused, beside its reason
      return Prefixed(writes.status(),
                      absl::StrCat("ctx.fire('", request.instance_id, "', '",
                                   request.event, "'): "));
    }
    txn->Absorb(std::move(writes->txn));
  }
  return absl::OkStatus();
}

// As PrepareFire, for a document the parent's script named: the parent's
// actor in the parent's time (a timer's step fires as the engine, whom no
// who rule checks, as the timer's own step).
absl::StatusOr<StepWrites> Transitioner::FireFromStep(
    const Step& parent, const FireAsked& request, SharedTake* take) {
  WF_ASSIGN_OR_RETURN(store::InstanceRecord target,
                      reader_->LoadInstance(request.instance_id));
  WF_ASSIGN_OR_RETURN(auto definition, registry_->Get(
                                           target.workflow(),
                                           target.workflow_version()));
  const Definition& def = *definition;
  FireInput in;
  in.instance_id = request.instance_id;
  in.event = request.event;
  in.payload = request.payload;
  in.actor = parent.actor;
  in.actor_kind = parent.acting;
  std::optional<org::Grant> grant;
  WF_ASSIGN_OR_RETURN(int t, CheckFireRules(in, def, target, *parent.directory,
                                            parent.now, &grant));
  const TransitionSpec& spec = def.spec().transitions[t];
  WF_ASSIGN_OR_RETURN(Json vars, ParseStoredJson(target.variables_json()));
  Step step = FireStep(in, def, spec, target, *parent.directory, grant,
                       parent.now);
  step.fired_by = parent.instance_id;
  step.vars_before = &vars;
  step.calendar_version = calendar_version_;
  WF_RETURN_IF_ERROR(LoadPinned(&step));
  const CallInput call = CallFor(step);
  WF_ASSIGN_OR_RETURN(auto lease, def.scripts().Acquire());
  WF_ASSIGN_OR_RETURN(GuardResult guard, lease->RunGuard(t, call));
  if (!guard.allowed) {
    return refusals::GuardRefused(in.instance_id, spec.event, spec.title,
                                  target.state(), guard.reason);
  }
  LiveHost host(take, step.instance_id, /*may_start=*/false);
  CallInput action_call = call;
  action_call.host = &host;
  action_call.takeable_vars = &vars;  // parsed for this step alone
  absl::StatusOr<ActionResult> outcome = lease->RunAction(t, action_call);
  if (!outcome.ok()) return HostOr(host, outcome.status());
  WF_RETURN_IF_ERROR(HostFailure(host));
  step.externals = host.TakeExternals();
  StepPlan plan;
  return Conclude(action_call, *outcome, *lease, &step, &plan);
}

SharedTake Transitioner::NewTake() {
  return SharedTake(
      store_, [this] { return keys::InstanceId(next_instance_number_++); },
      limits_, [this](const std::string& parent) {
        return reader_->ChildIds(parent);
      });
}

// The step's own writes, its children's, and what its script took from
// shared records (with the versions that must still hold), in one Txn.
template <typename Result>
absl::Status Transitioner::Assemble(const Step& step, StepWrites writes,
                                    SharedTake* take, Prepared<Result>* p) {
  WF_ASSIGN_OR_RETURN(absl::Time child_due,
                      StartChildren(step, take, &writes.txn));
  WF_RETURN_IF_ERROR(FireOthers(step, take, &writes.txn));
  if (const auto& below = take->cancel_below(); below.has_value()) {
    WF_RETURN_IF_ERROR(CancelDescendants(step.instance_id, step.actor,
                                         below->reason, below->running,
                                         *step.directory, step.now,
                                         &writes.txn));
  }
  writes.txn.Absorb(take->Finish());
  writes.new_timer_due = std::min(writes.new_timer_due, child_due);
  p->writes = std::move(writes);
  return absl::OkStatus();
}

// The start variables have what the workflow requires, the unit exists,
// and the actor may start a document there: their capacity, or the refusal.
absl::StatusOr<std::optional<org::Grant>> Transitioner::CheckStartRules(
    const StartInput& in, const Definition& def,
    const DirectorySnapshot& directory, absl::Time now) const {
  WF_RETURN_IF_ERROR(CheckFields(in.vars, def.spec().requires_fields,
                                 def.spec(), /*start=*/true,
                                 "the start variables",
                                 absl::StrCat("workflow '", def.name(), "'"),
                                 "variables_json"));
  WF_RETURN_IF_ERROR(CheckUnit(in.unit, directory));
  store::InstanceRecord blank;
  blank.set_unit_id(in.unit);
  return CheckActor(in.actor_kind, directory, blank, def.StartedBy(), now,
                    &in.vars);
}

absl::Status Transitioner::PinPlugin(const Definition& def,
                                     const DirectorySnapshot& directory,
                                     const Step* parent, Step* step) const {
  if (!def.spec().plugin) return absl::OkStatus();
  std::shared_ptr<const PluginSource> source;
  if (parent != nullptr && parent->plugin != nullptr) {
    source = parent->plugin;
  } else {
    const std::string& unit = step->before.unit_id();
    const org::OrgUnit* province = directory.tree.Province(unit);
    if (province != nullptr) {
      WF_ASSIGN_OR_RETURN(source, plugins_->ForProvince(province->id));
    }
    if (source == nullptr) {
      const org::OrgUnit* u = directory.tree.Find(unit);
      return refusals::PluginMissing(
          def.name(), unit, u != nullptr ? u->name : "",
          province != nullptr ? province->id : "",
          province != nullptr ? plugins::ProvincePlaceName(province->name)
                              : "");
    }
  }
  step->before.set_plugin(source->name);
  step->before.set_plugin_version(source->version);
  step->plugin = std::move(source);
  return absl::OkStatus();
}

absl::Status Transitioner::LoadPinned(Step* step) const {
  const store::InstanceRecord& r = step->before;
  if (r.plugin().empty()) return absl::OkStatus();
  WF_ASSIGN_OR_RETURN(step->plugin,
                      plugins_->Source(r.plugin(), r.plugin_version()));
  return absl::OkStatus();
}

const calendar::WorkCalendar& Transitioner::CalendarOf(
    const PluginSource* plugin) const {
  return plugin != nullptr && plugin->calendar != nullptr ? *plugin->calendar
                                                          : *calendar_;
}

// The plugin store keeps every source it hands out for its lifetime, so the
// calendar outlives the call.
absl::StatusOr<const calendar::WorkCalendar*> Transitioner::CalendarOf(
    const store::InstanceRecord& instance) const {
  if (instance.plugin().empty() || plugins_ == nullptr) return calendar_;
  WF_ASSIGN_OR_RETURN(std::shared_ptr<const PluginSource> source,
                      plugins_->Source(instance.plugin(),
                                       instance.plugin_version()));
  return &CalendarOf(source.get());
}

// Runs the deadline's `date` function on demand, plans the step and builds
// its writes: the part every step shares once the script has run.
absl::StatusOr<StepWrites> Transitioner::Conclude(const CallInput& call,
                                                  const ActionResult& outcome,
                                                  WorkflowScript& script,
                                                  Step* step,
                                                  StepPlan* plan) const {
  step->outcome = &outcome;
  WF_RETURN_IF_ERROR(CheckDocumentUnits(outcome.document, *step->directory));
  step->deadline_date =
      DeadlineDate(*step->definition, step->to, call, &outcome, script);
  return Record(*step, plan);
}

absl::StatusOr<std::shared_ptr<const Definition>>
Transitioner::StartDefinition(const StartInput& in) {
  WF_ASSIGN_OR_RETURN(auto latest, registry_->Latest(in.workflow));
  const uint32_t last = latest->version();
  if (in.workflow_version == 0 || in.workflow_version == last) return latest;
  if (in.workflow_version > last) {
    return absl::NotFoundError(absl::StrCat(
        "Expected version ", in.workflow_version, " of workflow '",
        in.workflow, "', but its versions are 1 to ", last,
        " (0 starts on the latest)"));
  }
  return registry_->Get(in.workflow, in.workflow_version);
}

namespace {

// The business key's claim record as written (a freed claim has no holder;
// its version keeps counting so a condition read before the release cannot
// hold after a new claim). Read from the database, not through
// TxnStore::Read: that also answers with claims of transactions still
// waiting for their turn, which may yet be aborted, and a start refused
// because of one would name an instance that never came to be (seen with 16
// racing starts). A claim not yet written makes the start's condition fail
// at commit instead; it runs again and then reads the claim written.
absl::StatusOr<std::pair<store::SharedRecord, uint64_t>> ReadKeyClaim(
    Store* store, const std::string& key) {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> value,
                      store->Get(Cf::kShared, key));
  store::SharedRecord record;
  if (value.has_value() && !record.ParseFromString(*value)) {
    return absl::DataLossError(
        absl::StrCat("The stored claim '", key, "' does not parse"));
  }
  return std::make_pair(record, VersionOf(Cf::kShared, value));
}

// Frees the claim at `key` if `holder` holds it: the record stays, one
// version on and without a holder, so that a claim racing the release
// aborts on its version.
absl::Status ReleaseClaim(const std::string& key, const std::string& holder,
                          Store* store, Txn* txn) {
  WF_ASSIGN_OR_RETURN(auto claim, ReadKeyClaim(store, key));
  auto& [record, version] = claim;
  if (record.holder() != holder) return absl::OkStatus();
  txn->ExpectAt(Cf::kShared, key, version);
  record.set_version(version + 1);
  record.clear_holder();
  txn->writes().Put(Cf::kShared, key, record.SerializeAsString());
  return absl::OkStatus();
}

}  // namespace

absl::Status Transitioner::ClaimBusinessKey(const Definition& def,
                                            const StartInput& in,
                                            const std::string& id,
                                            Txn* txn) const {
  if (!def.spec().unique_business_key || in.business_key.empty()) {
    return absl::OkStatus();
  }
  const std::string key = keys::BusinessKeyClaim(def.name(), in.business_key);
  WF_ASSIGN_OR_RETURN(auto claim, ReadKeyClaim(reader_->store(), key));
  auto& [record, version] = claim;
  if (!record.holder().empty()) {
    return refusals::BusinessKeyTaken(def.name(), in.business_key,
                                      record.holder());
  }
  // Two starts racing for the key both read it free; the store commits the
  // first, and the second's condition fails (ABORTED): it runs again, reads
  // the key taken and is refused above.
  txn->ExpectAt(Cf::kShared, key, version);
  record.set_version(version + 1);
  record.set_holder(id);
  txn->writes().Put(Cf::kShared, key, record.SerializeAsString());
  return absl::OkStatus();
}

absl::Status Transitioner::ReleaseBusinessKey(
    const Definition& def, const store::InstanceRecord& instance,
    Txn* txn) const {
  if (!def.spec().unique_business_key || instance.business_key().empty()) {
    return absl::OkStatus();
  }
  return ReleaseClaim(
      keys::BusinessKeyClaim(def.name(), instance.business_key()),
      instance.id(), reader_->store(), txn);
}

absl::Status Transitioner::CheckMayCancel(
    const FireInput& in, const store::InstanceRecord& instance) const {
  const Actor& actor = in.actor_kind;
  if (!actor.checked() || actor.kind == Actor::Kind::kAdmin) {
    return absl::OkStatus();
  }
  if (actor.id == instance.created_by()) return absl::OkStatus();
  return Refusal(absl::PermissionDeniedError(absl::StrCat(
                     "Expected the person who started instance '",
                     instance.id(), "' (", instance.created_by(),
                     ") or an administrator to cancel it, but '", actor.id,
                     "' is neither")),
                 reason::kRoleRequired)
      .With("person", actor.id)
      .With("started_by", instance.created_by())
      .Vietnamese("Chỉ người tạo hồ sơ hoặc quản trị viên mới được hủy hồ sơ.");
}

// A cancel: the instance as loaded for a fire (the caller may read it), a
// retry answered from its idempotency record, then one event that keeps
// the state and ends the clocks. No script runs: a cancel is the owner's
// decision, not a step of the workflow. The documents it started that still
// run (a campaign's 166 communes' plans, and theirs) are cancelled in the
// same write: what they were asked for no longer stands.
Transitioner::Prepared<FireResult> Transitioner::PrepareCancel(
    const FireInput& in) {
  using P = Prepared<FireResult>;
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  auto loaded = LoadForFire(in, *directory, now);
  if (!loaded.ok()) return P::Refuse(loaded.status());
  const store::InstanceRecord& instance = **loaded;
  auto replayed = ReplayFire(in, instance);
  if (!replayed.ok()) return P::Refuse(replayed.status());
  if (replayed->has_value()) return P::Answer(std::move(**replayed));
  absl::Status may = CheckMayCancel(in, instance);
  if (!may.ok()) return P::Refuse(may);
  if (instance.finished()) {
    return P::Refuse(
        Refusal(absl::FailedPreconditionError(absl::StrCat(
                    "Expected instance '", in.instance_id,
                    "' to be running to cancel it, but it ",
                    instance.cancelled() ? "was cancelled already: "
                                         : "is finished in state ",
                    instance.cancelled() ? instance.cancel_reason()
                                         : instance.state())),
                instance.cancelled() ? reason::kInstanceCancelled
                                     : reason::kInstanceFinished)
            .With("instance_id", in.instance_id)
            .With("state", instance.state()));
  }
  auto descendants = RunningDescendants(in.instance_id);
  if (!descendants.ok()) return P::Refuse(descendants.status());
  FireInput own = in;
  if (!descendants->empty()) {
    own.payload["children_cancelled"] = descendants->size();
  }
  StepPlan plan;
  auto writes = CancelStep(own, instance, *directory, now, &plan);
  if (!writes.ok()) return P::Refuse(writes.status());
  absl::Status below =
      CancelDescendants(in.instance_id, in.actor, *in.cancel_reason,
                        *descendants, *directory, now, &writes->txn);
  if (!below.ok()) return P::Refuse(below);
  P p;
  p.writes = std::move(*writes);
  p.result.instance = reader_->ToInfo(plan.after);
  p.result.event = ToHistoryEntry(plan.body, plan.sealed.hash());
  p.result.event.parsed_changes = plan.changes;
  return p;
}

absl::StatusOr<StepWrites> Transitioner::CancelStep(
    const FireInput& in, const store::InstanceRecord& instance,
    const DirectorySnapshot& directory, absl::Time now, StepPlan* plan) const {
  WF_ASSIGN_OR_RETURN(auto definition, registry_->Get(instance.workflow(),
                                                      instance.workflow_version()));
  WF_ASSIGN_OR_RETURN(Json vars, ParseStoredJson(instance.variables_json()));
  // The quota places it holds go back, and its event says which.
  FireInput cancel = in;
  for (const store::PlaceHeld& p : instance.places_held()) {
    cancel.payload["places_given"][p.quota()] = p.count();
  }
  for (const std::string& name : instance.claims_held()) {
    cancel.payload["claims_released"].push_back(name);
  }
  TransitionSpec stay;
  stay.stay = true;
  Step step = FireStep(cancel, *definition, stay, instance, directory,
                       std::nullopt, now);
  step.vars_before = &vars;
  step.calendar_version = calendar_version_;
  step.cancel = true;
  step.cancel_reason = *in.cancel_reason;
  ActionResult unchanged{vars};
  step.outcome = &unchanged;
  WF_ASSIGN_OR_RETURN(StepWrites writes, Record(step, plan));
  WF_RETURN_IF_ERROR(ReleaseBusinessKey(*definition, instance, &writes.txn));
  for (const store::PlaceHeld& p : instance.places_held()) {
    writes.txn.Add(keys::Counter(p.quota()), -p.count());
  }
  for (const std::string& name : instance.claims_held()) {
    WF_RETURN_IF_ERROR(ReleaseClaim(keys::Claim(name), instance.id(),
                                    reader_->store(), &writes.txn));
  }
  return writes;
}

absl::StatusOr<std::vector<store::InstanceRecord>>
Transitioner::RunningDescendants(const std::string& id) const {
  return RunningBelow(
      id, limits_.max_children_per_step,
      [this](const std::string& parent) { return reader_->ChildIds(parent); },
      [this](const std::string& child)
          -> absl::StatusOr<std::optional<store::InstanceRecord>> {
        return reader_->LoadInstance(child);
      });
}

absl::Status Transitioner::CancelDescendants(
    const std::string& root, const std::string& actor,
    const std::string& reason,
    const std::vector<store::InstanceRecord>& descendants,
    const DirectorySnapshot& directory, absl::Time now, Txn* txn) const {
  for (const store::InstanceRecord& child : descendants) {
    FireInput cancel;
    cancel.instance_id = child.id();
    cancel.event = kCancelEvent;
    cancel.actor = actor;
    cancel.cancel_reason = absl::StrCat("Hủy cùng hồ sơ ", root, ": ", reason);
    cancel.payload =
        Json::object({{"reason", *cancel.cancel_reason}, {"with", root}});
    StepPlan plan;
    WF_ASSIGN_OR_RETURN(StepWrites writes,
                        CancelStep(cancel, child, directory, now, &plan));
    txn->Absorb(std::move(writes.txn));
  }
  return absl::OkStatus();
}

namespace {

// The role `actor` holds today in a recipient unit of `doc` (the one asked
// for, or the first line's), or nullopt. The embedder acts for the unit it
// names.
std::optional<org::Grant> RecipientGrant(const Actor& actor,
                                         const DirectorySnapshot& directory,
                                         const store::DocumentRecord& doc,
                                         const std::string& asked,
                                         absl::Time now) {
  if (!actor.checked()) {
    if (documents::FindRecipient(doc, asked) == nullptr) return std::nullopt;
    return org::Grant{"", asked, ""};
  }
  const auto roles =
      directory.directory.RolesOn(actor.id, calendar::ToVietnamDay(now));
  for (const auto& line : doc.recipients()) {
    if (line.unit_id().empty()) continue;
    if (!asked.empty() && line.unit_id() != asked) continue;
    for (const org::HeldRole& held : roles) {
      if (held.unit_id == line.unit_id()) {
        return org::Grant{held.role, held.unit_id, held.acting_for};
      }
    }
  }
  return std::nullopt;
}

absl::Status NotARecipient(const std::string& id, const Actor& actor,
                           const std::string& unit) {
  return Refusal(absl::PermissionDeniedError(absl::StrCat(
                     "Expected a person of a unit instance '", id,
                     "' was sent to, but '", actor.id, "' holds no role in ",
                     unit.empty() ? std::string("any of its recipient units")
                                  : absl::StrCat("recipient unit '", unit, "'"))),
                 reason::kNotARecipient)
      .With("instance_id", id)
      .With("person", actor.id)
      .With("unit", unit)
      .Vietnamese("Bạn không thuộc đơn vị nhận văn bản này nên không thể "
                  "xác nhận đã nhận.");
}

absl::Status NotIssued(const std::string& id) {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected the document of instance '", id,
                     "' to be issued before its receipt is acknowledged, but ",
                     "it has no number yet")),
                 reason::kDocumentNotIssued)
      .With("instance_id", id)
      .Vietnamese("Văn bản chưa được ban hành nên chưa thể xác nhận đã nhận.");
}

}  // namespace

// An acknowledgement: who may see the document (its readers, and once
// issued its recipients: others get NOT_FOUND), then one event that keeps
// the state and records receipt on the unit's recipient lines, and for a
// recalled document the unit's confirmation of the recall. A unit with
// nothing left to acknowledge gets the event that last recorded it.
Transitioner::Prepared<FireResult> Transitioner::PrepareAcknowledge(
    const FireInput& in) {
  using P = Prepared<FireResult>;
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  auto loaded = reader_->LoadShared(in.instance_id);
  if (!loaded.ok()) return P::Refuse(loaded.status());
  const store::InstanceRecord& instance = **loaded;
  const store::DocumentRecord& doc = instance.document();
  const std::string& asked = *in.acknowledge_unit;
  auto grant = RecipientGrant(in.actor_kind, *directory, doc, asked, now);
  const bool reader = reader_->MayRead(in.actor_kind, *directory, instance, now);
  if (!reader && !(grant.has_value() && doc.has_issued())) {
    return P::Refuse(reader_->NoSuchInstance(in.instance_id));
  }
  auto replayed = ReplayFire(in, instance);
  if (!replayed.ok()) return P::Refuse(replayed.status());
  if (replayed->has_value()) return P::Answer(std::move(**replayed));
  if (!doc.has_issued()) return P::Refuse(NotIssued(in.instance_id));
  if (!grant.has_value()) {
    return P::Refuse(NotARecipient(in.instance_id, in.actor_kind, asked));
  }
  if (instance.cancelled()) {
    return P::Refuse(refusals::InstanceCancelled(in.instance_id,
                                                 instance.state()));
  }
  const store::RecipientRecord* line =
      documents::FindRecipient(doc, grant->unit_id);
  if (documents::AcknowledgedAll(doc, *line)) {
    auto first = reader_->LoadEvent(in.instance_id,
                                    documents::LastAcknowledgement(doc, *line));
    if (!first.ok()) return P::Refuse(first.status());
    auto body = OpenEvent(*first);
    if (!body.ok()) return P::Refuse(body.status());
    FireResult result;
    result.instance = reader_->ToInfo(instance);
    result.event = ToHistoryEntry(*body, first->hash());
    result.replayed = true;
    return P::Answer(std::move(result));
  }
  auto definition =
      registry_->Get(instance.workflow(), instance.workflow_version());
  if (!definition.ok()) return P::Refuse(definition.status());
  auto vars = ParseStoredJson(instance.variables_json());
  if (!vars.ok()) return P::Refuse(vars.status());
  std::string name;
  if (const org::Person* p = directory->directory.FindPerson(in.actor)) {
    name = p->name;
  }
  const Json payload = {{"unit", grant->unit_id}, {"name", name}};
  TransitionSpec stay;
  stay.stay = true;
  Step step = FireStep(in, **definition, stay, instance, *directory,
                       in.actor_kind.checked() ? grant : std::nullopt, now);
  step.payload = &payload;
  step.vars_before = &*vars;
  step.calendar_version = calendar_version_;
  step.acknowledge_unit = grant->unit_id;
  step.acknowledge_name = name;
  ActionResult unchanged{*vars};
  step.outcome = &unchanged;
  StepPlan plan;
  auto writes = Record(step, &plan);
  if (!writes.ok()) return P::Refuse(writes.status());
  P p;
  p.writes = std::move(*writes);
  p.result.instance = reader_->ToInfo(plan.after);
  p.result.event = ToHistoryEntry(plan.body, plan.sealed.hash());
  p.result.event.parsed_changes = plan.changes;
  return p;
}

void Transitioner::Attach(const FireInput& input,
                          Engine::Callback<FireResult> done) {
  Enqueue(input, &Transitioner::PrepareAttach, std::move(done));
}

absl::Status Transitioner::CheckAttachAllowed(const FireInput& in) {
  auto directory = directory_->Current();
  WF_ASSIGN_OR_RETURN(InstanceCache::Record loaded,
                      LoadForFire(in, *directory, clock_->Now()));
  const store::InstanceRecord& instance = *loaded;
  if (instance.finished()) return NotRunning(in, instance, "attach a file to");
  WF_ASSIGN_OR_RETURN(auto definition, registry_->Get(
                                           instance.workflow(),
                                           instance.workflow_version()));
  return CheckMayAttach(in, instance, *definition, *directory).status();
}

absl::Status Transitioner::NotRunning(const FireInput& in,
                                      const store::InstanceRecord& instance,
                                      absl::string_view doing) const {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected instance '", in.instance_id, "' to be running ",
                     "to ", doing, " it, but it ",
                     instance.cancelled() ? "was cancelled: "
                                          : "is finished in state ",
                     instance.cancelled() ? instance.cancel_reason()
                                          : instance.state())),
                 instance.cancelled() ? reason::kInstanceCancelled
                                      : reason::kInstanceFinished)
      .With("instance_id", in.instance_id)
      .With("state", instance.state())
      .Vietnamese("Hồ sơ đã kết thúc hoặc đã bị hủy, không thể đính kèm tệp.");
}

// Who may attach: the embedder, an administrator, the person who started
// the instance, or a person who may fire an event allowed in its current
// state (the capacity returned is recorded in the event). A file is part of
// the work of the step at hand, so the roles that take it may add one.
absl::StatusOr<std::optional<org::Grant>> Transitioner::CheckMayAttach(
    const FireInput& in, const store::InstanceRecord& instance,
    const Definition& def, const DirectorySnapshot& directory) const {
  const Actor& actor = in.actor_kind;
  if (!actor.checked() || actor.kind == Actor::Kind::kAdmin ||
      actor.id == instance.created_by()) {
    return std::optional<org::Grant>();
  }
  const absl::Time now = clock_->Now();
  for (const access::CompiledWho* who : def.WhoFrom(instance.state())) {
    auto grant = CheckActor(actor, directory, instance, *who, now);
    if (grant.ok()) return grant;
  }
  return Refusal(absl::PermissionDeniedError(absl::StrCat(
                     "Expected the person who started instance '",
                     instance.id(), "', an administrator, or a person who "
                     "may act on it in state '", instance.state(),
                     "' to attach a file, but '", actor.id, "' is none")),
                 reason::kRoleRequired)
      .With("person", actor.id)
      .With("state", instance.state())
      .Vietnamese("Chỉ người tạo hồ sơ, người đang xử lý hồ sơ hoặc quản trị "
                  "viên mới được đính kèm tệp.");
}

namespace {

// The file's place in its slot: the next version.
store::AttachedFile NextVersion(const AttachInput& file, const Step& step,
                                const store::InstanceRecord& instance) {
  store::AttachedFile attached;
  attached.set_slot(file.slot);
  uint32_t versions = 0;
  for (const store::FileSlotRecord& s : instance.document().slots()) {
    if (s.slot() == file.slot) versions = s.versions_size();
  }
  store::FileVersionRecord* v = attached.mutable_file();
  v->set_version(versions + 1);
  v->set_name(file.name);
  v->set_size(file.size);
  v->set_media_type(file.media_type);
  v->set_sha256(file.sha256);
  v->set_added_by(step.actor);
  v->set_added_at_micros(absl::ToUnixMicros(step.now));
  return attached;
}

}  // namespace

// An attach: like a cancel, no script runs and the state stays; the file
// joins its slot. The file's record (when its bytes are new) commits in the
// same Txn, on condition that no other upload stored the same bytes first.
Transitioner::Prepared<FireResult> Transitioner::PrepareAttach(
    const FireInput& in) {
  using P = Prepared<FireResult>;
  auto directory = directory_->Current();
  auto loaded = LoadForFire(in, *directory, clock_->Now());
  if (!loaded.ok()) return P::Refuse(loaded.status());
  const store::InstanceRecord& instance = **loaded;
  auto replayed = ReplayFire(in, instance);
  if (!replayed.ok()) return P::Refuse(replayed.status());
  if (replayed->has_value()) return P::Answer(std::move(**replayed));
  if (instance.finished()) {
    return P::Refuse(NotRunning(in, instance, "attach a file to"));
  }
  auto definition =
      registry_->Get(instance.workflow(), instance.workflow_version());
  if (!definition.ok()) return P::Refuse(definition.status());
  auto grant = CheckMayAttach(in, instance, **definition, *directory);
  if (!grant.ok()) return P::Refuse(grant.status());
  auto vars = ParseStoredJson(instance.variables_json());
  if (!vars.ok()) return P::Refuse(vars.status());
  TransitionSpec stay;
  stay.stay = true;
  Step step = FireStep(in, **definition, stay, instance, *directory, *grant,
                       clock_->Now());
  step.vars_before = &*vars;
  step.calendar_version = calendar_version_;
  const store::AttachedFile attached = NextVersion(*in.attach, step, instance);
  step.attached = &attached;
  ActionResult unchanged{*vars};
  step.outcome = &unchanged;
  StepPlan plan;
  auto writes = Record(step, &plan);
  if (!writes.ok()) return P::Refuse(writes.status());
  absl::Status stored = StoreBytesOnce(*in.attach, &writes->txn);
  if (!stored.ok()) return P::Refuse(stored);
  P p;
  p.writes = std::move(*writes);
  p.result.instance = reader_->ToInfo(plan.after);
  p.result.event = ToHistoryEntry(plan.body, plan.sealed.hash());
  p.result.event.parsed_changes = plan.changes;
  return p;
}

absl::Status Transitioner::StoreBytesOnce(const AttachInput& file,
                                          Txn* txn) const {
  const std::string key = keys::BlobFile(file.sha256);
  WF_ASSIGN_OR_RETURN(Versioned current, store_->Read(Cf::kBlobs, key));
  if (current.value.has_value()) return absl::OkStatus();  // stored once
  txn->ExpectAt(Cf::kBlobs, key, 0);
  WriteSet bytes = file.store_bytes;
  txn->writes().Append(std::move(bytes));
  return absl::OkStatus();
}

absl::StatusOr<InstanceCache::Record> Transitioner::LoadForFire(
    const FireInput& in, const DirectorySnapshot& directory, absl::Time now) {
  WF_ASSIGN_OR_RETURN(InstanceCache::Record instance,
                      reader_->LoadShared(in.instance_id));
  // First of all: a document the caller may not read answers exactly as a
  // missing one, whatever else the request says (version, idempotency key,
  // event), so that nothing about it leaks to another unit.
  if (in.actor_kind.checked() &&
      !reader_->MayRead(in.actor_kind, directory, *instance, now)) {
    return reader_->NoSuchInstance(in.instance_id);
  }
  return instance;
}

absl::StatusOr<int> Transitioner::CheckFireRules(
    const FireInput& in, const Definition& def,
    const store::InstanceRecord& instance, const DirectorySnapshot& directory,
    absl::Time now, std::optional<org::Grant>* grant) const {
  if (in.expected_version != 0 && in.expected_version != instance.version()) {
    return refusals::VersionMismatch(in.instance_id, in.expected_version,
                                     instance.version());
  }
  if (!in.expected_state.empty() && in.expected_state != instance.state()) {
    return refusals::StateMismatch(in.instance_id, in.expected_state,
                                   instance.state(),
                                   def.StateTitle(instance.state()));
  }
  WF_ASSIGN_OR_RETURN(int t, FindTransition(def, instance, in.event));
  const TransitionSpec& spec = def.spec().transitions[t];
  if (!in.timer.has_value()) {
    WF_ASSIGN_OR_RETURN(*grant, CheckActor(in.actor_kind, directory, instance,
                                           def.WhoOf(t), now));
  }
  WF_RETURN_IF_ERROR(CheckFields(
      in.payload, spec.requires_fields, def.spec(), /*start=*/false,
      absl::StrCat("the payload of event '", in.event, "'"),
      absl::StrCat("transition '", spec.event, "'"), "payload_json"));
  return t;
}

Transitioner::Prepared<FireResult> Transitioner::PrepareFire(
    const FireInput& in) {
  using P = Prepared<FireResult>;
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  auto loaded = LoadForFire(in, *directory, now);
  if (!loaded.ok()) return P::Refuse(loaded.status());
  const store::InstanceRecord& instance = **loaded;
  if (in.timer.has_value()) {
    auto pending = TimerPending(instance, *in.timer);
    if (!pending.ok()) return P::Refuse(pending.status());
    if (!*pending) return DropStaleTimer(*in.timer, instance);
  }
  auto replayed = ReplayFire(in, instance);
  if (!replayed.ok()) return P::Refuse(replayed.status());
  if (replayed->has_value()) return P::Answer(std::move(**replayed));
  auto definition =
      registry_->Get(instance.workflow(), instance.workflow_version());
  if (!definition.ok()) return P::Refuse(definition.status());
  const Definition& def = **definition;
  std::optional<org::Grant> grant;
  auto t = CheckFireRules(in, def, instance, *directory, now, &grant);
  if (!t.ok()) return P::Refuse(t.status());
  auto vars = reader_->Vars(*loaded);
  if (!vars.ok()) return P::Refuse(vars.status());

  const TransitionSpec& spec = def.spec().transitions[*t];
  Step step = FireStep(in, def, spec, instance, *directory, grant, now);
  step.vars_before = vars->get();
  step.calendar_version = calendar_version_;
  absl::Status pinned = LoadPinned(&step);
  if (!pinned.ok()) return P::Refuse(pinned);
  const CallInput call = CallFor(step);
  auto lease = def.scripts().Acquire();
  if (!lease.ok()) return P::Refuse(lease.status());
  auto guard = (*lease)->RunGuard(*t, call);
  if (!guard.ok()) return P::Refuse(guard.status());
  if (!guard->allowed) {
    return P::Refuse(refusals::GuardRefused(in.instance_id, spec.event,
                                            spec.title, instance.state(),
                                            guard->reason));
  }
  SharedTake take = NewTake();
  take.set_directory(step.directory);
  LiveHost host(&take, step.instance_id, /*may_start=*/true);
  CallInput action_call = call;
  action_call.host = &host;
  // The step replaces the variables: unless another reader holds them, the
  // action moves what it keeps of them rather than copying it.
  action_call.takeable_vars = reader_->TakeVars(*loaded, *vars);
  auto outcome = (*lease)->RunAction(*t, action_call);
  if (!outcome.ok()) return P::Refuse(HostOr(host, outcome.status()));
  if (!HostFailure(host).ok()) return P::Refuse(HostFailure(host));
  step.externals = host.TakeExternals();
  StepPlan plan;
  auto writes = Conclude(action_call, *outcome, **lease, &step, &plan);
  if (!writes.ok()) return P::Refuse(writes.status());
  P p;
  absl::Status assembled = Assemble(step, std::move(*writes), &take, &p);
  if (!assembled.ok()) return P::Refuse(assembled);
  p.result.instance = reader_->ToInfo(plan.after);
  p.result.event = ToHistoryEntry(plan.body, plan.sealed.hash());
  p.result.event.parsed_changes = plan.changes;
  p.result.instance.parsed_variables = AttachWritten(
      std::move(plan.after), std::move(outcome->vars), &p.writes);
  return p;
}

// Hands the instance a step wrote, parsed, to the read cache once the step
// is on disk (InstanceCache::Put): the next step on it neither reads nor
// parses it. Every kind of step works without it. Returns the parsed
// variables, for the step's answer.
std::shared_ptr<const Json> Transitioner::AttachWritten(
    store::InstanceRecord after, Json vars, StepWrites* writes) {
  auto written = std::make_shared<InstanceCache::Written>();
  written->stored_bytes = after.ByteSizeLong();
  std::string key = keys::Instance(after.id());
  written->record = std::make_shared<const store::InstanceRecord>(
      std::move(after));
  written->vars = std::make_shared<Json>(std::move(vars));
  std::shared_ptr<const Json> parsed = written->vars;
  writes->txn.Attach(std::move(key), std::move(written));
  return parsed;
}

// The timer's clock ended or moved since the loop read it: drop its key
// (the transition that changed the clock deleted it already; this covers
// nothing else), and put back any timer the clocks call for that the store
// lacks.
Transitioner::Prepared<FireResult> Transitioner::DropStaleTimer(
    const store::TimerRecord& timer,
    const store::InstanceRecord& instance) const {
  Prepared<FireResult> p;
  WriteSet& writes = p.writes.txn.writes();
  writes.SingleDelete(
      Cf::kTimers,
      keys::Timer(timer.due_micros(), timer.instance_id(), timer.name()));
  p.writes.new_timer_due = RestoreMissingTimers(instance, &writes);
  return p;
}

// Puts back the timer keys the instance's clocks call for but the store
// lacks: reminders written under an earlier rule for their time (before
// "N working days before" counted the last day) turn up stale one day early
// and would otherwise never fire. Returns the earliest one put back.
absl::Time Transitioner::RestoreMissingTimers(
    const store::InstanceRecord& instance, WriteSet* writes) const {
  absl::Time earliest = absl::InfiniteFuture();
  auto def = registry_->Get(instance.workflow(), instance.workflow_version());
  auto calendar = CalendarOf(instance);
  if (!def.ok() || !calendar.ok()) return earliest;
  std::vector<store::ClockRecord> clocks(instance.clocks().begin(),
                                         instance.clocks().end());
  for (const auto& t : timers::TimersOf((*def)->spec(), **calendar, clocks)) {
    store::TimerRecord record = ToTimerRecord(instance.id(), t);
    const std::string key =
        keys::Timer(record.due_micros(), record.instance_id(), record.name());
    auto stored = reader_->HasTimer(key);
    if (!stored.ok() || *stored) continue;
    writes->Put(Cf::kTimers, key, record.SerializeAsString());
    earliest = std::min(earliest, t.due);
  }
  return earliest;
}

absl::StatusOr<StepWrites> Transitioner::Record(const Step& step,
                                                StepPlan* plan) const {
  WF_ASSIGN_OR_RETURN(*plan,
                      PlanStep(step, CalendarOf(step.plugin.get()), limits_));
  return WriteStep(step, *plan);
}

absl::StatusOr<std::optional<org::Grant>> Transitioner::CheckActor(
    const Actor& actor, const DirectorySnapshot& directory,
    const store::InstanceRecord& instance, const access::CompiledWho& who,
    absl::Time now, const Json* vars) const {
  if (!actor.checked()) return std::optional<org::Grant>();
  Json stored;
  if (who.names_units && vars == nullptr) {
    WF_ASSIGN_OR_RETURN(stored, ParseStoredJson(instance.variables_json()));
    vars = &stored;
  }
  access::CompiledWho resolved;
  WF_ASSIGN_OR_RETURN(
      org::Grant grant,
      access::MayAct(directory, actor.id, calendar::ToVietnamDay(now),
                     instance.unit_id(),
                     access::Resolve(who, vars, &resolved)));
  return std::optional<org::Grant>(grant);
}

absl::StatusOr<bool> Transitioner::TimerPending(
    const store::InstanceRecord& instance,
    const store::TimerRecord& timer) const {
  WF_ASSIGN_OR_RETURN(auto def, registry_->Get(instance.workflow(),
                                               instance.workflow_version()));
  WF_ASSIGN_OR_RETURN(const calendar::WorkCalendar* calendar,
                      CalendarOf(instance));
  std::vector<store::ClockRecord> clocks(instance.clocks().begin(),
                                         instance.clocks().end());
  for (const auto& t : timers::TimersOf(def->spec(), *calendar, clocks)) {
    if (t.name == timer.name() &&
        absl::ToUnixMicros(t.due) == timer.due_micros()) {
      return true;
    }
  }
  return false;
}

// Runs the target state's deadline `date` function when the clock logic
// asks for it (only when a new clock starts there), with the variables as
// the action left them.
std::function<absl::StatusOr<std::optional<absl::CivilDay>>()>
Transitioner::DeadlineDate(const Definition& def, const std::string& state,
                           const CallInput& call, const ActionResult* outcome,
                           WorkflowScript& script) const {
  int index = def.StateIndex(state);
  return [index, call, outcome, &script]()
             -> absl::StatusOr<std::optional<absl::CivilDay>> {
    if (index < 0) return std::optional<absl::CivilDay>();
    CallInput with_new_vars = call;
    with_new_vars.vars = &outcome->vars;
    return script.RunDeadlineDate(index, with_new_vars);
  };
}

absl::StatusOr<int> Transitioner::FindTransition(
    const Definition& def, const store::InstanceRecord& instance,
    const std::string& event) const {
  const std::string& state = instance.state();
  if (instance.cancelled()) {
    return Refusal(absl::FailedPreconditionError(absl::StrCat(
                       "Expected instance '", instance.id(),
                       "' to accept event '", event,
                       "', but it was cancelled: ", instance.cancel_reason())),
                   reason::kInstanceCancelled)
        .With("instance_id", instance.id())
        .With("state", state)
        .With("cancel_reason", instance.cancel_reason())
        .Vietnamese(absl::StrCat("Hồ sơ đã bị hủy (", instance.cancel_reason(),
                                 "), không thể thực hiện thêm thao tác."));
  }
  if (instance.finished()) {
    return refusals::InstanceFinished(instance.id(), event, state,
                                      def.StateTitle(state));
  }
  int t = def.FindTransition(state, event);
  if (t >= 0) return t;
  if (!def.HasEvent(event)) {
    std::vector<std::string> all;
    for (const TransitionSpec& spec : def.spec().transitions) {
      if (std::find(all.begin(), all.end(), spec.event) == all.end()) {
        all.push_back(spec.event);
      }
    }
    return refusals::EventUnknown(def.name(), def.version(), event, all);
  }
  return refusals::EventNotAllowed(instance.id(), event, EventTitle(def, event),
                                   state, def.StateTitle(state),
                                   def.EventsFrom(state));
}

// ---------------------------------------------------------------------------
// Shutdown

bool Transitioner::Enter() {
  absl::MutexLock lock(&mu_);
  if (closing_) return false;
  ++in_flight_;
  return true;
}

void Transitioner::Leave() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

void Transitioner::Close() {
  absl::MutexLock lock(&mu_);
  closing_ = true;
  mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &in_flight_));
}

}  // namespace wf
