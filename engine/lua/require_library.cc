// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/require_library.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/util/text.h"

namespace wf {
namespace {

constexpr char kStateKey[] = "wf.require";
constexpr char kLoadedKey[] = "wf.loaded";
// The cache's mark for a module whose loading has begun but not ended.
constexpr char kLoadingMark[] = "wf.loading";

RequireState* StateOf(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kStateKey);
  auto* state = static_cast<RequireState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return state;
}

// The text of the error for `name`, or "" when it may load now.
std::string WhyNot(const RequireState& state, const std::string& name) {
  if (!IsIdentifier(name)) {
    return absl::StrCat("require(\"", name, "\"): a module name is lower-case ",
                        "letters, digits and _, starting with a letter");
  }
  if (!state.open) {
    return absl::StrCat("require(\"", name, "\") outside the top level: a ",
                        "module loads while the workflow file loads; write ",
                        "local x = require(\"", name, "\") at the top of the ",
                        "file");
  }
  if (state.libraries == nullptr || state.libraries->count(name) == 0) {
    std::vector<std::string> names;
    if (state.libraries != nullptr) {
      for (const auto& [known, source] : *state.libraries) names.push_back(known);
    }
    return absl::StrCat("require(\"", name, "\"): no module '", name,
                        "' in the library folder (lib/", name, ".lua); ",
                        names.empty() ? "it has no modules"
                                      : absl::StrCat("its modules: ",
                                                     absl::StrJoin(names, ", ")));
  }
  return "";
}

std::string Cycle(const RequireState& state, const std::string& name) {
  std::vector<std::string> chain;
  bool in_cycle = false;
  for (const std::string& loading : state.loading) {
    in_cycle = in_cycle || loading == name;
    if (in_cycle) chain.push_back(loading);
  }
  chain.push_back(name);
  return absl::StrCat("require(\"", name, "\"): the modules require each ",
                      "other in a cycle: ", absl::StrJoin(chain, " -> "));
}

// Runs lib/<name>.lua and leaves its value (true for nothing) on the
// stack; false and the error on the stack if it fails.
bool LoadModule(lua_State* L, RequireState* state, const std::string& name) {
  const std::string& source = state->libraries->at(name);
  const std::string chunk = absl::StrCat("@lib/", name, ".lua");
  state->loaded.push_back(name);
  state->loading.push_back(name);
  // Mode "t": text only, as for the workflow file.
  int rc = luaL_loadbufferx(L, source.data(), source.size(), chunk.c_str(),
                            "t");
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 1, 0);
  state->loading.pop_back();
  if (rc != LUA_OK) return false;
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  return true;
}

// require(name): upvalue-free; the state lives in the registry.
int Require(lua_State* L) {
  size_t n = 0;
  const char* text = luaL_checklstring(L, 1, &n);
  const std::string name(text, n);
  RequireState* state = StateOf(L);
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadedKey);  // 2: the cache
  lua_getfield(L, 2, name.c_str());                // 3: cached value
  if (lua_islightuserdata(L, 3) && lua_touserdata(L, 3) == kLoadingMark) {
    return luaL_error(L, "%s", Cycle(*state, name).c_str());
  }
  if (!lua_isnil(L, 3)) return 1;
  lua_pop(L, 1);
  const std::string refused = WhyNot(*state, name);
  if (!refused.empty()) return luaL_error(L, "%s", refused.c_str());
  lua_pushlightuserdata(L, const_cast<char*>(kLoadingMark));
  lua_setfield(L, 2, name.c_str());
  if (!LoadModule(L, state, name)) {
    // Unmarked, so that a script catching the error (pcall) and asking
    // again gets the module's error again, not a cycle.
    lua_pushnil(L);
    lua_setfield(L, 2, name.c_str());
    return lua_error(L);
  }
  lua_pushvalue(L, 3);  // 3: the module's value
  lua_setfield(L, 2, name.c_str());
  return 1;
}

}  // namespace

void OpenRequire(lua_State* L, RequireState* state) {
  lua_pushlightuserdata(L, state);
  lua_setfield(L, LUA_REGISTRYINDEX, kStateKey);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadedKey);
  lua_register(L, "require", &Require);
}

}  // namespace wf
