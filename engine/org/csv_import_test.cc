// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/csv_import.h"

#include <string>
#include <vector>

#include "engine/org/org_test_util.h"
#include "engine/util/text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::org {
namespace {

using ::testing::EndsWith;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::MakeUnit;
using ::testing::StartsWith;

const absl::CivilDay kJuly2025(2025, 7, 1);

constexpr char kOrgHeader[] = "id,name,kind,parent,valid_from,valid_to,tags\n";

OrgUnit BacNinh() {
  return MakeUnit("bac_ninh", "Bắc Ninh", kKindTinh, "", kJuly2025);
}

// The error of an org import; fails the test when it succeeds.
std::string OrgError(const std::string& body) {
  std::vector<OrgUnit> known = {BacNinh()};
  absl::StatusOr<std::vector<OrgUnit>> units =
      ImportOrgCsv(kOrgHeader + body, known);
  EXPECT_FALSE(units.ok()) << "accepted: " << body;
  if (units.ok()) return "";
  EXPECT_EQ(units.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(units.status().message());
}

TEST(ImportOrgCsvTest, ReadsEveryColumn) {
  std::vector<OrgUnit> known = {BacNinh()};
  absl::StatusOr<std::vector<OrgUnit>> units = ImportOrgCsv(
      std::string(kOrgHeader) +
          "bn_cong_an_tinh,Công an tỉnh Bắc Ninh,co_quan,bac_ninh,"
          "01/07/2025,,co_quan_thuong_truc; van_thu\r\n"
          "bn_ban_tdkt,\"Ban Thi đua, Khen thưởng\",phong,bn_so_noi_vu,"
          "2025-07-01,31/12/2030,\r\n"
          "bn_so_noi_vu,Sở Nội vụ,co_quan,bac_ninh,1/7/2025,,so_noi_vu;\r\n",
      known);
  ASSERT_TRUE(units.ok()) << units.status();
  ASSERT_EQ(units->size(), 3u);  // the known province is not returned
  const OrgUnit& police = (*units)[0];
  EXPECT_EQ(police.name, "Công an tỉnh Bắc Ninh");
  EXPECT_EQ(police.parent_id, "bac_ninh");
  EXPECT_EQ(police.valid_from, kJuly2025);
  EXPECT_EQ(police.valid_to, std::nullopt);
  EXPECT_THAT(police.tags, ElementsAre("co_quan_thuong_truc", "van_thu"));
  EXPECT_EQ((*units)[1].name, "Ban Thi đua, Khen thưởng");
  EXPECT_EQ((*units)[1].valid_to, absl::CivilDay(2030, 12, 31));
  EXPECT_TRUE((*units)[1].tags.empty());
  EXPECT_THAT((*units)[2].tags, ElementsAre("so_noi_vu"));
}

TEST(ImportOrgCsvTest, RefusesBadQuotes) {
  EXPECT_THAT(OrgError("bn_a,Sở \"A\",co_quan,bac_ninh,01/07/2025,,\n"),
              StartsWith("dòng 2: dấu ngoặc kép nằm giữa một trường"));
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,01/07/2025,,\n"
                     "bn_b,\"Sở B,co_quan,bac_ninh,01/07/2025,,\n"),
            "dòng 3: dấu ngoặc kép mở ở dòng 3 không được đóng");
}

TEST(ImportOrgCsvTest, RefusesMissingColumn) {
  EXPECT_THAT(OrgError("bn_a,Sở A,co_quan,bac_ninh,01/07/2025,,\n"
                       "bn_b,Sở B,co_quan,bac_ninh,01/07/2025\n"),
              StartsWith("dòng 3: có 5 cột, cần 7 cột"));
}

TEST(ImportOrgCsvTest, RefusesDuplicateIdNamingBothLines) {
  EXPECT_EQ(OrgError("07627,Xã Đại Sơn,xa,bac_ninh,01/07/2025,,\n"
                     "07615,Xã Sơn Động,xa,bac_ninh,01/07/2025,,\n"
                     "07627,Xã Đại Sơn,xa,bac_ninh,01/07/2025,,\n"),
            "dòng 4: mã đơn vị '07627' bị trùng với dòng 2");
  EXPECT_EQ(OrgError("bac_ninh,Bắc Ninh,tinh,,01/07/2025,,\n"),
            "dòng 2: mã đơn vị 'bac_ninh' bị trùng với đơn vị có sẵn "
            "'bac_ninh'");
}

TEST(ImportOrgCsvTest, RefusesUnknownParent) {
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,01/07/2025,,\n"
                     "bn_b,Phòng B,phong,bn_c,01/07/2025,,\n"),
            "dòng 3: đơn vị cấp trên 'bn_c' của 'bn_b' không tồn tại");
}

TEST(ImportOrgCsvTest, RefusesBadDates) {
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,31/02/2026,,\n"),
            "dòng 2: cột 'valid_from': ngày '31/02/2026' không hợp lệ: không "
            "có ngày này trong lịch");
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,01/07/2025,,\n"
                     "bn_b,Sở B,co_quan,bac_ninh,01/07/2025,2026/01/01,\n"),
            "dòng 3: cột 'valid_to': ngày '2026/01/01' không hợp lệ: cần dạng "
            "dd/mm/yyyy hoặc yyyy-mm-dd");
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,,,\n"),
            "dòng 2: cột 'valid_from': thiếu ngày");
}

TEST(ImportOrgCsvTest, RefusesInvalidUtf8) {
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,01/07/2025,,\n"
                     "bn_b,S\xC6,co_quan,bac_ninh,01/07/2025,,\n"),
            "dòng 3: cột 'name': có byte không phải văn bản UTF-8 hợp lệ");
}

TEST(ImportOrgCsvTest, RefusesCycle) {
  EXPECT_EQ(OrgError("bn_a,Sở A,co_quan,bac_ninh,01/07/2025,,\n"
                     "bn_p1,Phòng 1,phong,bn_p2,01/07/2025,,\n"
                     "bn_p2,Phòng 2,phong,bn_p1,01/07/2025,,\n"),
            "dòng 3: đơn vị 'bn_p1' nằm trong một vòng lặp cấp trên: "
            "bn_p1 → bn_p2 → bn_p1");
}

TEST(ImportOrgCsvTest, RefusesSecondStandingAgency) {
  EXPECT_EQ(OrgError("bn_ca,Công an tỉnh,co_quan,bac_ninh,01/07/2025,,"
                     "co_quan_thuong_truc\n"
                     "bn_vp,Văn phòng,co_quan,bac_ninh,01/07/2025,,"
                     "co_quan_thuong_truc\n"),
            "dòng 3: tỉnh 'bac_ninh' đã có đơn vị mang nhãn "
            "'co_quan_thuong_truc' là 'bn_ca' (dòng 2); mỗi tỉnh chỉ có một "
            "đơn vị mang nhãn này");
}

TEST(ImportOrgCsvTest, NormalisesNfdToNfc) {
  std::vector<OrgUnit> known = {BacNinh()};
  absl::StatusOr<std::vector<OrgUnit>> units = ImportOrgCsv(
      std::string(kOrgHeader) + "bn_a," + testing::ToNfd("Sở Tư pháp") +
          ",co_quan,bac_ninh,01/07/2025,,\n",
      known);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_EQ((*units)[0].name, "Sở Tư pháp");
  EXPECT_NE(testing::ToNfd("Sở Tư pháp"), "Sở Tư pháp");
}

TEST(ImportProvinceListCsvTest, RefusesBadRows) {
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"7627,Xã Đại Sơn,xa\n", "dòng 2: mã '7627' phải gồm đúng 5 chữ số"},
      {"0762a,Xã Đại Sơn,xa\n", "dòng 2: mã '0762a' phải gồm đúng 5 chữ số"},
      {"07627,Xã Đại Sơn,thi_tran\n",
       "dòng 2: loại 'thi_tran' không hợp lệ; danh sách này chỉ có xa, "
       "phuong"},
      {"07627,Phường Đại Sơn,xa\n",
       "dòng 2: tên 'Phường Đại Sơn' không khớp loại 'xa': cần bắt đầu bằng "
       "'Xã '"},
      {"07627,Xã Đại Sơn,xa\n07615,Xã Sơn Động,xa\n07627,Xã Đại Sơn,xa\n",
       "dòng 4: mã đơn vị '07627' bị trùng với dòng 2"},
      {"07627,Xã Đại Sơn\n", "dòng 2: có 2 cột, cần 3 cột"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<OrgUnit>> units = ImportProvinceListCsv(
        std::string("code,name,kind\n") + c.body, BacNinh(), kJuly2025);
    ASSERT_FALSE(units.ok()) << c.body;
    EXPECT_EQ(units.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(units.status().message()), StartsWith(c.expected));
  }
}

TEST(ImportProvinceListCsvTest, EveryBadRowIsReportedOneALine) {
  std::string body = "code,name,kind\n7627,Xã Đại Sơn,xa\n"
                     "07615,Xã Sơn Động,xa\n07616,Phường Tây Yên Tử,xa\n";
  absl::StatusOr<std::vector<OrgUnit>> units =
      ImportProvinceListCsv(body, BacNinh(), kJuly2025);
  ASSERT_FALSE(units.ok());
  EXPECT_EQ(units.status().message(),
            "dòng 2: mã '7627' phải gồm đúng 5 chữ số\n"
            "dòng 4: tên 'Phường Tây Yên Tử' không khớp loại 'xa': cần bắt "
            "đầu bằng 'Xã '");
  // Past fifty, the rest are counted.
  body = "code,name,kind\n";
  for (int i = 0; i < 60; ++i) body += "1,Xã A,xa\n";
  units = ImportProvinceListCsv(body, BacNinh(), kJuly2025);
  ASSERT_FALSE(units.ok());
  const std::string message(units.status().message());
  EXPECT_THAT(message, HasSubstr("dòng 51: mã '1'"));
  EXPECT_THAT(message, Not(HasSubstr("dòng 52:")));
  EXPECT_THAT(message, EndsWith("... và 10 dòng lỗi nữa"));
}

TEST(ImportProvinceListCsvTest, CommunesMustFitTheProvince) {
  OrgUnit late = BacNinh();
  late.valid_from = absl::CivilDay(2025, 8, 1);
  absl::StatusOr<std::vector<OrgUnit>> units = ImportProvinceListCsv(
      "code,name,kind\n07627,Xã Đại Sơn,xa\n", late, kJuly2025);
  ASSERT_FALSE(units.ok());
  EXPECT_THAT(std::string(units.status().message()),
              StartsWith("dòng 2: đơn vị '07627' có hiệu lực từ 01/07/2025"));
  OrgUnit agency = BacNinh();
  agency.kind = kKindCoQuan;
  agency.parent_id = "x";
  EXPECT_EQ(ImportProvinceListCsv("code,name,kind\n", agency, kJuly2025)
                .status()
                .message(),
            "đơn vị truyền vào 'bac_ninh' có loại 'co_quan', cần loại 'tinh'");
}

OrgUnit TuyenQuang() {
  return MakeUnit("tuyen_quang", "Tuyên Quang", kKindTinh, "",
                  absl::CivilDay(2024, 1, 1));
}

TEST(ImportDistrictsCsvTest, GeneratesIdsFromNames) {
  absl::StatusOr<std::vector<OrgUnit>> units = ImportDistrictsCsv(
      "district,commune,kind\n"
      "Huyện Sơn Dương,Xã Tân Thanh,xa\n"
      "Huyện Hàm Yên,Xã Tân Thành,xa\n"
      "Huyện Sơn Dương,Thị trấn Sơn Dương,thi_tran\n",
      TuyenQuang(), absl::CivilDay(2024, 1, 1));
  ASSERT_TRUE(units.ok()) << units.status();
  std::vector<std::string> ids;
  for (const OrgUnit& unit : *units) ids.push_back(unit.id);
  EXPECT_THAT(ids,
              ElementsAre("tuyen_quang", "tuyen_quang_huyen_son_duong",
                          "tuyen_quang_huyen_ham_yen",
                          "tuyen_quang_huyen_son_duong_xa_tan_thanh",
                          "tuyen_quang_huyen_ham_yen_xa_tan_thanh",
                          "tuyen_quang_huyen_son_duong_thi_tran_son_duong"));
  EXPECT_EQ((*units)[1].kind, kKindHuyen);
  EXPECT_EQ((*units)[1].valid_to, kLastDistrictDay);
  EXPECT_EQ((*units)[3].parent_id, "tuyen_quang_huyen_son_duong");
  EXPECT_EQ((*units)[5].kind, kKindThiTran);
}

TEST(ImportDistrictsCsvTest, RefusesNamesDifferingOnlyInDiacriticsInADistrict) {
  absl::StatusOr<std::vector<OrgUnit>> units = ImportDistrictsCsv(
      "district,commune,kind\n"
      "Huyện Sơn Dương,Xã Tân Thanh,xa\n"
      "Huyện Sơn Dương,Xã Hợp Thành,xa\n"
      "Huyện Sơn Dương,Xã Tân Thành,xa\n",
      TuyenQuang(), absl::CivilDay(2024, 1, 1));
  ASSERT_FALSE(units.ok());
  EXPECT_EQ(units.status().message(),
            "dòng 4: tên 'Xã Tân Thành' cho mã "
            "'tuyen_quang_huyen_son_duong_xa_tan_thanh', trùng mã của 'Xã Tân "
            "Thanh' ở dòng 2 (hai tên chỉ khác dấu); hãy nhập các đơn vị này "
            "bằng tệp CSV tổng quát với mã tự đặt");
}

TEST(ImportDistrictsCsvTest, RefusesRepeatedCommuneAndBadKind) {
  absl::StatusOr<std::vector<OrgUnit>> repeated = ImportDistrictsCsv(
      "district,commune,kind\n"
      "Huyện Na Hang,Xã Sinh Long,xa\n"
      "Huyện Na Hang,Xã Sinh Long,xa\n",
      TuyenQuang(), absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(repeated.status().message(),
            "dòng 3: 'Xã Sinh Long' bị trùng với dòng 2");
  absl::StatusOr<std::vector<OrgUnit>> kind = ImportDistrictsCsv(
      "district,commune,kind\nHuyện Na Hang,Xã Sinh Long,huyen\n", TuyenQuang(),
      absl::CivilDay(2024, 1, 1));
  EXPECT_THAT(std::string(kind.status().message()),
              StartsWith("dòng 2: loại 'huyen'"));
  absl::StatusOr<std::vector<OrgUnit>> after_reform = ImportDistrictsCsv(
      "district,commune,kind\nHuyện Na Hang,Xã Sinh Long,xa\n", TuyenQuang(),
      absl::CivilDay(2024, 1, 1), absl::CivilDay(2025, 12, 31));
  EXPECT_THAT(std::string(after_reform.status().message()),
              StartsWith("dòng 2: đơn vị cấp huyện "
                         "'tuyen_quang_huyen_na_hang' phải hết hiệu lực"));
}

TEST(SlugTest, AsciiSlugs) {
  EXPECT_EQ(AsciiSlug("Thành phố Tuyên Quang"), "thanh_pho_tuyen_quang");
  EXPECT_EQ(AsciiSlug("Xã Đại Sơn"), "xa_dai_son");
  EXPECT_EQ(AsciiSlug("  Phường Hạc Thành  "), "phuong_hac_thanh");
  EXPECT_EQ(AsciiSlug("Ban Thi đua - Khen thưởng (2025)"),
            "ban_thi_dua_khen_thuong_2025");
  EXPECT_EQ(AsciiSlug(testing::ToNfd("Xã Nhữ Khê")), "xa_nhu_khe");
  EXPECT_EQ(AsciiSlug("Xã Tân Thành"), AsciiSlug("Xã Tân Thanh"));
  EXPECT_EQ(AsciiSlug("—"), "");
}

TEST(SlugTest, LongIdsAreCutWithAHash) {
  std::string name(80, 'a');
  std::string id = GeneratedUnitId("tuyen_quang", name);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_TRUE(IsIdentifier(id));
  EXPECT_EQ(id, GeneratedUnitId("tuyen_quang", name));
  EXPECT_NE(id, GeneratedUnitId("tuyen_quang", name + "b"));
  EXPECT_EQ(id.substr(0, 55), ("tuyen_quang_" + name).substr(0, 55));
  EXPECT_EQ(GeneratedUnitId("tuyen_quang", "…"), "");
}

TEST(MergeUnitsTest, KeepsOneCopyOfAnIdenticalUnit) {
  OrgUnit commune =
      MakeUnit("07627", "Xã Đại Sơn", kKindXa, "bac_ninh", kJuly2025);
  absl::StatusOr<std::vector<OrgUnit>> merged =
      MergeUnits({{BacNinh(), commune}, {BacNinh()}});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->size(), 2u);
  OrgUnit other = BacNinh();
  other.name = "Bắc Giang";
  absl::StatusOr<std::vector<OrgUnit>> conflict =
      MergeUnits({{BacNinh()}, {other}});
  EXPECT_EQ(conflict.status().message(),
            "mã đơn vị 'bac_ninh' có hai định nghĩa khác nhau: ở danh sách "
            "thứ 1 và thứ 2");
  // A repeat inside one list is kept, for OrgTree::Build to refuse.
  absl::StatusOr<std::vector<OrgUnit>> repeat =
      MergeUnits({{BacNinh(), BacNinh()}});
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->size(), 2u);
  absl::StatusOr<OrgTree> tree = OrgTree::Build(*repeat);
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tree.status().message()),
              HasSubstr("mã đơn vị 'bac_ninh' bị trùng"));
}

class ImportPeopleCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<OrgTree> tree = OrgTree::Build({
        BacNinh(),
        MakeUnit("07627", "Xã Đại Sơn", kKindXa, "bac_ninh", kJuly2025),
    });
    ASSERT_TRUE(tree.ok()) << tree.status();
    tree_ = *std::move(tree);
  }

  static constexpr char kHeader[] =
      "person,name,role,unit,valid_from,valid_to,acting_for\n";
  OrgTree tree_;
};

TEST_F(ImportPeopleCsvTest, ReadsPeopleRolesAndDelegations) {
  absl::StatusOr<PeopleImport> import = ImportPeopleCsv(
      std::string(kHeader) +
          "nguyen.van.a,Nguyễn Văn A,chu_tich,07627,01/07/2025,,\n"
          "tran.thi.b," +
          testing::ToNfd("Trần Thị B") +
          ",pho_chu_tich,07627,01/07/2025,,\n"
          "tran.thi.b,,chu_tich,07627,05/01/2026,14/01/2026,nguyen.van.a\n",
      tree_);
  ASSERT_TRUE(import.ok()) << import.status();
  ASSERT_EQ(import->people.size(), 2u);
  EXPECT_EQ(import->people[1].name, "Trần Thị B");  // NFC
  ASSERT_EQ(import->assignments.size(), 3u);
  EXPECT_EQ(import->assignments[2].acting_for, "nguyen.van.a");
  EXPECT_EQ(import->assignments[2].valid_to, absl::CivilDay(2026, 1, 14));
  absl::StatusOr<Directory> directory =
      Directory::Build(tree_, import->people, import->assignments);
  ASSERT_TRUE(directory.ok()) << directory.status();
  EXPECT_EQ(
      directory->RolesOn("tran.thi.b", absl::CivilDay(2026, 1, 10)).size(), 2u);
}

TEST_F(ImportPeopleCsvTest, RefusesBadRowsWithTheirLine) {
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"nguyen.van.a,Nguyễn Văn A,chu_tich,07999,01/07/2025,,\n",
       "dòng 2: đơn vị '07999' không có trong cây tổ chức"},
      {"nguyen.van.a,Nguyễn Văn A,chu_tich,07627,01/07/2025,,\n"
       "nguyen.van.a,Nguyễn Văn Á,can_bo,07627,01/07/2025,,\n",
       "dòng 3: người 'nguyen.van.a' có tên 'Nguyễn Văn Á', khác tên 'Nguyễn "
       "Văn A' ở dòng 2"},
      {"nguyen.van.a,,chu_tich,07627,01/07/2025,,\n",
       "dòng 2: người 'nguyen.van.a' xuất hiện lần đầu, cần có tên"},
      {"Nguyen Van A,Nguyễn Văn A,chu_tich,07627,01/07/2025,,\n",
       "dòng 2: mã người 'Nguyen Van A' không hợp lệ"},
      {"nguyen.van.a,Nguyễn Văn A,chu_tich,07627,01.07.2025,,\n",
       "dòng 2: cột 'valid_from': ngày '01.07.2025' không hợp lệ"},
      {"nguyen.van.a,Nguyễn Văn A,pho_chu_tich,07627,01/07/2025,,\n"
       "tran.thi.b,Trần Thị B,chu_tich,07627,05/01/2026,14/01/2026,"
       "nguyen.van.a\n",
       "dòng 3: 'nguyen.van.a' không giữ vai trò 'chu_tich' tại '07627' "
       "suốt thời gian ủy quyền từ 05/01/2026 đến 14/01/2026"},
      {"nguyen.van.a,Nguyễn Văn A,chu_tich,07627,01/07/2025,,\n"
       "tran.thi.b,Trần Thị B,chu_tich,07627,05/01/2026,14/01/2026,"
       "nguyen.van.a\n"
       "le.van.c,Lê Văn C,chu_tich,07627,06/01/2026,07/01/2026,tran.thi.b\n",
       "dòng 4: 'tran.thi.b' chỉ giữ vai trò 'chu_tich' tại '07627' theo ủy "
       "quyền, không được ủy quyền lại"},
      {"nguyen.van.a,Nguyễn Văn A,chu_tich,07627,01/07/2025,,\n"
       "nguyen.van.a,,chu_tich,07627,01/01/2026,,\n",
       "dòng 3: vai trò 'chu_tich' tại '07627' của 'nguyen.van.a' trùng thời "
       "gian với dòng 2"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PeopleImport> import =
        ImportPeopleCsv(std::string(kHeader) + c.body, tree_);
    ASSERT_FALSE(import.ok()) << c.body;
    EXPECT_EQ(import.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(import.status().message()), StartsWith(c.expected));
  }
}

}  // namespace
}  // namespace wf::org

namespace wf::org {
namespace {

// The examples of docs/org.md, section 5, as written there.
TEST(DocumentationExamplesTest, ImportAsDocumented) {
  absl::StatusOr<std::vector<OrgUnit>> bac_ninh = ImportOrgCsv(
      "id,name,kind,parent,valid_from,valid_to,tags\n"
      "bac_ninh,Bắc Ninh,tinh,,01/07/2025,,\n"
      "bn_cong_an_tinh,Công an tỉnh Bắc Ninh,co_quan,bac_ninh,01/07/2025,,"
      "co_quan_thuong_truc\n"
      "bn_phong_tham_muu,Phòng Tham mưu,phong,bn_cong_an_tinh,01/07/2025,,\n"
      "bn_so_noi_vu,Sở Nội vụ tỉnh Bắc Ninh,co_quan,bac_ninh,01/07/2025,,"
      "so_noi_vu\n"
      "bn_ban_tdkt,\"Ban Thi đua, Khen thưởng\",phong,bn_so_noi_vu,"
      "01/07/2025,,\n"
      "bn_vp_ubnd,Văn phòng UBND tỉnh,co_quan,bac_ninh,01/07/2025,,van_thu\n"
      "07627,Xã Đại Sơn,xa,bac_ninh,01/07/2025,,\n"
      "bn_ca_dai_son,Công an xã Đại Sơn,co_quan,07627,01/07/2025,,\n");
  ASSERT_TRUE(bac_ninh.ok()) << bac_ninh.status();
  absl::StatusOr<OrgTree> tree = OrgTree::Build(*bac_ninh);
  ASSERT_TRUE(tree.ok()) << tree.status();

  absl::StatusOr<std::vector<OrgUnit>> ceased = ImportOrgCsv(
      "id,name,kind,parent,valid_from,valid_to,tags\n"
      "tuyen_quang,Tuyên Quang,tinh,,01/01/2024,,\n"
      "tq_son_duong,Huyện Sơn Dương,huyen,tuyen_quang,01/01/2024,30/06/2025,\n"
      "tq_son_duong_tan_thanh,Xã Tân Thanh,xa,tq_son_duong,01/01/2024,"
      "30/06/2025,\n"
      "02215,Phường Minh Xuân,phuong,tuyen_quang,01/07/2025,,\n");
  ASSERT_TRUE(ceased.ok()) << ceased.status();

  OrgUnit province = MakeUnit("bac_ninh", "Bắc Ninh", kKindTinh, "",
                              absl::CivilDay(2025, 7, 1));
  absl::StatusOr<std::vector<OrgUnit>> list = ImportProvinceListCsv(
      "code,name,kind\n"
      "07627,Xã Đại Sơn,xa\n"
      "07615,Xã Sơn Động,xa\n"
      "07612,Phường Phượng Sơn,phuong\n",
      province, absl::CivilDay(2025, 7, 1));
  ASSERT_TRUE(list.ok()) << list.status();

  OrgUnit tuyen_quang = MakeUnit("tuyen_quang", "Tuyên Quang", kKindTinh, "",
                                 absl::CivilDay(2024, 1, 1));
  absl::StatusOr<std::vector<OrgUnit>> districts = ImportDistrictsCsv(
      "district,commune,kind\n"
      "Thành phố Tuyên Quang,Phường Minh Xuân,phuong\n"
      "Huyện Sơn Dương,Xã Tân Thanh,xa\n"
      "Huyện Sơn Dương,Thị trấn Sơn Dương,thi_tran\n"
      "Huyện Hàm Yên,Xã Tân Thành,xa\n",
      tuyen_quang, absl::CivilDay(2024, 1, 1));
  ASSERT_TRUE(districts.ok()) << districts.status();

  absl::StatusOr<PeopleImport> people = ImportPeopleCsv(
      "person,name,role,unit,valid_from,valid_to,acting_for\n"
      "chu_tich.dai_son,Nguyễn Văn Sơn,chu_tich,07627,01/07/2025,,\n"
      "pho_chu_tich.dai_son,Trần Thị Hà,pho_chu_tich,07627,01/07/2025,,\n"
      "pho_chu_tich.dai_son,,chu_tich,07627,12/01/2026,20/01/2026,"
      "chu_tich.dai_son\n"
      "chuyen_vien.ptm,Lê Minh Tuấn,chuyen_vien,bn_phong_tham_muu,"
      "01/07/2025,,\n"
      "chuyen_vien.snv,Phạm Thu Hường,chuyen_vien,bn_ban_tdkt,01/07/2025,,\n",
      *tree);
  ASSERT_TRUE(people.ok()) << people.status();
  EXPECT_EQ(people->people.size(), 4u);
  EXPECT_EQ(people->assignments.size(), 5u);
}

}  // namespace
}  // namespace wf::org
