// Copyright the wf-engine authors. Apache-2.0.
//
// Loaded workflow scripts are pooled: a fresh Lua state with a workflow file
// costs about a hundred microseconds, a call on a warm one well under ten.
// A lease hands one script to one caller and returns it on destruction.
//
// Each state is capped (SandboxOptions::memory_bytes, 64 MiB by default), but
// a pool keeps up to max_idle states per workflow version, and a state keeps
// the garbage of its last call until Lua collects it: after memory-hungry
// scripts the pools of a few workflows held ~420 MB. So every pool charges
// the bytes its idle states hold to one IdleBudget shared by the process
// (256 MiB by default); a returned state that does not fit is closed
// instead of pooled, and so is one whose call was stopped at a limit.
//
//   ScriptPool pool(source, "phe_duyet.lua", limits, /*max_idle=*/4);
//   auto script = pool.Acquire();       // warm, or loaded now
//   if (!script.ok()) return script.status();
//   auto result = (*script)->RunGuard(0, input);
//   // the lease returns the script when it goes out of scope
#ifndef WF_LUA_SCRIPT_POOL_H_
#define WF_LUA_SCRIPT_POOL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/lua/workflow_script.h"

namespace wf {

// The memory idle pooled Lua states may hold together. Thread-safe.
class IdleBudget {
 public:
  static constexpr size_t kDefaultBytes = size_t{256} << 20;

  explicit IdleBudget(size_t limit_bytes) : limit_(limit_bytes) {}
  // The budget every pool shares unless given another: kDefaultBytes.
  static IdleBudget* Process();

  // Charges `bytes` if they fit under the limit; false (and nothing
  // charged) if not.
  bool TryCharge(size_t bytes);
  void Release(size_t bytes);
  size_t used() const;
  size_t limit() const;
  void set_limit(size_t limit_bytes);

 private:
  mutable absl::Mutex mu_;
  size_t used_ ABSL_GUARDED_BY(mu_) = 0;
  size_t limit_ ABSL_GUARDED_BY(mu_);
};

class ScriptPool {
 public:
  class Lease {
   public:
    Lease(ScriptPool* pool, std::unique_ptr<WorkflowScript> script)
        : pool_(pool), script_(std::move(script)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (script_) pool_->Return(std::move(script_));
    }
    WorkflowScript* operator->() { return script_.get(); }
    WorkflowScript& operator*() { return *script_; }

   private:
    ScriptPool* pool_;
    std::unique_ptr<WorkflowScript> script_;
  };

  // `budget` is not owned and must outlive the pool; nullptr means
  // IdleBudget::Process().
  // `libraries`: the modules the workflow's require() may load (the ones
  // its definition pinned); null: none.
  ScriptPool(std::string source, std::string file_name, SandboxOptions limits,
             size_t max_idle, IdleBudget* budget = nullptr,
             std::shared_ptr<const LuaLibraries> libraries = nullptr)
      : source_(std::move(source)),
        file_name_(std::move(file_name)),
        limits_(limits),
        max_idle_(max_idle),
        budget_(budget != nullptr ? budget : IdleBudget::Process()),
        libraries_(std::move(libraries)) {}
  ~ScriptPool();

  // A warm script, or a newly loaded one.
  absl::StatusOr<Lease> Acquire();
  // Seeds the pool with a script already loaded (the one deploy validated).
  void Add(std::unique_ptr<WorkflowScript> script);
  size_t idle() const;
  // Bytes the idle scripts hold (what they are charged to the budget).
  size_t idle_bytes() const;

 private:
  struct Idle {
    std::unique_ptr<WorkflowScript> script;
    size_t bytes;
  };

  // Pools `script`, or closes it: when its last call was stopped at a limit,
  // when it holds more than half its cap, when max_idle are already pooled,
  // or when it does not fit in the budget.
  void Return(std::unique_ptr<WorkflowScript> script);

  const std::string source_;
  const std::string file_name_;
  const SandboxOptions limits_;
  const size_t max_idle_;
  IdleBudget* const budget_;
  const std::shared_ptr<const LuaLibraries> libraries_;
  mutable absl::Mutex mu_;
  std::vector<Idle> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wf

#endif  // WF_LUA_SCRIPT_POOL_H_
