#include "engine/lua/require_library.h"

#include <memory>

#include "engine/lua/workflow_script.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

SandboxOptions Limits() {
  SandboxOptions limits;
  limits.instructions_per_call = 100'000;
  limits.memory_bytes = 16 << 20;
  return limits;
}

// A workflow whose action uses a module's function; `top` goes first.
std::string Workflow(const std::string& top) {
  return top + R"lua(
workflow "w" { initial = "a" }
state "a" {}
state "b" { final = true }
transition "go" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.han = plan.han(ctx.vars.ngay) end,
}
)lua";
}

std::shared_ptr<const LuaLibraries> Libraries(LuaLibraries modules) {
  return std::make_shared<const LuaLibraries>(std::move(modules));
}

constexpr char kKeHoach[] = R"lua(
local lich = require("lich")
local M = {}
function M.han(ngay) return lich.cong(ngay) .. "/" .. tostring(lich.lan) end
return M
)lua";

// Counts its own loads in a global: loaded once however often required.
constexpr char kLich[] = R"lua(
so_lan_nap = (so_lan_nap or 0) + 1
return { cong = function(s) return s .. "+10" end, lan = so_lan_nap }
)lua";

TEST(RequireTest, LoadsModulesOnceAndRecordsThem) {
  auto script = WorkflowScript::Load(
      Workflow("plan = require(\"ke_hoach\")\n"
               "local again = require(\"lich\")\n"
               "assert(again == require(\"lich\"))\n"),
      "w.lua", Limits(),
      Libraries({{"ke_hoach", kKeHoach}, {"lich", kLich}, {"khac", "x = 1"}}));
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_EQ((*script)->required_libraries(),
            (std::vector<std::string>{"ke_hoach", "lich"}));
  Json vars = {{"ngay", "2026-01-16"}};
  Json payload = Json::object();
  CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  in.event = "go";
  auto result = (*script)->RunAction(0, in);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->vars["han"], "2026-01-16+10/1");
}

TEST(RequireTest, UnknownModuleNamesTheOnesThere) {
  auto script = WorkflowScript::Load(
      Workflow("plan = require(\"ke_hoch\")\n"), "w.lua", Limits(),
      Libraries({{"ke_hoach", kKeHoach}, {"lich", kLich}}));
  ASSERT_FALSE(script.ok());
  EXPECT_NE(script.status().message().find("w.lua:1:"), std::string::npos)
      << script.status();
  EXPECT_NE(script.status().message().find("no module 'ke_hoch'"),
            std::string::npos) << script.status();
  EXPECT_NE(script.status().message().find("its modules: ke_hoach, lich"),
            std::string::npos) << script.status();
}

TEST(RequireTest, ErrorsInAModuleNameItsFile) {
  auto script = WorkflowScript::Load(
      Workflow("plan = require(\"hong\")\n"), "w.lua", Limits(),
      Libraries({{"hong", "local x = 1\nlocal y = nil + x\n"}}));
  ASSERT_FALSE(script.ok());
  EXPECT_NE(script.status().message().find("lib/hong.lua:2:"),
            std::string::npos) << script.status();
}

TEST(RequireTest, ACycleIsAnError) {
  auto script = WorkflowScript::Load(
      Workflow("plan = require(\"a\")\n"), "w.lua", Limits(),
      Libraries({{"a", "return require('b')"}, {"b", "return require('a')"}}));
  ASSERT_FALSE(script.ok());
  EXPECT_NE(script.status().message().find("cycle: a -> b -> a"),
            std::string::npos) << script.status();
}

TEST(RequireTest, AFailedModuleFailsAgainNotAsACycle) {
  auto script = WorkflowScript::Load(
      Workflow("local ok, first = pcall(require, 'hong')\n"
               "local ok2, again = pcall(require, 'hong')\n"
               "assert(not ok2 and not string.find(again, 'cycle'), again)\n"
               "plan = { han = function(s) return s end }\n"),
      "w.lua", Limits(), Libraries({{"hong", "error('hỏng')"}}));
  EXPECT_TRUE(script.ok()) << script.status();
}

TEST(RequireTest, NoNewModuleAfterTheFileLoaded) {
  const std::string source = R"lua(
workflow "w" { initial = "a" }
state "a" {}
state "b" { final = true }
transition "go" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.x = require("lich").lan end,
}
)lua";
  auto script = WorkflowScript::Load(source, "w.lua", Limits(),
                                     Libraries({{"lich", kLich}}));
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_TRUE((*script)->required_libraries().empty());
  Json vars = Json::object();
  Json payload = Json::object();
  CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  auto result = (*script)->RunAction(0, in);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("outside the top level"),
            std::string::npos) << result.status();
}

TEST(RequireTest, WithoutLibrariesRequireSaysSo) {
  auto script = WorkflowScript::Load(Workflow("plan = require(\"x\")\n"),
                                     "w.lua", Limits());
  ASSERT_FALSE(script.ok());
  EXPECT_NE(script.status().message().find("it has no modules"),
            std::string::npos) << script.status();
}

}  // namespace
}  // namespace wf
