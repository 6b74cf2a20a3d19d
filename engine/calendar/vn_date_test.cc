#include "engine/calendar/vn_date.h"

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace wf::calendar {
namespace {

using absl::CivilDay;

TEST(VnDateTest, FormatVietnameseDateExactBytes) {
  // "ngày 16 tháng 01 năm 2026" in UTF-8: à = C3 A0, á = C3 A1, ă = C4 83.
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2026, 1, 16)),
            "ng\xC3\xA0y 16 th\xC3\xA1ng 01 n\xC4\x83m 2026");
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2026, 1, 16)),
            "ngày 16 tháng 01 năm 2026");
}

TEST(VnDateTest, FormatPadsDaysBelowTenAndMonthsOneAndTwo) {
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2026, 2, 5)),
            "ngày 05 tháng 02 năm 2026");
  // Months 3 to 9 take no zero (Nghị định 30/2020/NĐ-CP, Phụ lục I).
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2023, 7, 5)),
            "ngày 05 tháng 7 năm 2023");
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2026, 3, 10)),
            "ngày 10 tháng 3 năm 2026");
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2025, 12, 1)),
            "ngày 01 tháng 12 năm 2025");
  EXPECT_EQ(FormatVietnameseDate(CivilDay(2025, 11, 30)),
            "ngày 30 tháng 11 năm 2025");
}

TEST(VnDateTest, FormatPlaceAndDate) {
  EXPECT_EQ(FormatPlaceAndDate("Bắc Ninh", CivilDay(2026, 1, 16)),
            "Bắc Ninh, ngày 16 tháng 01 năm 2026");
}

TEST(VnDateTest, NumericFormats) {
  EXPECT_EQ(FormatDayMonthYear(CivilDay(2026, 2, 5)), "05/02/2026");
  EXPECT_EQ(FormatIsoDate(CivilDay(2026, 2, 5)), "2026-02-05");
}

TEST(VnDateTest, ParseBothForms) {
  EXPECT_EQ(*ParseDate("10/02/2026"), CivilDay(2026, 2, 10));
  EXPECT_EQ(*ParseDate("2026-02-10"), CivilDay(2026, 2, 10));
  EXPECT_EQ(*ParseDate("5/2/2026"), CivilDay(2026, 2, 5));
  EXPECT_EQ(*ParseDate("  31/12/2025\n"), CivilDay(2025, 12, 31));
  EXPECT_EQ(*ParseDate("29/02/2024"), CivilDay(2024, 2, 29));
}

TEST(VnDateTest, ParseErrors) {
  for (const char* text :
       {"", "abc", "31/02/2026", "29/02/2025", "00/01/2026", "10/13/2026",
        "10/02/26", "10-02-2026", "2026-2-10", "2026/02/10", "10/02/2026/1",
        "1o/02/2026", "2026-02-10T00:00", "+1/02/2026", "2026-00-10",
        "10/02/0000", "١٠/02/2026"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<CivilDay> parsed = ParseDate(text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  }
  // The message names the text and the reason.
  absl::Status status = ParseDate("31/02/2026").status();
  EXPECT_NE(status.message().find("31/02/2026"), absl::string_view::npos);
  EXPECT_NE(status.message().find("no such day"), absl::string_view::npos);
}

TEST(VnDateTest, VietnamTimeIsUtcPlusSeven) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  // 16:59:59 UTC is 23:59:59 in Vietnam, 17:00 UTC is midnight.
  EXPECT_EQ(ToVietnamDay(absl::FromCivil(
                absl::CivilSecond(2026, 1, 16, 16, 59, 59), utc)),
            CivilDay(2026, 1, 16));
  EXPECT_EQ(ToVietnamDay(
                absl::FromCivil(absl::CivilSecond(2026, 1, 16, 17, 0, 0), utc)),
            CivilDay(2026, 1, 17));
  EXPECT_EQ(StartOfVietnamDay(CivilDay(2026, 1, 17)),
            absl::FromCivil(absl::CivilSecond(2026, 1, 16, 17, 0, 0), utc));
  EXPECT_EQ(EndOfVietnamDay(CivilDay(2026, 1, 16)),
            StartOfVietnamDay(CivilDay(2026, 1, 17)));
  // No daylight saving time: midsummer is UTC+7 too.
  EXPECT_EQ(StartOfVietnamDay(CivilDay(2026, 7, 1)),
            absl::FromCivil(absl::CivilSecond(2026, 6, 30, 17, 0, 0), utc));
}

}  // namespace
}  // namespace wf::calendar
