// Copyright the wf-engine authors. Apache-2.0.
//
// Charges the standard library's C functions to the instruction budget.
// The count hook sees one instruction for `s:upper()` whatever the size of
// s; each function here whose work grows with its input is replaced by a
// wrapper that charges the call (rates: engine/lua/metering.h) from its
// arguments before the work — so that a call too big for the budget is
// refused before it runs — and from its results after. table.sort is our
// own (a merge sort on the Lua stack, a heapsort for long lists), charged
// per comparison and per move. docs/lua.md lists
// what each function costs.
#ifndef WF_LUA_METERED_LIBRARY_H_
#define WF_LUA_METERED_LIBRARY_H_

#include <lua.hpp>

namespace wf {

// Meters the functions of the global tables _G, string, table, math and
// utf8 (those present). Run once, after the libraries are opened and
// before any Lua code keeps references to their functions.
void MeterLibraries(lua_State* L);

}  // namespace wf

#endif  // WF_LUA_METERED_LIBRARY_H_
