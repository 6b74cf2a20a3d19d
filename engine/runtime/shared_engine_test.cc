// Transitions over shared records and several instances at once, through
// the public header: registers' numbers, quota places and claims under
// concurrent load, children started in the parent's write, parents reading
// children, all-or-nothing, and replay with the recorded values.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/runtime/engine_test_support.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Json = nlohmann::json;

using test_support::ReadTestdata;

class SharedEngineTest : public test_support::EngineFixture {
 protected:
  SharedEngineTest()
      : EngineFixture(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0),
                                      absl::FixedTimeZone(7 * 3600))) {}

  void SetUp() override {
    options_.worker_threads = 4;
    Open("wf_shared_test", {"vao_so.lua", "bao_cao_con.lua",
                            "ho_so_duy_nhat.lua", "ke_hoach_cha.lua"});
  }

  std::string Start(const std::string& workflow) {
    auto started = engine_->Start({workflow, "", "", "", Actor::Embedder()});
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance.id : "";
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& event,
                                  const Json& payload = Json::object()) {
    FireRequest request;
    request.instance_id = id;
    request.event = event;
    request.payload_json = payload.dump();
    request.actor = Actor::Embedder();
    return engine_->Fire(request);
  }

  Json Vars(const std::string& id) {
    auto instance = engine_->GetInstance(id, Actor::Embedder());
    EXPECT_TRUE(instance.ok()) << instance.status();
    return instance.ok() ? Json::parse(instance->variables_json) : Json();
  }

  void ExpectVerifies(const std::string& id) {
    auto report = engine_->Verify(id, Actor::Embedder());
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok) << id << ": " << report->problem;
  }

};

// 64 threads, each on its own instance, take 10,000 numbers from one
// register: every number from 1 to 10,000 is given exactly once, and the
// register stands at 10,000 (the next number taken is 10,001).
TEST_F(SharedEngineTest, SixtyFourThreadsTakeGaplessUniqueNumbers) {
  constexpr int kThreads = 64;
  constexpr int kTotal = test_support::StepsToTake(10'000, 2'000);
  std::vector<std::string> ids;
  for (int t = 0; t < kThreads; ++t) ids.push_back(Start("vao_so"));
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (next.fetch_add(1) < kTotal) {
        if (!Fire(ids[t], "lay_so").ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  std::vector<int64_t> numbers;
  for (const std::string& id : ids) {
    for (const Json& n : Vars(id).value("so", Json::array())) {
      numbers.push_back(n.get<int64_t>());
    }
  }
  ASSERT_EQ(numbers.size(), static_cast<size_t>(kTotal));
  std::sort(numbers.begin(), numbers.end());
  for (int i = 0; i < kTotal; ++i) ASSERT_EQ(numbers[i], i + 1);
  std::string last = Start("vao_so");
  ASSERT_TRUE(Fire(last, "lay_so").ok());
  EXPECT_EQ(Vars(last)["so"], Json::array({kTotal + 1}));
  // Replay answers from the recorded numbers, not the register's today.
  ExpectVerifies(ids[0]);
  ExpectVerifies(ids[kThreads - 1]);
  std::cout << "aborted and run again: " << engine_->Stats().aborted << "\n";
}

TEST_F(SharedEngineTest, TwoNumbersInOneStepAreTwoNumbers) {
  std::string a = Start("vao_so"), b = Start("vao_so");
  ASSERT_TRUE(Fire(a, "lay_so").ok());
  ASSERT_TRUE(Fire(b, "lay_hai_so").ok());
  EXPECT_EQ(Vars(b)["dau"], 2);
  EXPECT_EQ(Vars(b)["cuoi"], 3);
  auto event = Fire(a, "lay_so");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(Vars(a)["so"], Json::array({1, 4}));
  EXPECT_EQ(Json::parse(event->event.taken_json),
            Json::parse(R"([{"call":"take_number","key":"so-di/2026",
                             "value":4}])"));
  ExpectVerifies(b);
}

// Registers are independent of each other.
TEST_F(SharedEngineTest, EachRegisterCountsOnItsOwn) {
  std::string a = Start("vao_so");
  ASSERT_TRUE(Fire(a, "lay_so", {{"so", "so-den/2026"}}).ok());
  ASSERT_TRUE(Fire(a, "lay_so", {{"so", "so-den/2026"}}).ok());
  ASSERT_TRUE(Fire(a, "lay_so", {{"so", "so-di/2026"}}).ok());
  EXPECT_EQ(Vars(a)["so"], Json::array({1, 2, 1}));
}

// 64 threads ask for 5 places each of a quota of 100: exactly 100 get one.
TEST_F(SharedEngineTest, AQuotaIsNeverExceeded) {
  constexpr int kThreads = 64, kEach = 5;
  std::vector<std::string> ids;
  for (int t = 0; t < kThreads; ++t) ids.push_back(Start("vao_so"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto fired = Fire(ids[t], "xin_cho");
        if (!fired.ok()) {
          if (failures++ == 0) ADD_FAILURE() << fired.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  int places = 0, refused = 0;
  for (const std::string& id : ids) {
    Json vars = Vars(id);
    places += vars.value("cho", 0);
    if (vars.value("het_cho", false)) refused++;
  }
  EXPECT_EQ(places, 100);
  EXPECT_GT(refused, 0);
  ExpectVerifies(ids[0]);
}

// A place given back can be taken again, while the quota stays full
// otherwise; and a quota with no place taken has none to give back.
TEST_F(SharedEngineTest, APlaceGivenBackCanBeTakenAgain) {
  std::string a = Start("vao_so"), b = Start("vao_so");
  auto refused = Fire(a, "tra_cho");
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("none can be given back"),
            std::string::npos)
      << refused.status();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Fire(a, "xin_cho", {{"chi_tieu", 2}}).ok());
  }
  ASSERT_TRUE(Fire(b, "xin_cho", {{"chi_tieu", 2}}).ok());
  EXPECT_TRUE(Vars(b).value("het_cho", false)) << "the quota of 2 is full";
  ASSERT_TRUE(Fire(a, "tra_cho").ok());
  ASSERT_TRUE(Fire(b, "xin_cho", {{"chi_tieu", 2}}).ok());
  EXPECT_EQ(Vars(b).value("cho", 0), 1) << "the place given back";
  ASSERT_TRUE(Fire(a, "xin_cho", {{"chi_tieu", 2}}).ok());
  EXPECT_EQ(Vars(a).value("cho", 0), 1) << "full again: a keeps one place";
  ExpectVerifies(a);
  ExpectVerifies(b);
}

TEST_F(SharedEngineTest, AClaimIsHeldByOneInstance) {
  std::string a = Start("vao_so"), b = Start("vao_so");
  ASSERT_TRUE(Fire(a, "de_nghi", {{"nguoi", "nguyen-van-an"}}).ok());
  EXPECT_EQ(Vars(a)["duoc_de_nghi"], true);
  ASSERT_TRUE(Fire(b, "de_nghi", {{"nguoi", "nguyen-van-an"}}).ok());
  EXPECT_EQ(Vars(b)["duoc_de_nghi"], false);
  EXPECT_EQ(Vars(b)["da_co"], a);
  // The holder asking again still holds it; another person is free.
  ASSERT_TRUE(Fire(a, "de_nghi", {{"nguoi", "nguyen-van-an"}}).ok());
  EXPECT_EQ(Vars(a)["duoc_de_nghi"], true);
  ASSERT_TRUE(Fire(b, "de_nghi", {{"nguoi", "tran-thi-binh"}}).ok());
  EXPECT_EQ(Vars(b)["duoc_de_nghi"], true);
  ExpectVerifies(a);
  ExpectVerifies(b);
}

TEST_F(SharedEngineTest, ABadNameIsTheScriptsErrorAndWritesNothing) {
  std::string a = Start("vao_so");
  auto fired = Fire(a, "ten_sai");
  EXPECT_EQ(fired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(fired.status().message().find("ctx.take_number"),
            std::string::npos) << fired.status();
  EXPECT_EQ(engine_->GetInstance(a, Actor::Embedder())->version, 1u);
}

Json Units(int n) {
  Json units = Json::array();
  for (int i = 1; i <= n; ++i) units.push_back(absl::StrCat("Xã số ", i));
  return units;
}

// Issuing a plan to 166 communes starts 166 reports in the plan's one
// write: each with its number, its deadline timer and its parent.
TEST_F(SharedEngineTest, AStepStarts166ChildrenInOneWrite) {
  std::string plan = Start("ke_hoach_cha");
  const uint64_t writes_before = engine_->Stats().write_sets;
  auto issued = Fire(plan, "ban_hanh", {{"don_vi", Units(166)}});
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(engine_->Stats().write_sets, writes_before + 1);
  Json children = Vars(plan)["bao_cao"];
  ASSERT_EQ(children.size(), 166u);
  Json taken = Json::parse(issued->event.taken_json);
  ASSERT_EQ(taken.size(), 167u);  // the plan's number, then 166 starts
  EXPECT_EQ(taken[1]["call"], "start");
  EXPECT_EQ(taken[1]["value"], children[0]);

  std::vector<int64_t> numbers;
  for (const Json& id : children) {
    auto child = engine_->GetInstance(id.get<std::string>(), Actor::Embedder());
    ASSERT_TRUE(child.ok()) << child.status();
    EXPECT_EQ(child->state, "dang_lam");
    EXPECT_EQ(child->clocks.size(), 1u);
    numbers.push_back(Json::parse(child->variables_json)["so_bao_cao"]);
  }
  std::sort(numbers.begin(), numbers.end());
  for (int i = 0; i < 166; ++i) ASSERT_EQ(numbers[i], i + 1);
  auto history = engine_->GetHistory(children[5], Actor::Embedder());
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->front().parent_id, plan);
  auto due = engine_->ListDeadlines(
      {"bao_cao_con", false, 30, 1000, "", Actor::Embedder(), ""});
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->deadlines.size(), 166u);
  ExpectVerifies(plan);
  ExpectVerifies(children[0]);
  ExpectVerifies(children[165]);
}

// One child the workflow refuses (no `ten`): nothing at all is written.
TEST_F(SharedEngineTest, ARefusedChildLeavesEverythingAsItWas) {
  std::string plan = Start("ke_hoach_cha");
  Json units = Units(20);
  units[7] = nullptr;
  auto issued = Fire(plan, "ban_hanh", {{"don_vi", units}});
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kInvalidArgument)
      << issued.status();
  EXPECT_NE(issued.status().message().find("ten"), std::string::npos)
      << issued.status();
  EXPECT_EQ(engine_->GetInstance(plan, Actor::Embedder())->version, 1u);
  ListInstancesRequest reports;
  reports.workflow = "bao_cao_con";
  reports.actor = Actor::Embedder();
  EXPECT_TRUE(engine_->ListInstances(reports)->instances.empty());
  // Nor were the register's numbers used up: the next plan gets number 1.
  ASSERT_TRUE(Fire(plan, "ban_hanh", {{"don_vi", Units(2)}}).ok());
  EXPECT_EQ(Vars(plan)["so"], 1);
}

// Too many children for one step is refused as a budget, naming the limit.
TEST_F(SharedEngineTest, ChildrenPerStepAreBounded) {
  options_.limits.max_children_per_step = 10;
  Reopen();
  std::string plan = Start("ke_hoach_cha");
  auto issued = Fire(plan, "ban_hanh", {{"don_vi", Units(11)}});
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kResourceExhausted)
      << issued.status();
  EXPECT_EQ(engine_->GetInstance(plan, Actor::Embedder())->version, 1u);
}

// Two children of one step claiming one unique business key: the step is
// refused naming the first, and neither starts.
TEST_F(SharedEngineTest, TwoChildrenOfOneStepCannotShareAUniqueKey) {
  std::string plan = Start("ke_hoach_cha");
  auto refused = Fire(plan, "lap_ho_so",
                      {{"nguoi", Json::array({"an", "binh", "an"})}});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists)
      << refused.status();
  EXPECT_NE(refused.status().message().find("an/2026"), std::string::npos)
      << refused.status();
  ListInstancesRequest dossiers;
  dossiers.workflow = "ho_so_duy_nhat";
  dossiers.actor = Actor::Embedder();
  EXPECT_TRUE(engine_->ListInstances(dossiers)->instances.empty());
  auto issued = Fire(plan, "lap_ho_so", {{"nguoi", Json::array({"an", "binh"})}});
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(engine_->ListInstances(dossiers)->instances.size(), 2u);
}

// ctx.find reads the instance holding a unique business key, as it is
// now; replay answers with what the step found, though it has moved on.
TEST_F(SharedEngineTest, FindReadsTheHolderOfAUniqueBusinessKey) {
  StartRequest dossier;
  dossier.workflow = "ho_so_duy_nhat";
  dossier.business_key = "an/2026";
  dossier.actor = Actor::Embedder();
  auto started = engine_->Start(dossier);
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string held = started->instance.id;
  std::string finder = Start("vao_so");
  ASSERT_TRUE(Fire(finder, "tim", {{"key", "an/2026"}}).ok());
  EXPECT_EQ(Vars(finder)["tim_thay"], Json({{"id", held}, {"state", "mo"}}));
  auto none = Fire(finder, "tim", {{"key", "binh/2026"}});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(Vars(finder)["tim_thay"], false);
  EXPECT_EQ(Vars(finder)["khong_co_id"], true) << "read_instance: nil too";
  ASSERT_TRUE(Fire(held, "dong").ok());
  ASSERT_TRUE(Fire(finder, "tim", {{"key", "an/2026"}}).ok());
  EXPECT_EQ(Vars(finder)["tim_thay"]["state"], "dong");
  // A key that is not text is the script's error, and changes nothing.
  auto refused = Fire(finder, "tim", {{"key", 7}});
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("business key must be text"),
            std::string::npos)
      << refused.status();
  EXPECT_EQ(Vars(finder)["tim_thay"]["state"], "dong");
  ExpectVerifies(finder);
}

TEST_F(SharedEngineTest, AParentReadsItsChildrensStates) {
  std::string plan = Start("ke_hoach_cha");
  ASSERT_TRUE(Fire(plan, "ban_hanh", {{"don_vi", Units(5)}}).ok());
  Json children = Vars(plan)["bao_cao"];
  ASSERT_TRUE(Fire(children[1], "nop").ok());
  ASSERT_TRUE(Fire(children[3], "nop").ok());
  auto summed = Fire(plan, "tong_hop");
  ASSERT_TRUE(summed.ok()) << summed.status();
  EXPECT_EQ(Vars(plan)["da_nop"], 2);
  // Replay sees the states as they were, though a third report is in now.
  ASSERT_TRUE(Fire(children[0], "nop").ok());
  ExpectVerifies(plan);
}

// Three tiers: a plan hands work to units, which hand it on. Used by the
// cancel tests.
constexpr char kTiers[] = R"lua(
workflow "giao_viec" {
  title = "Giao việc",
  initial = "du_thao",
  unique_business_key = true,
  who = { role = "*", unit = "same_unit" },
}
state "du_thao"        { title = "Dự thảo" }
state "dang_thuc_hien" { title = "Đang thực hiện" }
state "xong"           { title = "Xong", final = true }
transition "giao" {
  from = { "du_thao", "dang_thuc_hien" }, to = "dang_thuc_hien",
  action = function(ctx)
    for _, ten in ipairs(ctx.payload.cho) do
      ctx.start("giao_viec", {}, { business_key = ctx.instance.id .. "/" .. ten })
    end
  end,
}
transition "xong" { from = "dang_thuc_hien", to = "xong" }
transition "thu_hoi" {
  from = "dang_thuc_hien", to = "xong",
  action = function(ctx)
    ctx.vars.da_huy = ctx.cancel_children(ctx.payload.ly_do)
    if ctx.payload.lai then ctx.cancel_children(ctx.payload.ly_do) end
  end,
}
transition "de_cu" {
  from = "du_thao", to = "dang_thuc_hien",
  action = function(ctx)
    for _ = 1, ctx.payload.so do ctx.start("de_cu", {}) end
  end,
}
)lua";

// A nominee within a quota of two places: the start takes one, withdrawing
// gives it back. A person is nominated once (a claim on their name).
constexpr char kNominee[] = R"lua(
workflow "de_cu" {
  title = "Đề cử", initial = "cho_xet",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    local nguoi = ctx.vars.nguoi or ctx.instance.id
    if ctx.claim("de-cu/" .. nguoi) ~= true then error("Đã được đề cử") end
    if not ctx.take_place("khen/2026", 2) then error("Đã hết chỉ tiêu") end
  end,
}
state "cho_xet" { title = "Chờ xét" }
state "da_rut"  { title = "Đã rút", final = true }
transition "rut" {
  from = "cho_xet", to = "da_rut",
  action = function(ctx) ctx.give_place("khen/2026") end,
}
transition "rut_han" {
  from = "cho_xet", to = "da_rut",
  action = function(ctx)
    ctx.give_place("khen/2026")
    local nguoi = ctx.vars.nguoi or ctx.instance.id
    ctx.vars.tha = ctx.release("de-cu/" .. nguoi)
    ctx.vars.tha_lai = ctx.release("de-cu/" .. nguoi)
    ctx.vars.cua_nguoi_khac = ctx.release("de-cu/" .. ctx.payload.khac)
  end,
}
transition "doi_nguoi" {
  from = "cho_xet", stay = true,
  action = function(ctx)
    ctx.release("de-cu/" .. ctx.vars.nguoi)
    local moi, ai = ctx.claim("de-cu/" .. ctx.payload.nguoi)
    if not moi then error("Đã được đề cử trong hồ sơ " .. ai, 0) end
    ctx.vars.nguoi = ctx.payload.nguoi
  end,
}
)lua";

class CancelTreeTest : public SharedEngineTest {
 protected:
  void SetUp() override {
    SharedEngineTest::SetUp();
    for (const char* source : {kNominee, kTiers}) {
      auto deployed = engine_->Deploy({source, "", Actor::Embedder()});
      ASSERT_TRUE(deployed.ok()) << deployed.status();
    }
  }

  // The document `id` started with business key `<id>/<name>`.
  std::string Child(const std::string& id, const std::string& name) {
    ListInstancesRequest list;
    list.actor = Actor::Embedder();
    list.parent = id;
    auto children = engine_->ListInstances(list);
    EXPECT_TRUE(children.ok()) << children.status();
    if (!children.ok()) return "";
    for (const InstanceInfo& child : children->instances) {
      if (child.business_key == id + "/" + name) return child.id;
    }
    return "";
  }

  InstanceInfo Get(const std::string& id) {
    auto instance = engine_->GetInstance(id, Actor::Embedder());
    EXPECT_TRUE(instance.ok()) << instance.status();
    return instance.ok() ? *instance : InstanceInfo();
  }

  HistoryEntry LastEvent(const std::string& id) {
    auto history = engine_->GetHistory(id, Actor::Embedder());
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() && !history->empty() ? history->back()
                                              : HistoryEntry();
  }

  absl::StatusOr<FireResult> Cancel(const std::string& id,
                                    const std::string& key = "") {
    CancelRequest cancel;
    cancel.instance_id = id;
    cancel.reason = "Kế hoạch được thay thế";
    cancel.idempotency_key = key;
    cancel.actor = Actor::Embedder();
    return engine_->Cancel(cancel);
  }
};

// Cancelling a plan cancels what it started and what those started, in the
// same write, each with its own event naming the plan; a document already
// finished stays as it was, while what it started is cancelled too.
TEST_F(CancelTreeTest, ACancelTakesTheDocumentsBelowItWithIt) {
  const std::string plan = Start("giao_viec");
  ASSERT_TRUE(Fire(plan, "giao", {{"cho", {"a", "b"}}}).ok());
  const std::string a = Child(plan, "a"), b = Child(plan, "b");
  ASSERT_TRUE(Fire(a, "giao", {{"cho", {"x"}}}).ok());
  ASSERT_TRUE(Fire(b, "giao", {{"cho", {"y"}}}).ok());
  ASSERT_TRUE(Fire(b, "xong").ok());
  const std::string ax = Child(a, "x"), by = Child(b, "y");
  ASSERT_FALSE(ax.empty());
  ASSERT_FALSE(by.empty());

  auto cancelled = Cancel(plan, "huy-ke-hoach");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(Json::parse(cancelled->event.payload_json)["children_cancelled"], 3);
  for (const std::string& id : {a, ax, by}) {
    const InstanceInfo info = Get(id);
    EXPECT_TRUE(info.cancelled) << id;
    EXPECT_EQ(info.cancel_reason,
              absl::StrCat("Hủy cùng hồ sơ ", plan, ": Kế hoạch được thay thế"));
    const HistoryEntry last = LastEvent(id);
    EXPECT_EQ(last.event, "wf.cancel");
    EXPECT_EQ(Json::parse(last.payload_json)["with"], plan);
    ExpectVerifies(id);
  }
  EXPECT_FALSE(Get(b).cancelled);
  EXPECT_EQ(Get(b).state, "xong");
  ExpectVerifies(plan);
  // Their business keys are free again.
  auto again =
      engine_->Start({"giao_viec", "", plan + "/a", "", Actor::Embedder()});
  EXPECT_TRUE(again.ok()) << again.status();
  // A retry is answered from the first cancel.
  auto retry = Cancel(plan, "huy-ke-hoach");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->event.hash, cancelled->event.hash);
}

// A cancelled nominee's place goes back to the quota, and its event says
// so; one withdrawn has given its own back, and is not counted twice. The
// same holds for nominees cancelled with the document that started them.
TEST_F(CancelTreeTest, ACancelGivesBackTheQuotaPlacesItHolds) {
  const std::string first = Start("de_cu"), second = Start("de_cu");
  auto full = engine_->Start({"de_cu", "", "", "", Actor::Embedder()});
  EXPECT_EQ(full.status().code(), absl::StatusCode::kFailedPrecondition)
      << full.status();
  auto cancelled = Cancel(first);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(Json::parse(cancelled->event.payload_json)["places_given"],
            Json({{"khen/2026", 1}}));
  ExpectVerifies(first);
  const std::string third = Start("de_cu");
  ASSERT_FALSE(third.empty());
  // Withdrawn: its own place back, nothing left to give at a cancel.
  ASSERT_TRUE(Fire(second, "rut").ok());
  const std::string fourth = Start("de_cu");
  ASSERT_FALSE(fourth.empty());
  EXPECT_FALSE(engine_->Start({"de_cu", "", "", "", Actor::Embedder()}).ok());
  auto fourth_cancelled = Cancel(fourth);
  ASSERT_TRUE(fourth_cancelled.ok()) << fourth_cancelled.status();
  EXPECT_TRUE(Json::parse(fourth_cancelled->event.payload_json)
                  .contains("places_given"));

  // One place is free: a plan nominates one, and cancelling the plan frees
  // it again, so two can be nominated after.
  const std::string plan = Start("giao_viec");
  ASSERT_TRUE(Fire(plan, "de_cu", {{"so", 1}}).ok());
  EXPECT_FALSE(engine_->Start({"de_cu", "", "", "", Actor::Embedder()}).ok());
  ASSERT_TRUE(Cancel(plan).ok());
  EXPECT_FALSE(Start("de_cu").empty());
  EXPECT_FALSE(engine_->Start({"de_cu", "", "", "", Actor::Embedder()}).ok());
}

// A cancelled nominee's claim on the person's name is released: the person
// may be nominated again. One withdrawn keeps it.
TEST_F(CancelTreeTest, ACancelReleasesTheNamesItClaimed) {
  auto nominate = [&](const std::string& person) {
    return engine_->Start({"de_cu", Json({{"nguoi", person}}).dump(), "", "",
                           Actor::Embedder()});
  };
  auto an = nominate("an");
  ASSERT_TRUE(an.ok()) << an.status();
  EXPECT_EQ(nominate("an").status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto cancelled = Cancel(an->instance.id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(Json::parse(cancelled->event.payload_json)["claims_released"],
            Json::array({"de-cu/an"}));
  auto again = nominate("an");
  ASSERT_TRUE(again.ok()) << again.status();
  ExpectVerifies(again->instance.id);
  // Withdrawn, not cancelled: the name stays taken.
  ASSERT_TRUE(Fire(again->instance.id, "rut").ok());
  EXPECT_EQ(nominate("an").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// A withdrawal that releases the name (ctx.release) lets the person be
// nominated again; releasing a name the document does not hold (twice, or
// another's) answers false and frees nothing. What a step releases it may
// claim again in the same step.
TEST_F(CancelTreeTest, AStepReleasesTheNamesItClaimed) {
  auto nominate = [&](const std::string& person) {
    return engine_->Start({"de_cu", Json({{"nguoi", person}}).dump(), "", "",
                           Actor::Embedder()});
  };
  auto an = nominate("an");
  auto binh = nominate("binh");
  ASSERT_TRUE(an.ok()) << an.status();
  ASSERT_TRUE(binh.ok()) << binh.status();
  auto withdrawn = Fire(an->instance.id, "rut_han", {{"khac", "binh"}});
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  const InstanceInfo after = Get(an->instance.id);
  const Json vars = Json::parse(after.variables_json);
  EXPECT_EQ(vars["tha"], true);
  EXPECT_EQ(vars["tha_lai"], false);
  EXPECT_EQ(vars["cua_nguoi_khac"], false);
  ExpectVerifies(an->instance.id);
  EXPECT_EQ(nominate("binh").status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto again = nominate("an");
  ASSERT_TRUE(again.ok()) << again.status();

  // Released and claimed again in one step: still held.
  ASSERT_TRUE(Fire(again->instance.id, "doi_nguoi", {{"nguoi", "an"}}).ok());
  EXPECT_EQ(nominate("an").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Moved to another name: the old one is free, the new one held, and a
  // cancel releases the new one only.
  auto taken = Fire(again->instance.id, "doi_nguoi", {{"nguoi", "binh"}});
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(taken.status().message().find(binh->instance.id),
            absl::string_view::npos)
      << taken.status();
  ASSERT_TRUE(Fire(again->instance.id, "doi_nguoi", {{"nguoi", "chi"}}).ok());
  ExpectVerifies(again->instance.id);
  auto cancelled = Cancel(again->instance.id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(Json::parse(cancelled->event.payload_json)["claims_released"],
            Json::array({"de-cu/chi"}));
}

// A step cancels what its document started (a plan recalled): the count
// comes back to the script, the documents get their own events, and the
// step replays from its history. A bad reason, or a second call, refuses
// the step and cancels nothing.
TEST_F(CancelTreeTest, AStepCancelsTheDocumentsBelowItsDocument) {
  const std::string plan = Start("giao_viec");
  ASSERT_TRUE(Fire(plan, "giao", {{"cho", {"a", "b"}}}).ok());
  const std::string a = Child(plan, "a"), b = Child(plan, "b");
  ASSERT_TRUE(Fire(a, "giao", {{"cho", {"x"}}}).ok());
  const std::string ax = Child(a, "x");

  // The script's error: the workflow's to fix, not the caller's.
  auto refused = Fire(plan, "thu_hoi", {{"ly_do", ""}});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_NE(refused.status().message().find("a reason of 1 to 1024 bytes"),
            std::string::npos)
      << refused.status();
  refused = Fire(plan, "thu_hoi", {{"ly_do", "Thay thế"}, {"lai", true}});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_NE(refused.status().message().find("once in a step"),
            std::string::npos)
      << refused.status();
  EXPECT_FALSE(Get(a).cancelled);

  auto recalled = Fire(plan, "thu_hoi", {{"ly_do", "Thay thế bằng kế hoạch mới"}});
  ASSERT_TRUE(recalled.ok()) << recalled.status();
  EXPECT_EQ(Vars(plan)["da_huy"], 3);
  EXPECT_EQ(recalled->instance.state, "xong");
  for (const std::string& id : {a, b, ax}) {
    EXPECT_TRUE(Get(id).cancelled) << id;
    EXPECT_EQ(Get(id).cancel_reason,
              absl::StrCat("Hủy cùng hồ sơ ", plan,
                           ": Thay thế bằng kế hoạch mới"));
    ExpectVerifies(id);
  }
  ExpectVerifies(plan);
}

// The reports a cancelled plan opened lose their deadlines with it: weeks
// later no timer fires on them, and none is marked late.
TEST_F(CancelTreeTest, DocumentsCancelledWithTheirParentKeepNoTimers) {
  const std::string plan = Start("ke_hoach_cha");
  ASSERT_TRUE(Fire(plan, "ban_hanh", {{"don_vi", Units(3)}}).ok());
  ASSERT_TRUE(Cancel(plan).ok());
  clock_.Set(clock_.Now() + absl::Hours(24 * 40));
  auto fired = engine_->FireDueTimers();
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(*fired, 0);
  ListInstancesRequest reports;
  reports.workflow = "bao_cao_con";
  reports.actor = Actor::Embedder();
  auto listed = engine_->ListInstances(reports);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->instances.size(), 3u);
  for (const InstanceInfo& report : listed->instances) {
    EXPECT_TRUE(report.cancelled) << report.id;
    EXPECT_EQ(report.state, "dang_lam");
    EXPECT_TRUE(report.clocks.empty()) << report.id;
  }
}

// A document with nothing below it records no count.
TEST_F(CancelTreeTest, ADocumentWithoutChildrenIsCancelledAlone) {
  const std::string plan = Start("giao_viec");
  auto cancelled = Cancel(plan);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_FALSE(Json::parse(cancelled->event.payload_json)
                   .contains("children_cancelled"));
}

// More documents below than one write may cancel: refused as a budget,
// naming the limit, and nothing is cancelled.
TEST_F(CancelTreeTest, ATreeTooLargeForOneWriteIsRefusedWhole) {
  options_.limits.max_children_per_step = 3;
  Reopen();
  const std::string plan = Start("giao_viec");
  ASSERT_TRUE(Fire(plan, "giao", {{"cho", {"a", "b"}}}).ok());
  const std::string a = Child(plan, "a");
  ASSERT_TRUE(Fire(a, "giao", {{"cho", {"x", "y"}}}).ok());
  auto refused = Cancel(plan);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_NE(refused.status().message().find("at most 3"), std::string::npos)
      << refused.status();
  EXPECT_FALSE(Get(plan).cancelled);
  EXPECT_FALSE(Get(a).cancelled);
  EXPECT_FALSE(Get(Child(a, "x")).cancelled);
}

}  // namespace
}  // namespace wf
