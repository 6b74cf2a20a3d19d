// Copyright the wf-engine authors. Apache-2.0.
//
// string.find, string.match, string.gmatch and string.gsub for the sandbox:
// Lua 5.4 patterns (reference manual §6.4.1), implemented here so that every
// step of a match is charged to the running call's instruction budget. A
// pattern is compiled once per call into a list of items; a backtracking
// matcher then walks the list, recursing only at a repetition that has
// alternatives left, with an explicit depth limit that is local to each
// search (a gmatch iterator called again after an error starts afresh).
//
// Differences from Lua's own functions, none visible to a correct script:
//   - the error messages for malformed patterns name the position;
//   - "pattern too complex" counts open repetitions, not every item, so a
//     few patterns Lua refuses as too complex match here.
#ifndef WF_LUA_LUA_PATTERNS_H_
#define WF_LUA_LUA_PATTERNS_H_

#include <lua.hpp>

namespace wf {

// Sets find, match, gmatch and gsub in the string table on top of the
// stack. Calls of them must run inside Sandbox::Run (they charge the call).
void ReplacePatternFunctions(lua_State* L);

}  // namespace wf

#endif  // WF_LUA_LUA_PATTERNS_H_
