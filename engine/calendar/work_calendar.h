// Working days of Vietnamese civil servants, and deadlines counted in days.
//
// A day is a working day when it is Monday to Friday and not a day off, or
// when the year's official table declares it a working day (a Saturday
// worked in exchange for a weekday off). The days off of a year are, unless
// its table (CalendarRules, calendar_rules.h) says otherwise:
//   - the public holidays of Bộ luật Lao động 2019, Điều 112, with
//     Tết Nguyên đán = the last day of the lunar year and mùng 1..4 of the
//     new one, and Quốc khánh = 02/09 plus the neighbour chosen by
//     CalendarRules::national_day_adjacent;
//   - for each of those falling on Saturday or Sunday, the next Monday to
//     Friday that is not already off ("Nghỉ bù", Điều 111.3). Several
//     weekend holidays in one block are given back in order, after it.
//
// Counting follows Bộ luật Dân sự 2015, Điều 147-148: the day of the event
// (`start`) is never counted.
//
// A WorkCalendar is immutable and safe to use from many threads at once;
// copies share their state. Each year is worked out on first use and kept,
// so that a query is a few array reads.
//
// Example:
//   absl::StatusOr<WorkCalendar> calendar = WorkCalendar::Create(rules);
//   // A dossier received on Thursday 12/02/2026 with 3 working days to
//   // answer, Tết being 14/02-22/02/2026: Friday 13/02, Monday 23/02 and
//   // Tuesday 24/02 count.
//   calendar->AddWorkdays(absl::CivilDay(2026, 2, 12), 3);  // 2026-02-24
//   // 10 days from Thursday 01/01/2026 end on Sunday 11/01, so on Monday.
//   calendar->PeriodEnd(absl::CivilDay(2026, 1, 1), 10);    // 2026-01-12

#ifndef ENGINE_CALENDAR_WORK_CALENDAR_H_
#define ENGINE_CALENDAR_WORK_CALENDAR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "engine/calendar/calendar_rules.h"

namespace wf::calendar {

// The dates the engine reads and writes as text (ParseDate, vn_date.h):
// 01/01/0001 to 31/12/9999. WorkCalendar computes outside them too, but a
// date there cannot be read back: whoever hands a computed date to a script
// or a record checks InTextRange first.
inline constexpr absl::CivilDay kFirstTextDay(1, 1, 1);
inline constexpr absl::CivilDay kLastTextDay(9999, 12, 31);
inline bool InTextRange(absl::CivilDay day) {
  return kFirstTextDay <= day && day <= kLastTextDay;
}

class WorkCalendar {
 public:
  // Builds a calendar; INVALID_ARGUMENT when ValidateRules fails.
  static absl::StatusOr<WorkCalendar> Create(CalendarRules rules);

  // The computed default alone: no official tables.
  static WorkCalendar Default();

  // True on a working day.
  bool IsWorkday(absl::CivilDay day) const;

  // The Vietnamese name of the day off, e.g. "Tết Nguyên đán" or "Nghỉ bù";
  // nullopt for a working day and for an ordinary Saturday or Sunday.
  std::optional<std::string> HolidayName(absl::CivilDay day) const;

  // The first working day on or after `day`.
  absl::CivilDay NextWorkdayOnOrAfter(absl::CivilDay day) const;

  // The n-th working day after `start`, `start` not counted: "within n
  // working days of receipt" ends at the end of AddWorkdays(receipt, n).
  // n == 0 gives `start` if it is a working day, else the next working day.
  // n < 0 counts backwards: the |n|-th working day before `start`.
  absl::CivilDay AddWorkdays(absl::CivilDay start, int n) const;

  // The number of working days d with from < d <= to when from <= to; when
  // to < from, minus the number with to < d <= from. So it is 0 when
  // from == to, WorkdaysBetween(a, b) == -WorkdaysBetween(b, a), and
  // WorkdaysBetween(s, AddWorkdays(s, n)) == n for n >= 1.
  int WorkdaysBetween(absl::CivilDay from, absl::CivilDay to) const;

  // The last day of a period of `calendar_days` days from `start` (civil
  // code: `start` not counted, so start + calendar_days), moved to the next
  // working day when that day is a rest day or a day off. The period ends
  // at the end of the returned day (EndOfVietnamDay in vn_date.h).
  // calendar_days < 0 is computed the same way.
  absl::CivilDay PeriodEnd(absl::CivilDay start, int calendar_days) const;

  // The rules the calendar was built from.
  const CalendarRules& rules() const;

 private:
  class Impl;
  explicit WorkCalendar(std::shared_ptr<const Impl> impl);

  std::shared_ptr<const Impl> impl_;
};

}  // namespace wf::calendar

#endif  // ENGINE_CALENDAR_WORK_CALENDAR_H_
