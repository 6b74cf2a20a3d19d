// Copyright the wf-engine authors. Apache-2.0.
//
// What work done in C costs in the sandbox's instruction budget. The count
// hook only sees Lua instructions; a library function that loops over its
// input in C (string.upper of 8 MB, table.sort of 600,000 strings) is one
// instruction to it. Such functions charge the running call here, at rates
// that make a budget of instructions also a budget of time: one Lua
// instruction takes about 10 ns, and so does, measured on the CI machine,
//   - copying about 128 bytes (memcpy speed: rep, sub, concat, format);
//   - handling about 16 bytes one by one (upper, lower, reverse, utf8);
//   - moving one value on the stack or through a table (with the
//     allocation and collection that come with it: table.pack of 200,000
//     values in a loop measured 50 ns a value);
//   - about 8 steps of the pattern matcher (one item tried at a position,
//     or one byte scanned by a repetition).
// Example, inside a Sandbox::Run body:
//   WorkMeter meter(L);
//   for (...) { meter.AddBytesScanned(1); ... }
//   meter.Flush();
#ifndef WF_LUA_METERING_H_
#define WF_LUA_METERING_H_

#include <cstdint>

#include <lua.hpp>

#include "engine/lua/sandbox.h"

namespace wf {

// Rates, in work units per Lua instruction.
constexpr uint64_t kBytesCopiedPerInstruction = 128;
constexpr uint64_t kBytesScannedPerInstruction = 16;
constexpr uint64_t kValuesPerInstruction = 1;
constexpr uint64_t kMatchStepsPerInstruction = 8;

// Counts work in sixteenths of an instruction and charges it to the running
// call in batches (each charge reads the clock). Charging may raise the
// budget error (a Lua error), so a meter lives only where Lua errors may
// unwind. Work not yet flushed is at most one batch: 1/16 of a hook step.
class WorkMeter {
 public:
  explicit WorkMeter(lua_State* L) : L_(L) {}

  void AddBytesCopied(uint64_t n) { Add(n, kUnit / kBytesCopiedPerInstruction); }
  void AddBytesScanned(uint64_t n) {
    Add(n, kUnit / kBytesScannedPerInstruction);
  }
  void AddValues(uint64_t n) { Add(n, kUnit / kValuesPerInstruction); }
  void AddMatchSteps(uint64_t n) { Add(n, kUnit / kMatchStepsPerInstruction); }
  void AddInstructions(uint64_t n) { Add(n, kUnit); }

  // Charges what was counted so far (whole instructions; the rest stays).
  // Nothing to charge: no call, so that small calls do not read the clock.
  void Flush() {
    uint64_t whole = pending_ / kUnit;
    if (whole == 0) return;
    pending_ -= whole * kUnit;
    Sandbox::Charge(L_, whole);
  }

 private:
  // kUnit is a multiple of every rate above (so the products are exact).
  static constexpr uint64_t kUnit = 128;
  static constexpr uint64_t kBatch = 64 * kUnit;

  void Add(uint64_t n, uint64_t units_each) {
    // Saturates: a count this large is far over any budget anyway.
    uint64_t units = n > UINT64_MAX / units_each ? UINT64_MAX : n * units_each;
    pending_ = units > UINT64_MAX - pending_ ? UINT64_MAX : pending_ + units;
    if (pending_ >= kBatch) Flush();
  }

  lua_State* L_;
  uint64_t pending_ = 0;
};

}  // namespace wf

#endif  // WF_LUA_METERING_H_
