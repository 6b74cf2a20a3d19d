// Copyright the wf-engine authors. Apache-2.0.
//
// The `wf` library every workflow script sees (documented in docs/lua.md):
//   wf.null        JSON null (Lua's nil cannot be stored in a table)
//   wf.array(t)    marks t (or a new table) as a JSON array, so that an
//                  empty list stays a list
//   wf.log(...)    writes a line to the server log (so does print)
//   calendar functions (calendar_library.cc): wf.add_workdays, wf.add_days,
//   wf.period_end, wf.workdays_between, wf.is_workday, wf.holiday,
//   wf.format_date, wf.date
#ifndef WF_LUA_WF_LIBRARY_H_
#define WF_LUA_WF_LIBRARY_H_

#include <string>

#include <lua.hpp>

namespace wf {

namespace calendar {
class WorkCalendar;
}

// Sets the global `wf` and `print`. Call inside a protected call.
// `calendar` (not owned, may be null for the default) backs the calendar
// functions.
void OpenWfLibrary(lua_State* L, const calendar::WorkCalendar* calendar);

// Adds the calendar functions to the table at the top of the stack.
void AddCalendarFunctions(lua_State* L, const calendar::WorkCalendar* calendar);

// The calendar the calendar functions use now (never null): the one the
// state was opened with, or the one UseCalendar set for the current call.
const calendar::WorkCalendar& CalendarOf(lua_State* L);

// The calendar of the call about to run: a document's province calendar,
// or null for the one the state was opened with. Every call that passes
// ctx sets it, so a state shared by documents of several provinces never
// answers with the previous document's days.
void UseCalendar(lua_State* L, const calendar::WorkCalendar* calendar);

// Pushes the JSON null sentinel.
void PushNull(lua_State* L);
bool IsNull(lua_State* L, int index);

// Sets the array marker metatable on the table at the top of the stack.
void MarkArray(lua_State* L);
bool IsMarkedArray(lua_State* L, int index);

// True if the value at `index` is what wf.refuse(reason) raised, its
// reason still text; sets *reason to it.
bool RefusalReason(lua_State* L, int index, std::string* reason);

}  // namespace wf

#endif  // WF_LUA_WF_LIBRARY_H_
