#include "engine/calendar/lunar.h"

#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace wf::calendar {
namespace {

using absl::CivilDay;

// Mùng 1 Tết 2020-2035 in Vietnam. 2030 is 02/02: the new moon is at
// 16:08 UTC on 2 February 2030, i.e. 23:08 in Vietnam but 00:08 on 3 February
// in China, whose New Year is 03/02/2030. (Also in the PyEphem table,
// testdata/lunar_1800_2199.csv, checked below.)
TEST(LunarTest, TetDates2020To2035) {
  const std::vector<std::pair<int, CivilDay>> tet = {
      {2020, CivilDay(2020, 1, 25)}, {2021, CivilDay(2021, 2, 12)},
      {2022, CivilDay(2022, 2, 1)},  {2023, CivilDay(2023, 1, 22)},
      {2024, CivilDay(2024, 2, 10)}, {2025, CivilDay(2025, 1, 29)},
      {2026, CivilDay(2026, 2, 17)}, {2027, CivilDay(2027, 2, 6)},
      {2028, CivilDay(2028, 1, 26)}, {2029, CivilDay(2029, 2, 13)},
      {2030, CivilDay(2030, 2, 2)},  {2031, CivilDay(2031, 1, 23)},
      {2032, CivilDay(2032, 2, 11)}, {2033, CivilDay(2033, 1, 31)},
      {2034, CivilDay(2034, 2, 19)}, {2035, CivilDay(2035, 2, 8)},
  };
  for (const auto& [year, day] : tet) {
    SCOPED_TRACE(year);
    absl::StatusOr<CivilDay> computed = LunarNewYear(year);
    ASSERT_TRUE(computed.ok()) << computed.status();
    EXPECT_EQ(*computed, day);
    EXPECT_EQ(SolarToLunar(day), (LunarDate{year, 1, 1, false}));
    // The day before is the last day (29 or 30) of month 12 of the old year.
    const LunarDate eve = SolarToLunar(day - 1);
    EXPECT_EQ(eve.year, year - 1);
    EXPECT_EQ(eve.month, 12);
    EXPECT_TRUE(eve.day == 29 || eve.day == 30) << eve.day;
  }
}

TEST(LunarTest, KnownSolarToLunar) {
  // 16/02/2026 is 29 tháng Chạp Ất Tỵ (month 12 has 29 days), and the
  // official Tết 2026 starts on Saturday 14/02 = 27 tháng Chạp.
  EXPECT_EQ(SolarToLunar(CivilDay(2026, 2, 16)),
            (LunarDate{2025, 12, 29, false}));
  EXPECT_EQ(SolarToLunar(CivilDay(2026, 2, 14)),
            (LunarDate{2025, 12, 27, false}));
  EXPECT_EQ(SolarToLunar(CivilDay(2026, 2, 22)),
            (LunarDate{2026, 1, 6, false}));
  EXPECT_EQ(SolarToLunar(CivilDay(2026, 1, 1)),
            (LunarDate{2025, 11, 13, false}));
}

TEST(LunarTest, HungKingsDay) {
  const std::vector<std::pair<int, CivilDay>> gio_to = {
      {2022, CivilDay(2022, 4, 10)},
      {2024, CivilDay(2024, 4, 18)},
      {2025, CivilDay(2025, 4, 7)},
      {2026, CivilDay(2026, 4, 26)},
  };
  for (const auto& [year, day] : gio_to) {
    SCOPED_TRACE(year);
    absl::StatusOr<CivilDay> computed = LunarToSolar(year, 3, 10, false);
    ASSERT_TRUE(computed.ok()) << computed.status();
    EXPECT_EQ(*computed, day);
  }
}

TEST(LunarTest, LeapMonths) {
  const std::vector<std::pair<int, int>> leap = {
      {2020, 4}, {2021, 0}, {2022, 0}, {2023, 2},  {2024, 0}, {2025, 6},
      {2026, 0}, {2028, 5}, {2031, 3}, {2033, 11}, {1985, 2}, {1984, 0},
  };
  for (const auto& [year, month] : leap) {
    SCOPED_TRACE(year);
    absl::StatusOr<int> computed = LeapMonth(year);
    ASSERT_TRUE(computed.ok()) << computed.status();
    EXPECT_EQ(*computed, month);
  }
}

TEST(LunarTest, LeapMonthDates) {
  // 2023: tháng 2 nhuận from 22/03/2023; 2025: tháng 6 nhuận from 25/07/2025;
  // 2033: tháng 11 nhuận from 22/12/2033, before Tết 2034 (19/02/2034).
  EXPECT_EQ(SolarToLunar(CivilDay(2023, 3, 21)),
            (LunarDate{2023, 2, 30, false}));
  EXPECT_EQ(SolarToLunar(CivilDay(2023, 3, 22)), (LunarDate{2023, 2, 1, true}));
  EXPECT_EQ(SolarToLunar(CivilDay(2023, 4, 20)),
            (LunarDate{2023, 3, 1, false}));
  EXPECT_EQ(*LunarToSolar(2023, 2, 1, true), CivilDay(2023, 3, 22));
  EXPECT_EQ(*LunarToSolar(2023, 2, 1, false), CivilDay(2023, 2, 20));
  EXPECT_EQ(*LunarToSolar(2025, 6, 1, true), CivilDay(2025, 7, 25));
  EXPECT_EQ(*LunarToSolar(2025, 7, 1, false), CivilDay(2025, 8, 23));
  EXPECT_EQ(*LunarToSolar(2033, 11, 1, true), CivilDay(2033, 12, 22));
  EXPECT_EQ(SolarToLunar(CivilDay(2034, 1, 20)),
            (LunarDate{2033, 12, 1, false}));
}

// Vietnam (UTC+7) and China (UTC+8) disagree on some dates.
TEST(LunarTest, VietnamAndChinaDiffer) {
  struct Case {
    int year;
    CivilDay vietnam;
    CivilDay china;
  };
  const std::vector<Case> cases = {
      // 1985: month 11 and the leap month fall differently; the Vietnamese
      // Tết came a month before the Chinese New Year.
      {1985, CivilDay(1985, 1, 21), CivilDay(1985, 2, 20)},
      // Tết Mậu Thân: 29/01 in the North (UTC+7 from 1968), 30/01 in China.
      {1968, CivilDay(1968, 1, 29), CivilDay(1968, 1, 30)},
      // New moon at 23:14 UTC+7 on 17/02/2007.
      {2007, CivilDay(2007, 2, 17), CivilDay(2007, 2, 18)},
      {2030, CivilDay(2030, 2, 2), CivilDay(2030, 2, 3)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.year);
    EXPECT_EQ(*LunarNewYear(c.year), c.vietnam);
    EXPECT_EQ(*LunarNewYear(c.year, /*utc_offset_hours=*/8), c.china);
  }
  // 1984: the Chinese calendar has a leap 10th month, the Vietnamese a leap
  // 2nd month in 1985 instead.
  EXPECT_EQ(*LeapMonth(1984, 8), 10);
  EXPECT_EQ(*LeapMonth(1985, 8), 0);
  EXPECT_EQ(*LeapMonth(1985), 2);
}

TEST(LunarTest, LunarToSolarErrors) {
  EXPECT_EQ(LunarToSolar(2026, 13, 1, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LunarToSolar(2026, 0, 1, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LunarToSolar(2026, 1, 0, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LunarToSolar(2026, 1, 31, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  // 2026 has no leap month; 2023's leap month is the 2nd, not the 3rd.
  EXPECT_EQ(LunarToSolar(2026, 2, 1, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LunarToSolar(2023, 3, 1, true).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Month 12 of 2025 has 29 days.
  EXPECT_EQ(LunarToSolar(2025, 12, 30, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(LunarToSolar(2025, 12, 29, false).ok());
  EXPECT_EQ(LunarToSolar(kMinLunarYear - 1, 1, 1, false).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(LunarToSolar(kMaxLunarYear + 1, 1, 1, false).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(LeapMonth(kMaxLunarYear + 1).status().code(),
            absl::StatusCode::kOutOfRange);
}

// Walks every day of 1900-2100 and checks the structure of the calendar:
// days run 1, 2, ... within a month of 29 or 30 days; months follow in order
// with at most one leap month a year, which repeats the month before it;
// years change at month 1; and every day converts back to itself.
TEST(LunarTest, EveryDayFrom1900To2100IsConsistent) {
  LunarDate previous = SolarToLunar(CivilDay(1899, 12, 31));
  int months_in_year = 0;  // Since the last month 1 seen; 0 before the first.
  bool leap_seen = false;
  for (CivilDay day(1900, 1, 1); day <= CivilDay(2100, 12, 31); ++day) {
    const LunarDate date = SolarToLunar(day);
    if (date.day != 1) {
      ASSERT_EQ(date.day, previous.day + 1) << day;
      ASSERT_EQ(date.month, previous.month) << day;
      ASSERT_EQ(date.leap, previous.leap) << day;
      ASSERT_EQ(date.year, previous.year) << day;
    } else {
      ASSERT_TRUE(previous.day == 29 || previous.day == 30) << day;
      if (date.leap) {
        ASSERT_EQ(date.month, previous.month) << day;
        ASSERT_FALSE(previous.leap) << day;
        ASSERT_FALSE(leap_seen) << day;
        leap_seen = true;
      } else {
        ASSERT_EQ(date.month, previous.month % 12 + 1) << day;
      }
      if (date.month == 1 && !date.leap) {
        ASSERT_EQ(date.year, previous.year + 1) << day;
        if (months_in_year > 0) {
          ASSERT_EQ(months_in_year, leap_seen ? 13 : 12) << day;
        }
        months_in_year = 0;
        leap_seen = false;
      } else {
        ASSERT_EQ(date.year, previous.year) << day;
      }
      if (months_in_year > 0 || date.month == 1) ++months_in_year;
    }
    absl::StatusOr<CivilDay> back =
        LunarToSolar(date.year, date.month, date.day, date.leap);
    ASSERT_TRUE(back.ok()) << day << ": " << back.status();
    ASSERT_EQ(*back, day) << LunarDateToString(date);
    previous = date;
  }
}

// One row of testdata/lunar_1800_2199.csv, made by make_lunar_table.py from
// PyEphem: a lunar theory, solar series, ΔT table and root finder that share
// nothing with astronomy.cc.
struct EphemerisYear {
  int year = 0;
  CivilDay tet[2];     // [0]: UTC+7, [1]: UTC+8
  CivilDay gio_to[2];  // 10/3
  int leap[2] = {0, 0};
};

CivilDay ParseDay(const std::string& text) {
  CivilDay day;
  EXPECT_TRUE(absl::ParseCivilTime(text, &day)) << text;
  return day;
}

std::vector<EphemerisYear> ReadEphemerisTable() {
  std::ifstream in(WF_CALENDAR_TESTDATA_DIR "/lunar_1800_2199.csv");
  EXPECT_TRUE(in.good()) << "cannot open the table";
  std::vector<EphemerisYear> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("year", 0) == 0) continue;
    const std::vector<std::string> cells = absl::StrSplit(line, ',');
    if (cells.size() != 7) {
      ADD_FAILURE() << "bad line: " << line;
      continue;
    }
    EphemerisYear row;
    row.year = std::stoi(cells[0]);
    for (int i = 0; i < 2; ++i) {
      row.tet[i] = ParseDay(cells[1 + 3 * i]);
      row.gio_to[i] = ParseDay(cells[2 + 3 * i]);
      row.leap[i] = std::stoi(cells[3 + 3 * i]);
    }
    rows.push_back(row);
  }
  return rows;
}

// Tết, Giỗ Tổ and the leap month of every year 1800-2199, at UTC+7 and at
// UTC+8, against the ephemeris: all 800 agree.
//
// The instants of new moons and solar terms differ by seconds (under 15 s
// over 1800-2025, up to 40 s by 2200 where the two models of ΔT part), so
// only an event within seconds of midnight can fall on different days. In the
// 400 years there are five (make_lunar_table.py lists every event within two
// minutes of midnight; PyEphem's time, then ours, local):
//   UTC+7 new moon 1967-07-08 00:00:03 / 1967-07-07 23:59:58: month 6 of
//         1967 starts on 08/07 by the ephemeris, 07/07 here (below);
//   UTC+7 Sun at  90 deg 1953-06-22 00:00:07 / 1953-06-21 23:59:59.8;
//   UTC+7 Sun at 150 deg 2074-08-22 23:59:55 / 2074-08-23 00:00:06;
//   UTC+8 Sun at 270 deg 1951-12-22 23:59:57 / 1951-12-23 00:00:05;
//   UTC+8 Sun at 120 deg 2191-07-23 00:00:00 / 2191-07-22 23:59:56;
// the four solar terms fall inside a month either way, so no date moves.
// Every other month start (4948 at each offset, lunar years 1800-2199;
// make_lunar_table.py --months lists them) agrees too.
TEST(LunarTest, AgreesWithEphemeris1800To2199) {
  const std::vector<EphemerisYear> table = ReadEphemerisTable();
  ASSERT_EQ(table.size(), 400u);
  for (const EphemerisYear& row : table) {
    for (int i = 0; i < 2; ++i) {
      const int offset = 7 + i;
      SCOPED_TRACE(testing::Message() << row.year << " UTC+" << offset);
      const absl::StatusOr<CivilDay> tet = LunarNewYear(row.year, offset);
      const absl::StatusOr<CivilDay> gio_to =
          LunarToSolar(row.year, 3, 10, false, offset);
      const absl::StatusOr<int> leap = LeapMonth(row.year, offset);
      ASSERT_TRUE(tet.ok() && gio_to.ok() && leap.ok());
      EXPECT_EQ(*tet, row.tet[i]);
      EXPECT_EQ(*gio_to, row.gio_to[i]);
      EXPECT_EQ(*leap, row.leap[i]);
    }
  }
}

// Events a minute or less from midnight, where the answer rests on seconds.
TEST(LunarTest, NearMidnight) {
  // New moon at 23:59:58 by Meeus's series, 00:00:03 the next day by
  // PyEphem: the one month start of 1800-2199 where the two disagree. (In
  // 1967 the calendar in use was UTC+8's anyway, where it is 08/07.)
  EXPECT_EQ(SolarToLunar(CivilDay(1967, 7, 7)), (LunarDate{1967, 6, 1, false}));
  EXPECT_EQ(SolarToLunar(CivilDay(1967, 7, 8), 8),
            (LunarDate{1967, 6, 1, false}));
  // The September equinox of 1938 at 23:59:34 UTC+7 on 23/09 keeps the Sun's
  // 180 degrees in month 8, so the next month, from 24/09, is the leap
  // month: 8 at UTC+7, where UTC+8's calendar has a leap 7th month.
  EXPECT_EQ(*LeapMonth(1938), 8);
  EXPECT_EQ(*LunarToSolar(1938, 8, 1, true), CivilDay(1938, 9, 24));
  EXPECT_EQ(*LeapMonth(1938, 8), 7);
  // New moons at 23:58:48 on 09/12/2072 and 23:59:32 on 18/10/2085 (UTC+7,
  // ours; the ephemeris says 23:58:28 and 23:59:15).
  EXPECT_EQ(SolarToLunar(CivilDay(2072, 12, 9)),
            (LunarDate{2072, 11, 1, false}));
  EXPECT_EQ(SolarToLunar(CivilDay(2085, 10, 18)),
            (LunarDate{2085, 9, 1, false}));
}

// Far outside the supported years the formulas lose accuracy but still give
// a well-formed date.
TEST(LunarTest, FarOutsideTheRangeStillAnswers) {
  for (CivilDay day : {CivilDay(1000, 6, 1), CivilDay(1600, 1, 1),
                       CivilDay(2500, 12, 31), CivilDay(3000, 2, 1)}) {
    SCOPED_TRACE(day);
    const LunarDate date = SolarToLunar(day);
    EXPECT_GE(date.month, 1);
    EXPECT_LE(date.month, 12);
    EXPECT_GE(date.day, 1);
    EXPECT_LE(date.day, 30);
  }
}

}  // namespace
}  // namespace wf::calendar
