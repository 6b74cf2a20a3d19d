// Copyright the wf-engine authors. Apache-2.0.
//
// Engine::GetProgress: a campaign's children by state. The counts come from
// the child summaries under the parent's child index (ChildSummary in
// records.proto, rewritten by every step of a child): one prefix scan of
// small values, whatever the children's variables and documents hold, so a
// plan sent to every commune of the country (3,321 children) answers in a
// few milliseconds (docs/architecture.md "Progress of a campaign").
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/runtime/reader.h"
#include "engine/store/keys.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

// A child whose index key predates summaries: made from its record.
store::ChildSummary SummaryOf(const store::InstanceRecord& child) {
  store::ChildSummary summary;
  summary.set_workflow(child.workflow());
  summary.set_workflow_version(child.workflow_version());
  summary.set_state(child.state());
  summary.set_finished(child.finished());
  summary.set_unit_id(child.unit_id());
  summary.set_business_key(child.business_key());
  for (const store::ClockRecord& clock : child.clocks()) {
    if (clock.expired()) summary.set_late(true);
  }
  return summary;
}

// The states of a progress, in the order they are shown.
class StateTable {
 public:
  // Adds the states of `def` not there yet, in declaration order.
  void Declare(const Definition& def) {
    for (const StateSpec& spec : def.spec().states) {
      if (index_.contains(spec.name)) continue;
      StateProgress& state = Add(spec.name);
      state.title = def.StateTitle(spec.name);
      state.final = spec.final;
    }
  }

  // The entry of `state`; one titled by its name if no workflow declares it.
  StateProgress& Of(const std::string& state) {
    auto it = index_.find(state);
    if (it != index_.end()) return states_[it->second];
    StateProgress& added = Add(state);
    added.title = state;
    return added;
  }

  std::vector<StateProgress> Take() { return std::move(states_); }

 private:
  StateProgress& Add(const std::string& name) {
    index_[name] = states_.size();
    StateProgress& state = states_.emplace_back();
    state.state = name;
    return state;
  }

  std::vector<StateProgress> states_;
  absl::flat_hash_map<std::string, size_t> index_;
};

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, store::ChildSummary>>>
Reader::ChildSummaries(const std::string& parent, const std::string& workflow) {
  const std::string prefix = keys::ChildPrefix(parent);
  std::vector<std::pair<std::string, store::ChildSummary>> children;
  auto it = store_->NewPrefixIterator(Cf::kIndexes, prefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    std::string id(keys::IdFromIndexKey(View(it->key())));
    store::ChildSummary summary;
    if (it->value().empty()) {
      WF_ASSIGN_OR_RETURN(store::InstanceRecord child, LoadInstance(id));
      summary = SummaryOf(child);
    } else if (!summary.ParseFromArray(it->value().data(),
                                       static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("The summary of child '", id, "' does not parse"));
    }
    if (!workflow.empty() && summary.workflow() != workflow) continue;
    children.emplace_back(std::move(id), std::move(summary));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing children"));
  return children;
}

absl::StatusOr<ProgressInfo> Reader::Progress(const ProgressRequest& request) {
  WF_RETURN_IF_ERROR(LoadReadable(request.id, request.actor).status());
  WF_ASSIGN_OR_RETURN(auto children,
                      ChildSummaries(request.id, request.workflow));
  StateTable states;
  // Declaration order: the workflows' states as their children meet them.
  std::set<std::pair<std::string, uint32_t>> declared;
  for (const auto& [id, child] : children) {
    if (!declared.emplace(child.workflow(), child.workflow_version()).second) {
      continue;
    }
    auto def = registry_->Get(child.workflow(), child.workflow_version());
    if (def.ok()) states.Declare(**def);
  }
  if (children.empty() && !request.workflow.empty()) {
    auto def = registry_->Latest(request.workflow);
    if (def.ok()) states.Declare(**def);
  }
  const auto directory = directory_->Current();
  ProgressInfo info;
  info.parent_id = request.id;
  for (auto& [id, child] : children) {
    StateProgress& state = states.Of(child.state());
    ++state.count;
    ++info.total;
    if (child.late()) ++info.late_count;
    if (!request.with_units) continue;
    ProgressUnit unit{id,           child.unit_id(), child.unit_name(),
                      child.state(), child.late(),   child.finished(),
                      child.business_key()};
    if (unit.unit_name.empty()) {
      if (const org::OrgUnit* u = directory->tree.Find(unit.unit)) {
        unit.unit_name = u->name;
      }
    }
    if (unit.late) info.late.push_back(unit);
    state.units.push_back(std::move(unit));
  }
  info.states = states.Take();
  return info;
}

}  // namespace wf
