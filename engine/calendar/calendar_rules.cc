#include "engine/calendar/calendar_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace wf::calendar {
namespace {

// Debian's abseil has its own absl::string_view, distinct from
// std::string_view; the public API takes the standard one.
absl::string_view Absl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

std::string DayString(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::Status TableError(const YearTable& table, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("calendar table for ", table.year, ": ", what));
}

absl::Status CheckInYear(const YearTable& table, absl::string_view field,
                         absl::CivilDay day) {
  if (day.year() == table.year) return absl::OkStatus();
  return TableError(table, absl::StrCat(field, ": ", DayString(day),
                                        " is not in ", table.year));
}

absl::Status ValidateTable(const YearTable& table) {
  std::set<absl::CivilDay> off;
  for (const auto& [holiday, days] : table.holidays) {
    const std::string field =
        absl::StrCat("holidays.", Absl(HolidayKey(holiday)));
    if (days.empty()) {
      return TableError(table, absl::StrCat(field, " is empty"));
    }
    for (absl::CivilDay day : days) {
      if (absl::Status s = CheckInYear(table, field, day); !s.ok()) return s;
      off.insert(day);
    }
  }
  for (const TableDayOff& day_off : table.days_off) {
    if (absl::Status s = CheckInYear(table, "days_off", day_off.day); !s.ok()) {
      return s;
    }
    if (day_off.name.empty()) {
      return TableError(table,
                        absl::StrCat("days_off: ", DayString(day_off.day),
                                     " has an empty name"));
    }
    off.insert(day_off.day);
  }
  for (absl::CivilDay day : table.working_days) {
    if (absl::Status s = CheckInYear(table, "working_days", day); !s.ok()) {
      return s;
    }
    if (off.count(day) > 0) {
      return TableError(table, absl::StrCat("working_days: ", DayString(day),
                                            " is also listed as a day off"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view HolidayKey(Holiday holiday) {
  switch (holiday) {
    case Holiday::kNewYear:
      return "new_year";
    case Holiday::kTet:
      return "tet";
    case Holiday::kHungKings:
      return "hung_kings";
    case Holiday::kVictoryDay:
      return "victory_day";
    case Holiday::kLabourDay:
      return "labour_day";
    case Holiday::kNationalDay:
      return "national_day";
  }
  return "";
}

std::optional<Holiday> HolidayFromKey(std::string_view key) {
  for (Holiday holiday : kAllHolidays) {
    if (HolidayKey(holiday) == key) return holiday;
  }
  return std::nullopt;
}

std::string_view HolidayDisplayName(Holiday holiday) {
  switch (holiday) {
    case Holiday::kNewYear:
      return "Tết Dương lịch";
    case Holiday::kTet:
      return "Tết Nguyên đán";
    case Holiday::kHungKings:
      return "Giỗ Tổ Hùng Vương";
    case Holiday::kVictoryDay:
      return "Ngày Chiến thắng";
    case Holiday::kLabourDay:
      return "Quốc tế Lao động";
    case Holiday::kNationalDay:
      return "Quốc khánh";
  }
  return "";
}

absl::Status ValidateRules(const CalendarRules& rules) {
  std::set<int> years;
  for (const YearTable& table : rules.tables) {
    if (!years.insert(table.year).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar table for ", table.year, " is given twice"));
    }
    if (absl::Status s = ValidateTable(table); !s.ok()) return s;
  }
  return absl::OkStatus();
}

namespace {

// One year of the national table with the province's on top.
YearTable OverlayYear(YearTable year, const YearTable& province) {
  if (province.replace_all) return province;
  std::set<absl::CivilDay> off, working(province.working_days.begin(),
                                        province.working_days.end());
  for (const auto& [holiday, days] : province.holidays) {
    year.holidays[holiday] = days;
    off.insert(days.begin(), days.end());
  }
  for (const TableDayOff& d : province.days_off) off.insert(d.day);
  year.days_off.erase(
      std::remove_if(year.days_off.begin(), year.days_off.end(),
                     [&](const TableDayOff& d) {
                       return working.count(d.day) > 0 || off.count(d.day) > 0;
                     }),
      year.days_off.end());
  year.days_off.insert(year.days_off.end(), province.days_off.begin(),
                       province.days_off.end());
  year.working_days.erase(
      std::remove_if(year.working_days.begin(), year.working_days.end(),
                     [&](absl::CivilDay d) {
                       return off.count(d) > 0 || working.count(d) > 0;
                     }),
      year.working_days.end());
  year.working_days.insert(year.working_days.end(),
                           province.working_days.begin(),
                           province.working_days.end());
  return year;
}

}  // namespace

CalendarRules OverlayRules(const CalendarRules& national,
                           const CalendarRules& province) {
  CalendarRules result = national;
  for (const YearTable& p : province.tables) {
    auto same_year = [&](const YearTable& t) { return t.year == p.year; };
    auto it = std::find_if(result.tables.begin(), result.tables.end(),
                           same_year);
    if (it == result.tables.end()) {
      result.tables.push_back(p);
    } else {
      *it = OverlayYear(*it, p);
    }
  }
  return result;
}

}  // namespace wf::calendar
