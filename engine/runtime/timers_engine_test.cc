// Deadlines end to end through the engine, with an injected clock: they fire
// exactly once, are cancelled by leaving the state, survive restarts (also
// past their due time), pause and resume with the right remainder, list as
// coming or late, and scale to many timers firing in due order.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/calendar/vn_date.h"
#include "engine/runtime/history.h"
#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "engine/timers/timer_service.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Json = nlohmann::json;
using calendar::EndOfVietnamDay;
using calendar::StartOfVietnamDay;

constexpr char kRules2026[] = R"({"years": [{"year": 2026,
  "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
  "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"}]}]})";

std::string ReadPath(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

using test_support::ReadTestdata;

absl::Time At(int y, int m, int d, int hour = 9) {
  return StartOfVietnamDay(absl::CivilDay(y, m, d)) + absl::Hours(hour);
}

class TimersEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshDir("wf_timers_test");
    options_.data_dir = dir_;
    options_.clock = &clock_;
    options_.calendar_rules_json = kRules2026;
    options_.run_timers = false;  // tests fire what is due themselves
    Reopen();
    for (const char* file : {"tham_dinh.lua", "hen_gio.lua"}) {
      auto deployed = engine_->Deploy({ReadTestdata(file), file, Actor::Embedder("admin")});
      ASSERT_TRUE(deployed.ok()) << deployed.status();
    }
  }

  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    engine_.reset();
    auto engine = Engine::Open(options_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  std::string StartAppraisal() {
    auto started = engine_->Start({"tham_dinh", "", "", "", Actor::Embedder("so_noi_vu")});
    EXPECT_TRUE(started.ok()) << started.status();
    auto fired = Fire(started->instance.id, "bat_dau");
    EXPECT_TRUE(fired.ok()) << fired.status();
    return started->instance.id;
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& event) {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = event;
    fire.actor = Actor::Embedder("chuyen-vien.so-noi-vu");
    return engine_->Fire(fire);
  }

  int FireDue() {
    auto fired = engine_->FireDueTimers();
    EXPECT_TRUE(fired.ok()) << fired.status();
    return fired.ok() ? *fired : -1;
  }

  Json Vars(const std::string& id) {
    return Json::parse(engine_->GetInstance(id, Actor::Embedder())->variables_json);
  }

  // Writes `set` straight to the store, the engine closed (as a tool or an
  // attacker with the files could), and opens the engine again.
  void WriteToStore(const WriteSet& set) {
    engine_.reset();
    {
      auto store = Store::Open(dir_, StoreOptions());
      ASSERT_TRUE(store.ok()) << store.status();
      rocksdb::WriteBatch batch;
      (*store)->AppendTo(set, &batch);
      ASSERT_TRUE((*store)->WriteSynced(&batch).ok());
    }
    Reopen();
  }

  // A plan of the bundled workflow due `han_nop`, started now.
  std::string StartPlan(const std::string& han_nop) {
    auto started = engine_->Start(
        {"nop_ke_hoach",
         absl::StrCat(R"({"don_vi":"UBND xã Đại Sơn","nam":2026,"han_nop":")",
                      han_nop, R"("})"),
         "", "", Actor::Embedder("admin")});
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance.id : "";
  }

  // The text of the last notification the instance emitted.
  std::string LastNotice(const std::string& id) {
    auto history = engine_->GetHistory(id, Actor::Embedder());
    EXPECT_TRUE(history.ok());
    for (auto it = history->rbegin(); it != history->rend(); ++it) {
      Json effects = Json::parse(it->effects_json);
      for (const Json& effect : effects) {
        if (effect.value("kind", "") == "thong_bao") {
          return effect["data"].value("noi_dung", "");
        }
      }
    }
    return "";
  }

  std::string dir_;
  ManualClock clock_{At(2026, 2, 12)};  // Thursday, two days before Tết
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(TimersEngineTest, ReminderAndDeadlineFireExactlyOnce) {
  std::string id = StartAppraisal();
  // 20 working days from Thursday 12/02/2026, Tết skipped: 19/03/2026.
  auto instance = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_EQ(instance->clocks.size(), 1u);
  EXPECT_EQ(instance->clocks[0].due, EndOfVietnamDay(absl::CivilDay(2026, 3, 19)));
  EXPECT_EQ(FireDue(), 0);

  // "3 working days before" is from Tuesday 17/03: 17/03, 18/03 and 19/03
  // are left. On Monday 16/03 four are left: not yet.
  clock_.Set(At(2026, 3, 16, 23));
  EXPECT_EQ(FireDue(), 0);
  clock_.Set(At(2026, 3, 17, 0));
  EXPECT_EQ(FireDue(), 1);
  EXPECT_EQ(Vars(id)["so_lan_nhac"], 1);
  EXPECT_EQ(FireDue(), 0);

  clock_.Set(At(2026, 3, 19, 23));  // the last day, before its end
  EXPECT_EQ(FireDue(), 0);
  EXPECT_FALSE(Vars(id).contains("tre_han"));
  clock_.Set(At(2026, 3, 20, 8));
  EXPECT_EQ(FireDue(), 1);
  EXPECT_EQ(FireDue(), 0);
  Json vars = Vars(id);
  EXPECT_EQ(vars["tre_han"], true);
  EXPECT_EQ(vars["so_lan_nhac"], 1);
  EXPECT_EQ(vars["han_viet"], "ngày 19 tháng 3 năm 2026");

  auto history = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 4u);  // start, bat_dau, nhac_han, qua_han
  const HistoryEntry& late = history->back();
  EXPECT_EQ(late.event, "qua_han");
  EXPECT_EQ(late.actor, "system:timer");
  EXPECT_EQ(late.at, At(2026, 3, 20, 8));
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);

  auto coming = engine_->ListDeadlines({"tham_dinh", false, 3660, 0, "", Actor::Embedder()});
  ASSERT_TRUE(coming.ok());
  EXPECT_TRUE(coming->deadlines.empty());
  auto overdue = engine_->ListDeadlines({"tham_dinh", true, 0, 0, "", Actor::Embedder()});
  ASSERT_TRUE(overdue.ok());
  ASSERT_EQ(overdue->deadlines.size(), 1u);
  EXPECT_EQ(overdue->deadlines[0].instance_id, id);
  EXPECT_EQ(overdue->deadlines[0].clock, "thoi_han");
  EXPECT_EQ(overdue->deadlines[0].due, EndOfVietnamDay(absl::CivilDay(2026, 3, 19)));
  EXPECT_EQ(overdue->deadlines[0].state_title, "Sở Nội vụ đang thẩm định");

  // Submitting ends the clock: no longer late.
  ASSERT_TRUE(Fire(id, "trinh").ok());
  EXPECT_TRUE(engine_->ListDeadlines({"", true, 0, 0, "", Actor::Embedder()})->deadlines.empty());
}

// A reminder's due time is fixed when its deadline's is: a holiday table
// changed afterwards (a day off decreed on 18/03) moves neither. Derived
// again from the new table, "3 working days before 19/03" would be 16/03.
TEST_F(TimersEngineTest, AChangedHolidayTableKeepsPendingReminders) {
  std::string id = StartAppraisal();
  auto started = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_TRUE(started.ok());
  EXPECT_NE(started->back().timers_json.find("2026-03-17T00:00:00+07:00"),
            std::string::npos)
      << started->back().timers_json;

  options_.calendar_rules_json = R"({"years": [{"year": 2026,
    "holidays": {"tet": [{"from": "14/02/2026", "to": "22/02/2026"}]},
    "days_off": [{"date": "27/04/2026", "in_lieu_of": "hung_kings"},
                 {"date": "18/03/2026", "name": "Ngày nghỉ theo quyết định"}]}]})";
  Reopen();
  clock_.Set(At(2026, 3, 16, 23));
  EXPECT_EQ(FireDue(), 0);
  clock_.Set(At(2026, 3, 17, 0));
  EXPECT_EQ(FireDue(), 1);
  auto history = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().event, "nhac_han");
  EXPECT_EQ(history->back().timer_due, At(2026, 3, 17, 0));
  EXPECT_EQ(history->back().at, At(2026, 3, 17, 0));
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
}

TEST_F(TimersEngineTest, LeavingTheStateCancelsItsTimers) {
  std::string id = StartAppraisal();
  ASSERT_EQ(engine_->ListDeadlines({"", false, 3660, 0, "", Actor::Embedder()})->deadlines.size(),
            1u);
  ASSERT_TRUE(Fire(id, "trinh").ok());
  EXPECT_TRUE(engine_->GetInstance(id, Actor::Embedder())->clocks.empty());
  EXPECT_TRUE(engine_->ListDeadlines({"", false, 3660, 0, "", Actor::Embedder()})->deadlines.empty());
  clock_.Set(At(2027, 1, 1));
  EXPECT_EQ(FireDue(), 0);
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, 3u);
}

TEST_F(TimersEngineTest, PausedClockResumesWithTheWorkingDaysLeft) {
  clock_.Set(At(2026, 3, 2));  // Monday: due Monday 30/03
  std::string id = StartAppraisal();
  clock_.Set(At(2026, 3, 9));
  ASSERT_TRUE(Fire(id, "yeu_cau_bo_sung").ok());
  auto paused = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_EQ(paused->clocks.size(), 1u);
  EXPECT_TRUE(paused->clocks[0].paused);
  EXPECT_EQ(paused->clocks[0].remaining, 15);
  EXPECT_EQ(paused->clocks[0].unit, "working_days");
  // While paused nothing fires, however long the unit takes.
  clock_.Set(At(2026, 4, 20));
  EXPECT_EQ(FireDue(), 0);
  ASSERT_TRUE(Fire(id, "nop_bo_sung").ok());
  auto resumed = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_EQ(resumed->clocks.size(), 1u);
  EXPECT_FALSE(resumed->clocks[0].paused);
  // 15 working days from Monday 20/04, skipping 27/04, 30/04 and 01/05.
  EXPECT_EQ(resumed->clocks[0].due, EndOfVietnamDay(absl::CivilDay(2026, 5, 14)));
  clock_.Set(At(2026, 5, 15, 1));
  EXPECT_EQ(FireDue(), 2);  // the reminder, then the deadline
  EXPECT_EQ(Vars(id)["tre_han"], true);
}

TEST_F(TimersEngineTest, TimersSurviveARestartPastTheirDueTime) {
  std::string id = StartAppraisal();
  engine_.reset();
  clock_.Set(At(2026, 4, 1));  // the server was down when it was due
  options_.run_timers = true;
  Reopen();
  // The loop fires what was due on its own, at start.
  for (int i = 0; i < 500 && !Vars(id).contains("tre_han"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Json vars = Vars(id);
  EXPECT_EQ(vars["tre_han"], true);
  EXPECT_EQ(vars["so_lan_nhac"], 1);
  auto history = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_TRUE(history.ok());
  const HistoryEntry& late = history->back();
  EXPECT_EQ(late.event, "qua_han");
  EXPECT_EQ(late.at, At(2026, 4, 1));  // fired at start-up time...
  EXPECT_EQ(Json::parse(late.payload_json), Json::object());
  // ...and the due time is recorded too (ctx.timer.due_date -> vars.han).
  EXPECT_EQ(vars["han"], "2026-03-20");
  EXPECT_EQ(engine_->FireDueTimers().value_or(-1), 0);
  EXPECT_EQ(engine_->GetHistory(id, Actor::Embedder())->size(), 4u);
}

TEST_F(TimersEngineTest, ManyTimersFireInDueOrderWithoutScanningAtStart) {
  const char* env = std::getenv("WF_TIMER_TEST_COUNT");
  const int total = env != nullptr ? std::atoi(env) : 100000;
  const int waves = 100;
  const int per_wave = total / waves;
  // Wave w starts at second w, so its deadlines fall 60 minutes and w
  // seconds later: all are set before the first is due.
  const absl::Time t0 = At(2026, 6, 1, 8);
  for (int w = 0; w < waves; ++w) {
    clock_.Set(t0 + absl::Seconds(w));
    std::atomic<int> pending{per_wave};
    std::atomic<int> failed{0};
    for (int i = 0; i < per_wave; ++i) {
      engine_->StartAsync({"hen_gio", "", "", "", Actor::Embedder()},
                          [&](absl::StatusOr<StartResult> r) {
                            if (!r.ok()) failed++;
                            pending--;
                          });
    }
    while (pending.load() > 0) std::this_thread::yield();
    ASSERT_EQ(failed.load(), 0);
  }
  // After a restart with nothing due, the loop reads one key, not all.
  Reopen();
  EXPECT_EQ(FireDue(), 0);

  auto finished_count = [&] {
    int n = 0;
    ListInstancesRequest request{"hen_gio", "het", "", 1000, "",
                                 Actor::Embedder()};
    for (;;) {
      auto page = engine_->ListInstances(request);
      n += static_cast<int>(page->instances.size());
      if (page->next_page_token.empty()) return n;
      request.page_token = page->next_page_token;
    }
  };
  // Step through time: exactly the waves whose deadline has passed fired.
  for (int step = 0; step <= waves; step += 25) {
    clock_.Set(t0 + absl::Minutes(60) + absl::Seconds(step) +
               absl::Milliseconds(500));
    int fired = FireDue();
    int expected_waves = std::min(step + 1, waves) -
                         std::min(std::max(step - 25 + 1, 0), waves);
    if (step == 0) expected_waves = 1;
    EXPECT_EQ(fired, expected_waves * per_wave) << "step " << step;
    EXPECT_EQ(finished_count(), std::min(step + 1, waves) * per_wave)
        << "step " << step;
  }
  EXPECT_EQ(FireDue(), 0);
}

// The bundled plan's reminder (working_days = 3) goes out at the start of the
// day from which 3 working days are left, the last day included, and says
// so; a plan started later than that is told how many are really left.
TEST_F(TimersEngineTest, BundledPlanReminderSaysTheWorkingDaysLeft) {
  engine_.reset();
  ManualClock clock(At(2026, 2, 2));  // earlier than the fixture's clock
  options_.clock = &clock;
  Reopen();
  auto deployed = engine_->Deploy(
      {ReadPath(std::string(WF_TESTDATA_DIR) + "/nop_ke_hoach.lua"),
       "nop_ke_hoach.lua", Actor::Embedder("admin")});
  ASSERT_TRUE(deployed.ok()) << deployed.status();
  // Due Thursday 26/02/2026: 24/02, 25/02 and 26/02 are the last three.
  const std::string plain = StartPlan("2026-02-26");
  // Due Monday 23/02, after Tết: 12/02, 13/02 and 23/02 are the last three,
  // so on Wednesday 11/02 it is too early.
  clock.Set(At(2026, 2, 11));
  const std::string across_tet = StartPlan("2026-02-23");
  EXPECT_EQ(FireDue(), 0);
  clock.Set(At(2026, 2, 12, 0));
  EXPECT_EQ(FireDue(), 1);
  EXPECT_EQ(LastNotice(across_tet),
            "Còn 3 ngày làm việc đến hạn nộp kế hoạch (ngày 23 tháng 02 năm "
            "2026)");
  // Started on Thursday 12/02, due Friday 13/02: reminded at once, of two.
  clock.Set(At(2026, 2, 12));
  const std::string late_start = StartPlan("2026-02-13");
  EXPECT_EQ(FireDue(), 1);
  EXPECT_EQ(LastNotice(late_start),
            "Còn 2 ngày làm việc đến hạn nộp kế hoạch (ngày 13 tháng 02 năm "
            "2026)");
  clock.Set(At(2026, 2, 23, 23));
  EXPECT_EQ(FireDue(), 1);  // late_start's deadline; nothing of plain's yet
  EXPECT_EQ(LastNotice(plain), "");
  clock.Set(At(2026, 2, 24, 0));
  EXPECT_EQ(FireDue(), 2);  // across_tet's deadline and plain's reminder
  EXPECT_EQ(LastNotice(plain),
            "Còn 3 ngày làm việc đến hạn nộp kế hoạch (ngày 26 tháng 02 năm "
            "2026)");
  engine_.reset();  // before `clock` goes
}

// A timer key whose clock has ended is consumed without an event: it is not
// counted as fired, by FireDueTimers (AdvanceClock) nor by Stats (GetStats).
TEST_F(TimersEngineTest, OnlyCommittedFiringsAreCounted) {
  const std::string id = StartAppraisal();
  store::TimerRecord stale;
  stale.set_instance_id(id);
  stale.set_name("thoi_han");
  stale.set_event("qua_han");
  stale.set_due_micros(absl::ToUnixMicros(At(2026, 2, 13)));  // not its due
  WriteSet set;
  set.Put(Cf::kTimers, TimerKey(stale), stale.SerializeAsString());
  WriteToStore(set);
  clock_.Set(At(2026, 2, 13, 10));
  EXPECT_EQ(FireDue(), 0);
  EXPECT_EQ(engine_->Stats().timers_fired, 0u);
  EXPECT_EQ(engine_->GetHistory(id, Actor::Embedder())->size(), 2u);
  clock_.Set(At(2026, 3, 20));
  EXPECT_EQ(FireDue(), 2);  // the real reminder and deadline
  EXPECT_EQ(engine_->Stats().timers_fired, 2u);
}

// A reminder key stored under the earlier rule (one working day earlier)
// turns up stale; the key the current rule calls for is put back, so the
// reminder still fires, once, at its time.
TEST_F(TimersEngineTest, AReminderKeyFromTheEarlierRuleIsReplaced) {
  const std::string id = StartAppraisal();  // due 19/03, reminded 17/03
  auto reminder = [&](absl::CivilDay day) {
    store::TimerRecord t;
    t.set_instance_id(id);
    t.set_name("thoi_han#0");
    t.set_event("nhac_han");
    t.set_due_micros(absl::ToUnixMicros(StartOfVietnamDay(day)));
    t.set_reminder(true);
    return t;
  };
  WriteSet set;
  set.Delete(Cf::kTimers, TimerKey(reminder(absl::CivilDay(2026, 3, 17))));
  const store::TimerRecord old_rule = reminder(absl::CivilDay(2026, 3, 16));
  set.Put(Cf::kTimers, TimerKey(old_rule), old_rule.SerializeAsString());
  WriteToStore(set);
  clock_.Set(At(2026, 3, 16));
  EXPECT_EQ(FireDue(), 0);  // stale: dropped, and 17/03's key put back
  clock_.Set(At(2026, 3, 17, 0));
  EXPECT_EQ(FireDue(), 1);
  EXPECT_EQ(Vars(id)["so_lan_nhac"], 1);
  clock_.Set(At(2026, 3, 20));
  EXPECT_EQ(FireDue(), 1);  // the deadline; the reminder does not come again
  EXPECT_EQ(Vars(id)["so_lan_nhac"], 1);
}

// ListDeadlines(late = true) lists the earliest passed deadline first (the
// proto's promise), not in instance order, and pages in that order.
TEST_F(TimersEngineTest, LateDeadlinesAreListedEarliestFirst) {
  auto start = [&] {
    auto started = engine_->Start({"tham_dinh", "", "", "", Actor::Embedder("so_noi_vu")});
    EXPECT_TRUE(started.ok()) << started.status();
    return started->instance.id;
  };
  const std::string first = start(), second = start(), third = start();
  // The clocks start in the order second (due 19/03), third, first (26/03).
  ASSERT_TRUE(Fire(second, "bat_dau").ok());
  clock_.Set(At(2026, 2, 13));
  ASSERT_TRUE(Fire(third, "bat_dau").ok());
  clock_.Set(At(2026, 2, 23));
  ASSERT_TRUE(Fire(first, "bat_dau").ok());
  clock_.Set(At(2026, 4, 1));
  EXPECT_EQ(FireDue(), 6);
  auto late = engine_->ListDeadlines({"", true, 0, 0, "", Actor::Embedder()});
  ASSERT_TRUE(late.ok()) << late.status();
  std::vector<std::string> ids;
  std::vector<absl::Time> dues;
  for (const DeadlineInfo& d : late->deadlines) {
    ids.push_back(d.instance_id);
    dues.push_back(d.due);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{second, third, first}));
  EXPECT_TRUE(std::is_sorted(dues.begin(), dues.end()));
  // Two pages of two and one, same order; the token is refused elsewhere.
  auto page1 = engine_->ListDeadlines({"tham_dinh", true, 0, 2, "", Actor::Embedder()});
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->deadlines.size(), 2u);
  EXPECT_EQ(page1->deadlines[1].instance_id, third);
  ASSERT_FALSE(page1->next_page_token.empty());
  auto page2 = engine_->ListDeadlines({"tham_dinh", true, 0, 2, page1->next_page_token, Actor::Embedder()});
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->deadlines.size(), 1u);
  EXPECT_EQ(page2->deadlines[0].instance_id, first);
  EXPECT_TRUE(page2->next_page_token.empty());
  EXPECT_FALSE(
      engine_->ListDeadlines({"hen_gio", true, 0, 2, page1->next_page_token, Actor::Embedder()})
          .ok());
}

// A clock behind the instance's last event (a simulation restarted from an
// earlier day, a real clock stepped back) records the event at that last
// time: recorded times never go backwards, and the history verifies.
TEST_F(TimersEngineTest, RecordedTimesNeverGoBackwards) {
  const std::string id = StartAppraisal();  // at 12/02 09:00
  clock_.Set(At(2026, 3, 2));
  ASSERT_TRUE(Fire(id, "yeu_cau_bo_sung").ok());
  engine_.reset();
  ManualClock earlier(At(2026, 2, 20));
  options_.clock = &earlier;
  Reopen();
  auto resumed = Fire(id, "nop_bo_sung");
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->event.at, At(2026, 3, 2));
  auto history = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_TRUE(history.ok());
  for (size_t i = 1; i < history->size(); ++i) {
    EXPECT_GE((*history)[i].at, (*history)[i - 1].at) << "event " << i + 1;
  }
  auto report = engine_->Verify(id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  engine_.reset();  // before `earlier` goes
}

// A history whose times decrease, written with a valid hash chain straight
// into the store, fails verification naming the event.
TEST_F(TimersEngineTest, VerifyFlagsATimeThatGoesBackwards) {
  const std::string id = StartAppraisal();
  clock_.Set(At(2026, 3, 2));
  ASSERT_TRUE(Fire(id, "trinh").ok());  // event 3, at 02/03
  engine_.reset();
  WriteSet set;
  {
    auto store = Store::Open(dir_, StoreOptions());
    ASSERT_TRUE(store.ok());
    // Event 3 moved back before event 2 (12/02 09:00), sealed again and the
    // instance's last hash updated: only the time order is wrong.
    auto value = (*store)->Get(Cf::kHistory, keys::History(id, 3));
    ASSERT_TRUE(value.ok() && value->has_value());
    store::HistoryEventRecord record;
    ASSERT_TRUE(record.ParseFromString(**value));
    auto body = OpenEvent(record);
    ASSERT_TRUE(body.ok());
    body->set_at_micros(absl::ToUnixMicros(At(2026, 2, 10)));
    store::HistoryEventRecord forged = SealEvent(*body);
    auto stored = (*store)->Get(Cf::kInstances, keys::Instance(id));
    ASSERT_TRUE(stored.ok() && stored->has_value());
    store::InstanceRecord instance;
    ASSERT_TRUE(instance.ParseFromString(**stored));
    instance.set_last_hash(forged.hash());
    set.Put(Cf::kHistory, keys::History(id, 3), forged.SerializeAsString());
    set.Put(Cf::kInstances, keys::Instance(id), instance.SerializeAsString());
  }
  WriteToStore(set);
  auto report = engine_->Verify(id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->problem,
            "event 3 (trinh) is recorded at 2026-02-10T09:00:00+07:00, before "
            "event 2 at 2026-02-12T09:00:00+07:00: recorded times must not go "
            "backwards");
}

}  // namespace
}  // namespace wf
