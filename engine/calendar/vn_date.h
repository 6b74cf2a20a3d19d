// Dates written the Vietnamese way, and Vietnam's civil time.
//
// Official documents write the date as "ngày 05 tháng 02 năm 2026"
// (Nghị định 30/2020/NĐ-CP, Phụ lục I): a day below 10 and the months 1 and 2
// get a leading zero, so that nobody can turn "tháng 1" into "tháng 11" or
// "ngày 5" into "ngày 15"; months 3 to 9 are written as they are
// ("ngày 15 tháng 7 năm 2026").
//
// Vietnam keeps UTC+7 all year (no daylight saving time).
//
// Example:
//   FormatVietnameseDate(absl::CivilDay(2026, 1, 16))
//       == "ngày 16 tháng 01 năm 2026"
//   FormatPlaceAndDate("Bắc Ninh", absl::CivilDay(2026, 1, 16))
//       == "Bắc Ninh, ngày 16 tháng 01 năm 2026"
//   ParseDate("10/02/2026") and ParseDate("2026-02-10") both give
//       absl::CivilDay(2026, 2, 10).

#ifndef ENGINE_CALENDAR_VN_DATE_H_
#define ENGINE_CALENDAR_VN_DATE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace wf::calendar {

// "ngày 16 tháng 01 năm 2026" (UTF-8).
std::string FormatVietnameseDate(absl::CivilDay day);

// "<place>, ngày 16 tháng 01 năm 2026", the place-and-date line of a
// document ("địa danh và thời gian ban hành văn bản").
std::string FormatPlaceAndDate(std::string_view place, absl::CivilDay day);

// "16/01/2026", as dates are written in plans and tables.
std::string FormatDayMonthYear(absl::CivilDay day);

// "2026-01-16".
std::string FormatIsoDate(absl::CivilDay day);

// Parses "dd/mm/yyyy" (day and month of one or two digits: "5/2/2026" is
// accepted) or ISO "yyyy-mm-dd" (exactly that shape). Spaces around the text
// are ignored. INVALID_ARGUMENT, with the text and the reason, for any other
// shape or for a day that does not exist (31/02/2026), and for a year
// outside 1..9999.
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text);

// Vietnam's time zone: a fixed UTC+7.
absl::TimeZone VietnamTimeZone();

// The civil day in Vietnam at instant t.
absl::CivilDay ToVietnamDay(absl::Time t);

// The instant the civil day starts in Vietnam (00:00 UTC+7).
absl::Time StartOfVietnamDay(absl::CivilDay day);

// The instant the civil day ends in Vietnam: 24:00 UTC+7, which is the start
// of the next day. A period "ends at the end of its last day" (Bộ luật Dân
// sự, Điều 148) at this instant; it is exclusive: StartOfVietnamDay(day) <=
// t < EndOfVietnamDay(day) for every t on that day.
absl::Time EndOfVietnamDay(absl::CivilDay day);

}  // namespace wf::calendar

#endif  // ENGINE_CALENDAR_VN_DATE_H_
