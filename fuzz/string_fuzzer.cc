// Copyright the wf-engine authors. Apache-2.0.
//
// Fuzzes the Lua string library as the sandbox exposes it (our pattern
// matcher, the metered wrappers, table.sort). The first byte chooses:
//   - 0..kFunctions-1: one call, library function `kFunctions[b]`, with a
//     subject, a pattern (or format) and a replacement cut from the rest of
//     the input, and two integers;
//   - anything else: the rest is a Lua snippet, run as one call in a
//     sandbox of its own (it may change the library it loads with).
// Each call runs in a real Sandbox with small limits. Where ours finishes
// within the budget, the same call also runs on Lua's own string library
// (a plain luaL_openlibs state) and must give the same results, or both
// an error: our matcher's budget bounds the work of the oracle's, which
// explores the same backtracking tree.
//
// Never allowed: a crash, a sanitizer report, a hang (libFuzzer's
// -timeout), a status the sandbox does not document, or a disagreement.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "engine/lua/sandbox.h"

namespace {

struct Function {
  const char* name;  // in `string` (or `table.sort` through a list)
  int arguments;     // of subject, pattern, repl, i, j — in that order
};

// The calls the structured inputs make; "@fn" and "@tbl" replacements are
// a function and a table defined by kHelpers.
constexpr Function kFunctions[] = {
    {"find", 3},   {"find", 4},     {"match", 3},   {"gmatch_all", 3},
    {"gsub", 3},   {"gsub", 4},     {"gsub_fn", 2}, {"gsub_tbl", 2},
    {"rep", 3},    {"sub", 4},      {"byte", 4},    {"format", 3},
    {"upper", 1},  {"reverse", 1},  {"sort_chars", 1}, {"utf8_len", 1},
};
constexpr size_t kFunctionCount = sizeof(kFunctions) / sizeof(kFunctions[0]);

// Defined in both states: the calls above as Lua functions of
// (s, p, r, i, j), each returning its results as one string.
constexpr char kHelpers[] = R"lua(
local function show(ok, ...)
  if not ok then
    local e = tostring((...))
    return e:find("too complex") and "error: too complex" or "error"
  end
  local out = {}
  for k = 1, select("#", ...) do
    local v = select(k, ...)
    out[k] = type(v) .. ":" .. tostring(v)
  end
  return table.concat(out, "|")
end
local function fn(a, b)
  if a == "a" then return nil end
  return "<" .. tostring(a) .. tostring(b) .. ">"
end
local tbl = { a = "A", b = false, ["1"] = 1 }
local function all(s, p, init)
  local out = {}
  for a, b in string.gmatch(s, p, init) do
    out[#out + 1] = tostring(a) .. "," .. tostring(b)
    if #out >= 20 then break end
  end
  return table.concat(out, ";")
end
local function chars(s)
  local t = {}
  for k = 1, #s do t[k] = s:sub(k, k) end
  table.sort(t)
  return table.concat(t)
end
calls = {
  find = function(s, p, r, i) return show(pcall(string.find, s, p, i)) end,
  find4 = function(s, p, r, i) return show(pcall(string.find, s, p, i, true)) end,
  match = function(s, p, r, i) return show(pcall(string.match, s, p, i)) end,
  gmatch_all = function(s, p, r, i) return show(pcall(all, s, p, i)) end,
  gsub = function(s, p, r) return show(pcall(string.gsub, s, p, r)) end,
  gsub4 = function(s, p, r, i) return show(pcall(string.gsub, s, p, r, i)) end,
  gsub_fn = function(s, p) return show(pcall(string.gsub, s, p, fn)) end,
  gsub_tbl = function(s, p) return show(pcall(string.gsub, s, p, tbl)) end,
  rep = function(s, p, r, i) return show(pcall(string.rep, s, i % 64, p)) end,
  sub = function(s, p, r, i, j) return show(pcall(string.sub, s, i, j)) end,
  byte = function(s, p, r, i, j) return show(pcall(string.byte, s, i, j)) end,
  format = function(s, p, r, i)
    return show(pcall(string.format, p, s, i, r))
  end,
  upper = function(s) return show(pcall(string.upper, s)) end,
  reverse = function(s) return show(pcall(string.reverse, s)) end,
  sort_chars = function(s) return show(pcall(chars, s)) end,
  utf8_len = function(s) return show(pcall(utf8.len, s)) end,
}
)lua";

struct Call {
  std::string function;
  std::string s, p, r;
  int64_t i = 0, j = 0;
};

// Pushes calls[name](s, p, r, i, j) and calls it; leaves one string.
void PushCall(lua_State* L, const Call& call) {
  lua_getglobal(L, "calls");
  lua_getfield(L, -1, call.function.c_str());
  lua_pushlstring(L, call.s.data(), call.s.size());
  lua_pushlstring(L, call.p.data(), call.p.size());
  lua_pushlstring(L, call.r.data(), call.r.size());
  lua_pushinteger(L, call.i);
  lua_pushinteger(L, call.j);
}

wf::SandboxOptions Limits() {
  wf::SandboxOptions limits;
  limits.instructions_per_call = 20'000;
  limits.instructions_per_load = 200'000;
  limits.memory_bytes = 8 << 20;
  return limits;
}

wf::Sandbox& Ours() {
  static wf::Sandbox* sandbox = [] {
    auto created = wf::Sandbox::Create(Limits());
    if (!created.ok()) std::abort();
    wf::Sandbox* s = created->release();
    if (!s->RunChunk(kHelpers, "helpers.lua", absl::StatusCode::kInternal,
                     "helpers")
             .ok()) {
      std::abort();
    }
    return s;
  }();
  return *sandbox;
}

// Snippets run in a sandbox of their own: a snippet may change the string
// library before the sandbox freezes it (as a workflow file may while it
// loads), and the structured calls compare Ours() with Lua's own library.
wf::Sandbox& Snippets() {
  static wf::Sandbox* sandbox = [] {
    auto created = wf::Sandbox::Create(Limits());
    if (!created.ok()) std::abort();
    return created->release();
  }();
  return *sandbox;
}

lua_State* Oracle() {
  static lua_State* L = [] {
    lua_State* state = luaL_newstate();
    luaL_openlibs(state);
    if (luaL_dostring(state, kHelpers) != LUA_OK) std::abort();
    return state;
  }();
  return L;
}

void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

// Only these may come back from a call: a script error, or a limit.
void ExpectDocumented(const absl::Status& status) {
  if (status.ok() || status.code() == absl::StatusCode::kFailedPrecondition ||
      status.code() == absl::StatusCode::kResourceExhausted) {
    return;
  }
  Fail("undocumented status", status.ToString());
}

void RunStructured(const Call& call) {
  std::string ours;
  absl::Status status = Ours().Run(
      Limits().instructions_per_call,
      [&](lua_State* L) {
        PushCall(L, call);
        lua_call(L, 5, 1);
        size_t n;
        const char* text = lua_tolstring(L, -1, &n);
        ours.assign(text, n);
      },
      absl::StatusCode::kFailedPrecondition, "call");
  ExpectDocumented(status);
  // Over a limit, or a depth our matcher and Lua's count differently: no
  // comparison. Nor for "%p" in a format: the sandbox refuses it (Lua's
  // shows an address).
  if (!status.ok() || absl::StrContains(ours, "too complex")) return;
  if (call.function == "format" && absl::StrContains(call.p, "p")) return;
  lua_State* L = Oracle();
  lua_settop(L, 0);
  PushCall(L, call);
  if (lua_pcall(L, 5, 1, 0) != LUA_OK) Fail("oracle failed", call.function);
  size_t n;
  const char* text = lua_tolstring(L, -1, &n);
  std::string want(text, n);
  if (absl::StrContains(want, "too complex")) return;
  if (ours != want) {
    Fail("disagreement", call.function + " '" + call.p + "': ours " + ours +
                             ", Lua's " + want);
  }
}

void RunSnippet(const std::string& source) {
  absl::Status status = Snippets().RunChunk(source, "snippet.lua",
                                        absl::StatusCode::kInvalidArgument,
                                        "snippet");
  if (status.ok() || status.code() == absl::StatusCode::kInvalidArgument ||
      status.code() == absl::StatusCode::kResourceExhausted) {
    return;
  }
  Fail("undocumented status", status.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  auto selector = in.ConsumeIntegral<uint8_t>();
  if (selector >= kFunctionCount) {
    RunSnippet(in.ConsumeRemainingBytesAsString());
    return 0;
  }
  const Function& f = kFunctions[selector];
  Call call;
  call.function = f.name;
  if (f.arguments == 4 && call.function == "find") call.function = "find4";
  if (f.arguments == 4 && call.function == "gsub") call.function = "gsub4";
  call.i = in.ConsumeIntegralInRange<int64_t>(-40, 40);
  call.j = in.ConsumeIntegralInRange<int64_t>(-40, 40);
  call.p = in.ConsumeRandomLengthString(64);
  call.r = in.ConsumeRandomLengthString(16);
  call.s = in.ConsumeRemainingBytesAsString();
  RunStructured(call);
  return 0;
}
