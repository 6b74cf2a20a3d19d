#include "engine/calendar/work_calendar.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/calendar/lunar.h"

namespace wf::calendar {
namespace {

// Years kept in a lock-free array; others (hardly ever asked for) in a map
// behind a mutex.
constexpr int64_t kFirstFastYear = kMinLunarYear;
constexpr int64_t kLastFastYear = kMaxLunarYear;
constexpr int64_t kFastYears = kLastFastYear - kFirstFastYear + 1;

// Everything a query needs about one civil year.
struct YearDays {
  int length = 0;                     // 365 or 366.
  std::array<bool, 366> workday{};    // By day of year, 0-based.
  std::array<uint8_t, 366> label{};   // 0, or 1 + index into names.
  std::array<int16_t, 367> before{};  // Working days among the first i days.
  std::vector<std::string> names;

  int Total() const { return before[length]; }
};

int DayIndex(absl::CivilDay day) { return absl::GetYearDay(day) - 1; }

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday;
}

// The day next to 02/09 that completes Quốc khánh.
absl::CivilDay NationalDayNeighbour(absl::CivilDay sep2,
                                    NationalDayAdjacent rule) {
  switch (rule) {
    case NationalDayAdjacent::kBefore:
      return sep2 - 1;
    case NationalDayAdjacent::kAfter:
      return sep2 + 1;
    case NationalDayAdjacent::kByWeekday:
      break;
  }
  // Join 02/09 to the nearer weekend; see NationalDayAdjacent::kByWeekday.
  switch (absl::GetWeekday(sep2)) {
    case absl::Weekday::sunday:
    case absl::Weekday::monday:
    case absl::Weekday::thursday:
      return sep2 + 1;
    default:
      return sep2 - 1;
  }
}

// The days of a holiday by the law and the default rules. The lunar
// holidays are left out for years the lunar calendar does not cover.
std::vector<absl::CivilDay> ComputedDays(Holiday holiday, int64_t year,
                                         const CalendarRules& rules) {
  switch (holiday) {
    case Holiday::kNewYear:
      return {absl::CivilDay(year, 1, 1)};
    case Holiday::kTet: {
      // The last day of the old lunar year, then mùng 1 to mùng 4.
      absl::StatusOr<absl::CivilDay> new_year =
          LunarNewYear(static_cast<int>(year));
      if (!new_year.ok()) return {};
      std::vector<absl::CivilDay> days;
      for (int i = -1; i <= 3; ++i) days.push_back(*new_year + i);
      return days;
    }
    case Holiday::kHungKings: {
      absl::StatusOr<absl::CivilDay> day =
          LunarToSolar(static_cast<int>(year), 3, 10, false);
      if (!day.ok()) return {};
      return {*day};
    }
    case Holiday::kVictoryDay:
      return {absl::CivilDay(year, 4, 30)};
    case Holiday::kLabourDay:
      return {absl::CivilDay(year, 5, 1)};
    case Holiday::kNationalDay: {
      const absl::CivilDay sep2(year, 9, 2);
      const absl::CivilDay other =
          NationalDayNeighbour(sep2, rules.national_day_adjacent);
      return {std::min(sep2, other), std::max(sep2, other)};
    }
  }
  return {};
}

// The days off and forced working days of one year, before they are packed
// into a YearDays.
class YearPlan {
 public:
  YearPlan(int64_t year, const CalendarRules& rules, const YearTable* table)
      : year_(year), rules_(rules), table_(table) {}

  YearDays Build() {
    AddHolidays();
    AddTableDaysOff();
    AddCompensation();
    return Pack();
  }

 private:
  bool Replaced(Holiday holiday) const {
    return table_ != nullptr &&
           (table_->replace_all || table_->holidays.count(holiday) > 0);
  }

  // Whether the table gives the day in lieu of this holiday itself.
  bool TableCompensates(Holiday holiday) const {
    if (table_ == nullptr) return false;
    for (const TableDayOff& day_off : table_->days_off) {
      if (day_off.in_lieu_of == holiday) return true;
    }
    return false;
  }

  void AddHolidays() {
    for (Holiday holiday : kAllHolidays) {
      std::vector<absl::CivilDay> days;
      if (!Replaced(holiday)) {
        days = ComputedDays(holiday, year_, rules_);
        if (rules_.compensate_rest_day_holidays && !TableCompensates(holiday)) {
          for (absl::CivilDay day : days) {
            if (IsWeekend(day)) to_compensate_.insert(day);
          }
        }
      } else if (auto it = table_->holidays.find(holiday);
                 it != table_->holidays.end()) {
        days = it->second;
      }
      for (absl::CivilDay day : days) {
        // The first holiday named on a day keeps it.
        off_.emplace(day, std::string(HolidayDisplayName(holiday)));
      }
    }
  }

  void AddTableDaysOff() {
    if (table_ == nullptr) return;
    for (const TableDayOff& day_off : table_->days_off) {
      off_.emplace(day_off.day, day_off.name);
    }
    working_.insert(table_->working_days.begin(), table_->working_days.end());
  }

  // Each holiday on a rest day gives the next Monday-Friday that is neither
  // off nor already given: a block of holidays is given back after the block.
  void AddCompensation() {
    for (absl::CivilDay holiday : to_compensate_) {
      absl::CivilDay day = holiday + 1;
      while (IsWeekend(day) || off_.count(day) > 0 || working_.count(day) > 0) {
        ++day;
      }
      if (day.year() == year_) off_.emplace(day, std::string(kInLieuName));
    }
  }

  YearDays Pack() const {
    YearDays result;
    const absl::CivilDay first(year_, 1, 1);
    result.length = static_cast<int>(absl::CivilDay(year_ + 1, 1, 1) - first);
    for (int i = 0; i < result.length; ++i) {
      const absl::CivilDay day = first + i;
      const auto off = off_.find(day);
      const bool working = working_.count(day) > 0;
      result.workday[i] = working || (off == off_.end() && !IsWeekend(day));
      if (off != off_.end() && !working) {
        result.label[i] = Label(off->second, &result.names);
      }
      result.before[i + 1] =
          static_cast<int16_t>(result.before[i] + (result.workday[i] ? 1 : 0));
    }
    return result;
  }

  static uint8_t Label(const std::string& name,
                       std::vector<std::string>* names) {
    auto it = std::find(names->begin(), names->end(), name);
    if (it == names->end()) it = names->insert(names->end(), name);
    return static_cast<uint8_t>(it - names->begin() + 1);
  }

  const int64_t year_;
  const CalendarRules& rules_;
  const YearTable* const table_;  // Null when the year has no table.
  std::map<absl::CivilDay, std::string> off_;
  std::set<absl::CivilDay> working_;
  std::set<absl::CivilDay> to_compensate_;
};

}  // namespace

class WorkCalendar::Impl {
 public:
  explicit Impl(CalendarRules rules)
      : rules_(std::move(rules)),
        fast_(new std::atomic<const YearDays*>[kFastYears]) {
    for (const YearTable& table : rules_.tables) tables_[table.year] = &table;
    for (int64_t i = 0; i < kFastYears; ++i) fast_[i].store(nullptr);
  }

  ~Impl() {
    for (int64_t i = 0; i < kFastYears; ++i) delete fast_[i].load();
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  const CalendarRules& rules() const { return rules_; }

  // The year's days, worked out on first use. Lock-free for the years of
  // the fast array: two threads may both build a year, one result is kept.
  const YearDays& Year(int64_t year) const {
    if (year < kFirstFastYear || year > kLastFastYear) return FarYear(year);
    std::atomic<const YearDays*>& slot = fast_[year - kFirstFastYear];
    const YearDays* days = slot.load(std::memory_order_acquire);
    if (days != nullptr) return *days;
    auto built = std::make_unique<const YearDays>(Build(year));
    if (slot.compare_exchange_strong(days, built.get(),
                                     std::memory_order_acq_rel)) {
      return *built.release();
    }
    return *days;  // Another thread stored it first.
  }

 private:
  YearDays Build(int64_t year) const {
    const auto it = tables_.find(year);
    const YearTable* table = it == tables_.end() ? nullptr : it->second;
    return YearPlan(year, rules_, table).Build();
  }

  const YearDays& FarYear(int64_t year) const {
    absl::MutexLock lock(&far_mutex_);
    std::unique_ptr<const YearDays>& days = far_years_[year];
    if (days == nullptr) days = std::make_unique<const YearDays>(Build(year));
    return *days;
  }

  const CalendarRules rules_;
  std::map<int64_t, const YearTable*> tables_;  // Points into rules_.
  const std::unique_ptr<std::atomic<const YearDays*>[]> fast_;
  mutable absl::Mutex far_mutex_;
  mutable std::map<int64_t, std::unique_ptr<const YearDays>> far_years_
      ABSL_GUARDED_BY(far_mutex_);
};

WorkCalendar::WorkCalendar(std::shared_ptr<const Impl> impl)
    : impl_(std::move(impl)) {}

absl::StatusOr<WorkCalendar> WorkCalendar::Create(CalendarRules rules) {
  if (absl::Status s = ValidateRules(rules); !s.ok()) return s;
  return WorkCalendar(std::make_shared<const Impl>(std::move(rules)));
}

WorkCalendar WorkCalendar::Default() {
  return WorkCalendar(std::make_shared<const Impl>(CalendarRules()));
}

const CalendarRules& WorkCalendar::rules() const { return impl_->rules(); }

bool WorkCalendar::IsWorkday(absl::CivilDay day) const {
  return impl_->Year(day.year()).workday[DayIndex(day)];
}

std::optional<std::string> WorkCalendar::HolidayName(absl::CivilDay day) const {
  const YearDays& year = impl_->Year(day.year());
  const uint8_t label = year.label[DayIndex(day)];
  if (label == 0) return std::nullopt;
  return year.names[label - 1];
}

absl::CivilDay WorkCalendar::NextWorkdayOnOrAfter(absl::CivilDay day) const {
  while (!IsWorkday(day)) ++day;
  return day;
}

absl::CivilDay WorkCalendar::AddWorkdays(absl::CivilDay start, int n) const {
  if (n == 0) return NextWorkdayOnOrAfter(start);
  int64_t year = start.year();
  int64_t remaining = n > 0 ? int64_t{n} : -int64_t{n};
  if (n > 0) {
    // Count forwards over the days with index >= from.
    int from = DayIndex(start) + 1;
    for (;; ++year, from = 0) {
      const YearDays& days = impl_->Year(year);
      const int available = days.Total() - days.before[from];
      if (remaining <= available) {
        // The day whose running count reaches the target.
        const int target = days.before[from] + static_cast<int>(remaining);
        const auto it =
            std::lower_bound(days.before.begin() + from + 1,
                             days.before.begin() + days.length + 1, target);
        return absl::CivilDay(year, 1, 1) + (it - days.before.begin() - 1);
      }
      remaining -= available;
    }
  }
  // Count backwards over the days with index < to.
  int to = DayIndex(start);
  for (;; --year) {
    const YearDays& days = impl_->Year(year);
    const int available = days.before[to];
    if (remaining <= available) {
      const int target = available - static_cast<int>(remaining) + 1;
      const auto it = std::lower_bound(days.before.begin() + 1,
                                       days.before.begin() + to + 1, target);
      return absl::CivilDay(year, 1, 1) + (it - days.before.begin() - 1);
    }
    remaining -= available;
    to = impl_->Year(year - 1).length;
  }
}

int WorkCalendar::WorkdaysBetween(absl::CivilDay from,
                                  absl::CivilDay to) const {
  if (to < from) return -WorkdaysBetween(to, from);
  // Working days from 1 January of from's year through a day, inclusive.
  auto through = [this](absl::CivilDay day) {
    return impl_->Year(day.year()).before[DayIndex(day) + 1];
  };
  int64_t count = 0;
  for (int64_t year = from.year(); year < to.year(); ++year) {
    count += impl_->Year(year).Total();
  }
  return static_cast<int>(count + through(to) - through(from));
}

absl::CivilDay WorkCalendar::PeriodEnd(absl::CivilDay start,
                                       int calendar_days) const {
  return NextWorkdayOnOrAfter(start + calendar_days);
}

}  // namespace wf::calendar
