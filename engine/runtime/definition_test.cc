#include "engine/runtime/definition.h"

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

std::vector<std::string> Problems(const std::string& source) {
  auto script = WorkflowScript::Load(source, "w.lua", SandboxOptions());
  EXPECT_TRUE(script.ok()) << script.status();
  if (!script.ok()) return {"load failed"};
  return ValidateSpec((*script)->spec(), "w.lua");
}

// True if some problem contains `fragment`.
bool Has(const std::vector<std::string>& problems, const std::string& fragment) {
  for (const auto& p : problems) {
    if (p.find(fragment) != std::string::npos) return true;
  }
  return false;
}

TEST(ValidateTest, AValidWorkflowHasNoProblems) {
  auto problems = Problems(R"(
workflow "ok" { initial = "a", who = { role = "can_bo", unit = "same_unit" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
)");
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
}

TEST(ValidateTest, EveryStepSaysWhoMayTakeIt) {
  auto problems = Problems(R"(
workflow "w" { initial = "a" }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
transition "ok" { from = "a", to = "a", who = { role = "chu_tich", unit = "same_unit" } }
transition "bad" { from = "a", to = "a", who = { role = "Chủ tịch", unit = "next_door" } }
transition "empty" { from = "a", to = "a", who = {} }
)");
  EXPECT_TRUE(Has(problems, "w.lua:2: the workflow does not say who may start"));
  EXPECT_TRUE(Has(problems, "w.lua:5: transition 'go' does not say who may "
                            "fire it"));
  EXPECT_FALSE(Has(problems, "transition 'ok'"));
  EXPECT_TRUE(Has(problems, "w.lua:7: the role 'Chủ tịch' in transition 'bad'"));
  EXPECT_TRUE(Has(problems, "w.lua:7: the unit 'next_door' in transition 'bad'"));
  EXPECT_TRUE(Has(problems, "w.lua:8: 'who' of transition 'empty' lists no rule"));
}

TEST(ValidateTest, RelationsAndSystemEvents) {
  auto problems = Problems(R"(
workflow "w" { initial = "a", started_by = { role = "can_bo", unit = "same_unit" } }
state "a" { deadline = { days = 3, fire = "het_han" } }
state "b" { final = true }
transition "go" { from = "a", to = "b", who = {
  { role = "chuyen_vien", unit = "standing_agency" },
  { role = "*", unit = "tagged:so_noi_vu" },
  { role = "chu_tich", unit = "parent" } } }
transition "het_han" { from = "a", stay = true, who = "system" }
)");
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
}

TEST(ValidateTest, NoWorkflowDeclared) {
  auto problems = Problems("local x = 1\n");
  EXPECT_TRUE(Has(problems, "w.lua: declares no workflow"));
}

TEST(ValidateTest, UnknownStatesAreReportedWithTheirLine) {
  auto problems = Problems(R"(
workflow "w" { initial = "a" }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "c" }
transition "back" { from = "x", to = "a" }
transition "fin" { from = "a", to = "b" }
)");
  EXPECT_TRUE(Has(problems, "w.lua:5: transition 'go' leads to 'c', which is "
                            "not a declared state"));
  EXPECT_TRUE(Has(problems, "w.lua:6: transition 'back' leaves 'x'"));
}

TEST(ValidateTest, InitialStateProblems) {
  EXPECT_TRUE(Has(Problems(R"(
workflow "w" {}
state "a" { final = true }
)"),
                  "has no initial state"));
  EXPECT_TRUE(Has(Problems(R"(
workflow "w" { initial = "nowhere" }
state "a" { final = true }
)"),
                  "w.lua:2: the initial state 'nowhere' is not declared"));
  EXPECT_TRUE(Has(Problems(R"(
workflow "w" { initial = "a" }
state "a" { final = true }
)"),
                  "is final: nothing could ever happen"));
}

TEST(ValidateTest, UnreachableAndDeadEndStates) {
  auto problems = Problems(R"(
workflow "w" { initial = "a" }
state "a" {}
state "b" { final = true }
state "island" {}
state "stuck" {}
transition "go" { from = "a", to = "b" }
transition "trap" { from = "a", to = "stuck" }
transition "loop" { from = "island", to = "island" }
)");
  EXPECT_TRUE(Has(problems, "w.lua:5: state 'island' cannot be reached"));
  EXPECT_TRUE(Has(problems, "w.lua:6: state 'stuck' is not final but no "
                            "transition leaves it"));
  EXPECT_FALSE(Has(problems, "state 'b'"));
}

TEST(ValidateTest, TransitionsFromFinalStatesAndDuplicates) {
  auto problems = Problems(R"(
workflow "w" { initial = "a" }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
transition "go" { from = "a", to = "a" }
transition "undo" { from = "b", to = "a" }
)");
  EXPECT_TRUE(Has(problems, "w.lua:6: event 'go' is declared twice from state "
                            "'a' (first at line 5)"));
  EXPECT_TRUE(Has(problems, "w.lua:7: transition 'undo' leaves the final "
                            "state 'b'"));
}

TEST(ValidateTest, OptionalFieldsAreNamedOnceAndNotAlsoRequired) {
  auto good = Problems(R"(
workflow "w" { initial = "a", who = { role = "*", unit = "same_unit" },
               requires = { "han" }, optional = "ty_le" }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b", requires = { "ly_do" },
                  optional = { "ghi_chu", "so_tien" } }
)");
  EXPECT_TRUE(good.empty()) << absl::StrJoin(good, "\n");
  auto problems = Problems(R"(
workflow "w" { initial = "a", who = { role = "*", unit = "same_unit" },
               requires = { "han" }, optional = { "han" } }
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b", requires = { "ly_do" },
                  optional = { "ghi_chu", "ghi_chu", "" } }
)");
  EXPECT_TRUE(Has(problems, "w.lua:2: workflow 'w' lists 'han' in both "
                            "'requires' and 'optional': keep one"))
      << absl::StrJoin(problems, "\n");
  EXPECT_TRUE(Has(problems, "w.lua:6: transition 'go' lists the optional "
                            "field 'ghi_chu' twice"));
  EXPECT_TRUE(Has(problems, "w.lua:6: transition 'go' lists an empty "
                            "optional field name"));
  EXPECT_EQ(problems.size(), 3u) << absl::StrJoin(problems, "\n");
}

TEST(ValidateTest, NamesMustBeIdentifiers) {
  auto problems = Problems(R"(
workflow "Kế hoạch" { initial = "Dự thảo" }
state "Dự thảo" {}
state "b" { final = true }
transition "start" { from = "Dự thảo", to = "b" }
)");
  EXPECT_TRUE(Has(problems, "workflow name 'Kế hoạch' must be"));
  EXPECT_TRUE(Has(problems, "w.lua:3: state name 'Dự thảo' must be"));
  EXPECT_TRUE(Has(problems, "event name 'start' must be"));
}

TEST(ValidateTest, DeclarationProblemsComeFirst) {
  auto problems = Problems(R"(
workflow "w" { initial = "a", inital = "b" }
state "a" { final = false }
state "b" { final = true }
transition "go" { from = "a", to = "b" }
)");
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("unknown field 'inital'"), std::string::npos);
}

}  // namespace
}  // namespace wf
