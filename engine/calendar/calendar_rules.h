// The rules a WorkCalendar is built from: the statutory holidays, the
// defaults chosen where the law leaves a choice, and the official table that
// the government publishes each year (days swapped, days in lieu, the exact
// Tết days), which province plugins supply as data.
//
// Example (the official 2026 table, as JSON, see docs/calendar.md):
//   absl::StatusOr<CalendarRules> rules = ParseCalendarRules(R"({
//     "years": [{
//       "year": 2026,
//       "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
//       "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"}]
//     }]})");
//   absl::StatusOr<WorkCalendar> calendar = WorkCalendar::Create(*rules);

#ifndef ENGINE_CALENDAR_CALENDAR_RULES_H_
#define ENGINE_CALENDAR_CALENDAR_RULES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace wf::calendar {

// The public holidays of Bộ luật Lao động 2019, Điều 112.
enum class Holiday {
  kNewYear,      // Tết Dương lịch, 01/01.
  kTet,          // Tết Nguyên đán, 5 days around lunar 01/01.
  kHungKings,    // Giỗ Tổ Hùng Vương, lunar 10/03.
  kVictoryDay,   // Ngày Chiến thắng, 30/04.
  kLabourDay,    // Quốc tế Lao động, 01/05.
  kNationalDay,  // Quốc khánh, 02/09 and one adjacent day.
};

inline constexpr Holiday kAllHolidays[] = {
    Holiday::kNewYear,    Holiday::kTet,       Holiday::kHungKings,
    Holiday::kVictoryDay, Holiday::kLabourDay, Holiday::kNationalDay};

// The key used in the data format: "new_year", "tet", "hung_kings",
// "victory_day", "labour_day", "national_day".
std::string_view HolidayKey(Holiday holiday);

// The inverse of HolidayKey; nullopt for an unknown key.
std::optional<Holiday> HolidayFromKey(std::string_view key);

// The Vietnamese name (UTF-8), e.g. "Tết Nguyên đán".
std::string_view HolidayDisplayName(Holiday holiday);

// The name of a day given back for a holiday on a rest day (Điều 111.3).
inline constexpr std::string_view kInLieuName = "Nghỉ bù";

// Which day next to 02/09 is the second day of Quốc khánh when a year's
// table does not say. The law (Điều 112.1.đ) leaves the choice to the
// Prime Minister each year.
enum class NationalDayAdjacent {
  // The neighbour that joins 02/09 to a weekend: 02/09 on Tuesday, Friday or
  // Saturday -> 01/09; on Sunday, Monday or Thursday -> 03/09; on Wednesday
  // -> 01/09 (a guess: either day makes a 3-day bridge to a weekend).
  // Matches the official tables of 2021-2025.
  kByWeekday,
  kBefore,  // Always 01/09.
  kAfter,   // Always 03/09.
};

// A day off listed in a year's table.
struct TableDayOff {
  absl::CivilDay day;
  std::string name = std::string(kInLieuName);
  // When set, this day is the one given back for that holiday falling on a
  // rest day, and the engine computes no compensation for the holiday.
  std::optional<Holiday> in_lieu_of;
};

// The official table of one civil year ("lịch nghỉ lễ, Tết" of that year).
// Every day listed must lie in `year`.
struct YearTable {
  int year = 0;
  // When true, nothing of the computed default is used for this year: the
  // days off are exactly `holidays` and `days_off`.
  bool replace_all = false;
  // Replaces the computed days of a holiday. The days listed are that
  // holiday's days off, rest days inside the range included, and no
  // compensation is computed for it (the official table already counts it).
  std::map<Holiday, std::vector<absl::CivilDay>> holidays;
  // Further days off: days in lieu, weekdays swapped for a Saturday, a
  // province's own day off.
  std::vector<TableDayOff> days_off;
  // Working days although they would otherwise be off, e.g. the Saturday
  // worked in exchange for a weekday off ("làm bù").
  std::vector<absl::CivilDay> working_days;
};

struct CalendarRules {
  NationalDayAdjacent national_day_adjacent = NationalDayAdjacent::kByWeekday;
  // Give back holidays that fall on Saturday or Sunday (Điều 111.3). Applies
  // to computed holidays only.
  bool compensate_rest_day_holidays = true;
  // At most one table per year.
  std::vector<YearTable> tables;
};

// Checks the rules: one table per year, every listed day inside its table's
// year, no day both a working day and a day off in the same table, names
// not empty. INVALID_ARGUMENT naming the year, the field and the day.
absl::Status ValidateRules(const CalendarRules& rules);

// Parses the JSON data format described in docs/calendar.md and validates
// the result. Errors are INVALID_ARGUMENT and name the place: the line and
// column of a syntax error, or the path of the field (e.g.
// `years[0].holidays.tet[0].to`) and what is wrong with it.
absl::StatusOr<CalendarRules> ParseCalendarRules(std::string_view json_text);

// The same format for a province's own days (a plugin's `lich`,
// docs/plugins.md): only `years` and `note` at the top level, since
// national_day_adjacent and compensation are the law's, not a province's.
absl::StatusOr<CalendarRules> ParseProvinceCalendarRules(
    std::string_view json_text);

// A province's days laid over the national rules. For a year both give:
// the province's `holidays` replace the national ones holiday by holiday;
// its days off and working days are added, and win where the national
// table says the opposite of a day; its `replace_all` replaces the national
// year whole. Years only one of them gives are taken as they are. The
// national settings are kept. The result still needs ValidateRules.
CalendarRules OverlayRules(const CalendarRules& national,
                           const CalendarRules& province);

}  // namespace wf::calendar

#endif  // ENGINE_CALENDAR_CALENDAR_RULES_H_
