#include "engine/calendar/work_calendar.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace wf::calendar {
namespace {

using absl::CivilDay;
using absl::Weekday;

// The official 2026 table (docs/calendar.md): Tết 14/02-22/02/2026; Giỗ Tổ
// is on Sunday 26/04, given back on Monday 27/04.
constexpr char kOfficial2026[] = R"json({
  "years": [{
    "year": 2026,
    "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
    "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"}]
  }]
})json";

// 2024: Monday 29/04 off in exchange for Saturday 04/05 (làm bù).
constexpr char kSwap2024[] = R"json({
  "years": [{
    "year": 2024,
    "days_off": [{"date": "29/04/2024", "name": "Nghỉ hoán đổi"}],
    "working_days": ["04/05/2024"]
  }]
})json";

WorkCalendar FromJson(const char* json) {
  absl::StatusOr<CalendarRules> rules = ParseCalendarRules(json);
  EXPECT_TRUE(rules.ok()) << rules.status();
  absl::StatusOr<WorkCalendar> calendar = WorkCalendar::Create(*rules);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return *calendar;
}

std::string Name(const WorkCalendar& calendar, CivilDay day) {
  return calendar.HolidayName(day).value_or("");
}

// The Monday-Friday days off from `first` to `last` inclusive.
std::vector<CivilDay> DaysOff(const WorkCalendar& calendar, CivilDay first,
                              CivilDay last) {
  std::vector<CivilDay> days;
  for (CivilDay day = first; day <= last; ++day) {
    if (!calendar.IsWorkday(day) &&
        absl::GetWeekday(day) != Weekday::saturday &&
        absl::GetWeekday(day) != Weekday::sunday) {
      days.push_back(day);
    }
  }
  return days;
}

TEST(WorkCalendarTest, WeekendsAndOrdinaryDays) {
  const WorkCalendar calendar = WorkCalendar::Default();
  ASSERT_EQ(absl::GetWeekday(CivilDay(2025, 3, 7)), Weekday::friday);
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2025, 3, 7)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2025, 3, 8)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2025, 3, 9)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2025, 3, 10)));
  EXPECT_EQ(calendar.HolidayName(CivilDay(2025, 3, 8)), std::nullopt);
  EXPECT_EQ(calendar.HolidayName(CivilDay(2025, 3, 10)), std::nullopt);
}

TEST(WorkCalendarTest, FixedDateHolidaysAndNames) {
  const WorkCalendar calendar = WorkCalendar::Default();
  EXPECT_EQ(Name(calendar, CivilDay(2025, 1, 1)), "Tết Dương lịch");
  EXPECT_EQ(Name(calendar, CivilDay(2025, 4, 30)), "Ngày Chiến thắng");
  EXPECT_EQ(Name(calendar, CivilDay(2025, 5, 1)), "Quốc tế Lao động");
  EXPECT_EQ(Name(calendar, CivilDay(2025, 9, 2)), "Quốc khánh");
  EXPECT_EQ(Name(calendar, CivilDay(2025, 4, 7)), "Giỗ Tổ Hùng Vương");
  EXPECT_EQ(Name(calendar, CivilDay(2025, 1, 29)), "Tết Nguyên đán");
  for (CivilDay day :
       {CivilDay(2025, 1, 1), CivilDay(2025, 4, 30), CivilDay(2025, 5, 1),
        CivilDay(2025, 9, 2), CivilDay(2025, 4, 7)}) {
    EXPECT_FALSE(calendar.IsWorkday(day)) << day;
  }
}

// Default Tết: the last day of the lunar year and mùng 1-4. For 2026 that is
// Monday 16/02 (29 tháng Chạp) to Friday 20/02, the five statutory days the
// government announced.
TEST(WorkCalendarTest, DefaultTet2026) {
  const WorkCalendar calendar = WorkCalendar::Default();
  EXPECT_EQ(DaysOff(calendar, CivilDay(2026, 2, 1), CivilDay(2026, 2, 28)),
            (std::vector<CivilDay>{CivilDay(2026, 2, 16), CivilDay(2026, 2, 17),
                                   CivilDay(2026, 2, 18), CivilDay(2026, 2, 19),
                                   CivilDay(2026, 2, 20)}));
  EXPECT_EQ(Name(calendar, CivilDay(2026, 2, 16)), "Tết Nguyên đán");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 2, 13)));
  EXPECT_EQ(calendar.HolidayName(CivilDay(2026, 2, 14)), std::nullopt);
}

// Default Tết 2021: Thursday 11/02 (30 Tết) to Monday 15/02; the Saturday
// and Sunday inside are given back after the block, on 16/02 and 17/02.
TEST(WorkCalendarTest, TetBlockIsCompensatedAfterTheBlock) {
  const WorkCalendar calendar = WorkCalendar::Default();
  ASSERT_EQ(absl::GetWeekday(CivilDay(2021, 2, 11)), Weekday::thursday);
  EXPECT_EQ(DaysOff(calendar, CivilDay(2021, 2, 1), CivilDay(2021, 2, 28)),
            (std::vector<CivilDay>{CivilDay(2021, 2, 11), CivilDay(2021, 2, 12),
                                   CivilDay(2021, 2, 15), CivilDay(2021, 2, 16),
                                   CivilDay(2021, 2, 17)}));
  EXPECT_EQ(Name(calendar, CivilDay(2021, 2, 13)), "Tết Nguyên đán");
  EXPECT_EQ(Name(calendar, CivilDay(2021, 2, 15)), "Tết Nguyên đán");
  EXPECT_EQ(Name(calendar, CivilDay(2021, 2, 16)), "Nghỉ bù");
  EXPECT_EQ(Name(calendar, CivilDay(2021, 2, 17)), "Nghỉ bù");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2021, 2, 18)));
}

// 2022, as announced: Giỗ Tổ on Sunday 10/04 -> Monday 11/04; 30/04 and
// 01/05 on Saturday and Sunday -> Monday 02/05 and Tuesday 03/05.
TEST(WorkCalendarTest, Compensation2022) {
  const WorkCalendar calendar = WorkCalendar::Default();
  ASSERT_EQ(absl::GetWeekday(CivilDay(2022, 4, 10)), Weekday::sunday);
  ASSERT_EQ(absl::GetWeekday(CivilDay(2022, 4, 30)), Weekday::saturday);
  EXPECT_EQ(DaysOff(calendar, CivilDay(2022, 4, 1), CivilDay(2022, 5, 31)),
            (std::vector<CivilDay>{CivilDay(2022, 4, 11), CivilDay(2022, 5, 2),
                                   CivilDay(2022, 5, 3)}));
  EXPECT_EQ(Name(calendar, CivilDay(2022, 4, 10)), "Giỗ Tổ Hùng Vương");
  EXPECT_EQ(Name(calendar, CivilDay(2022, 4, 11)), "Nghỉ bù");
  EXPECT_EQ(Name(calendar, CivilDay(2022, 4, 30)), "Ngày Chiến thắng");
  EXPECT_EQ(Name(calendar, CivilDay(2022, 5, 2)), "Nghỉ bù");
}

// Giỗ Tổ 2026 is on Sunday 26/04: without any table, Monday 27/04 is off.
TEST(WorkCalendarTest, HungKings2026DefaultCompensation) {
  const WorkCalendar calendar = WorkCalendar::Default();
  ASSERT_EQ(absl::GetWeekday(CivilDay(2026, 4, 26)), Weekday::sunday);
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 26)), "Giỗ Tổ Hùng Vương");
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 27)), "Nghỉ bù");
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 4, 27)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 4, 28)));
}

// The weekday rule reproduces the official Quốc khánh days of 2021-2025.
TEST(WorkCalendarTest, NationalDayByWeekdayMatchesOfficialYears) {
  const WorkCalendar calendar = WorkCalendar::Default();
  auto sept = [&](int year) {
    return DaysOff(calendar, CivilDay(year, 8, 25), CivilDay(year, 9, 10));
  };
  EXPECT_EQ(sept(2021), (std::vector<CivilDay>{CivilDay(2021, 9, 2),
                                               CivilDay(2021, 9, 3)}));
  EXPECT_EQ(sept(2022), (std::vector<CivilDay>{CivilDay(2022, 9, 1),
                                               CivilDay(2022, 9, 2)}));
  // 2023: 02/09 is a Saturday, given back on Monday 04/09.
  EXPECT_EQ(sept(2023), (std::vector<CivilDay>{CivilDay(2023, 9, 1),
                                               CivilDay(2023, 9, 4)}));
  EXPECT_EQ(Name(calendar, CivilDay(2023, 9, 2)), "Quốc khánh");
  EXPECT_EQ(Name(calendar, CivilDay(2023, 9, 4)), "Nghỉ bù");
  EXPECT_EQ(sept(2024), (std::vector<CivilDay>{CivilDay(2024, 9, 2),
                                               CivilDay(2024, 9, 3)}));
  EXPECT_EQ(sept(2025), (std::vector<CivilDay>{CivilDay(2025, 9, 1),
                                               CivilDay(2025, 9, 2)}));
  // 2026: Wednesday, the documented guess is the day before.
  EXPECT_EQ(sept(2026), (std::vector<CivilDay>{CivilDay(2026, 9, 1),
                                               CivilDay(2026, 9, 2)}));
}

TEST(WorkCalendarTest, NationalDayFixedNeighbour) {
  CalendarRules rules;
  rules.national_day_adjacent = NationalDayAdjacent::kAfter;
  const WorkCalendar after = *WorkCalendar::Create(rules);
  EXPECT_EQ(
      DaysOff(after, CivilDay(2025, 8, 25), CivilDay(2025, 9, 10)),
      (std::vector<CivilDay>{CivilDay(2025, 9, 2), CivilDay(2025, 9, 3)}));
  rules.national_day_adjacent = NationalDayAdjacent::kBefore;
  const WorkCalendar before = *WorkCalendar::Create(rules);
  EXPECT_EQ(DaysOff(before, CivilDay(2024, 8, 25), CivilDay(2024, 9, 10)),
            (std::vector<CivilDay>{CivilDay(2024, 9, 2), CivilDay(2024, 9, 3)}))
      << "01/09/2024 is a Sunday, given back on Tuesday 03/09";
  EXPECT_EQ(Name(before, CivilDay(2024, 9, 1)), "Quốc khánh");
  EXPECT_EQ(Name(before, CivilDay(2024, 9, 3)), "Nghỉ bù");
}

TEST(WorkCalendarTest, CompensationCanBeTurnedOff) {
  CalendarRules rules;
  rules.compensate_rest_day_holidays = false;
  const WorkCalendar calendar = *WorkCalendar::Create(rules);
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 4, 27)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2022, 5, 2)));
}

TEST(WorkCalendarTest, Official2026Table) {
  const WorkCalendar calendar = FromJson(kOfficial2026);
  ASSERT_EQ(absl::GetWeekday(CivilDay(2026, 2, 14)), Weekday::saturday);
  for (CivilDay day = CivilDay(2026, 2, 14); day <= CivilDay(2026, 2, 22);
       ++day) {
    EXPECT_FALSE(calendar.IsWorkday(day)) << day;
    EXPECT_EQ(Name(calendar, day), "Tết Nguyên đán") << day;
  }
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 2, 13)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 2, 23)));
  // 27/04 is the day in lieu of Giỗ Tổ; the table gives it, so the engine
  // adds no second one on 28/04.
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 26)), "Giỗ Tổ Hùng Vương");
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 27)), "Nghỉ bù");
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 4, 27)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 4, 28)));
  // The rest of 2026 keeps the computed defaults.
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 1, 1)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 4, 30)));
  // Other years are untouched.
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2027, 2, 8)));
}

// A day off without in_lieu_of is an extra day: the computed compensation
// still happens, on the next free day.
TEST(WorkCalendarTest, DayOffWithoutInLieuOfDoesNotReplaceCompensation) {
  const WorkCalendar calendar = FromJson(R"({"years": [{"year": 2026,
      "days_off": [{"date": "27/04/2026", "name": "Ngày của tỉnh"}]}]})");
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 27)), "Ngày của tỉnh");
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 28)), "Nghỉ bù");
}

// A replaced holiday is taken as listed, without compensation.
TEST(WorkCalendarTest, ReplacedHolidayIsNotCompensated) {
  const WorkCalendar calendar = FromJson(R"({"years": [{"year": 2026,
      "holidays": {"hung_kings": ["26/04/2026"]}}]})");
  EXPECT_EQ(Name(calendar, CivilDay(2026, 4, 26)), "Giỗ Tổ Hùng Vương");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 4, 27)));
}

TEST(WorkCalendarTest, ReplaceAllDropsTheComputedYear) {
  const WorkCalendar calendar = FromJson(R"({"years": [{"year": 2025,
      "replace_all": true,
      "holidays": {"tet": [{"from": "25/01/2025", "to": "02/02/2025"}]}}]})");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2025, 1, 1)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2025, 4, 30)));
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2025, 9, 2)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2025, 1, 27)));
  EXPECT_EQ(Name(calendar, CivilDay(2025, 1, 25)), "Tết Nguyên đán");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2025, 2, 3)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 1, 1)));
}

TEST(WorkCalendarTest, SwappedSaturdayIsAWorkingDay) {
  const WorkCalendar calendar = FromJson(kSwap2024);
  ASSERT_EQ(absl::GetWeekday(CivilDay(2024, 5, 4)), Weekday::saturday);
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2024, 5, 4)));
  EXPECT_EQ(calendar.HolidayName(CivilDay(2024, 5, 4)), std::nullopt);
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2024, 4, 29)));
  EXPECT_EQ(Name(calendar, CivilDay(2024, 4, 29)), "Nghỉ hoán đổi");
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2024, 5, 5)));
  // Friday 03/05 -> Saturday 04/05 is one working day.
  EXPECT_EQ(
      calendar.WorkdaysBetween(CivilDay(2024, 5, 3), CivilDay(2024, 5, 6)), 2);
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2024, 5, 3), 1),
            CivilDay(2024, 5, 4));
  // Friday 26/04 + 1: 29/04 is off, 30/04 and 01/05 are holidays.
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2024, 4, 26), 1),
            CivilDay(2024, 5, 2));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2024, 4, 26), 2),
            CivilDay(2024, 5, 3));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2024, 4, 26), 3),
            CivilDay(2024, 5, 4));
}

TEST(WorkCalendarTest, CreateRejectsInvalidRules) {
  CalendarRules rules;
  YearTable table;
  table.year = 2026;
  table.working_days.push_back(CivilDay(2025, 12, 27));
  rules.tables.push_back(table);
  EXPECT_EQ(WorkCalendar::Create(rules).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Bộ luật Dân sự, Điều 147-148: a period of days does not count the day of
// the event and ends at the end of its last day, moved to the next working
// day when that is a rest day or a day off.
TEST(WorkCalendarTest, PeriodEndCivilCode) {
  const WorkCalendar calendar = FromJson(kOfficial2026);
  // Event on Thursday 01/01/2026: 10 days end on Sunday 11/01 -> Monday.
  ASSERT_EQ(absl::GetWeekday(CivilDay(2026, 1, 1)), Weekday::thursday);
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 1, 1), 10),
            CivilDay(2026, 1, 12));
  // Event on Friday 09/01: 9 days end on Sunday 18/01 -> Monday 19/01;
  // 10 days end on Monday 19/01 itself.
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 1, 9), 9), CivilDay(2026, 1, 19));
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 1, 9), 10),
            CivilDay(2026, 1, 19));
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 1, 9), 11),
            CivilDay(2026, 1, 20));
  // Ending inside Tết moves past it.
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 2, 4), 10),
            CivilDay(2026, 2, 23));
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 2, 4), 9), CivilDay(2026, 2, 13));
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 2, 13), 0),
            CivilDay(2026, 2, 13));
  EXPECT_EQ(calendar.PeriodEnd(CivilDay(2026, 2, 14), 0),
            CivilDay(2026, 2, 23));
}

TEST(WorkCalendarTest, AddWorkdaysAcrossTet2026) {
  const WorkCalendar calendar = FromJson(kOfficial2026);
  // Thursday 12/02: Friday 13/02 is the 1st, Monday 23/02 the 2nd, Tuesday
  // 24/02 the 3rd working day.
  ASSERT_EQ(absl::GetWeekday(CivilDay(2026, 2, 12)), Weekday::thursday);
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 12), 1),
            CivilDay(2026, 2, 13));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 12), 2),
            CivilDay(2026, 2, 23));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 12), 3),
            CivilDay(2026, 2, 24));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 13), 3),
            CivilDay(2026, 2, 25));
  // Received during Tết: counting starts after it.
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 17), 1),
            CivilDay(2026, 2, 23));
  // 20 working days from receipt on Monday 02/02/2026.
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 2), 20),
            CivilDay(2026, 3, 9));
}

TEST(WorkCalendarTest, AddWorkdaysZeroAndNegative) {
  const WorkCalendar calendar = FromJson(kOfficial2026);
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 13), 0),
            CivilDay(2026, 2, 13));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 14), 0),
            CivilDay(2026, 2, 23));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 23), -1),
            CivilDay(2026, 2, 13));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 20), -1),
            CivilDay(2026, 2, 13));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 2, 13), -1),
            CivilDay(2026, 2, 12));
  // Backwards over New Year: Friday 02/01/2026 - 1 is Wednesday 31/12/2025.
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 1, 2), -1),
            CivilDay(2025, 12, 31));
}

TEST(WorkCalendarTest, AddWorkdaysAcrossWeekendAndYear) {
  const WorkCalendar calendar = WorkCalendar::Default();
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2025, 3, 7), 1),
            CivilDay(2025, 3, 10));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2025, 3, 8), 1),
            CivilDay(2025, 3, 10));
  // 01/01/2026 is a holiday.
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2025, 12, 31), 1),
            CivilDay(2026, 1, 2));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2025, 12, 31), 2),
            CivilDay(2026, 1, 5));
}

TEST(WorkCalendarTest, WorkdaysBetween) {
  const WorkCalendar calendar = FromJson(kOfficial2026);
  const CivilDay friday(2026, 1, 9);
  EXPECT_EQ(calendar.WorkdaysBetween(friday, friday), 0);
  EXPECT_EQ(calendar.WorkdaysBetween(friday, CivilDay(2026, 1, 11)), 0);
  EXPECT_EQ(calendar.WorkdaysBetween(friday, CivilDay(2026, 1, 12)), 1);
  EXPECT_EQ(calendar.WorkdaysBetween(CivilDay(2026, 1, 12), friday), -1);
  EXPECT_EQ(calendar.WorkdaysBetween(CivilDay(2026, 1, 10), friday), 0);
  // Across Tết: only Monday 23/02 after Friday 13/02.
  EXPECT_EQ(
      calendar.WorkdaysBetween(CivilDay(2026, 2, 13), CivilDay(2026, 2, 23)),
      1);
  // February 2026 has 20 weekdays, 5 of them in Tết.
  EXPECT_EQ(
      calendar.WorkdaysBetween(CivilDay(2026, 1, 31), CivilDay(2026, 2, 28)),
      15);
  // Across a year: 31/12/2025 -> 05/01/2026 counts 02/01 and 05/01.
  EXPECT_EQ(
      calendar.WorkdaysBetween(CivilDay(2025, 12, 31), CivilDay(2026, 1, 5)),
      2);
}

// AddWorkdays and WorkdaysBetween agree with counting day by day.
TEST(WorkCalendarTest, CountingAgreesWithDayByDay) {
  const WorkCalendar calendar = FromJson(kOfficial2026);
  std::mt19937 random(20260217);
  std::uniform_int_distribution<int> start_offset(0, 3 * 366);
  std::uniform_int_distribution<int> count(-400, 400);
  for (int i = 0; i < 2000; ++i) {
    const CivilDay start = CivilDay(2024, 6, 1) + start_offset(random);
    const int n = count(random);
    const CivilDay end = calendar.AddWorkdays(start, n);
    // Day by day.
    CivilDay expected = start;
    if (n == 0) {
      while (!calendar.IsWorkday(expected)) ++expected;
    }
    for (int left = n; left > 0; --left) {
      do {
        ++expected;
      } while (!calendar.IsWorkday(expected));
    }
    for (int left = -n; left > 0; --left) {
      do {
        --expected;
      } while (!calendar.IsWorkday(expected));
    }
    ASSERT_EQ(end, expected) << start << " " << n;
    int between = 0;
    for (CivilDay day = start + 1; day <= end; ++day) {
      between += calendar.IsWorkday(day) ? 1 : 0;
    }
    for (CivilDay day = end + 1; day <= start; ++day) {
      between -= calendar.IsWorkday(day) ? 1 : 0;
    }
    ASSERT_EQ(calendar.WorkdaysBetween(start, end), between)
        << start << " " << n;
    if (n > 0) {
      ASSERT_EQ(between, n);
    }
  }
}

TEST(WorkCalendarTest, YearsOutsideTheLunarRange) {
  const WorkCalendar calendar = WorkCalendar::Default();
  // No lunar holidays there, but weekends and fixed dates still apply.
  EXPECT_EQ(Name(calendar, CivilDay(2300, 1, 1)), "Tết Dương lịch");
  EXPECT_EQ(Name(calendar, CivilDay(1700, 9, 2)), "Quốc khánh");
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2299, 12, 31), 1),
            calendar.NextWorkdayOnOrAfter(CivilDay(2300, 1, 2)));
  EXPECT_EQ(
      calendar.WorkdaysBetween(CivilDay(2199, 1, 1), CivilDay(2201, 1, 1)),
      calendar.WorkdaysBetween(CivilDay(2199, 1, 1), CivilDay(2200, 1, 1)) +
          calendar.WorkdaysBetween(CivilDay(2200, 1, 1), CivilDay(2201, 1, 1)));
}

// Copies share one state; concurrent first use of the same years from
// several threads gives the same answers as one thread.
TEST(WorkCalendarTest, SafeToShareBetweenThreads) {
  const WorkCalendar reference = FromJson(kOfficial2026);
  std::vector<int> expected;
  for (CivilDay day(2020, 1, 1); day < CivilDay(2031, 1, 1); ++day) {
    expected.push_back(reference.IsWorkday(day) ? 1 : 0);
  }
  const WorkCalendar shared = FromJson(kOfficial2026);
  std::vector<std::vector<int>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([copy = shared, &seen, t] {
      for (CivilDay day(2020, 1, 1); day < CivilDay(2031, 1, 1); ++day) {
        seen[t].push_back(copy.IsWorkday(day) ? 1 : 0);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::vector<int>& result : seen) EXPECT_EQ(result, expected);
}

}  // namespace
}  // namespace wf::calendar
