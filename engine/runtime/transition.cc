// Copyright the wf-engine authors. Apache-2.0.
//
// The transition path. Read transition.h first: it has the map.
#include "engine/runtime/transition.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/runtime/history.h"
#include "engine/calendar/vn_date.h"
#include "engine/store/keys.h"
#include "engine/timers/clocks.h"
#include "engine/timers/timer_service.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf {

// A request that passed the checks that need no I/O.
struct Transitioner::StartInput {
  std::string workflow;
  std::string unit;
  Actor actor_kind;
  Json vars;
  std::string business_key;
  std::string idempotency_key;
  std::string actor;
  std::string fingerprint;
};

struct Transitioner::FireInput {
  Actor actor_kind;
  // Set when a timer fires the event.
  std::optional<store::TimerRecord> timer;
  std::string instance_id;
  std::string event;
  Json payload;
  uint64_t expected_version = 0;
  std::string idempotency_key;
  std::string actor;
  std::string fingerprint;
};

// One transition's outcome, ready to be recorded.
struct Transitioner::Step {
  const Definition* definition = nullptr;
  store::InstanceRecord before;  // empty for a start
  std::string instance_id;
  std::string event;
  std::string from;
  std::string to;
  const Json* payload = nullptr;
  const Json* vars_before = nullptr;
  const ActionResult* outcome = nullptr;
  absl::Time now;
  std::string actor;
  std::string idempotency_key;
  std::string fingerprint;
  uint64_t random_seed = 0;
  const store::TimerRecord* timer = nullptr;  // the timer that fired it
  const DirectorySnapshot* directory = nullptr;
  std::optional<org::Grant> grant;  // the capacity of a checked actor
  // The `date` function of the target state's deadline, run on demand.
  std::function<absl::StatusOr<std::optional<absl::CivilDay>>()> deadline_date;
};

// What a prepared transition needs: a refusal, or the writes and the answer
// to give once they are synced. Empty writes with OK status: a replayed answer.
template <typename Result>
struct Transitioner::Prepared {
  absl::Status status;
  WriteSet writes;
  Result result;
  // The earliest due time of the timers this write adds.
  absl::Time new_timer_due = absl::InfiniteFuture();

  static Prepared Refuse(absl::Status s) {
    Prepared p;
    p.status = std::move(s);
    return p;
  }
};

namespace {

constexpr size_t kMaxActorBytes = 256;

absl::Status CheckRequired(const Json& object,
                           const std::vector<std::string>& fields,
                           const std::string& what, const std::string& who) {
  for (const std::string& field : fields) {
    auto it = object.find(field);
    bool missing = it == object.end() || it->is_null() ||
                   (it->is_string() && it->get_ref<const std::string&>().empty());
    if (missing) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected ", what, " to have the field '", field,
                       "' (required by ", who, "), but it is missing"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CheckActorId(const Actor& actor) {
  WF_ASSIGN_OR_RETURN(std::string id,
                      CheckKeyText(actor.id, "actor", kMaxActorBytes));
  if (id.empty()) return std::string("anonymous");
  return id;
}

std::string Fingerprint(std::initializer_list<absl::string_view> parts) {
  return Sha256(absl::StrJoin(parts, absl::string_view("\0", 1)));
}

Json TimersJson(const std::vector<timers::PendingTimer>& timers) {
  static const absl::TimeZone* vietnam =
      new absl::TimeZone(absl::FixedTimeZone(7 * 3600));
  Json list = Json::array();
  for (const auto& t : timers) {
    list.push_back({{"name", t.name},
                    {"event", t.event},
                    {"due", absl::FormatTime(absl::RFC3339_sec, t.due, *vietnam)}});
  }
  return list;
}

store::TimerRecord ToTimerRecord(const std::string& id,
                                 const timers::PendingTimer& t) {
  store::TimerRecord record;
  record.set_instance_id(id);
  record.set_name(t.name);
  record.set_event(t.event);
  record.set_due_micros(absl::ToUnixMicros(t.due));
  record.set_reminder(t.reminder);
  return record;
}

// The due-date index follows the instance's pending timers: keys of timers
// no longer pending go, new ones come. Returns the earliest new due time
// (InfiniteFuture if none was added).
absl::Time WriteTimers(const std::string& id,
                       const std::vector<timers::PendingTimer>& before,
                       const std::vector<timers::PendingTimer>& after,
                       WriteSet* writes) {
  auto contains = [](const auto& list, const timers::PendingTimer& t) {
    return std::find(list.begin(), list.end(), t) != list.end();
  };
  absl::Time earliest = absl::InfiniteFuture();
  for (const auto& t : before) {
    if (!contains(after, t)) {
      writes->SingleDelete(Cf::kTimers, TimerKey(ToTimerRecord(id, t)));
    }
  }
  for (const auto& t : after) {
    if (contains(before, t)) continue;
    store::TimerRecord record = ToTimerRecord(id, t);
    writes->Put(Cf::kTimers, TimerKey(record), record.SerializeAsString());
    earliest = std::min(earliest, t.due);
  }
  return earliest;
}

// An instance is listed as late while a clock of it has expired.
void WriteLate(const std::string& workflow, const std::string& id,
               const std::vector<store::ClockRecord>& before,
               const std::vector<store::ClockRecord>& after,
               WriteSet* writes) {
  auto expired = [](const std::vector<store::ClockRecord>& clocks) {
    std::map<std::string, int64_t> names;
    for (const auto& c : clocks) {
      if (c.expired()) names[c.name()] = c.due_micros();
    }
    return names;
  };
  auto was = expired(before), is = expired(after);
  for (const auto& [name, due] : was) {
    if (!is.count(name)) writes->Delete(Cf::kIndexes, keys::Late(workflow, id, name));
  }
  for (const auto& [name, due] : is) {
    if (was.count(name)) continue;
    std::string value;
    keys::AppendBigEndian64(&value, static_cast<uint64_t>(due));
    writes->Put(Cf::kIndexes, keys::Late(workflow, id, name), value);
  }
}

// Recorded times never decrease within an instance: when the clock is behind
// the instance's last event (a real clock stepped back by NTP, a simulation
// restarted from an earlier day), the event is recorded at that last time.
// Refusing instead would stop the document for as long as the step lasts.
absl::Time NotBeforeLastEvent(absl::Time now,
                              const store::InstanceRecord& instance) {
  return std::max(now, absl::FromUnixMicros(instance.updated_at_micros()));
}

absl::Status KeyReused(const std::string& key) {
  return absl::InvalidArgumentError(absl::StrCat(
      "Expected idempotency key '", key, "' to be retried with the same ",
      "request, but it was first used for a different one"));
}

}  // namespace

Transitioner::Transitioner(Committer* committer, DefinitionRegistry* registry,
                           Reader* reader, KeyedSerializer* serializer,
                           Clock* clock, const calendar::WorkCalendar* calendar,
                           const DirectoryStore* directory,
                           const Limits& limits, uint64_t next_instance_number)
    : committer_(committer),
      registry_(registry),
      reader_(reader),
      serializer_(serializer),
      clock_(clock),
      calendar_(calendar),
      directory_(directory),
      limits_(limits),
      next_instance_number_(next_instance_number) {}

// ---------------------------------------------------------------------------
// Entry points

void Transitioner::Start(const StartRequest& request,
                         Engine::Callback<StartResult> done) {
  if (!Enter()) {
    done(absl::UnavailableError("The engine is shutting down"));
    return;
  }
  auto input = CheckStart(request);
  if (!input.ok()) {
    Leave();
    done(input.status());
    return;
  }
  auto in = std::make_shared<StartInput>(std::move(*input));
  // Without a key, a start touches nothing another request could: no
  // serialisation. With one, two retries must not both start an instance.
  std::string serial_key;
  if (!in->idempotency_key.empty()) {
    serial_key = absl::StrCat("start", absl::string_view("\0", 1),
                              in->idempotency_key);
  }
  auto run = [this, in, done, serial_key] {
    Finish(serial_key, PrepareStart(*in), done);
  };
  if (serial_key.empty()) {
    run();
  } else {
    serializer_->Run(serial_key, run);
  }
}

void Transitioner::Fire(const FireRequest& request,
                        Engine::Callback<FireResult> done) {
  if (!Enter()) {
    done(absl::UnavailableError("The engine is shutting down"));
    return;
  }
  auto input = CheckFire(request);
  if (!input.ok()) {
    Leave();
    done(input.status());
    return;
  }
  auto in = std::make_shared<FireInput>(std::move(*input));
  serializer_->Run(in->instance_id, [this, in, done] {
    Finish(in->instance_id, PrepareFire(*in), done);
  });
}

void Transitioner::FireTimer(const store::TimerRecord& timer,
                             std::function<void(absl::StatusOr<bool>)> done) {
  if (!Enter()) {
    done(absl::UnavailableError("The engine is shutting down"));
    return;
  }
  auto in = std::make_shared<FireInput>();
  in->timer = timer;
  in->instance_id = timer.instance_id();
  in->event = timer.event();
  in->payload = Json::object();
  in->actor = "system:timer";
  // A stale timer commits only the removal of its key: no event (seq 0).
  Engine::Callback<FireResult> answer =
      [done](absl::StatusOr<FireResult> result) {
        if (!result.ok()) return done(result.status());
        done(result->event.seq != 0);
      };
  serializer_->Run(in->instance_id, [this, in, answer] {
    Finish(in->instance_id, PrepareFire(*in), answer);
  });
}

// Hands the writes to the committer and answers after the sync, or answers
// at once for a refusal or a replayed answer. Releases the instance either way.
template <typename Result>
void Transitioner::Finish(const std::string& serial_key,
                          Prepared<Result> prepared,
                          Engine::Callback<Result> done) {
  if (!prepared.status.ok() || prepared.writes.empty()) {
    if (!serial_key.empty()) serializer_->Release(serial_key);
    if (prepared.status.ok()) {
      done(std::move(prepared.result));
    } else {
      done(prepared.status);
    }
    Leave();
    return;
  }
  auto result = std::make_shared<Result>(std::move(prepared.result));
  const absl::Time new_timer_due = prepared.new_timer_due;
  committer_->Submit(
      std::move(prepared.writes),
      [this, serial_key, result, done, new_timer_due](absl::Status synced) {
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
// Checks that need no I/O

absl::StatusOr<Transitioner::StartInput> Transitioner::CheckStart(
    const StartRequest& request) const {
  StartInput in;
  if (!IsIdentifier(request.workflow)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected `workflow` to name a deployed workflow, but got '",
        request.workflow, "'"));
  }
  in.workflow = request.workflow;
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.unit, CheckKeyText(request.unit, "unit", 64));
  if (request.actor.checked() && in.unit.empty()) {
    return absl::InvalidArgumentError(
        "Expected `unit`: the org unit the document belongs to (e.g. the "
        "commune's code \"07627\"), but it is empty");
  }
  WF_ASSIGN_OR_RETURN(in.vars, ParseJsonObject(request.variables_json,
                                               "variables_json",
                                               limits_.max_payload_bytes));
  WF_ASSIGN_OR_RETURN(in.business_key,
                      CheckKeyText(request.business_key, "business_key",
                                   limits_.max_business_key_bytes));
  WF_ASSIGN_OR_RETURN(in.idempotency_key,
                      CheckKeyText(request.idempotency_key, "idempotency_key",
                                   limits_.max_idempotency_key_bytes));
  WF_ASSIGN_OR_RETURN(in.actor, CheckActorId(request.actor));
  in.fingerprint = Fingerprint({"start", in.actor, in.workflow, in.unit,
                                DumpJson(in.vars), in.business_key});
  return in;
}

absl::StatusOr<Transitioner::FireInput> Transitioner::CheckFire(
    const FireRequest& request) const {
  FireInput in;
  if (request.instance_id.empty()) {
    return absl::InvalidArgumentError(
        "Expected `instance_id`, but it is empty");
  }
  WF_ASSIGN_OR_RETURN(in.instance_id,
                      CheckKeyText(request.instance_id, "instance_id", 64));
  if (!IsIdentifier(request.event)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected `event` to be an event name (lower-case letters, digits ",
        "and _), but got '", request.event, "'"));
  }
  in.event = request.event;
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.payload,
                      ParseJsonObject(request.payload_json, "payload_json",
                                      limits_.max_payload_bytes));
  in.expected_version = request.expected_version;
  WF_ASSIGN_OR_RETURN(in.idempotency_key,
                      CheckKeyText(request.idempotency_key, "idempotency_key",
                                   limits_.max_idempotency_key_bytes));
  WF_ASSIGN_OR_RETURN(in.actor, CheckActorId(request.actor));
  in.fingerprint = Fingerprint({"fire", in.actor, in.event, DumpJson(in.payload),
                                absl::StrCat(in.expected_version)});
  return in;
}

// ---------------------------------------------------------------------------
// Preparing: reads, checks and Lua; nothing written

Transitioner::Prepared<StartResult> Transitioner::PrepareStart(
    const StartInput& in) {
  using P = Prepared<StartResult>;
  std::string idempotency_key;
  if (!in.idempotency_key.empty()) {
    idempotency_key = keys::StartIdempotency(in.idempotency_key);
    auto stored = reader_->store()->Get(Cf::kIdempotency, idempotency_key);
    if (!stored.ok()) return P::Refuse(stored.status());
    if (stored->has_value()) {
      store::IdempotencyRecord first;
      first.ParseFromString(**stored);
      if (first.request_sha256() != in.fingerprint) {
        return P::Refuse(KeyReused(in.idempotency_key));
      }
      P p;
      p.result.instance = reader_->ToInfo(first.instance());
      p.result.replayed = true;
      return p;
    }
  }
  auto definition = registry_->Latest(in.workflow);
  if (!definition.ok()) return P::Refuse(definition.status());
  const Definition& def = **definition;
  absl::Status required = CheckRequired(
      in.vars, def.spec().requires_fields, "the start variables",
      absl::StrCat("workflow '", def.name(), "'"));
  if (!required.ok()) return P::Refuse(required);
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  if (!in.unit.empty() && !directory->tree.units().empty() &&
      directory->tree.Find(in.unit) == nullptr) {
    return P::Refuse(absl::InvalidArgumentError(absl::StrCat(
        "Expected `unit` to be a unit of the org directory, but '", in.unit,
        "' is not one")));
  }
  store::InstanceRecord blank;
  blank.set_unit_id(in.unit);
  auto grant = CheckActor(in.actor_kind, *directory, blank, def.StartedBy(), now);
  if (!grant.ok()) return P::Refuse(grant.status());

  Step step;
  step.definition = &def;
  step.directory = directory.get();
  step.grant = *grant;
  step.instance_id = keys::InstanceId(next_instance_number_.fetch_add(1));
  step.event = "start";
  step.to = def.spec().initial;
  step.payload = &in.vars;
  step.now = now;
  step.actor = in.actor;
  step.idempotency_key = in.idempotency_key;
  step.fingerprint = in.fingerprint;
  step.random_seed = RandomSeed(step.instance_id, 1);
  step.before.set_business_key(in.business_key);
  step.before.set_unit_id(in.unit);

  CallInput call;
  call.vars = &in.vars;
  call.payload = &in.vars;
  call.event = "start";
  call.to = step.to;
  call.actor = in.actor;
  call.instance_id = step.instance_id;
  call.business_key = in.business_key;
  call.now = step.now;
  call.random_seed = step.random_seed;
  auto lease = def.scripts().Acquire();
  if (!lease.ok()) return P::Refuse(lease.status());
  auto outcome = (*lease)->RunStart(call);
  if (!outcome.ok()) return P::Refuse(outcome.status());
  static const Json kNoVars = Json::object();
  step.vars_before = &kNoVars;
  step.outcome = &*outcome;
  step.deadline_date = DeadlineDate(def, step.to, call, &*outcome, **lease);

  P p;
  store::InstanceRecord after;
  store::HistoryEventBody body;
  store::HistoryEventRecord sealed;
  absl::Status recorded =
      Record(step, &p.writes, &after, &body, &sealed, &p.new_timer_due);
  if (!recorded.ok()) return P::Refuse(recorded);
  p.result.instance = reader_->ToInfo(after);
  return p;
}

Transitioner::Prepared<FireResult> Transitioner::PrepareFire(
    const FireInput& in) {
  using P = Prepared<FireResult>;
  auto instance = reader_->LoadInstance(in.instance_id);
  if (!instance.ok()) return P::Refuse(instance.status());
  if (in.timer.has_value()) {
    auto pending = TimerPending(*instance, *in.timer);
    if (!pending.ok()) return P::Refuse(pending.status());
    if (!*pending) {
      // Its clock ended or moved since the loop read it: drop the key (the
      // transition that changed the clock deleted it already; this covers
      // nothing else).
      P p;
      p.writes.SingleDelete(Cf::kTimers, TimerKey(*in.timer));
      p.new_timer_due = RestoreMissingTimers(*instance, &p.writes);
      return p;
    }
  }
  if (!in.idempotency_key.empty()) {
    auto stored = reader_->store()->Get(
        Cf::kIdempotency,
        keys::FireIdempotency(in.instance_id, in.idempotency_key));
    if (!stored.ok()) return P::Refuse(stored.status());
    if (stored->has_value()) {
      store::IdempotencyRecord first;
      first.ParseFromString(**stored);
      if (first.request_sha256() != in.fingerprint) {
        return P::Refuse(KeyReused(in.idempotency_key));
      }
      auto event = reader_->LoadEvent(in.instance_id, first.seq());
      if (!event.ok()) return P::Refuse(event.status());
      auto body = OpenEvent(*event);
      if (!body.ok()) return P::Refuse(body.status());
      P p;
      p.result.instance = reader_->ToInfo(first.instance());
      p.result.event = ToHistoryEntry(*body, event->hash());
      p.result.replayed = true;
      return p;
    }
  }
  if (in.expected_version != 0 && in.expected_version != instance->version()) {
    return P::Refuse(absl::AbortedError(absl::StrCat(
        "Expected instance '", in.instance_id, "' at version ",
        in.expected_version, ", but it is at version ", instance->version(),
        ": read it again and retry")));
  }
  auto definition =
      registry_->Get(instance->workflow(), instance->workflow_version());
  if (!definition.ok()) return P::Refuse(definition.status());
  const Definition& def = **definition;
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  if (in.actor_kind.checked() &&
      !reader_->MayRead(in.actor_kind, *directory, *instance, now)) {
    return P::Refuse(reader_->NoSuchInstance(in.instance_id));
  }
  auto t = FindTransition(def, *instance, in.event);
  if (!t.ok()) return P::Refuse(t.status());
  const TransitionSpec& spec = def.spec().transitions[*t];
  std::optional<org::Grant> grant;
  if (!in.timer.has_value()) {
    auto checked = CheckActor(in.actor_kind, *directory, *instance,
                              def.WhoOf(*t), now);
    if (!checked.ok()) return P::Refuse(checked.status());
    grant = *checked;
  }
  absl::Status required = CheckRequired(
      in.payload, spec.requires_fields,
      absl::StrCat("the payload of event '", in.event, "'"),
      absl::StrCat("transition '", spec.event, "'"));
  if (!required.ok()) return P::Refuse(required);
  auto vars = ParseStoredJson(instance->variables_json());
  if (!vars.ok()) return P::Refuse(vars.status());

  Step step;
  step.definition = &def;
  step.directory = directory.get();
  step.grant = grant;
  step.before = *instance;
  step.instance_id = in.instance_id;
  step.event = in.event;
  step.from = instance->state();
  step.to = spec.stay ? step.from : spec.to;
  step.payload = &in.payload;
  step.vars_before = &*vars;
  step.now = NotBeforeLastEvent(now, *instance);
  step.actor = in.actor;
  step.idempotency_key = in.idempotency_key;
  step.fingerprint = in.fingerprint;
  step.random_seed = RandomSeed(in.instance_id, instance->version() + 1);
  if (in.timer.has_value()) step.timer = &*in.timer;

  CallInput call;
  if (in.timer.has_value()) {
    call.timer = in.timer->name();
    call.timer_due = absl::FromUnixMicros(in.timer->due_micros());
  }
  call.vars = &*vars;
  call.payload = &in.payload;
  call.event = in.event;
  call.from = step.from;
  call.to = step.to;
  call.actor = in.actor;
  call.instance_id = in.instance_id;
  call.business_key = instance->business_key();
  call.instance_version = instance->version();
  call.now = step.now;
  call.random_seed = step.random_seed;
  auto lease = def.scripts().Acquire();
  if (!lease.ok()) return P::Refuse(lease.status());
  auto guard = (*lease)->RunGuard(*t, call);
  if (!guard.ok()) return P::Refuse(guard.status());
  if (!guard->allowed) {
    std::string title = spec.title.empty() ? spec.event : spec.title;
    return P::Refuse(absl::FailedPreconditionError(absl::StrCat(
        "Transition '", spec.event, "' (", title, ") was refused: ",
        guard->reason.empty() ? "its guard said no" : guard->reason)));
  }
  auto outcome = (*lease)->RunAction(*t, call);
  if (!outcome.ok()) return P::Refuse(outcome.status());
  step.outcome = &*outcome;
  step.deadline_date = DeadlineDate(def, step.to, call, &*outcome, **lease);

  P p;
  store::InstanceRecord after;
  store::HistoryEventBody body;
  store::HistoryEventRecord sealed;
  absl::Status recorded =
      Record(step, &p.writes, &after, &body, &sealed, &p.new_timer_due);
  if (!recorded.ok()) return P::Refuse(recorded);
  p.result.instance = reader_->ToInfo(after);
  p.result.event = ToHistoryEntry(body, sealed.hash());
  return p;
}

absl::StatusOr<std::optional<org::Grant>> Transitioner::CheckActor(
    const Actor& actor, const DirectorySnapshot& directory,
    const store::InstanceRecord& instance, const access::CompiledWho& who,
    absl::Time now) const {
  if (!actor.checked()) return std::optional<org::Grant>();
  WF_ASSIGN_OR_RETURN(
      org::Grant grant,
      access::MayAct(directory, actor.id,
                     calendar::ToVietnamDay(now), instance.unit_id(), who));
  return std::optional<org::Grant>(grant);
}

absl::StatusOr<bool> Transitioner::TimerPending(
    const store::InstanceRecord& instance,
    const store::TimerRecord& timer) const {
  WF_ASSIGN_OR_RETURN(auto def, registry_->Get(instance.workflow(),
                                               instance.workflow_version()));
  std::vector<store::ClockRecord> clocks(instance.clocks().begin(),
                                         instance.clocks().end());
  for (const auto& t : timers::TimersOf(def->spec(), *calendar_, clocks)) {
    if (t.name == timer.name() &&
        absl::ToUnixMicros(t.due) == timer.due_micros()) {
      return true;
    }
  }
  return false;
}

// Puts back the timer keys the instance's clocks call for but the store
// lacks: reminders written under an earlier rule for their time (before
// "N working days before" counted the last day) turn up stale one day early
// and would otherwise never fire. Returns the earliest one put back.
absl::Time Transitioner::RestoreMissingTimers(
    const store::InstanceRecord& instance, WriteSet* writes) const {
  absl::Time earliest = absl::InfiniteFuture();
  auto def = registry_->Get(instance.workflow(), instance.workflow_version());
  if (!def.ok()) return earliest;
  std::vector<store::ClockRecord> clocks(instance.clocks().begin(),
                                         instance.clocks().end());
  for (const auto& t : timers::TimersOf((*def)->spec(), *calendar_, clocks)) {
    store::TimerRecord record = ToTimerRecord(instance.id(), t);
    const std::string key = TimerKey(record);
    auto stored = reader_->store()->Get(Cf::kTimers, key);
    if (!stored.ok() || stored->has_value()) continue;
    writes->Put(Cf::kTimers, key, record.SerializeAsString());
    earliest = std::min(earliest, t.due);
  }
  return earliest;
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
  if (instance.finished()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected instance '", instance.id(), "' to accept event '", event,
        "', but it is finished (final state '", state, "' — ",
        def.StateTitle(state), ")"));
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
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected an event of workflow '", def.name(), "' (version ",
        def.version(), "), but '", event, "' is not one; its events are: ",
        absl::StrJoin(all, ", ")));
  }
  std::vector<std::string> allowed = def.EventsFrom(state);
  return absl::FailedPreconditionError(absl::StrCat(
      "Expected instance '", instance.id(), "' to be in a state that allows ",
      "event '", event, "', but it is in '", state, "' (",
      def.StateTitle(state), "); events allowed there: ",
      allowed.empty() ? "none" : absl::StrJoin(allowed, ", ")));
}

// ---------------------------------------------------------------------------
// Recording: everything one transition writes, built in one place

absl::Status Transitioner::Record(const Step& step, WriteSet* writes,
                                  store::InstanceRecord* after,
                                  store::HistoryEventBody* body,
                                  store::HistoryEventRecord* sealed,
                                  absl::Time* new_timer_due) const {
  std::string vars_json = DumpJson(step.outcome->vars);
  if (vars_json.size() > limits_.max_variables_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "Expected the variables of instance '", step.instance_id,
        "' to stay within ", limits_.max_variables_bytes, " bytes, but this ",
        "transition would make them ", vars_json.size()));
  }
  const uint64_t seq = step.before.version() + 1;
  const int64_t now = absl::ToUnixMicros(step.now);
  const WorkflowSpec& spec = step.definition->spec();
  timers::ClockChange change;
  change.spec = &spec;
  change.calendar = calendar_;
  change.before.assign(step.before.clocks().begin(), step.before.clocks().end());
  change.from = step.from;
  change.to = step.to;
  change.now = step.now;
  if (step.timer != nullptr) change.fired_timer = step.timer->name();
  change.deadline_date = step.deadline_date;
  WF_ASSIGN_OR_RETURN(std::vector<store::ClockRecord> clocks,
                      timers::NextClocks(change));
  const auto timers_before = timers::TimersOf(spec, *calendar_, change.before);
  const auto timers_after = timers::TimersOf(spec, *calendar_, clocks);

  body->set_instance_id(step.instance_id);
  body->set_seq(seq);
  body->set_event(step.event);
  body->set_from_state(step.from);
  body->set_to_state(step.to);
  body->set_at_micros(now);
  body->set_actor(step.actor);
  body->set_payload_json(DumpJson(*step.payload));
  body->set_changes_json(
      DumpJson(Changes(*step.vars_before, step.outcome->vars)));
  body->set_effects_json(DumpJson(step.outcome->effects));
  body->set_workflow_version(step.definition->version());
  body->set_prev_hash(seq == 1 ? ChainAnchor(step.instance_id)
                               : step.before.last_hash());
  body->set_idempotency_key(step.idempotency_key);
  body->set_random_seed(step.random_seed);
  if (step.timer != nullptr) {
    body->set_timer(step.timer->name());
    body->set_timer_due_micros(step.timer->due_micros());
  }
  body->set_timers_json(DumpJson(TimersJson(timers_after)));
  DescribeActor(step, body);
  *sealed = SealEvent(*body);

  *after = step.before;
  if (seq == 1) {
    after->set_id(step.instance_id);
    after->set_workflow(step.definition->name());
    after->set_workflow_version(step.definition->version());
    after->set_created_at_micros(now);
    after->set_created_by(step.actor);
  }
  after->set_state(step.to);
  after->set_variables_json(std::move(vars_json));
  after->set_version(seq);
  after->set_updated_at_micros(now);
  after->set_last_hash(sealed->hash());
  const StateSpec* to = step.definition->FindState(step.to);
  after->set_finished(to != nullptr && to->final);
  after->mutable_clocks()->Clear();
  for (const auto& clock : clocks) *after->add_clocks() = clock;

  const std::string& id = step.instance_id;
  const std::string& workflow = after->workflow();
  WriteInbox(step, clocks, after, writes);
  writes->Put(Cf::kInstances, keys::Instance(id), after->SerializeAsString());
  writes->Put(Cf::kHistory, keys::History(id, seq), sealed->SerializeAsString());
  if (seq == 1) {
    writes->Put(Cf::kIndexes, keys::ByWorkflow(workflow, id), "");
    if (!after->business_key().empty()) {
      writes->Put(Cf::kIndexes, keys::ByBusinessKey(after->business_key(), id),
                  "");
    }
  } else if (step.from != step.to) {
    writes->Delete(Cf::kIndexes, keys::ByState(workflow, step.from, id));
  }
  if (seq == 1 || step.from != step.to) {
    writes->Put(Cf::kIndexes, keys::ByState(workflow, step.to, id), "");
  }
  if (!step.idempotency_key.empty()) {
    store::IdempotencyRecord first;
    first.set_request_sha256(step.fingerprint);
    first.set_instance_id(id);
    first.set_seq(seq);
    *first.mutable_instance() = *after;
    first.set_created_at_micros(now);
    std::string key = seq == 1
                          ? keys::StartIdempotency(step.idempotency_key)
                          : keys::FireIdempotency(id, step.idempotency_key);
    writes->Put(Cf::kIdempotency, std::move(key), first.SerializeAsString());
  }
  *new_timer_due = WriteTimers(id, timers_before, timers_after, writes);
  WriteLate(workflow, id, change.before, clocks, writes);
  uint32_t n = 0;
  for (const Json& effect : step.outcome->effects) {
    store::OutboxRecord out;
    out.set_instance_id(id);
    out.set_seq(seq);
    out.set_kind(effect.value("kind", ""));
    out.set_data_json(DumpJson(effect.value("data", Json::object())));
    out.set_at_micros(now);
    writes->Put(Cf::kOutbox, keys::Outbox(id, seq, n++),
                out.SerializeAsString());
  }
  return absl::OkStatus();
}

// Names the actor and the capacity they acted in, as the directory has it
// now: the history keeps it even after people change roles.
void Transitioner::DescribeActor(const Step& step,
                                 store::HistoryEventBody* body) const {
  if (step.directory == nullptr || !step.grant.has_value()) return;
  const DirectorySnapshot& d = *step.directory;
  const org::Grant& grant = *step.grant;
  if (const org::Person* p = d.directory.FindPerson(step.actor)) {
    body->set_actor_name(p->name);
  }
  body->set_actor_role(grant.role);
  body->set_actor_unit(grant.unit_id);
  if (const org::OrgUnit* u = d.tree.Find(grant.unit_id)) {
    body->set_actor_unit_name(u->name);
  }
  body->set_acting_for(grant.acting_for);
  if (const org::Person* p = d.directory.FindPerson(grant.acting_for)) {
    body->set_acting_for_name(p->name);
  }
}

// The inbox index follows the instance: it is listed under every (unit,
// role) that may act on it in its new state, sorted by its earliest
// deadline (passed or coming), then by when it got there. Keys of the state
// before go.
void Transitioner::WriteInbox(const Step& step,
                              const std::vector<store::ClockRecord>& clocks,
                              store::InstanceRecord* after,
                              WriteSet* writes) const {
  std::vector<std::string> keys;
  const std::string& unit = after->unit_id();
  if (step.directory != nullptr && !unit.empty() && !after->finished()) {
    // A document whose deadline passed (an expired clock) sorts first: it
    // is the most urgent. A paused clock does not count.
    int64_t due = INT64_MAX;
    for (const auto& c : clocks) {
      if (!c.paused()) due = std::min(due, c.due_micros());
    }
    for (const auto& [slot_unit, role] : access::Slots(
             *step.directory, step.definition->WhoFrom(step.to), unit)) {
      std::string key = access::SlotPrefix(slot_unit, role);
      keys::AppendBigEndian64(&key, static_cast<uint64_t>(due));
      keys::AppendBigEndian64(&key, static_cast<uint64_t>(after->updated_at_micros()));
      key += after->id();
      keys.push_back(std::move(key));
    }
  }
  for (const std::string& old : after->inbox_keys()) {
    if (std::find(keys.begin(), keys.end(), old) == keys.end()) {
      writes->SingleDelete(Cf::kInbox, old);
    }
  }
  for (const std::string& key : keys) {
    const auto& old = after->inbox_keys();
    if (std::find(old.begin(), old.end(), key) == old.end()) {
      writes->Put(Cf::kInbox, key, "");
    }
  }
  after->mutable_inbox_keys()->Clear();
  for (std::string& key : keys) after->add_inbox_keys(std::move(key));
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
