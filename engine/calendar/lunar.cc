#include "engine/calendar/lunar.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "engine/calendar/astronomy.h"

namespace wf::calendar {
namespace {

// One lunar month: the civil day it starts on and its name.
struct Month {
  absl::CivilDay start;
  int year = 0;    // The lunar year, as in LunarDate.
  int number = 0;  // 1..12
  bool leap = false;
};

// A suì: the months from month 11 (the one containing the December solstice)
// of a solar year up to, not including, month 11 of the next; 12 or 13 of
// them. It is the unit the leap rule works on.
using Sui = std::vector<Month>;

// Julian Day Number of 1970-01-01.
constexpr int64_t kUnixEpochJdn = 2440588;

int64_t Jdn(absl::CivilDay day) {
  return (day - absl::CivilDay(1970, 1, 1)) + kUnixEpochJdn;
}

// The civil day at UTC+offset_hours of an instant given in JDE.
absl::CivilDay LocalDay(double jde, int offset_hours) {
  const double jd = astronomy::JdeToJdUt(jde) + offset_hours / 24.0;
  const int64_t jdn = static_cast<int64_t>(std::floor(jd + 0.5));
  return absl::CivilDay(1970, 1, 1) + (jdn - kUnixEpochJdn);
}

absl::CivilDay NewMoonDay(int k, int offset_hours) {
  return LocalDay(astronomy::NewMoonJde(k), offset_hours);
}

// The lunation whose new moon falls on `day` or is the last before it.
int LunationOnOrBefore(absl::CivilDay day, int offset_hours) {
  // Lunation 0 is on JD 2451550.1; the true new moon is within 0.6 days of
  // the mean one, so the guess is off by one at most.
  int k = static_cast<int>(std::floor((Jdn(day) - 2451550.1) / 29.530588861));
  while (NewMoonDay(k + 1, offset_hours) <= day) ++k;
  while (NewMoonDay(k, offset_hours) > day) --k;
  return k;
}

double DecemberSolsticeJde(int64_t year) {
  return astronomy::SunReachesLongitude(
      270, static_cast<double>(Jdn(absl::CivilDay(year, 12, 21))));
}

// Index (1..12) of the first month of a 13-month suì on none of whose days a
// major solar term (the Sun's longitude a multiple of 30 degrees) falls, or
// -1 if every month has one (which the astronomy does not allow).
// `starts` holds the 14 month starts, the last one being the next month 11.
int FirstMonthWithoutMajorTerm(const std::vector<absl::CivilDay>& starts,
                               double solstice_jde, int offset_hours) {
  std::vector<absl::CivilDay> term_days;
  double jde = solstice_jde;
  for (int j = 1; j <= 12; ++j) {
    jde = astronomy::SunReachesLongitude(std::fmod(270.0 + 30 * j, 360.0),
                                         jde + 30.44);
    term_days.push_back(LocalDay(jde, offset_hours));
  }
  for (int i = 1; i <= 12; ++i) {
    bool has_term = false;
    for (absl::CivilDay t : term_days) {
      if (starts[i] <= t && t < starts[i + 1]) has_term = true;
    }
    if (!has_term) return i;
  }
  return -1;
}

Sui ComputeSui(int64_t year, int offset_hours) {
  const double solstice = DecemberSolsticeJde(year);
  const int first =
      LunationOnOrBefore(LocalDay(solstice, offset_hours), offset_hours);
  const int next_first = LunationOnOrBefore(
      LocalDay(DecemberSolsticeJde(year + 1), offset_hours), offset_hours);
  std::vector<absl::CivilDay> starts;
  for (int k = first; k <= next_first; ++k) {
    starts.push_back(NewMoonDay(k, offset_hours));
  }
  const int count = next_first - first;
  const int leap_index =
      count == 13 ? FirstMonthWithoutMajorTerm(starts, solstice, offset_hours)
                  : -1;
  Sui sui;
  int number = 11;
  for (int i = 0; i < count; ++i) {
    const bool leap = i == leap_index;
    if (i > 0 && !leap) number = number % 12 + 1;
    // Months 11 and 12 end the lunar year numbered by this solar year.
    const int64_t lunar_year = number >= 11 ? year : year + 1;
    sui.push_back(Month{starts[i], static_cast<int>(lunar_year), number, leap});
  }
  return sui;
}

// A suì costs some 30 evaluations of the solar series and 15 of the lunar
// one (about 0.1 ms); callers walk the calendar day by day, so suì of the
// supported years are kept, a few hundred bytes each.
class SuiCache {
 public:
  Sui Get(int64_t year, int offset_hours) {
    const bool cacheable = year >= kMinLunarYear - 2 &&
                           year <= kMaxLunarYear + 1 && offset_hours >= -12 &&
                           offset_hours <= 14;
    if (!cacheable) return ComputeSui(year, offset_hours);
    const std::pair<int64_t, int> key(year, offset_hours);
    {
      absl::MutexLock lock(&mu_);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    Sui sui = ComputeSui(year, offset_hours);
    absl::MutexLock lock(&mu_);
    cache_.emplace(key, sui);
    return sui;
  }

 private:
  absl::Mutex mu_;
  std::map<std::pair<int64_t, int>, Sui> cache_ ABSL_GUARDED_BY(mu_);
};

Sui GetSui(int64_t year, int offset_hours) {
  static SuiCache* const cache = new SuiCache;
  return cache->Get(year, offset_hours);
}

// The months of a lunar year in order, and the day the next year starts.
struct LunarYear {
  std::vector<Month> months;
  absl::CivilDay next_new_year;
};

// Months 1..10 of lunar year Y lie in the suì of solar year Y - 1, months 11
// and 12 in that of Y, each with its leap month if it has one.
LunarYear MonthsOf(int lunar_year, int offset_hours) {
  LunarYear result;
  for (const Month& m : GetSui(lunar_year - 1, offset_hours)) {
    if (m.year == lunar_year) result.months.push_back(m);
  }
  for (const Month& m : GetSui(lunar_year, offset_hours)) {
    if (m.year == lunar_year) {
      result.months.push_back(m);
    } else if (m.year == lunar_year + 1 && m.number == 1 && !m.leap) {
      result.next_new_year = m.start;
    }
  }
  return result;
}

absl::Status CheckYear(int lunar_year) {
  if (lunar_year < kMinLunarYear || lunar_year > kMaxLunarYear) {
    return absl::OutOfRangeError(
        absl::StrCat("Expected a lunar year in ", kMinLunarYear, "..",
                     kMaxLunarYear, ", but got ", lunar_year));
  }
  return absl::OkStatus();
}

}  // namespace

std::string LunarDateToString(const LunarDate& date) {
  return absl::StrFormat("%04d-%02d-%02d%s", date.year, date.month, date.day,
                         date.leap ? " (nhuận)" : "");
}

LunarDate SolarToLunar(absl::CivilDay day, int utc_offset_hours) {
  // Month 11 of a solar year starts between late November and late
  // December, so `day` is in the suì of its own year or of the one before.
  Sui sui = GetSui(day.year(), utc_offset_hours);
  if (sui.empty() || day < sui.front().start) {
    sui = GetSui(day.year() - 1, utc_offset_hours);
  }
  const Month* month = nullptr;
  for (const Month& m : sui) {
    if (m.start <= day) month = &m;
  }
  if (month == nullptr) return LunarDate{};  // Only far outside the range.
  return LunarDate{month->year, month->number,
                   static_cast<int>(day - month->start) + 1, month->leap};
}

absl::StatusOr<absl::CivilDay> LunarToSolar(int lunar_year, int lunar_month,
                                            int lunar_day, bool leap,
                                            int utc_offset_hours) {
  if (absl::Status s = CheckYear(lunar_year); !s.ok()) return s;
  if (lunar_month < 1 || lunar_month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected a lunar month in 1..12, but got ", lunar_month));
  }
  if (lunar_day < 1 || lunar_day > 30) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected a lunar day in 1..30, but got ", lunar_day));
  }
  const LunarYear year = MonthsOf(lunar_year, utc_offset_hours);
  for (size_t i = 0; i < year.months.size(); ++i) {
    const Month& m = year.months[i];
    if (m.number != lunar_month || m.leap != leap) continue;
    const absl::CivilDay end = i + 1 < year.months.size()
                                   ? year.months[i + 1].start
                                   : year.next_new_year;
    if (lunar_day > end - m.start) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected day ", lunar_day, " to be in lunar month ",
                       lunar_month, leap ? " (leap)" : "", " of ", lunar_year,
                       ", but that month has ", end - m.start, " days"));
    }
    return m.start + (lunar_day - 1);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Expected lunar year ", lunar_year, " to have a leap month ",
                   lunar_month, ", but it has none"));
}

absl::StatusOr<absl::CivilDay> LunarNewYear(int lunar_year,
                                            int utc_offset_hours) {
  return LunarToSolar(lunar_year, 1, 1, false, utc_offset_hours);
}

absl::StatusOr<int> LeapMonth(int lunar_year, int utc_offset_hours) {
  if (absl::Status s = CheckYear(lunar_year); !s.ok()) return s;
  for (const Month& m : MonthsOf(lunar_year, utc_offset_hours).months) {
    if (m.leap) return m.number;
  }
  return 0;
}

}  // namespace wf::calendar
