// Copyright the wf-engine authors. Apache-2.0.
//
// Rendering a document as HTML. Two pages are compared byte for byte with
// golden files in testdata/, built from the seeds (/work/shared/seeds): the
// Bắc Ninh BCĐ 138 tổng kết plan (002, "Số: /KH-BCĐ") and the Văn phòng UBND
// tỉnh Lai Châu plan signed "KT." (004). The seeds are drafts: their number
// and day are blank, and their text starts at "Số:", so the issuer lines,
// the number and the day below are ours; everything else (trích yếu,
// signer, Nơi nhận, body paragraphs) is the seeds' text.
//
// After an intended change of the layout, rewrite the goldens and read the
// diff before committing it:
//   WF_UPDATE_GOLDENS=1 build/engine/documents/documents_render_test
#include "engine/documents/render_html.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/util/text.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The type names the project ships (plugins/vn/document_types.json).
RenderOptions ShippedOptions() {
  std::string json = ReadFile(WF_PLUGINS_DIR "/vn/document_types.json");
  absl::StatusOr<DocumentTypeNames> names = ParseDocumentTypeNames(json);
  EXPECT_TRUE(names.ok()) << names.status();
  RenderOptions options;
  if (names.ok()) options.type_names = *names;
  return options;
}

void ExpectMatchesGolden(const std::string& name, const std::string& html) {
  const std::string path = std::string(WF_DOCUMENTS_TESTDATA_DIR "/") + name;
  const char* update = std::getenv("WF_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << html;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::string golden = ReadFile(path);
  ASSERT_FALSE(golden.empty()) << path << " is missing; WF_UPDATE_GOLDENS=1";
  EXPECT_EQ(html, golden) << "differs from " << path;
}

RecipientInfo Recipient(std::string label, std::string purpose = "") {
  RecipientInfo r;
  r.label = std::move(label);
  r.purpose = std::move(purpose);
  return r;
}

// A unit that receives the document and is printed with its group.
RecipientInfo Grouped(std::string unit, std::string label, std::string group,
                      std::string purpose = "") {
  RecipientInfo r = Recipient(std::move(label), std::move(purpose));
  r.unit_id = std::move(unit);
  r.group = std::move(group);
  return r;
}

// Seed 002.
DocumentInfo BacNinhTongKet() {
  DocumentInfo doc;
  doc.type = "KH";
  doc.trich_yeu =
      "Tổng kết công tác phòng, chống tội phạm, tệ nạn xã hội và xây dựng "
      "phong trào toàn dân bảo vệ ANTQ năm 2025";
  doc.parent_body = "UBND TỈNH BẮC NINH";
  doc.issuer_name =
      "BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, TỆ NẠN XÃ HỘI VÀ XÂY DỰNG PHONG "
      "TRÀO TOÀN DÂN BẢO VỆ ANTQ";
  doc.issuer_code = "BCĐ";
  doc.place = "Bắc Ninh";
  doc.signer.title_lines = {"TRƯỞNG BAN", "CHỦ TỊCH UBND TỈNH"};
  doc.signer.name = "Vương Quốc Tuấn";
  doc.recipients = {
      Recipient("TT Tỉnh ủy, TT UBND tỉnh", "để b/cáo"),
      Recipient("Văn phòng Bộ Công an", "để b/cáo"),
      Recipient("Cục XDPTBVANTQ - Bộ Công an", "để b/cáo"),
      Recipient("Ủy ban MTTQ tỉnh"),
      Recipient("VP Tỉnh ủy, Ban Nội chính Tỉnh ủy"),
      Recipient("Các cơ quan TW trên địa bàn tỉnh"),
      Recipient("Các sở, cơ quan thuộc UBND tỉnh"),
      // Each commune receives the plan; the seed prints them as one line.
      Grouped("xa-dai-son", "UBND xã Đại Sơn", "UBND các xã, phường"),
      Grouped("xa-tien-du", "UBND xã Tiên Du", "UBND các xã, phường"),
      Grouped("phuong-kinh-bac", "UBND phường Kinh Bắc", "UBND các xã, phường"),
      Recipient("VP UBND tỉnh: CVP, TH"),
      Recipient("Lưu: VT, NC"),
  };
  doc.body_summary =
      "Thực hiện Chương trình công tác năm 2025 và căn cứ Công văn số "
      "2404/V05-P1 ngày 21/10/2025 của Cục Xây dựng phong trào bảo vệ ANTQ, "
      "Bộ Công an về hướng dẫn tổng kết công tác xây dựng phong trào toàn dân "
      "bảo vệ ANTQ năm 2025, Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội "
      "và xây dựng phong trào toàn dân bảo vệ ANTQ (Ban Chỉ đạo 138) tỉnh ban "
      "hành kế hoạch tổng kết như sau:\n"
      "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc đề nghị các đơn "
      "vị, địa phương báo cáo về Ban Chỉ đạo 138 tỉnh (qua Phòng Tham mưu, "
      "Công an tỉnh) để phối hợp giải quyết./.";
  doc.issued = true;
  doc.issuance.reference = "86/KH-BCĐ";
  doc.issuance.date = "2025-11-05";
  return doc;
}

// Seed 004.
DocumentInfo LaiChauVanPhong() {
  DocumentInfo doc;
  doc.type = "KH";
  doc.trich_yeu =
      "Công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026";
  doc.parent_body = "UBND TỈNH LAI CHÂU";
  doc.issuer_name = "VĂN PHÒNG";
  doc.issuer_code = "VPUBND";
  doc.place = "Lai Châu";
  doc.signer.form = "KT.";
  doc.signer.title_lines = {"CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"};
  doc.signer.name = "Nguyễn Văn Ban";
  // "V" is the seed's line as it stands (it looks cut short there).
  doc.recipients = {
      Recipient("Công an tỉnh", "b/c"),
      Recipient("V"),
      Recipient("Trưởng các phòng, ban, trung tâm"),
      Recipient("Lưu: VT, HCQT"),
  };
  doc.body_summary =
      "Thực hiện Kế hoạch số 987/KH-UBND ngày 09/02/2026 của UBND tỉnh về "
      "công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026, "
      "Văn phòng UBND tỉnh xây dựng Kế hoạch thực hiện như sau:\n"
      "2. Phòng Hành chính – Quản trị tham mưu theo dõi, đôn đốc việc thực "
      "hiện Kế hoạch; đăng ký danh hiệu thi đua của cơ quan, đề xuất các cấp "
      "biểu dương, khen thưởng tập thể, cá nhân trong phong trào toàn dân bảo "
      "vệ an ninh Tổ quốc năm 2026 theo hướng dẫn của tỉnh, cơ quan chuyên "
      "môn.";
  doc.issued = true;
  doc.issuance.reference = "12/KH-VPUBND";
  doc.issuance.date = "2026-02-11";
  return doc;
}

// Seed 000, as the draft it is: "Số: /KH-BCĐ-CAT", no day.
DocumentInfo BacNinhDraft() {
  DocumentInfo doc = BacNinhTongKet();
  doc.trich_yeu =
      "Công tác phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào "
      "toàn dân bảo vệ an ninh Tổ quốc năm 2026";
  doc.issuer_code = "BCĐ-CAT";
  doc.signer.name = "Phạm Hoàng Sơn";
  doc.issued = false;
  doc.issuance = IssuedInfo();
  return doc;
}

// The text between the first `from` and the next `to` after it.
std::string Between(const std::string& html, const std::string& from,
                    const std::string& to) {
  size_t start = html.find(from);
  if (start == std::string::npos) return "<" + from + " not found>";
  start += from.size();
  size_t end = html.find(to, start);
  if (end == std::string::npos) return "<" + to + " not found>";
  return html.substr(start, end - start);
}

// Nơi nhận as rendered: its title and lines.
std::string RecipientsBlock(const DocumentInfo& doc) {
  return Between(RenderDocumentHtml(doc, ShippedOptions()),
                 "<td class=\"recipients\">\n", "</td>");
}

std::string SignerBlock(const DocumentInfo& doc) {
  return Between(RenderDocumentHtml(doc, ShippedOptions()),
                 "<td class=\"signer\">\n", "</td>");
}

TEST(RenderHtmlTest, BacNinhPlanMatchesGolden) {
  ExpectMatchesGolden("bac_ninh_kh_bcd.html",
                      RenderDocumentHtml(BacNinhTongKet(), ShippedOptions()));
}

TEST(RenderHtmlTest, LaiChauPlanSignedKtMatchesGolden) {
  ExpectMatchesGolden("lai_chau_kt.html",
                      RenderDocumentHtml(LaiChauVanPhong(), ShippedOptions()));
}

TEST(RenderHtmlTest, PartsComeInTheOrderOfNghiDinh30) {
  std::string html = RenderDocumentHtml(BacNinhTongKet(), ShippedOptions());
  const std::vector<std::string> parts = {
      "UBND TỈNH BẮC NINH",
      "BAN CHỈ ĐẠO PHÒNG",
      "Số: 86/KH-BCĐ",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "Bắc Ninh, ngày 05 tháng 11 năm 2025",
      "<p class=\"type\">KẾ HOẠCH</p>",
      "Tổng kết công tác phòng",
      "Thực hiện Chương trình công tác năm 2025",
      "Nơi nhận:",
      "- TT Tỉnh ủy, TT UBND tỉnh (để b/cáo);",
      "- Lưu: VT, NC.",
      "TRƯỞNG BAN",
      "Vương Quốc Tuấn",
  };
  size_t at = 0;
  for (const std::string& part : parts) {
    size_t found = html.find(part, at);
    ASSERT_NE(found, std::string::npos) << part << " missing or out of order";
    at = found + part.size();
  }
  EXPECT_EQ(html.find("DỰ THẢO"), std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"vi\">", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
}

TEST(RenderHtmlTest, HostileTextIsEscapedEverywhere) {
  const std::string hostile = "<script>alert('x')</script> & \"q\"";
  const std::string escaped =
      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;";
  DocumentInfo doc = BacNinhTongKet();
  doc.trich_yeu = hostile;
  doc.issuer_name = hostile;
  doc.parent_body = hostile;
  doc.place = hostile;
  doc.body_summary = hostile;
  doc.urgency = hostile;
  doc.signer.title_lines = {hostile};
  doc.signer.name = hostile;
  doc.recipients = {Recipient(hostile, hostile)};
  doc.issuance.reference = hostile;
  doc.type = "X";
  RenderOptions options;
  options.type_names["X"] = hostile;
  std::string html = RenderDocumentHtml(doc, options);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("'x'"), std::string::npos);
  // Title (type name and number), parent body, issuer, number, mark, place,
  // type, trích yếu, body, recipient (label and purpose), signer title, name.
  size_t count = 0;
  for (size_t at = html.find(escaped); at != std::string::npos;
       at = html.find(escaped, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 14u) << html;
}

TEST(RenderHtmlTest, UnissuedDocumentIsADraft) {
  std::string html = RenderDocumentHtml(BacNinhDraft(), ShippedOptions());
  EXPECT_NE(html.find("<p class=\"draft\"><span>DỰ THẢO</span></p>"),
            std::string::npos);
  EXPECT_NE(html.find("<title>DỰ THẢO - KẾ HOẠCH ..../KH-BCĐ-CAT</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<p class=\"number\">Số: ..../KH-BCĐ-CAT</p>"),
            std::string::npos);
  EXPECT_NE(
      html.find(
          "<p class=\"date\">Bắc Ninh, ngày .... tháng .... năm ....</p>"),
      std::string::npos);
  // The draft mark comes before the header.
  EXPECT_LT(html.find("DỰ THẢO</span>"), html.find("<table class=\"header\">"));
}

TEST(RenderHtmlTest, ARecalledDocumentSaysSoWithTheDayAndReason) {
  DocumentInfo doc = BacNinhTongKet();
  std::string issued = RenderDocumentHtml(doc, ShippedOptions());
  EXPECT_EQ(issued.find("ĐÃ THU HỒI"), std::string::npos);
  doc.recalled = true;
  doc.recall.at = absl::FromUnixSeconds(1762387200);  // 06/11/2025 07:00 VN
  doc.recall.reason = "Ban hành nhầm <đối tượng>";
  std::string html = RenderDocumentHtml(doc, ShippedOptions());
  EXPECT_NE(html.find("<p class=\"recalled\"><span>ĐÃ THU HỒI</span></p>"),
            std::string::npos);
  EXPECT_NE(html.find("<p class=\"recalled-reason\">Thu hồi ngày 06 tháng 11 "
                      "năm 2025: Ban hành nhầm &lt;đối tượng&gt;</p>"),
            std::string::npos)
      << html;
  // Still the issued document under the mark: its number and Nơi nhận.
  EXPECT_NE(html.find("Số: 86/KH-BCĐ"), std::string::npos);
  EXPECT_EQ(html.find("DỰ THẢO"), std::string::npos);
}

TEST(RenderHtmlTest, IssuedWithoutReferenceStillShowsDots) {
  DocumentInfo doc = BacNinhTongKet();
  doc.issuance.reference.clear();
  std::string html = RenderDocumentHtml(doc, ShippedOptions());
  EXPECT_NE(html.find("Số: ..../KH-BCĐ"), std::string::npos);
  EXPECT_EQ(html.find("DỰ THẢO"), std::string::npos);
}

TEST(RenderHtmlTest, UnreadableIssueDateLeavesTheDayBlank) {
  DocumentInfo doc = BacNinhTongKet();
  doc.issuance.date = "05/13/2025";
  std::string html = RenderDocumentHtml(doc, ShippedOptions());
  EXPECT_NE(html.find("Bắc Ninh, ngày .... tháng .... năm ...."),
            std::string::npos);
}

TEST(RenderHtmlTest, SignerKtPutsTheHeadsTitleThenTheDeputys) {
  EXPECT_EQ(SignerBlock(LaiChauVanPhong()),
            "<p class=\"signer-title\">KT. CHÁNH VĂN PHÒNG</p>\n"
            "<p class=\"signer-title\">PHÓ CHÁNH VĂN PHÒNG</p>\n"
            "<div class=\"signature\"></div>\n"
            "<p class=\"signer-name\">Nguyễn Văn Ban</p>\n");
}

TEST(RenderHtmlTest, SignerFormAlreadyInTheTitleIsNotDoubled) {
  DocumentInfo doc = LaiChauVanPhong();
  doc.signer.title_lines[0] = "KT. CHÁNH VĂN PHÒNG";
  EXPECT_EQ(SignerBlock(doc), SignerBlock(LaiChauVanPhong()));
}

TEST(RenderHtmlTest, SignerTmForACollectiveBody) {
  DocumentInfo doc = BacNinhTongKet();
  doc.signer.form = "TM.";
  doc.signer.title_lines = {"ỦY BAN NHÂN DÂN", "CHỦ TỊCH"};
  EXPECT_EQ(SignerBlock(doc),
            "<p class=\"signer-title\">TM. ỦY BAN NHÂN DÂN</p>\n"
            "<p class=\"signer-title\">CHỦ TỊCH</p>\n"
            "<div class=\"signature\"></div>\n"
            "<p class=\"signer-name\">Vương Quốc Tuấn</p>\n");
}

TEST(RenderHtmlTest, SignerWithoutFormSignsPlainly) {
  EXPECT_EQ(SignerBlock(BacNinhTongKet()),
            "<p class=\"signer-title\">TRƯỞNG BAN</p>\n"
            "<p class=\"signer-title\">CHỦ TỊCH UBND TỈNH</p>\n"
            "<div class=\"signature\"></div>\n"
            "<p class=\"signer-name\">Vương Quốc Tuấn</p>\n");
}

TEST(RenderHtmlTest, RecipientsEndWithSemicolonsAndTheLastWithAFullStop) {
  DocumentInfo doc = LaiChauVanPhong();
  doc.recipients = {Recipient("Công an tỉnh;", "b/c"),
                    Recipient("Lưu: VT, HCQT.")};
  EXPECT_EQ(RecipientsBlock(doc),
            "<p class=\"recipients-title\">Nơi nhận:</p>\n"
            "<p class=\"recipient\">- Công an tỉnh (b/c);</p>\n"
            "<p class=\"recipient\">- Lưu: VT, HCQT.</p>\n");
}

TEST(RenderHtmlTest, AGroupPrintsOnceWhereItsFirstUnitIs) {
  DocumentInfo doc = LaiChauVanPhong();
  doc.recipients = {
      Recipient("Công an tỉnh", "b/c"),
      Grouped("x1", "BCĐ 138 xã A", "BCĐ 138 cấp xã", "để t/hiện"),
      Grouped("m1", "Đ/c Thành viên 1", "Thành viên BCĐ 138 tỉnh", "để t/hiện"),
      Grouped("x2", "BCĐ 138 xã B", "BCĐ 138 cấp xã", "để t/hiện"),
      // The same group for another purpose is another line.
      Grouped("x3", "BCĐ 138 xã C", "BCĐ 138 cấp xã", "để b/c"),
      Recipient("Lưu: VT"),
      Grouped("m2", "Đ/c Thành viên 2", "Thành viên BCĐ 138 tỉnh", "để t/hiện"),
  };
  EXPECT_EQ(RecipientsBlock(doc),
            "<p class=\"recipients-title\">Nơi nhận:</p>\n"
            "<p class=\"recipient\">- Công an tỉnh (b/c);</p>\n"
            "<p class=\"recipient\">- BCĐ 138 cấp xã (để t/hiện);</p>\n"
            "<p class=\"recipient\">- Thành viên BCĐ 138 tỉnh (để t/hiện);</p>\n"
            "<p class=\"recipient\">- BCĐ 138 cấp xã (để b/c);</p>\n"
            "<p class=\"recipient\">- Lưu: VT.</p>\n");
}

TEST(RenderHtmlTest, AGroupLastEndsTheListWithAFullStop) {
  DocumentInfo doc = LaiChauVanPhong();
  doc.recipients = {Recipient("Công an tỉnh", "b/c"),
                    Grouped("x1", "UBND xã A", "UBND các xã, phường"),
                    Grouped("x2", "UBND xã B", "UBND các xã, phường")};
  EXPECT_EQ(RecipientsBlock(doc),
            "<p class=\"recipients-title\">Nơi nhận:</p>\n"
            "<p class=\"recipient\">- Công an tỉnh (b/c);</p>\n"
            "<p class=\"recipient\">- UBND các xã, phường.</p>\n");
}

TEST(RenderHtmlTest, VietnameseTextComesOutByteForByte) {
  DocumentInfo doc = LaiChauVanPhong();
  // NFC: "ệ" is one code point (U+1EC7), not "e" + two combining marks.
  const std::string name = "Nguyễn Thị Hồng Nhung";
  ASSERT_EQ(ToNfc(name, "name").value_or(""), name);
  ASSERT_EQ(name.find("e\xCC"), std::string::npos);
  doc.signer.name = name;
  std::string html = RenderDocumentHtml(doc, ShippedOptions());
  EXPECT_NE(html.find("<p class=\"signer-name\">" + name + "</p>"),
            std::string::npos);
  EXPECT_NE(html.find(doc.trich_yeu), std::string::npos);
  EXPECT_NE(html.find("Phòng Hành chính – Quản trị"), std::string::npos);
  EXPECT_TRUE(IsValidUtf8(html));
  EXPECT_EQ(ToNfc(html, "html").value_or(""), html);
}

TEST(RenderHtmlTest, DatesArePaddedAsNghiDinh30Says) {
  DocumentInfo doc = BacNinhTongKet();
  doc.issuance.date = "2026-01-05";
  EXPECT_NE(RenderDocumentHtml(doc, ShippedOptions())
                .find("Bắc Ninh, ngày 05 tháng 01 năm 2026"),
            std::string::npos);
  // Months 3 to 9 are not padded (NĐ 30, Phụ lục I; engine/calendar).
  doc.issuance.date = "2026-07-09";
  EXPECT_NE(RenderDocumentHtml(doc, ShippedOptions())
                .find("Bắc Ninh, ngày 09 tháng 7 năm 2026"),
            std::string::npos);
}

TEST(RenderHtmlTest, TypeNamesComeFromTheOptions) {
  DocumentInfo doc = BacNinhTongKet();
  doc.type = "BC";
  RenderOptions options;
  options.type_names["BC"] = "BÁO CÁO";
  EXPECT_NE(
      RenderDocumentHtml(doc, options).find("<p class=\"type\">BÁO CÁO</p>"),
      std::string::npos);
  // Missing from the data: the abbreviation shows, so the gap is seen.
  EXPECT_NE(
      RenderDocumentHtml(doc, RenderOptions()).find("<p class=\"type\">BC</p>"),
      std::string::npos);
}

TEST(RenderHtmlTest, CongVanHasNoTypeLineAndItsSubjectUnderTheNumber) {
  DocumentInfo doc = BacNinhDraft();
  doc.type = "CV";
  doc.issuer_code = "BCĐ";
  doc.trich_yeu = "đôn đốc xây dựng kế hoạch";
  std::string html = RenderDocumentHtml(doc, ShippedOptions());
  EXPECT_NE(html.find("<p class=\"number\">Số: ..../BCĐ</p>\n"
                      "<p class=\"vv\">V/v đôn đốc xây dựng kế hoạch</p>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<p class=\"type\">"), std::string::npos);
}

TEST(ParseDocumentTypeNamesTest, ReadsTheShippedData) {
  RenderOptions options = ShippedOptions();
  EXPECT_EQ(options.type_names["KH"], "KẾ HOẠCH");
  EXPECT_EQ(options.type_names["TTr"], "TỜ TRÌNH");
  EXPECT_EQ(options.type_names.count("CV"), 1u);
  EXPECT_EQ(options.type_names["CV"], "");
}

TEST(ParseDocumentTypeNamesTest, RefusesMalformedData) {
  for (const char* bad :
       {"", "[1]", "{\"types\": [\"KH\"]}", "{\"note\": 1}",
        "{\"types\": {\"\": \"X\"}}", "{\"types\": {\"KH\": 1}}"}) {
    absl::StatusOr<DocumentTypeNames> names = ParseDocumentTypeNames(bad);
    EXPECT_EQ(names.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace wf
