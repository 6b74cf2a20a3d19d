// Copyright the wf-engine authors. Apache-2.0.
//
// The `wf` library every workflow script sees (documented in docs/lua.md):
//   wf.null        JSON null (Lua's nil cannot be stored in a table)
//   wf.array(t)    marks t (or a new table) as a JSON array, so that an
//                  empty list stays a list
//   wf.log(...)    writes a line to the server log (so does print)
#ifndef WF_LUA_WF_LIBRARY_H_
#define WF_LUA_WF_LIBRARY_H_

#include <lua.hpp>

namespace wf {

// Sets the global `wf` and `print`. Call inside a protected call.
void OpenWfLibrary(lua_State* L);

// Pushes the JSON null sentinel.
void PushNull(lua_State* L);
bool IsNull(lua_State* L, int index);

// Sets the array marker metatable on the table at the top of the stack.
void MarkArray(lua_State* L);
bool IsMarkedArray(lua_State* L, int index);

}  // namespace wf

#endif  // WF_LUA_WF_LIBRARY_H_
