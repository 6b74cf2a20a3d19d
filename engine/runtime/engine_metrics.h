// Copyright the wf-engine authors. Apache-2.0.
//
// What the engine records into its Metrics (EngineOptions::metrics):
// transitions answered, by workflow, event and outcome; and, at collection
// time, the figures the store, the committer, the late list and the Lua
// sandboxes already keep. Kept out of the transition path itself: the
// engine counts a transition where it hands the answer back.
#ifndef WF_RUNTIME_ENGINE_METRICS_H_
#define WF_RUNTIME_ENGINE_METRICS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/metrics/metrics.h"
#include "engine/runtime/definition_registry.h"
#include "engine/store/committer.h"
#include "engine/store/store.h"

namespace wf {

class TransitionMetrics {
 public:
  // `metrics` may be null (nothing is counted).
  TransitionMetrics(Metrics* metrics, DefinitionRegistry* registry,
                    const Store* store)
      : metrics_(metrics), registry_(registry), store_(store) {}

  bool on() const { return metrics_ != nullptr; }

  // What a request named, for counting its refusal.
  struct Requested {
    std::string workflow;  // a start's
    std::string instance;  // an event's, a cancel's
    std::string event;
  };

  // An answered transition: `workflow` and `event` as the answer names
  // them when it succeeded. A refusal names what the engine knows: the
  // workflow the request named, or the refusal's metadata names, or the
  // instance's (read again: refusals are not the hot path), and the
  // requested event — each only when a deployed workflow declares it, so
  // that a client sending made-up names cannot grow the label set.
  void Count(const absl::Status& status, const std::string& workflow,
             const std::string& event, const Requested& requested);

 private:
  std::string WorkflowOf(const absl::Status& refusal,
                         const Requested& requested) const;

  Metrics* const metrics_;
  DefinitionRegistry* const registry_;
  const Store* const store_;
};

// The figures read at collection time.
void ReadStoreFigures(const Store& store, std::vector<Reading>* out);
void ReadCommitterFigures(const Committer& committer,
                          std::vector<Reading>* out);
void ReadSandboxFigures(std::vector<Reading>* out);
// Documents listed late now (a deadline passed, its clock running), by
// workflow: one scan of the late list, which holds only late documents.
void ReadLateDocuments(const Store& store, std::vector<Reading>* out);

}  // namespace wf

#endif  // WF_RUNTIME_ENGINE_METRICS_H_
