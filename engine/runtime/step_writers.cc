// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/step_writers.h"

#include <algorithm>
#include <map>
#include <utility>

#include "engine/store/keys.h"

namespace wf {

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

void WriteInstance(const StepPlan& plan, WriteSet* writes) {
  writes->Put(Cf::kInstances, keys::Instance(plan.after.id()),
              plan.after.SerializeAsString());
}

void WriteHistory(const StepPlan& plan, WriteSet* writes) {
  writes->Put(Cf::kHistory, keys::History(plan.after.id(), plan.seq),
              plan.sealed.SerializeAsString());
}

// By workflow and business key from the start; by state as it changes.
void WriteIndexes(const Step& step, const StepPlan& plan, WriteSet* writes) {
  const std::string& id = plan.after.id();
  const std::string& workflow = plan.after.workflow();
  if (plan.seq == 1) {
    writes->Put(Cf::kIndexes, keys::ByWorkflow(workflow, id), "");
    if (!step.parent_id.empty()) {
      writes->Put(Cf::kIndexes, keys::Child(step.parent_id, id), "");
    }
    if (!plan.after.business_key().empty()) {
      writes->Put(Cf::kIndexes,
                  keys::ByBusinessKey(plan.after.business_key(), id), "");
    }
  } else if (step.from != step.to) {
    writes->Delete(Cf::kIndexes, keys::ByState(workflow, step.from, id));
  }
  if (plan.seq == 1 || step.from != step.to) {
    writes->Put(Cf::kIndexes, keys::ByState(workflow, step.to, id), "");
  }
}

// The record that answers a retry: which event the first request appended.
// The answer is rebuilt from it (the event as recorded, the document as it
// is now), so the record stays small whatever the document holds.
void WriteIdempotency(const Step& step, const StepPlan& plan,
                      WriteSet* writes) {
  if (step.idempotency_key.empty()) return;
  store::IdempotencyRecord first;
  first.set_request_sha256(step.fingerprint);
  first.set_instance_id(plan.after.id());
  first.set_seq(plan.seq);
  first.set_created_at_micros(absl::ToUnixMicros(step.now));
  std::string key =
      plan.seq == 1
          ? keys::StartIdempotency(step.actor, step.idempotency_key)
          : keys::FireIdempotency(plan.after.id(), step.idempotency_key);
  writes->Put(Cf::kIdempotency, std::move(key), first.SerializeAsString());
}

// The due-date index follows the instance's pending timers: keys of timers
// no longer pending go, new ones come.
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
      writes->SingleDelete(Cf::kTimers, keys::Timer(absl::ToUnixMicros(t.due), id, t.name));
    }
  }
  for (const auto& t : after) {
    if (contains(before, t)) continue;
    store::TimerRecord record = ToTimerRecord(id, t);
    writes->Put(Cf::kTimers,
                keys::Timer(record.due_micros(), id, record.name()),
                record.SerializeAsString());
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
    if (!is.count(name)) {
      writes->Delete(Cf::kIndexes, keys::Late(workflow, id, name));
    }
  }
  for (const auto& [name, due] : is) {
    if (was.count(name)) continue;
    std::string value;
    keys::AppendBigEndian64(&value, static_cast<uint64_t>(due));
    writes->Put(Cf::kIndexes, keys::Late(workflow, id, name), value);
  }
}

// Keys of the listing before the step go, new ones come.
void WriteInbox(const Step& step, const StepPlan& plan, WriteSet* writes) {
  const auto& old = step.before.inbox_keys();
  const auto& now = plan.inbox_keys;
  for (const std::string& key : old) {
    if (std::find(now.begin(), now.end(), key) == now.end()) {
      writes->SingleDelete(Cf::kInbox, key);
    }
  }
  for (const std::string& key : now) {
    if (std::find(old.begin(), old.end(), key) == old.end()) {
      writes->Put(Cf::kInbox, key, "");
    }
  }
}

void WriteOutbox(const Step& step, const StepPlan& plan, WriteSet* writes) {
  uint32_t n = 0;
  for (const Json& effect : step.outcome->effects) {
    store::OutboxRecord out;
    out.set_instance_id(plan.after.id());
    out.set_seq(plan.seq);
    out.set_kind(effect.value("kind", ""));
    out.set_data_json(DumpJson(effect.value("data", Json::object())));
    out.set_at_micros(absl::ToUnixMicros(step.now));
    writes->Put(Cf::kOutbox, keys::Outbox(plan.after.id(), plan.seq, n++),
                out.SerializeAsString());
  }
}

// An issuance: the register's entry for its number (on condition that the
// number is free: the counter makes it so, the condition makes it a checked
// fact), and the document in each recipient unit's incoming list.
void WriteIssuance(const StepPlan& plan, Txn* txn) {
  if (!plan.body.has_issued()) return;
  const store::IssuedRecord& issued = plan.body.issued();
  const store::DocumentRecord& doc = plan.after.document();
  store::RegisterEntryRecord entry;
  entry.set_instance_id(plan.after.id());
  entry.set_reference(issued.reference());
  entry.set_date(issued.date());
  entry.set_type(doc.type());
  entry.set_trich_yeu(doc.trich_yeu());
  entry.set_signer_name(doc.signer().name());
  entry.set_issued_at_micros(issued.issued_at_micros());
  entry.set_issuer_id(doc.issuer_id());
  entry.set_issued_by(issued.issued_by());
  std::string key =
      keys::RegisterEntry(issued.register_(), issued.year(), issued.number());
  txn->ExpectAt(Cf::kRegisters, key, 0);
  txn->writes().Put(Cf::kRegisters, std::move(key), entry.SerializeAsString());
  std::vector<std::string> units;
  for (const auto& r : doc.recipients()) {
    if (r.unit_id().empty() ||
        std::find(units.begin(), units.end(), r.unit_id()) != units.end()) {
      continue;
    }
    units.push_back(r.unit_id());
    txn->writes().Put(Cf::kIndexes,
                      keys::Incoming(r.unit_id(), issued.issued_at_micros(),
                                     plan.after.id()),
                      "");
  }
}

StepWrites WriteStep(const Step& step, const StepPlan& plan) {
  StepWrites out;
  const std::string& id = plan.after.id();
  WriteSet* writes = &out.txn.writes();
  // The step holds only if no one else moved the instance since it was
  // read (for a start: no instance has its id yet).
  out.txn.ExpectAt(Cf::kInstances, keys::Instance(id), step.before.version());
  WriteInbox(step, plan, writes);
  WriteInstance(plan, writes);
  WriteHistory(plan, writes);
  WriteIndexes(step, plan, writes);
  WriteIdempotency(step, plan, writes);
  out.new_timer_due =
      WriteTimers(id, plan.timers_before, plan.timers_after, writes);
  WriteLate(plan.after.workflow(), id, plan.clocks_before, plan.clocks,
            writes);
  WriteOutbox(step, plan, writes);
  WriteIssuance(plan, &out.txn);
  return out;
}

}  // namespace wf
