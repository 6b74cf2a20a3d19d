// The lifecycle of an instance through the engine: a write its caller gave
// up on, the state as a precondition, cancelling (recorded, verified, with
// its timers, inbox listing and late entries gone in the same write),
// starting on a given version, unique business keys (also under
// concurrency), empty ids and sealed page tokens.
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/runtime/engine_test_support.h"
#include "absl/strings/str_replace.h"
#include "engine/calendar/vn_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_directory.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Code = absl::StatusCode;
using ::testing::HasSubstr;
using calendar::StartOfVietnamDay;

constexpr char kUnit[] = "07627";  // Xã Đại Sơn

// One document per business key; anyone of the unit acts.
constexpr char kUniqueKeys[] = R"(
workflow "ho_so" {
  title = "Hồ sơ một cửa",
  initial = "moi",
  unique_business_key = true,
  who = { role = "*", unit = "same_unit" },
}
state "moi"  { title = "Mới tiếp nhận" }
state "xong" { title = "Đã trả kết quả", final = true }
transition "tra_ket_qua" { from = "moi", to = "xong" }
)";

absl::Time At(int y, int m, int d, int hour = 9) {
  return StartOfVietnamDay(absl::CivilDay(y, m, d)) + absl::Hours(hour);
}

ListInstancesRequest All() {
  ListInstancesRequest request;
  request.actor = Actor::Embedder();
  return request;
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshDir("wf_lifecycle_test");
    EngineOptions options;
    options.data_dir = dir_;
    options.clock = &clock_;
    options.run_timers = false;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
    Deploy(testing::ReadFile(std::string(WF_TESTDATA_DIR) +
                             "/nop_ke_hoach.lua"));
    Deploy(kUniqueKeys);
  }

  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Deploy(const std::string& source) {
    auto deployed = engine_->Deploy({source, "", Actor::Embedder()});
    ASSERT_TRUE(deployed.ok()) << deployed.status();
  }

  absl::StatusOr<StartResult> StartPlan(const Actor& actor) {
    StartRequest start;
    start.workflow = "nop_ke_hoach";
    start.unit = kUnit;
    start.variables_json =
        R"({"don_vi":"UBND xã Đại Sơn","nam":2026,"han_nop":"2026-02-10"})";
    start.actor = actor;
    return engine_->Start(start);
  }

  absl::StatusOr<StartResult> StartCase(const std::string& business_key) {
    StartRequest start;
    start.workflow = "ho_so";
    start.business_key = business_key;
    start.actor = Actor::Embedder("mot-cua");
    return engine_->Start(start);
  }

  absl::StatusOr<FireResult> Cancel(const Actor& actor, const std::string& id,
                                    const std::string& reason = "Rút hồ sơ",
                                    const std::string& key = "") {
    CancelRequest cancel;
    cancel.instance_id = id;
    cancel.reason = reason;
    cancel.idempotency_key = key;
    cancel.actor = actor;
    return engine_->Cancel(cancel);
  }

  size_t InboxSize(const std::string& person) {
    auto inbox = engine_->Inbox(Actor::Person(person), {});
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    return inbox.ok() ? inbox->items.size() : 0;
  }

  size_t Deadlines(bool late) {
    DeadlineQuery query;
    query.late = late;
    query.within_days = 3660;
    query.actor = Actor::Embedder();
    auto page = engine_->ListDeadlines(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->deadlines.size() : 0;
  }

  std::string dir_;
  ManualClock clock_{At(2026, 1, 5)};
  std::unique_ptr<Engine> engine_;
};

TEST_F(LifecycleTest, AStartNoLongerWantedWritesNothing) {
  StartRequest start;
  start.workflow = "ho_so";
  start.business_key = "HS-1";
  start.idempotency_key = "k-1";
  start.actor = Actor::Embedder("mot-cua");
  int asked = 0;
  start.still_wanted = [&asked] {
    ++asked;
    return false;
  };
  auto gone = engine_->Start(start);
  EXPECT_EQ(gone.status().code(), Code::kCancelled);
  EXPECT_THAT(std::string(gone.status().message()),
              HasSubstr("nothing was written"));
  EXPECT_EQ(asked, 1);
  EXPECT_TRUE(engine_->ListInstances(All())->instances.empty());
  // Nothing was claimed either: the retry (same key) starts it once.
  start.still_wanted = [] { return true; };
  auto retried = engine_->Start(start);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(engine_->ListInstances(All())->instances.size(), 1u);
}

// Embedders keep the variables by default; a list asked without them gets
// every other field and an empty `variables_json`.
TEST_F(LifecycleTest, ListsLeaveTheVariablesOutOnlyWhenAsked) {
  auto started = StartPlan(Actor::Person("can-bo.dai-son"));
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string& stored = started->instance.variables_json;
  ASSERT_NE(stored.find("UBND xã Đại Sơn"), std::string::npos) << stored;

  ListInstancesRequest list = All();
  auto full = engine_->ListInstances(list);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->instances.size(), 1u);
  EXPECT_EQ(full->instances[0].variables_json, stored);
  list.with_variables = false;
  auto basic = engine_->ListInstances(list);
  ASSERT_TRUE(basic.ok()) << basic.status();
  ASSERT_EQ(basic->instances.size(), 1u);
  EXPECT_EQ(basic->instances[0].variables_json, "");
  EXPECT_EQ(basic->instances[0].state_title, full->instances[0].state_title);
  EXPECT_EQ(basic->instances[0].title, full->instances[0].state_title);
  EXPECT_EQ(basic->instances[0].unit_name, "Xã Đại Sơn");

  const Actor person = Actor::Person("can-bo.dai-son");
  auto inbox = engine_->Inbox(person, {});
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  ASSERT_EQ(inbox->items.size(), 1u);
  EXPECT_EQ(inbox->items[0].instance.variables_json, stored);
  auto lean = engine_->Inbox(person, {0, "", /*with_variables=*/false});
  ASSERT_TRUE(lean.ok()) << lean.status();
  ASSERT_EQ(lean->items.size(), 1u);
  EXPECT_EQ(lean->items[0].instance.variables_json, "");
  EXPECT_EQ(lean->items[0].instance.id, started->instance.id);
  EXPECT_EQ(lean->items[0].events.size(), inbox->items[0].events.size());
}

TEST_F(LifecycleTest, AFireNoLongerWantedWritesNothing) {
  auto started = StartCase("HS-2");
  ASSERT_TRUE(started.ok()) << started.status();
  FireRequest fire;
  fire.instance_id = started->instance.id;
  fire.event = "tra_ket_qua";
  fire.actor = Actor::Embedder("mot-cua");
  fire.still_wanted = [] { return false; };
  EXPECT_EQ(engine_->Fire(fire).status().code(), Code::kCancelled);
  auto now = engine_->GetInstance(started->instance.id, Actor::Embedder());
  EXPECT_EQ(now->version, 1u);
  EXPECT_EQ(now->state, "moi");
  EXPECT_EQ(engine_->GetHistory(started->instance.id, Actor::Embedder())
                ->size(),
            1u);
}

TEST_F(LifecycleTest, ExpectedStateIsAPreconditionWithOrWithoutTheVersion) {
  auto started = StartCase("HS-3");
  ASSERT_TRUE(started.ok()) << started.status();
  FireRequest fire;
  fire.instance_id = started->instance.id;
  fire.event = "tra_ket_qua";
  fire.actor = Actor::Embedder("mot-cua");
  fire.expected_state = "xong";
  auto refused = engine_->Fire(fire);
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("in state 'xong', but it is in 'moi'"));
  EXPECT_EQ(engine_->GetInstance(fire.instance_id, Actor::Embedder())->version,
            1u);
  fire.expected_state = "moi";
  fire.expected_version = 2;  // both checked: the version is wrong
  EXPECT_EQ(engine_->Fire(fire).status().code(), Code::kAborted);
  fire.expected_version = 1;
  auto fired = engine_->Fire(fire);
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(fired->instance.state, "xong");
}

TEST_F(LifecycleTest, CancelRemovesTimersInboxAndLateEntriesInOneEvent) {
  auto started = StartPlan(Actor::Person("can-bo.dai-son"));
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  // Past the deadline: the reminder and the deadline fire, the plan is late.
  clock_.Set(At(2026, 2, 12));
  ASSERT_TRUE(engine_->FireDueTimers().ok());
  ASSERT_EQ(InboxSize("can-bo.dai-son"), 1u);
  ASSERT_EQ(Deadlines(/*late=*/true), 1u);
  const uint64_t version =
      engine_->GetInstance(id, Actor::Embedder())->version;

  auto cancelled = Cancel(Actor::Person("can-bo.dai-son"), id,
                          "Đơn vị sáp nhập, không còn phải nộp");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_TRUE(cancelled->instance.cancelled);
  EXPECT_TRUE(cancelled->instance.finished);
  EXPECT_EQ(cancelled->instance.cancel_reason,
            "Đơn vị sáp nhập, không còn phải nộp");
  EXPECT_EQ(cancelled->instance.state, "du_thao");
  EXPECT_TRUE(cancelled->instance.clocks.empty());
  EXPECT_EQ(cancelled->instance.version, version + 1);
  EXPECT_EQ(cancelled->event.event, "wf.cancel");
  EXPECT_EQ(nlohmann::json::parse(cancelled->event.payload_json)["reason"],
            "Đơn vị sáp nhập, không còn phải nộp");
  EXPECT_EQ(cancelled->event.timers_json, "[]");

  EXPECT_EQ(InboxSize("can-bo.dai-son"), 0u);
  EXPECT_EQ(Deadlines(/*late=*/true), 0u);
  EXPECT_EQ(Deadlines(/*late=*/false), 0u);
  clock_.Set(At(2026, 12, 31));
  EXPECT_EQ(*engine_->FireDueTimers(), 0);
  auto verified = engine_->Verify(id, Actor::Embedder());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok) << verified->problem;
  EXPECT_EQ(verified->events_checked, version + 1);

  auto again = Cancel(Actor::Embedder(), id);
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_THAT(std::string(again.status().message()),
              HasSubstr("cancelled already"));
  FireRequest fire;
  fire.instance_id = id;
  fire.event = "trinh_duyet";
  fire.payload_json = R"({"trich_yeu":"Kế hoạch"})";
  fire.actor = Actor::Embedder();
  auto late_fire = engine_->Fire(fire);
  EXPECT_EQ(late_fire.status().code(), Code::kFailedPrecondition);
  EXPECT_THAT(std::string(late_fire.status().message()),
              HasSubstr("it was cancelled: Đơn vị sáp nhập"));
}

TEST_F(LifecycleTest, OnlyTheStarterAnAdministratorOrTheEmbedderCancel) {
  auto started = StartPlan(Actor::Person("can-bo.dai-son"));
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  // The unit's chairman reads it but did not start it.
  auto denied = Cancel(Actor::Person("chu-tich.dai-son"), id);
  EXPECT_EQ(denied.status().code(), Code::kPermissionDenied);
  EXPECT_THAT(std::string(denied.status().message()),
              HasSubstr("can-bo.dai-son"));
  // Another commune's chairman does not even see it.
  EXPECT_EQ(Cancel(Actor::Person("chu-tich.tay-yen-tu"), id).status().code(),
            Code::kNotFound);
  EXPECT_EQ(Cancel(Actor{}, id).status().code(), Code::kPermissionDenied);
  EXPECT_FALSE(engine_->GetInstance(id, Actor::Embedder())->cancelled);
  EXPECT_TRUE(Cancel(Actor::Admin("quan-tri"), id).ok());

  auto second = StartPlan(Actor::Embedder());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(Cancel(Actor::Embedder(), second->instance.id).ok());
}

TEST_F(LifecycleTest, CancelNeedsAReasonAndIsIdempotent) {
  auto started = StartCase("HS-4");
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  auto no_reason = Cancel(Actor::Embedder(), id, "");
  EXPECT_EQ(no_reason.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(std::string(no_reason.status().message()), HasSubstr("reason"));
  auto first = Cancel(Actor::Embedder(), id, "Trùng hồ sơ", "huy-1");
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = Cancel(Actor::Embedder(), id, "Trùng hồ sơ", "huy-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->event.hash, first->event.hash);
  EXPECT_EQ(retry->instance.version, 2u);
  EXPECT_EQ(Cancel(Actor::Embedder(), id, "Lý do khác", "huy-1")
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST_F(LifecycleTest, StartsOnAGivenVersion) {
  Deploy(absl::StrReplaceAll(kUniqueKeys, {{"Hồ sơ một cửa", "Hồ sơ (2)"}}));
  StartRequest start;
  start.workflow = "ho_so";
  start.actor = Actor::Embedder();
  start.workflow_version = 1;
  auto on_first = engine_->Start(start);
  ASSERT_TRUE(on_first.ok()) << on_first.status();
  EXPECT_EQ(on_first->instance.workflow_version, 1u);
  start.workflow_version = 0;
  EXPECT_EQ(engine_->Start(start)->instance.workflow_version, 2u);
  start.workflow_version = 3;
  auto missing = engine_->Start(start);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("versions are 1 to 2"));
}

TEST_F(LifecycleTest, ASecondStartWithTheSameBusinessKeyIsRefused) {
  auto first = StartCase("HS-2026-0001");
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = StartCase("HS-2026-0001");
  EXPECT_EQ(second.status().code(), Code::kAlreadyExists);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr(first->instance.id));
  EXPECT_TRUE(StartCase("HS-2026-0002").ok());
  EXPECT_TRUE(StartCase("").ok());  // no key, nothing to be unique
  EXPECT_TRUE(StartCase("").ok());
  // Workflows that do not declare it keep allowing repeats.
  StartRequest plan;
  plan.workflow = "nop_ke_hoach";
  plan.unit = kUnit;
  plan.business_key = "KH-1";
  plan.variables_json =
      R"({"don_vi":"UBND xã Đại Sơn","nam":2026,"han_nop":"2026-02-10"})";
  plan.actor = Actor::Embedder();
  EXPECT_TRUE(engine_->Start(plan).ok());
  EXPECT_TRUE(engine_->Start(plan).ok());
  // Cancelling the holder frees the key.
  ASSERT_TRUE(Cancel(Actor::Embedder(), first->instance.id).ok());
  auto restarted = StartCase("HS-2026-0001");
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  auto third = StartCase("HS-2026-0001");
  EXPECT_THAT(std::string(third.status().message()),
              HasSubstr(restarted->instance.id));
}

TEST_F(LifecycleTest, ConcurrentStartsWithOneBusinessKeyMakeOneInstance) {
  constexpr int kThreads = 16;
  std::vector<absl::StatusOr<StartResult>> results(
      kThreads, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = StartCase("HS-DUA-NHAU"); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> winners;
  for (const auto& r : results) {
    if (r.ok()) winners.insert(r->instance.id);
  }
  ASSERT_EQ(winners.size(), 1u);
  for (const auto& r : results) {
    if (r.ok()) continue;
    EXPECT_EQ(r.status().code(), Code::kAlreadyExists) << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(*winners.begin()));
  }
  ListInstancesRequest by_key = All();
  by_key.business_key = "HS-DUA-NHAU";
  EXPECT_EQ(engine_->ListInstances(by_key)->instances.size(), 1u);
}

TEST_F(LifecycleTest, AWorkflowMustSayTrueOrFalseForUniqueKeys) {
  auto deployed = engine_->Deploy(
      {absl::StrReplaceAll(kUniqueKeys, {{"unique_business_key = true",
                                          "unique_business_key = \"yes\""}}),
       "", Actor::Embedder()});
  EXPECT_EQ(deployed.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(std::string(deployed.status().message()),
              HasSubstr("unique_business_key"));
}

TEST_F(LifecycleTest, AnEmptyInstanceIdIsInvalid) {
  const Actor e = Actor::Embedder();
  EXPECT_EQ(engine_->GetInstance("", e).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(engine_->GetHistory("", e).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(engine_->Verify("", e).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Cancel(e, "").status().code(), Code::kInvalidArgument);
  FireRequest fire;
  fire.event = "tra_ket_qua";
  fire.actor = e;
  EXPECT_EQ(engine_->Fire(fire).status().code(), Code::kInvalidArgument);
}

TEST_F(LifecycleTest, PageTokensAreSealed) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(StartCase(absl::StrCat(i)).ok());
  ListInstancesRequest list = All();
  list.page_size = 2;
  auto page = engine_->ListInstances(list);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_page_token.empty());
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(page->next_page_token, &bytes));
  EXPECT_EQ(bytes.find("wi-"), std::string::npos);  // no readable key
  list.page_token = page->next_page_token;
  auto next = engine_->ListInstances(list);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->instances.size(), 1u);
  bytes[bytes.size() / 2] ^= 1;
  list.page_token = absl::WebSafeBase64Escape(bytes);
  EXPECT_EQ(engine_->ListInstances(list).status().code(),
            Code::kInvalidArgument);
  // The old readable form (base64 of the key) is refused too.
  list.page_token = absl::WebSafeBase64Escape("wi-000000000001");
  EXPECT_EQ(engine_->ListInstances(list).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace wf
