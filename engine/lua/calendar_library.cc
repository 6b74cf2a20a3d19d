// Copyright the wf-engine authors. Apache-2.0.
//
// The calendar as scripts see it. Dates are text: ISO "2026-02-10" in and
// out ("10/02/2026" is accepted too), so that they store as they are in
// variables and compare correctly as text.
//
//   wf.add_workdays("2026-02-12", 3)        --> "2026-02-24" (Tết 2026 skipped)
//   wf.workdays_between("2026-02-12", "2026-02-24")  --> 3
//   wf.is_workday("2026-02-16")             --> false
//   wf.holiday("2026-02-17")                --> "Tết Nguyên đán"
//   wf.add_days("2026-01-31", 10)           --> "2026-02-10"
//   wf.period_end("2026-01-01", 10)         --> "2026-01-12" (Sunday -> Monday)
//   wf.format_date("2026-01-16")            --> "ngày 16 tháng 01 năm 2026"
//   wf.format_date("2026-01-16", "Bắc Ninh") --> "Bắc Ninh, ngày 16 tháng 01 năm 2026"
//   wf.date("10/02/2026")                   --> "2026-02-10"
#include <string>

#include "engine/calendar/vn_date.h"
#include "engine/calendar/work_calendar.h"
#include "engine/lua/sandbox.h"
#include "engine/lua/wf_library.h"

namespace wf {
namespace {

// A Lua error does not unwind C++ frames (Lua is built as C): the functions
// that raise one keep no object with a destructor alive when they do.

bool ParseDay(std::string_view text, absl::CivilDay* day) {
  auto parsed = calendar::ParseDate(text);
  if (parsed.ok()) *day = *parsed;
  return parsed.ok();
}

absl::CivilDay DateArg(lua_State* L, int index) {
  size_t n = 0;
  const char* text = luaL_checklstring(L, index, &n);
  absl::CivilDay day;
  if (!ParseDay(std::string_view(text, n), &day)) {
    luaL_error(L, "bad date '%s': write it as \"2026-02-10\" or \"10/02/2026\"",
               text);
  }
  return day;
}

int CountArg(lua_State* L, int index) {
  lua_Integer n = luaL_checkinteger(L, index);
  // A century of days either way is plenty; beyond that is a script bug.
  luaL_argcheck(L, n >= -36500 && n <= 36500, index, "too many days");
  return static_cast<int>(n);
}

void PushDate(lua_State* L, absl::CivilDay day) {
  std::string iso = calendar::FormatIsoDate(day);
  lua_pushlstring(L, iso.data(), iso.size());
}

// Pushes the date `function(date, count)` computed, or raises an error when
// it is outside the dates a script can pass back: wf.add_workdays(
// "9999-12-30", 5) would give a year-10000 date that every wf function
// then refuses.
void PushComputedDate(lua_State* L, absl::CivilDay day, const char* function) {
  if (day > calendar::kLastTextDay) {
    luaL_error(L,
               "%s('%s', %d) would be after 31/12/9999, the last date the "
               "engine accepts",
               function, lua_tostring(L, 1),
               static_cast<int>(lua_tointeger(L, 2)));
  }
  if (day < calendar::kFirstTextDay) {
    luaL_error(L,
               "%s('%s', %d) would be before 01/01/0001, the first date the "
               "engine accepts",
               function, lua_tostring(L, 1),
               static_cast<int>(lua_tointeger(L, 2)));
  }
  PushDate(L, day);
}

int AddWorkdays(lua_State* L) {
  absl::CivilDay day = DateArg(L, 1);
  PushComputedDate(L, CalendarOf(L).AddWorkdays(day, CountArg(L, 2)),
                   "wf.add_workdays");
  return 1;
}

int AddDays(lua_State* L) {
  absl::CivilDay day = DateArg(L, 1);
  PushComputedDate(L, day + CountArg(L, 2), "wf.add_days");
  return 1;
}

int PeriodEnd(lua_State* L) {
  absl::CivilDay day = DateArg(L, 1);
  PushComputedDate(L, CalendarOf(L).PeriodEnd(day, CountArg(L, 2)),
                   "wf.period_end");
  return 1;
}

int WorkdaysBetween(lua_State* L) {
  absl::CivilDay from = DateArg(L, 1);
  absl::CivilDay to = DateArg(L, 2);
  luaL_argcheck(L, to - from <= 36500 && from - to <= 36500, 2,
                "dates too far apart");
  lua_pushinteger(L, CalendarOf(L).WorkdaysBetween(from, to));
  return 1;
}

int IsWorkday(lua_State* L) {
  lua_pushboolean(L, CalendarOf(L).IsWorkday(DateArg(L, 1)));
  return 1;
}

int Holiday(lua_State* L) {
  auto name = CalendarOf(L).HolidayName(DateArg(L, 1));
  if (name.has_value()) {
    lua_pushlstring(L, name->data(), name->size());
  } else {
    lua_pushnil(L);
  }
  return 1;
}

int FormatDate(lua_State* L) {
  absl::CivilDay day = DateArg(L, 1);
  std::string text;
  if (lua_isnoneornil(L, 2)) {
    text = calendar::FormatVietnameseDate(day);
  } else {
    size_t n = 0;
    const char* place = luaL_checklstring(L, 2, &n);
    text = calendar::FormatPlaceAndDate(std::string_view(place, n), day);
  }
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int Date(lua_State* L) {
  PushDate(L, DateArg(L, 1));
  return 1;
}

}  // namespace

void AddCalendarFunctions(lua_State* L,
                          const calendar::WorkCalendar* calendar) {
  lua_pushlightuserdata(L, const_cast<calendar::WorkCalendar*>(calendar));
  lua_pushvalue(L, -1);
  Sandbox::SetSlot(L, Sandbox::Slot::kCalendar);
  Sandbox::SetSlot(L, Sandbox::Slot::kOpenedCalendar);
  static const luaL_Reg kFunctions[] = {
      {"add_workdays", AddWorkdays}, {"add_days", AddDays},
      {"period_end", PeriodEnd},     {"workdays_between", WorkdaysBetween},
      {"is_workday", IsWorkday},     {"holiday", Holiday},
      {"format_date", FormatDate},   {"date", Date},
      {nullptr, nullptr},
  };
  luaL_setfuncs(L, kFunctions, 0);
}

const calendar::WorkCalendar& CalendarOf(lua_State* L) {
  static const calendar::WorkCalendar* fallback =
      new calendar::WorkCalendar(calendar::WorkCalendar::Default());
  Sandbox::PushSlot(L, Sandbox::Slot::kCalendar);
  auto* calendar =
      static_cast<const calendar::WorkCalendar*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return calendar != nullptr ? *calendar : *fallback;
}

void UseCalendar(lua_State* L, const calendar::WorkCalendar* calendar) {
  if (calendar == nullptr) {
    Sandbox::PushSlot(L, Sandbox::Slot::kOpenedCalendar);
  } else {
    lua_pushlightuserdata(L, const_cast<calendar::WorkCalendar*>(calendar));
  }
  Sandbox::SetSlot(L, Sandbox::Slot::kCalendar);
}

}  // namespace wf
