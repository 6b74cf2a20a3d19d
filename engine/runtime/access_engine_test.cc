// Who may do what, through the engine: the permission matrix of the bundled
// unit-plan workflow, read scoping, inboxes kept in the same write as every
// transition (also under concurrency), delegation windows, tokens.
#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/calendar/vn_date.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_directory.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

// Every instance, as the embedding program sees them.
ListInstancesRequest All() {
  ListInstancesRequest request;
  request.actor = Actor::Embedder();
  return request;
}

using calendar::StartOfVietnamDay;
using Code = absl::StatusCode;

constexpr char kUnit[] = "07627";     // Xã Đại Sơn
constexpr char kSibling[] = "07616";  // Xã Tây Yên Tử

absl::Time At(int y, int m, int d, int hour = 9) {
  return StartOfVietnamDay(absl::CivilDay(y, m, d)) + absl::Hours(hour);
}

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshDir("wf_access_test");
    EngineOptions options;
    options.data_dir = dir_;
    options.clock = &clock_;
    options.run_timers = false;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
    for (const std::string& path :
         {std::string(WF_TESTDATA_DIR) + "/nop_ke_hoach.lua",
          std::string(WF_TESTDATA_DIR) + "/duyet_chu_tich.lua"}) {
      auto deployed = engine_->Deploy({testing::ReadFile(path), path, Actor::Embedder()});
      ASSERT_TRUE(deployed.ok()) << deployed.status();
    }
  }

  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::StatusOr<StartResult> StartPlan(const Actor& actor,
                                        const std::string& unit = kUnit,
                                        const std::string& deadline = "2026-02-10") {
    StartRequest start;
    start.workflow = "nop_ke_hoach";
    start.unit = unit;
    start.variables_json = absl::StrCat(
        R"({"don_vi":"UBND xã Đại Sơn","nam":2026,"han_nop":")", deadline,
        R"("})");
    start.actor = actor;
    return engine_->Start(start);
  }

  absl::StatusOr<FireResult> Fire(const Actor& actor, const std::string& id,
                                  const std::string& event,
                                  const std::string& payload = "") {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = event;
    fire.payload_json = payload;
    fire.actor = actor;
    return engine_->Fire(fire);
  }

  // A plan of Đại Sơn moved, by the embedder, to `state`.
  std::string PlanIn(const std::string& state) {
    auto started = StartPlan(Actor::Embedder());
    EXPECT_TRUE(started.ok()) << started.status();
    const std::string id = started->instance.id;
    const std::vector<std::pair<std::string, std::string>> path = {
        {"trinh_duyet", R"({"trich_yeu":"Kế hoạch 2026"})"},
        {"phe_duyet_va_gui", ""}};
    std::string current = "du_thao";
    for (const auto& [event, payload] : path) {
      if (current == state) break;
      auto fired = Fire(Actor::Embedder(), id, event, payload);
      EXPECT_TRUE(fired.ok()) << fired.status();
      current = fired->instance.state;
    }
    EXPECT_EQ(current, state);
    return id;
  }

  std::vector<std::string> InboxIds(const std::string& person) {
    auto inbox = engine_->Inbox(Actor::Person(person), {});
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    std::vector<std::string> ids;
    if (inbox.ok()) {
      for (const auto& item : inbox->items) ids.push_back(item.instance.id);
    }
    return ids;
  }

  std::string dir_;
  ManualClock clock_{At(2026, 1, 2)};  // before the delegation window
  std::unique_ptr<Engine> engine_;
};

TEST_F(AccessTest, PermissionMatrixOfTheUnitPlan) {
  struct Step {
    std::string state, event, payload;
    std::set<std::string> allowed;
  };
  const std::vector<Step> steps = {
      {"du_thao", "trinh_duyet", R"({"trich_yeu":"x"})", {"can-bo.dai-son"}},
      {"cho_duyet", "yeu_cau_sua", R"({"ly_do":"Bổ sung"})",
       {"chu-tich.dai-son", "pho-chu-tich.dai-son"}},
      {"cho_duyet", "phe_duyet_va_gui", "",
       {"chu-tich.dai-son", "pho-chu-tich.dai-son"}},
      {"da_gui", "tra_lai", R"({"ly_do":"Thiếu kinh phí"})",
       {"chuyen-vien.tham-muu", "truong-phong.tham-muu"}},
      {"da_gui", "tiep_nhan", "",
       {"chuyen-vien.tham-muu", "truong-phong.tham-muu"}},
      {"du_thao", "qua_han", "", {}},  // timers only
  };
  // Same unit, sibling unit, the standing agency, a province-level member
  // agency, and the province's own unit.
  const std::vector<std::string> people = {
      "can-bo.dai-son",       "chu-tich.dai-son",      "pho-chu-tich.dai-son",
      "chu-tich.tay-yen-tu",  "can-bo.tay-yen-tu",     "chuyen-vien.tham-muu",
      "truong-phong.tham-muu", "chuyen-vien.noi-vu",   "giam-doc.tai-chinh",
      "chu-tich.tinh"};
  // Those who may read a Đại Sơn document at all: its own people, the
  // standing agency, the province's own unit.
  const std::set<std::string> readers = {
      "can-bo.dai-son", "chu-tich.dai-son", "pho-chu-tich.dai-son",
      "chuyen-vien.tham-muu", "truong-phong.tham-muu", "chu-tich.tinh"};
  for (const Step& step : steps) {
    for (const std::string& person : people) {
      SCOPED_TRACE(absl::StrCat(step.event, " by ", person));
      std::string id = PlanIn(step.state);
      auto before = engine_->GetInstance(id, Actor::Embedder());
      auto fired = Fire(Actor::Person(person), id, step.event, step.payload);
      if (step.allowed.count(person)) {
        ASSERT_TRUE(fired.ok()) << fired.status();
        EXPECT_EQ(fired->event.actor, person);
        EXPECT_FALSE(fired->event.actor_role.empty());
        continue;
      }
      ASSERT_FALSE(fired.ok());
      if (readers.count(person)) {
        EXPECT_EQ(fired.status().code(), Code::kPermissionDenied)
            << fired.status();
        // The refusal names the role and unit needed (or, for an event only
        // timers fire, says so), in English and in Vietnamese beside it.
        auto refusal = ReadRefusal(fired.status());
        ASSERT_TRUE(refusal.has_value()) << fired.status();
        EXPECT_EQ(refusal->reason,
                  step.allowed.empty() ? "SYSTEM_ONLY" : "ROLE_REQUIRED");
        const char* needed =
            step.allowed.empty() ? "chỉ do hệ thống" : "cần vai trò";
        EXPECT_NE(refusal->vietnamese.find(needed), std::string::npos)
            << fired.status();
        if (!step.allowed.empty()) {
          EXPECT_EQ(refusal->metadata["person"], person);
          EXPECT_NE(fired.status().message().find("Expected '" + person),
                    std::string::npos);
        }
      } else {
        EXPECT_EQ(fired.status().code(), Code::kNotFound) << fired.status();
      }
      auto after = engine_->GetInstance(id, Actor::Embedder());
      EXPECT_EQ(after->version, before->version);
      EXPECT_EQ(after->state, before->state);
    }
  }
}

TEST_F(AccessTest, WhoMayStartADocument) {
  EXPECT_TRUE(StartPlan(Actor::Person("can-bo.dai-son")).ok());
  EXPECT_TRUE(StartPlan(Actor::Person("chuyen-vien.tham-muu")).ok());
  auto refused = StartPlan(Actor::Person("can-bo.tay-yen-tu"));
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("unit '07627'"), std::string::npos)
      << refused.status();
  EXPECT_NE(ReadRefusal(refused.status())->vietnamese.find("Xã Đại Sơn"),
            std::string::npos);
  EXPECT_EQ(StartPlan(Actor::Person("chu-tich.tinh")).status().code(),
            Code::kPermissionDenied);
  auto no_unit = StartPlan(Actor::Person("can-bo.dai-son"), "");
  EXPECT_EQ(no_unit.status().code(), Code::kInvalidArgument);
  // An unknown unit is NOT_FOUND (docs/org.md), naming the unit.
  auto bad_unit = StartPlan(Actor::Person("can-bo.dai-son"), "99999");
  EXPECT_EQ(bad_unit.status().code(), Code::kNotFound);
  EXPECT_NE(bad_unit.status().message().find("'99999'"), std::string::npos)
      << bad_unit.status();
  // Nothing was started by the refusals.
  EXPECT_EQ(engine_->ListInstances(All())->instances.size(), 2u);
}

TEST_F(AccessTest, ReadsAreScopedToTheUnitTheStandingAgencyAndTheProvince) {
  std::string mine = StartPlan(Actor::Embedder(), kUnit)->instance.id;
  std::string other = StartPlan(Actor::Embedder(), kSibling)->instance.id;
  auto sees = [&](const std::string& person) {
    ListInstancesRequest list;
    list.actor = Actor::Person(person);
    std::set<std::string> ids;
    auto page = engine_->ListInstances(list);
    EXPECT_TRUE(page.ok()) << page.status();
    for (const auto& i : page->instances) ids.insert(i.id);
    return ids;
  };
  EXPECT_EQ(sees("can-bo.dai-son"), std::set<std::string>({mine}));
  EXPECT_EQ(sees("chu-tich.tay-yen-tu"), std::set<std::string>({other}));
  EXPECT_EQ(sees("chuyen-vien.tham-muu"),
            std::set<std::string>({mine, other}));
  EXPECT_EQ(sees("chu-tich.tinh"), std::set<std::string>({mine, other}));
  EXPECT_TRUE(sees("giam-doc.tai-chinh").empty());
  // Another commune's document does not exist, as far as they can tell.
  auto hidden = engine_->GetInstance(mine, Actor::Person("chu-tich.tay-yen-tu"));
  EXPECT_EQ(hidden.status().code(), Code::kNotFound);
  // The same words as for an id that does not exist.
  EXPECT_EQ(hidden.status().message(),
            absl::StrCat("Expected an instance with id '", mine,
                         "', but there is none"));
  EXPECT_EQ(engine_->GetHistory(mine, Actor::Person("chu-tich.tay-yen-tu"))
                .status()
                .code(),
            Code::kNotFound);
  EXPECT_TRUE(engine_->GetInstance(mine, Actor::Person("chu-tich.tinh")).ok());
  // Per unit: the standing agency lists one commune's documents.
  ListInstancesRequest per_unit;
  per_unit.actor = Actor::Person("chuyen-vien.tham-muu");
  per_unit.unit = kSibling;
  auto listed = engine_->ListInstances(per_unit);
  ASSERT_EQ(listed->instances.size(), 1u);
  EXPECT_EQ(listed->instances[0].unit_name, "Xã Tây Yên Tử");
}

// A document another unit may not read answers every request that names it
// exactly as a missing id does — whatever else the request carries (a wrong
// expected_version, an idempotency key its owner used, an unknown event, a
// missing field) — so neither its existence nor its version leaks.
TEST_F(AccessTest, AnUnreadableDocumentAnswersAsAMissingOne) {
  const std::string id = PlanIn("du_thao");
  FireRequest owner;
  owner.instance_id = id;
  owner.event = "trinh_duyet";
  owner.payload_json = R"({"trich_yeu":"Kế hoạch 2026"})";
  owner.idempotency_key = "gui-lan-1";
  owner.actor = Actor::Person("can-bo.dai-son");
  ASSERT_TRUE(engine_->Fire(owner).ok());
  const auto before = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(before.ok());

  const std::string missing = "wi-000000999999";
  const Actor stranger = Actor::Person("chu-tich.tay-yen-tu");
  auto answer_for = [&](const std::string& instance, FireRequest fire) {
    fire.instance_id = instance;
    fire.actor = stranger;
    return engine_->Fire(fire).status();
  };
  // NOT_FOUND in the same words, with the id asked about.
  auto same_words = [&](const absl::Status& on_document,
                        const absl::Status& on_nothing) {
    EXPECT_EQ(on_document.code(), Code::kNotFound) << on_document;
    EXPECT_EQ(on_nothing.code(), Code::kNotFound) << on_nothing;
    std::string words(on_nothing.message());
    ASSERT_NE(words.find(missing), std::string::npos) << words;
    words.replace(words.find(missing), missing.size(), id);
    EXPECT_EQ(on_document.message(), words);
  };
  auto same_as_missing = [&](const FireRequest& fire) {
    same_words(answer_for(id, fire), answer_for(missing, fire));
  };
  FireRequest wrong_version;
  wrong_version.actor = Actor::Embedder();
  wrong_version.event = "yeu_cau_sua";
  wrong_version.payload_json = R"({"ly_do":"x"})";
  wrong_version.expected_version = 1;  // it is at 3
  same_as_missing(wrong_version);
  FireRequest replayed_key = owner;  // the owner's key, the owner's request
  same_as_missing(replayed_key);
  FireRequest other_request_same_key = owner;
  other_request_same_key.payload_json = R"({"trich_yeu":"khác"})";
  same_as_missing(other_request_same_key);
  FireRequest unknown_event;
  unknown_event.actor = Actor::Embedder();
  unknown_event.event = "khong_co";
  same_as_missing(unknown_event);
  FireRequest wrong_state;
  wrong_state.actor = Actor::Embedder();
  wrong_state.event = "tiep_nhan";
  same_as_missing(wrong_state);
  FireRequest missing_field;
  missing_field.actor = Actor::Embedder();
  missing_field.event = "yeu_cau_sua";  // requires ly_do
  same_as_missing(missing_field);

  // Reads: instance, history (any page), verification.
  same_words(engine_->GetInstance(id, stranger).status(),
             engine_->GetInstance(missing, stranger).status());
  same_words(engine_->GetHistory(id, stranger, 1, 1).status(),
             engine_->GetHistory(missing, stranger, 1, 1).status());
  same_words(engine_->Verify(id, stranger).status(),
             engine_->Verify(missing, stranger).status());
  // Nothing changed.
  const auto after = engine_->GetInstance(id, Actor::Embedder());
  EXPECT_EQ(after->version, before->version);
  EXPECT_EQ(after->state, before->state);
}

// Start keys belong to the person who sent them: another unit neither
// blocks a predictable key nor learns it was used.
TEST_F(AccessTest, StartIdempotencyKeysArePerPerson) {
  auto start = [&](const std::string& person, const std::string& unit) {
    StartRequest request;
    request.workflow = "nop_ke_hoach";
    request.unit = unit;
    request.variables_json =
        R"({"don_vi":"UBND","nam":2026,"han_nop":"2026-02-10"})";
    request.idempotency_key = "KH-2026-DAI-SON";
    request.actor = Actor::Person(person);
    return engine_->Start(request);
  };
  auto squatter = start("can-bo.tay-yen-tu", kSibling);
  ASSERT_TRUE(squatter.ok()) << squatter.status();
  auto owner = start("can-bo.dai-son", kUnit);
  ASSERT_TRUE(owner.ok()) << owner.status();
  EXPECT_FALSE(owner->replayed);
  EXPECT_NE(owner->instance.id, squatter->instance.id);
  EXPECT_EQ(owner->instance.unit, kUnit);
  // The owner's retry is answered from the first start.
  auto retry = start("can-bo.dai-son", kUnit);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->instance.id, owner->instance.id);
}

// An Actor nobody filled in is no one: every call refuses it, and nothing
// is written. Trust has to be spelt out (Actor::Embedder()).
TEST_F(AccessTest, AnActorLeftUnfilledIsRefusedEverywhere) {
  const std::string id = PlanIn("du_thao");
  const Actor nobody;
  auto refused = [](const absl::Status& status) {
    EXPECT_EQ(status.code(), Code::kPermissionDenied) << status;
    EXPECT_NE(status.message().find("names nobody"), std::string::npos)
        << status;
  };
  StartRequest start;
  start.workflow = "nop_ke_hoach";
  start.unit = kUnit;
  start.variables_json = R"({"don_vi":"x","nam":2026,"han_nop":"2026-02-10"})";
  refused(engine_->Start(start).status());
  FireRequest fire;
  fire.instance_id = id;
  fire.event = "trinh_duyet";
  fire.payload_json = R"({"trich_yeu":"x"})";
  refused(engine_->Fire(fire).status());
  refused(engine_->GetInstance(id, nobody).status());
  refused(engine_->GetHistory(id, nobody).status());
  refused(engine_->Verify(id, nobody).status());
  refused(engine_->ListInstances(ListInstancesRequest()).status());
  refused(engine_->ListDeadlines(DeadlineQuery()).status());
  refused(engine_->Inbox(nobody, {}).status());
  refused(engine_->WhoAmI(nobody).status());
  refused(engine_->ListTokens(nobody).status());
  refused(engine_->IssueToken(nobody, "can-bo.dai-son", false,
                              absl::ZeroDuration(), "")
              .status());
  refused(engine_->Deploy({"workflow \"w\" {}", "w.lua", nobody}).status());
  // Nothing was started or moved.
  EXPECT_EQ(engine_->ListInstances(All())->instances.size(), 1u);
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, 1u);
}

// A page larger than the maximum is refused, not cut silently: a client
// that asked for 5000 would take 1000 items for the whole list.
TEST_F(AccessTest, PagesOverTheMaximumAreRefused) {
  ListInstancesRequest list = All();
  list.page_size = 5000;
  auto instances = engine_->ListInstances(list);
  EXPECT_EQ(instances.status().code(), Code::kInvalidArgument);
  EXPECT_NE(instances.status().message().find("at most 1000"),
            std::string::npos)
      << instances.status();
  DeadlineQuery deadlines;
  deadlines.actor = Actor::Embedder();
  deadlines.page_size = 1001;
  EXPECT_EQ(engine_->ListDeadlines(deadlines).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(engine_->Inbox(Actor::Person("can-bo.dai-son"), {5000, ""})
                .status()
                .code(),
            Code::kInvalidArgument);
  list.page_size = 1000;
  EXPECT_TRUE(engine_->ListInstances(list).ok());
}

TEST_F(AccessTest, InboxesFollowEveryTransition) {
  auto started = StartPlan(Actor::Person("can-bo.dai-son"));
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  using Ids = std::vector<std::string>;
  EXPECT_EQ(InboxIds("can-bo.dai-son"), Ids({id}));
  EXPECT_TRUE(InboxIds("chu-tich.dai-son").empty());
  EXPECT_TRUE(InboxIds("chuyen-vien.tham-muu").empty());
  auto inbox = engine_->Inbox(Actor::Person("can-bo.dai-son"), {});
  ASSERT_EQ(inbox->items[0].events.size(), 1u);
  EXPECT_EQ(inbox->items[0].events[0].event, "trinh_duyet");
  EXPECT_EQ(inbox->items[0].events[0].role, "can_bo");
  EXPECT_EQ(inbox->items[0].due, calendar::EndOfVietnamDay(absl::CivilDay(2026, 2, 10)));

  ASSERT_TRUE(Fire(Actor::Person("can-bo.dai-son"), id, "trinh_duyet",
                   R"({"trich_yeu":"Kế hoạch"})").ok());
  EXPECT_TRUE(InboxIds("can-bo.dai-son").empty());
  EXPECT_EQ(InboxIds("chu-tich.dai-son"), Ids({id}));
  EXPECT_EQ(InboxIds("pho-chu-tich.dai-son"), Ids({id}));
  inbox = engine_->Inbox(Actor::Person("chu-tich.dai-son"), {});
  std::set<std::string> events;
  for (const auto& e : inbox->items[0].events) events.insert(e.event);
  EXPECT_EQ(events, std::set<std::string>({"yeu_cau_sua", "phe_duyet_va_gui"}));

  ASSERT_TRUE(Fire(Actor::Person("chu-tich.dai-son"), id, "phe_duyet_va_gui").ok());
  EXPECT_TRUE(InboxIds("chu-tich.dai-son").empty());
  EXPECT_TRUE(InboxIds("pho-chu-tich.dai-son").empty());
  EXPECT_EQ(InboxIds("chuyen-vien.tham-muu"), Ids({id}));
  EXPECT_EQ(InboxIds("truong-phong.tham-muu"), Ids({id}));
  EXPECT_TRUE(InboxIds("chu-tich.tinh").empty());

  ASSERT_TRUE(Fire(Actor::Person("truong-phong.tham-muu"), id, "tiep_nhan").ok());
  for (const char* person : {"can-bo.dai-son", "chu-tich.dai-son",
                             "chuyen-vien.tham-muu", "truong-phong.tham-muu"}) {
    EXPECT_TRUE(InboxIds(person).empty()) << person;
  }
  auto history = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[2].actor_name, "Trần Thị Bình");
  EXPECT_EQ((*history)[2].actor_role, "chu_tich");
  EXPECT_EQ((*history)[2].actor_unit_name, "Xã Đại Sơn");
  EXPECT_EQ((*history)[3].actor_unit, "phong_tham_muu");
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
}

// AvailableEvents names the steps the reader may take now, as the inbox
// item does: the chairman's two, none for the officer who submitted it (who
// may still read it), none for the embedder, none once it is finished.
TEST_F(AccessTest, AvailableEventsAreTheStepsTheReaderMayTake) {
  auto started = StartPlan(Actor::Person("can-bo.dai-son"));
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  auto events_of = [&](const Actor& actor) {
    std::map<std::string, std::string> events;  // event -> role
    auto got = engine_->AvailableEvents(id, actor);
    EXPECT_TRUE(got.ok()) << got.status();
    if (got.ok()) {
      for (const InboxEvent& e : *got) events[e.event] = e.role;
    }
    return events;
  };
  using Events = std::map<std::string, std::string>;
  EXPECT_EQ(events_of(Actor::Person("can-bo.dai-son")),
            Events({{"trinh_duyet", "can_bo"}}));
  ASSERT_TRUE(Fire(Actor::Person("can-bo.dai-son"), id, "trinh_duyet",
                   R"({"trich_yeu":"Kế hoạch"})").ok());
  EXPECT_EQ(events_of(Actor::Person("chu-tich.dai-son")),
            Events({{"phe_duyet_va_gui", "chu_tich"}, {"yeu_cau_sua", "chu_tich"}}));
  EXPECT_TRUE(events_of(Actor::Person("can-bo.dai-son")).empty());
  EXPECT_TRUE(events_of(Actor::Embedder()).empty());
  // Scoped as reads are: a stranger's answer is NOT_FOUND.
  EXPECT_EQ(engine_->AvailableEvents(id, Actor::Person("can-bo.tay-yen-tu"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(Fire(Actor::Person("chu-tich.dai-son"), id, "phe_duyet_va_gui").ok());
  ASSERT_TRUE(Fire(Actor::Person("truong-phong.tham-muu"), id, "tiep_nhan").ok());
  EXPECT_TRUE(events_of(Actor::Person("truong-phong.tham-muu")).empty());
}

// A document addressed to the unit its variable names ("var:nhan"): only
// that unit's people list it and may act on it; readdressed by an action,
// it moves to the new unit's inbox in the same write.
TEST_F(AccessTest, AVarRuleFollowsTheUnitTheDocumentNames) {
  auto deployed = engine_->Deploy({R"(
workflow "chuyen_tiep" {
  initial = "cho_xu_ly", requires = { "nhan" },
  who = { role = "can_bo", unit = "same_unit" },
}
state "cho_xu_ly" { title = "Chờ xử lý" }
state "xong" { title = "Xong", final = true }
transition "xu_ly" {
  from = "cho_xu_ly", to = "xong",
  who = { { role = "can_bo", unit = "var:nhan" }, { role = "chu_tich", unit = "var:nhan" } },
}
transition "chuyen" {
  from = "cho_xu_ly", stay = true, requires = { "den" },
  who = { role = "chu_tich", unit = "var:nhan" },
  action = function(ctx) ctx.vars.nhan = ctx.payload.den end,
}
)", "chuyen_tiep.lua", Actor::Embedder()});
  ASSERT_TRUE(deployed.ok()) << deployed.status();
  StartRequest start;
  start.workflow = "chuyen_tiep";
  start.unit = kUnit;
  start.variables_json = R"({"nhan":"07616"})";
  start.actor = Actor::Person("can-bo.dai-son");
  auto started = engine_->Start(start);
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  using Ids = std::vector<std::string>;
  EXPECT_EQ(InboxIds("can-bo.tay-yen-tu"), Ids({id}));
  EXPECT_EQ(InboxIds("chu-tich.tay-yen-tu"), Ids({id}));
  EXPECT_TRUE(InboxIds("can-bo.dai-son").empty());
  EXPECT_TRUE(InboxIds("chuyen-vien.tham-muu").empty());

  auto refused = Fire(Actor::Person("can-bo.dai-son"), id, "xu_ly");
  ASSERT_EQ(refused.status().code(), Code::kPermissionDenied);
  auto refusal = ReadRefusal(refused.status());
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->vietnamese.find("'Xã Tây Yên Tử' (07616)"),
            std::string::npos)
      << refusal->vietnamese;

  // Readdressed to Đại Sơn (a list of one): the inboxes swap.
  ASSERT_TRUE(Fire(Actor::Person("chu-tich.tay-yen-tu"), id, "chuyen",
                   R"({"den":["07627"]})").ok());
  EXPECT_TRUE(InboxIds("can-bo.tay-yen-tu").empty());
  EXPECT_EQ(InboxIds("can-bo.dai-son"), Ids({id}));
  // Tây Yên Tử was asked to act, and its chairman did: both still read it,
  // but may no longer act on it.
  EXPECT_EQ(Fire(Actor::Person("can-bo.tay-yen-tu"), id, "xu_ly").status().code(),
            Code::kPermissionDenied);
  EXPECT_TRUE(engine_->GetInstance(id, Actor::Person("can-bo.tay-yen-tu")).ok());
  EXPECT_TRUE(engine_->GetHistory(id, Actor::Person("chu-tich.tay-yen-tu")).ok());
  ListInstancesRequest handled;
  handled.workflow = "chuyen_tiep";
  handled.actor = Actor::Person("can-bo.tay-yen-tu");
  auto listed = engine_->ListInstances(handled);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->instances.size(), 1u);
  EXPECT_EQ(listed->instances[0].id, id);
  auto done = Fire(Actor::Person("can-bo.dai-son"), id, "xu_ly");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->instance.state, "xong");
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
  // Finished, it is in nobody's inbox; whoever handled it still reads it,
  // and a unit never asked still does not.
  EXPECT_TRUE(engine_->GetInstance(id, Actor::Person("chu-tich.tay-yen-tu")).ok());
  EXPECT_EQ(engine_->GetInstance(id, Actor::Person("giam-doc.tai-chinh"))
                .status()
                .code(),
            Code::kNotFound);
}

TEST_F(AccessTest, InboxIsSortedByDeadlineThenAge) {
  // Already past its deadline (2025-12-31): it comes first once the timer
  // has marked it late.
  std::string overdue = StartPlan(Actor::Embedder(), kUnit, "2025-12-31")->instance.id;
  ASSERT_EQ(engine_->FireDueTimers().value_or(-1), 2);  // reminder, deadline
  std::string late = StartPlan(Actor::Embedder(), kUnit, "2026-03-01")->instance.id;
  clock_.Advance(absl::Minutes(1));
  std::string early = StartPlan(Actor::Embedder(), kUnit, "2026-02-01")->instance.id;
  clock_.Advance(absl::Minutes(1));
  std::string early_newer = StartPlan(Actor::Embedder(), kUnit, "2026-02-01")->instance.id;
  EXPECT_EQ(InboxIds("can-bo.dai-son"),
            std::vector<std::string>({overdue, early, early_newer, late}));
  // Paging walks the same order.
  auto first = engine_->Inbox(Actor::Person("can-bo.dai-son"), {3, ""});
  ASSERT_EQ(first->items.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  auto second = engine_->Inbox(Actor::Person("can-bo.dai-son"),
                               {3, first->next_page_token});
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].instance.id, late);
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_F(AccessTest, InboxesStayExactUnderConcurrentTransitions) {
  constexpr int kPlans = 60;
  std::vector<std::string> ids;
  for (int i = 0; i < kPlans; ++i) ids.push_back(PlanIn("du_thao"));
  // Two threads move disjoint halves on to the chairman at once.
  auto move = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      auto r = Fire(Actor::Person("can-bo.dai-son"), ids[i], "trinh_duyet",
                    R"({"trich_yeu":"x"})");
      EXPECT_TRUE(r.ok()) << r.status();
    }
  };
  std::thread a(move, 0, kPlans / 2), b(move, kPlans / 2, kPlans - 10);
  a.join();
  b.join();
  auto count = [&](const std::string& person) {
    std::set<std::string> all;
    InboxRequest request{25, ""};
    for (;;) {
      auto page = engine_->Inbox(Actor::Person(person), request);
      for (const auto& item : page->items) all.insert(item.instance.id);
      if (page->next_page_token.empty()) break;
      request.page_token = page->next_page_token;
    }
    return all.size();
  };
  EXPECT_EQ(count("can-bo.dai-son"), 10u);
  EXPECT_EQ(count("chu-tich.dai-son"), static_cast<size_t>(kPlans - 10));
}

TEST_F(AccessTest, DelegationWorksOnlyInItsWindowAndIsRecorded) {
  StartRequest start;
  start.workflow = "duyet_chu_tich";
  start.unit = kUnit;
  start.actor = Actor::Person("can-bo.dai-son");
  clock_.Set(At(2026, 1, 4));  // the day before the delegation
  std::string before_window = engine_->Start(start)->instance.id;
  EXPECT_TRUE(InboxIds("pho-chu-tich.dai-son").empty());
  EXPECT_EQ(Fire(Actor::Person("pho-chu-tich.dai-son"), before_window, "duyet")
                .status()
                .code(),
            Code::kPermissionDenied);

  clock_.Set(At(2026, 1, 10));  // acting for the chairman
  EXPECT_EQ(InboxIds("pho-chu-tich.dai-son"),
            std::vector<std::string>({before_window}));
  auto inbox = engine_->Inbox(Actor::Person("pho-chu-tich.dai-son"), {});
  EXPECT_EQ(inbox->items[0].events[0].acting_for, "chu-tich.dai-son");
  auto approved = Fire(Actor::Person("pho-chu-tich.dai-son"), before_window,
                       "duyet");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->event.acting_for, "chu-tich.dai-son");
  EXPECT_EQ(approved->event.acting_for_name, "Trần Thị Bình");
  EXPECT_EQ(approved->event.actor_role, "chu_tich");

  clock_.Set(At(2026, 1, 16));  // the delegation has expired
  std::string after_window = engine_->Start(start)->instance.id;
  auto expired = Fire(Actor::Person("pho-chu-tich.dai-son"), after_window, "duyet");
  EXPECT_EQ(expired.status().code(), Code::kPermissionDenied);
  EXPECT_TRUE(Fire(Actor::Person("chu-tich.dai-son"), after_window, "duyet").ok());
}

TEST_F(AccessTest, TokensAuthenticateUntilRevokedOrExpired) {
  auto issued = engine_->IssueToken(Actor::Embedder(), "can-bo.dai-son", false,
                                    absl::Hours(1), "test");
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto actor = engine_->Authenticate(issued->token);
  ASSERT_TRUE(actor.ok());
  EXPECT_EQ(actor->id, "can-bo.dai-son");
  EXPECT_EQ(actor->kind, Actor::Kind::kPerson);
  EXPECT_EQ(engine_->Authenticate("").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(engine_->Authenticate("wft_not-a-real-one").status().code(),
            Code::kUnauthenticated);
  clock_.Advance(absl::Hours(2));
  auto expired = engine_->Authenticate(issued->token);
  EXPECT_EQ(expired.status().code(), Code::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  EXPECT_EQ(expired.status().message().find(issued->token), std::string::npos);

  auto lasting = engine_->IssueToken(Actor::Embedder(), "can-bo.dai-son", false,
                                     absl::ZeroDuration(), "");
  ASSERT_TRUE(engine_->Authenticate(lasting->token).ok());
  ASSERT_TRUE(engine_->RevokeToken(Actor::Embedder(), lasting->token_id).ok());
  auto revoked = engine_->Authenticate(lasting->token);
  EXPECT_NE(revoked.status().message().find("revoked"), std::string::npos);
  // Only administrators issue, revoke and import.
  EXPECT_EQ(engine_->IssueToken(Actor::Person("can-bo.dai-son"),
                                "can-bo.dai-son", true, absl::ZeroDuration(), "")
                .status()
                .code(),
            Code::kPermissionDenied);
  EXPECT_EQ(engine_->IssueToken(Actor::Admin("admin"), "nobody", false,
                                absl::ZeroDuration(), "")
                .status()
                .code(),
            Code::kNotFound);
  EXPECT_EQ(engine_->Deploy({"", "x.lua", Actor::Person("can-bo.dai-son")})
                .status()
                .code(),
            Code::kPermissionDenied);
}

// Tokens that authenticated are kept in memory (TokenStore): a revocation
// must still take effect the moment RevokeToken answers, for calls racing
// with it too.
TEST_F(AccessTest, ARevokedTokenIsRefusedFromTheMomentRevokeAnswers) {
  auto issued = engine_->IssueToken(Actor::Embedder(), "can-bo.dai-son", false,
                                    absl::ZeroDuration(), "");
  ASSERT_TRUE(issued.ok()) << issued.status();
  ASSERT_TRUE(engine_->Authenticate(issued->token).ok());  // now kept
  std::atomic<bool> revoked{false};
  std::atomic<int> refused_after{0}, accepted_after{0}, calls{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 3; ++t) {
    callers.emplace_back([&] {
      while (refused_after.load() + accepted_after.load() < 600) {
        const bool after = revoked.load();
        const bool ok = engine_->Authenticate(issued->token).ok();
        calls.fetch_add(1);
        if (after) (ok ? accepted_after : refused_after).fetch_add(1);
      }
    });
  }
  while (calls.load() < 300) std::this_thread::yield();
  ASSERT_TRUE(engine_->RevokeToken(Actor::Embedder(), issued->token_id).ok());
  revoked = true;
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(accepted_after.load(), 0);
  auto refused = engine_->Authenticate(issued->token);
  EXPECT_NE(refused.status().message().find("revoked"), std::string::npos);
}

TEST_F(AccessTest, AMalformedImportChangesNothing) {
  auto counts = engine_->ImportDirectory(
      Actor::Embedder(), {"nguoi_dung", "people",
                "person,name,role,unit,valid_from,valid_to,acting_for\n"
                "can-bo.moi,Người Mới,can_bo,07627,01/07/2025,,\n"
                "can-bo.sai,Người Sai,can_bo,00000,01/07/2025,,\n"});
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ReadRefusal(counts.status())->reason, "DIRECTORY_INVALID");
  EXPECT_NE(ReadRefusal(counts.status())->vietnamese.find("dòng 3"),
            std::string::npos)
      << counts.status();
  EXPECT_NE(counts.status().message().find("nguoi_dung"), std::string::npos);
  // The previous people file still stands.
  auto me = engine_->WhoAmI(Actor::Person("chu-tich.dai-son"));
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->name, "Trần Thị Bình");
  ASSERT_EQ(me->roles.size(), 1u);
  EXPECT_EQ(me->roles[0].unit_name, "Xã Đại Sơn");
  EXPECT_EQ(engine_->WhoAmI(Actor::Person("can-bo.moi"))->roles.size(), 0u);
}

// An inbox page's stamp stays current until something it shows may have
// changed: a step on a document listed in a slot the reader reads, the
// directory, the day. A step in another unit, or in another role's slot of
// the same unit, leaves it current.
TEST_F(AccessTest, AnInboxPageStaysCurrentUntilWhatItShowsChanges) {
  const Actor clerk = Actor::Person("can-bo.dai-son");
  const Actor chairman = Actor::Person("chu-tich.dai-son");
  const Actor neighbour = Actor::Person("can-bo.tay-yen-tu");
  auto page = [&](const Actor& reader) {
    auto inbox = engine_->Inbox(reader, {});
    EXPECT_TRUE(inbox.ok()) << inbox.status();
    return inbox.ok() ? inbox->stamp : InboxStamp{};
  };
  InboxStamp chairs = page(chairman);
  // A draft waits for the clerk: listed in the clerk's slot only.
  auto started = StartPlan(clerk);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_TRUE(engine_->InboxCurrent(chairs));
  InboxStamp mine = page(clerk);
  InboxStamp theirs = page(neighbour);
  ASSERT_EQ(theirs.slots.size(), 2u);  // can_bo and * of one unit
  EXPECT_TRUE(engine_->InboxCurrent(mine));
  EXPECT_TRUE(engine_->InboxCurrent(theirs));

  // The clerk submits it to the chairman: both pages changed, the other
  // unit's did not.
  ASSERT_TRUE(Fire(clerk, started->instance.id, "trinh_duyet",
                   R"({"trich_yeu":"Kế hoạch"})").ok());
  EXPECT_FALSE(engine_->InboxCurrent(mine));
  EXPECT_FALSE(engine_->InboxCurrent(chairs));
  EXPECT_TRUE(engine_->InboxCurrent(theirs));
  // A start in the other unit lists a document there.
  ASSERT_TRUE(StartPlan(neighbour, kSibling).ok());
  EXPECT_FALSE(engine_->InboxCurrent(theirs));

  // A refused step writes nothing: the page read after it stays current.
  mine = page(clerk);
  EXPECT_FALSE(Fire(clerk, started->instance.id, "trinh_duyet").ok());
  EXPECT_TRUE(engine_->InboxCurrent(mine));

  // The directory changed: roles or names may have.
  ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
  EXPECT_FALSE(engine_->InboxCurrent(mine));

  // Another day: roles and delegations run by day.
  mine = page(clerk);
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(engine_->InboxCurrent(mine));
  clock_.Advance(absl::Hours(24));
  EXPECT_FALSE(engine_->InboxCurrent(mine));
}

// A deadline carries what a list screen shows beside it, as an inbox item
// does: the unit, its name, the document's title.
TEST_F(AccessTest, ADeadlineNamesItsUnitAndTitle) {
  auto started = StartPlan(Actor::Person("can-bo.dai-son"), kUnit, "2026-01-06");
  ASSERT_TRUE(started.ok()) << started.status();
  DeadlineQuery query;
  query.actor = Actor::Embedder();
  query.within_days = 30;
  auto listed = engine_->ListDeadlines(query);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->deadlines.size(), 1u);
  const DeadlineInfo& d = listed->deadlines[0];
  EXPECT_EQ(d.instance_id, started->instance.id);
  EXPECT_EQ(d.unit, kUnit);
  EXPECT_EQ(d.unit_name, "Xã Đại Sơn");
  EXPECT_EQ(d.title, started->instance.title);
  EXPECT_FALSE(d.title.empty());
}

}  // namespace
}  // namespace wf
