// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/org_tree.h"

#include <string>
#include <vector>

#include "engine/org/org_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::org {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeUnit;

const absl::CivilDay kJuly2025(2025, 7, 1);
const absl::CivilDay kJan2024(2024, 1, 1);

// A small Bắc Ninh: two communes, Công an tỉnh with Phòng Tham mưu,
// Sở Nội vụ; and Lai Châu with its Công an tỉnh.
std::vector<OrgUnit> SmallUnits() {
  return {
      MakeUnit("bac_ninh", "Bắc Ninh", kKindTinh, "", kJuly2025),
      MakeUnit("07627", "Xã Đại Sơn", kKindXa, "bac_ninh", kJuly2025),
      MakeUnit("07615", "Xã Sơn Động", kKindXa, "bac_ninh", kJuly2025),
      MakeUnit("bn_cong_an_tinh", "Công an tỉnh", kKindCoQuan, "bac_ninh",
               kJuly2025, std::nullopt, {kTagStandingAgency}),
      MakeUnit("bn_phong_tham_muu", "Phòng Tham mưu", kKindPhong,
               "bn_cong_an_tinh", kJuly2025),
      MakeUnit("bn_so_noi_vu", "Sở Nội vụ", kKindCoQuan, "bac_ninh", kJuly2025,
               std::nullopt, {kTagSoNoiVu}),
      MakeUnit("bn_ca_dai_son", "Công an xã Đại Sơn", kKindCoQuan, "07627",
               kJuly2025),
      MakeUnit("lai_chau", "Lai Châu", kKindTinh, "", kJuly2025),
      MakeUnit("lc_cong_an_tinh", "Công an tỉnh", kKindCoQuan, "lai_chau",
               kJuly2025, std::nullopt, {kTagStandingAgency}),
  };
}

OrgTree SmallTree() {
  absl::StatusOr<OrgTree> tree = OrgTree::Build(SmallUnits());
  EXPECT_TRUE(tree.ok()) << tree.status();
  return tree.ok() ? *std::move(tree) : OrgTree();
}

std::vector<std::string> Ids(const std::vector<const OrgUnit*>& units) {
  std::vector<std::string> ids;
  for (const OrgUnit* unit : units) ids.push_back(unit->id);
  return ids;
}

// The message Build gives for `units`; fails the test when Build accepts.
std::string BuildError(std::vector<OrgUnit> units) {
  absl::StatusOr<OrgTree> tree = OrgTree::Build(std::move(units));
  EXPECT_FALSE(tree.ok());
  if (tree.ok()) return "";
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(tree.status().message());
}

TEST(OrgTreeTest, FindAndParent) {
  OrgTree tree = SmallTree();
  ASSERT_NE(tree.Find("07627"), nullptr);
  EXPECT_EQ(tree.Find("07627")->name, "Xã Đại Sơn");
  EXPECT_EQ(tree.Find("nowhere"), nullptr);
  EXPECT_EQ(tree.Parent("07627")->id, "bac_ninh");
  EXPECT_EQ(tree.Parent("bn_phong_tham_muu")->id, "bn_cong_an_tinh");
  EXPECT_EQ(tree.Parent("bac_ninh"), nullptr);
  EXPECT_EQ(tree.units().size(), SmallUnits().size());
}

TEST(OrgTreeTest, AncestorIsStrict) {
  OrgTree tree = SmallTree();
  EXPECT_TRUE(tree.IsAncestorOf("bac_ninh", "bn_phong_tham_muu"));
  EXPECT_TRUE(tree.IsAncestorOf("bn_cong_an_tinh", "bn_phong_tham_muu"));
  EXPECT_FALSE(tree.IsAncestorOf("bn_phong_tham_muu", "bn_cong_an_tinh"));
  EXPECT_FALSE(tree.IsAncestorOf("07627", "07627"));
  EXPECT_FALSE(tree.IsAncestorOf("07627", "07615"));
  EXPECT_FALSE(tree.IsAncestorOf("lai_chau", "07627"));
  EXPECT_FALSE(tree.IsAncestorOf("nowhere", "07627"));
}

TEST(OrgTreeTest, ProvinceAndProvinceLevel) {
  OrgTree tree = SmallTree();
  EXPECT_EQ(tree.Province("bn_phong_tham_muu")->id, "bac_ninh");
  EXPECT_EQ(tree.Province("bac_ninh")->id, "bac_ninh");
  EXPECT_EQ(tree.Province("lc_cong_an_tinh")->id, "lai_chau");
  EXPECT_EQ(tree.Province("nowhere"), nullptr);
  EXPECT_TRUE(tree.AtProvinceLevel("bac_ninh"));
  EXPECT_TRUE(tree.AtProvinceLevel("bn_phong_tham_muu"));
  EXPECT_FALSE(tree.AtProvinceLevel("07627"));
  EXPECT_FALSE(tree.AtProvinceLevel("bn_ca_dai_son"));  // under a commune
}

TEST(OrgTreeTest, SubtreeIsPreOrderInInputOrder) {
  OrgTree tree = SmallTree();
  EXPECT_THAT(
      Ids(tree.Subtree("bac_ninh")),
      ElementsAre("bac_ninh", "07627", "bn_ca_dai_son", "07615",
                  "bn_cong_an_tinh", "bn_phong_tham_muu", "bn_so_noi_vu"));
  EXPECT_THAT(Ids(tree.Subtree("07615")), ElementsAre("07615"));
  EXPECT_TRUE(tree.Subtree("nowhere").empty());
}

TEST(OrgTreeTest, FindTaggedStaysInItsProvince) {
  OrgTree tree = SmallTree();
  EXPECT_THAT(Ids(tree.FindTagged("bac_ninh", kTagStandingAgency)),
              ElementsAre("bn_cong_an_tinh"));
  EXPECT_THAT(Ids(tree.FindTagged("lai_chau", kTagStandingAgency)),
              ElementsAre("lc_cong_an_tinh"));
  EXPECT_TRUE(tree.FindTagged("lai_chau", kTagSoNoiVu).empty());
  EXPECT_TRUE(tree.FindTagged("nowhere", kTagSoNoiVu).empty());
}

TEST(OrgTreeTest, ValidityDatesAndChildrenOnADay) {
  std::vector<OrgUnit> units = {
      MakeUnit("tuyen_quang", "Tuyên Quang", kKindTinh, "", kJan2024),
      MakeUnit("tq_son_duong", "Huyện Sơn Dương", kKindHuyen, "tuyen_quang",
               kJan2024, kLastDistrictDay),
      MakeUnit("tq_tan_thanh", "Xã Tân Thanh", kKindXa, "tq_son_duong",
               kJan2024, kLastDistrictDay),
      MakeUnit("02215", "Phường Minh Xuân", kKindPhuong, "tuyen_quang",
               kJuly2025),
  };
  absl::StatusOr<OrgTree> tree = OrgTree::Build(units);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_TRUE(tree->ActiveOn("tq_tan_thanh", absl::CivilDay(2025, 6, 30)));
  EXPECT_FALSE(tree->ActiveOn("tq_tan_thanh", kJuly2025));
  EXPECT_FALSE(tree->ActiveOn("tq_tan_thanh", absl::CivilDay(2023, 12, 31)));
  EXPECT_FALSE(tree->ActiveOn("02215", absl::CivilDay(2025, 6, 30)));
  EXPECT_TRUE(tree->ActiveOn("02215", kJuly2025));
  EXPECT_FALSE(tree->ActiveOn("nowhere", kJuly2025));
  // A ceased unit still exists, with its place in the tree.
  ASSERT_NE(tree->Find("tq_tan_thanh"), nullptr);
  EXPECT_EQ(tree->Province("tq_tan_thanh")->id, "tuyen_quang");
  EXPECT_THAT(Ids(tree->ChildrenOf("tuyen_quang", absl::CivilDay(2025, 6, 30))),
              ElementsAre("tq_son_duong"));
  EXPECT_THAT(Ids(tree->ChildrenOf("tuyen_quang", kJuly2025)),
              ElementsAre("02215"));
}

TEST(OrgTreeTest, RefusesDuplicateIds) {
  std::vector<OrgUnit> units = SmallUnits();
  units.push_back(
      MakeUnit("07627", "Xã Đại Sơn", kKindXa, "bac_ninh", kJuly2025));
  EXPECT_EQ(BuildError(units),
            "đơn vị thứ 10 ('07627'): mã đơn vị '07627' bị trùng với "
            "đơn vị thứ 2 ('07627')");
}

TEST(OrgTreeTest, RefusesUnknownParent) {
  std::vector<OrgUnit> units = SmallUnits();
  units[2].parent_id = "bac_giang";
  EXPECT_EQ(BuildError(units),
            "đơn vị thứ 3 ('07615'): đơn vị cấp trên 'bac_giang' của "
            "'07615' không tồn tại");
}

TEST(OrgTreeTest, RefusesCycles) {
  std::vector<OrgUnit> units = SmallUnits();
  units.push_back(
      MakeUnit("phong_a", "Phòng A", kKindPhong, "phong_b", kJuly2025));
  units.push_back(
      MakeUnit("phong_b", "Phòng B", kKindPhong, "phong_a", kJuly2025));
  EXPECT_EQ(BuildError(units),
            "đơn vị thứ 10 ('phong_a'): đơn vị 'phong_a' nằm trong một vòng "
            "lặp cấp trên: phong_a → phong_b → phong_a");
  std::vector<OrgUnit> self = SmallUnits();
  self.push_back(
      MakeUnit("phong_c", "Phòng C", kKindPhong, "phong_c", kJuly2025));
  EXPECT_THAT(BuildError(self), HasSubstr("phong_c → phong_c"));
}

TEST(OrgTreeTest, RefusesChildOutsideParentValidity) {
  std::vector<OrgUnit> early = SmallUnits();
  early[1].valid_from = absl::CivilDay(2025, 6, 1);
  EXPECT_THAT(BuildError(early),
              HasSubstr("'07627' có hiệu lực từ 01/06/2025, ra ngoài thời "
                        "gian hiệu lực của đơn vị cấp trên 'bac_ninh' (từ "
                        "01/07/2025)"));
  std::vector<OrgUnit> late = {
      MakeUnit("tq", "Tuyên Quang", kKindTinh, "", kJan2024),
      MakeUnit("tq_huyen", "Huyện Na Hang", kKindHuyen, "tq", kJan2024,
               absl::CivilDay(2025, 6, 30)),
      MakeUnit("tq_xa", "Xã Sinh Long", kKindXa, "tq_huyen", kJan2024),
  };
  EXPECT_THAT(BuildError(late), HasSubstr("đơn vị thứ 3 ('tq_xa')"));
}

TEST(OrgTreeTest, RefusesTwoStandingAgenciesInOneProvince) {
  std::vector<OrgUnit> units = SmallUnits();
  units[5].tags.push_back(kTagStandingAgency);  // Sở Nội vụ too
  EXPECT_EQ(BuildError(units),
            "đơn vị thứ 6 ('bn_so_noi_vu'): tỉnh 'bac_ninh' đã có đơn vị "
            "mang nhãn 'co_quan_thuong_truc' là 'bn_cong_an_tinh' (đơn vị "
            "thứ 4 ('bn_cong_an_tinh')); mỗi tỉnh chỉ có một đơn vị mang "
            "nhãn này");
}

TEST(OrgTreeTest, RefusesDistrictsAfterTheReform) {
  std::vector<OrgUnit> units = {
      MakeUnit("tq", "Tuyên Quang", kKindTinh, "", kJan2024),
      MakeUnit("tq_huyen", "Huyện Na Hang", kKindHuyen, "tq", kJan2024),
  };
  EXPECT_THAT(BuildError(units),
              HasSubstr("phải hết hiệu lực chậm nhất ngày 30/06/2025"));
  units[1].valid_to = absl::CivilDay(2025, 7, 1);
  EXPECT_THAT(BuildError(units), HasSubstr("'tq_huyen'"));
}

TEST(OrgTreeTest, RefusesBadFields) {
  struct Case {
    OrgUnit unit;
    const char* expected;
  };
  const Case cases[] = {
      {MakeUnit("Bac-Ninh", "Bắc Ninh", kKindCoQuan, "bac_ninh", kJuly2025),
       "mã đơn vị 'Bac-Ninh' không hợp lệ"},
      {MakeUnit("12345", "Sở Tài chính", kKindCoQuan, "bac_ninh", kJuly2025),
       "mã 5 chữ số '12345' chỉ dành cho xã, phường, thị trấn"},
      {MakeUnit("x", testing::ToNfd("Sở Tài chính"), kKindCoQuan, "bac_ninh",
                kJuly2025),
       "chưa được chuẩn hóa NFC"},
      {MakeUnit("x", "", kKindCoQuan, "bac_ninh", kJuly2025), "tên trống"},
      {MakeUnit("x", "Sở\tTài chính", kKindCoQuan, "bac_ninh", kJuly2025),
       "ký tự điều khiển"},
      {MakeUnit("x", "Sở Tài chính", "so", "bac_ninh", kJuly2025),
       "loại đơn vị 'so' của 'x' không hợp lệ"},
      {MakeUnit("x", "Hà Nội", kKindTinh, "bac_ninh", kJuly2025),
       "tỉnh 'x' không có đơn vị cấp trên"},
      {MakeUnit("x", "Sở Tài chính", kKindCoQuan, "", kJuly2025),
       "đơn vị 'x' thiếu đơn vị cấp trên"},
      {MakeUnit("x", "Sở Tài chính", kKindCoQuan, "bac_ninh", kJuly2025,
                absl::CivilDay(2025, 6, 30)),
       "hết hiệu lực ngày 30/06/2025, trước ngày bắt đầu 01/07/2025"},
      {MakeUnit("x", "Sở Tài chính", kKindCoQuan, "bac_ninh", kJuly2025,
                std::nullopt, {"Thuong-Truc"}),
       "nhãn 'Thuong-Truc' của đơn vị 'x' không hợp lệ"},
      {MakeUnit("x", "Sở Tài chính", kKindCoQuan, "bac_ninh", kJuly2025,
                std::nullopt, {"van_thu", "van_thu"}),
       "nhãn 'van_thu' lặp lại"},
      {MakeUnit("x", "Xã Lạ", kKindXa, "bn_cong_an_tinh", kJuly2025),
       "loại 'xa' không thể trực thuộc 'bn_cong_an_tinh' loại 'co_quan'"},
      {MakeUnit("x", "Thị trấn Lạ", kKindThiTran, "bac_ninh", kJuly2025),
       "loại 'thi_tran' không thể trực thuộc 'bac_ninh' loại 'tinh'"},
  };
  for (const Case& c : cases) {
    std::vector<OrgUnit> units = SmallUnits();
    units.push_back(c.unit);
    EXPECT_THAT(BuildError(units), HasSubstr(c.expected)) << c.unit.id;
  }
}

TEST(OrgTreeTest, EmptyTreeAnswersNothing) {
  absl::StatusOr<OrgTree> tree = OrgTree::Build({});
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(tree->Find("07627"), nullptr);
  EXPECT_FALSE(tree->ActiveOn("07627", kJuly2025));
  EXPECT_TRUE(tree->ChildrenOf("07627", kJuly2025).empty());
}

}  // namespace
}  // namespace wf::org
