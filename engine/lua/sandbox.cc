// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/sandbox.h"

#include <cstdlib>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/lua/wf_library.h"

namespace wf {
namespace {

// The hook runs every kHookStep instructions; the budget is checked then.
constexpr int kHookStep = 1000;
constexpr size_t kMiB = 1 << 20;

// Lua code run once per state, before any workflow code. It replaces `pairs`
// with a sorted one (determinism) and `setmetatable` with one that refuses
// finalisers (a __gc could run code outside any call's budget), and returns
// the function that freezes the globals once a workflow file has loaded.
constexpr char kPrelude[] = R"lua(
local next, type, getmetatable, rawget, error, tostring =
      next, type, getmetatable, rawget, error, tostring
local sort, raw_setmetatable = table.sort, setmetatable

local function before(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return b and not a end
  return false
end

function pairs(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and mt.__pairs then return mt.__pairs(t) end
  local keys, n = {}, 0
  for k in next, t do n = n + 1; keys[n] = k end
  sort(keys, before)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k == nil then return nil end
    return k, rawget(t, k)
  end, t, nil
end

-- Lua calls an xpcall message handler while raising the error; for an error
-- raised by the budget hook that is a moment when hooks are off, so a
-- handler that loops would never be stopped. Ours runs the handler after the
-- failed call has unwound, under the budget like any other code.
local pcall, pack, unpack = pcall, table.pack, table.unpack
function xpcall(f, handler, ...)
  local r = pack(pcall(f, ...))
  if r[1] then return unpack(r, 1, r.n) end
  return false, handler(r[2])
end

function setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("finalisers (__gc) are not allowed in workflow scripts", 2)
  end
  return raw_setmetatable(t, mt)
end

local function readonly(t, name)
  return raw_setmetatable({}, {
    __index = t,
    __newindex = function(_, k)
      error("cannot change " .. name .. "." .. tostring(k) ..
            ": the library is read-only", 2)
    end,
    __pairs = function() return pairs(t) end,
    __metatable = "read-only",
  })
end

return function()
  for _, name in ipairs({"string", "table", "math", "utf8", "wf"}) do
    _G[name] = readonly(_G[name], name)
  end
  raw_setmetatable(_G, {
    __newindex = function(_, k)
      error("cannot create the global '" .. tostring(k) .. "' in a guard " ..
            "or action: use a local variable, or ctx.vars to keep a value", 2)
    end,
    __metatable = "read-only",
  })
end
)lua";

int Trampoline(lua_State* L) {
  auto* body =
      static_cast<const std::function<void(lua_State*)>*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  (*body)(L);
  return 0;
}

// The error value as text, without running Lua code (a __tostring could
// loop) and without allocating (the state may be out of memory).
std::string ErrorText(lua_State* L) {
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, -1, &n);
      return std::string(s, n);
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
    std::free(ptr);
    s->used_ -= old;
    return nullptr;
  }
  if (new_size > old && s->used_ - old + new_size > s->memory_limit_) {
    s->abort_ = Abort::kMemory;
    return nullptr;  // Lua raises a memory error; shrinking never fails
  }
  void* p = std::realloc(ptr, new_size);
  if (p == nullptr) return nullptr;
  s->used_ = s->used_ - old + new_size;
  return p;
}

void Sandbox::CountHook(lua_State* L, lua_Debug* ar) {
  Sandbox* s = From(L);
  s->executed_ += kHookStep;
  if (s->abort_ == Abort::kNone && s->executed_ > s->budget_) {
    s->abort_ = Abort::kInstructions;
  }
  if (s->abort_ == Abort::kNone) return;
  // From now on raise at every instruction, so a script that catches the
  // error with pcall is stopped again at once, all the way out.
  lua_sethook(L, &Sandbox::CountHook, LUA_MASKCOUNT, 1);
  luaL_error(L, s->abort_ == Abort::kMemory ? "memory limit exceeded"
                                            : "instruction budget exceeded");
}

absl::Status Sandbox::Run(uint64_t instruction_budget,
                          const std::function<void(lua_State*)>& body,
                          absl::StatusCode error_code, absl::string_view what) {
  abort_ = Abort::kNone;
  executed_ = 0;
  budget_ = instruction_budget;
  lua_settop(L_, 0);
  lua_sethook(L_, &Sandbox::CountHook, LUA_MASKCOUNT, kHookStep);
  lua_pushcfunction(L_, &Trampoline);
  lua_pushlightuserdata(
      L_, const_cast<std::function<void(lua_State*)>*>(&body));
  int rc = lua_pcall(L_, 1, 0, 0);
  lua_sethook(L_, nullptr, 0, 0);
  absl::Status result;
  if (abort_ == Abort::kInstructions) {
    result = absl::ResourceExhaustedError(absl::StrCat(
        what, " ran over its budget of ", instruction_budget,
        " Lua instructions (an endless loop?) and was stopped"));
  } else if (abort_ == Abort::kMemory || rc == LUA_ERRMEM) {
    abort_ = Abort::kMemory;
    result = absl::ResourceExhaustedError(
        absl::StrCat(what, " used more than ", memory_limit_ / kMiB,
                     " MiB of memory and was stopped"));
  } else if (rc != LUA_OK) {
    result = absl::Status(error_code,
                          absl::StrCat(what, " failed: ", ErrorText(L_)));
  }
  lua_settop(L_, 0);
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
        lua_pop(L, 1);
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
        lua_pop(L, 1);
        OpenWfLibrary(L, calendar);
        if (luaL_loadbufferx(L, kPrelude, sizeof(kPrelude) - 1, "=prelude",
                             "t") != LUA_OK) {
          lua_error(L);
        }
        lua_call(L, 0, 1);
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
  // Must be called inside a Run body.
  lua_getfield(L_, LUA_REGISTRYINDEX, "wf.randomseed");
  lua_pushinteger(L_, static_cast<lua_Integer>(seed));
  lua_call(L_, 1, 0);
}

}  // namespace wf
