// Copyright the wf-engine authors. Apache-2.0.
//
// The real commune lists of shared/domain/provinces: counts, byte-exact
// names, NFD input, and the 2024 three-tier tree. A missing folder fails
// these tests: ReadProvinceFile returns NOT_FOUND and every test asserts
// on it.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "engine/org/csv_import.h"
#include "engine/org/org_test_util.h"
#include "engine/org/org_tree.h"
#include "engine/util/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::org {
namespace {

using testing::MakeUnit;
using testing::ReadProvinceFile;

const absl::CivilDay kJuly2025(2025, 7, 1);

struct ListCase {
  const char* file;
  const char* province_id;
  const char* province_name;
  size_t xa;
  size_t phuong;
};

// RULES.md, "Provinces since the 2025 reorganisation".
const ListCase kLists[] = {
    {"bac_ninh_2025.csv", "bac_ninh", "Bắc Ninh", 66, 33},
    {"tuyen_quang_2025.csv", "tuyen_quang", "Tuyên Quang", 117, 7},
    {"thanh_hoa_2025.csv", "thanh_hoa", "Thanh Hóa", 147, 19},
    {"lai_chau_2025.csv", "lai_chau", "Lai Châu", 36, 2},
};

absl::StatusOr<std::vector<OrgUnit>> ImportList(const ListCase& list,
                                                absl::string_view text) {
  OrgUnit province =
      MakeUnit(list.province_id, list.province_name, kKindTinh, "", kJuly2025);
  return ImportProvinceListCsv(text, province, kJuly2025);
}

std::map<std::string, size_t> CountKinds(const std::vector<OrgUnit>& units) {
  std::map<std::string, size_t> counts;
  for (const OrgUnit& unit : units) ++counts[unit.kind];
  return counts;
}

const OrgUnit* FindIn(const std::vector<OrgUnit>& units, absl::string_view id) {
  for (const OrgUnit& unit : units) {
    if (unit.id == id) return &unit;
  }
  return nullptr;
}

TEST(ProvincesTest, FolderIsThere) {
  // Stated on its own so that a missing folder reads plainly in the log.
  for (const ListCase& list : kLists) {
    EXPECT_TRUE(ReadProvinceFile(list.file).ok())
        << list.file << " in " << WF_PROVINCES_DIR;
  }
  EXPECT_TRUE(ReadProvinceFile("tuyen_quang_2024_districts.csv").ok());
}

TEST(ProvincesTest, OfficialListsHaveTheirCounts) {
  for (const ListCase& list : kLists) {
    absl::StatusOr<std::string> text = ReadProvinceFile(list.file);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<std::vector<OrgUnit>> units = ImportList(list, *text);
    ASSERT_TRUE(units.ok()) << list.file << ": " << units.status();
    ASSERT_EQ(units->size(), 1 + list.xa + list.phuong) << list.file;
    std::map<std::string, size_t> counts = CountKinds(*units);
    EXPECT_EQ(counts[kKindTinh], 1u);
    EXPECT_EQ(counts[kKindXa], list.xa) << list.file;
    EXPECT_EQ(counts[kKindPhuong], list.phuong) << list.file;
    absl::StatusOr<OrgTree> tree = OrgTree::Build(*units);
    ASSERT_TRUE(tree.ok()) << tree.status();
    EXPECT_EQ(tree->ChildrenOf(list.province_id, kJuly2025).size(),
              list.xa + list.phuong);
    EXPECT_TRUE(tree->ChildrenOf(list.province_id, absl::CivilDay(2025, 6, 30))
                    .empty());
  }
}

TEST(ProvincesTest, NamesAreByteExact) {
  struct Name {
    const char* file;
    const char* code;
    const char* bytes;  // UTF-8 NFC, spelled out
  };
  const Name names[] = {
      // Xã Đại Sơn
      {"bac_ninh_2025.csv", "07627",
       "X\xC3\xA3 \xC4\x90\xE1\xBA\xA1i S\xC6\xA1n"},
      // Xã Tây Yên Tử
      {"bac_ninh_2025.csv", "07616",
       "X\xC3\xA3 T\xC3\xA2y Y\xC3\xAAn T\xE1\xBB\xAD"},
      // Xã Mỹ Thái
      {"bac_ninh_2025.csv", "07420", "X\xC3\xA3 M\xE1\xBB\xB9 Th\xC3\xA1i"},
      // Phường Hạc Thành
      {"thanh_hoa_2025.csv", "14797",
       "Ph\xC6\xB0\xE1\xBB\x9Dng H\xE1\xBA\xA1"
       "c Th\xC3\xA0nh"},
      // Xã Mường Kim
      {"lai_chau_2025.csv", "03637", "X\xC3\xA3 M\xC6\xB0\xE1\xBB\x9Dng Kim"},
      // Xã Nhữ Khê
      {"tuyen_quang_2025.csv", "02530", "X\xC3\xA3 Nh\xE1\xBB\xAF Kh\xC3\xAA"},
  };
  for (const Name& name : names) {
    const ListCase* list = nullptr;
    for (const ListCase& l : kLists) {
      if (std::string(l.file) == name.file) list = &l;
    }
    ASSERT_NE(list, nullptr);
    absl::StatusOr<std::string> text = ReadProvinceFile(name.file);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<std::vector<OrgUnit>> units = ImportList(*list, *text);
    ASSERT_TRUE(units.ok()) << units.status();
    const OrgUnit* unit = FindIn(*units, name.code);
    ASSERT_NE(unit, nullptr) << name.code;
    EXPECT_EQ(unit->name, name.bytes) << name.code;
  }
}

TEST(ProvincesTest, NfdCrlfAndBomGiveTheSameUnits) {
  const ListCase& list = kLists[0];
  absl::StatusOr<std::string> text = ReadProvinceFile(list.file);
  ASSERT_TRUE(text.ok()) << text.status();
  std::string nfd = testing::ToNfd(*text);
  ASSERT_NE(nfd, *text);  // the file has composed letters to decompose
  std::string windows =
      "\xEF\xBB\xBF" + absl::StrReplaceAll(nfd, {{"\n", "\r\n"}});
  absl::StatusOr<std::vector<OrgUnit>> original = ImportList(list, *text);
  absl::StatusOr<std::vector<OrgUnit>> from_nfd = ImportList(list, windows);
  ASSERT_TRUE(original.ok()) << original.status();
  ASSERT_TRUE(from_nfd.ok()) << from_nfd.status();
  EXPECT_EQ(*original, *from_nfd);
  EXPECT_EQ(FindIn(*from_nfd, "07627")->name, "Xã Đại Sơn");
}

class TuyenQuang2024Test : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> text =
        ReadProvinceFile("tuyen_quang_2024_districts.csv");
    ASSERT_TRUE(text.ok()) << text.status();
    text_ = *text;
    absl::StatusOr<std::vector<OrgUnit>> units = Import();
    ASSERT_TRUE(units.ok()) << units.status();
    units_ = *units;
  }

  absl::StatusOr<std::vector<OrgUnit>> Import() {
    OrgUnit province = MakeUnit("tuyen_quang", "Tuyên Quang", kKindTinh, "",
                                absl::CivilDay(2024, 1, 1));
    return ImportDistrictsCsv(text_, province, absl::CivilDay(2024, 1, 1));
  }

  std::string text_;
  std::vector<OrgUnit> units_;
};

TEST_F(TuyenQuang2024Test, Has138CommunesIn7Districts) {
  std::map<std::string, size_t> counts = CountKinds(units_);
  EXPECT_EQ(counts[kKindHuyen], 7u);
  EXPECT_EQ(counts[kKindXa], 122u);
  EXPECT_EQ(counts[kKindPhuong], 10u);
  EXPECT_EQ(counts[kKindThiTran], 6u);
  EXPECT_EQ(units_.size(), 1u + 7u + 138u);
  absl::StatusOr<OrgTree> tree = OrgTree::Build(units_);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->ChildrenOf("tuyen_quang_huyen_son_duong",
                             absl::CivilDay(2024, 2, 1))
                .size(),
            31u);
  EXPECT_EQ(tree->ChildrenOf("tuyen_quang_thanh_pho_tuyen_quang",
                             absl::CivilDay(2024, 2, 1))
                .size(),
            15u);
  for (const OrgUnit& unit : units_) {
    EXPECT_TRUE(IsIdentifier(unit.id)) << unit.id;
  }
}

TEST_F(TuyenQuang2024Test, IdsAreStableAcrossImports) {
  absl::StatusOr<std::vector<OrgUnit>> again = Import();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, units_);
  EXPECT_NE(FindIn(units_, "tuyen_quang_huyen_lam_binh_thi_tran_lang_can"),
            nullptr);
}

TEST_F(TuyenQuang2024Test, NamesDifferingOnlyInToneMarksStayApart) {
  const OrgUnit* thanh =
      FindIn(units_, "tuyen_quang_huyen_son_duong_xa_tan_thanh");
  const OrgUnit* thanh_huyen =
      FindIn(units_, "tuyen_quang_huyen_ham_yen_xa_tan_thanh");
  ASSERT_NE(thanh, nullptr);
  ASSERT_NE(thanh_huyen, nullptr);
  EXPECT_EQ(thanh->name, "X\xC3\xA3 T\xC3\xA2n Thanh");  // Tân Thanh
  EXPECT_EQ(thanh_huyen->name, "X\xC3\xA3 T\xC3\xA2n Th\xC3\xA0nh");  // Thành
  EXPECT_NE(thanh->name, thanh_huyen->name);
  EXPECT_EQ(AsciiSlug(thanh->name), AsciiSlug(thanh_huyen->name));
}

TEST(ProvincesTest, CeasedWardAndItsSuccessorInOneTree) {
  absl::StatusOr<std::vector<OrgUnit>> units = testing::TuyenQuangUnits();
  ASSERT_TRUE(units.ok()) << units.status();
  absl::StatusOr<OrgTree> tree = OrgTree::Build(*units);
  ASSERT_TRUE(tree.ok()) << tree.status();
  const std::string old_ward =
      "tuyen_quang_thanh_pho_tuyen_quang_phuong_minh_xuan";
  const std::string new_ward = "02215";  // Phường Minh Xuân from 01/07/2025
  const absl::CivilDay last_day(2025, 6, 30);
  EXPECT_TRUE(tree->ActiveOn(old_ward, last_day));
  EXPECT_FALSE(tree->ActiveOn(old_ward, kJuly2025));
  EXPECT_FALSE(tree->ActiveOn(new_ward, last_day));
  EXPECT_TRUE(tree->ActiveOn(new_ward, kJuly2025));
  EXPECT_EQ(tree->Find(old_ward)->name, tree->Find(new_ward)->name);
  EXPECT_EQ(tree->Province(old_ward)->id, "tuyen_quang");
  EXPECT_EQ(tree->Province(new_ward)->id, "tuyen_quang");
  // The province's children: 7 districts and 2 agencies before, 124 communes
  // and 2 agencies after.
  EXPECT_EQ(tree->ChildrenOf("tuyen_quang", last_day).size(), 7u + 2u);
  EXPECT_EQ(tree->ChildrenOf("tuyen_quang", kJuly2025).size(), 124u + 2u);
}

TEST(ProvincesTest, AllFiveFilesInOneTree) {
  std::vector<std::vector<OrgUnit>> lists;
  for (const ListCase& list : kLists) {
    if (std::string(list.province_id) == "tuyen_quang") continue;
    absl::StatusOr<std::string> text = ReadProvinceFile(list.file);
    ASSERT_TRUE(text.ok()) << text.status();
    absl::StatusOr<std::vector<OrgUnit>> units = ImportList(list, *text);
    ASSERT_TRUE(units.ok()) << units.status();
    lists.push_back(*units);
  }
  absl::StatusOr<std::vector<OrgUnit>> tuyen_quang = testing::TuyenQuangUnits();
  ASSERT_TRUE(tuyen_quang.ok()) << tuyen_quang.status();
  lists.push_back(*tuyen_quang);
  absl::StatusOr<std::vector<OrgUnit>> all = MergeUnits(lists);
  ASSERT_TRUE(all.ok()) << all.status();
  absl::StatusOr<OrgTree> tree = OrgTree::Build(*all);
  ASSERT_TRUE(tree.ok()) << tree.status();
  // 4 provinces; 99 + 166 + 38 + 124 communes of 2025; 7 + 138 of 2024;
  // 3 agencies of Tuyên Quang.
  EXPECT_EQ(tree->units().size(),
            4u + 99u + 166u + 38u + 124u + 7u + 138u + 3u);
}

}  // namespace
}  // namespace wf::org
