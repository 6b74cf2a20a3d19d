// What a workflow takes from its host beyond shared records: shared Lua
// libraries (require), the capacity the actor acts in (ctx.actor), the org
// units in force (ctx.units), and a campaign's progress (GetProgress).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/calendar/vn_date.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_directory.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Code = absl::StatusCode;

absl::Time At(int y, int m, int d, int hour = 9) {
  return calendar::StartOfVietnamDay(absl::CivilDay(y, m, d)) +
         absl::Hours(hour);
}

class HostTest : public test_support::EngineFixture {
 protected:
  // During the delegation window of nguoi_dung.csv (05-15/01/2026).
  HostTest() : EngineFixture(At(2026, 1, 12)) {}

  void SetUp() override {
    Open("wf_host_test", {});
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
  }

  absl::StatusOr<DeployResult> Deploy(
      const std::string& source,
      std::map<std::string, std::string> libraries = {}) {
    DeployRequest request{source, "w.lua", Actor::Embedder("admin")};
    request.libraries = std::move(libraries);
    return engine_->Deploy(request);
  }

  void MustDeploy(const std::string& source) {
    auto deployed = Deploy(source);
    ASSERT_TRUE(deployed.ok()) << deployed.status();
  }

  absl::StatusOr<StartResult> Start(const std::string& workflow,
                                    const std::string& vars,
                                    const std::string& unit = "07627",
                                    uint32_t version = 0) {
    StartRequest start;
    start.workflow = workflow;
    start.variables_json = vars;
    start.unit = unit;
    start.actor = Actor::Embedder();
    start.workflow_version = version;
    return engine_->Start(start);
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& event,
                                  const Actor& actor = Actor::Embedder()) {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = event;
    fire.actor = actor;
    return engine_->Fire(fire);
  }

  void ExpectVerifies(const std::string& id) {
    auto report = engine_->Verify(id, Actor::Embedder());
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok) << report->problem;
  }

  static nlohmann::json Vars(const InstanceInfo& instance) {
    return nlohmann::json::parse(instance.variables_json);
  }
};

// --- require ---

constexpr char kPlanWorkflow[] = R"lua(
local ke_hoach = require("ke_hoach")
workflow "lap_ke_hoach" {
  initial = "du_thao", who = { role = "*", unit = "same_unit" },
  start = function(ctx) ctx.vars.han = ke_hoach.han(ctx.today) end,
}
state "du_thao" {}
state "xong" { final = true }
transition "xong" { from = "du_thao", to = "xong", who = { role = "*", unit = "same_unit" } }
)lua";

std::string KeHoach(int days) {
  return absl::StrCat("local M = {}\nfunction M.han(ngay) return ",
                      "wf.add_days(ngay, ", days, ") end\nreturn M\n");
}

TEST_F(HostTest, RequirePinsOnlyTheModulesUsed) {
  std::map<std::string, std::string> lib = {{"ke_hoach", KeHoach(10)},
                                            {"lich", "return {}"}};
  auto v1 = Deploy(kPlanWorkflow, lib);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_TRUE(v1->created);
  EXPECT_FALSE(Deploy(kPlanWorkflow, lib)->created);
  lib["lich"] = "return { doi = true }";  // not required: no new version
  auto same = Deploy(kPlanWorkflow, lib);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->workflow.version, 1u);
  lib["ke_hoach"] = KeHoach(20);  // required: a new version
  auto v2 = Deploy(kPlanWorkflow, lib);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_TRUE(v2->created);
  EXPECT_EQ(v2->workflow.version, 2u);

  Reopen();  // versions load from their records, with the pinned modules
  auto old_plan = Start("lap_ke_hoach", "", "07627", 1);
  ASSERT_TRUE(old_plan.ok()) << old_plan.status();
  EXPECT_EQ(Vars(old_plan->instance)["han"], "2026-01-22");
  auto new_plan = Start("lap_ke_hoach", "");
  ASSERT_TRUE(new_plan.ok()) << new_plan.status();
  EXPECT_EQ(Vars(new_plan->instance)["han"], "2026-02-01");
  ExpectVerifies(old_plan->instance.id);
  ExpectVerifies(new_plan->instance.id);
}

TEST_F(HostTest, RequireOfAnUnknownModuleIsRefused) {
  auto refused = Deploy(kPlanWorkflow, {{"lich", "return {}"}});
  ASSERT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("no module 'ke_hoach'"),
            std::string::npos) << refused.status();
  EXPECT_NE(refused.status().message().find("its modules: lich"),
            std::string::npos) << refused.status();
  auto bad_name = Deploy(kPlanWorkflow, {{"Ke-Hoach", "return {}"}});
  EXPECT_EQ(bad_name.status().code(), Code::kInvalidArgument);
}

// --- ctx.actor ---

constexpr char kHandOver[] = R"lua(
workflow "chuyen_giao" {
  initial = "cho_nhan", started_by = { role = "*", unit = "same_unit" },
  start = function(ctx) ctx.vars.nguoi_gui = ctx.actor.role end,
}
state "cho_nhan" {}
state "da_nhan" { final = true }
transition "nhan" {
  from = "cho_nhan", to = "da_nhan",
  who = { role = "chu_tich", unit = "same_unit" },
  guard = function(ctx)
    if ctx.actor.unit ~= ctx.vars.noi_nhan then
      return false, "Chỉ " .. ctx.vars.noi_nhan .. " được nhận"
    end
    return true
  end,
  action = function(ctx)
    ctx.vars.nhan = { name = ctx.actor.name, role = ctx.actor.role,
                      unit = ctx.actor.unit, unit_name = ctx.actor.unit_name,
                      acting_for = ctx.actor.acting_for }
  end,
}
)lua";

TEST_F(HostTest, ActorCapacityReachesGuardsAndActions) {
  MustDeploy(kHandOver);
  auto here = Start("chuyen_giao", R"({"noi_nhan":"07627"})");
  ASSERT_TRUE(here.ok()) << here.status();
  EXPECT_EQ(Vars(here->instance)["nguoi_gui"], "");  // the embedder
  // The vice-chairman acts as chairman for the chairman (delegation).
  auto fired = Fire(here->instance.id, "nhan",
                    Actor::Person("pho-chu-tich.dai-son"));
  ASSERT_TRUE(fired.ok()) << fired.status();
  // Their name is the directory's, whatever capacity they act in.
  EXPECT_EQ(Vars(fired->instance)["nhan"],
            nlohmann::json({{"name", "Lê Văn Cường"},
                            {"role", "chu_tich"},
                            {"unit", "07627"},
                            {"unit_name", "Xã Đại Sơn"},
                            {"acting_for", "chu-tich.dai-son"}}));
  ExpectVerifies(here->instance.id);

  auto elsewhere = Start("chuyen_giao", R"({"noi_nhan":"07616"})");
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  auto refused = Fire(elsewhere->instance.id, "nhan",
                      Actor::Person("chu-tich.dai-son"));
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("Chỉ 07616 được nhận"),
            std::string::npos) << refused.status();
}

// --- ctx.units ---

constexpr char kUnitsWorkflow[] = R"lua(
workflow "danh_sach" {
  initial = "mo", who = { role = "*", unit = "same_unit" },
  start = function(ctx) ctx.vars.ket_qua = ctx.units(ctx.vars.hoi) end,
}
state "mo" {}
state "dong" { final = true }
transition "dong" { from = "mo", to = "dong", who = { role = "*", unit = "same_unit" } }
)lua";

class UnitsTest : public HostTest {
 protected:
  void SetUp() override {
    HostTest::SetUp();
    MustDeploy(kUnitsWorkflow);
  }

  // ctx.units(query) as a start function gets it.
  nlohmann::json Units(const nlohmann::json& query) {
    auto started = Start("danh_sach", nlohmann::json({{"hoi", query}}).dump());
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return nullptr;
    ExpectVerifies(started->instance.id);
    return Vars(started->instance)["ket_qua"];
  }

  static std::vector<std::string> Ids(const nlohmann::json& units) {
    std::vector<std::string> ids;
    for (const auto& unit : units) ids.push_back(unit["id"]);
    return ids;
  }

  // A province of three tiers until 30/06/2025 (tinh, huyen, xa), then two.
  void ImportThreeTiers() {
    DirectoryImport units{"tinh_thu", "units", R"(id,name,kind,parent,valid_from,valid_to,tags
tinh_thu,Tỉnh Thử,tinh,,01/01/2020,,
huyen_cu,Huyện Cũ,huyen,tinh_thu,01/01/2020,30/06/2025,
90001,Xã Một,xa,huyen_cu,01/01/2020,30/06/2025,bien_gioi
90002,Xã Hai,xa,huyen_cu,01/01/2020,30/06/2025,
90003,Xã Mới,xa,tinh_thu,01/07/2025,,bien_gioi
)"};
    auto imported = engine_->ImportDirectory(Actor::Embedder(), units);
    ASSERT_TRUE(imported.ok()) << imported.status();
  }
};

TEST_F(UnitsTest, CommunesOfBacNinh) {
  nlohmann::json communes =
      Units({{"under", "bac_ninh"}, {"kinds", {"xa", "phuong"}}});
  ASSERT_TRUE(communes.is_array());
  EXPECT_EQ(communes.size(), 99u);
  EXPECT_EQ(communes[0],
            nlohmann::json({{"id", "07627"},
                            {"name", "Xã Đại Sơn"},
                            {"kind", "xa"},
                            {"parent", "bac_ninh"},
                            {"valid_from", "2025-07-01"},
                            {"valid_to", ""},
                            {"tags", nlohmann::json::array()}}));
  // Children by default: the communes and the agencies, not Phòng Tham mưu.
  std::vector<std::string> children = Ids(Units({{"under", "bac_ninh"}}));
  EXPECT_EQ(children.size(), 99u + 4u);
  EXPECT_EQ(std::count(children.begin(), children.end(), "phong_tham_muu"), 0);
  EXPECT_EQ(Ids(Units({{"under", "bac_ninh"}, {"depth", "all"},
                       {"tagged", "so_noi_vu"}})),
            std::vector<std::string>{"so_noi_vu"});
  EXPECT_EQ(Ids(Units({{"under", "cong_an_tinh"}})),
            std::vector<std::string>{"phong_tham_muu"});
  // Before the communes came into force: none.
  EXPECT_TRUE(Units({{"under", "bac_ninh"}, {"on", "2025-06-30"}}).empty());
}

TEST_F(UnitsTest, ThreeTiersByDay) {
  ImportThreeTiers();
  EXPECT_EQ(Ids(Units({{"under", "tinh_thu"}, {"depth", "all"},
                       {"on", "2025-06-30"}})),
            (std::vector<std::string>{"huyen_cu", "90001", "90002"}));
  EXPECT_EQ(Ids(Units({{"under", "tinh_thu"}, {"depth", "all"}})),
            std::vector<std::string>{"90003"});
  EXPECT_EQ(Ids(Units({{"under", "huyen_cu"}, {"on", "2025-06-30"}})),
            (std::vector<std::string>{"90001", "90002"}));
  EXPECT_TRUE(Units({{"under", "huyen_cu"}}).empty());
  EXPECT_EQ(Ids(Units({{"under", "tinh_thu"}, {"depth", "all"},
                       {"on", "2025-06-30"}, {"kinds", {"xa"}},
                       {"tagged", "bien_gioi"}})),
            std::vector<std::string>{"90001"});
  nlohmann::json district = Units({{"id", "huyen_cu"}});  // whatever the day
  ASSERT_EQ(district.size(), 1u);
  EXPECT_EQ(district[0]["valid_to"], "2025-06-30");
  EXPECT_EQ(district[0]["kind"], "huyen");
}

TEST_F(UnitsTest, AnUnknownUnitIsAnError) {
  auto refused = Start("danh_sach", R"({"hoi":{"under":"khong_co"}})");
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("'khong_co'"), std::string::npos)
      << refused.status();
  refused = Start("danh_sach", R"({"hoi":{"id":"99999"}})");
  EXPECT_NE(refused.status().message().find("'99999'"), std::string::npos)
      << refused.status();
  refused = Start("danh_sach", R"({"hoi":{"under":"bac_ninh","sau":"x"}})");
  EXPECT_NE(refused.status().message().find("unknown field 'sau'"),
            std::string::npos) << refused.status();
}

// --- GetProgress ---

constexpr char kCampaign[] = R"lua(
workflow "chien_dich" { initial = "du_thao", who = { role = "*", unit = "same_unit" } }
state "du_thao" { title = "Dự thảo" }
state "da_giao" { title = "Đã giao", final = true }
transition "giao" {
  from = "du_thao", to = "da_giao",
  who = { role = "chu_tich", unit = "same_unit" },
  action = function(ctx)
    for _, xa in ipairs(ctx.vars.xa) do
      ctx.start("bao_cao_xa", {}, { unit = xa, business_key = "bc-" .. xa })
    end
  end,
}
)lua";

constexpr char kReport[] = R"lua(
workflow "bao_cao_xa" { initial = "chua_nop", who = { role = "*", unit = "same_unit" } }
state "chua_nop" { title = "Chưa nộp", deadline = { days = 5, fire = "qua_han" } }
state "da_nop" { title = "Đã nộp" }
state "da_duyet" { title = "Đã duyệt", final = true }
transition "qua_han" { from = "chua_nop", stay = true, who = "system" }
transition "nop" { from = "chua_nop", to = "da_nop" }
transition "duyet" { from = "da_nop", to = "da_duyet" }
)lua";

TEST_F(HostTest, ProgressCountsChildrenByState) {
  MustDeploy(kReport);
  MustDeploy(kCampaign);
  auto parent = Start(
      "chien_dich", R"({"xa":["07627","07616","07615","07672"]})");
  ASSERT_TRUE(parent.ok()) << parent.status();
  const std::string id = parent->instance.id;
  ASSERT_TRUE(Fire(id, "giao").ok());
  ListInstancesRequest list;
  list.actor = Actor::Embedder();
  list.parent = id;
  auto children = engine_->ListInstances(list);
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->instances.size(), 4u);
  const std::string c1 = children->instances[0].id;  // 07627
  const std::string c2 = children->instances[1].id;  // 07616
  ASSERT_TRUE(Fire(c1, "nop").ok());
  ASSERT_TRUE(Fire(c2, "nop").ok());
  ASSERT_TRUE(Fire(c2, "duyet").ok());
  clock_.Set(At(2026, 1, 25));  // the two others are late
  auto fired = engine_->FireDueTimers();
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(*fired, 2);

  ProgressRequest request{id, "", true, Actor::Person("chu-tich.dai-son")};
  auto progress = engine_->GetProgress(request);
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->parent_id, id);
  EXPECT_EQ(progress->total, 4);
  EXPECT_EQ(progress->late_count, 2);
  ASSERT_EQ(progress->states.size(), 3u);
  EXPECT_EQ(progress->states[0].state, "chua_nop");
  EXPECT_EQ(progress->states[0].title, "Chưa nộp");
  EXPECT_EQ(progress->states[0].count, 2);
  EXPECT_EQ(progress->states[1].state, "da_nop");
  EXPECT_EQ(progress->states[1].count, 1);
  EXPECT_EQ(progress->states[2].state, "da_duyet");
  EXPECT_TRUE(progress->states[2].final);
  EXPECT_EQ(progress->states[2].count, 1);
  ASSERT_EQ(progress->states[1].units.size(), 1u);
  const ProgressUnit& submitted = progress->states[1].units[0];
  EXPECT_EQ(submitted.instance_id, c1);
  EXPECT_EQ(submitted.unit, "07627");
  EXPECT_EQ(submitted.unit_name, "Xã Đại Sơn");
  EXPECT_EQ(submitted.business_key, "bc-07627");
  EXPECT_FALSE(submitted.late);
  ASSERT_EQ(progress->late.size(), 2u);
  EXPECT_EQ(progress->late[0].unit, "07615");
  EXPECT_EQ(progress->late[1].unit, "07672");
  EXPECT_TRUE(progress->states[2].units[0].finished);

  // Counts only, and only children of another workflow: none.
  request.with_units = false;
  progress = engine_->GetProgress(request);
  ASSERT_TRUE(progress.ok());
  EXPECT_TRUE(progress->states[0].units.empty());
  EXPECT_TRUE(progress->late.empty());
  EXPECT_EQ(progress->late_count, 2);
  request.workflow = "chien_dich";
  progress = engine_->GetProgress(request);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->total, 0);

  // Someone who may not read the parent learns nothing of it.
  request.actor = Actor::Person("can-bo.tay-yen-tu");
  EXPECT_EQ(engine_->GetProgress(request).status().code(), Code::kNotFound);
  request.id = "wi-999999999999";
  request.actor = Actor::Embedder();
  EXPECT_EQ(engine_->GetProgress(request).status().code(), Code::kNotFound);
}

// --- ctx.fire ---

// A nominee of a commune, decided by the province's chairman; a decision
// takes a place back when it declines.
constexpr char kNominee[] = R"lua(
workflow "de_cu_xa" {
  title = "Đề cử", initial = "cho_quyet_dinh",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    if not ctx.take_place("khen/xa", 5) then error("Đã hết chỉ tiêu") end
  end,
}
state "cho_quyet_dinh" { title = "Chờ quyết định" }
state "duoc_khen" { title = "Được khen", final = true }
state "khong_khen" { title = "Không khen", final = true }
transition "khen" {
  from = "cho_quyet_dinh", to = "duoc_khen",
  who = { role = "chu_tich", unit = "ancestor" }, requires = { "so" },
  guard = function(ctx)
    if ctx.vars.rut then return false, "Hồ sơ đã được xin rút" end
    return true
  end,
  action = function(ctx)
    ctx.vars.so_quyet_dinh = ctx.payload.so
    ctx.vars.nguoi_ky = ctx.actor.id
  end,
}
transition "khong_khen" {
  from = "cho_quyet_dinh", to = "khong_khen",
  who = { role = "chu_tich", unit = "ancestor" },
  action = function(ctx) ctx.give_place("khen/xa") end,
}
transition "xin_rut" {
  from = "cho_quyet_dinh", stay = true,
  action = function(ctx) ctx.vars.rut = true end,
}
)lua";

// One decision for several nominees: it fires an event on each.
constexpr char kDecision[] = R"lua(
workflow "quyet_dinh" {
  title = "Quyết định khen thưởng", initial = "du_thao", requires = { "khen", "khong" },
  who = { role = "chu_tich", unit = "same_unit" },
}
state "du_thao" { title = "Dự thảo" }
state "da_ky" { title = "Đã ký", final = true }
transition "ky" {
  from = "du_thao", to = "da_ky",
  action = function(ctx)
    ctx.vars.so = ctx.take_number("qd/2026")
    for _, id in ipairs(ctx.vars.khen) do ctx.fire(id, "khen", { so = ctx.vars.so }) end
    for _, id in ipairs(ctx.vars.khong) do ctx.fire(id, "khong_khen") end
    if ctx.payload.lai then ctx.fire(ctx.vars.khen[1], "khen", { so = 0 }) end
    if ctx.payload.chinh_minh then ctx.fire(ctx.instance.id, "ky") end
  end,
}
)lua";

class FireTest : public HostTest {
 protected:
  void SetUp() override {
    HostTest::SetUp();
    MustDeploy(kNominee);
    MustDeploy(kDecision);
  }

  std::string Nominee(const std::string& unit) {
    auto started = Start("de_cu_xa", "{}", unit);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance.id : "";
  }

  // A decision for `khen` and `khong`, of `unit`: its chairman signs it.
  std::string Decision(const std::vector<std::string>& khen,
                       const std::vector<std::string>& khong,
                       const std::string& unit = "bac_ninh") {
    nlohmann::json vars = {{"khen", khen}, {"khong", khong}};
    auto started = Start("quyet_dinh", vars.dump(), unit);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance.id : "";
  }

  absl::StatusOr<FireResult> Sign(const std::string& id,
                                  const std::string& person = "chu-tich.tinh",
                                  const std::string& payload = "") {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = "ky";
    fire.payload_json = payload;
    fire.actor = Actor::Person(person);
    return engine_->Fire(fire);
  }

  InstanceInfo Get(const std::string& id) {
    auto got = engine_->GetInstance(id, Actor::Embedder());
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : InstanceInfo();
  }
};

// The chairman signs one decision: two nominees are awarded with its
// number and one declined gives its place back, in the one write; each
// nominee's history records the step as the chairman's, taken by the
// decision, and replays.
TEST_F(FireTest, OneDecisionMovesEveryNomineeItNames) {
  const std::string a = Nominee("07627"), b = Nominee("07616"),
                    c = Nominee("07615");
  const std::string decision = Decision({a, b}, {c});
  auto signed_ = Sign(decision);
  ASSERT_TRUE(signed_.ok()) << signed_.status();
  for (const std::string& id : {a, b}) {
    const InstanceInfo info = Get(id);
    EXPECT_EQ(info.state, "duoc_khen") << id;
    EXPECT_EQ(Vars(info)["so_quyet_dinh"], 1);
    EXPECT_EQ(Vars(info)["nguoi_ky"], "chu-tich.tinh");
    auto history = engine_->GetHistory(id, Actor::Embedder());
    ASSERT_TRUE(history.ok());
    EXPECT_EQ(history->back().event, "khen");
    EXPECT_EQ(history->back().actor, "chu-tich.tinh");
    EXPECT_EQ(history->back().fired_by, decision);
    ExpectVerifies(id);
  }
  EXPECT_EQ(Get(c).state, "khong_khen");
  ExpectVerifies(c);
  ExpectVerifies(decision);
  // The decision's own event was taken by nobody else.
  auto own = engine_->GetHistory(decision, Actor::Embedder());
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->back().fired_by, "");
  // c's place went back: with a quota of 5, three more nominees fit.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Nominee("07672").empty());
  EXPECT_FALSE(Start("de_cu_xa", "{}", "07672").ok());
}

// Whatever one nominee refuses refuses the whole decision, and names it:
// nothing moves, not even the decision.
TEST_F(FireTest, ANomineeThatRefusesRefusesTheDecision) {
  const std::string a = Nominee("07627"), b = Nominee("07616");
  const std::string decision = Decision({a, b}, {});
  ASSERT_TRUE(Fire(b, "xin_rut").ok());
  auto refused = Sign(decision);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition)
      << refused.status();
  EXPECT_NE(refused.status().message().find(b), std::string::npos)
      << refused.status();
  EXPECT_EQ(Get(a).state, "cho_quyet_dinh");
  EXPECT_EQ(Get(decision).state, "du_thao");

  // Đại Sơn's chairman signs his own commune's decision, but the nominees'
  // step wants a chairman above their commune: its who rule refuses it all,
  // naming the nominee.
  const std::string local = Decision({a}, {}, "07627");
  auto denied = Sign(local, "chu-tich.dai-son");
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied)
      << denied.status();
  EXPECT_NE(denied.status().message().find("ctx.fire('" + a + "', 'khen')"),
            std::string::npos)
      << denied.status();
  auto refusal = ReadRefusal(denied.status());
  ASSERT_TRUE(refusal.has_value());
  EXPECT_FALSE(refusal->vietnamese.empty());
  EXPECT_EQ(Get(a).state, "cho_quyet_dinh");
  EXPECT_EQ(Get(local).state, "du_thao");
}

// A document fired twice in one step, or the step's own, is a script error;
// a finished one refuses as FireEvent would.
TEST_F(FireTest, FiringTwiceOrItselfOrAFinishedDocumentIsRefused) {
  const std::string a = Nominee("07627");
  const std::string twice = Decision({a}, {});
  auto refused = Sign(twice, "chu-tich.tinh", R"({"lai": true})");
  EXPECT_NE(refused.status().message().find("fired already"), std::string::npos)
      << refused.status();
  refused = Sign(twice, "chu-tich.tinh", R"({"chinh_minh": true})");
  EXPECT_NE(refused.status().message().find("the step's own"),
            std::string::npos)
      << refused.status();
  ASSERT_TRUE(Sign(twice).ok());
  auto finished = Sign(Decision({a}, {}));
  EXPECT_EQ(finished.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(finished.status().message().find("finished"), std::string::npos)
      << finished.status();
}

}  // namespace
}  // namespace wf
