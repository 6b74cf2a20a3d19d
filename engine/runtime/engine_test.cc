// The engine through its public header: the transition path end to end,
// every refusal leaving the state unchanged, idempotency, versions,
// persistence, concurrency, verification.
#include "wf/engine.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/runtime/engine_test_support.h"
#include "absl/synchronization/notification.h"
#include "engine/store/faulty_file_system.h"
#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rocksdb/env.h"
#include "wf/clock.h"

namespace wf {
namespace {

// Every instance, as the embedding program sees them.
ListInstancesRequest All() {
  ListInstancesRequest request;
  request.actor = Actor::Embedder();
  return request;
}

using Json = nlohmann::json;

using test_support::ReadTestdata;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshDir("wf_engine_test");
    options_.data_dir = dir_;
    options_.clock = &clock_;
    options_.limits.lua_instructions_per_call = 200'000;
    options_.limits.lua_memory_bytes = 32 << 20;
    Reopen();
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

  void DeployTestdata(const std::string& file) {
    auto deployed = engine_->Deploy({ReadTestdata(file), file, Actor::Embedder("admin")});
    ASSERT_TRUE(deployed.ok()) << deployed.status();
  }

  InstanceInfo StartApproval(const std::string& business_key = "") {
    StartRequest start;
    start.workflow = "phe_duyet";
    start.variables_json = R"({"don_vi":"Xã Tiên Du"})";
    start.business_key = business_key;
    start.actor = Actor::Embedder("can-bo.xa-tien-du");
    auto started = engine_->Start(start);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance : InstanceInfo{};
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& event,
                                  const std::string& payload = "",
                                  const std::string& key = "",
                                  uint64_t expected_version = 0) {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = event;
    fire.payload_json = payload;
    fire.idempotency_key = key;
    fire.expected_version = expected_version;
    fire.actor = Actor::Embedder("chu-tich.xa-tien-du");
    return engine_->Fire(fire);
  }

  std::string dir_;
  // 16/01/2026 08:00 in Vietnam.
  ManualClock clock_{absl::FromUnixSeconds(1768525200)};
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, ApprovalRunsToItsFinalStateWithAChainedHistory) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo started = StartApproval("KH-05/2026");
  EXPECT_EQ(started.id, "wi-000000000001");
  EXPECT_EQ(started.state, "du_thao");
  EXPECT_EQ(started.state_title, "Dự thảo");
  EXPECT_EQ(started.version, 1u);
  EXPECT_EQ(Json::parse(started.variables_json),
            Json::parse(R"({"don_vi":"Xã Tiên Du","lan_tra_lai":0})"));

  auto submitted = Fire(started.id, "trinh", R"({"noi_dung":"Kế hoạch 2026"})");
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->instance.state, "cho_duyet");
  EXPECT_EQ(submitted->event.from_state, "du_thao");
  EXPECT_EQ(submitted->event.seq, 2u);

  auto approved = Fire(started.id, "duyet");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_TRUE(approved->instance.finished);
  Json vars = Json::parse(approved->instance.variables_json);
  EXPECT_EQ(vars["nguoi_duyet"], "chu-tich.xa-tien-du");
  EXPECT_EQ(vars["ngay_duyet"], "2026-01-16");
  EXPECT_EQ(Json::parse(approved->event.effects_json)[0]["kind"], "thong_bao");
  EXPECT_EQ(Json::parse(approved->event.changes_json)["set"]["nguoi_duyet"],
            "chu-tich.xa-tien-du");

  auto history = engine_->GetHistory(started.id, Actor::Embedder());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].event, "start");
  EXPECT_EQ((*history)[0].actor, "can-bo.xa-tien-du");
  EXPECT_EQ((*history)[1].prev_hash, (*history)[0].hash);
  EXPECT_EQ((*history)[2].prev_hash, (*history)[1].hash);
  EXPECT_EQ((*history)[2].actor, "chu-tich.xa-tien-du");

  auto report = engine_->Verify(started.id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, 3u);
}

// A step's answer carries its variables parsed as well as as text (a
// server converts them without parsing again): the two never differ.
TEST_F(EngineTest, AStepAnswersItsVariablesParsedAndAsText) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo started = StartApproval("KH-06/2026");
  ASSERT_NE(started.parsed_variables, nullptr);
  EXPECT_EQ(*started.parsed_variables, Json::parse(started.variables_json));
  auto submitted = Fire(started.id, "trinh",
                        R"({"noi_dung":"Kế hoạch 2026","so_trang":12})");
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  ASSERT_NE(submitted->instance.parsed_variables, nullptr);
  EXPECT_EQ(*submitted->instance.parsed_variables,
            Json::parse(submitted->instance.variables_json));
  EXPECT_EQ((*submitted->instance.parsed_variables)["noi_dung"],
            "Kế hoạch 2026");
  // Reads have only the text.
  auto read = engine_->GetInstance(started.id, Actor::Embedder());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(Json::parse(read->variables_json),
            *submitted->instance.parsed_variables);
}

// A step takes apart the variables it replaces (CallInput::takeable_vars)
// when nobody else holds them, and reads them as they are when somebody does
// (here, an answer kept by its caller): either way the variables, the
// history's changes (only what the step changed) and the verified chain are
// what copying gives.
TEST_F(EngineTest, StepsThatTakeTheirVariablesApartRecordTheSameHistory) {
  DeployTestdata("dem.lua");
  const std::string text(3000, 'x');
  StartRequest start;
  start.workflow = "dem";
  start.variables_json = absl::StrCat(R"({"ten":"Xã Tiên Du","noi_dung":")",
                                      text, R"(","log":["a"]})");
  start.actor = Actor::Embedder();
  std::string id;
  {  // the start's answer, holding the variables, let go
    auto started = engine_->Start(start);
    ASSERT_TRUE(started.ok()) << started.status();
    id = started->instance.id;
  }
  std::optional<FireResult> held;
  for (const char* key : {"b", "c", "d", "e"}) {
    auto fired = Fire(id, "tang", absl::StrCat(R"({"key":")", key, R"("})"));
    ASSERT_TRUE(fired.ok()) << key << ": " << fired.status();
    Json changes = Json::parse(fired->event.changes_json);
    EXPECT_EQ(changes["set"].size(), 2u) << key << ": " << changes;
    EXPECT_EQ(changes["set"]["log"].back(), key);
    EXPECT_EQ(changes["unset"], Json::array());
    // After "c", the answer is kept while "d" steps: "d" must not take
    // apart what it still shows.
    if (std::string(key) == "c") held = *std::move(fired);
    if (std::string(key) == "e") held.reset();
  }
  ASSERT_FALSE(held.has_value());
  auto closed = Fire(id, "dong");  // no action: the variables as they were
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(Json::parse(closed->event.changes_json),
            Json::parse(R"({"set":{},"unset":[]})"));
  const Json expected = {{"ten", "Xã Tiên Du"}, {"noi_dung", text},
                         {"log", {"a", "b", "c", "d", "e"}}, {"n", 4}};
  EXPECT_EQ(*closed->instance.parsed_variables, expected);
  auto read = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(Json::parse(read->variables_json), expected);
  auto report = engine_->Verify(id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, 6u);
}

TEST_F(EngineTest, EveryRefusalLeavesTheInstanceUnchanged) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo started = StartApproval();
  auto before = engine_->GetInstance(started.id, Actor::Embedder());
  ASSERT_TRUE(before.ok());

  struct Case {
    std::string event, payload;
    uint64_t expected_version;
    absl::StatusCode code;
    std::string fragment;
  };
  std::vector<Case> cases = {
      {"duyet", "", 0, absl::StatusCode::kFailedPrecondition,
       "events allowed there: trinh, boc_tham, loi, lap, bom, phong_to"},
      {"khong_co", "", 0, absl::StatusCode::kInvalidArgument,
       "'khong_co' is not one"},
      {"trinh", "", 0, absl::StatusCode::kFailedPrecondition,
       "Chưa có nội dung kế hoạch"},
      {"loi", "", 0, absl::StatusCode::kFailedPrecondition,
       "phe_duyet.lua"},
      {"loi", "", 0, absl::StatusCode::kFailedPrecondition,
       "attempt to index a nil value (local 'thieu')"},
      {"lap", "", 0, absl::StatusCode::kResourceExhausted, "budget"},
      {"bom", "", 0, absl::StatusCode::kResourceExhausted, "memory"},
      {"phong_to", "", 0, absl::StatusCode::kResourceExhausted,
       "to stay within"},
      {"trinh", "[1,2]", 0, absl::StatusCode::kInvalidArgument,
       "JSON object"},
      {"trinh", "{\"a\":", 0, absl::StatusCode::kInvalidArgument,
       "does not parse"},
      {"trinh", R"({"noi_dung":"\udc80"})", 0,
       absl::StatusCode::kInvalidArgument, "does not parse"},
      {"trinh", absl::StrCat("{\"x\":\"", std::string(70000, 'a'), "\"}"), 0,
       absl::StatusCode::kResourceExhausted, "at most 65536 bytes"},
      {"trinh", R"({"noi_dung":"x"})", 7, absl::StatusCode::kAborted,
       "at version 1"},
      {"Trinh", "", 0, absl::StatusCode::kInvalidArgument, "event name"},
  };
  for (const Case& c : cases) {
    auto fired = Fire(started.id, c.event, c.payload, "", c.expected_version);
    ASSERT_FALSE(fired.ok()) << c.event;
    EXPECT_EQ(fired.status().code(), c.code) << c.event << ": " << fired.status();
    EXPECT_NE(fired.status().message().find(c.fragment), std::string::npos)
        << c.event << ": " << fired.status();
    auto after = engine_->GetInstance(started.id, Actor::Embedder());
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->version, before->version) << c.event;
    EXPECT_EQ(after->variables_json, before->variables_json) << c.event;
    EXPECT_EQ(after->state, before->state) << c.event;
  }
  // The required field of "tra_lai" (reached through "trinh").
  ASSERT_TRUE(Fire(started.id, "trinh", R"({"noi_dung":"Kế hoạch"})").ok());
  auto returned = Fire(started.id, "tra_lai", R"({"ly_do":""})");
  EXPECT_EQ(returned.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(returned.status().message().find("'ly_do'"), std::string::npos);
  EXPECT_EQ(engine_->GetHistory(started.id, Actor::Embedder())->size(), 2u);
  auto report = engine_->Verify(started.id, Actor::Embedder());
  EXPECT_TRUE(report.ok() && report->ok);
}

TEST_F(EngineTest, BadStartsAreRefused) {
  DeployTestdata("phe_duyet.lua");
  StartRequest start;
  start.actor = Actor::Embedder();
  start.workflow = "khong_co";
  EXPECT_EQ(engine_->Start(start).status().code(), absl::StatusCode::kNotFound);
  start.workflow = "phe_duyet";
  start.variables_json = "{}";
  auto missing = engine_->Start(start);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'don_vi'"), std::string::npos);
  start.variables_json = R"({"don_vi":"x"})";
  start.business_key = "KH\xff";
  EXPECT_EQ(engine_->Start(start).status().code(),
            absl::StatusCode::kInvalidArgument);
  start.business_key = "a\nb";
  EXPECT_EQ(engine_->Start(start).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->GetInstance("wi-000000000001", Actor::Embedder()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->GetInstance("nonsense", Actor::Embedder()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(engine_->ListInstances(All())->instances.empty());
}

TEST_F(EngineTest, FiringOnAFinishedInstanceIsRefused) {
  DeployTestdata("dem.lua");
  auto started = engine_->Start({"dem", "", "", "", Actor::Embedder()});
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(Fire(started->instance.id, "dong").ok());
  auto again = Fire(started->instance.id, "tang");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("finished"), std::string::npos);
}

TEST_F(EngineTest, IdempotencyKeyReturnsTheFirstAnswer) {
  DeployTestdata("dem.lua");
  StartRequest start{"dem", "", "", "start-1", Actor::Embedder("he-thong-a")};
  auto first = engine_->Start(start);
  ASSERT_TRUE(first.ok());
  auto retry = engine_->Start(start);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->instance.id, first->instance.id);
  EXPECT_EQ(engine_->ListInstances(All())->instances.size(), 1u);
  start.variables_json = R"({"khac":1})";
  EXPECT_EQ(engine_->Start(start).status().code(),
            absl::StatusCode::kInvalidArgument);

  const std::string id = first->instance.id;
  auto fired = Fire(id, "tang", "", "k1");
  ASSERT_TRUE(fired.ok());
  auto fired_again = Fire(id, "tang", "", "k1");
  ASSERT_TRUE(fired_again.ok());
  EXPECT_TRUE(fired_again->replayed);
  EXPECT_EQ(fired_again->event.seq, fired->event.seq);
  EXPECT_EQ(fired_again->event.hash, fired->event.hash);
  EXPECT_EQ(fired_again->instance.variables_json, R"({"n":1})");
  // After a later transition, a retry still gets the event it appended, as
  // recorded, with the document as it is now.
  ASSERT_TRUE(Fire(id, "tang", "", "k2").ok());
  auto late_retry = Fire(id, "tang", "", "k1");
  ASSERT_TRUE(late_retry.ok());
  EXPECT_TRUE(late_retry->replayed);
  EXPECT_EQ(late_retry->event.seq, fired->event.seq);
  EXPECT_EQ(late_retry->event.hash, fired->event.hash);
  EXPECT_EQ(late_retry->instance.version, 3u);
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, 3u);
  auto different = Fire(id, "tang", R"({"x":1})", "k1");
  EXPECT_EQ(different.status().code(), absl::StatusCode::kInvalidArgument);
}

// Keys are remembered for a window (a week by default): within it a
// different request under a used key is refused; after it the key is free.
TEST_F(EngineTest, IdempotencyKeysExpireAfterTheirWindow) {
  DeployTestdata("dem.lua");
  StartRequest start{"dem", "", "", "start-1", Actor::Embedder("he-thong-a")};
  auto first = engine_->Start(start);
  ASSERT_TRUE(first.ok());
  const std::string id = first->instance.id;
  ASSERT_TRUE(Fire(id, "tang", "", "k1").ok());

  clock_.Advance(absl::Hours(24 * 7) - absl::Minutes(1));
  auto replayed = engine_->Start(start);
  ASSERT_TRUE(replayed.ok());
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(Fire(id, "tang", R"({"x":1})", "k1").status().code(),
            absl::StatusCode::kInvalidArgument);

  clock_.Advance(absl::Minutes(2));  // past the week
  auto fresh = engine_->Start(start);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->replayed);
  EXPECT_NE(fresh->instance.id, id);
  auto again = Fire(id, "tang", R"({"x":1})", "k1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->replayed);
  EXPECT_EQ(again->event.seq, 3u);
  // The key now answers the new request, for another week.
  auto retried = Fire(id, "tang", R"({"x":1})", "k1");
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(retried->replayed);
  EXPECT_EQ(retried->event.seq, 3u);
}

TEST_F(EngineTest, RunningInstancesStayOnTheirVersion) {
  DeployTestdata("dem.lua");
  auto old_instance = engine_->Start({"dem", "", "", "", Actor::Embedder()});
  ASSERT_TRUE(old_instance.ok());
  std::string v2 = ReadTestdata("dem.lua");
  v2.replace(v2.find("(ctx.vars.n or 0) + 1"), 21, "(ctx.vars.n or 0) + 10");
  auto deployed = engine_->Deploy({v2, "dem.lua", Actor::Embedder("admin")});
  ASSERT_TRUE(deployed.ok()) << deployed.status();
  EXPECT_TRUE(deployed->created);
  EXPECT_EQ(deployed->workflow.version, 2u);
  auto same = engine_->Deploy({v2, "dem.lua", Actor::Embedder("admin")});
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->workflow.version, 2u);

  auto new_instance = engine_->Start({"dem", "", "", "", Actor::Embedder()});
  ASSERT_TRUE(new_instance.ok());
  EXPECT_EQ(new_instance->instance.workflow_version, 2u);
  EXPECT_EQ(Fire(old_instance->instance.id, "tang")->instance.variables_json,
            R"({"n":1})");
  EXPECT_EQ(Fire(new_instance->instance.id, "tang")->instance.variables_json,
            R"({"n":10})");
  auto v1 = engine_->GetWorkflow("dem", 1);
  ASSERT_TRUE(v1.ok());
  EXPECT_NE(v1->source.find("+ 1\n"), std::string::npos);
  EXPECT_EQ(engine_->GetWorkflow("dem", 3).status().code(),
            absl::StatusCode::kNotFound);
  auto list = engine_->ListWorkflows();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].version, 2u);
  EXPECT_TRUE((*list)[0].source.empty());
}

TEST_F(EngineTest, MalformedLuaIsRefusedWithFileAndLine) {
  auto syntax = engine_->Deploy({"workflow \"w\" {\n  initial = \n}\n",
                                 "hong.lua", Actor::Embedder()});
  EXPECT_EQ(syntax.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(syntax.status().message().find("hong.lua:3:"), std::string::npos)
      << syntax.status();
  auto invalid = engine_->Deploy({R"(
workflow "w" { initial = "a" }
state "a" {}
transition "go" { from = "a", to = "b" }
)",
                                  "sai.lua", Actor::Embedder()});
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.status().message().find("sai.lua:4: transition 'go' leads "
                                            "to 'b'"),
            std::string::npos)
      << invalid.status();
  auto spin = engine_->Deploy({"while true do end", "quay.lua", Actor::Embedder()});
  EXPECT_EQ(spin.status().code(), absl::StatusCode::kResourceExhausted);
  auto bytecode = engine_->Deploy({"\x1bLua", "bin.lua", Actor::Embedder()});
  EXPECT_EQ(bytecode.status().code(), absl::StatusCode::kInvalidArgument);
  auto too_big = engine_->Deploy({std::string(2 << 20, ' '), "to.lua", Actor::Embedder()});
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(engine_->ListWorkflows()->empty());
}

TEST_F(EngineTest, ValidateOnlyChecksLikeADeployAndStoresNothing) {
  DeployRequest check{ReadTestdata("dem.lua"), "dem.lua", Actor::Embedder("admin"), true};
  auto first = engine_->Deploy(check);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->created);
  EXPECT_EQ(first->workflow.name, "dem");
  EXPECT_EQ(first->workflow.version, 1u);
  EXPECT_FALSE(first->workflow.states.empty());
  EXPECT_TRUE(engine_->ListWorkflows()->empty());
  EXPECT_EQ(engine_->Start({"dem", "", "", "", Actor::Embedder()}).status().code(),
            absl::StatusCode::kNotFound);

  DeployTestdata("dem.lua");
  std::string v2 = ReadTestdata("dem.lua");
  v2.replace(v2.find("(ctx.vars.n or 0) + 1"), 21, "(ctx.vars.n or 0) + 10");
  auto next = engine_->Deploy({v2, "dem.lua", Actor::Embedder("admin"), true});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->workflow.version, 2u);
  EXPECT_EQ(engine_->GetWorkflow("dem", 2).status().code(),
            absl::StatusCode::kNotFound);

  // The same errors as a deploy, and the same permission.
  auto invalid = engine_->Deploy(
      {"workflow \"w\" { initial = \"a\" }\nstate \"a\" {}\n"
       "transition \"go\" { from = \"a\", to = \"b\" }\n",
       "sai.lua", Actor::Embedder("admin"), true});
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.status().message().find("sai.lua:3: transition 'go'"),
            std::string::npos)
      << invalid.status();
  EXPECT_EQ(engine_->Deploy({v2, "dem.lua", Actor::Person("can-bo.dai-son"), true})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->ListWorkflows()->size(), 1u);
}

TEST_F(EngineTest, BackupIsAConsistentCopyThatOpensAsADataFolder) {
  DeployTestdata("dem.lua");
  auto started = engine_->Start({"dem", "", "", "", Actor::Embedder()});
  ASSERT_TRUE(started.ok());
  const std::string id = started->instance.id;
  ASSERT_TRUE(Fire(id, "tang").ok());
  const std::string backup = dir_ + "_backup";
  std::filesystem::remove_all(backup);

  auto taken = engine_->Backup(Actor::Embedder(), backup);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->dir, backup);
  EXPECT_GT(taken->files, 0u);
  EXPECT_GT(taken->bytes, 0u);
  ASSERT_TRUE(Fire(id, "tang").ok());  // after the backup: not in it

  // A backup never overwrites, and says why it cannot be taken.
  EXPECT_EQ(engine_->Backup(Actor::Embedder(), backup).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(engine_->Backup(Actor::Embedder(), "relative/dir").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Backup(Actor::Embedder(), backup + "_no/such/parent").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Backup(Actor::Person("can-bo.dai-son"), backup + "_2")
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(std::filesystem::exists(backup + "_2"));
  auto slash = engine_->Backup(Actor::Embedder(), backup + "_3/");  // as shells complete it
  ASSERT_TRUE(slash.ok()) << slash.status();
  EXPECT_EQ(slash->dir, backup + "_3");
  std::filesystem::remove_all(backup + "_3");

  EngineOptions restored = options_;
  restored.data_dir = backup;
  auto copy = Engine::Open(restored);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto there = (*copy)->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(there.ok()) << there.status();
  EXPECT_EQ(there->version, 2u);
  EXPECT_EQ(there->variables_json, R"({"n":1})");
  EXPECT_TRUE((*copy)->Verify(id, Actor::Embedder())->ok);
  FireRequest more;
  more.actor = Actor::Embedder();
  more.instance_id = id;
  more.event = "tang";
  ASSERT_TRUE((*copy)->Fire(more).ok());
  copy->reset();
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->variables_json, R"({"n":2})");
  std::filesystem::remove_all(backup);
}

TEST_F(EngineTest, StateSurvivesReopenAndIdsAreNotReused) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo a = StartApproval();
  ASSERT_TRUE(Fire(a.id, "trinh", R"({"noi_dung":"x"})").ok());
  Reopen();
  auto read = engine_->GetInstance(a.id, Actor::Embedder());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->state, "cho_duyet");
  EXPECT_EQ(read->version, 2u);
  InstanceInfo b = StartApproval();
  EXPECT_EQ(b.id, "wi-000000000002");
  ASSERT_TRUE(Fire(a.id, "duyet").ok());
  EXPECT_TRUE(engine_->Verify(a.id, Actor::Embedder())->ok);
}

// The store keeps the key page tokens are sealed under: a client paging
// through a list goes on after a restart; another store's engine refuses
// the token.
TEST_F(EngineTest, PageTokensOutliveAReopenButNotAnotherStore) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo a = StartApproval();
  InstanceInfo b = StartApproval();
  const ListInstancesRequest all{"", "", "", 1, "", Actor::Embedder()};
  auto first = engine_->ListInstances(all);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->instances.size(), 1u);
  EXPECT_EQ(first->instances[0].id, a.id);
  ListInstancesRequest next = all;
  next.page_token = first->next_page_token;
  ASSERT_FALSE(next.page_token.empty());
  Reopen();
  auto second = engine_->ListInstances(next);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->instances.size(), 1u);
  EXPECT_EQ(second->instances[0].id, b.id);

  EngineOptions elsewhere = options_;
  elsewhere.data_dir = test_support::FreshDir("wf_engine_test_other");
  {
    auto other = Engine::Open(elsewhere);
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_EQ((*other)->ListInstances(next).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  std::filesystem::remove_all(elsewhere.data_dir);
  Reopen();
  EXPECT_TRUE(engine_->ListInstances(next).ok());
}

TEST_F(EngineTest, ConcurrentFiresOnOneInstanceAreSerialised) {
  DeployTestdata("dem.lua");
  auto started = engine_->Start({"dem", "", "", "", Actor::Embedder()});
  ASSERT_TRUE(started.ok());
  const std::string id = started->instance.id;
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!Fire(id, "tang").ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto instance = engine_->GetInstance(id, Actor::Embedder());
  EXPECT_EQ(instance->variables_json,
            absl::StrCat(R"({"n":)", kThreads * kEach, "}"));
  EXPECT_EQ(instance->version, 1u + kThreads * kEach);
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
}

TEST_F(EngineTest, AsyncFiresOnManyInstancesAllAnswer) {
  DeployTestdata("dem.lua");
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(engine_->Start({"dem", "", "", "", Actor::Embedder()})->instance.id);
  }
  constexpr int kRounds = 10;
  std::atomic<int> answered{0}, failed{0};
  absl::Notification all;
  for (int r = 0; r < kRounds; ++r) {
    for (const auto& id : ids) {
      FireRequest fire;
      fire.actor = Actor::Embedder();
      fire.instance_id = id;
      fire.event = "tang";
      engine_->FireAsync(fire, [&](absl::StatusOr<FireResult> result) {
        if (!result.ok()) failed++;
        if (++answered == kRounds * static_cast<int>(ids.size())) all.Notify();
      });
    }
  }
  all.WaitForNotification();
  EXPECT_EQ(failed.load(), 0);
  for (const auto& id : ids) {
    EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->variables_json,
              absl::StrCat(R"({"n":)", kRounds, "}"));
  }
}

TEST_F(EngineTest, ListFiltersAndPages) {
  DeployTestdata("phe_duyet.lua");
  DeployTestdata("dem.lua");
  std::vector<std::string> approvals;
  for (int i = 0; i < 120; ++i) {
    approvals.push_back(StartApproval(i % 2 ? "lẻ" : "chẵn").id);
  }
  for (int i = 0; i < 5; ++i) engine_->Start({"dem", "", "", "", Actor::Embedder()}).IgnoreError();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Fire(approvals[i], "trinh", R"({"noi_dung":"x"})").ok());
  }
  auto count = [&](ListInstancesRequest request) {
    request.actor = Actor::Embedder();
    std::set<std::string> seen;
    int pages = 0;
    for (;;) {
      auto page = engine_->ListInstances(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return -1;
      ++pages;
      for (const auto& i : page->instances) {
        EXPECT_TRUE(seen.insert(i.id).second) << "listed twice: " << i.id;
      }
      if (page->next_page_token.empty()) break;
      request.page_token = page->next_page_token;
    }
    return static_cast<int>(seen.size());
  };
  EXPECT_EQ(count(All()), 125);
  EXPECT_EQ(count({"phe_duyet", "", "", 50, ""}), 120);
  EXPECT_EQ(count({"phe_duyet", "cho_duyet", "", 7, ""}), 30);
  EXPECT_EQ(count({"phe_duyet", "du_thao", "", 0, ""}), 90);
  EXPECT_EQ(count({"", "", "lẻ", 0, ""}), 60);
  EXPECT_EQ(count({"dem", "", "lẻ", 0, ""}), 0);
  auto first = engine_->ListInstances({"phe_duyet", "", "", 10, "", Actor::Embedder()});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->instances.front().id, approvals[0]);  // oldest first
  EXPECT_EQ(engine_->ListInstances({"dem", "", "", 10, first->next_page_token, Actor::Embedder()})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->ListInstances({"", "du_thao", "", 0, "", Actor::Embedder()}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->ListInstances({"", "", "", 0, "%%%", Actor::Embedder()}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, TextIsStoredAsNfc) {
  DeployTestdata("phe_duyet.lua");
  StartRequest start;
  start.actor = Actor::Embedder();
  start.workflow = "phe_duyet";
  start.variables_json = "{\"don_vi\":\"Xa\xcc\x83 Tie\xcc\x82n Du\"}";  // NFD
  start.business_key = "Tie\xcc\x82n Du";
  auto started = engine_->Start(start);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->instance.business_key, "Tiên Du");
  EXPECT_EQ(Json::parse(started->instance.variables_json)["don_vi"],
            "Xã Tiên Du");
  EXPECT_EQ(engine_->ListInstances({"", "", "Tiên Du", 0, "", Actor::Embedder()})->instances.size(),
            1u);
}

TEST_F(EngineTest, ReplayIsDeterministicWithRandomNumbers) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo a = StartApproval();
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Hours(1));
    ASSERT_TRUE(Fire(a.id, "boc_tham").ok());
  }
  auto report = engine_->Verify(a.id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, 6u);
}

TEST_F(EngineTest, VerifyFindsATamperedHistory) {
  DeployTestdata("phe_duyet.lua");
  InstanceInfo a = StartApproval();
  ASSERT_TRUE(Fire(a.id, "trinh", R"({"noi_dung":"Bản gốc"})").ok());
  ASSERT_TRUE(Fire(a.id, "duyet").ok());
  engine_.reset();
  {
    // Change the payload of event 2 in place, keeping its stored hash.
    auto store = Store::Open(dir_, StoreOptions());
    ASSERT_TRUE(store.ok());
    std::string key = keys::History(a.id, 2);
    auto value = (*store)->Get(Cf::kHistory, key);
    ASSERT_TRUE(value.ok() && value->has_value());
    store::HistoryEventRecord record;
    record.ParseFromString(**value);
    store::HistoryEventBody body;
    body.ParseFromString(record.body());
    body.set_payload_json(R"({"noi_dung":"Bản sửa lén"})");
    record.set_body(body.SerializeAsString());
    rocksdb::WriteBatch batch;
    WriteSet set;
    set.Put(Cf::kHistory, key, record.SerializeAsString());
    (*store)->AppendTo(set, &batch);
    ASSERT_TRUE((*store)->WriteSynced(&batch).ok());
  }
  Reopen();
  auto report = engine_->Verify(a.id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_NE(report->problem.find("event 2: its hash does not match"),
            std::string::npos)
      << report->problem;
}

TEST_F(EngineTest, AFailedSyncStopsWritesButNotReads) {
  engine_.reset();
  auto faulty =
      std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(faulty);
  StoreFaults faults{env.get()};
  options_.store.faults = &faults;
  Reopen();
  DeployTestdata("dem.lua");
  auto started = engine_->Start({"dem", "", "", "", Actor::Embedder()});
  ASSERT_TRUE(started.ok());
  const std::string id = started->instance.id;
  ASSERT_TRUE(Fire(id, "tang").ok());
  faulty->FailWalWrites(true);
  auto failed = Fire(id, "tang");
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  faulty->FailWalWrites(false);
  EXPECT_EQ(Fire(id, "tang").status().code(), absl::StatusCode::kUnavailable);
  auto read = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->variables_json, R"({"n":1})");
  engine_.reset();
  Reopen();
  auto after_restart = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(after_restart.ok());
  EXPECT_EQ(after_restart->version, 2u);
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
  ASSERT_TRUE(Fire(id, "tang").ok());
  engine_.reset();
  options_.store.faults = nullptr;
}

}  // namespace
}  // namespace wf
