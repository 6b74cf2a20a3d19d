// Copyright the wf-engine authors. Apache-2.0.
//
// require(name) for workflow files: shared Lua code kept in the workflows'
// library folder (workflows/lib/<name>.lua), deployed with the workflow and
// pinned in its definition record (docs/lua.md "Shared libraries").
//
//   local plan = require("ke_hoach")   -- runs lib/ke_hoach.lua once per
//                                      -- state, returns what it returned
//
// A module runs in the workflow's own globals, under the load's budget,
// with the chunk name lib/<name>.lua (errors read "lib/ke_hoach.lua:12:
// ..."). Its value is cached like package.loaded. Modules load only while
// the workflow file loads: later calls (from a guard or an action) get the
// cached value of a module already loaded, and an error otherwise, so that
// what a definition runs is always what it pinned.
#ifndef WF_LUA_REQUIRE_LIBRARY_H_
#define WF_LUA_REQUIRE_LIBRARY_H_

#include <map>
#include <string>
#include <vector>

#include <lua.hpp>

namespace wf {

// Library modules a workflow may require: name -> Lua source.
using LuaLibraries = std::map<std::string, std::string>;

// What require has loaded in one state, and from where.
struct RequireState {
  const LuaLibraries* libraries = nullptr;  // not owned
  // Modules loaded so far, in the order their loading began.
  std::vector<std::string> loaded;
  // Modules being loaded now, outermost first (to name a cycle).
  std::vector<std::string> loading;
  // False once the workflow file has loaded: no module loads after that.
  bool open = true;
};

// Installs the global `require` backed by `state`, which must outlive the
// Lua state. Must run inside a Sandbox::Run body.
void OpenRequire(lua_State* L, RequireState* state);

}  // namespace wf

#endif  // WF_LUA_REQUIRE_LIBRARY_H_
