#include "engine/calendar/calendar_rules.h"
#include "engine/calendar/work_calendar.h"
#include "engine/lua/sandbox.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

class CalendarLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = calendar::ParseCalendarRules(R"({"years": [{"year": 2026,
      "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
      "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"}]}]})");
    ASSERT_TRUE(rules.ok());
    calendar_ = std::make_unique<calendar::WorkCalendar>(
        *calendar::WorkCalendar::Create(*rules));
    SandboxOptions options;
    options.calendar = calendar_.get();
    sandbox_ = *Sandbox::Create(options);
  }

  // tostring(expr), or the error message.
  std::string Eval(const std::string& expr) {
    absl::Status s = sandbox_->RunChunk("result = tostring(" + expr + ")",
                                        "t.lua",
                                        absl::StatusCode::kInvalidArgument, "t");
    if (!s.ok()) return std::string(s.message());
    std::string out;
    sandbox_->Run(
                1000,
                [&](lua_State* L) {
                  lua_getglobal(L, "result");
                  out = lua_tostring(L, -1);
                },
                absl::StatusCode::kInternal, "read")
        .IgnoreError();
    return out;
  }

  std::unique_ptr<calendar::WorkCalendar> calendar_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(CalendarLibraryTest, WorkingDaysFollowTheOfficialTable) {
  // Thursday 12/02/2026 + 3 working days: 13/02, (Tết), 23/02, 24/02.
  EXPECT_EQ(Eval("wf.add_workdays('2026-02-12', 3)"), "2026-02-24");
  EXPECT_EQ(Eval("wf.add_workdays('12/02/2026', 3)"), "2026-02-24");
  EXPECT_EQ(Eval("wf.workdays_between('2026-02-12', '2026-02-24')"), "3");
  EXPECT_EQ(Eval("wf.is_workday('2026-02-16')"), "false");
  EXPECT_EQ(Eval("wf.is_workday('2026-02-23')"), "true");
  EXPECT_EQ(Eval("wf.holiday('2026-02-17')"), "Tết Nguyên đán");
  EXPECT_EQ(Eval("wf.holiday('2026-02-23')"), "nil");
  EXPECT_EQ(Eval("wf.is_workday('2026-04-27')"), "false");
}

TEST_F(CalendarLibraryTest, CivilCodePeriodsAndPlainDays) {
  EXPECT_EQ(Eval("wf.add_days('2026-01-31', 10)"), "2026-02-10");
  // Thursday 01/01/2026 + 10 days is Sunday 11/01: the period ends Monday.
  EXPECT_EQ(Eval("wf.period_end('2026-01-01', 10)"), "2026-01-12");
}

TEST_F(CalendarLibraryTest, VietnameseDates) {
  EXPECT_EQ(Eval("wf.format_date('2026-01-16')"), "ngày 16 tháng 01 năm 2026");
  EXPECT_EQ(Eval("wf.format_date('2026-01-16', 'Bắc Ninh')"),
            "Bắc Ninh, ngày 16 tháng 01 năm 2026");
  EXPECT_EQ(Eval("wf.date('10/02/2026')"), "2026-02-10");
}

TEST_F(CalendarLibraryTest, BadDatesAreScriptErrors) {
  EXPECT_NE(Eval("wf.add_workdays('31/02/2026', 1)").find("bad date '31/02/2026'"),
            std::string::npos);
  EXPECT_NE(Eval("wf.add_days('2026-01-01', 10^9)").find("too many days"),
            std::string::npos);
}

// Every date a wf function returns can be passed back to one: results past
// the years 1..9999 that ParseDate accepts are refused with a clear error.
TEST_F(CalendarLibraryTest, ResultsStayInTheDatesTheEngineAccepts) {
  const std::string after = "would be after 31/12/9999, the last date the "
                            "engine accepts";
  EXPECT_NE(Eval("wf.add_workdays('9999-12-30', 5)")
                .find("wf.add_workdays('9999-12-30', 5) " + after),
            std::string::npos);
  EXPECT_NE(Eval("wf.add_days('31/12/9999', 1)").find(after),
            std::string::npos);
  // Thursday 30/12/9999 + 2 days is 01/01/10000.
  EXPECT_NE(Eval("wf.period_end('9999-12-30', 2)").find(after),
            std::string::npos);
  EXPECT_NE(Eval("wf.add_workdays('0001-01-02', -5)")
                .find("would be before 01/01/0001, the first date the engine "
                      "accepts"),
            std::string::npos);
  // Up to the last day itself, results are dates that read back.
  EXPECT_EQ(Eval("wf.date(wf.add_days('9999-12-30', 1))"), "9999-12-31");
  EXPECT_EQ(Eval("wf.add_workdays('9999-12-20', 5)"), "9999-12-27");
}

}  // namespace
}  // namespace wf
