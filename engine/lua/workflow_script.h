// Copyright the wf-engine authors. Apache-2.0.
//
// A workflow file loaded in one sandbox: the declarations it made and the
// guard, action and start functions it gave, ready to call. A file reads like
// a description of the process (docs/lua.md):
//
//   workflow "nop_ke_hoach" { title = "Nộp kế hoạch", initial = "du_thao" }
//   state "du_thao"   { title = "Dự thảo" }
//   state "da_nop"    { title = "Đã nộp", final = true }
//   transition "nop"  { from = "du_thao", to = "da_nop",
//                       guard = function(ctx) return ctx.vars.noi_dung ~= nil,
//                                                "Chưa có nội dung" end }
//
// Not thread-safe: one caller at a time (ScriptPool hands them out).
#ifndef WF_LUA_WORKFLOW_SCRIPT_H_
#define WF_LUA_WORKFLOW_SCRIPT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/lua/lazy_json.h"
#include "engine/lua/require_library.h"
#include "engine/lua/plugin_source.h"
#include "engine/lua/sandbox.h"
#include "engine/lua/step_host.h"
#include "engine/lua/workflow_spec.h"
#include "engine/util/json.h"

namespace wf {

// What a guard or action sees as `ctx`.
struct CallInput {
  const Json* vars = nullptr;
  // Null, or `vars` itself when the caller gives it up to an action or
  // start (it holds the only copy, which the step is about to replace): the
  // result is then made of it instead of a copy of it, and says what
  // changed (ActionResult::changes). It is left unspecified, even when the
  // call fails. Guards and deadline functions ignore it.
  Json* takeable_vars = nullptr;
  const Json* payload = nullptr;
  std::string event;
  std::string from;
  std::string to;
  std::string actor;
  // The person's name as the directory has it (ctx.actor.name): what a
  // signature block prints. Empty for a timer and for the embedder.
  std::string actor_name;
  // The capacity the access check matched (ctx.actor.role, .unit,
  // .unit_name, .acting_for): empty for a timer and for the embedder.
  std::string actor_role;
  std::string actor_unit;
  std::string actor_unit_name;
  std::string acting_for;
  std::string instance_id;
  std::string business_key;
  std::string instance_unit;  // the document's org unit (ctx.instance.unit)
  uint64_t instance_version = 0;
  absl::Time now;
  uint64_t random_seed = 0;
  // Set when a timer fires the event (ctx.timer in the script).
  std::string timer;
  absl::Time timer_due;
  // The document as ctx.document shows it (documents::ToLuaView); null:
  // an empty one. Not owned.
  const Json* document = nullptr;
  // Backs ctx.take_number and the other shared-record functions
  // (step_host.h) in start and action functions; without one they are
  // absent. Not owned.
  StepHost* host = nullptr;
  // ctx.files: {slot: latest version} (engine/documents/lua_files.h);
  // null: no files. Not owned.
  const Json* files = nullptr;
  // ctx.plugin: the pinned version of the document's province plugin;
  // null: ctx.plugin is nil (a workflow without `plugin = true`). Not owned.
  const PluginSource* plugin = nullptr;
};

class CallContext;

struct GuardResult {
  bool allowed = false;
  std::string reason;  // when refused
};

struct ActionResult {
  Json vars;                     // the variables after the action
  Json effects = Json::array();  // [{"kind": ..., "data": {...}}]
  // What ctx.document.set and .issue did: {"set": {...}, "issue": {...}};
  // null when the script did not touch the document.
  Json document;
  // What changed, when `vars` was made of CallInput::takeable_vars (which
  // is then gone to compare with); unset otherwise.
  std::optional<FieldChanges> changes;
};

class WorkflowScript {
 public:
  // Loads `source` in a new sandbox and reads its declarations. Fails only
  // when the file does not run (syntax or run-time error at the top level,
  // over budget); declaration problems are in spec().problems.
  // `libraries` are the modules require() may load (require_library.h);
  // null: none.
  static absl::StatusOr<std::unique_ptr<WorkflowScript>> Load(
      const std::string& source, const std::string& file_name,
      const SandboxOptions& limits,
      std::shared_ptr<const LuaLibraries> libraries = nullptr);

  const WorkflowSpec& spec() const { return spec_; }
  // The modules the file required while it loaded (directly or through
  // another module), in the order they began loading.
  const std::vector<std::string>& required_libraries() const {
    return require_.loaded;
  }

  // `transition` indexes spec().transitions. FAILED_PRECONDITION for a
  // script error, RESOURCE_EXHAUSTED for a budget.
  absl::StatusOr<GuardResult> RunGuard(int transition, const CallInput& in);
  absl::StatusOr<ActionResult> RunAction(int transition, const CallInput& in);
  // The workflow's `start` function.
  absl::StatusOr<ActionResult> RunStart(const CallInput& in);
  // The `date` function of state `state`'s deadline: the day the deadline
  // falls on, or nullopt when it returns nil (no deadline this time).
  absl::StatusOr<std::optional<absl::CivilDay>> RunDeadlineDate(
      int state, const CallInput& in);

  Sandbox* sandbox() { return sandbox_.get(); }

 private:
  struct Refs {
    int guard = LUA_NOREF;
    int action = LUA_NOREF;
  };

  WorkflowScript() = default;
  // `role` and `transition` name the function in messages (Describe).
  absl::StatusOr<ActionResult> RunActionRef(int ref, const CallInput& in,
                                            const char* role, int transition);
  // After an action, inside its Run body: what ctx.emit appended and what
  // ctx.document.set and .issue did, into *result. False with *error set
  // (and *too_large for a budget) if they do not convert.
  bool EffectsToJson(lua_State* L, const CallContext& ctx,
                     ActionResult* result, std::string* error,
                     bool* too_large) const;
  bool DocumentToJson(lua_State* L, const CallContext& ctx,
                      ActionResult* result, std::string* error,
                      bool* too_large) const;
  // An action or start that has no function: the variables as they were
  // (the input itself when the caller gave it up).
  static ActionResult Unchanged(const CallInput& in);
  // "The guard of transition 'duyet' (file.lua:12)": made only for a
  // message. A negative `transition`: the start function.
  std::string Describe(const char* role, int transition) const;
  // A FAILED_PRECONDITION of the script's own making (its error, a value it
  // returned that is not allowed) gets SCRIPT_FAILED and where it happened:
  // metadata workflow, function, event (or state), file, line. A refusal
  // that already has its reason is left as it is. `index`: the transition,
  // or for "deadline" the state; negative for the start function.
  absl::Status ScriptFailed(absl::Status status, const char* function,
                            int index) const;
  // An action or start the script ended with wf.refuse(reason): refused as
  // a guard refuses (GUARD_REFUSED, the reason as the official's message).
  absl::Status RefusedByScript(const char* function, int transition,
                               const CallInput& in) const;

  std::unique_ptr<Sandbox> sandbox_;
  std::string file_name_;
  std::shared_ptr<const LuaLibraries> libraries_;
  RequireState require_;
  WorkflowSpec spec_;
  std::vector<Refs> refs_;  // parallel to spec_.transitions
  std::vector<int> date_refs_;  // parallel to spec_.states
  int start_ref_ = LUA_NOREF;

  friend class Declarations;
};

}  // namespace wf

#endif  // WF_LUA_WORKFLOW_SCRIPT_H_
