#include "engine/calendar/lunar.h"

#include <cmath>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wf::calendar {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Mean length of a lunation (new moon to new moon), in days.
constexpr double kSynodicMonth = 29.530588853;

// Julian day (UT) of the mean new moon of 1900-01-01, the k = 0 of Meeus's
// series: the k-th new moon after it is near kNewMoonEpoch + k * kSynodicMonth.
constexpr double kNewMoonEpoch = 2415021.076998695;

// Julian day number of the civil day 1970-01-01.
constexpr int64_t kJdnOfUnixEpoch = 2440588;

double Radians(double degrees) { return degrees * kPi / 180.0; }

int64_t ToJdn(absl::CivilDay day) {
  return (day - absl::CivilDay(1970, 1, 1)) + kJdnOfUnixEpoch;
}

absl::CivilDay FromJdn(int64_t jdn) {
  return absl::CivilDay(1970, 1, 1) + (jdn - kJdnOfUnixEpoch);
}

// Julian day (UT, fractional) of the k-th new moon after the 1900 epoch.
// Meeus's series: the mean new moon, corrected by the main periodic terms that
// come from the eccentricities of the Earth's and the Moon's orbits (the
// anomalies m and mp) and the Moon's inclination (the argument of latitude f).
// The series gives Terrestrial (ephemeris) Time; subtracting delta T, the
// drift of the Earth's rotation, converts to Universal Time.
double NewMoonJd(int64_t k) {
  const double t = k / 1236.85;  // Julian centuries since 1900-01-01.
  const double t2 = t * t;
  const double t3 = t2 * t;
  double jd =
      2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd += 0.00033 * std::sin(Radians(166.56 + 132.87 * t - 0.009173 * t2));
  // Sun's mean anomaly, Moon's mean anomaly, Moon's argument of latitude.
  const double m =
      Radians(359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3);
  const double mp =
      Radians(306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3);
  const double f =
      Radians(21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3);
  double c = (0.1734 - 0.000393 * t) * std::sin(m) + 0.0021 * std::sin(2 * m);
  c += -0.4068 * std::sin(mp) + 0.0161 * std::sin(2 * mp);
  c += -0.0004 * std::sin(3 * mp);
  c += 0.0104 * std::sin(2 * f) - 0.0051 * std::sin(m + mp);
  c += -0.0074 * std::sin(m - mp) + 0.0004 * std::sin(2 * f + m);
  c += -0.0004 * std::sin(2 * f - m) - 0.0006 * std::sin(2 * f + mp);
  c += 0.0010 * std::sin(2 * f - mp) + 0.0005 * std::sin(2 * mp + m);
  double delta_t;  // In days.
  if (t < -11) {
    delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 -
              0.000000081 * t * t3;
  } else {
    delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2;
  }
  return jd + c - delta_t;
}

// The civil day (as a Julian day number) on which the k-th new moon falls at
// the given UTC offset. A Julian day starts at noon, hence the + 0.5.
int64_t NewMoonDay(int64_t k, int utc_offset_hours) {
  return static_cast<int64_t>(
      std::floor(NewMoonJd(k) + 0.5 + utc_offset_hours / 24.0));
}

// The Sun's longitude in degrees, in [0, 360), at Julian day jd (UT):
// the mean longitude plus the equation of the centre (Meeus, low precision,
// about 0.01 degree, i.e. a quarter of an hour of the Sun's motion).
double SunLongitude(double jd) {
  const double t = (jd - 2451545.0) / 36525;  // Centuries since J2000.0.
  const double t2 = t * t;
  const double m = Radians(357.52910 + 35999.05030 * t - 0.0001559 * t2 -
                           0.00000048 * t * t2);
  const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  const double c = (1.914600 - 0.004817 * t - 0.000014 * t2) * std::sin(m) +
                   (0.019993 - 0.000101 * t) * std::sin(2 * m) +
                   0.000290 * std::sin(3 * m);
  const double l = std::fmod(l0 + c, 360.0);
  return l < 0 ? l + 360.0 : l;
}

// Which 30-degree sector (0..11) the Sun is in at the local midnight that
// starts civil day jdn. Two months start in the same sector exactly when the
// first of them contains no major solar term.
int SunSector(int64_t jdn, int utc_offset_hours) {
  const double midnight_ut = jdn - 0.5 - utc_offset_hours / 24.0;
  return static_cast<int>(SunLongitude(midnight_ut) / 30.0);
}

// Index k of the new moon that starts the lunar month containing civil day
// jdn: the last new moon day on or before jdn.
int64_t MonthIndexContaining(int64_t jdn, int utc_offset_hours) {
  // The mean new moon is within about 15 hours of the true one, so the
  // estimate is off by at most one month either way.
  int64_t k =
      static_cast<int64_t>(std::floor((jdn - kNewMoonEpoch) / kSynodicMonth)) +
      1;
  while (NewMoonDay(k, utc_offset_hours) > jdn) --k;
  while (NewMoonDay(k + 1, utc_offset_hours) <= jdn) ++k;
  return k;
}

// Index k of the new moon that starts month 11 of solar year `year`, i.e. the
// month containing the December solstice (the Sun at 270 degrees).
int64_t Month11Index(int64_t year, int utc_offset_hours) {
  const int64_t dec31 = ToJdn(absl::CivilDay(year, 12, 31));
  const int64_t k = MonthIndexContaining(dec31, utc_offset_hours);
  // The month starting before 31/12 contains the solstice unless the Sun was
  // already past 270 degrees (sector 9) when it started; then the solstice
  // fell in the month before.
  if (SunSector(NewMoonDay(k, utc_offset_hours), utc_offset_hours) >= 9) {
    return k - 1;
  }
  return k;
}

// The months between month 11 of solar year `year - 1` (included) and month
// 11 of `year` (excluded): month 11, 12, 1, ..., 10 and maybe a leap month.
struct SolarYearMonths {
  int64_t month11_index = 0;  // New moon index of the first month 11.
  int count = 0;              // 12 or 13.
  // With 13 months: the position (1..12) of the leap month after month 11.
  int leap_offset = 0;
};

// The leap month is the first month after month 11 that contains no major
// solar term: the Sun is in the same sector at its start and at the next
// month's start. Month 11 itself always holds the solstice.
int LeapOffset(int64_t month11_index, int utc_offset_hours) {
  int sector = SunSector(NewMoonDay(month11_index + 1, utc_offset_hours),
                         utc_offset_hours);
  for (int offset = 1; offset <= 12; ++offset) {
    const int next =
        SunSector(NewMoonDay(month11_index + offset + 1, utc_offset_hours),
                  utc_offset_hours);
    if (next == sector) return offset;
    sector = next;
  }
  // Unreachable: 13 months share 12 major terms, so one month has none.
  return 12;
}

SolarYearMonths MonthsEndingIn(int64_t year, int utc_offset_hours) {
  SolarYearMonths months;
  months.month11_index = Month11Index(year - 1, utc_offset_hours);
  months.count = static_cast<int>(Month11Index(year, utc_offset_hours) -
                                  months.month11_index);
  if (months.count == 13) {
    months.leap_offset = LeapOffset(months.month11_index, utc_offset_hours);
  }
  return months;
}

// Month number 1..12 of the month at `offset` from month 11, ignoring leaps.
int MonthNumber(int offset) { return (10 + offset) % 12 + 1; }

// The month number a leap month at `leap_offset` repeats.
int LeapMonthNumber(int leap_offset) { return MonthNumber(leap_offset - 1); }

absl::Status CheckYear(int lunar_year) {
  if (lunar_year < kMinLunarYear || lunar_year > kMaxLunarYear) {
    return absl::OutOfRangeError(absl::StrCat(
        "lunar year ", lunar_year, " is outside the supported years ",
        kMinLunarYear, "..", kMaxLunarYear));
  }
  return absl::OkStatus();
}

}  // namespace

std::string LunarDateToString(const LunarDate& date) {
  return absl::StrFormat("%04d-%02d-%02d%s", date.year, date.month, date.day,
                         date.leap ? " (nhuận)" : "");
}

LunarDate SolarToLunar(absl::CivilDay day, int utc_offset_hours) {
  const int64_t jdn = ToJdn(day);
  const int64_t k = MonthIndexContaining(jdn, utc_offset_hours);
  // The day belongs to the months ending in day.year() unless it is on or
  // after that year's month 11.
  int64_t end_year = day.year();
  if (k >= Month11Index(end_year, utc_offset_hours)) ++end_year;
  const SolarYearMonths months = MonthsEndingIn(end_year, utc_offset_hours);

  const int offset = static_cast<int>(k - months.month11_index);
  LunarDate result;
  result.day = static_cast<int>(jdn - NewMoonDay(k, utc_offset_hours)) + 1;
  if (months.leap_offset != 0 && offset >= months.leap_offset) {
    result.month = MonthNumber(offset - 1);
    result.leap = offset == months.leap_offset;
  } else {
    result.month = MonthNumber(offset);
  }
  // Months 11 and 12 (and a leap 11 or 12) come first, before month 1, and
  // belong to the previous lunar year.
  result.year = static_cast<int>(result.month >= 11 ? end_year - 1 : end_year);
  return result;
}

absl::StatusOr<absl::CivilDay> LunarToSolar(int lunar_year, int lunar_month,
                                            int lunar_day, bool leap,
                                            int utc_offset_hours) {
  if (absl::Status s = CheckYear(lunar_year); !s.ok()) return s;
  if (lunar_month < 1 || lunar_month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("lunar month ", lunar_month, " is not in 1..12"));
  }
  if (lunar_day < 1 || lunar_day > 30) {
    return absl::InvalidArgumentError(
        absl::StrCat("lunar day ", lunar_day, " is not in 1..30"));
  }
  // Months 1..10 lie before month 11 of the same solar year; months 11 and
  // 12 after it.
  const int64_t end_year = lunar_month >= 11 ? lunar_year + 1 : lunar_year;
  const SolarYearMonths months = MonthsEndingIn(end_year, utc_offset_hours);

  int offset = (lunar_month + 1) % 12;  // Month 11 -> 0, 12 -> 1, 1 -> 2...
  if (leap) {
    if (months.leap_offset == 0 ||
        LeapMonthNumber(months.leap_offset) != lunar_month) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lunar year ", lunar_year, " has no leap month ", lunar_month));
    }
    offset = months.leap_offset;
  } else if (months.leap_offset != 0 && offset >= months.leap_offset) {
    ++offset;
  }
  const int64_t k = months.month11_index + offset;
  const int64_t start = NewMoonDay(k, utc_offset_hours);
  const int64_t length = NewMoonDay(k + 1, utc_offset_hours) - start;
  if (lunar_day > length) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lunar month ", lunar_month, leap ? " (leap)" : "", " of year ",
        lunar_year, " has ", length, " days, not ", lunar_day));
  }
  return FromJdn(start + lunar_day - 1);
}

absl::StatusOr<absl::CivilDay> LunarNewYear(int lunar_year,
                                            int utc_offset_hours) {
  return LunarToSolar(lunar_year, 1, 1, false, utc_offset_hours);
}

absl::StatusOr<int> LeapMonth(int lunar_year, int utc_offset_hours) {
  if (absl::Status s = CheckYear(lunar_year); !s.ok()) return s;
  // A leap 1..10 sits among the months ending in lunar_year; a leap 11 or 12
  // among those ending in the next year, right after month 11.
  const SolarYearMonths before = MonthsEndingIn(lunar_year, utc_offset_hours);
  if (before.leap_offset >= 3) return LeapMonthNumber(before.leap_offset);
  const SolarYearMonths after =
      MonthsEndingIn(lunar_year + 1, utc_offset_hours);
  if (after.leap_offset == 1 || after.leap_offset == 2) {
    return LeapMonthNumber(after.leap_offset);
  }
  return 0;
}

}  // namespace wf::calendar
