// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/relations.h"

#include <string>
#include <vector>

#include "engine/org/org_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::org {
namespace {

using ::testing::HasSubstr;

const absl::CivilDay kJuly2025(2025, 7, 1);
const absl::CivilDay kJan2026(2026, 1, 16);

RelationSpec Rel(absl::string_view text) {
  absl::StatusOr<RelationSpec> spec = ParseRelation(text);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : RelationSpec{};
}

// Bắc Ninh and Tuyên Quang (2024 and 2025) in one tree, built for each test
// (a few milliseconds) so that a missing list fails every test by name.
class RelationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<OrgUnit>> bac_ninh = testing::BacNinhUnits();
    ASSERT_TRUE(bac_ninh.ok()) << bac_ninh.status();
    absl::StatusOr<std::vector<OrgUnit>> tuyen_quang =
        testing::TuyenQuangUnits();
    ASSERT_TRUE(tuyen_quang.ok()) << tuyen_quang.status();
    std::vector<OrgUnit> all = *bac_ninh;
    all.insert(all.end(), tuyen_quang->begin(), tuyen_quang->end());
    absl::StatusOr<OrgTree> tree = OrgTree::Build(std::move(all));
    ASSERT_TRUE(tree.ok()) << tree.status();
    tree_ = *std::move(tree);
  }

  const OrgTree& tree() { return tree_; }

  // The communes of a province in force on `day`.
  std::vector<std::string> Communes(absl::string_view province,
                                    absl::CivilDay day) {
    std::vector<std::string> ids;
    for (const OrgUnit* unit : tree().Subtree(province)) {
      if (IsCommuneKind(unit->kind) && InForce(*unit, day)) {
        ids.push_back(unit->id);
      }
    }
    return ids;
  }

  OrgTree tree_;
};

TEST(RelationParseTest, RoundTrips) {
  for (const char* text : {"same_unit", "parent", "ancestor", "standing_agency",
                           "tagged:so_noi_vu", "province", "var:noi_nhan"}) {
    absl::StatusOr<RelationSpec> spec = ParseRelation(text);
    ASSERT_TRUE(spec.ok()) << text;
    EXPECT_EQ(RelationText(*spec), text);
  }
  EXPECT_EQ(Rel("tagged:so_noi_vu").relation, Relation::kTaggedUnit);
  EXPECT_EQ(Rel("tagged:so_noi_vu").tag, "so_noi_vu");
  EXPECT_EQ(Rel("parent").relation, Relation::kParentUnit);
  EXPECT_EQ(Rel("var:noi_nhan").relation, Relation::kNamedUnits);
  EXPECT_EQ(Rel("var:noi_nhan").tag, "noi_nhan");
}

TEST(RelationParseTest, RefusesUnknownText) {
  for (const char* text : {"", "same", "Same_Unit", "tagged:", "tagged:Sở",
                           "tagged:so noi vu", "parent ", "var:",
                           "var:Nơi"}) {
    absl::StatusOr<RelationSpec> spec = ParseRelation(text);
    EXPECT_FALSE(spec.ok()) << text;
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(spec.status().message()), HasSubstr("quan hệ '"));
  }
}

TEST_F(RelationsTest, SameUnitIsOwnCommuneOnly) {
  EXPECT_TRUE(Holds(tree(), "07627", "07627", Rel("same_unit")));
  EXPECT_FALSE(Holds(tree(), "07627", "07615", Rel("same_unit")));
  EXPECT_FALSE(Holds(tree(), "bac_ninh", "07627", Rel("same_unit")));
  EXPECT_FALSE(Holds(tree(), "nowhere", "nowhere", Rel("same_unit")));
}

TEST_F(RelationsTest, StandingAgencyAndItsDepartmentReachEveryCommune) {
  std::vector<std::string> communes = Communes("bac_ninh", kJan2026);
  ASSERT_EQ(communes.size(), 99u);
  for (const std::string& commune : communes) {
    EXPECT_TRUE(
        Holds(tree(), "bn_cong_an_tinh", commune, Rel("standing_agency")))
        << commune;
    EXPECT_TRUE(
        Holds(tree(), "bn_phong_tham_muu", commune, Rel("standing_agency")))
        << commune;
    // Not another province's standing agency, not Sở Nội vụ, not a commune.
    EXPECT_FALSE(
        Holds(tree(), "tq_cong_an_tinh", commune, Rel("standing_agency")));
    EXPECT_FALSE(
        Holds(tree(), "bn_so_noi_vu", commune, Rel("standing_agency")));
    EXPECT_FALSE(Holds(tree(), "07627", commune, Rel("standing_agency")));
  }
  EXPECT_TRUE(Holds(tree(), "bn_phong_tham_muu", "bn_so_noi_vu",
                    Rel("standing_agency")));
  EXPECT_FALSE(Holds(tree(), "bac_ninh", "07627", Rel("standing_agency")));
}

TEST_F(RelationsTest, DistrictIsParentOfItsCommunesIn2024) {
  std::vector<std::string> communes =
      Communes("tuyen_quang", absl::CivilDay(2024, 2, 21));
  ASSERT_EQ(communes.size(), 138u);
  for (const std::string& commune : communes) {
    const OrgUnit* district = tree().Parent(commune);
    ASSERT_NE(district, nullptr);
    EXPECT_EQ(district->kind, kKindHuyen);
    EXPECT_TRUE(Holds(tree(), district->id, commune, Rel("parent")));
    EXPECT_TRUE(Holds(tree(), district->id, commune, Rel("ancestor")));
    EXPECT_FALSE(Holds(tree(), "tuyen_quang", commune, Rel("parent")));
    EXPECT_TRUE(Holds(tree(), "tuyen_quang", commune, Rel("ancestor")));
    EXPECT_FALSE(Holds(tree(), commune, district->id, Rel("parent")));
    EXPECT_TRUE(
        Holds(tree(), "tq_phong_tham_muu", commune, Rel("standing_agency")));
  }
  const std::string son_duong = "tuyen_quang_huyen_son_duong";
  const std::string ham_yen = "tuyen_quang_huyen_ham_yen";
  EXPECT_TRUE(
      Holds(tree(), son_duong, son_duong + "_xa_tan_thanh", Rel("parent")));
  EXPECT_FALSE(
      Holds(tree(), son_duong, ham_yen + "_xa_tan_thanh", Rel("parent")));
  // After the reform the province is the communes' parent.
  EXPECT_TRUE(Holds(tree(), "tuyen_quang", "02215", Rel("parent")));
}

TEST_F(RelationsTest, SoNoiVuByTag) {
  EXPECT_TRUE(Holds(tree(), "bn_so_noi_vu", "07627", Rel("tagged:so_noi_vu")));
  EXPECT_TRUE(Holds(tree(), "bn_ban_tdkt", "07627", Rel("tagged:so_noi_vu")));
  EXPECT_TRUE(Holds(tree(), "bn_so_noi_vu", "bn_cong_an_tinh",
                    Rel("tagged:so_noi_vu")));
  EXPECT_FALSE(
      Holds(tree(), "bn_cong_an_tinh", "07627", Rel("tagged:so_noi_vu")));
  EXPECT_FALSE(Holds(tree(), "tq_so_noi_vu", "07627", Rel("tagged:so_noi_vu")));
  EXPECT_TRUE(Holds(tree(), "tq_so_noi_vu", "02215", Rel("tagged:so_noi_vu")));
  EXPECT_TRUE(Holds(tree(), "bn_vp_ubnd", "07627", Rel("tagged:van_thu")));
  EXPECT_FALSE(Holds(tree(), "bn_vp_ubnd", "07627", Rel("tagged:so_noi_vu")));
}

// "var:<name>" holds for exactly the units the access layer filled in from
// the document's variable: not the units inside them (a district named is
// not its communes); unfilled, for no one.
TEST_F(RelationsTest, NamedUnitsExactly) {
  RelationSpec named = Rel("var:noi_nhan");
  EXPECT_FALSE(Holds(tree(), "bn_cong_an_tinh", "07627", named));
  named.units = {"bn_cong_an_tinh", "07615"};
  EXPECT_TRUE(Holds(tree(), "bn_cong_an_tinh", "07627", named));
  EXPECT_TRUE(Holds(tree(), "07615", "07627", named));
  EXPECT_FALSE(Holds(tree(), "bn_phong_tham_muu", "07627", named))
      << "a department is named on its own";
  EXPECT_FALSE(Holds(tree(), "bn_so_noi_vu", "07627", named));
  EXPECT_FALSE(Holds(tree(), "bac_ninh", "07627", named)) << "not above";
  named.units = {"bac_ninh"};
  EXPECT_FALSE(Holds(tree(), "bn_so_noi_vu", "07627", named))
      << "the province named is not every unit in it";
}

TEST_F(RelationsTest, ProvinceLevel) {
  EXPECT_TRUE(Holds(tree(), "bac_ninh", "07627", Rel("province")));
  EXPECT_TRUE(Holds(tree(), "bn_vp_ubnd", "07627", Rel("province")));
  EXPECT_TRUE(Holds(tree(), "bn_phong_tham_muu", "07615", Rel("province")));
  EXPECT_FALSE(Holds(tree(), "07615", "07627", Rel("province")));
  EXPECT_FALSE(Holds(tree(), "bn_ca_dai_son", "07627", Rel("province")));
  EXPECT_FALSE(Holds(tree(), "tq_so_noi_vu", "07627", Rel("province")));
  EXPECT_FALSE(Holds(tree(), "tuyen_quang_huyen_son_duong",
                     "tuyen_quang_huyen_son_duong_xa_tan_thanh",
                     Rel("province")));
}

// People of Bắc Ninh and Tuyên Quang for the permission checks.
class PermissionTest : public RelationsTest {
 protected:
  void SetUp() override {
    RelationsTest::SetUp();
    if (HasFatalFailure()) return;
    std::vector<Person> people = {
        {"chu_tich.dai_son", "Nguyễn Văn Sơn"},
        {"pho_chu_tich.dai_son", "Trần Thị Hà"},
        {"chuyen_vien.ptm", "Lê Minh Tuấn"},
        {"chuyen_vien.snv", "Phạm Thu Hường"},
        {"chu_tich.minh_xuan_cu", "Hoàng Văn Xuân"},
        {"chuyen_vien.tq", "Đỗ Thị Lan"},
    };
    auto at = [](const char* person, const char* role, const char* unit,
                 absl::CivilDay from, std::optional<absl::CivilDay> to,
                 const char* acting_for) {
      return RoleAssignment{person, role, unit, from, to, acting_for};
    };
    std::vector<RoleAssignment> assignments = {
        at("chu_tich.dai_son", "chu_tich", "07627", kJuly2025, std::nullopt,
           ""),
        at("pho_chu_tich.dai_son", "pho_chu_tich", "07627", kJuly2025,
           std::nullopt, ""),
        at("pho_chu_tich.dai_son", "chu_tich", "07627",
           absl::CivilDay(2026, 1, 12), absl::CivilDay(2026, 1, 20),
           "chu_tich.dai_son"),
        at("chuyen_vien.ptm", "chuyen_vien", "bn_phong_tham_muu", kJuly2025,
           std::nullopt, ""),
        at("chuyen_vien.snv", "chuyen_vien", "bn_ban_tdkt", kJuly2025,
           std::nullopt, ""),
        at("chu_tich.minh_xuan_cu", "chu_tich",
           "tuyen_quang_thanh_pho_tuyen_quang_phuong_minh_xuan",
           absl::CivilDay(2024, 1, 1), std::nullopt, ""),
        at("chuyen_vien.tq", "chuyen_vien", "tq_phong_tham_muu",
           absl::CivilDay(2024, 1, 1), std::nullopt, ""),
    };
    absl::StatusOr<Directory> directory =
        Directory::Build(tree(), std::move(people), std::move(assignments));
    ASSERT_TRUE(directory.ok()) << directory.status();
    directory_ = *std::move(directory);
  }

  absl::StatusOr<Grant> Check(absl::string_view person, absl::CivilDay day,
                              absl::string_view document_unit,
                              std::vector<PermissionRule> rules) {
    return CheckPermission(tree(), directory_, person, day, document_unit,
                           rules);
  }

  Directory directory_;
};

TEST_F(PermissionTest, ChairmanActsForHisOwnCommuneOnly) {
  absl::StatusOr<Grant> own = Check("chu_tich.dai_son", kJan2026, "07627",
                                    {{"chu_tich", Rel("same_unit")}});
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->role, "chu_tich");
  EXPECT_EQ(own->unit_id, "07627");
  EXPECT_EQ(own->acting_for, "");

  absl::StatusOr<Grant> sibling = Check("chu_tich.dai_son", kJan2026, "07616",
                                        {{"chu_tich", Rel("same_unit")}});
  ASSERT_FALSE(sibling.ok());
  EXPECT_EQ(sibling.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(sibling.status().message(),
            "'Nguyễn Văn Sơn' (chu_tich.dai_son) không có quyền thao tác "
            "trên văn bản của đơn vị 'Xã Tây Yên Tử' (07616) ngày 16/01/2026: "
            "cần vai trò 'chu_tich' tại chính đơn vị 'Xã Tây Yên Tử' "
            "(07616). Vai trò đang giữ ngày này: 'chu_tich' tại 'Xã Đại "
            "Sơn' (07627).");
}

TEST_F(PermissionTest, DelegateActsForTheChairmanWithinTheWindow) {
  std::vector<PermissionRule> rules = {{"chu_tich", Rel("same_unit")}};
  absl::StatusOr<Grant> during =
      Check("pho_chu_tich.dai_son", kJan2026, "07627", rules);
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->role, "chu_tich");
  EXPECT_EQ(during->acting_for, "chu_tich.dai_son");

  absl::StatusOr<Grant> expired = Check(
      "pho_chu_tich.dai_son", absl::CivilDay(2026, 1, 21), "07627", rules);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(expired.status().message()),
              HasSubstr("Vai trò đang giữ ngày này: 'pho_chu_tich' tại 'Xã "
                        "Đại Sơn' (07627)."));

  // The message lists a delegated role with its principal.
  absl::StatusOr<Grant> elsewhere =
      Check("pho_chu_tich.dai_son", kJan2026, "07615", rules);
  EXPECT_THAT(std::string(elsewhere.status().message()),
              HasSubstr("'chu_tich' tại 'Xã Đại Sơn' (07627) (thừa ủy quyền "
                        "của 'chu_tich.dai_son')"));
}

TEST_F(PermissionTest, OwnRoleComesBeforeDelegatedOne) {
  absl::StatusOr<Grant> grant = Check(
      "pho_chu_tich.dai_son", kJan2026, "07627",
      {{"chu_tich", Rel("same_unit")}, {"pho_chu_tich", Rel("same_unit")}});
  ASSERT_TRUE(grant.ok()) << grant.status();
  EXPECT_EQ(grant->role, "pho_chu_tich");
  EXPECT_EQ(grant->acting_for, "");
}

TEST_F(PermissionTest, StandingAgencyOfficerReceivesEveryPlan) {
  std::vector<PermissionRule> rules = {{"chuyen_vien", Rel("standing_agency")}};
  for (const char* unit : {"07627", "07615", "bn_so_noi_vu", "bac_ninh"}) {
    absl::StatusOr<Grant> grant =
        Check("chuyen_vien.ptm", kJan2026, unit, rules);
    ASSERT_TRUE(grant.ok()) << unit << ": " << grant.status();
    EXPECT_EQ(grant->unit_id, "bn_phong_tham_muu");
  }
  absl::StatusOr<Grant> other =
      Check("chuyen_vien.ptm", kJan2026, "02215", rules);
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(std::string(other.status().message()),
              HasSubstr("cần vai trò 'chuyen_vien' tại cơ quan thường trực "
                        "của tỉnh 'Tuyên Quang' (tuyen_quang) là 'Công an tỉnh "
                        "Tuyên Quang' (tq_cong_an_tinh), hoặc một đơn vị trực "
                        "thuộc"));
}

TEST_F(PermissionTest, SoNoiVuAppraisesByTag) {
  std::vector<PermissionRule> rules = {
      {"chuyen_vien", Rel("tagged:so_noi_vu")}};
  EXPECT_TRUE(Check("chuyen_vien.snv", kJan2026, "07627", rules).ok());
  absl::StatusOr<Grant> officer =
      Check("chuyen_vien.ptm", kJan2026, "07627", rules);
  ASSERT_FALSE(officer.ok());
  EXPECT_THAT(std::string(officer.status().message()),
              HasSubstr("cần vai trò 'chuyen_vien' tại đơn vị mang nhãn "
                        "'so_noi_vu' của tỉnh 'Bắc Ninh' (bac_ninh) là 'Sở "
                        "Nội vụ' (bn_so_noi_vu), hoặc một đơn vị trực thuộc"));
  absl::StatusOr<Grant> missing =
      Check("chuyen_vien.ptm", kJan2026, "07627",
            {{"chuyen_vien", Rel("tagged:so_tai_chinh")}});
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("nhưng tỉnh chưa có đơn vị nào mang nhãn "
                        "'so_tai_chinh'"));
}

TEST_F(PermissionTest, SeveralRulesAreListed) {
  absl::StatusOr<Grant> grant =
      Check("chuyen_vien.snv", kJan2026, "07627",
            {{"chu_tich", Rel("same_unit")}, {"chu_tich", Rel("parent")}});
  ASSERT_FALSE(grant.ok());
  EXPECT_THAT(std::string(grant.status().message()),
              HasSubstr("cần một trong các điều kiện sau: cần vai trò "
                        "'chu_tich' tại chính đơn vị 'Xã Đại Sơn' (07627); "
                        "hoặc cần vai trò 'chu_tich' tại đơn vị cấp trên trực "
                        "tiếp 'Bắc Ninh' (bac_ninh)"));
}

TEST_F(PermissionTest, DocumentsOfACeasedCommuneStayWithTheProvince) {
  const std::string old_ward =
      "tuyen_quang_thanh_pho_tuyen_quang_phuong_minh_xuan";
  std::vector<PermissionRule> chairman = {{"chu_tich", Rel("same_unit")}};
  EXPECT_TRUE(Check("chu_tich.minh_xuan_cu", absl::CivilDay(2025, 6, 30),
                    old_ward, chairman)
                  .ok());
  // His role ended with the ward on 30/06/2025.
  absl::StatusOr<Grant> after =
      Check("chu_tich.minh_xuan_cu", kJuly2025, old_ward, chairman);
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(std::string(after.status().message()),
              HasSubstr("Ngày này người này không giữ vai trò nào."));
  // The standing agency still reaches the old ward's documents.
  EXPECT_TRUE(Check("chuyen_vien.tq", absl::CivilDay(2025, 8, 1), old_ward,
                    {{"chuyen_vien", Rel("standing_agency")}})
                  .ok());
}

TEST_F(PermissionTest, UnknownPersonOrUnitIsNotFound) {
  std::vector<PermissionRule> rules = {{"chu_tich", Rel("same_unit")}};
  EXPECT_EQ(Check("nobody", kJan2026, "07627", rules).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Check("chu_tich.dai_son", kJan2026, "99999", rules).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<Grant> none = Check("chu_tich.dai_son", kJan2026, "07627", {});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(none.status().message()),
              HasSubstr("không có quy tắc nào"));
}

TEST_F(PermissionTest, DescribeRequirementPerRelation) {
  EXPECT_EQ(
      DescribeRequirement(tree(), "tuyen_quang_huyen_son_duong_xa_tan_thanh",
                          {"chu_tich", Rel("ancestor")}),
      "cần vai trò 'chu_tich' tại một đơn vị cấp trên của 'Xã Tân "
      "Thanh' (tuyen_quang_huyen_son_duong_xa_tan_thanh) ('Huyện Sơn "
      "Dương' (tuyen_quang_huyen_son_duong), 'Tuyên Quang' "
      "(tuyen_quang))");
  EXPECT_EQ(DescribeRequirement(tree(), "07627", {"giam_doc", Rel("province")}),
            "cần vai trò 'giam_doc' tại một đơn vị cấp tỉnh của tỉnh 'Bắc "
            "Ninh' (bac_ninh)");
  EXPECT_EQ(
      DescribeRequirement(tree(), "bac_ninh", {"chu_tich", Rel("parent")}),
      "cần vai trò 'chu_tich' tại đơn vị cấp trên trực tiếp của 'Bắc "
      "Ninh' (bac_ninh), nhưng đơn vị này không có cấp trên");
  RelationSpec named = Rel("var:noi_nhan");
  EXPECT_EQ(DescribeRequirement(tree(), "07627", {"chuyen_vien", named}),
            "cần vai trò 'chuyen_vien' tại đơn vị mà văn bản chỉ định (biến "
            "'noi_nhan'), nhưng văn bản chưa chỉ định đơn vị nào");
  named.units = {"bn_so_noi_vu"};
  EXPECT_EQ(DescribeRequirement(tree(), "07627", {"chuyen_vien", named}),
            "cần vai trò 'chuyen_vien' tại đơn vị mà văn bản chỉ định (biến "
            "'noi_nhan'): 'Sở Nội vụ' (bn_so_noi_vu)");
}

}  // namespace
}  // namespace wf::org
