// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/csv.h"

#include <string>
#include <vector>

#include "engine/org/org_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::org {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<CsvRecord> Parse(absl::string_view text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<CsvRecord>{};
}

std::string ParseError(absl::string_view text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  EXPECT_FALSE(records.ok());
  if (records.ok()) return "";
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(records.status().message());
}

TEST(CsvTest, PlainRecordsWithLf) {
  std::vector<CsvRecord> records = Parse("a,b,c\n1,,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "", "3"));
  EXPECT_EQ(records[1].line, 2);
}

TEST(CsvTest, CrlfBomAndNoFinalNewline) {
  std::vector<CsvRecord> records = Parse(
      "\xEF\xBB\xBF"
      "a,b\r\n1,2");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "2"));
}

TEST(CsvTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  std::vector<CsvRecord> records = Parse(
      "name,note\n"
      "\"Ban Thi đua, Khen thưởng\",\"nói \"\"có\"\"\"\n"
      "\"hai\r\ndòng\",x\n"
      "sau,y\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_THAT(records[1].fields,
              ElementsAre("Ban Thi đua, Khen thưởng", "nói \"có\""));
  EXPECT_THAT(records[2].fields, ElementsAre("hai\r\ndòng", "x"));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[3].line, 5);  // the quoted line break counts
}

TEST(CsvTest, EmptyQuotedFieldAndBlankLines) {
  std::vector<CsvRecord> records = Parse("a\n\n\"\"\n\r\nb\n\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[1].fields, ElementsAre(""));
  EXPECT_EQ(records[2].line, 5);
}

TEST(CsvTest, RefusesQuoteInsideUnquotedField) {
  EXPECT_THAT(ParseError("a,b\n1,x\"y\n"), StartsWith("dòng 2: dấu ngoặc kép"));
}

TEST(CsvTest, RefusesTextAfterClosingQuote) {
  EXPECT_THAT(ParseError("a,b\n\"1\"x,2\n"),
              StartsWith("dòng 2: sau dấu ngoặc kép đóng"));
}

TEST(CsvTest, RefusesUnclosedQuoteNamingItsLine) {
  EXPECT_EQ(ParseError("a,b\n1,2\n3,\"bốn\n5,6\n"),
            "dòng 3: dấu ngoặc kép mở ở dòng 3 không được đóng");
}

TEST(CsvTest, RefusesLoneCarriageReturn) {
  EXPECT_THAT(ParseError("a,b\r1,2\n"), StartsWith("dòng 1: ký tự CR"));
}

constexpr absl::string_view kColumns[] = {"code", "name", "kind"};

TEST(CsvTableTest, ReordersColumnsTrimsAndNormalises) {
  std::string text =
      "kind, name ,code\nxa,  " + testing::ToNfd("Xã Đại Sơn") + "\t,07627\n";
  absl::StatusOr<std::vector<CsvRow>> rows = ReadCsvTable(text, kColumns);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].line, 2);
  EXPECT_THAT((*rows)[0].values, ElementsAre("07627", "Xã Đại Sơn", "xa"));
}

TEST(CsvTableTest, HeaderMustNameEachColumnOnce) {
  auto missing = ReadCsvTable("code,name\n07627,Xã Đại Sơn\n", kColumns);
  EXPECT_EQ(missing.status().message(),
            "dòng 1: thiếu cột 'kind'; cần các cột: code,name,kind");
  auto unknown = ReadCsvTable("code,name,kind,note\n", kColumns);
  EXPECT_THAT(std::string(unknown.status().message()),
              StartsWith("dòng 1: cột 'note' không có trong định dạng"));
  auto repeated = ReadCsvTable("code,name,code,kind\n", kColumns);
  EXPECT_EQ(repeated.status().message(), "dòng 1: cột 'code' lặp lại");
  auto empty = ReadCsvTable("", kColumns);
  EXPECT_THAT(std::string(empty.status().message()),
              StartsWith("dòng 1: tệp trống"));
}

TEST(CsvTableTest, RowWithMissingColumnNamesItsLine) {
  auto rows = ReadCsvTable(
      "code,name,kind\n07627,Xã Đại Sơn,xa\n07615,Xã Sơn Động\n", kColumns);
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(std::string(rows.status().message()),
              StartsWith("dòng 3: có 2 cột, cần 3 cột"));
}

TEST(CsvTableTest, RefusesInvalidUtf8AndControlCharacters) {
  auto bad_utf8 =
      ReadCsvTable("code,name,kind\n07627,X\xE1\xBA,xa\n", kColumns);
  EXPECT_EQ(bad_utf8.status().message(),
            "dòng 2: cột 'name': có byte không phải văn bản UTF-8 hợp lệ");
  auto control =
      ReadCsvTable("code,name,kind\n07627,\"Xã\nĐại Sơn\",xa\n", kColumns);
  EXPECT_THAT(std::string(control.status().message()),
              HasSubstr("dòng 2: cột 'name': có ký tự điều khiển (mã 10)"));
}

}  // namespace
}  // namespace wf::org
