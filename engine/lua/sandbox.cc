// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/sandbox.h"

#include <atomic>

#include <cstdlib>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/lua/lazy_list.h"
#include "engine/lua/lazy_table.h"
#include "engine/lua/lua_patterns.h"
#include "engine/lua/metered_library.h"
#include "engine/lua/wf_library.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

// The hook runs every kHookStep instructions; the budget is checked then.
constexpr int kHookStep = 1000;
constexpr size_t kMiB = 1 << 20;
// Error messages become status messages (gRPC trailers, logs): cut them.
constexpr size_t kMaxErrorBytes = 2000;

// Lua code run once per state, before any workflow code. It replaces
// `pairs` and `next` with sorted ones, and `tostring` and `string.format`
// with ones that show no memory address (determinism); `setmetatable` with
// one that refuses finalisers (a __gc could run code outside any call's
// budget); `rawget`, `rawset` with ones that respect frozen tables; and
// returns the function that freezes the globals and the libraries once a
// workflow file has loaded. It is given the function that completes a lazy
// table (lazy_table.h) and returns, third, the mark of lazy tables and,
// fourth, the function that freezes one table (ctx.actor's).
constexpr char kPrelude[] = R"lua(
local complete_lazy, is_lazy_list = ...
local raw_next, type, get_metatable, raw_rawget, raw_rawset, error, select =
      next, type, getmetatable, rawget, rawset, error, select
local raw_rawlen = rawlen
local raw_tostring, raw_format = tostring, string.format
local sort, raw_setmetatable = table.sort, setmetatable
local pcall, pack, unpack = pcall, table.pack, table.unpack

-- Frozen tables (see the end), each with the table that holds its contents
-- since: a frozen table is left empty, so that every write to it, new key
-- or not, reaches its __newindex.
local frozen = {}

-- The __metatable of lazy tables (ctx, ctx.vars, the lists of ctx.vars),
-- which hold only the fields read so far: a traversal first makes them
-- all, rawget and rawset go through their __index and __newindex, rawlen
-- makes them whole, and getmetatable hides it, so that they behave as
-- plain tables (and lists).
local lazy = {}

local function before(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return b and not a end
  return false
end

function rawget(t, k)
  local v = raw_rawget(frozen[t] or t, k)
  if v == nil and get_metatable(t) == lazy then return t[k] end
  return v
end

function rawset(t, k, v)
  if frozen[t] then
    error("rawset cannot change a read-only table (the globals and the " ..
          "libraries are read-only once the file has loaded)", 2)
  end
  if get_metatable(t) == lazy then
    t[k] = v
    return t
  end
  return raw_rawset(t, k, v)
end

function rawlen(t)
  if get_metatable(t) == lazy then complete_lazy(t) end
  return raw_rawlen(t)
end

function getmetatable(t)
  local mt = get_metatable(t)
  if mt == lazy then return is_lazy_list(t) and "array" or nil end
  return mt
end

function pairs(t)
  local mt = get_metatable(t)
  if mt == lazy then
    complete_lazy(t)
  elseif type(mt) == "table" and mt.__pairs then
    return mt.__pairs(t)
  end
  t = frozen[t] or t
  local keys, n = {}, 0
  for k in raw_next, t do n = n + 1; keys[n] = k end
  sort(keys, before)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k == nil then return nil end
    return k, raw_rawget(t, k)
  end, t, nil
end

-- Lua's next visits keys in an order that depends on a hash seed chosen
-- per state, so replaying a history could give other results. This one
-- follows the order of pairs (one pass over the table per call). Tables
-- with keys that have no order (tables, functions) keep Lua's order.
function next(t, k)
  if get_metatable(t) == lazy then complete_lazy(t) end
  local c = frozen[t] or t
  if type(c) ~= "table" then return raw_next(t, k) end
  local best
  for key in raw_next, c do
    local tk = type(key)
    if tk ~= "string" and tk ~= "number" and tk ~= "boolean" then
      return raw_next(c, k)
    end
    if (k == nil or before(k, key)) and (best == nil or before(key, best)) then
      best = key
    end
  end
  if best == nil then return nil end
  return best, raw_rawget(c, best)
end

-- Lua calls an xpcall message handler while raising the error; for an error
-- raised by the budget hook that is a moment when hooks are off, so a
-- handler that loops would never be stopped. Ours runs the handler after the
-- failed call has unwound, under the budget like any other code.
function xpcall(f, handler, ...)
  local r = pack(pcall(f, ...))
  if r[1] then return unpack(r, 1, r.n) end
  return false, handler(r[2])
end

function setmetatable(t, mt)
  if type(mt) == "table" and raw_rawget(mt, "__gc") ~= nil then
    error("finalisers (__gc) are not allowed in workflow scripts", 2)
  end
  return raw_setmetatable(t, mt)
end

-- "table: 0x55d0c3a0" differs from one run to the next: show the type only
-- (a __tostring still decides).
local function show(v)
  local t = type(v)
  if t == "table" or t == "function" or t == "userdata" or t == "thread" then
    local mt = get_metatable(v)
    if type(mt) == "table" and raw_rawget(mt, "__tostring") ~= nil then
      return raw_tostring(v)
    end
    return t
  end
  return raw_tostring(v)
end
tostring = show

function string.format(fmt, ...)
  if type(fmt) == "string" and
     fmt:gsub("%%%%", ""):find("%%[-+ #0-9.]*p") then
    error("string.format: '%p' would show a memory address", 2)
  end
  local n = select("#", ...)
  if n == 0 then return raw_format(fmt) end
  local args = pack(...)
  for i = 1, n do
    local t = type(args[i])
    if t == "table" or t == "function" or t == "userdata" or t == "thread" then
      args[i] = show(args[i])
    end
  end
  return raw_format(fmt, unpack(args, 1, n))
end

local function freeze(t, refuse)
  local c = {}
  for k, v in raw_next, t do c[k] = v end
  for k in raw_next, c do raw_rawset(t, k, nil) end
  frozen[t] = c
  raw_setmetatable(t, { __index = c, __newindex = refuse,
                        __metatable = "read-only" })
end

-- ctx.plugin's tables (workflow_script.cc): every table reachable from `t`
-- frozen, keeping its length (#) for lists.
local function refuse_plugin()
  error("ctx.plugin chỉ đọc", 2)
end
local function freeze_deep(t, seen)
  seen = seen or {}
  if seen[t] or frozen[t] then return end
  seen[t] = true
  for _, v in raw_next, t do
    if type(v) == "table" then freeze_deep(v, seen) end
  end
  local c = {}
  for k, v in raw_next, t do c[k] = v end
  for k in raw_next, c do raw_rawset(t, k, nil) end
  frozen[t] = c
  raw_setmetatable(t, { __index = c, __newindex = refuse_plugin,
                        __len = function() return #c end,
                        __metatable = "read-only" })
end

return function()
  for _, name in ipairs({"string", "table", "math", "utf8", "wf"}) do
    freeze(_G[name], function(_, k)
      error("cannot change " .. name .. "." .. show(k) ..
            ": the library is read-only", 2)
    end)
  end
  freeze(_G, function(_, k)
    local what = frozen[_G][k] == nil and "create" or "change"
    error("cannot " .. what .. " the global '" .. show(k) .. "' in a " ..
          "guard or action: use a local variable, or ctx.vars to keep a " ..
          "value", 2)
  end)
end, freeze_deep, lazy, freeze
)lua";

int Trampoline(lua_State* L) {
  auto* body =
      static_cast<const std::function<void(lua_State*)>*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  (*body)(L);
  return 0;
}

// At most `max` bytes of `s`, not cutting a UTF-8 character in two.
absl::string_view CutUtf8(absl::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// The error value as text, without running Lua code (a __tostring could
// loop) and without allocating (the state may be out of memory).
std::string ErrorText(lua_State* L) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, -1, &n);
      absl::string_view text(s, n);
      if (n <= kMaxErrorBytes) return std::string(text);
      return absl::StrCat(CutUtf8(text, kMaxErrorBytes), "... (", n,
                          " bytes)");
    }
    case LUA_TNUMBER:
      return lua_isinteger(L, -1)
                 ? absl::StrCat(lua_tointeger(L, -1))
                 : absl::StrCat(lua_tonumber(L, -1));
    default:
      return absl::StrCat("an error object of type ",
                          lua_typename(L, lua_type(L, -1)));
  }
}

void RemoveGlobal(lua_State* L, const char* name) {
  lua_pushnil(L);
  lua_setglobal(L, name);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sandbox>> Sandbox::Create(
    const SandboxOptions& limits) {
  std::unique_ptr<Sandbox> sandbox(new Sandbox(limits));
  sandbox->memory_limit_ = limits.memory_bytes;
  sandbox->L_ = lua_newstate(&Sandbox::Allocate, sandbox.get());
  if (sandbox->L_ == nullptr) {
    return absl::ResourceExhaustedError(
        "Expected to create a Lua state, but there is not enough memory");
  }
  *static_cast<Sandbox**>(lua_getextraspace(sandbox->L_)) = sandbox.get();
  absl::Status status = sandbox->OpenLibraries();
  if (!status.ok()) return status;
  return sandbox;
}

Sandbox::~Sandbox() {
  if (L_ != nullptr) lua_close(L_);
}

Sandbox* Sandbox::From(lua_State* L) {
  return *static_cast<Sandbox**>(lua_getextraspace(L));
}

void* Sandbox::Allocate(void* ud, void* ptr, size_t old_size,
                        size_t new_size) {
  auto* s = static_cast<Sandbox*>(ud);
  // With ptr == nullptr, old_size is a type tag, not a size.
  size_t old = ptr != nullptr ? old_size : 0;
  if (new_size == 0) {
    s->blocks_.Resize(ptr, old, 0);
    s->used_ -= old;
    return nullptr;
  }
  if (new_size > old && s->used_ - old + new_size > s->memory_limit_) {
    s->abort_ = Abort::kMemory;
    return nullptr;  // Lua raises a memory error; shrinking never fails
  }
  void* p = s->blocks_.Resize(ptr, old, new_size);
  if (p == nullptr) return nullptr;
  s->used_ = s->used_ - old + new_size;
  return p;
}

void Sandbox::CountHook(lua_State* L, lua_Debug* ar) {
  From(L)->Spend(L, kHookStep);
}

void Sandbox::Charge(lua_State* L, uint64_t instructions) {
  From(L)->Spend(L, instructions);
}

size_t Sandbox::MemoryCap(lua_State* L) { return From(L)->memory_limit_; }

void Sandbox::SetSlot(lua_State* L, Slot slot) {
  int& ref = From(L)->slots_[static_cast<int>(slot)];
  if (ref == LUA_NOREF) {  // a placeholder: luaL_ref gives nil no index
    lua_pushboolean(L, 0);
    ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_rawseti(L, LUA_REGISTRYINDEX, ref);
}

void Sandbox::Link(lua_State* L, const void* value, void* data) {
  From(L)->links_.emplace_back(value, data);
}

void* Sandbox::Linked(lua_State* L, const void* value) {
  const auto& links = From(L)->links_;
  // Newest first: a value collected during the call may leave its address
  // to a later one.
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    if (it->first == value) return it->second;
  }
  return nullptr;
}

void Sandbox::Spend(lua_State* L, uint64_t instructions) {
  executed_ += instructions;
  if (abort_ == Abort::kNone) {
    if (executed_ > budget_ || executed_ < instructions) {  // or wrapped
      abort_ = Abort::kInstructions;
    } else if (std::chrono::steady_clock::now() > deadline_) {
      abort_ = Abort::kTime;
    }
  }
  if (abort_ == Abort::kNone) return;
  // From now on raise at every instruction, so a script that catches the
  // error with pcall is stopped again at once, all the way out.
  lua_sethook(L, &Sandbox::CountHook, LUA_MASKCOUNT, 1);
  luaL_error(L, abort_ == Abort::kMemory ? "memory limit exceeded"
                : abort_ == Abort::kTime ? "time limit exceeded"
                                         : "instruction budget exceeded");
}

namespace {

std::atomic<uint64_t> refused_instructions{0};
std::atomic<uint64_t> refused_memory{0};
std::atomic<uint64_t> refused_time{0};

void CountRefusal(std::atomic<uint64_t>* counter) {
  counter->fetch_add(1, std::memory_order_relaxed);
}

// RESOURCE_EXHAUSTED, BUDGET_EXCEEDED: which budget, and its limit.
absl::Status OverBudget(std::string message, absl::string_view budget,
                        uint64_t limit) {
  return Refusal(absl::ResourceExhaustedError(message),
                 reason::kBudgetExceeded)
      .With("budget", budget)
      .With("limit", limit)
      .Vietnamese(
          "Quy trình chạy vượt quá giới hạn cho phép nên đã bị dừng; thao "
          "tác chưa được thực hiện. Vui lòng báo quản trị viên hệ thống.");
}

}  // namespace

SandboxRefusals SandboxRefusalCounts() {
  SandboxRefusals counts;
  counts.instructions = refused_instructions.load(std::memory_order_relaxed);
  counts.memory = refused_memory.load(std::memory_order_relaxed);
  counts.time = refused_time.load(std::memory_order_relaxed);
  return counts;
}

absl::Status Sandbox::Run(uint64_t instruction_budget,
                          const std::function<void(lua_State*)>& body,
                          absl::StatusCode error_code, absl::string_view what) {
  return Run(instruction_budget, body, error_code,
             [what] { return std::string(what); });
}

absl::Status Sandbox::Run(uint64_t instruction_budget,
                          const std::function<void(lua_State*)>& body,
                          absl::StatusCode error_code,
                          absl::FunctionRef<std::string()> describe) {
  abort_ = Abort::kNone;
  refused_ = false;
  links_.clear();
  executed_ = 0;
  budget_ = instruction_budget;
  // Loading (and the sandbox's own set-up) runs with the load's budget.
  time_limit_ = instruction_budget > limits_.instructions_per_call
                    ? limits_.time_per_load
                    : limits_.time_per_call;
  deadline_ = std::chrono::steady_clock::now() +
              absl::ToChronoNanoseconds(time_limit_);
  lua_settop(L_, 0);
  lua_sethook(L_, &Sandbox::CountHook, LUA_MASKCOUNT, kHookStep);
  lua_pushcfunction(L_, &Trampoline);
  lua_pushlightuserdata(
      L_, const_cast<std::function<void(lua_State*)>*>(&body));
  int rc = lua_pcall(L_, 1, 0, 0);
  lua_sethook(L_, nullptr, 0, 0);
  absl::Status result;
  if (abort_ == Abort::kInstructions) {
    CountRefusal(&refused_instructions);
    result = OverBudget(absl::StrCat(describe(), " ran over its budget of ",
                                     instruction_budget,
                                     " Lua instructions (an endless loop?) "
                                     "and was stopped"),
                        "lua_instructions", instruction_budget);
  } else if (abort_ == Abort::kTime) {
    CountRefusal(&refused_time);
    result = OverBudget(
        absl::StrCat(describe(), " ran over its time limit of ",
                     absl::FormatDuration(time_limit_), " and was stopped"),
        "lua_time_micros",
        static_cast<uint64_t>(absl::ToInt64Microseconds(time_limit_)));
  } else if (abort_ == Abort::kMemory || rc == LUA_ERRMEM) {
    abort_ = Abort::kMemory;
    CountRefusal(&refused_memory);
    result = OverBudget(absl::StrCat(describe(), " used more than ",
                                     memory_limit_ / kMiB,
                                     " MiB of memory and was stopped"),
                        "lua_memory_bytes", memory_limit_);
  } else if (rc != LUA_OK && RefusalReason(L_, -1, &refusal_)) {
    refused_ = true;
    result = absl::Status(error_code,
                          absl::StrCat(describe(), " refused: ",
                                       CutUtf8(refusal_, kMaxErrorBytes)));
  } else if (rc != LUA_OK) {
    result = absl::Status(error_code,
                          absl::StrCat(describe(), " failed: ", ErrorText(L_)));
  }
  lua_settop(L_, 0);
  links_.clear();  // what they point to is gone with the body's frame
  // A stopped call may leave much garbage; give it back before reuse.
  if (abort_ != Abort::kNone) lua_gc(L_, LUA_GCCOLLECT);
  return result;
}

absl::Status Sandbox::RunChunk(absl::string_view source,
                               absl::string_view chunk_name,
                               absl::StatusCode error_code,
                               absl::string_view what) {
  std::string name = absl::StrCat("@", chunk_name);
  return Run(
      limits_.instructions_per_load,
      [&](lua_State* L) {
        // Mode "t": text only. Bytecode can break the VM's invariants.
        if (luaL_loadbufferx(L, source.data(), source.size(), name.c_str(),
                             "t") != LUA_OK) {
          lua_error(L);
        }
        lua_call(L, 0, 0);
      },
      error_code, what);
}

absl::Status Sandbox::OpenLibraries() {
  const calendar::WorkCalendar* calendar = limits_.calendar;
  return Run(
      limits_.instructions_per_load,
      [calendar](lua_State* L) {
        luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
        luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
        luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
        luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
        luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
        lua_settop(L, 0);
        for (const char* name : {"dofile", "loadfile", "load", "loadstring",
                                 "require", "collectgarbage"}) {
          RemoveGlobal(L, name);
        }
        lua_getglobal(L, "string");
        lua_pushnil(L);
        lua_setfield(L, -2, "dump");
        // C functions whose work the count hook does not see: metered,
        // before the prelude keeps references to them.
        ReplacePatternFunctions(L);
        lua_pop(L, 1);
        MeterLibraries(L);
        // The string metatable is shared by every string: lock it.
        lua_pushliteral(L, "");
        lua_getmetatable(L, -1);
        lua_pushliteral(L, "read-only");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 2);
        // math.randomseed is kept for the engine only: the script's random
        // numbers are seeded per transition and recorded (replay).
        lua_getglobal(L, "math");
        lua_getfield(L, -1, "randomseed");
        lua_setfield(L, LUA_REGISTRYINDEX, "wf.randomseed");
        lua_pushnil(L);
        lua_setfield(L, -2, "randomseed");
        WrapRandom(L);
        lua_pop(L, 1);
        OpenWfLibrary(L, calendar);
        if (luaL_loadbufferx(L, kPrelude, sizeof(kPrelude) - 1, "=prelude",
                             "t") != LUA_OK) {
          lua_error(L);
        }
        lua_pushcfunction(L, &CompleteLazyTableFromLua);
        lua_pushcfunction(L, &IsLazyListFromLua);
        lua_call(L, 2, 4);
        lua_setfield(L, LUA_REGISTRYINDEX, "wf.freeze_table");
        lua_pushvalue(L, -1);
        OpenLazyLists(L);
        OpenLazyTables(L);
        lua_setfield(L, LUA_REGISTRYINDEX, "wf.freeze_deep");
        lua_setfield(L, LUA_REGISTRYINDEX, "wf.freeze");
      },
      absl::StatusCode::kInternal, "Starting the Lua sandbox");
}

void Sandbox::FreezeGlobals() {
  absl::Status s = Run(
      limits_.instructions_per_load,
      [](lua_State* L) {
        lua_getfield(L, LUA_REGISTRYINDEX, "wf.freeze");
        lua_call(L, 0, 0);
      },
      absl::StatusCode::kInternal, "Freezing the globals");
  (void)s;  // a few table writes; cannot exceed its budget
}

void Sandbox::SeedRandom(uint64_t seed) {
  // Applied by math.random when it next draws (SeededRandom): most calls
  // draw nothing, and seeding cost about 700 instructions per call.
  pending_seed_ = seed;
  seed_pending_ = true;
}

int Sandbox::SeededRandom(lua_State* L) {
  Sandbox* s = From(L);
  if (s->seed_pending_) {
    s->seed_pending_ = false;
    lua_getfield(L, LUA_REGISTRYINDEX, "wf.randomseed");
    lua_pushinteger(L, static_cast<lua_Integer>(s->pending_seed_));
    lua_call(L, 1, 0);
  }
  // Lua's math.random, run in this frame (argument errors name 'random'
  // as without the wrapper): its upvalue 1, the generator's state, is
  // this closure's upvalue 1 (WrapRandom).
  auto original = reinterpret_cast<lua_CFunction>(
      lua_touserdata(L, lua_upvalueindex(2)));
  return original(L);
}

void Sandbox::WrapRandom(lua_State* L) {
  // math (at the top of the stack).random: Lua's, with one upvalue.
  lua_getfield(L, -1, "random");
  lua_CFunction original = lua_tocfunction(L, -1);
  const char* state = lua_getupvalue(L, -1, 1);
  if (original == nullptr || state == nullptr ||
      lua_getupvalue(L, -2, 2) != nullptr) {
    luaL_error(L, "math.random is not the one this sandbox knows");
  }
  lua_pushlightuserdata(L, reinterpret_cast<void*>(original));
  lua_pushcclosure(L, &SeededRandom, 2);
  lua_setfield(L, -3, "random");
  lua_pop(L, 1);
}

}  // namespace wf
