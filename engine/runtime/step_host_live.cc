// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/step_host_live.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/documents/issuance.h"
#include "engine/runtime/org_units.h"
#include "engine/runtime/refusals.h"
#include "engine/store/keys.h"
#include "engine/util/status_macros.h"
#include "engine/util/refusal.h"
#include "engine/util/text.h"

namespace wf {
namespace {

constexpr size_t kMaxNameBytes = 200;
// As the reason of CancelInstance (request_checks.cc).
constexpr size_t kMaxCancelReasonBytes = 1024;

}  // namespace

absl::StatusOr<std::vector<store::InstanceRecord>> RunningBelow(
    const std::string& root, size_t limit, const ChildIdsFn& child_ids,
    const std::function<absl::StatusOr<std::optional<store::InstanceRecord>>(
        const std::string&)>& read) {
  std::vector<store::InstanceRecord> running;
  std::vector<std::string> parents = {root};
  size_t walked = 0;
  while (!parents.empty()) {
    WF_ASSIGN_OR_RETURN(std::vector<std::string> children,
                        child_ids(parents.back()));
    parents.pop_back();
    for (std::string& child : children) {
      if (++walked > limit) return refusals::TooManyDescendants(root, limit);
      WF_ASSIGN_OR_RETURN(std::optional<store::InstanceRecord> record,
                          read(child));
      if (!record.has_value()) continue;
      if (!record->finished()) running.push_back(*std::move(record));
      parents.push_back(std::move(child));
    }
  }
  return running;
}

absl::Status CheckSharedName(const std::string& call,
                             const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ctx.", call, " to get a name of 1 to ", kMaxNameBytes,
        " bytes, but it got ", name.size()));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expected ctx.", call, " to get a name without control ",
          "characters, but '", name, "' has one"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<store::SharedRecord> SharedTake::ReadShared(
    const std::string& key, uint64_t* version) const {
  WF_ASSIGN_OR_RETURN(Versioned read, store_->Read(Cf::kShared, key));
  store::SharedRecord record;
  if (read.value.has_value() && !record.ParseFromString(*read.value)) {
    return absl::DataLossError("A stored shared record does not parse");
  }
  *version = read.version;
  return record;
}

// The first take of a register in a step reads it; the commit holds only
// if no one else took a number since (else the step runs again).
absl::StatusOr<int64_t> SharedTake::TakeCounter(const std::string& key) {
  auto it = numbers_.find(key);
  if (it == numbers_.end()) {
    Counter c;
    WF_ASSIGN_OR_RETURN(store::SharedRecord record,
                        ReadShared(key, &c.read_version));
    c.count = record.count();
    it = numbers_.emplace(key, c).first;
  }
  return ++it->second.count;
}

absl::StatusOr<int64_t> SharedTake::TakeNumber(const std::string& name) {
  return TakeCounter(keys::Counter(name));
}

absl::StatusOr<int64_t> SharedTake::TakeRegisterNumber(
    const std::string& register_key, int year) {
  return TakeCounter(keys::RegisterCounter(register_key, year));
}

// Places are taken without reading each other: the commit adds this step's
// places to whatever the count is then, on condition that it stays within
// the limit (Txn::Add). Counts only grow, so a quota seen full stays full.
absl::StatusOr<bool> SharedTake::TakePlace(const std::string& name,
                                           int64_t limit, int64_t* seen) {
  const std::string key = keys::Counter(name);
  uint64_t version = 0;
  WF_ASSIGN_OR_RETURN(store::SharedRecord record, ReadShared(key, &version));
  *seen = record.count();
  auto it = places_.find(key);
  const int64_t mine = it == places_.end() ? 0 : it->second.taken;
  if (record.count() + mine >= limit) return false;
  if (it == places_.end()) it = places_.emplace(key, Places{}).first;
  Places& p = it->second;
  p.limit = std::min(p.limit, limit);
  p.taken++;
  return true;
}

absl::Status SharedTake::GivePlace(const std::string& name) {
  const std::string key = keys::Counter(name);
  uint64_t version = 0;
  WF_ASSIGN_OR_RETURN(store::SharedRecord record, ReadShared(key, &version));
  Places& p = places_[key];
  // The count only moves by steps that commit: giving back more than is
  // taken now would make room beyond the limit.
  if (record.count() + p.taken - p.given <= 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ctx.give_place('", name, "'): no place of this quota is taken, so "
        "none can be given back"));
  }
  p.given++;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SharedTake::CancelChildren(const std::string& parent,
                                                   std::string reason) {
  if (cancel_below_.has_value()) {
    return absl::FailedPreconditionError(
        "Expected ctx.cancel_children once in a step, but it was called again");
  }
  if (child_ids_ == nullptr) {
    return absl::FailedPreconditionError(
        "ctx.cancel_children is not available in this step");
  }
  if (!fires_.empty()) {
    return absl::FailedPreconditionError(
        "Expected ctx.cancel_children and ctx.fire in different steps: a "
        "document fired could be one the cancel takes");
  }
  WF_ASSIGN_OR_RETURN(
      std::vector<store::InstanceRecord> running,
      RunningBelow(parent, limits_.max_children_per_step, child_ids_,
                   [this](const std::string& id) { return ReadInstance(id); }));
  const auto count = static_cast<int64_t>(running.size());
  cancel_below_ = CancelBelow{std::move(reason), std::move(running)};
  return count;
}

absl::Status SharedTake::Fire(FireAsked request, const std::string& own_id) {
  if (request.instance_id == own_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected ctx.fire to name another document, but '", own_id,
        "' is the step's own: its next event is a step of its own"));
  }
  if (cancel_below_.has_value()) {
    return absl::FailedPreconditionError(
        "Expected ctx.cancel_children and ctx.fire in different steps: a "
        "document fired could be one the cancel takes");
  }
  for (const FireAsked& fired : fires_) {
    if (fired.instance_id == request.instance_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Expected one ctx.fire per document in a step, but '",
          request.instance_id, "' was fired already ('", fired.event, "')"));
    }
  }
  if (fires_.size() >= limits_.max_children_per_step) {
    return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                       "Expected at most ", limits_.max_children_per_step,
                       " documents fired in one step (ctx.fire)")),
                   reason::kBudgetExceeded)
        .With("budget", "documents_fired_per_step")
        .With("limit", limits_.max_children_per_step);
  }
  fires_.push_back(std::move(request));
  return absl::OkStatus();
}

absl::StatusOr<std::string> SharedTake::Claim(const std::string& name,
                                              const std::string& holder) {
  const std::string key = keys::Claim(name);
  auto mine = claims_.find(key);
  if (mine != claims_.end()) {
    // Released earlier in this step: free again, for whoever claims it.
    if (mine->second.holder.empty()) mine->second.holder = holder;
    return mine->second.holder == holder ? "" : mine->second.holder;
  }
  uint64_t version = 0;
  WF_ASSIGN_OR_RETURN(store::SharedRecord record, ReadShared(key, &version));
  txn_.ExpectAt(Cf::kShared, key, version);
  // A record without a holder was released (its holder was cancelled).
  if (!record.holder().empty()) {
    return record.holder() == holder ? std::string() : record.holder();
  }
  claims_[key] = {holder, version};
  return std::string();
}

absl::StatusOr<bool> SharedTake::Release(const std::string& name,
                                         const std::string& holder) {
  const std::string key = keys::Claim(name);
  auto mine = claims_.find(key);
  if (mine != claims_.end()) {
    if (mine->second.holder != holder) return false;
    mine->second.holder.clear();
    return true;
  }
  uint64_t version = 0;
  WF_ASSIGN_OR_RETURN(store::SharedRecord record, ReadShared(key, &version));
  // The holder read must still hold it when the step commits: a cancel
  // releasing it meanwhile makes the step run again.
  txn_.ExpectAt(Cf::kShared, key, version);
  if (record.holder() != holder) return false;
  claims_[key] = {"", version};
  return true;
}

absl::StatusOr<std::optional<store::InstanceRecord>> SharedTake::ReadInstance(
    const std::string& id) {
  WF_ASSIGN_OR_RETURN(Versioned read, store_->Read(Cf::kInstances,
                                                   keys::Instance(id)));
  txn_.ExpectAt(Cf::kInstances, keys::Instance(id), read.version);
  if (!read.value.has_value()) return std::nullopt;
  store::InstanceRecord record;
  if (!record.ParseFromString(*read.value)) {
    return absl::DataLossError(
        absl::StrCat("Stored instance '", id, "' does not parse"));
  }
  return record;
}

absl::StatusOr<Json> SharedTake::Instance(const std::string& id) {
  WF_ASSIGN_OR_RETURN(auto record, ReadInstance(id));
  if (!record.has_value()) return Json(nullptr);
  WF_ASSIGN_OR_RETURN(Json vars, ParseStoredJson(record->variables_json()));
  return Json{{"id", record->id()},
              {"workflow", record->workflow()},
              {"state", record->state()},
              {"version", record->version()},
              {"finished", record->finished()},
              {"unit", record->unit_id()},
              {"parent", record->parent_id()},
              {"vars", std::move(vars)}};
}

absl::StatusOr<Json> SharedTake::Find(const std::string& workflow,
                                      const std::string& business_key) {
  if (business_key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ctx.find('", workflow, "', business_key): the business key is empty"));
  }
  const std::string key = keys::BusinessKeyClaim(workflow, business_key);
  uint64_t version = 0;
  WF_ASSIGN_OR_RETURN(store::SharedRecord record, ReadShared(key, &version));
  txn_.ExpectAt(Cf::kShared, key, version);
  if (record.holder().empty()) return Json(nullptr);
  return Instance(record.holder());
}

namespace {

// Late: a deadline of the child passed while it was still waiting.
bool Late(const store::InstanceRecord& child) {
  for (const auto& clock : child.clocks()) {
    if (clock.expired()) return true;
  }
  return false;
}

}  // namespace

// What a standing agency asks of a plan: how many units submitted, were
// returned, are late, and which.
absl::StatusOr<Json> SharedTake::Children(const std::string& parent) {
  if (!child_ids_) return absl::InternalError("No child index to read");
  WF_ASSIGN_OR_RETURN(std::vector<std::string> ids, child_ids_(parent));
  Json by_state = Json::object();
  Json list = Json::array();
  int64_t late = 0;
  for (const std::string& id : ids) {
    WF_ASSIGN_OR_RETURN(auto child, ReadInstance(id));
    if (!child.has_value()) continue;
    const bool is_late = Late(*child);
    late += is_late ? 1 : 0;
    by_state[child->state()] = by_state.value(child->state(), 0) + 1;
    list.push_back({{"id", id},
                    {"workflow", child->workflow()},
                    {"unit", child->unit_id()},
                    {"business_key", child->business_key()},
                    {"state", child->state()},
                    {"finished", child->finished()},
                    {"late", is_late}});
  }
  return Json{{"total", list.size()},
              {"by_state", std::move(by_state)},
              {"late", late},
              {"list", std::move(list)}};
}

absl::StatusOr<Json> SharedTake::Units(const Json& query) const {
  static const DirectorySnapshot* const kEmpty = new DirectorySnapshot();
  return QueryUnits((directory_ != nullptr ? directory_ : kEmpty)->tree, query);
}

absl::StatusOr<std::string> SharedTake::StartChild(ChildRequest child) {
  if (children_.size() >= limits_.max_children_per_step) {
    return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                       "Expected a step to start at most ",
                       limits_.max_children_per_step,
                       " child instances, but its script asked for more")),
                   reason::kBudgetExceeded)
        .With("budget", "children_per_step")
        .With("limit", limits_.max_children_per_step);
  }
  child.id = new_id_();
  children_.push_back(std::move(child));
  return children_.back().id;
}

// Each child's claim is checked against the store alone: two children of
// one step claiming the same key would both find it free, and their one
// transaction would write it twice.
std::string SharedTake::FirstInStep(const std::string& key,
                                    const std::string& id) {
  auto [it, added] = first_in_step_.emplace(key, id);
  return added ? std::string() : it->second;
}

absl::Status SharedTake::CountCall() {
  if (++calls_ <= limits_.max_host_calls_per_step) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "Expected a step to take at most ", limits_.max_host_calls_per_step,
      " values from outside its script (ctx.take_number, ctx.take_place, ",
      "ctx.give_place, ",
      "ctx.claim, ctx.start, ctx.read_instance, ctx.find, ctx.children, ",
      "ctx.units, ",
      "ctx.document.issue), but its script asked for ",
      "more"));
}

Txn SharedTake::Finish() {
  Txn txn = std::move(txn_);
  for (const auto& [key, c] : numbers_) {
    txn.ExpectAt(Cf::kShared, key, c.read_version);
    store::SharedRecord record;
    record.set_version(c.read_version + 1);
    record.set_count(c.count);
    txn.writes().Put(Cf::kShared, key, record.SerializeAsString());
  }
  for (const auto& [key, p] : places_) {
    // The count before this step's places must leave room for all of them.
    if (p.taken > 0) txn.ExpectBelow(key, p.limit - p.taken + 1);
    txn.Add(key, p.taken - p.given);
  }
  for (const auto& [key, claim] : claims_) {
    store::SharedRecord record;
    record.set_version(claim.read_version + 1);
    record.set_holder(claim.holder);
    txn.writes().Put(Cf::kShared, key, record.SerializeAsString());
  }
  numbers_.clear();
  places_.clear();
  claims_.clear();
  return txn;
}

absl::StatusOr<Json> LiveHost::Dispatch(const std::string& call,
                                        const std::string& key,
                                        const Json& args, Json* detail) {
  if (call == "read_instance") return take_->Instance(key);
  if (call == "find") {
    return take_->Find(key, args.value("business_key", std::string()));
  }
  if (call == "children") return take_->Children(instance_id_);
  if (call == "cancel_children") return CancelChildren(key);
  if (call == "fire") {
    if (!may_start_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Expected ctx.fire('", key, "') in a step of its own: a child's "
          "start function, or a step another document fired, cannot fire "
          "further"));
    }
    FireAsked request{key, args.value("event", ""),
                        args.value("payload", Json::object())};
    *detail = Json{{"event", request.event}};
    WF_RETURN_IF_ERROR(take_->Fire(std::move(request), instance_id_));
    return Json(true);
  }
  if (call == "units") return take_->Units(args);
  if (call == "issue") {
    WF_RETURN_IF_ERROR(documents::CheckIssuable(args, key, instance_id_));
    WF_RETURN_IF_ERROR(CheckSharedName("document.issue's register", key));
    const absl::Time at =
        absl::FromUnixMicros(args.value("at_micros", int64_t{0}));
    const int year = documents::IssueYear(at);
    WF_ASSIGN_OR_RETURN(int64_t number, take_->TakeRegisterNumber(key, year));
    return documents::IssueAnswer(key, year, number, args, at);
  }
  if (call == "start") {
    if (!may_start_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Expected ctx.start('", key, "') in a step of its own: a child's ",
          "start function cannot start children in its parent's step"));
    }
    ChildRequest child;
    child.workflow = key;
    child.vars = args.value("vars", Json::object());
    child.business_key = args.value("business_key", "");
    child.unit = args.value("unit", "");
    WF_ASSIGN_OR_RETURN(std::string id, take_->StartChild(std::move(child)));
    return Json(id);
  }
  WF_RETURN_IF_ERROR(CheckSharedName(call, key));
  if (call == "take_number") {
    WF_ASSIGN_OR_RETURN(int64_t n, take_->TakeNumber(key));
    return Json(n);
  }
  if (call == "take_place") {
    int64_t seen = 0;
    WF_ASSIGN_OR_RETURN(
        bool ok, take_->TakePlace(key, args.value("limit", int64_t{0}), &seen));
    *detail = Json{{"seen", seen}};
    return Json(ok);
  }
  if (call == "give_place") {
    WF_RETURN_IF_ERROR(take_->GivePlace(key));
    return Json(true);
  }
  if (call == "claim") {
    WF_ASSIGN_OR_RETURN(std::string holder, take_->Claim(key, instance_id_));
    return holder.empty() ? Json(true) : Json(holder);
  }
  if (call == "release") {
    WF_ASSIGN_OR_RETURN(bool released, take_->Release(key, instance_id_));
    return Json(released);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("ctx.", call, " is not a host function"));
}

absl::StatusOr<Json> LiveHost::CancelChildren(const std::string& reason) {
  if (!may_start_) {
    return absl::FailedPreconditionError(
        "Expected ctx.cancel_children in a step of its own: a child's start "
        "function has no documents below it");
  }
  if (reason.empty() || reason.size() > kMaxCancelReasonBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ctx.cancel_children to get a reason of 1 to ",
        kMaxCancelReasonBytes, " bytes (it is recorded in each document's ",
        "history), but it got ", reason.size()));
  }
  for (unsigned char c : reason) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          "Expected ctx.cancel_children's reason without control characters");
    }
  }
  WF_ASSIGN_OR_RETURN(std::string nfc,
                      ToNfc(reason, "ctx.cancel_children's reason"));
  WF_ASSIGN_OR_RETURN(int64_t count,
                      take_->CancelChildren(instance_id_, std::move(nfc)));
  return Json(count);
}

absl::StatusOr<Json> LiveHost::Call(const std::string& call,
                                    const std::string& key, const Json& args) {
  Json detail;
  absl::Status counted = take_->CountCall();
  absl::StatusOr<Json> result =
      counted.ok() ? Dispatch(call, key, args, &detail) : counted;
  if (!result.ok()) {
    if (error_.ok()) error_ = result.status();
    return result;
  }
  store::ExternalValue& v = externals_.emplace_back();
  v.set_call(call);
  v.set_key(key);
  v.set_value_json(DumpJson(*result));
  if (!detail.is_null()) v.set_detail_json(DumpJson(detail));
  return result;
}

}  // namespace wf
