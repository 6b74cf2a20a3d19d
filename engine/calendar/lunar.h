// The Vietnamese lunar calendar (âm lịch), computed from astronomy.
//
// A lunar month starts on the civil day, in Vietnam time, of a new moon. The
// month that contains the December solstice is month 11. When 13 new moons
// start between two consecutive months 11, the first of those months that
// contains no major solar term (trung khí: the sun's longitude crossing a
// multiple of 30 degrees) is a leap month (tháng nhuận) and repeats the number
// of the month before it. Month 1 day 1 is Tết Nguyên đán.
//
// Vietnam's calendar is computed for UTC+7 (since 1968), China's for UTC+8.
// When a new moon or a solar term falls between 00:00 and 01:00 Beijing time
// the two differ: Tết 1985 is 21/01/1985 in Vietnam and 20/02/1985 in China,
// Tết 2007 is 17/02/2007 and 18/02/2007, Tết 2030 is 02/02/2030 and
// 03/02/2030.
//
// The functions take the UTC offset as a parameter so that the Chinese
// calendar can be computed for comparison, and historical dates: before 1968
// the calendar in use in Vietnam was computed for UTC+8, so lunar dates of
// events before then are those of utc_offset_hours = 8. Deadlines use the
// default.
//
// Method (lunar.cc, astronomy.h): the instants of the true new moons come
// from Jean Meeus's series (Astronomical Algorithms, 2nd ed., ch. 49, with
// its planetary terms), those of the major solar terms from the Sun's
// apparent longitude by VSOP87D with nutation and aberration, and ΔT from
// Espenak & Meeus's 2006 polynomials; each instant is turned into a civil
// day at the UTC offset and the rule above applied. We compute rather than
// use ICU's astronomical ChineseCalendar because ICU's astronomy is coarser:
// ICU 72 at UTC+8 gets 8 of the 400 Chinese New Years 1800-2199 wrong
// against the ephemeris below (2027 and 2030 among them).
//
// Accuracy, against PyEphem's ephemeris: new moons and solar terms agree
// within 15 seconds over 1900-2025 (root mean square 4-6 s) and 17 s over
// 1800-1899; after 2025 the two extrapolations of ΔT part, and by 2100-2200
// the instants differ by up to 40 s, the size of nobody's knowledge of ΔT
// then. Over 1800-2199 every Tết, Giỗ Tổ and leap month agrees with the
// ephemeris at UTC+7 and UTC+8, and of the 9896 month starts one differs:
// month 6 of 1967 at UTC+7, whose new moon is within 3 seconds of midnight
// (lunar_test.cc lists the events that close to midnight). Years 1800-2199
// are accepted; outside them SolarToLunar still answers by the same
// formulas, with decreasing accuracy.
//
// Example:
//   LunarDate d = SolarToLunar(absl::CivilDay(2026, 2, 17));
//   // d == LunarDate{2026, 1, 1, false}: mùng 1 Tết Bính Ngọ.
//   absl::StatusOr<absl::CivilDay> gio_to = LunarToSolar(2026, 3, 10, false);
//   // *gio_to == absl::CivilDay(2026, 4, 26)

#ifndef ENGINE_CALENDAR_LUNAR_H_
#define ENGINE_CALENDAR_LUNAR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace wf::calendar {

// Vietnam's UTC offset in hours, used for every lunar computation by default.
inline constexpr int kVietnamUtcOffsetHours = 7;

// Lunar years (and solar years, for SolarToLunar) the functions accept.
inline constexpr int kMinLunarYear = 1800;
inline constexpr int kMaxLunarYear = 2199;

struct LunarDate {
  // The lunar year, numbered as the solar year in which its month 1 starts.
  // So 29/12 of lunar year 2025 is 16/02/2026.
  int year = 0;
  int month = 0;      // 1..12
  int day = 0;        // 1..30
  bool leap = false;  // true in a leap month (tháng nhuận)

  friend bool operator==(const LunarDate& a, const LunarDate& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day &&
           a.leap == b.leap;
  }
  friend bool operator!=(const LunarDate& a, const LunarDate& b) {
    return !(a == b);
  }
};

// "2026-01-01" or "2023-02-01 (nhuận)"; for logs and test failure messages.
std::string LunarDateToString(const LunarDate& date);

// Returns the lunar date of a civil day. Days outside the years
// kMinLunarYear..kMaxLunarYear are computed by the same formulas, with
// decreasing accuracy.
LunarDate SolarToLunar(absl::CivilDay day,
                       int utc_offset_hours = kVietnamUtcOffsetHours);

// Returns the civil day of a lunar date. Errors:
//   OUT_OF_RANGE      lunar_year outside kMinLunarYear..kMaxLunarYear.
//   INVALID_ARGUMENT  month not in 1..12, day not in 1..30, day 30 of a
//                     29-day month, or leap set for a month that is not the
//                     leap month of that year.
absl::StatusOr<absl::CivilDay> LunarToSolar(
    int lunar_year, int lunar_month, int lunar_day, bool leap,
    int utc_offset_hours = kVietnamUtcOffsetHours);

// Returns the civil day of mùng 1 Tết (month 1, day 1) of a lunar year.
// OUT_OF_RANGE outside kMinLunarYear..kMaxLunarYear.
absl::StatusOr<absl::CivilDay> LunarNewYear(
    int lunar_year, int utc_offset_hours = kVietnamUtcOffsetHours);

// Returns the number (1..12) of the month that has a leap copy in the lunar
// year, or 0 if the year has no leap month. OUT_OF_RANGE as above.
absl::StatusOr<int> LeapMonth(int lunar_year,
                              int utc_offset_hours = kVietnamUtcOffsetHours);

}  // namespace wf::calendar

#endif  // ENGINE_CALENDAR_LUNAR_H_
