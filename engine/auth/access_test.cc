// Copyright the wf-engine authors. Apache-2.0.
//
// Inbox slots found from the tree's structure (access.cc, Holders) are
// exactly the units org::Holds accepts, for every relation, on the real
// trees of Bắc Ninh (two tiers) and Tuyên Quang (three tiers, with the
// communes of 2025 beside).
#include "engine/auth/access.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/org/org_test_util.h"
#include "gtest/gtest.h"

namespace wf::access {
namespace {

using Slot = std::pair<std::string, std::string>;

// Every unit that Holds() the relation, by asking it of each.
std::set<Slot> BruteForce(const org::OrgTree& tree, const std::string& unit,
                          const org::PermissionRule& rule) {
  std::set<Slot> slots;
  for (const org::OrgUnit& u : tree.units()) {
    if (org::Holds(tree, u.id, unit, rule.relation)) {
      slots.emplace(u.id, rule.role);
    }
  }
  return slots;
}

void ExpectSlotsMatchHolds(std::vector<org::OrgUnit> units) {
  auto tree = org::OrgTree::Build(std::move(units));
  ASSERT_TRUE(tree.ok()) << tree.status();
  DirectorySnapshot snapshot{*std::move(tree), {}};
  const org::OrgTree& t = snapshot.tree;
  const std::vector<org::RelationSpec> relations = {
      {org::Relation::kSameUnit, "", {}},
      {org::Relation::kParentUnit, "", {}},
      {org::Relation::kAncestorUnit, "", {}},
      {org::Relation::kStandingAgency, "", {}},
      {org::Relation::kTaggedUnit, "so_noi_vu", {}},
      {org::Relation::kTaggedUnit, "khong_co", {}},
      {org::Relation::kProvince, "", {}},
      {org::Relation::kNamedUnits, "noi_nhan", {}}};
  size_t nonempty = 0;
  for (size_t i = 0; i < t.units().size(); i += 5) {
    const std::string& unit = t.units()[i].id;
    // The document names a unit further down the list, its parent, and
    // one the tree does not have.
    const org::OrgUnit* parent = t.Parent(unit);
    const Json vars = {
        {"noi_nhan",
         {t.units()[(i + 7) % t.units().size()].id,
          parent != nullptr ? parent->id : unit, "khong_co"}}};
    for (const org::RelationSpec& relation : relations) {
      CompiledWho who;
      who.rules.push_back({"vai_tro", relation});
      who.names_units = relation.relation == org::Relation::kNamedUnits;
      std::vector<Slot> found = Slots(snapshot, {&who}, unit, &vars);
      CompiledWho resolved;
      std::set<Slot> expected =
          BruteForce(t, unit, Resolve(who, &vars, &resolved).rules[0]);
      EXPECT_EQ(std::set<Slot>(found.begin(), found.end()), expected)
          << unit << ", relation " << org::RelationText(relation);
      EXPECT_EQ(found.size(), expected.size()) << "no slot twice";
      nonempty += expected.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(nonempty, t.units().size() / 5);  // the comparison compared
}

TEST(SlotsTest, AreTheUnitsHoldsAcceptsInATwoTierProvince) {
  auto units = org::testing::BacNinhUnits();
  ASSERT_TRUE(units.ok()) << units.status();
  ExpectSlotsMatchHolds(*std::move(units));
}

TEST(SlotsTest, AreTheUnitsHoldsAcceptsInAThreeTierProvince) {
  auto units = org::testing::TuyenQuangUnits();
  ASSERT_TRUE(units.ok()) << units.status();
  ExpectSlotsMatchHolds(*std::move(units));
}

TEST(SlotsTest, SystemStepsAndUnknownUnitsHaveNone) {
  auto units = org::testing::BacNinhUnits();
  ASSERT_TRUE(units.ok()) << units.status();
  auto tree = org::OrgTree::Build(*std::move(units));
  ASSERT_TRUE(tree.ok());
  DirectorySnapshot snapshot{*std::move(tree), {}};
  CompiledWho system;
  system.system_only = true;
  system.rules.push_back({"x", {org::Relation::kSameUnit, "", {}}});
  EXPECT_TRUE(Slots(snapshot, {&system}, "07627", nullptr).empty());
  CompiledWho anyone;
  anyone.rules.push_back({"x", {org::Relation::kSameUnit, "", {}}});
  EXPECT_TRUE(Slots(snapshot, {&anyone}, "khong_co", nullptr).empty());
  EXPECT_EQ(Slots(snapshot, {&anyone}, "07627", nullptr),
            (std::vector<Slot>{{"07627", "x"}}));
}

// A "var:" rule names the units the document's variable holds: one id or a
// list; a variable missing, or of another type, names none, and so does a
// document without variables.
TEST(SlotsTest, NamedUnitsComeFromTheDocumentsVariable) {
  auto units = org::testing::BacNinhUnits();
  ASSERT_TRUE(units.ok()) << units.status();
  auto tree = org::OrgTree::Build(*std::move(units));
  ASSERT_TRUE(tree.ok());
  DirectorySnapshot snapshot{*std::move(tree), {}};
  CompiledWho who;
  who.names_units = true;
  who.rules.push_back({"chuyen_vien", {org::Relation::kNamedUnits, "nhan", {}}});
  auto slots = [&](const Json& vars) {
    return Slots(snapshot, {&who}, "07627", &vars);
  };
  EXPECT_EQ(slots({{"nhan", "07615"}}),
            (std::vector<Slot>{{"07615", "chuyen_vien"}}));
  EXPECT_EQ(slots({{"nhan", {"07616", "07615"}}}),
            (std::vector<Slot>{{"07615", "chuyen_vien"},
                               {"07616", "chuyen_vien"}}));
  EXPECT_TRUE(slots({{"khac", "07615"}}).empty());
  EXPECT_TRUE(slots({{"nhan", 7615}}).empty());
  EXPECT_TRUE(Slots(snapshot, {&who}, "07627", nullptr).empty());
  // Resolve copies nothing for a `who` without such a rule.
  CompiledWho plain, scratch;
  plain.rules.push_back({"x", {org::Relation::kSameUnit, "", {}}});
  const Json vars = {{"nhan", "07615"}};
  EXPECT_EQ(&Resolve(plain, &vars, &scratch), &plain);
  const CompiledWho& named = Resolve(who, &vars, &scratch);
  EXPECT_EQ(&named, &scratch);
  EXPECT_EQ(named.rules[0].relation.units, std::vector<std::string>{"07615"});
  EXPECT_TRUE(who.rules[0].relation.units.empty()) << "the original is kept";
}

}  // namespace
}  // namespace wf::access
