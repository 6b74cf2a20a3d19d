// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/reader.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "engine/auth/access.h"
#include "engine/calendar/vn_date.h"
#include "engine/runtime/history.h"
#include "engine/runtime/refusals.h"
#include "engine/runtime/request_checks.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "engine/util/page_token.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf {
namespace {

int64_t DayNumber(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

absl::Status DoesNotParse(const std::string& id) {
  return absl::DataLossError(
      absl::StrCat("The stored instance '", id, "' does not parse"));
}

constexpr uint32_t kDefaultPageSize = 50;
constexpr uint32_t kMaxPageSize = 1000;

// INVALID_ARGUMENT, INVALID_FIELD naming request field `field`.
absl::Status BadField(absl::string_view field, absl::string_view message) {
  return ForField(absl::InvalidArgumentError(message), field,
                  reason::kInvalidField);
}

// 0 asks for the default. A larger page than the maximum is refused rather
// than cut silently: a client that asked for 5000 and got 1000 would take
// the short page for the whole list.
absl::StatusOr<uint32_t> PageSize(uint32_t requested) {
  if (requested == 0) return kDefaultPageSize;
  if (requested > kMaxPageSize) {
    return BadField("page_size",
                    absl::StrCat("Expected `page_size` of at most ",
                                 kMaxPageSize, " (0 for ", kDefaultPageSize,
                                 "), but got ", requested,
                                 ": ask for the next page with `page_token`"));
  }
  return requested;
}

// Page tokens are sealed (engine/util/page_token.h): false when `token`
// is not one this server made for a list of `kind`.
bool Unseal(absl::string_view kind, const std::string& token,
            std::string* position) {
  auto opened = OpenPageToken(kind, token);
  if (!opened.ok()) return false;
  *position = *std::move(opened);
  return true;
}

absl::Status BadDeadlineToken() {
  return BadField("page_token",
                  "Expected a page token from an earlier answer to this same "
                  "query, but this one does not belong to it");
}

absl::Status NotFound(const std::string& id) {
  return refusals::InstanceNotFound(id);
}

// Which keys a list request scans.
struct Scan {
  Cf cf = Cf::kInstances;
  std::string prefix;
  bool via_index = false;
};

absl::StatusOr<Scan> ChooseScan(const ListInstancesRequest& request,
                                const std::string& business_key) {
  if (!request.state.empty() && request.workflow.empty()) {
    return Refusal(absl::InvalidArgumentError(
                       "Expected `workflow` with `state` (state names belong "
                       "to a workflow), but only `state` was given"),
                   reason::kFieldRequired)
        .With("field", "workflow")
        .Field("workflow");
  }
  if (!request.workflow.empty() && !IsIdentifier(request.workflow)) {
    return BadField("workflow",
                    absl::StrCat("Expected `workflow` to be a workflow name, "
                                 "but got '", request.workflow, "'"));
  }
  if (!request.state.empty() && !IsIdentifier(request.state)) {
    return BadField("state", absl::StrCat("Expected `state` to be a state "
                                          "name, but got '", request.state,
                                          "'"));
  }
  Scan scan;
  if (!request.parent.empty()) {
    WF_RETURN_IF_ERROR(CheckInstanceId(request.parent).status());
    scan = {Cf::kIndexes, keys::ChildPrefix(request.parent), true};
  } else if (!business_key.empty()) {
    scan = {Cf::kIndexes, keys::ByBusinessKeyPrefix(business_key), true};
  } else if (!request.state.empty()) {
    scan = {Cf::kIndexes, keys::ByStatePrefix(request.workflow, request.state),
            true};
  } else if (!request.workflow.empty()) {
    scan = {Cf::kIndexes, keys::ByWorkflowPrefix(request.workflow), true};
  }
  return scan;
}

}  // namespace

absl::Status Reader::NoSuchInstance(const std::string& id) const {
  return NotFound(id);
}

bool Reader::MayRead(const Actor& actor, const DirectorySnapshot& directory,
                     const store::InstanceRecord& instance,
                     absl::Time now) const {
  if (actor.nobody()) return false;
  if (actor.kind != Actor::Kind::kPerson) return true;
  return access::MayRead(directory, actor.id, calendar::ToVietnamDay(now),
                         instance);
}

bool Reader::InUnit(const DirectorySnapshot& directory,
                    const store::InstanceRecord& instance,
                    const std::string& unit) const {
  return unit.empty() || instance.unit_id() == unit ||
         directory.tree.IsAncestorOf(unit, instance.unit_id());
}

absl::StatusOr<std::vector<std::string>> Reader::ChildIds(
    const std::string& parent) {
  const std::string prefix = keys::ChildPrefix(parent);
  std::vector<std::string> ids;
  auto it = store_->NewPrefixIterator(Cf::kIndexes, prefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    ids.emplace_back(keys::IdFromIndexKey(View(it->key())));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing children"));
  return ids;
}

absl::StatusOr<uint32_t> Reader::CheckPageSize(uint32_t requested) {
  return PageSize(requested);
}

absl::StatusOr<store::InstanceRecord> Reader::LoadReadable(
    const std::string& id, const Actor& actor) {
  WF_ASSIGN_OR_RETURN(store::InstanceRecord record, LoadInstance(id));
  if (!MayRead(actor, *directory_->Current(), record, clock_->Now())) {
    return NotFound(id);
  }
  return record;
}

absl::StatusOr<store::InstanceRecord> Reader::LoadInstance(
    const std::string& id, const rocksdb::Snapshot* at) {
  if (at == nullptr && cache_ != nullptr) {
    WF_ASSIGN_OR_RETURN(InstanceCache::Record shared, LoadShared(id));
    return *shared;
  }
  if (!keys::ParseInstanceId(id).has_value()) {
    // Not even well-formed: it cannot exist.
    return NotFound(id);
  }
  WF_ASSIGN_OR_RETURN(auto value,
                      store_->Get(Cf::kInstances, keys::Instance(id), at));
  if (!value.has_value()) return NotFound(id);
  store::InstanceRecord record;
  if (!record.ParseFromString(*value)) return DoesNotParse(id);
  return record;
}

absl::StatusOr<InstanceCache::Record> Reader::LoadShared(
    const std::string& id) {
  if (!keys::ParseInstanceId(id).has_value()) return NotFound(id);
  const std::string key = keys::Instance(id);
  if (cache_ != nullptr) {
    if (InstanceCache::Record kept = cache_->Find(key)) return kept;
  }
  const uint64_t generation = cache_ != nullptr ? cache_->Generation(key) : 0;
  WF_ASSIGN_OR_RETURN(auto value, store_->Get(Cf::kInstances, key));
  if (!value.has_value()) return NotFound(id);
  auto record = std::make_shared<store::InstanceRecord>();
  if (!record->ParseFromString(*value)) return DoesNotParse(id);
  if (cache_ != nullptr) cache_->Insert(key, generation, record, value->size());
  return record;
}

absl::StatusOr<std::shared_ptr<const Json>> Reader::Vars(
    const InstanceCache::Record& record) {
  const std::string key = keys::Instance(record->id());
  if (cache_ != nullptr) {
    if (std::shared_ptr<const Json> kept = cache_->Vars(key, record)) {
      return kept;
    }
  }
  WF_ASSIGN_OR_RETURN(Json parsed, ParseStoredJson(record->variables_json()));
  auto vars = std::make_shared<Json>(std::move(parsed));  // not const:
  if (cache_ != nullptr) cache_->KeepVars(key, record, vars);  // TakeVars
  return vars;
}

Json* Reader::TakeVars(const InstanceCache::Record& record,
                       const std::shared_ptr<const Json>& vars) {
  if (cache_ != nullptr) {
    cache_->ForgetVars(keys::Instance(record->id()), record, vars);
  }
  if (vars.use_count() != 1) return nullptr;
  // The other holders lowered the count as they let go (an acq_rel
  // decrement): this orders their last reads before the step's changes.
  std::atomic_thread_fence(std::memory_order_acquire);
  // Vars made them a Json that is not const: changing them is allowed.
  return const_cast<Json*>(vars.get());
}

absl::StatusOr<std::optional<store::IdempotencyRecord>>
Reader::LoadIdempotency(const std::string& key) {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      store_->Get(Cf::kIdempotency, key));
  if (!stored.has_value()) return std::nullopt;
  store::IdempotencyRecord record;
  if (!record.ParseFromString(*stored)) {
    return absl::DataLossError("A stored idempotency record does not parse");
  }
  return record;
}

absl::StatusOr<bool> Reader::HasTimer(const std::string& key) {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                      store_->Get(Cf::kTimers, key));
  return stored.has_value();
}

absl::StatusOr<store::HistoryEventRecord> Reader::LoadEvent(
    const std::string& id, uint64_t seq) {
  WF_ASSIGN_OR_RETURN(auto value,
                      store_->Get(Cf::kHistory, keys::History(id, seq)));
  store::HistoryEventRecord record;
  if (!value.has_value() || !record.ParseFromString(*value)) {
    return absl::DataLossError(absl::StrCat(
        "Expected event ", seq, " in the history of '", id,
        "', but it is missing or does not parse"));
  }
  return record;
}

absl::StatusOr<std::vector<store::HistoryEventRecord>> Reader::LoadHistory(
    const std::string& id, uint64_t after_seq, uint32_t limit,
    const rocksdb::Snapshot* at) {
  WF_RETURN_IF_ERROR(LoadInstance(id, at).status());
  std::vector<store::HistoryEventRecord> events;
  std::string prefix = keys::HistoryPrefix(id);
  auto it = store_->NewPrefixIterator(Cf::kHistory, prefix, at);
  for (it->Seek(keys::History(id, after_seq + 1));
       it->Valid() && it->key().starts_with(prefix) &&
       (limit == 0 || events.size() < limit);
       it->Next()) {
    store::HistoryEventRecord record;
    if (!record.ParseFromString(it->value().ToString())) {
      return absl::DataLossError(absl::StrCat(
          "An event in the history of '", id, "' does not parse"));
    }
    events.push_back(std::move(record));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "reading a history"));
  return events;
}

namespace {

ClockInfo ToClockInfo(const store::ClockRecord& c) {
  ClockInfo clock;
  clock.name = c.name();
  clock.due = absl::FromUnixMicros(c.due_micros());
  clock.paused = c.paused();
  clock.expired = c.expired();
  clock.remaining = c.remaining();
  switch (c.unit()) {
    case store::ClockRecord::WORKING_DAYS: clock.unit = "working_days"; break;
    case store::ClockRecord::DAYS: clock.unit = "days"; break;
    case store::ClockRecord::DURATION: clock.unit = "duration"; break;
    case store::ClockRecord::DATE: clock.unit = "date"; break;
    default: break;
  }
  return clock;
}

// A list's title: the document's subject line is what officials know a
// document by; without one, the state's title says what it waits for.
std::string DisplayTitle(const store::InstanceRecord& r,
                         const std::string& state_title) {
  if (r.has_document() && !r.document().trich_yeu().empty()) {
    return r.document().trich_yeu();
  }
  return state_title;
}

}  // namespace

InstanceInfo Reader::ToInfo(const store::InstanceRecord& r,
                            bool with_variables) {
  auto definition = registry_->Get(r.workflow(), r.workflow_version());
  return ToInfo(r, with_variables, *directory_->Current(),
                definition.ok() ? definition->get() : nullptr);
}

InstanceInfo Reader::ToInfo(const store::InstanceRecord& r,
                            bool with_variables,
                            const DirectorySnapshot& directory,
                            const Definition* definition) {
  InstanceInfo info;
  info.id = r.id();
  info.unit = r.unit_id();
  if (!r.unit_id().empty()) {
    if (const org::OrgUnit* u = directory.tree.Find(r.unit_id())) {
      info.unit_name = u->name;
    }
  }
  info.workflow = r.workflow();
  info.workflow_version = r.workflow_version();
  info.state = r.state();
  info.state_title =
      definition != nullptr ? definition->StateTitle(r.state()) : r.state();
  info.title = DisplayTitle(r, info.state_title);
  info.finished = r.finished();
  if (with_variables) info.variables_json = r.variables_json();
  info.business_key = r.business_key();
  info.version = r.version();
  info.created_at = absl::FromUnixMicros(r.created_at_micros());
  info.updated_at = absl::FromUnixMicros(r.updated_at_micros());
  info.created_by = r.created_by();
  info.cancelled = r.cancelled();
  info.cancel_reason = r.cancel_reason();
  info.parent_id = r.parent_id();
  info.plugin = r.plugin();
  info.plugin_version = r.plugin_version();
  for (const store::ClockRecord& c : r.clocks()) {
    info.clocks.push_back(ToClockInfo(c));
  }
  return info;
}

absl::StatusOr<InstanceInfo> Reader::GetInstance(const std::string& id,
                                                 const Actor& actor) {
  WF_ASSIGN_OR_RETURN(store::InstanceRecord record, LoadReadable(id, actor));
  return ToInfo(record);
}

absl::StatusOr<std::vector<InboxEvent>> Reader::AvailableEvents(
    const std::string& id, const Actor& actor) {
  WF_ASSIGN_OR_RETURN(store::InstanceRecord record, LoadReadable(id, actor));
  // The embedder passes no who rule: there is no capacity to name.
  if (!actor.checked() || record.finished()) return std::vector<InboxEvent>();
  WF_ASSIGN_OR_RETURN(auto def, registry_->Get(record.workflow(),
                                               record.workflow_version()));
  auto directory = directory_->Current();
  const std::vector<org::HeldRole> roles = directory->directory.RolesOn(
      actor.id, calendar::ToVietnamDay(clock_->Now()));
  return EventsFor(
      *def, std::make_shared<const store::InstanceRecord>(std::move(record)),
      *directory, roles);
}

// The transitions out of the instance's state whose who rule a role of
// `roles` passes, each with that capacity: what an inbox item offers.
// Timers' transitions (who = "system") pass no role.
std::vector<InboxEvent> Reader::EventsFor(
    const Definition& def, const InstanceCache::Record& instance,
    const DirectorySnapshot& directory,
    const std::vector<org::HeldRole>& roles) {
  std::vector<InboxEvent> events;
  std::shared_ptr<const Json> vars;  // read for "var:" rules only
  for (size_t t = 0; t < def.spec().transitions.size(); ++t) {
    const TransitionSpec& spec = def.spec().transitions[t];
    if (std::find(spec.from.begin(), spec.from.end(), instance->state()) ==
        spec.from.end()) {
      continue;
    }
    const access::CompiledWho& who = def.WhoOf(static_cast<int>(t));
    if (who.names_units && vars == nullptr) {
      auto parsed = Vars(instance);
      if (parsed.ok()) vars = *std::move(parsed);
    }
    access::CompiledWho resolved;
    std::optional<org::Grant> grant =
        access::GrantFor(directory, roles, instance->unit_id(),
                         access::Resolve(who, vars.get(), &resolved));
    if (!grant.has_value()) continue;
    events.push_back({spec.event, spec.title.empty() ? spec.event : spec.title,
                      grant->role, grant->unit_id, grant->acting_for});
  }
  return events;
}

absl::StatusOr<std::vector<HistoryEntry>> Reader::GetHistory(
    const std::string& id, const Actor& actor, uint64_t after_seq,
    uint32_t limit) {
  WF_RETURN_IF_ERROR(LoadReadable(id, actor).status());
  WF_ASSIGN_OR_RETURN(auto records, LoadHistory(id, after_seq, limit));
  std::vector<HistoryEntry> entries;
  for (const auto& record : records) {
    WF_ASSIGN_OR_RETURN(store::HistoryEventBody body, OpenEvent(record));
    entries.push_back(ToHistoryEntry(body, record.hash()));
  }
  return entries;
}

absl::StatusOr<InstancePage> Reader::List(const ListInstancesRequest& request) {
  WF_ASSIGN_OR_RETURN(std::string business_key,
                      CheckKeyText(request.business_key, "business_key", 256));
  WF_ASSIGN_OR_RETURN(Scan scan, ChooseScan(request, business_key));
  WF_ASSIGN_OR_RETURN(const uint32_t page_size, PageSize(request.page_size));
  std::string start = scan.prefix;
  bool after_start = false;
  if (!request.page_token.empty()) {
    if (!Unseal("instances", request.page_token, &start) ||
        !absl::StartsWith(start, scan.prefix) || start == scan.prefix) {
      return BadDeadlineToken();
    }
    after_start = true;
  }
  // A page may come back short when filters skip many entries: the scan is
  // bounded, and the token says where to go on.
  const size_t scan_limit = static_cast<size_t>(page_size) * 10 + 100;
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  InstancePage page;
  std::string last_key;
  size_t scanned = 0;
  auto it = store_->NewPrefixIterator(scan.cf, scan.prefix);
  it->Seek(start);
  if (after_start && it->Valid() && it->key() == start) it->Next();
  for (; it->Valid() && it->key().starts_with(scan.prefix) &&
         page.instances.size() < page_size && scanned < scan_limit;
       it->Next()) {
    ++scanned;
    last_key = it->key().ToString();
    InstanceCache::Record shared;  // read through the index
    store::InstanceRecord parsed;  // read in the scan
    const store::InstanceRecord* record = &parsed;
    if (scan.via_index) {
      auto loaded =
          LoadShared(std::string(keys::IdFromIndexKey(View(it->key()))));
      if (!loaded.ok()) continue;
      shared = *std::move(loaded);
      record = shared.get();
    } else if (!parsed.ParseFromArray(it->value().data(),
                                      static_cast<int>(it->value().size()))) {
      continue;
    }
    if (!request.workflow.empty() && record->workflow() != request.workflow) {
      continue;
    }
    if (!request.state.empty() && record->state() != request.state) continue;
    if (!InUnit(*directory, *record, request.unit) ||
        !MayRead(request.actor, *directory, *record, now)) {
      continue;
    }
    page.instances.push_back(ToInfo(*record, request.with_variables));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing instances"));
  if (it->Valid() && it->key().starts_with(scan.prefix) && !last_key.empty()) {
    page.next_page_token = SealPageToken("instances", last_key);
  }
  return page;
}

absl::StatusOr<DeadlinePage> Reader::ListDeadlines(const DeadlineQuery& query,
                                                   absl::Time now) {
  if (!query.workflow.empty() && !IsIdentifier(query.workflow)) {
    return BadField("workflow",
                    absl::StrCat("Expected `workflow` to be a workflow name, "
                                 "but got '", query.workflow, "'"));
  }
  if (query.within_days > 3660) {
    return BadField("within_days",
                    absl::StrCat("Expected `within_days` of at most 3660 (ten "
                                 "years), but got ", query.within_days));
  }
  WF_ASSIGN_OR_RETURN(const uint32_t page_size, PageSize(query.page_size));
  if (query.late) return ListLate(query, now, page_size);
  // Coming ones come from the due-date index, in due order.
  std::string start;
  if (!query.page_token.empty() &&
      (!Unseal("deadlines", query.page_token, &start) ||
       start.empty())) {
    return BadDeadlineToken();
  }
  const absl::Time until = now + absl::Hours(24) * query.within_days;
  auto directory = directory_->Current();
  const size_t scan_limit = static_cast<size_t>(page_size) * 10 + 100;
  DeadlinePage page;
  std::string last_key;
  size_t scanned = 0;
  bool more = false;
  auto it = store_->NewIterator(Cf::kTimers);
  it->Seek(start);
  if (!query.page_token.empty() && it->Valid() && it->key() == start) it->Next();
  for (; it->Valid(); it->Next()) {
    if (page.deadlines.size() >= page_size || scanned >= scan_limit) {
      more = true;
      break;
    }
    ++scanned;
    last_key = it->key().ToString();
    DeadlineInfo d;
    store::TimerRecord timer;
    if (!timer.ParseFromString(it->value().ToString())) continue;
    d.due = absl::FromUnixMicros(timer.due_micros());
    if (d.due > until) break;
    if (timer.reminder()) continue;
    d.instance_id = timer.instance_id();
    d.clock = timer.name();
    d.event = timer.event();
    d.late = d.due <= now;
    if (FillDeadline(query, *directory, now, &d)) {
      page.deadlines.push_back(std::move(d));
    }
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing deadlines"));
  if (more && !last_key.empty()) {
    page.next_page_token = SealPageToken("deadlines", last_key);
  }
  return page;
}

// The late index is keyed by workflow, instance and clock, not by due time,
// so its keys under the prefix are read and sorted: it holds only documents
// whose deadline passed while their clock still runs (hundreds, not the
// millions of the due-date index), and a page costs one scan of it. A page
// token is be64(due) + the late key of the last one listed.
absl::StatusOr<DeadlinePage> Reader::ListLate(const DeadlineQuery& query,
                                              absl::Time now,
                                              uint32_t page_size) {
  const std::string prefix = keys::LatePrefix(query.workflow);
  std::string after;
  if (!query.page_token.empty() &&
      (!Unseal("late deadlines", query.page_token, &after) ||
       after.size() <= 8 ||
       !absl::StartsWith(absl::string_view(after).substr(8), prefix))) {
    return BadDeadlineToken();
  }
  std::vector<std::string> order;  // be64(due) + late key
  auto it = store_->NewPrefixIterator(Cf::kIndexes, prefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    if (it->value().size() != 8) continue;
    std::string entry = it->value().ToString() + it->key().ToString();
    if (entry > after) order.push_back(std::move(entry));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing late deadlines"));
  std::sort(order.begin(), order.end());
  auto directory = directory_->Current();
  const size_t scan_limit = static_cast<size_t>(page_size) * 10 + 100;
  DeadlinePage page;
  for (size_t i = 0; i < order.size(); ++i) {
    if (page.deadlines.size() >= page_size || i >= scan_limit) {
      page.next_page_token = SealPageToken("late deadlines", order[i - 1]);
      break;
    }
    DeadlineInfo d;
    std::string workflow;
    if (!keys::ParseLate(absl::string_view(order[i]).substr(8), &workflow,
                         &d.instance_id, &d.clock)) {
      continue;
    }
    d.due = absl::FromUnixMicros(
        static_cast<int64_t>(keys::ReadBigEndian64(order[i])));
    d.late = true;
    if (FillDeadline(query, *directory, now, &d)) {
      page.deadlines.push_back(std::move(d));
    }
  }
  return page;
}

// Completes `d` from its instance; false when the instance is gone or the
// query's workflow, unit or reader excludes it.
bool Reader::FillDeadline(const DeadlineQuery& query,
                          const DirectorySnapshot& directory, absl::Time now,
                          DeadlineInfo* d) {
  auto loaded = LoadShared(d->instance_id);
  if (!loaded.ok()) return false;
  const store::InstanceRecord* instance = loaded->get();
  if (!query.workflow.empty() && instance->workflow() != query.workflow) {
    return false;
  }
  if (!InUnit(directory, *instance, query.unit) ||
      !MayRead(query.actor, directory, *instance, now)) {
    return false;
  }
  InstanceInfo info = ToInfo(*instance, /*with_variables=*/false);
  d->workflow = info.workflow;
  d->business_key = info.business_key;
  d->state = info.state;
  d->state_title = info.state_title;
  d->unit = std::move(info.unit);
  d->unit_name = std::move(info.unit_name);
  d->title = std::move(info.title);
  return true;
}

namespace {

// Reads, through `it` (bounded to one unit's slots), each of `prefixes`
// from the position `after` on: at most a page and one per slot, into
// `merged` by suffix (due, since, id).
absl::Status ReadSlots(rocksdb::Iterator& it,
                       const std::set<std::string>& prefixes,
                       const std::string& after, uint32_t page_size,
                       std::map<std::string, keys::InboxEntry>* merged) {
  for (const std::string& prefix : prefixes) {
    size_t taken = 0;
    for (it.Seek(prefix + after);
         it.Valid() && it.key().starts_with(prefix) && taken <= page_size;
         it.Next()) {
      absl::string_view suffix = View(it.key()).substr(prefix.size());
      if (!after.empty() && suffix <= after) continue;
      std::optional<keys::InboxEntry> entry = keys::ParseInboxSuffix(suffix);
      if (!entry.has_value()) continue;
      merged->emplace(std::string(suffix), std::move(*entry));
      ++taken;
    }
    WF_RETURN_IF_ERROR(FromRocks(it.status(), "reading an inbox"));
  }
  return absl::OkStatus();
}

}  // namespace

// The caller's inbox: the instances listed under any (unit, role) they hold
// today (delegations included, and the "*" role of those units), merged in
// key order — deadline, then the time the instance got to its state. Each
// slot is read from the page token on, at most a page and one.
absl::StatusOr<InboxPage> Reader::Inbox(const Actor& actor,
                                        const InboxRequest& request) {
  WF_ASSIGN_OR_RETURN(const uint32_t page_size, PageSize(request.page_size));
  std::string after;
  if (!request.page_token.empty() &&
      !Unseal("inbox", request.page_token, &after)) {
    return BadField("page_token",
                    "Expected a page token from an earlier inbox answer of "
                    "this server (for the same person), but this one is not "
                    "one");
  }
  auto directory = directory_->Current();
  const absl::Time now = clock_->Now();
  const absl::CivilDay today = calendar::ToVietnamDay(now);
  const std::vector<org::HeldRole> roles =
      directory->directory.RolesOn(actor.id, today);
  // The slots by unit: one iterator reads every slot of a unit (they share
  // the unit's prefix), instead of one iterator per slot.
  std::map<std::string, std::set<std::string>> slots;
  for (const org::HeldRole& held : roles) {
    std::set<std::string>& of_unit = slots[keys::InboxUnit(held.unit_id)];
    of_unit.insert(access::SlotPrefix(held.unit_id, held.role));
    of_unit.insert(access::SlotPrefix(held.unit_id, "*"));
  }
  InboxPage page;
  // Taken before anything is read: a write that lands meanwhile leaves the
  // stamp behind (inbox_generations.h).
  page.stamp = StampOf(directory->version, today, slots);
  // suffix (due, since, id) -> its entry, across slots.
  std::map<std::string, keys::InboxEntry> merged;
  for (const auto& [unit_prefix, prefixes] : slots) {
    auto it = store_->NewPrefixIterator(Cf::kInbox, unit_prefix);
    WF_RETURN_IF_ERROR(ReadSlots(*it, prefixes, after, page_size, &merged));
  }
  std::set<std::string> seen;
  std::string last;
  for (const auto& [suffix, entry] : merged) {
    const std::string& id = entry.id;
    if (page.items.size() >= page_size) {
      page.next_page_token = SealPageToken("inbox", last);
      break;
    }
    last = suffix;
    if (!seen.insert(id).second) continue;
    auto loaded = LoadShared(id);
    if (!loaded.ok()) continue;
    const store::InstanceRecord* instance = loaded->get();
    auto def = registry_->Get(instance->workflow(), instance->workflow_version());
    if (!def.ok()) continue;
    InboxItem item;
    item.events = EventsFor(**def, *loaded, *directory, roles);
    if (item.events.empty()) continue;
    item.due = entry.due_micros == INT64_MAX
                   ? absl::InfiniteFuture()
                   : absl::FromUnixMicros(entry.due_micros);
    item.instance =
        ToInfo(*instance, request.with_variables, *directory, def->get());
    page.items.push_back(std::move(item));
  }
  return page;
}

InboxStamp Reader::StampOf(
    uint64_t directory_version, absl::CivilDay today,
    const std::map<std::string, std::set<std::string>>& slots) const {
  if (inbox_counts_ == nullptr) return {};
  InboxStamp stamp = inbox_counts_->Begin(directory_version, DayNumber(today));
  for (const auto& [unit, prefixes] : slots) {
    for (const std::string& prefix : prefixes) {
      inbox_counts_->Add(prefix, &stamp);
    }
  }
  return stamp;
}

bool Reader::InboxCurrent(const InboxStamp& stamp) const {
  if (inbox_counts_ == nullptr) return false;
  const int64_t today = DayNumber(calendar::ToVietnamDay(clock_->Now()));
  return inbox_counts_->Current(stamp, directory_->Current()->version, today);
}

}  // namespace wf
