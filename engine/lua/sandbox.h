// Copyright the wf-engine authors. Apache-2.0.
//
// One sandboxed Lua 5.4 state. What a workflow script can reach is chosen
// here, in one place (like Lua's own linit.c):
//   - base functions without load, loadstring, dofile, loadfile, require
//     (a workflow file gets the engine's own: require_library.h),
//     collectgarbage; string without string.dump; table; math without
//     math.randomseed (math.random is seeded per call: SeedRandom); utf8;
//     and the engine's `wf` library.
//   - no io, os, package, debug, coroutine.
//   - `pairs` visits keys in sorted order, so a script gives the same result
//     on every run (Lua's own hash order changes from one state to the next).
//   - the string metatable and the standard library tables are read-only.
//   - only text chunks load; bytecode is refused.
// Every call runs under an instruction budget (a count hook, and Charge for
// the work library functions do in C: lua_patterns.h, metered_library.h),
// a wall-clock limit, and the state under a memory cap (the allocator). A
// script that exceeds any of them is stopped — catching the error with
// pcall does not help: once over, every further instruction raises again —
// and the call reports RESOURCE_EXHAUSTED.
#ifndef WF_LUA_SANDBOX_H_
#define WF_LUA_SANDBOX_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <lua.hpp>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/lua/small_blocks.h"

namespace wf {

namespace calendar {
class WorkCalendar;
}

struct SandboxOptions {
  uint64_t instructions_per_call = 2'000'000;
  uint64_t instructions_per_load = 20'000'000;
  size_t memory_bytes = 64 << 20;
  // Wall-clock limits, a backstop for work the instruction count does not
  // see: one instruction can compare two long strings. A call that uses its
  // whole instruction budget takes tens of milliseconds (library functions
  // included: they charge their work, engine/lua/metering.h).
  absl::Duration time_per_call = absl::Seconds(1);
  absl::Duration time_per_load = absl::Seconds(10);
  // What one call may hand back as JSON: the variables, and the effects
  // (each on its own). Converting stops there.
  size_t max_output_bytes = 1 << 20;
  // The working-day calendar behind wf.add_workdays and the deadlines; not
  // owned. nullptr: the computed default (no official tables).
  const calendar::WorkCalendar* calendar = nullptr;
};

// Calls stopped at a limit since the process started, by limit: read by
// the engine's metrics when they are collected. Process-wide, like the
// idle-memory budget of the script pools.
struct SandboxRefusals {
  uint64_t instructions = 0;
  uint64_t memory = 0;
  uint64_t time = 0;
};
SandboxRefusals SandboxRefusalCounts();

class Sandbox {
 public:
  // Creates a state with the safe libraries. RESOURCE_EXHAUSTED if the
  // memory cap is too small for Lua and its libraries; INTERNAL if setting
  // up the libraries fails otherwise.
  static absl::StatusOr<std::unique_ptr<Sandbox>> Create(
      const SandboxOptions& limits);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  lua_State* state() { return L_; }
  const SandboxOptions& limits() const { return limits_; }

  // Runs `body` inside a protected call under `instruction_budget`. `body`
  // may raise Lua errors (they unwind as C++ exceptions, destructors run);
  // it must not throw anything else. Returns:
  //   OK                   body finished;
  //   RESOURCE_EXHAUSTED   the budget, the time limit or the memory cap
  //                        was exceeded;
  //   `error_code`         a Lua error, with its message ("file.lua:12: ...").
  // `what` starts every message ("The guard of transition 'duyet'").
  absl::Status Run(uint64_t instruction_budget,
                   const std::function<void(lua_State*)>& body,
                   absl::StatusCode error_code, absl::string_view what);
  // The same, with the text that starts every message made only when a
  // message is: a guard or action runs thousands of times for each failure.
  absl::Status Run(uint64_t instruction_budget,
                   const std::function<void(lua_State*)>& body,
                   absl::StatusCode error_code,
                   absl::FunctionRef<std::string()> describe);

  // Loads and runs a text chunk (never bytecode) named `chunk_name`, so that
  // errors read "chunk_name:line: message", under the load's budget and
  // time limit. A syntax error is reported with `error_code` too.
  absl::Status RunChunk(absl::string_view source, absl::string_view chunk_name,
                        absl::StatusCode error_code, absl::string_view what);

  // Makes the global table read-only: called once a workflow file is loaded,
  // so guards and actions cannot leave traces for later calls.
  void FreezeGlobals();

  // Charges `instructions` to the running call for work done in C, where
  // the count hook does not fire (library functions: see WorkMeter in
  // metering.h). Raises the budget error, a Lua error, once the budget or
  // the time is spent. Only inside a Run body.
  static void Charge(lua_State* L, uint64_t instructions);

  // The memory cap of the state running `L`, in bytes.
  static size_t MemoryCap(lua_State* L);

  // Links the Lua value at address `value` (lua_topointer) to `data` until
  // the current Run ends: how a value made for one call (a lazy table,
  // lazy_table.h) finds the C++ object behind it, which lives only as long
  // as the call. Only inside a Run body.
  static void Link(lua_State* L, const void* value, void* data);
  // What `value` was last linked to in the current Run, or null.
  static void* Linked(lua_State* L, const void* value);

  // Values the host fetches from the registry on every call (a lazy
  // table's metatable): kept under an integer, cheaper to fetch than under
  // an address (lua_rawgetp walks the registry's hash part).
  enum class Slot {
    kLazyTableMeta, kLazyListMeta, kActors, kKeptTexts,
    kCalendar,        // the working-day calendar of the call (light userdata)
    kOpenedCalendar,  // the one the state opened with
    kCount
  };
  // Pops the value at the top of the stack into `slot`.
  static void SetSlot(lua_State* L, Slot slot);
  // Pushes the value in `slot` (nil if never set).
  static void PushSlot(lua_State* L, Slot slot) {
    lua_rawgeti(L, LUA_REGISTRYINDEX,
                From(L)->slots_[static_cast<int>(slot)]);
  }

  // Seeds math.random for the rest of the call (replay passes the recorded
  // seed): applied when math.random next draws, which gives the same
  // numbers as seeding at once (nothing else reads the generator).
  void SeedRandom(uint64_t seed);

  // Bytes the state holds now.
  size_t memory_used() const { return used_; }
  // Bytes the process keeps for the state: memory_used() and the freed
  // blocks kept for its next allocations (small_blocks.h).
  size_t memory_held() const { return used_ + blocks_.kept(); }
  // True if the last Run hit a limit; Run then collected the garbage the
  // stopped call left before returning.
  bool last_run_aborted() const { return abort_ != Abort::kNone; }
  // The reason of the last Run, if the script ended it with
  // wf.refuse(reason) (Run then answered `error_code`); null otherwise.
  const std::string* refusal() const {
    return refused_ ? &refusal_ : nullptr;
  }

 private:
  enum class Abort { kNone, kInstructions, kMemory, kTime };

  explicit Sandbox(const SandboxOptions& limits) : limits_(limits) {
    std::fill(std::begin(slots_), std::end(slots_), LUA_NOREF);
  }
  static void* Allocate(void* ud, void* ptr, size_t old_size, size_t new_size);
  static void CountHook(lua_State* L, lua_Debug* ar);
  static Sandbox* From(lua_State* L);
  // Adds `instructions` to the count and raises once over a limit.
  void Spend(lua_State* L, uint64_t instructions);
  absl::Status OpenLibraries();
  // math.random: seeds with the pending seed first (SeedRandom).
  static int SeededRandom(lua_State* L);
  // Replaces math.random (math at the top of the stack) with SeededRandom.
  static void WrapRandom(lua_State* L);

  SandboxOptions limits_;
  lua_State* L_ = nullptr;
  size_t used_ = 0;
  size_t memory_limit_ = 0;
  uint64_t budget_ = 0;
  uint64_t executed_ = 0;
  absl::Duration time_limit_;
  std::chrono::steady_clock::time_point deadline_;
  Abort abort_ = Abort::kNone;
  bool refused_ = false;  // the last Run ended with wf.refuse
  std::string refusal_;
  // Sandbox::Link's, for the Run in progress: a call makes two or three.
  std::vector<std::pair<const void*, void*>> links_;
  // The state's memory (Allocate); the cap counts Lua's sizes, as before.
  SmallBlocks blocks_;
  // SetSlot's registry indices (LUA_NOREF until set).
  int slots_[static_cast<int>(Slot::kCount)];
  // SeedRandom's seed, until math.random uses it.
  uint64_t pending_seed_ = 0;
  bool seed_pending_ = false;
};

}  // namespace wf

#endif  // WF_LUA_SANDBOX_H_
