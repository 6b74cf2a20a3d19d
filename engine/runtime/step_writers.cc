// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/step_writers.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/store/keys.h"
#include "engine/util/sha256.h"
#include "engine/util/text.h"

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

store::ChildSummary ChildSummaryOf(const Step& step, const StepPlan& plan) {
  const store::InstanceRecord& after = plan.after;
  store::ChildSummary summary;
  summary.set_workflow(after.workflow());
  summary.set_workflow_version(after.workflow_version());
  summary.set_state(after.state());
  summary.set_finished(after.finished());
  summary.set_unit_id(after.unit_id());
  summary.set_business_key(after.business_key());
  for (const store::ClockRecord& clock : after.clocks()) {
    if (clock.expired()) summary.set_late(true);
  }
  if (step.directory != nullptr) {
    if (const org::OrgUnit* unit = step.directory->tree.Find(after.unit_id())) {
      summary.set_unit_name(unit->name);
    }
  }
  return summary;
}

// By workflow and business key from the start; by state as it changes; a
// child's summary under its parent at every step.
void WriteIndexes(const Step& step, const StepPlan& plan, WriteSet* writes) {
  const std::string& id = plan.after.id();
  const std::string& workflow = plan.after.workflow();
  if (!plan.after.parent_id().empty()) {
    writes->Put(Cf::kIndexes, keys::Child(plan.after.parent_id(), id),
                ChildSummaryOf(step, plan).SerializeAsString());
  }
  if (plan.seq == 1) {
    writes->Put(Cf::kIndexes, keys::ByWorkflow(workflow, id), "");
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

namespace {

// JSON the engine wrote itself; `otherwise` if it does not parse (it
// always does: the planner dumped it).
Json StoredJsonOr(const std::string& text, Json otherwise) {
  if (text.empty()) return otherwise;
  absl::StatusOr<Json> parsed = ParseStoredJson(text);
  return parsed.ok() ? *std::move(parsed) : otherwise;
}

// True if this step recalled the document (ctx.document.recall).
bool RecalledHere(const StepPlan& plan) {
  const store::DocumentRecord& doc = plan.after.document();
  return doc.has_recall() && doc.recall().event_seq() == plan.seq;
}

Json IssuedData(const store::IssuedRecord& issued) {
  return Json{{"reference", issued.reference()},
              {"register", issued.register_()},
              {"number", issued.number()},
              {"year", issued.year()},
              {"date", issued.date()},
              {"issued_by", issued.issued_by()}};
}

Json AttachedData(const store::AttachedFile& attached) {
  const store::FileVersionRecord& file = attached.file();
  return Json{{"slot", attached.slot()},
              {"version", file.version()},
              {"name", file.name()},
              {"size", file.size()},
              {"media_type", file.media_type()},
              {"sha256", ToHex(file.sha256())},
              {"added_by", file.added_by()}};
}

// Whom an effect is addressed to, for their notices (ListNotices): its
// data's `den`, a unit's or a person's id; "" for none, or for text that
// cannot be part of a key (it still goes to the feed).
std::string NoticeRecipient(const Json& effect) {
  const Json* data = effect.is_object() && effect.contains("data")
                         ? &effect["data"] : nullptr;
  if (data == nullptr || !data->is_object()) return "";
  auto den = data->find("den");
  if (den == data->end() || !den->is_string()) return "";
  auto checked = CheckKeyText(den->get_ref<const std::string&>(), "den", 200);
  return checked.ok() ? *std::move(checked) : "";
}

// The part every feed item of the step shares: whose event it is.
store::FeedRecord FeedBase(const StepPlan& plan, const char* kind) {
  store::FeedRecord item;
  item.set_kind(kind);
  item.set_instance_id(plan.after.id());
  item.set_workflow(plan.after.workflow());
  item.set_workflow_version(plan.after.workflow_version());
  item.set_unit_id(plan.after.unit_id());
  item.set_parent_id(plan.after.parent_id());
  item.set_seq(plan.seq);
  item.set_event(plan.body.event());
  item.set_from_state(plan.body.from_state());
  item.set_to_state(plan.body.to_state());
  item.set_at_micros(plan.body.at_micros());
  item.set_actor(plan.body.actor());
  return item;
}

// The transition's data: its payload and, for a timer, which one fired.
// The payload is the planner's DumpJson text, put in as it is: the same
// bytes as dumping it parsed, without parsing it (2 KB of start variables
// parsed for the feed were 1.8% of the server's CPU under the approval load).
std::string TransitionData(const store::HistoryEventBody& body) {
  std::string data = "{";
  if (!body.payload_json().empty()) {
    absl::StrAppend(&data, "\"payload\":", body.payload_json());
  }
  if (!body.timer().empty()) {
    absl::StrAppend(&data, data.size() > 1 ? "," : "",
                    "\"timer\":", DumpJson(Json(body.timer())));
  }
  data += '}';
  return data;
}

}  // namespace

// One "transition" item for the history event, then one "effect" per
// ctx.emit, then what the event did to the document. The committer numbers
// them (engine/store/committer.h), in this order.
void WriteFeed(const StepPlan& plan, Txn* txn) {
  const store::HistoryEventBody& body = plan.body;
  store::FeedRecord transition = FeedBase(plan, "transition");
  transition.set_data_json(TransitionData(body));
  txn->AddFeed(transition.SerializeAsString());
  // Most steps emit nothing: "[]" is not parsed.
  const Json effects = body.effects_json() == "[]"
                           ? Json::array()
                           : StoredJsonOr(body.effects_json(), Json::array());
  uint32_t n = 0;
  for (const Json& effect : effects) {
    store::FeedRecord item = FeedBase(plan, "effect");
    item.set_data_json(DumpJson(effect));  // {"kind": ..., "data": {...}}
    std::string record = item.SerializeAsString();
    const std::string recipient = NoticeRecipient(effect);
    if (!recipient.empty()) {
      txn->writes().Put(Cf::kIndexes,
                        keys::Notice(recipient, plan.body.at_micros(),
                                     plan.after.id(), plan.seq, n),
                        record);
    }
    ++n;
    txn->AddFeed(std::move(record));
  }
  if (body.has_issued()) {
    store::FeedRecord item = FeedBase(plan, "document_issued");
    item.set_data_json(DumpJson(IssuedData(body.issued())));
    txn->AddFeed(item.SerializeAsString());
  }
  if (RecalledHere(plan)) {
    const store::DocumentRecord& doc = plan.after.document();
    store::FeedRecord item = FeedBase(plan, "document_recalled");
    item.set_data_json(DumpJson(Json{{"reference", doc.issued().reference()},
                                     {"reason", doc.recall().reason()},
                                     {"recalled_by", doc.recall().by()}}));
    txn->AddFeed(item.SerializeAsString());
  }
  if (body.has_attached()) {
    store::FeedRecord item = FeedBase(plan, "file_attached");
    item.set_data_json(DumpJson(AttachedData(body.attached())));
    txn->AddFeed(item.SerializeAsString());
  }
}

// The register's entry for the document's number, as the document is after
// the step (issued, and recalled if it is).
store::RegisterEntryRecord RegisterEntryOf(const StepPlan& plan) {
  const store::DocumentRecord& doc = plan.after.document();
  const store::IssuedRecord& issued = doc.issued();
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
  if (doc.has_recall()) {
    entry.set_recalled_at_micros(doc.recall().at_micros());
    entry.set_recall_reason(doc.recall().reason());
  }
  return entry;
}

std::string RegisterKeyOf(const store::IssuedRecord& issued) {
  return keys::RegisterEntry(issued.register_(), issued.year(),
                             issued.number());
}

// A recall: the register's entry says so (the number stays taken).
void WriteRecall(const StepPlan& plan, Txn* txn) {
  if (!RecalledHere(plan)) return;
  txn->writes().Put(Cf::kRegisters, RegisterKeyOf(plan.after.document().issued()),
                    RegisterEntryOf(plan).SerializeAsString());
}

// An issuance: the register's entry for its number (on condition that the
// number is free: the counter makes it so, the condition makes it a checked
// fact), and the document in each recipient unit's incoming list.
void WriteIssuance(const StepPlan& plan, Txn* txn) {
  if (!plan.body.has_issued()) return;
  const store::IssuedRecord& issued = plan.body.issued();
  const store::DocumentRecord& doc = plan.after.document();
  std::string key = RegisterKeyOf(issued);
  txn->ExpectAt(Cf::kRegisters, key, 0);
  txn->writes().Put(Cf::kRegisters, std::move(key),
                    RegisterEntryOf(plan).SerializeAsString());
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
  WriteIssuance(plan, &out.txn);
  WriteRecall(plan, &out.txn);
  WriteFeed(plan, &out.txn);
  return out;
}

}  // namespace wf
