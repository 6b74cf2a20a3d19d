// Copyright the wf-engine authors. Apache-2.0.
//
// One deployed version of a workflow: its checked declarations, indexes for
// the transition path, and the pool of loaded scripts that run its guards and
// actions. Immutable once built; shared between threads.
#ifndef WF_RUNTIME_DEFINITION_H_
#define WF_RUNTIME_DEFINITION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/auth/access.h"
#include "engine/lua/script_pool.h"
#include "engine/lua/workflow_spec.h"
#include "engine/store/records.pb.h"
#include "wf/types.h"

namespace wf {

// Checks what a workflow file declared: every problem, each with its file
// and line. Empty means valid.
std::vector<std::string> ValidateSpec(const WorkflowSpec& spec,
                                      const std::string& file_name);

// The library modules a definition record pinned, as require() takes them.
std::shared_ptr<const LuaLibraries> PinnedLibraries(
    const store::DefinitionRecord& record);

class Definition {
 public:
  // Builds a definition from a stored record and the script already loaded
  // from its source (which joins the pool).
  Definition(store::DefinitionRecord record,
             std::unique_ptr<WorkflowScript> first_script,
             const SandboxOptions& limits);

  const std::string& name() const { return record_.name(); }
  uint32_t version() const { return record_.version(); }
  const store::DefinitionRecord& record() const { return record_; }
  const WorkflowSpec& spec() const { return spec_; }

  // nullptr if the workflow has no such state.
  const StateSpec* FindState(const std::string& name) const;
  // The index of a state in spec().states, or -1.
  int StateIndex(const std::string& name) const;
  // The transition for `event` from `state`, or -1.
  int FindTransition(const std::string& state, const std::string& event) const;
  bool HasEvent(const std::string& event) const;
  // The events that can be fired from `state`, in declaration order.
  std::vector<std::string> EventsFrom(const std::string& state) const;
  // "title" of a state or transition, falling back to its name.
  std::string StateTitle(const std::string& state) const;

  ScriptPool& scripts() const { return *scripts_; }

  // Who may fire transition `t` (its own `who`, or the workflow's default),
  // and who may start a document.
  const access::CompiledWho& WhoOf(int t) const { return who_[t]; }
  const access::CompiledWho& StartedBy() const { return started_by_; }
  // The `who` of every transition leaving `state` (for inbox slots).
  std::vector<const access::CompiledWho*> WhoFrom(const std::string& state) const;

  // The public description; with_source adds the Lua text.
  WorkflowInfo Info(bool with_source) const;

 private:
  store::DefinitionRecord record_;
  WorkflowSpec spec_;
  absl::flat_hash_map<std::string, int> states_;
  // state \0 event -> transition index
  absl::flat_hash_map<std::string, int> transitions_;
  std::unique_ptr<ScriptPool> scripts_;
  std::vector<access::CompiledWho> who_;  // parallel to spec_.transitions
  access::CompiledWho started_by_;
};

}  // namespace wf

#endif  // WF_RUNTIME_DEFINITION_H_
