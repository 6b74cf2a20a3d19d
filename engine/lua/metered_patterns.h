// Copyright the wf-engine authors. Apache-2.0.
//
// string.find, string.match, string.gmatch and string.gsub with their work
// charged to the sandbox's instruction budget. Lua's own matcher runs in C,
// where the count hook never fires: one call with a backtracking pattern
// (".-.-b" on a long subject) or a plain find of a long needle can run for
// hours. These are Lua 5.4's functions (lstrlib.c) with a step counter.
#ifndef WF_LUA_METERED_PATTERNS_H_
#define WF_LUA_METERED_PATTERNS_H_

#include <lua.hpp>

namespace wf {

// Replaces find, match, gmatch and gsub in the string table on top of the
// stack. Must run inside Sandbox::Run (they charge the running call).
void ReplacePatternFunctions(lua_State* L);

}  // namespace wf

#endif  // WF_LUA_METERED_PATTERNS_H_
