// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/dates.h"

#include "gtest/gtest.h"

namespace wf::org {
namespace {

TEST(DatesTest, ParsesBothShapes) {
  EXPECT_EQ(*ParseDay("01/07/2025"), absl::CivilDay(2025, 7, 1));
  EXPECT_EQ(*ParseDay("1/7/2025"), absl::CivilDay(2025, 7, 1));
  EXPECT_EQ(*ParseDay("2025-06-30"), absl::CivilDay(2025, 6, 30));
  EXPECT_EQ(*ParseDay("29/02/2024"), absl::CivilDay(2024, 2, 29));
}

TEST(DatesTest, RefusesOtherShapesAndMissingDays) {
  for (const char* text :
       {"", "31/02/2026", "29/02/2025", "2026/02/10", "10-02-2026", "1/1/26",
        "2026-2-10", "10/02/2026 ", "001/02/2026", "10.02.2026", "00/01/2026",
        "01/13/2026", "0999-01-01"}) {
    absl::StatusOr<absl::CivilDay> day = ParseDay(text);
    EXPECT_FALSE(day.ok()) << text;
    if (!day.ok()) {
      EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(day.status().message().find("ngày '"), std::string::npos);
    }
  }
}

TEST(DatesTest, FormatsDayMonthYear) {
  EXPECT_EQ(FormatDay(absl::CivilDay(2025, 6, 30)), "30/06/2025");
  EXPECT_EQ(FormatDay(absl::CivilDay(2026, 1, 5)), "05/01/2026");
}

}  // namespace
}  // namespace wf::org
