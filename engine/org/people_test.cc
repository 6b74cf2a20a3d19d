// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/people.h"

#include <string>
#include <vector>

#include "engine/org/org_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::org {
namespace {

using ::testing::HasSubstr;
using testing::MakeUnit;

const absl::CivilDay kJuly2025(2025, 7, 1);

OrgTree Tree() {
  absl::StatusOr<OrgTree> tree = OrgTree::Build({
      MakeUnit("bac_ninh", "Bắc Ninh", kKindTinh, "", kJuly2025),
      MakeUnit("07627", "Xã Đại Sơn", kKindXa, "bac_ninh", kJuly2025),
      MakeUnit("07615", "Xã Sơn Động", kKindXa, "bac_ninh", kJuly2025),
      MakeUnit("bn_tam", "Ban tạm thời", kKindCoQuan, "bac_ninh", kJuly2025,
               absl::CivilDay(2025, 12, 31)),
  });
  EXPECT_TRUE(tree.ok()) << tree.status();
  return tree.ok() ? *std::move(tree) : OrgTree();
}

std::vector<Person> People() {
  return {{"nguyen.van.a", "Nguyễn Văn A"},
          {"tran.thi.b", "Trần Thị B"},
          {"le.van.c", "Lê Văn C"}};
}

RoleAssignment Assign(std::string person, std::string role, std::string unit,
                      absl::CivilDay from,
                      std::optional<absl::CivilDay> to = std::nullopt,
                      std::string acting_for = "") {
  return RoleAssignment{
      std::move(person),    std::move(role), std::move(unit), from, to,
      std::move(acting_for)};
}

// A chairman from 01/07/2025, and his delegation to his deputy for
// 10 days of January 2026.
std::vector<RoleAssignment> Assignments() {
  return {
      Assign("nguyen.van.a", "chu_tich", "07627", kJuly2025),
      Assign("tran.thi.b", "pho_chu_tich", "07627", kJuly2025),
      Assign("tran.thi.b", "chu_tich", "07627", absl::CivilDay(2026, 1, 5),
             absl::CivilDay(2026, 1, 14), "nguyen.van.a"),
  };
}

std::string BuildError(std::vector<Person> people,
                       std::vector<RoleAssignment> assignments) {
  absl::StatusOr<Directory> directory =
      Directory::Build(Tree(), std::move(people), std::move(assignments));
  EXPECT_FALSE(directory.ok());
  if (directory.ok()) return "";
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(directory.status().message());
}

std::vector<std::string> RolesText(const Directory& directory,
                                   absl::string_view person,
                                   absl::CivilDay day) {
  std::vector<std::string> out;
  for (const HeldRole& held : directory.RolesOn(person, day)) {
    out.push_back(held.role + "@" + held.unit_id +
                  (held.acting_for.empty() ? "" : " for " + held.acting_for));
  }
  return out;
}

TEST(PeopleTest, PersonIds) {
  EXPECT_TRUE(IsPersonId("nguyen.van.a"));
  EXPECT_TRUE(IsPersonId("can-bo.tien-du"));
  EXPECT_TRUE(IsPersonId("cb00123"));
  EXPECT_FALSE(IsPersonId(""));
  EXPECT_FALSE(IsPersonId("Nguyen"));
  EXPECT_FALSE(IsPersonId(".a"));
  EXPECT_FALSE(IsPersonId("a b"));
  EXPECT_FALSE(IsPersonId(std::string(65, 'a')));
}

TEST(PeopleTest, RolesOnFollowsWindowsAndDelegations) {
  absl::StatusOr<Directory> directory =
      Directory::Build(Tree(), People(), Assignments());
  ASSERT_TRUE(directory.ok()) << directory.status();
  EXPECT_TRUE(
      directory->RolesOn("nguyen.van.a", absl::CivilDay(2025, 6, 30)).empty());
  EXPECT_THAT(RolesText(*directory, "nguyen.van.a", kJuly2025),
              ::testing::ElementsAre("chu_tich@07627"));
  EXPECT_THAT(RolesText(*directory, "tran.thi.b", absl::CivilDay(2026, 1, 4)),
              ::testing::ElementsAre("pho_chu_tich@07627"));
  EXPECT_THAT(RolesText(*directory, "tran.thi.b", absl::CivilDay(2026, 1, 5)),
              ::testing::ElementsAre("pho_chu_tich@07627",
                                     "chu_tich@07627 for nguyen.van.a"));
  EXPECT_THAT(RolesText(*directory, "tran.thi.b", absl::CivilDay(2026, 1, 14)),
              ::testing::ElementsAre("pho_chu_tich@07627",
                                     "chu_tich@07627 for nguyen.van.a"));
  // Expired: the delegation grants nothing any more.
  EXPECT_THAT(RolesText(*directory, "tran.thi.b", absl::CivilDay(2026, 1, 15)),
              ::testing::ElementsAre("pho_chu_tich@07627"));
  EXPECT_TRUE(directory->RolesOn("le.van.c", kJuly2025).empty());
  EXPECT_TRUE(directory->RolesOn("nobody", kJuly2025).empty());
}

TEST(PeopleTest, HoldersOnIncludesTheDelegate) {
  absl::StatusOr<Directory> directory =
      Directory::Build(Tree(), People(), Assignments());
  ASSERT_TRUE(directory.ok()) << directory.status();
  auto holders =
      directory->HoldersOn("chu_tich", "07627", absl::CivilDay(2026, 1, 10));
  ASSERT_EQ(holders.size(), 2u);
  EXPECT_EQ(holders[0]->person_id, "nguyen.van.a");
  EXPECT_EQ(holders[1]->person_id, "tran.thi.b");
  EXPECT_EQ(holders[1]->acting_for, "nguyen.van.a");
  EXPECT_EQ(directory->FindPerson("tran.thi.b")->name, "Trần Thị B");
  EXPECT_EQ(directory->FindPerson("nobody"), nullptr);
}

TEST(PeopleTest, OpenRoleEndsWithItsUnit) {
  std::vector<RoleAssignment> assignments = {
      Assign("le.van.c", "truong_ban", "bn_tam", kJuly2025)};
  absl::StatusOr<Directory> directory =
      Directory::Build(Tree(), People(), assignments);
  ASSERT_TRUE(directory.ok()) << directory.status();
  EXPECT_EQ(directory->assignments()[0].valid_to, absl::CivilDay(2025, 12, 31));
  EXPECT_EQ(directory->RolesOn("le.van.c", absl::CivilDay(2025, 12, 31)).size(),
            1u);
  EXPECT_TRUE(
      directory->RolesOn("le.van.c", absl::CivilDay(2026, 1, 1)).empty());
}

TEST(PeopleTest, DelegationMayRideOnConsecutiveTerms) {
  std::vector<RoleAssignment> assignments = {
      Assign("nguyen.van.a", "chu_tich", "07627", kJuly2025,
             absl::CivilDay(2025, 12, 31)),
      Assign("nguyen.van.a", "chu_tich", "07627", absl::CivilDay(2026, 1, 1)),
      Assign("tran.thi.b", "chu_tich", "07627", absl::CivilDay(2025, 12, 20),
             absl::CivilDay(2026, 1, 10), "nguyen.van.a"),
  };
  EXPECT_TRUE(Directory::Build(Tree(), People(), assignments).ok());
}

TEST(PeopleTest, RefusesDelegationBeyondTheHoldersWindow) {
  std::vector<RoleAssignment> assignments = {
      Assign("nguyen.van.a", "chu_tich", "07627", kJuly2025,
             absl::CivilDay(2025, 12, 31)),
      Assign("tran.thi.b", "chu_tich", "07627", absl::CivilDay(2025, 12, 20),
             absl::CivilDay(2026, 1, 10), "nguyen.van.a"),
  };
  EXPECT_EQ(BuildError(People(), assignments),
            "phân công thứ 2 ('tran.thi.b', 'chu_tich', '07627'): "
            "'nguyen.van.a' không giữ vai trò 'chu_tich' tại '07627' suốt "
            "thời gian ủy quyền từ 20/12/2025 đến 10/01/2026");
}

TEST(PeopleTest, RefusesDelegationOfARoleNotHeldThere) {
  std::vector<RoleAssignment> assignments = Assignments();
  assignments[2].unit_id = "07615";  // A is chairman of 07627, not 07615
  EXPECT_THAT(BuildError(People(), assignments),
              HasSubstr("'nguyen.van.a' không giữ vai trò 'chu_tich' tại "
                        "'07615'"));
}

TEST(PeopleTest, RefusesRedelegation) {
  std::vector<RoleAssignment> assignments = Assignments();
  assignments.push_back(Assign("le.van.c", "chu_tich", "07627",
                               absl::CivilDay(2026, 1, 6),
                               absl::CivilDay(2026, 1, 8), "tran.thi.b"));
  EXPECT_EQ(BuildError(People(), assignments),
            "phân công thứ 4 ('le.van.c', 'chu_tich', '07627'): "
            "'tran.thi.b' chỉ giữ vai trò 'chu_tich' tại '07627' theo ủy "
            "quyền, không được ủy quyền lại (thừa ủy quyền không được ủy "
            "quyền tiếp)");
}

TEST(PeopleTest, RefusesOpenAndSelfDelegation) {
  std::vector<RoleAssignment> open = Assignments();
  open[2].valid_to = std::nullopt;
  EXPECT_THAT(BuildError(People(), open), HasSubstr("phải có thời hạn"));
  std::vector<RoleAssignment> self = Assignments();
  self[2].person_id = "nguyen.van.a";
  EXPECT_THAT(BuildError(People(), self),
              HasSubstr("không thể tự ủy quyền cho chính mình"));
  std::vector<RoleAssignment> unknown = Assignments();
  unknown[2].acting_for = "ho.van.d";
  EXPECT_THAT(BuildError(People(), unknown),
              HasSubstr("người ủy quyền 'ho.van.d' không có trong danh sách"));
}

TEST(PeopleTest, RefusesBadAssignments) {
  struct Case {
    RoleAssignment assignment;
    const char* expected;
  };
  const Case cases[] = {
      {Assign("ho.van.d", "can_bo", "07627", kJuly2025),
       "người 'ho.van.d' không có trong danh sách người"},
      {Assign("le.van.c", "can_bo", "07999", kJuly2025),
       "đơn vị '07999' không có trong cây tổ chức"},
      {Assign("le.van.c", "Can Bo", "07627", kJuly2025),
       "vai trò 'Can Bo' không hợp lệ"},
      {Assign("le.van.c", "can_bo", "07627", absl::CivilDay(2026, 1, 2),
              absl::CivilDay(2026, 1, 1)),
       "kết thúc ngày 01/01/2026, trước ngày bắt đầu 02/01/2026"},
      {Assign("le.van.c", "can_bo", "07627", absl::CivilDay(2025, 6, 1)),
       "vai trò 'can_bo' tại '07627' từ 01/06/2025 ra ngoài thời gian hiệu "
       "lực của đơn vị (từ 01/07/2025)"},
      {Assign("le.van.c", "can_bo", "bn_tam", kJuly2025,
              absl::CivilDay(2026, 3, 1)),
       "ra ngoài thời gian hiệu lực của đơn vị (từ 01/07/2025 đến "
       "31/12/2025)"},
  };
  for (const Case& c : cases) {
    std::vector<RoleAssignment> assignments = Assignments();
    assignments.push_back(c.assignment);
    EXPECT_THAT(BuildError(People(), assignments), HasSubstr(c.expected))
        << c.expected;
  }
}

TEST(PeopleTest, RefusesOverlappingSameRole) {
  std::vector<RoleAssignment> assignments = Assignments();
  assignments.push_back(
      Assign("nguyen.van.a", "chu_tich", "07627", absl::CivilDay(2026, 1, 1)));
  EXPECT_EQ(BuildError(People(), assignments),
            "phân công thứ 4 ('nguyen.van.a', 'chu_tich', '07627'): vai trò "
            "'chu_tich' tại '07627' của 'nguyen.van.a' trùng thời gian với "
            "phân công thứ 1 ('nguyen.van.a', 'chu_tich', '07627')");
}

TEST(PeopleTest, RefusesBadPeople) {
  std::vector<Person> duplicate = People();
  duplicate.push_back({"tran.thi.b", "Trần Thị Bé"});
  EXPECT_EQ(BuildError(duplicate, {}),
            "người thứ 4 ('tran.thi.b'): mã người 'tran.thi.b' bị trùng với "
            "người thứ 2 ('tran.thi.b')");
  std::vector<Person> bad_id = People();
  bad_id.push_back({"Tran Thi B", "Trần Thị B"});
  EXPECT_THAT(BuildError(bad_id, {}), HasSubstr("mã người 'Tran Thi B'"));
  std::vector<Person> nfd = People();
  nfd.push_back({"d", testing::ToNfd("Đỗ Thị Dung")});
  EXPECT_THAT(BuildError(nfd, {}), HasSubstr("chưa được chuẩn hóa NFC"));
}

}  // namespace
}  // namespace wf::org
