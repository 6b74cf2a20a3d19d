// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/script_pool.h"

namespace wf {

absl::StatusOr<ScriptPool::Lease> ScriptPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<WorkflowScript> script = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(script));
    }
  }
  auto script = WorkflowScript::Load(source_, file_name_, limits_);
  if (!script.ok()) return script.status();
  return Lease(this, std::move(*script));
}

void ScriptPool::Add(std::unique_ptr<WorkflowScript> script) {
  Return(std::move(script));
}

size_t ScriptPool::idle() const {
  absl::MutexLock lock(&mu_);
  return idle_.size();
}

void ScriptPool::Return(std::unique_ptr<WorkflowScript> script) {
  // A state a script has filled with more than half its cap is not worth
  // keeping: the next caller would start near the limit.
  if (script->sandbox()->memory_used() > limits_.memory_bytes / 2) return;
  absl::MutexLock lock(&mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(script));
}

}  // namespace wf
