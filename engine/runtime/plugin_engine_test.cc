// Copyright the wf-engine authors. Apache-2.0.
//
// Province plugins through the engine (docs/plugins.md): deploys, versions,
// what a refusal leaves (nothing), pinning at start, ctx.plugin in every
// kind of script call, children, replay, and the check that keeps province
// data out of `plugin = true` workflows. The plugin is
// tests/testdata/plugins/son_moc; broken variants are made in memory.
#include <string>

#include "absl/strings/str_replace.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/util/json.h"
#include "engine/util/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test_support::ReadTestdata;

std::string ReasonOf(const absl::Status& status) {
  auto details = ReadRefusal(status);
  return details.has_value() ? details->reason : "";
}

PluginDeployRequest SonMoc() {
  PluginDeployRequest request;
  request.name = "son_moc";
  request.actor = Actor::Embedder("admin");
  for (const char* file : {"plugin.lua", "xa_phuong.csv", "can_bo.csv"}) {
    request.files.push_back(
        {file, ReadTestdata(absl::StrCat("plugins/son_moc/", file))});
  }
  return request;
}

// son_moc with `from` replaced by `to` in file `path`.
PluginDeployRequest SonMocWith(const std::string& path,
                               const std::string& from,
                               const std::string& to) {
  PluginDeployRequest request = SonMoc();
  for (PluginFile& f : request.files) {
    if (f.path != path) continue;
    std::string changed = absl::StrReplaceAll(f.content, {{from, to}});
    EXPECT_NE(changed, f.content) << "'" << from << "' is not in " << path;
    f.content = changed;
  }
  return request;
}

class PluginEngineTest : public test_support::EngineFixture {
 protected:
  PluginEngineTest()
      : EngineFixture(absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0),
                                      absl::FixedTimeZone(7 * 3600))) {}

  void SetUp() override {
    Open("wf_plugin_test", {"plugin_doc.lua", "plugin_con.lua", "dem.lua"});
  }

  PluginInfo Deploy(const PluginDeployRequest& request) {
    auto deployed = engine_->DeployPlugin(request);
    EXPECT_TRUE(deployed.ok()) << deployed.status();
    return deployed.ok() ? deployed->plugin : PluginInfo();
  }

  InstanceInfo StartDoc(const std::string& unit = "99001") {
    auto started = engine_->Start({.workflow = "plugin_doc",
                                   .actor = Actor::Embedder("he-thong"),
                                   .unit = unit});
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance : InstanceInfo();
  }

  Json Vars(const InstanceInfo& info) {
    return Json::parse(info.variables_json);
  }

  Json VarsOf(const std::string& id) {
    auto info = engine_->GetInstance(id, Actor::Embedder("he-thong"));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.ok() ? Json::parse(info->variables_json) : Json();
  }

  FireResult Fire(const std::string& id, const std::string& event) {
    auto fired = engine_->Fire({.instance_id = id, .event = event,
                                .actor = Actor::Embedder("he-thong")});
    EXPECT_TRUE(fired.ok()) << fired.status();
    return fired.ok() ? *fired : FireResult();
  }

  // A refused deploy: PLUGIN_INVALID, nothing stored (no plugin, and the
  // directory still without the plugin's people). Returns the message.
  std::string Refused(const PluginDeployRequest& request) {
    auto deployed = engine_->DeployPlugin(request);
    EXPECT_TRUE(absl::IsInvalidArgument(deployed.status())) << deployed.status();
    EXPECT_EQ(ReasonOf(deployed.status()), "PLUGIN_INVALID");
    auto listed = engine_->ListPlugins(Actor::Embedder("admin"));
    EXPECT_TRUE(listed.ok() && listed->empty());
    auto token = engine_->IssueToken(Actor::Embedder("admin"),
                                     "can-bo.an-phu", false,
                                     absl::ZeroDuration(), "");
    EXPECT_EQ(ReasonOf(token.status()), "PERSON_NOT_FOUND");
    return std::string(deployed.status().message());
  }
};

TEST_F(PluginEngineTest, DeploysVersionsOnlyWhenFilesChange) {
  PluginInfo first = Deploy(SonMoc());
  EXPECT_EQ(first.version, 1u);
  EXPECT_EQ(first.title, "Tỉnh Sơn Mộc");
  EXPECT_EQ(first.province, "son_moc");
  EXPECT_THAT(first.files, ::testing::ElementsAre("plugin.lua", "xa_phuong.csv",
                                                  "can_bo.csv"));
  EXPECT_EQ(first.sha256.size(), 64u);

  auto again = engine_->DeployPlugin(SonMoc());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->plugin.version, 1u);

  PluginInfo second =
      Deploy(SonMocWith("plugin.lua", "2026-03-16", "2026-04-15"));
  EXPECT_EQ(second.version, 2u);
  auto listed = engine_->ListPlugins(Actor::Embedder("admin"));
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].version, 2u);
  EXPECT_TRUE((*listed)[0].manifest.empty());
  auto old = engine_->GetPlugin(Actor::Embedder("admin"), "son_moc", 1);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_THAT(old->manifest, HasSubstr("2026-03-16"));
  EXPECT_EQ(ReasonOf(engine_->GetPlugin(Actor::Embedder("admin"), "son_moc", 3).status()),
            "PLUGIN_NOT_FOUND");
  // The org files are in the directory: the officer exists.
  EXPECT_TRUE(engine_->IssueToken(Actor::Embedder("admin"), "can-bo.an-phu",
                                  false, absl::ZeroDuration(), "")
                  .ok());
}

TEST_F(PluginEngineTest, ValidateOnlyStoresNothing) {
  PluginDeployRequest request = SonMoc();
  request.validate_only = true;
  auto checked = engine_->DeployPlugin(request);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_FALSE(checked->created);
  EXPECT_EQ(checked->plugin.version, 1u);
  EXPECT_TRUE(engine_->ListPlugins(Actor::Embedder("admin"))->empty());
}

TEST_F(PluginEngineTest, PersonMayNotDeploy) {
  PluginDeployRequest request = SonMoc();
  request.actor = Actor::Person("can-bo.an-phu");
  auto refused = engine_->DeployPlugin(request);
  EXPECT_TRUE(absl::IsPermissionDenied(refused.status())) << refused.status();
  EXPECT_EQ(ReasonOf(refused.status()), "ADMIN_REQUIRED");
  // Nor list or read them; and no one (Actor{}) is refused everywhere.
  const Actor person = Actor::Person("can-bo.an-phu");
  EXPECT_EQ(ReasonOf(engine_->ListPlugins(person).status()), "ADMIN_REQUIRED");
  EXPECT_EQ(ReasonOf(engine_->GetPlugin(person, "son_moc", 0).status()),
            "ADMIN_REQUIRED");
  EXPECT_TRUE(absl::IsPermissionDenied(engine_->ListPlugins(Actor{}).status()));
}

TEST_F(PluginEngineTest, MissingFieldIsRefused) {
  std::string message = Refused(SonMocWith(
      "plugin.lua", "  province = \"son_moc\",\n", ""));
  EXPECT_THAT(message, HasSubstr("plugin.lua:1: thiếu trường 'province' (mã "
                                 "đơn vị cấp tỉnh trong cây tổ chức)"));
}

TEST_F(PluginEngineTest, UnknownHookIsRefusedWithTheHooksThereAre) {
  std::string message =
      Refused(SonMocWith("plugin.lua", "nguoi_gop_y =", "nguoi_ky ="));
  EXPECT_THAT(message, HasSubstr("plugin.lua:20: hook 'nguoi_ky' không có "
                                 "workflow nào khai báo (các hook đang có: "
                                 "nguoi_gop_y)"));
}

TEST_F(PluginEngineTest, DateThatDoesNotExistIsRefused) {
  std::string message =
      Refused(SonMocWith("plugin.lua", "2026-03-16", "2026-02-30"));
  EXPECT_THAT(message, HasSubstr("plugin.lua:15: han_nop_ke_hoach: "
                                 "\"2026-02-30\" không phải là ngày"));
}

TEST_F(PluginEngineTest, FunctionOutsideHooksIsRefused) {
  std::string message = Refused(SonMocWith(
      "plugin.lua", "  nam = nam,", "  nam = function() return nam end,"));
  EXPECT_THAT(message, HasSubstr("plugin.lua:14: 'nam' là một hàm: hàm chỉ "
                                 "được đặt trong hooks"));
}

TEST_F(PluginEngineTest, SyntaxErrorKeepsFileAndLine) {
  std::string message =
      Refused(SonMocWith("plugin.lua", "  nam = nam,", "  nam = = nam,"));
  EXPECT_THAT(message, HasSubstr("plugin.lua:14:"));
}

TEST_F(PluginEngineTest, EveryProblemIsReported) {
  PluginDeployRequest request =
      SonMocWith("plugin.lua", "2026-03-16", "2026-02-30");
  request.files[0].content = absl::StrReplaceAll(
      request.files[0].content, {{"nguoi_gop_y =", "nguoi_ky ="}});
  std::string message = Refused(request);
  EXPECT_THAT(message, HasSubstr("có 2 lỗi"));
  EXPECT_THAT(message, HasSubstr("plugin.lua:15:"));
  EXPECT_THAT(message, HasSubstr("plugin.lua:20:"));
}

TEST_F(PluginEngineTest, MissingOrgFileIsRefused) {
  PluginDeployRequest request = SonMoc();
  request.files.pop_back();  // can_bo.csv
  std::string message = Refused(request);
  EXPECT_THAT(message, HasSubstr("plugin.lua:12: org[2]: tệp 'can_bo.csv' "
                                 "không có trong thư mục plugin"));
}

TEST_F(PluginEngineTest, MalformedOrgFileIsRefusedWithItsLine) {
  std::string message = Refused(
      SonMocWith("can_bo.csv", "can-bo.dong-ha,Vũ Thị Lan,can_bo,99002",
                 "can-bo.dong-ha,Vũ Thị Lan,can_bo,99999"));
  EXPECT_THAT(message, HasSubstr("can_bo.csv:3: "));
}

TEST_F(PluginEngineTest, EveryBadRowOfEveryOrgFileIsReported) {
  PluginDeployRequest request = SonMocWith(
      "xa_phuong.csv", "99001,Xã An Phú,xa\n99002,Phường Đông Hà,phuong",
      "9900,Xã An Phú,xa\n99002,Xã Đông Hà,phuong");
  for (PluginFile& f : request.files) {
    if (f.path == "can_bo.csv") {
      f.content = "person,name,role,unit,valid_from,valid_to,acting_for\n"
                  "Can Bo,Phạm Văn Hải,can_bo,99001,01/07/2025,,\n"
                  "can-bo.dong-ha,Vũ Thị Lan,can_bo,99002,31/02/2025,,\n";
    }
  }
  const std::string message = Refused(request);
  EXPECT_THAT(message, HasSubstr("có 2 lỗi"));
  EXPECT_THAT(message, HasSubstr("xa_phuong.csv:2: mã '9900' phải gồm"));
  EXPECT_THAT(message, HasSubstr("xa_phuong.csv:3: tên 'Xã Đông Hà'"));
  // The people file is read against the communes: it waits for them.
  EXPECT_THAT(message, Not(HasSubstr("can_bo.csv")));
  request = SonMocWith("can_bo.csv", "can-bo.an-phu,", "Can Bo,");
  for (PluginFile& f : request.files) {
    if (f.path == "can_bo.csv") {
      f.content = absl::StrReplaceAll(f.content, {{"99002,01/07/2025",
                                                   "99002,31/02/2025"}});
    }
  }
  const std::string people = Refused(request);
  EXPECT_THAT(people, HasSubstr("can_bo.csv:2: mã người 'Can Bo'"));
  EXPECT_THAT(people, HasSubstr("can_bo.csv:3: cột 'valid_from'"));
}

// A plugin deployed again without one of its people: their token and
// session end in the deploy's write, and their password goes; the other
// person of the plugin keeps theirs.
TEST_F(PluginEngineTest, PeopleLeftOutOfARedeployLoseTokensAndSessions) {
  Deploy(SonMoc());
  const Actor admin = Actor::Admin("admin");
  for (const char* p : {"can-bo.an-phu", "can-bo.dong-ha"}) {
    ASSERT_TRUE(engine_->SetPassword(admin, p, "Sơn Mộc 2026", false).ok());
  }
  auto token = engine_->IssueToken(admin, "can-bo.an-phu", false,
                                   absl::ZeroDuration(), "");
  auto session = engine_->SignIn("can-bo.an-phu", "Sơn Mộc 2026");
  auto other = engine_->SignIn("can-bo.dong-ha", "Sơn Mộc 2026");
  ASSERT_TRUE(token.ok() && session.ok() && other.ok());
  ASSERT_TRUE(engine_->Authenticate(token->token).ok());

  Deploy(SonMocWith("can_bo.csv",
                    "can-bo.an-phu,Phạm Văn Hải,can_bo,99001,01/07/2025,,\n",
                    ""));
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(token->token).status()));
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(session->token.token).status()));
  EXPECT_FALSE(engine_->SignIn("can-bo.an-phu", "Sơn Mộc 2026").ok());
  EXPECT_TRUE(engine_->Authenticate(other->token.token).ok());
  auto tokens = engine_->ListTokens(admin);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  int revoked = 0;
  for (const TokenInfo& t : *tokens) {
    if (t.person == "can-bo.an-phu") {
      EXPECT_NE(t.revoked_at, absl::InfinitePast()) << t.note;
      ++revoked;
    }
  }
  EXPECT_EQ(revoked, 2);  // the token and the session: revoked, not just refused
}

TEST_F(PluginEngineTest, PinsAtStartAndEveryCallSeesIt) {
  Deploy(SonMoc());
  InstanceInfo doc = StartDoc();
  EXPECT_EQ(doc.plugin, "son_moc");
  EXPECT_EQ(doc.plugin_version, 1u);
  Json vars = Vars(doc);
  EXPECT_EQ(vars["han_luc_tao"], "2026-03-16");
  EXPECT_EQ(vars["phien_ban"], 1);
  EXPECT_EQ(vars["gop_y"], "Sở Nội vụ");
  // The deadline's date function read ctx.plugin too: due at the end of
  // that day (a Monday).
  ASSERT_EQ(doc.clocks.size(), 1u);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d", doc.clocks[0].due - absl::Seconds(1),
                             absl::FixedTimeZone(7 * 3600)),
            "2026-03-16");

  FireResult submitted = Fire(doc.id, "nop");
  Json after = Vars(submitted.instance);
  EXPECT_EQ(after["han_luc_nop"], "2026-03-16");
  EXPECT_EQ(after["ky_hieu"], "KH-SM");
  EXPECT_EQ(after["so_file_org"], 2);
  EXPECT_EQ(after["so"], Json::parse(R"({"ke_hoach":{"ky_hieu":"KH-SM"}})"));

  FireResult given = Fire(doc.id, "giao");
  const std::string child = Vars(given.instance)["con"];
  auto info = engine_->GetInstance(child, Actor::Embedder("he-thong"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->plugin, "son_moc");
  EXPECT_EQ(info->plugin_version, 1u);
  EXPECT_EQ(VarsOf(child)["phien_ban"], 1);
}

TEST_F(PluginEngineTest, PluginIsReadOnly) {
  Deploy(SonMoc());
  InstanceInfo doc = StartDoc();
  auto refused = engine_->Fire({.instance_id = doc.id, .event = "sua_plugin",
                                .actor = Actor::Embedder("he-thong")});
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_THAT(refused.status().message(), HasSubstr("ctx.plugin chỉ đọc"));
}

TEST_F(PluginEngineTest, WorkflowsWithoutPluginAreUnaffected) {
  auto started = engine_->Start(
      {.workflow = "dem", .actor = Actor::Embedder("he-thong")});
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->instance.plugin, "");
  EXPECT_EQ(started->instance.plugin_version, 0u);
}

TEST_F(PluginEngineTest, RedeployKeepsRunningDocumentsOnTheirVersion) {
  Deploy(SonMoc());
  InstanceInfo old_doc = StartDoc();
  Deploy(SonMocWith("plugin.lua", "2026-03-16", "2026-04-15"));
  InstanceInfo new_doc = StartDoc("99002");
  EXPECT_EQ(new_doc.plugin_version, 2u);
  EXPECT_EQ(Vars(new_doc)["han_luc_tao"], "2026-04-15");

  EXPECT_EQ(Vars(Fire(old_doc.id, "nop").instance)["han_luc_nop"],
            "2026-03-16");
  EXPECT_EQ(Vars(Fire(new_doc.id, "nop").instance)["han_luc_nop"],
            "2026-04-15");
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& id : {old_doc.id, new_doc.id}) {
      auto report = engine_->Verify(id, Actor::Embedder("he-thong"));
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->ok) << id << ": " << report->problem;
    }
    Reopen();  // then again, with nothing cached
  }
}

// son_moc with days of its own: Monday 16/03/2026, its deadline, off.
PluginDeployRequest SonMocWithCalendar(const std::string& json) {
  PluginDeployRequest request =
      SonMocWith("plugin.lua", "  dia_danh = \"Sơn Mộc\",\n",
                 "  dia_danh = \"Sơn Mộc\",\n  lich = \"lich.json\",\n");
  request.files.push_back({"lich.json", json});
  return request;
}

constexpr char kSonMocDays[] = R"json({"years": [{"year": 2026,
  "days_off": [{"date": "16/03/2026", "name": "Ngày truyền thống tỉnh"}]}]})json";

std::string DueDay(const InstanceInfo& doc) {
  EXPECT_EQ(doc.clocks.size(), 1u);
  if (doc.clocks.empty()) return "";
  return absl::FormatTime("%Y-%m-%d", doc.clocks[0].due - absl::Seconds(1),
                          absl::FixedTimeZone(7 * 3600));
}

TEST_F(PluginEngineTest, ProvinceDaysMoveDeadlinesOfItsNewDocumentsOnly) {
  Deploy(SonMoc());
  InstanceInfo national = StartDoc();
  PluginInfo own = Deploy(SonMocWithCalendar(kSonMocDays));
  EXPECT_EQ(own.version, 2u);
  InstanceInfo local = StartDoc("99002");
  // The deadline falls on the province's day off: it moves to Tuesday.
  EXPECT_EQ(DueDay(national), "2026-03-16");
  EXPECT_EQ(DueDay(local), "2026-03-17");
  EXPECT_EQ(Vars(national)["han_la_ngay_lam_viec"], true);
  EXPECT_EQ(Vars(local)["han_la_ngay_lam_viec"], false);
  // One Lua state serves both documents, in either order.
  EXPECT_EQ(Vars(Fire(local.id, "nop").instance)["nop_han_la_ngay_lam_viec"],
            false);
  EXPECT_EQ(
      Vars(Fire(national.id, "nop").instance)["nop_han_la_ngay_lam_viec"],
      true);
  auto history = engine_->GetHistory(local.id, Actor::Embedder("he-thong"));
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_THAT(history->back().calendar_version, HasSubstr("+son_moc@2"));
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& id : {national.id, local.id}) {
      auto report = engine_->Verify(id, Actor::Embedder("he-thong"));
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->ok) << id << ": " << report->problem;
    }
    Reopen();  // then again, the calendar built from the stored record
  }
}

TEST_F(PluginEngineTest, CalendarThatDoesNotBuildIsRefused) {
  PluginDeployRequest missing = SonMocWith(
      "plugin.lua", "  dia_danh = \"Sơn Mộc\",\n",
      "  dia_danh = \"Sơn Mộc\",\n  lich = \"lich.json\",\n");
  EXPECT_THAT(Refused(missing),
              HasSubstr("plugin.lua:10: lich: tệp 'lich.json' không có"));
  EXPECT_THAT(Refused(SonMocWithCalendar("{\"years\": [")),
              HasSubstr("lich.json: lịch riêng của tỉnh không dùng được: "
                        "calendar data: JSON parse error"));
  EXPECT_THAT(Refused(SonMocWithCalendar(
                  R"({"years": [{"year": 2026, "days_off": ["31/02/2026"]}]})")),
              HasSubstr("years[0].days_off[0]: date \"31/02/2026\""));
  // The national rules are the law's, not a province's.
  EXPECT_THAT(Refused(SonMocWithCalendar(R"({"national_day_adjacent": "after"})")),
              HasSubstr("national_day_adjacent: unknown field"));
}

TEST_F(PluginEngineTest, ProvinceWithoutPluginIsRefused) {
  auto imported = engine_->ImportDirectory(
      Actor::Embedder("admin"),
      {.source = "tinh",
       .format = "units",
       .csv = "id,name,kind,parent,valid_from,valid_to,tags\n"
              "bac_ninh,Tỉnh Bắc Ninh,tinh,,01/07/2025,,\n"});
  ASSERT_TRUE(imported.ok()) << imported.status();
  auto refused = engine_->Start({.workflow = "plugin_doc",
                                 .actor = Actor::Embedder("he-thong"),
                                 .unit = "bac_ninh"});
  EXPECT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_EQ(ReasonOf(refused.status()), "PLUGIN_NOT_FOUND");
  EXPECT_THAT(refused.status().message(),
              HasSubstr("tỉnh 'Bắc Ninh' (bac_ninh) chưa có plugin: "
                        "triển khai plugins/<tên>/ trước"));
}

TEST_F(PluginEngineTest, WorkflowWithProvinceDataIsRefusedWithLines) {
  Deploy(SonMoc());
  const std::string source =
      "-- Kế hoạch của Sơn Mộc\n"                          // 1: dia_danh
      "workflow \"tinh_rieng\" {\n"
      "  title = \"Kế hoạch\", initial = \"a\", plugin = true,\n"
      "  start = function(ctx)\n"
      "    ctx.vars.so = \"KH-SM\"\n"                        // 5: symbol
      "    ctx.vars.han = \"2026-03-16\"\n"                  // 6: date
      "    ctx.vars.ngay = \"16/3/2026\"\n"                  // 7: date
      "  end,\n"
      "  who = { role = \"*\", unit = \"same_unit\" } }\n"
      "state \"a\" { title = \"Tỉnh Sơn Mộc\" }\n"  // 10: title, name
      "state \"b\" { title = \"Xong\", final = true }\n"
      "transition \"t\" { from = \"a\", to = \"b\" }\n";
  auto refused = engine_->Deploy(
      {source, "tinh_rieng.lua", Actor::Embedder("admin")});
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  EXPECT_EQ(ReasonOf(refused.status()), "WORKFLOW_HAS_PROVINCE_DATA");
  const std::string message(refused.status().message());
  EXPECT_THAT(message, HasSubstr("tinh_rieng.lua:1: 'Sơn Mộc' là"));
  EXPECT_THAT(message, HasSubstr("tinh_rieng.lua:5: 'KH-SM' là ký hiệu sổ"));
  EXPECT_THAT(message, HasSubstr("tinh_rieng.lua:6: '2026-03-16'"));
  EXPECT_THAT(message, HasSubstr("tinh_rieng.lua:7: '16/3/2026'"));
  EXPECT_THAT(message, HasSubstr("tinh_rieng.lua:10: 'Tỉnh Sơn Mộc' là tên "
                                 "của plugin"));
  EXPECT_THAT(message, HasSubstr("tinh_rieng.lua:10: 'Sơn Mộc' là tên tỉnh"));
  // A shared library the workflow requires is part of it: checked too.
  DeployRequest with_library{
      "local t = require(\"tinh\")\n"
      "workflow \"dung_thu_vien\" {\n"
      "  title = \"Kế hoạch\", initial = \"a\", plugin = true,\n"
      "  who = { role = \"*\", unit = \"same_unit\" } }\n"
      "state \"a\" { title = \"Dự thảo\" }\n"
      "state \"b\" { title = \"Xong\", final = true }\n"
      "transition \"t\" { from = \"a\", to = \"b\" }\n",
      "dung_thu_vien.lua", Actor::Embedder("admin")};
  with_library.libraries["tinh"] =
      "local M = {}\n-- hạn của tỉnh\nM.han = \"2026-03-16\"\nreturn M\n";
  auto library_refused = engine_->Deploy(with_library);
  EXPECT_EQ(ReasonOf(library_refused.status()), "WORKFLOW_HAS_PROVINCE_DATA")
      << library_refused.status();
  EXPECT_THAT(std::string(library_refused.status().message()),
              HasSubstr("lib/tinh.lua:3: '2026-03-16'"));
  // Without plugin = true, a workflow is its province's own: not checked.
  auto own = engine_->Deploy(
      {absl::StrReplaceAll(source, {{", plugin = true", ""}}),
       "tinh_rieng.lua", Actor::Embedder("admin")});
  EXPECT_TRUE(own.ok()) << own.status();
}

}  // namespace
}  // namespace wf
