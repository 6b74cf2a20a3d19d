#include "engine/timers/clocks.h"

#include "engine/calendar/calendar_rules.h"
#include "engine/calendar/vn_date.h"
#include "gtest/gtest.h"

namespace wf::timers {
namespace {

using calendar::EndOfVietnamDay;
using calendar::StartOfVietnamDay;

// The official 2026 table: Tết 14/02-22/02, 27/04 off in lieu of Giỗ Tổ.
calendar::WorkCalendar Calendar2026() {
  auto rules = calendar::ParseCalendarRules(R"({"years": [{"year": 2026,
    "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
    "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"}]}]})");
  EXPECT_TRUE(rules.ok()) << rules.status();
  auto calendar = calendar::WorkCalendar::Create(*rules);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return *calendar;
}

absl::Time At(int y, int m, int d, int hour = 9) {
  return StartOfVietnamDay(absl::CivilDay(y, m, d)) + absl::Hours(hour);
}

StateSpec Named(const std::string& name) {
  StateSpec s;
  s.name = name;
  return s;
}

// Sở Nội vụ: 20 working days to appraise; asking for additions pauses it.
WorkflowSpec Appraisal() {
  WorkflowSpec spec;
  StateSpec received = Named("tiep_nhan");
  StateSpec appraising = Named("tham_dinh");
  appraising.has_deadline = true;
  appraising.deadline.clock = "tham_dinh";
  appraising.deadline.unit = TimeUnit::kWorkingDays;
  appraising.deadline.amount = 20;
  appraising.deadline.fire = "qua_han";
  appraising.deadline.reminders.push_back(
      {TimeUnit::kWorkingDays, 3, "nhac_han"});
  StateSpec jointly = Named("tham_dinh_lien_nganh");  // same clock, keeps running
  jointly.has_deadline = true;
  jointly.deadline = appraising.deadline;
  StateSpec waiting = Named("cho_bo_sung");
  waiting.pauses.push_back("tham_dinh");
  StateSpec done = Named("xong");
  done.final = true;
  spec.states = {received, appraising, jointly, waiting, done};
  return spec;
}

class ClocksTest : public ::testing::Test {
 protected:
  std::vector<store::ClockRecord> Move(std::vector<store::ClockRecord> before,
                                       const std::string& from,
                                       const std::string& to, absl::Time now,
                                       const std::string& fired = "") {
    ClockChange c;
    c.spec = &spec_;
    c.calendar = &calendar_;
    c.before = std::move(before);
    c.from = from;
    c.to = to;
    c.now = now;
    c.fired_timer = fired;
    c.deadline_date = [&]() -> absl::StatusOr<std::optional<absl::CivilDay>> {
      return date_;
    };
    auto next = NextClocks(c);
    EXPECT_TRUE(next.ok()) << next.status();
    return next.ok() ? *next : std::vector<store::ClockRecord>{};
  }

  WorkflowSpec spec_ = Appraisal();
  calendar::WorkCalendar calendar_ = Calendar2026();
  std::optional<absl::CivilDay> date_;
};

TEST_F(ClocksTest, WorkingDaysSkipTet) {
  // Received Thursday 12/02/2026: 13/02, then Tết, then 23/02... the 20th
  // working day is Thursday 19/03/2026 (counted by hand).
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 2, 12));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0].name(), "tham_dinh");
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 3, 19)));
  auto timers = TimersOf(spec_, calendar_, clocks);
  ASSERT_EQ(timers.size(), 2u);
  EXPECT_EQ(timers[0].name, "tham_dinh");
  EXPECT_EQ(timers[0].event, "qua_han");
  // "3 working days left" (17/03, 18/03 and the last day 19/03): from the
  // start of Tuesday 17/03.
  EXPECT_EQ(timers[1].name, "tham_dinh#0");
  EXPECT_EQ(timers[1].due, StartOfVietnamDay(absl::CivilDay(2026, 3, 17)));
}

TEST_F(ClocksTest, PauseKeepsTheWorkingDaysLeftAndResumeCountsThem) {
  // Entered Monday 02/03/2026: due Monday 30/03.
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 3, 2));
  ASSERT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 3, 30)));
  // Additions asked on Monday 09/03: 15 working days are left (10/03..30/03).
  clocks = Move(clocks, "tham_dinh", "cho_bo_sung", At(2026, 3, 9));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_TRUE(clocks[0].paused());
  EXPECT_EQ(clocks[0].remaining(), 15);
  EXPECT_TRUE(TimersOf(spec_, calendar_, clocks).empty());
  // Answered Monday 20/04: 15 working days from then skip 27/04 (in lieu of
  // Giỗ Tổ), 30/04 and 01/05: Thursday 14/05/2026.
  clocks = Move(clocks, "cho_bo_sung", "tham_dinh", At(2026, 4, 20));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_FALSE(clocks[0].paused());
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 5, 14)));
}

TEST_F(ClocksTest, SelfTransitionAndSharedClockKeepTheDue) {
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 3, 2));
  auto due = clocks[0].due_micros();
  clocks = Move(clocks, "tham_dinh", "tham_dinh", At(2026, 3, 5));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0].due_micros(), due);
  clocks = Move(clocks, "tham_dinh", "tham_dinh_lien_nganh", At(2026, 3, 10));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0].due_micros(), due);
  EXPECT_EQ(clocks[0].state(), "tham_dinh_lien_nganh");
}

// Reminder due times are fixed when the deadline's is: a calendar changed
// afterwards (a day off decreed on 27/03) does not move them.
TEST_F(ClocksTest, RemindersKeepTheDueTimeStampedAtTheStart) {
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 3, 2));  // due 30/03
  auto rules = calendar::ParseCalendarRules(R"({"years": [{"year": 2026,
    "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
    "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"},
                 {"date": "27/03/2026", "name": "Nghỉ"}]}]})");
  ASSERT_TRUE(rules.ok()) << rules.status();
  auto changed = calendar::WorkCalendar::Create(*rules);
  ASSERT_TRUE(changed.ok());
  auto timers = TimersOf(spec_, *changed, clocks);
  ASSERT_EQ(timers.size(), 2u);
  // 3 working days left from Thursday 26/03 (26, 27, 30/03), as stamped;
  // the changed calendar alone would say Wednesday 25/03.
  EXPECT_EQ(timers[1].due, StartOfVietnamDay(absl::CivilDay(2026, 3, 26)));
  clocks[0].clear_reminder_due_micros();  // a record from before stamping
  EXPECT_EQ(TimersOf(spec_, *changed, clocks)[1].due,
            StartOfVietnamDay(absl::CivilDay(2026, 3, 25)));
}

// A clock that runs on into another state takes that state's reminders.
TEST_F(ClocksTest, AClockMovingToAnotherStateTakesItsReminders) {
  spec_.states[2].deadline.reminders = {{TimeUnit::kWorkingDays, 1, "nhac_gap"}};
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 3, 2));  // due 30/03
  clocks = Move(clocks, "tham_dinh", "tham_dinh_lien_nganh", At(2026, 3, 10));
  auto timers = TimersOf(spec_, calendar_, clocks);
  ASSERT_EQ(timers.size(), 2u);
  EXPECT_EQ(timers[1].event, "nhac_gap");
  EXPECT_EQ(timers[1].due, StartOfVietnamDay(absl::CivilDay(2026, 3, 30)));
}

TEST_F(ClocksTest, LeavingEndsTheClock) {
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 3, 2));
  clocks = Move(clocks, "tham_dinh", "xong", At(2026, 3, 3));
  EXPECT_TRUE(clocks.empty());
}

TEST_F(ClocksTest, FiredTimersAreMarked) {
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 3, 2));
  clocks = Move(clocks, "tham_dinh", "tham_dinh", At(2026, 3, 25),
                "tham_dinh#0");
  auto timers = TimersOf(spec_, calendar_, clocks);
  ASSERT_EQ(timers.size(), 1u);  // the reminder is done, the deadline remains
  EXPECT_EQ(timers[0].name, "tham_dinh");
  clocks = Move(clocks, "tham_dinh", "tham_dinh", At(2026, 3, 31), "tham_dinh");
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_TRUE(clocks[0].expired());
  EXPECT_TRUE(TimersOf(spec_, calendar_, clocks).empty());
  // An expired clock is not paused: the unit stays late.
  clocks = Move(clocks, "tham_dinh", "cho_bo_sung", At(2026, 4, 1));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_TRUE(clocks[0].expired());
  EXPECT_FALSE(clocks[0].paused());
}

TEST_F(ClocksTest, DateDeadlinesOnARestDayMoveToTheNextWorkingDay) {
  spec_.states[1].deadline.unit = TimeUnit::kNone;
  spec_.states[1].deadline.has_date = true;
  date_ = absl::CivilDay(2026, 2, 14);  // the first day of Tết 2026
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 1, 16));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0].unit(), store::ClockRecord::DATE);
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 2, 23)));
  date_ = std::nullopt;  // the date function said: no deadline this time
  EXPECT_TRUE(Move({}, "tiep_nhan", "tham_dinh", At(2026, 1, 16)).empty());
}

TEST_F(ClocksTest, DurationsAreExact) {
  spec_.states[1].deadline.unit = TimeUnit::kHours;
  spec_.states[1].deadline.amount = 4;
  spec_.states[1].deadline.reminders = {{TimeUnit::kMinutes, 30, "nhac_han"}};
  absl::Time now = At(2026, 3, 2, 10);
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", now);
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()), now + absl::Hours(4));
  auto timers = TimersOf(spec_, calendar_, clocks);
  ASSERT_EQ(timers.size(), 2u);
  EXPECT_EQ(timers[1].due, now + absl::Hours(4) - absl::Minutes(30));
  // Paused with 1h left, resumed a week later: 1h from then.
  clocks = Move(clocks, "tham_dinh", "cho_bo_sung", now + absl::Hours(3));
  EXPECT_EQ(clocks[0].remaining(), absl::ToInt64Microseconds(absl::Hours(1)));
  absl::Time later = now + absl::Hours(24 * 7);
  clocks = Move(clocks, "cho_bo_sung", "tham_dinh", later);
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            later + absl::Hours(1));
}

// A `days = N` period paused before its end keeps the days left to its real
// last day, not to the working day it was moved to (Bộ luật Dân sự, Điều
// 148: the move applies to the end of the period, not to the time left).
TEST_F(ClocksTest, PausedDaysKeepTheDaysLeftBeforeTheRestDayMove) {
  spec_.states[1].deadline.unit = TimeUnit::kDays;
  spec_.states[1].deadline.amount = 8;
  spec_.states[1].deadline.reminders.clear();
  // Friday 03/04/2026 + 8 days = Saturday 11/04, moved to Monday 13/04.
  auto clocks = Move({}, "tiep_nhan", "tham_dinh", At(2026, 4, 3));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 4, 13)));
  // Paused Thursday 09/04 10:00: 10/04 and 11/04 were left.
  clocks = Move(clocks, "tham_dinh", "cho_bo_sung", At(2026, 4, 9, 10));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0].remaining(), 2);
  // Resumed Monday 20/04: 21/04 and 22/04, a Wednesday.
  clocks = Move(clocks, "cho_bo_sung", "tham_dinh", At(2026, 4, 20));
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 4, 22)));
  // Paused again on its new last day, resumed on Friday 24/04: 0 days were
  // left, so it ends with that day.
  clocks = Move(clocks, "tham_dinh", "cho_bo_sung", At(2026, 4, 22, 15));
  EXPECT_EQ(clocks[0].remaining(), 0);
  clocks = Move(clocks, "cho_bo_sung", "tham_dinh", At(2026, 4, 24));
  EXPECT_EQ(absl::FromUnixMicros(clocks[0].due_micros()),
            EndOfVietnamDay(absl::CivilDay(2026, 4, 24)));
}

// A running clock whose deadline ends at the end of `last_day`.
store::ClockRecord RunningUntil(absl::CivilDay last_day) {
  store::ClockRecord clock;
  clock.set_name("tham_dinh");
  clock.set_state("tham_dinh");
  clock.set_unit(store::ClockRecord::WORKING_DAYS);
  clock.set_due_micros(absl::ToUnixMicros(EndOfVietnamDay(last_day)));
  return clock;
}

// "N working days before" fires at the start of the day from which N
// working days are left, the deadline's last day counting as one: at that
// moment an official has exactly N working days (docs/lua.md, Deadlines).
TEST_F(ClocksTest, DayRemindersFireWhenNDaysAreLeftCountingTheLastDay) {
  struct Case {
    absl::CivilDay last_day;
    TimeUnit unit;
    int amount;
    absl::CivilDay fires_on;
  };
  using D = absl::CivilDay;
  const Case kCases[] = {
      // Thursday 26/02/2026: 25/02 and 26/02 are left from Wednesday.
      {D(2026, 2, 26), TimeUnit::kWorkingDays, 2, D(2026, 2, 25)},
      {D(2026, 2, 26), TimeUnit::kWorkingDays, 1, D(2026, 2, 26)},
      // Monday 23/02, the first day after Tết: Friday 13/02 and 23/02.
      {D(2026, 2, 23), TimeUnit::kWorkingDays, 2, D(2026, 2, 13)},
      // Tuesday 24/02, 3 left: 13/02, 23/02, 24/02.
      {D(2026, 2, 24), TimeUnit::kWorkingDays, 3, D(2026, 2, 13)},
      // Monday 09/03, across a weekend: Friday 06/03 and 09/03.
      {D(2026, 3, 9), TimeUnit::kWorkingDays, 2, D(2026, 3, 6)},
      // Tuesday 28/04, across Giỗ Tổ's day in lieu (27/04) and a weekend.
      {D(2026, 4, 28), TimeUnit::kWorkingDays, 2, D(2026, 4, 24)},
      // Calendar days count every day: 25/02 and 26/02.
      {D(2026, 2, 26), TimeUnit::kDays, 2, D(2026, 2, 25)},
      // 21/02, 22/02 (Tết) and 23/02.
      {D(2026, 2, 23), TimeUnit::kDays, 3, D(2026, 2, 21)},
  };
  for (const Case& c : kCases) {
    spec_.states[1].deadline.reminders = {{c.unit, c.amount, "nhac_han"}};
    auto timers = TimersOf(spec_, calendar_, {RunningUntil(c.last_day)});
    ASSERT_EQ(timers.size(), 2u);
    EXPECT_EQ(timers[1].due, StartOfVietnamDay(c.fires_on))
        << c.amount << (c.unit == TimeUnit::kDays ? " days" : " working days")
        << " before the end of " << c.last_day;
    // At that moment exactly N working days (or days) are left.
    if (c.unit == TimeUnit::kWorkingDays) {
      EXPECT_EQ(calendar_.WorkdaysBetween(c.fires_on - 1, c.last_day),
                c.amount);
    }
  }
}

TEST_F(ClocksTest, ZeroDaysBeforeIsTheDeadlineItself) {
  const absl::CivilDay last_day(2026, 2, 26);
  for (TimeUnit unit : {TimeUnit::kWorkingDays, TimeUnit::kDays}) {
    spec_.states[1].deadline.reminders = {{unit, 0, "nhac_han"}};
    auto timers = TimersOf(spec_, calendar_, {RunningUntil(last_day)});
    ASSERT_EQ(timers.size(), 2u);
    EXPECT_EQ(timers[1].due, EndOfVietnamDay(last_day));
  }
}

}  // namespace
}  // namespace wf::timers
