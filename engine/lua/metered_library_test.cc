// Copyright the wf-engine authors. Apache-2.0.
//
// Every library function whose work grows with its input is charged to the
// instruction budget. Each case below does ten times the work of a call
// that, before metering, ran far past the 1 s limit (table.sort of 600,000
// references to one 60 KB string: 11.9 s) and must now be stopped by the
// BUDGET — deterministically, whatever the machine's speed — not by the
// wall-clock limit. The limits are the defaults (SandboxOptions).
#include "engine/lua/metered_library.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/lua/sandbox.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

class MeteredLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override { Restart(); }

  // A fresh state: each case starts with the whole memory cap free.
  void Restart() {
    sandbox_.reset();
    auto sandbox = Sandbox::Create(SandboxOptions());
    ASSERT_TRUE(sandbox.ok()) << sandbox.status();
    sandbox_ = std::move(*sandbox);
  }

  // Runs `setup` under the load budget, then `body` (the body of a
  // function) as one call under the call budget.
  absl::Status Call(const std::string& setup, const std::string& body) {
    absl::Status s = sandbox_->RunChunk(
        setup + "\nfunction attack()\n" + body + "\nend", "case.lua",
        absl::StatusCode::kInvalidArgument, "setup");
    if (!s.ok()) return s;
    return sandbox_->Run(
        sandbox_->limits().instructions_per_call,
        [](lua_State* L) {
          lua_getglobal(L, "attack");
          lua_call(L, 0, 0);
        },
        absl::StatusCode::kFailedPrecondition, "The call");
  }

  void ExpectStoppedByBudget(const std::string& setup,
                             const std::string& body) {
    Restart();
    absl::Status s = Call(setup, body);
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << body << s;
    bool budget = absl::StrContains(s.message(), "budget");
#ifdef WF_SANITIZED
    // Sanitizers slow the C work several-fold, not the count: the clock
    // may come first there.
    budget = budget || absl::StrContains(s.message(), "time limit");
#endif
    EXPECT_TRUE(budget) << body << ": " << s;
  }

  std::unique_ptr<Sandbox> sandbox_;
};

// A 600 KB string, 600,000 references to it: each comparison reads 600 KB.
TEST_F(MeteredLibraryTest, SortOfLongEqualStrings) {
  ExpectStoppedByBudget(
      "big = {} local s = ('x'):rep(600000) for i = 1, 600000 do big[i] = s end",
      "table.sort(big)");
  ExpectStoppedByBudget(
      "big = {} local s = ('x'):rep(600000) for i = 1, 600000 do big[i] = s end",
      "table.sort(big, function(a, b) return a < b end)");
}

// The same on the stack (the merge sort, for lists up to 50,000).
TEST_F(MeteredLibraryTest, StackSortOfLongEqualStrings) {
  ExpectStoppedByBudget(
      "mid = {} local s = ('x'):rep(600000) for i = 1, 40000 do mid[i] = s end",
      "table.sort(mid)");
}

// Sorting a million numbers: no single comparison is costly, their number is.
TEST_F(MeteredLibraryTest, SortOfManyNumbers) {
  ExpectStoppedByBudget("big = {} for i = 1, 1000000 do big[i] = -i end",
                        "table.sort(big)");
}

TEST_F(MeteredLibraryTest, StringFunctionsOnLongStrings) {
  // z: 2 MB of zero bytes, which "%q" writes through snprintf one by one.
  const std::string setup = "s = ('x'):rep(8 << 20) z = ('\\0'):rep(2 << 20)";
  for (const char* body : {
           "for i = 1, 100 do local _ = s:upper() end",
           "for i = 1, 100 do local _ = s:lower() end",
           "for i = 1, 100 do local _ = s:reverse() end",
           "for i = 1, 100 do local _ = s:sub(2) end",
           "for i = 1, 100 do local _ = ('%s.'):format(s) end",
           "for i = 1, 100 do local _ = ('%q'):format(s) end",
           "for i = 1, 100 do local _ = ('%q'):format(z) end",
           "for i = 1, 100 do local _ = s:rep(1) end",
           "for i = 1, 100 do local _ = s:gsub('x', 'y') end",
           "for i = 1, 100 do local _ = s:find('y', 1, true) end",
           "for i = 1, 100 do local _ = s:find('x$') end",
           "for i = 1, 100 do local _ = tonumber(s) end",
           "for i = 1, 100 do local _ = string.pack('s', s) end",
           "local p = string.pack('z', s) "
           "for i = 1, 100 do local _ = string.unpack('z', p) end",
           "for i = 1, 100 do local _ = utf8.len(s) end",
           "for i = 1, 100 do local _ = utf8.offset(s, -1) end",
           "for i = 1, 100 do local _ = select('#', s:byte(1, 900000)) end",
           "for i = 1, 100 do "
           "  local _ = select('#', utf8.codepoint(s, 1, 900000)) end",
           "for i = 1, 100 do pcall(error, s) end",
       }) {
    ExpectStoppedByBudget(setup, body);
  }
}

TEST_F(MeteredLibraryTest, RepeatingNothingManyTimes) {
  ExpectStoppedByBudget("", "local _ = ('').rep('', 1 << 40)");
  ExpectStoppedByBudget("", "local _ = string.rep('', 1 << 40, '')");
}

// One step of utf8.codes' iterator skips continuation bytes: called with a
// chosen position on 8 MB of them, one step reads 8 MB.
TEST_F(MeteredLibraryTest, Utf8CodesStepOverContinuationBytes) {
  ExpectStoppedByBudget(
      "s = ('\\x80'):rep(8 << 20)",
      "local step = utf8.codes(s) for i = 1, 1000 do pcall(step, s, 1) end");
}

TEST_F(MeteredLibraryTest, FunctionsOverManyValues) {
  const std::string setup =
      "t = {} for i = 1, 900000 do t[i] = 0x41 end";
  for (const char* body : {
           "for i = 1, 100 do local _ = select('#', table.unpack(t)) end",
           "for i = 1, 100 do local _ = string.char(table.unpack(t)) end",
           "for i = 1, 100 do local _ = utf8.char(table.unpack(t)) end",
           "for i = 1, 100 do local _ = math.max(table.unpack(t)) end",
           "local function f(...) for i = 1, 100 do "
           "  local _ = select(2, ...) end end f(table.unpack(t, 1, 400000))",
           "for i = 1, 100 do local _ = table.concat(t, ',') end",
           "for i = 1, 100 do local _ = table.pack(table.unpack(t, 1, 200000)) end",
           "for i = 1, 100 do table.insert(t, 1, 0) end",
           "for i = 1, 100 do table.remove(t, 1) end",
           "for i = 1, 100 do table.move(t, 1, #t, 2) end",
       }) {
    ExpectStoppedByBudget(setup, body);
  }
}

// The wrappers change what a call costs, not what it does.
TEST_F(MeteredLibraryTest, WrappedFunctionsBehaveAsBefore) {
  absl::Status s = Call("", R"lua(
    local t = {1, 2, 3}
    table.insert(t, 2, "x"); table.insert(t, "y")
    assert(table.concat(t, ',') == "1,x,2,3,y")
    assert(table.remove(t, 1) == 1 and table.remove(t) == "y")
    assert(table.concat(t, ',') == "x,2,3")
    assert(select("#", table.unpack({1, nil, 3}, 1, 3)) == 3)
    assert(select(-1, "a", "b") == "b")
    assert(("abc"):upper() == "ABC" and ("ABC"):lower() == "abc")
    assert(("abc"):reverse() == "cba" and ("abc"):sub(2) == "bc")
    assert(("ab"):rep(3, "-") == "ab-ab-ab" and ("x"):rep(0) == "")
    assert(string.char(104, 105) == "hi" and ("hi"):byte(-1) == 105)
    assert(tonumber(" 0x10 ") == 16 and tonumber("z", 36) == 35)
    assert(utf8.char(7855, 99) == "ắc" and utf8.len("Bắc") == 3)
    assert(utf8.offset("Bắc", 3) == 5 and utf8.codepoint("Bắc", 2) == 7855)
    local codes = {}
    for p, c in utf8.codes("Bắc") do codes[#codes + 1] = p .. ":" .. c end
    assert(table.concat(codes, " ") == "1:66 2:7855 5:99")
    assert(math.max(3, 9, 2) == 9 and math.min(3, 9, 2) == 2)
    assert(string.unpack("i4", string.pack("i4", 7)) == 7)
    assert(table.move({1, 2, 3}, 1, 3, 2)[3] == 2)
    assert(string.format("%5.1f|%s", 3.14159, "x") == "  3.1|x")
    local ok, e = pcall(error, "boom")
    assert(not ok and e:find("boom"))
    assert(not pcall(string.rep))
  )lua");
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(MeteredLibraryTest, SortSortsAndReportsErrors) {
  absl::Status s = Call("", R"lua(
    local function check(t, comp)
      table.sort(t, comp)
      for i = 2, #t do
        if comp then assert(not comp(t[i], t[i - 1]), i)
        else assert(not (t[i] < t[i - 1]), i) end
      end
    end
    for _, n in ipairs({0, 1, 2, 3, 5, 12, 13, 63, 64, 65, 66, 100, 1001}) do
      local t = {}
      for i = 1, n do t[i] = (i * 7919) % 1009 end
      check(t)
      check(t, function(a, b) return a > b end)
      local words = {}
      for i = 1, n do words[i] = tostring((i * 31) % 97) end
      check(words)
    end
    assert(not pcall(table.sort, {3, "a", 1}))
    assert(not pcall(table.sort, {3, 2, 1}, 42))
    assert(select(2, pcall(table.sort, {1, 2, 3}, error)) ~= nil)
    -- A comparator failing half-way leaves the list as it was.
    local half = {}
    for i = 1, 40 do half[i] = 41 - i end
    local calls = 0
    assert(not pcall(table.sort, half, function(a, b)
      calls = calls + 1
      if calls == 100 then error("enough") end
      return a < b
    end))
    for i = 1, 40 do assert(half[i] == 41 - i, i) end
    -- An inconsistent comparator ends, with some permutation.
    local t = {}
    for i = 1, 500 do t[i] = i end
    table.sort(t, function() return true end)
    table.sort(t, function() return math.random() < 0.5 end)
    local seen = {}
    for i = 1, 500 do seen[t[i]] = true end
    for i = 1, 500 do assert(seen[i], i) end
    -- A proxy with __index, __newindex and __len sorts through them.
    local store = {3, 1, 2}
    local proxy = setmetatable({}, {
      __index = store, __newindex = store,
      __len = function() return #store end })
    table.sort(proxy)
    assert(store[1] == 1 and store[2] == 2 and store[3] == 3)
  )lua");
  EXPECT_TRUE(s.ok()) << s;
}

// The wrappers run the original in the caller's frame: an argument error
// still names the function and the script's line.
TEST_F(MeteredLibraryTest, ArgumentErrorsNameTheFunctionAndLine) {
  struct Case {
    const char* body;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"string.upper()", "case.lua:3: bad argument #1 to 'upper'"},
           {"('x'):rep()", "case.lua:3: bad argument #1 to 'rep'"},
           {"select('a')", "case.lua:3: bad argument #1 to 'select'"},
           {"table.insert(1, 2)", "case.lua:3: bad argument #1 to 'insert'"},
           {"utf8.char('x')", "case.lua:3: bad argument #1 to 'char'"},
           {"table.sort({2, 1}, 1)", "case.lua:3: bad argument #2 to 'sort'"},
           {"string.find('x', '[')", "case.lua:3: malformed pattern"},
       }) {
    absl::Status s = Call("", c.body);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << c.body;
    EXPECT_TRUE(absl::StrContains(s.message(), c.message)) << c.body << ": "
                                                           << s;
  }
}

// Each of the three ways (insertion, merge, heap) sorts, with and without a
// comparator.
TEST_F(MeteredLibraryTest, LongListsSortToo) {
  absl::Status s = sandbox_->RunChunk(R"lua(
    for _, n in ipairs({16, 17, 40000, 60000}) do
      local t = {}
      for i = 1, n do t[i] = (i * 7919) % 100003 end
      table.sort(t)
      for i = 2, n do assert(t[i - 1] <= t[i], i) end
      table.sort(t, function(a, b) return a > b end)
      for i = 2, n do assert(t[i - 1] >= t[i], i) end
    end
  )lua", "long.lua", absl::StatusCode::kInvalidArgument, "long");
  EXPECT_TRUE(s.ok()) << s;
}

// Ordinary workflow code stays cheap: these run under a budget of 20,000
// instructions, a hundredth of a call's.
TEST_F(MeteredLibraryTest, SmallCallsStayCheap) {
  absl::Status setup = sandbox_->RunChunk(R"lua(
    function ordinary()
      local names = {}
      for i = 1, 50 do names[i] = "ho_so_" .. ((i * 37) % 50) end
      table.sort(names)
      local keys = {}
      for k in pairs({ a = 1, b = 2, c = 3, d = 4, e = 5 }) do
        keys[#keys + 1] = k
      end
      local s = ("Xã Tiên Du, huyện Phù Ninh, tỉnh Phú Thọ"):rep(3)
      local t = s:gsub("%s+", " "):upper()
      return #t + #names + #keys + utf8.len(s) + #s:sub(1, 10) +
             select("#", s:byte(1, 20)) + #table.concat(names, ",")
    end)lua",
                                           "cheap.lua",
                                           absl::StatusCode::kInternal, "x");
  ASSERT_TRUE(setup.ok()) << setup;
  absl::Status s = sandbox_->Run(
      20'000,
      [](lua_State* L) {
        lua_getglobal(L, "ordinary");
        lua_call(L, 0, 1);
      },
      absl::StatusCode::kFailedPrecondition, "ordinary");
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace wf
