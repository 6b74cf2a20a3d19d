// Copyright the wf-engine authors. Apache-2.0.
//
// One transition, as the transition path passes it from stage to stage
// (transition.h has the map):
//
//   Step        what was decided: the instance before, the event, the two
//               states, the script's outcome, who acts and when
//   StepPlan    what the instance, its history and its clocks become
//               (step_planner.h: pure, no store)
//   StepWrites  the puts and deletes that make it so, in one transaction
//               (step_writers.h: one writer per concern; engine/store/txn.h)
#ifndef WF_RUNTIME_STEP_H_
#define WF_RUNTIME_STEP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/auth/directory_store.h"
#include "engine/lua/workflow_script.h"
#include "engine/org/relations.h"
#include "engine/runtime/definition.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "engine/store/txn.h"
#include "engine/timers/clocks.h"
#include "engine/util/json.h"

namespace wf {

// One transition's outcome, ready to be planned and recorded.
struct Step {
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
  // Who asked for the step, as checked (ctx.fire checks it again on the
  // documents the step fires).
  Actor acting;
  std::string idempotency_key;
  std::string fingerprint;
  uint64_t random_seed = 0;
  const store::TimerRecord* timer = nullptr;  // the timer that fired it
  const DirectorySnapshot* directory = nullptr;
  std::optional<org::Grant> grant;  // the capacity of a checked actor
  // The `date` function of the target state's deadline, run on demand.
  std::function<absl::StatusOr<std::optional<absl::CivilDay>>()> deadline_date;
  // What the script took from outside itself (numbers, places, children),
  // in order: recorded in the history event for replay.
  std::vector<store::ExternalValue> externals;
  std::string calendar_version;  // of the calendar the clocks are computed on
  std::string parent_id;         // a child's start: who started it
  std::string fired_by;          // ctx.fire: the document whose step took it
  // A cancel: no script ran; the instance keeps its state, ends finished
  // and cancelled, and its clocks (so its timers and late entries) end.
  bool cancel = false;
  std::string cancel_reason;
  // The document as the script sees it (ctx.document), made from `before`.
  Json document_view;
  // An acknowledgement ("wf.acknowledge"): no script ran; the recipient
  // unit's lines record who received the document, and when.
  std::string acknowledge_unit;
  std::string acknowledge_name;  // the person's name, as the directory has it
  // An attach ("wf.attach"): no script ran; the state stays and the file
  // (its version already numbered) joins the slot. The planner sets its
  // event_seq.
  const store::AttachedFile* attached = nullptr;
  // ctx.files: the latest version of each slot before the step.
  Json files = Json::object();
  // ctx.plugin: the plugin version pinned on the document (before.plugin);
  // null for a workflow without `plugin = true`.
  std::shared_ptr<const PluginSource> plugin;
};

// What the step makes of the instance, before anything is written.
struct StepPlan {
  uint64_t seq = 0;  // the history event's number (the new version)
  std::string vars_json;
  std::vector<store::ClockRecord> clocks_before;
  std::vector<store::ClockRecord> clocks;
  std::vector<timers::PendingTimer> timers_before;
  std::vector<timers::PendingTimer> timers_after;
  // The inbox index keys the instance is listed under after the step.
  std::vector<std::string> inbox_keys;
  store::HistoryEventBody body;
  // body.changes_json, parsed: for the step's answer (HistoryEntry).
  std::shared_ptr<const Json> changes;
  store::HistoryEventRecord sealed;
  store::InstanceRecord after;
};

// Everything one step writes, and the earliest due time of the timers it
// adds (InfiniteFuture if none): the timer loop looks again if it is sooner.
struct StepWrites {
  Txn txn;
  absl::Time new_timer_due = absl::InfiniteFuture();
};

}  // namespace wf

#endif  // WF_RUNTIME_STEP_H_
