// Copyright the wf-engine authors. Apache-2.0.
#include "engine/tools/offline_engine.h"

#include <stdlib.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/tools/describe.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

namespace fs = std::filesystem;

class OfflineEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wf_offline_test.XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "workflows" / "lib");
    fs::create_directories(root_ / "tmp");
    setenv("TMPDIR", (root_ / "tmp").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("TMPDIR");
    fs::remove_all(root_);
  }
  void Write(const fs::path& path, const std::string& text) {
    std::ofstream(root_ / path) << text;
  }

  fs::path root_;
};

constexpr char kValid[] = R"(
workflow "ok" { initial = "a", who = { role = "can_bo", unit = "same_unit" },
  requires = "nam", fields = { nam = { title = "Năm", kind = "integer" } } }
state "a" { title = "Đang soạn", deadline = { date = function(ctx) return nil end,
  fire = "het", remind = { working_days = 2, fire = "nhac" } } }
state "b" { final = true, pauses = "a" }
transition "go" { from = "a", to = "b", title = "Gửi \"gấp\"" }
transition "het" { from = "a", stay = true, who = "system" }
transition "nhac" { from = "a", stay = true, who = "system" }
)";

TEST_F(OfflineEngineTest, ItsDataFolderIsGoneWithIt) {
  {
    auto offline = OfflineEngine::Open({});
    ASSERT_TRUE(offline.ok()) << offline.status();
    EXPECT_FALSE(fs::is_empty(root_ / "tmp"));
  }
  EXPECT_TRUE(fs::is_empty(root_ / "tmp"));
}

TEST_F(OfflineEngineTest, ABundledFileRefusedIsAWarningUnlessItIsChecked) {
  Write("workflows/ok.lua", kValid);
  Write("workflows/hong.lua", "workflow \"hong\" {");
  OfflineContext context;
  context.workflows_dir = (root_ / "workflows").string();
  {
    auto offline = OfflineEngine::Open(context);
    ASSERT_TRUE(offline.ok()) << offline.status();
    ASSERT_EQ((*offline)->warnings().size(), 1u);
    EXPECT_NE((*offline)->warnings()[0].find("hong.lua"), std::string::npos);
    auto ok = (*offline)->engine()->GetWorkflow("ok", 0);
    EXPECT_TRUE(ok.ok()) << ok.status();
  }
  context.targets.insert(SamePath(root_ / "workflows" / "." / "hong.lua"));
  auto offline = OfflineEngine::Open(context);
  ASSERT_TRUE(offline.ok()) << offline.status();
  EXPECT_TRUE((*offline)->warnings().empty());
}

TEST_F(OfflineEngineTest, AnUnreadableCalendarIsRefused) {
  OfflineContext context;
  context.calendar_file = (root_ / "khong_co.json").string();
  auto offline = OfflineEngine::Open(context);
  EXPECT_EQ(offline.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::is_empty(root_ / "tmp"));
}

TEST_F(OfflineEngineTest, DescribeGivesWhatTheEngineCompiled) {
  auto offline = OfflineEngine::Open({});
  ASSERT_TRUE(offline.ok()) << offline.status();
  DeployRequest request;
  request.source = kValid;
  request.file_name = "ok.lua";
  request.actor = Actor::Embedder("test");
  request.validate_only = true;
  auto checked = (*offline)->engine()->Deploy(request);
  ASSERT_TRUE(checked.ok()) << checked.status();
  auto json = nlohmann::json::parse(DescribeWorkflow(checked->workflow));
  EXPECT_EQ(json["initial"], "a");
  EXPECT_EQ(json["requires"], nlohmann::json::array({"nam"}));
  EXPECT_EQ(json["fields"][0]["name"], "nam");
  EXPECT_EQ(json["fields"][0]["title"], "Năm");
  EXPECT_EQ(json["fields"][0]["kind"], "integer");
  EXPECT_EQ(json["states"][0]["title"], "Đang soạn");
  EXPECT_EQ(json["states"][0]["deadline"]["unit"], "date");
  EXPECT_EQ(json["states"][0]["deadline"]["clock"], "a");
  EXPECT_EQ(json["states"][0]["deadline"]["fire"], "het");
  EXPECT_EQ(json["states"][0]["deadline"]["reminders"][0]["amount"], 2);
  EXPECT_TRUE(json["states"][1]["deadline"].is_null());
  EXPECT_EQ(json["states"][1]["pauses"][0], "a");
  EXPECT_EQ(json["transitions"][0]["title"], "Gửi \"gấp\"");
  EXPECT_EQ(json["transitions"][0]["who"][0]["role"], "can_bo");
  EXPECT_EQ(json["transitions"][1]["system_only"], true);
  EXPECT_EQ(json["transitions"][1]["stay"], true);
}

}  // namespace
}  // namespace wf
