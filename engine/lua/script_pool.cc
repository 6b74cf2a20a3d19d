// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/script_pool.h"

#include <malloc.h>

// tcmalloc's C interface, when the program is linked with it (the server
// is): weak, so that nothing else needs it.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace wf {
namespace {

// Closing a state this large, or one stopped at a limit (its garbage was
// just collected), leaves that much memory free in the allocator, which
// keeps it (tcmalloc hands freed pages back to the system only slowly): give
// it back now, or the process stays as large as the worst attack it saw.
constexpr size_t kReleaseAfterClosing = size_t{8} << 20;

void ReleaseFreeMemory() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

}  // namespace

IdleBudget* IdleBudget::Process() {
  static IdleBudget* const budget = new IdleBudget(kDefaultBytes);
  return budget;
}

bool IdleBudget::TryCharge(size_t bytes) {
  absl::MutexLock lock(&mu_);
  if (bytes > limit_ || used_ > limit_ - bytes) return false;
  used_ += bytes;
  return true;
}

void IdleBudget::Release(size_t bytes) {
  absl::MutexLock lock(&mu_);
  used_ -= bytes;
}

size_t IdleBudget::used() const {
  absl::MutexLock lock(&mu_);
  return used_;
}

size_t IdleBudget::limit() const {
  absl::MutexLock lock(&mu_);
  return limit_;
}

void IdleBudget::set_limit(size_t limit_bytes) {
  absl::MutexLock lock(&mu_);
  limit_ = limit_bytes;
}

ScriptPool::~ScriptPool() {
  absl::MutexLock lock(&mu_);
  for (const Idle& idle : idle_) budget_->Release(idle.bytes);
}

absl::StatusOr<ScriptPool::Lease> ScriptPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      budget_->Release(idle.bytes);
      return Lease(this, std::move(idle.script));
    }
  }
  auto script = WorkflowScript::Load(source_, file_name_, limits_, libraries_);
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

size_t ScriptPool::idle_bytes() const {
  absl::MutexLock lock(&mu_);
  size_t bytes = 0;
  for (const Idle& idle : idle_) bytes += idle.bytes;
  return bytes;
}

void ScriptPool::Return(std::unique_ptr<WorkflowScript> script) {
  const size_t bytes = script->sandbox()->memory_used();
  // What an idle state costs the process, its kept free blocks included.
  const size_t held = script->sandbox()->memory_held();
  const bool stopped = script->sandbox()->last_run_aborted();
  // A state a script has filled with more than half its cap is not worth
  // keeping: the next caller would start near the limit. Nor is one whose
  // call was stopped at a limit: it was an attack or a bug.
  if (!stopped && bytes <= limits_.memory_bytes / 2) {
    absl::MutexLock lock(&mu_);
    if (idle_.size() < max_idle_ && budget_->TryCharge(held)) {
      idle_.push_back({std::move(script), held});
      return;
    }
  }
  script.reset();  // closes the Lua state, outside the lock
  if (stopped || bytes >= kReleaseAfterClosing) ReleaseFreeMemory();
}

}  // namespace wf
