// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/step_planner.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/auth/access.h"
#include "engine/documents/issuance.h"
#include "engine/runtime/history.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

Json TimersJson(const std::vector<timers::PendingTimer>& timers) {
  static const absl::TimeZone* vietnam =
      new absl::TimeZone(absl::FixedTimeZone(7 * 3600));
  Json list = Json::array();
  for (const auto& t : timers) {
    list.push_back(
        {{"name", t.name},
         {"event", t.event},
         {"due", absl::FormatTime(absl::RFC3339_sec, t.due, *vietnam)}});
  }
  return list;
}

// The clocks after the step, and the timers pending before and after it.
absl::Status PlanClocks(const Step& step,
                        const calendar::WorkCalendar& calendar,
                        StepPlan* plan) {
  const WorkflowSpec& spec = step.definition->spec();
  timers::ClockChange change;
  change.spec = &spec;
  change.calendar = &calendar;
  change.before.assign(step.before.clocks().begin(),
                       step.before.clocks().end());
  change.from = step.from;
  change.to = step.to;
  change.now = step.now;
  if (step.timer != nullptr) change.fired_timer = step.timer->name();
  change.deadline_date = step.deadline_date;
  if (step.cancel) {
    plan->clocks.clear();  // a cancelled document waits for nothing
  } else {
    WF_ASSIGN_OR_RETURN(plan->clocks, timers::NextClocks(change));
  }
  plan->clocks_before = std::move(change.before);
  plan->timers_before = timers::TimersOf(spec, calendar, plan->clocks_before);
  plan->timers_after = timers::TimersOf(spec, calendar, plan->clocks);
  return absl::OkStatus();
}

// Names the actor and the capacity they acted in, as the directory has it
// now: the history keeps it even after people change roles. A person who
// acted without a capacity (the creator attaching a file, or cancelling)
// is still named.
void DescribeActor(const Step& step, store::HistoryEventBody* body) {
  if (step.directory == nullptr) return;
  const DirectorySnapshot& d = *step.directory;
  if (const org::Person* p = d.directory.FindPerson(step.actor)) {
    body->set_actor_name(p->name);
  }
  if (!step.grant.has_value()) return;
  const org::Grant& grant = *step.grant;
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

// What the script did to the document, and the number it took: the feed
// and the registers read `issued`, replay compares `document_json`.
void PlanDocumentEvent(const Step& step, uint64_t seq,
                       store::HistoryEventBody* body) {
  const Json& changes = step.outcome->document;
  if (changes.is_null()) return;
  body->set_document_json(DumpJson(changes));
  auto issued = documents::IssuedOf(changes, step.actor, step.now, seq);
  if (issued.has_value()) *body->mutable_issued() = *std::move(issued);
}

// The document after the step: the script's changes, or an
// acknowledgement of receipt.
absl::Status PlanDocument(const Step& step, StepPlan* plan) {
  store::DocumentRecord* doc = plan->after.mutable_document();
  if (!step.acknowledge_unit.empty()) {
    documents::Acknowledge(doc, step.acknowledge_unit, step.actor,
                           step.acknowledge_name, step.now, plan->seq);
  }
  WF_RETURN_IF_ERROR(documents::ApplyChanges(step.outcome->document, doc));
  if (plan->body.has_issued()) *doc->mutable_issued() = plan->body.issued();
  WF_RETURN_IF_ERROR(documents::ApplyRecall(step.outcome->document, step.actor,
                                            plan->body.actor_name(), step.now,
                                            plan->seq, doc));
  if (doc->ByteSizeLong() == 0) plan->after.clear_document();
  return absl::OkStatus();
}

// The history event, hash-chained to the one before.
void PlanEvent(const Step& step, StepPlan* plan) {
  store::HistoryEventBody& body = plan->body;
  body.set_instance_id(step.instance_id);
  body.set_seq(plan->seq);
  body.set_event(step.event);
  body.set_from_state(step.from);
  body.set_to_state(step.to);
  body.set_at_micros(absl::ToUnixMicros(step.now));
  body.set_actor(step.actor);
  body.set_payload_json(DumpJson(*step.payload));
  const auto& known = step.outcome->changes;  // when the input is gone
  plan->changes = std::make_shared<const Json>(
      known.has_value()
          ? Changes(step.outcome->vars, known->set, known->unset)
          : Changes(*step.vars_before, step.outcome->vars));
  body.set_changes_json(DumpJson(*plan->changes));
  body.set_effects_json(DumpJson(step.outcome->effects));
  body.set_workflow_version(step.definition->version());
  body.set_prev_hash(plan->seq == 1 ? ChainAnchor(step.instance_id)
                                    : step.before.last_hash());
  body.set_idempotency_key(step.idempotency_key);
  body.set_random_seed(step.random_seed);
  if (step.timer != nullptr) {
    body.set_timer(step.timer->name());
    body.set_timer_due_micros(step.timer->due_micros());
  }
  body.set_timers_json(DumpJson(TimersJson(plan->timers_after)));
  for (const store::ExternalValue& v : step.externals) *body.add_externals() = v;
  // A province with days of its own: both calendars the clocks counted on.
  const PluginSource* plugin = step.plugin.get();
  body.set_calendar_version(
      plugin != nullptr && plugin->calendar != nullptr
          ? absl::StrCat(step.calendar_version, "+", plugin->calendar_version)
          : step.calendar_version);
  body.set_parent_id(step.parent_id);
  body.set_fired_by(step.fired_by);
  PlanDocumentEvent(step, plan->seq, &body);
  if (step.attached != nullptr) {
    *body.mutable_attached() = *step.attached;
    body.mutable_attached()->mutable_file()->set_event_seq(plan->seq);
  }
  DescribeActor(step, &body);
  plan->sealed = SealEvent(body);
}

// The attached file becomes the newest version of its slot (earlier
// versions stay).
void AddFileVersion(const store::AttachedFile& attached,
                    store::InstanceRecord* after) {
  auto* slots = after->mutable_document()->mutable_slots();
  for (store::FileSlotRecord& slot : *slots) {
    if (slot.slot() == attached.slot()) {
      *slot.add_versions() = attached.file();
      return;
    }
  }
  store::FileSlotRecord* slot = slots->Add();
  slot->set_slot(attached.slot());
  *slot->add_versions() = attached.file();
}

// The quota places the document holds after the step: those it held, plus
// the places its script took, less those it gave back (never below none).
void PlanPlaces(const Step& step, store::InstanceRecord* after) {
  std::map<std::string, int64_t> held;
  for (const store::PlaceHeld& p : after->places_held()) {
    held[p.quota()] = p.count();
  }
  bool changed = false;
  for (const store::ExternalValue& v : step.externals) {
    if (v.call() == "take_place" && v.value_json() == "true") {
      ++held[v.key()];
      changed = true;
    } else if (v.call() == "give_place") {
      auto it = held.find(v.key());
      if (it != held.end()) --it->second;
      changed = true;
    }
  }
  if (!changed) return;
  after->clear_places_held();
  for (const auto& [quota, count] : held) {
    if (count <= 0) continue;
    store::PlaceHeld* p = after->add_places_held();
    p->set_quota(quota);
    p->set_count(count);
  }
}

// The names the document holds after the step: those it held and those its
// script claimed (ctx.claim answered true), less those it released
// (ctx.release answered true), in the order the script asked.
void PlanClaims(const Step& step, store::InstanceRecord* after) {
  std::set<std::string> held(after->claims_held().begin(),
                             after->claims_held().end());
  bool changed = false;
  for (const store::ExternalValue& v : step.externals) {
    if (v.value_json() != "true") continue;
    if (v.call() == "claim") {
      changed |= held.insert(v.key()).second;
    } else if (v.call() == "release") {
      changed |= held.erase(v.key()) > 0;
    }
  }
  if (!changed) return;
  after->clear_claims_held();
  for (const std::string& name : held) after->add_claims_held(name);
}

// What the document holds of shared records. A cancel gives it all back
// (CancelStep): it holds nothing after.
void PlanHoldings(const Step& step, store::InstanceRecord* after) {
  if (step.cancel) {
    after->clear_places_held();
    after->clear_claims_held();
    return;
  }
  if (step.externals.empty()) return;  // most steps take nothing
  PlanPlaces(step, after);
  PlanClaims(step, after);
}

// The instance record after the step (inbox keys come later).
void PlanInstance(const Step& step, StepPlan* plan) {
  const int64_t now = absl::ToUnixMicros(step.now);
  store::InstanceRecord& after = plan->after;
  after = step.before;
  if (plan->seq == 1) {
    after.set_id(step.instance_id);
    after.set_workflow(step.definition->name());
    after.set_workflow_version(step.definition->version());
    after.set_created_at_micros(now);
    after.set_created_by(step.actor);
    after.set_parent_id(step.parent_id);
  }
  after.set_state(step.to);
  after.set_variables_json(plan->vars_json);
  after.set_version(plan->seq);
  after.set_updated_at_micros(now);
  after.set_last_hash(plan->sealed.hash());
  const StateSpec* to = step.definition->FindState(step.to);
  after.set_finished(to != nullptr && to->final);
  if (step.cancel) {
    after.set_finished(true);
    after.set_cancelled(true);
    after.set_cancel_reason(step.cancel_reason);
  }
  after.mutable_clocks()->Clear();
  for (const auto& clock : plan->clocks) *after.add_clocks() = clock;
  if (step.attached != nullptr) AddFileVersion(plan->body.attached(), &after);
  PlanHoldings(step, &after);
}

// The instance is listed under every (unit, role) that may act on it in its
// new state, sorted by its earliest deadline (passed or coming), then by
// when it got there. A document whose deadline passed (an expired clock)
// sorts first: it is the most urgent. A paused clock does not count.
void PlanInbox(const Step& step, StepPlan* plan) {
  const store::InstanceRecord& after = plan->after;
  const std::string& unit = after.unit_id();
  // A finished document is listed nowhere (WriteInbox removes the old keys).
  if (after.finished()) plan->after.mutable_inbox_keys()->Clear();
  if (step.directory == nullptr || unit.empty() || after.finished()) return;
  int64_t due = INT64_MAX;
  for (const auto& c : plan->clocks) {
    if (!c.paused()) due = std::min(due, c.due_micros());
  }
  for (const auto& [slot_unit, role] :
       access::Slots(*step.directory, step.definition->WhoFrom(step.to), unit,
                     &step.outcome->vars)) {
    plan->inbox_keys.push_back(
        keys::Inbox(slot_unit, role, due, after.updated_at_micros(),
                    after.id()));
  }
  plan->after.mutable_inbox_keys()->Clear();
  for (const std::string& key : plan->inbox_keys) {
    plan->after.add_inbox_keys(key);
  }
}

// A document asked of many units (comments from every department) is
// listed under many slots; past this many, no new slot is remembered and
// those units read it while it is in their inbox only.
constexpr int kMaxReaderSlots = 256;

// Who keeps reading the document once it leaves their inbox
// (InstanceRecord.reader_slots): the slots it was listed under before the
// step and after it, and the capacity of the person who took the step.
// Slots listed before the field existed are added at the document's next
// step.
void PlanReaders(const Step& step, StepPlan* plan) {
  const auto& known = step.before.reader_slots();
  std::vector<std::string> slots(known.begin(), known.end());
  const size_t before = slots.size();
  // Most steps add no slot: the record keeps the one it had, unsorted again.
  auto add = [&](absl::string_view slot) {
    if (!slot.empty() &&
        !std::binary_search(known.begin(), known.end(), slot)) {
      slots.emplace_back(slot);
    }
  };
  for (const std::string& key : step.before.inbox_keys()) {
    add(keys::InboxSlotOf(key));
  }
  for (const std::string& key : plan->inbox_keys) add(keys::InboxSlotOf(key));
  if (step.grant.has_value()) {
    add(keys::InboxSlot(step.grant->unit_id, step.grant->role));
  }
  if (slots.size() == before) return;  // `after` has `known` already
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  auto* kept = plan->after.mutable_reader_slots();
  if (static_cast<int>(slots.size()) > kMaxReaderSlots) {
    return;  // `after` keeps the slots it had
  }
  kept->Clear();
  for (std::string& slot : slots) kept->Add(std::move(slot));
}

}  // namespace

absl::StatusOr<StepPlan> PlanStep(const Step& step,
                                  const calendar::WorkCalendar& calendar,
                                  const Limits& limits) {
  StepPlan plan;
  plan.vars_json = DumpJson(step.outcome->vars);
  if (plan.vars_json.size() > limits.max_variables_bytes) {
    return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                       "Expected the variables of instance '",
                       step.instance_id, "' to stay within ",
                       limits.max_variables_bytes, " bytes, but this ",
                       "transition would make them ", plan.vars_json.size())),
                   reason::kBudgetExceeded)
        .With("budget", "variables_bytes")
        .With("limit", limits.max_variables_bytes)
        .Vietnamese(absl::StrCat(
            "Dữ liệu của hồ sơ sẽ vượt quá giới hạn ",
            limits.max_variables_bytes, " byte nên thao tác bị từ chối."));
  }
  plan.seq = step.before.version() + 1;
  WF_RETURN_IF_ERROR(PlanClocks(step, calendar, &plan));
  PlanEvent(step, &plan);
  PlanInstance(step, &plan);
  WF_RETURN_IF_ERROR(PlanDocument(step, &plan));
  PlanInbox(step, &plan);
  PlanReaders(step, &plan);
  return plan;
}

}  // namespace wf
