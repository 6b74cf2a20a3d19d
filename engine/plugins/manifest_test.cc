// Copyright the wf-engine authors. Apache-2.0.
#include "engine/plugins/manifest.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kGood[] = R"lua(-- a tiny province
local han = "2026-03-15"
return {
  name = "son_moc",
  title = "Tỉnh Sơn Mộc",
  province = "son_moc",
  dia_danh = "Sơn Mộc",
  org = {
    { file = "xa_phuong.csv", format = "communes", valid_from = "01/07/2025" },
    { file = "can_bo.csv", format = "people" },
  },
  han_nop_ke_hoach = han,
  dot = { ngay_bao_cao = { "2026-06-30", "2026-12-31" } },
  so = { ke_hoach = { ky_hieu = "KH-SM" } },
  hooks = {
    nguoi_gop_y = function(ctx) return "so_noi_vu" end,
  },
}
)lua";

ManifestCheck Check(const std::string& source) {
  return CheckManifest(source, "son_moc", SandboxOptions());
}

TEST(ManifestTest, GoodManifestIsRead) {
  ManifestCheck c = Check(kGood);
  EXPECT_THAT(c.problems, IsEmpty());
  EXPECT_EQ(c.manifest.name, "son_moc");
  EXPECT_EQ(c.manifest.title, "Tỉnh Sơn Mộc");
  EXPECT_EQ(c.manifest.province, "son_moc");
  EXPECT_EQ(c.manifest.dia_danh, "Sơn Mộc");
  ASSERT_EQ(c.manifest.org.size(), 2u);
  EXPECT_EQ(c.manifest.org[0].file, "xa_phuong.csv");
  EXPECT_EQ(c.manifest.org[0].format, "communes");
  EXPECT_EQ(c.manifest.org[0].line, 9);
  ASSERT_EQ(c.manifest.hooks.size(), 1u);
  EXPECT_EQ(c.manifest.hooks[0].name, "nguoi_gop_y");
  EXPECT_EQ(c.manifest.hooks[0].line, 16);
  EXPECT_THAT(c.manifest.symbols, ElementsAre("KH-SM"));
}

TEST(ManifestTest, MissingFieldNamesItAndWhatIsExpected) {
  ManifestCheck c = Check(R"lua(return {
  name = "son_moc",
  title = "Tỉnh Sơn Mộc",
})lua");
  EXPECT_THAT(c.problems,
              ElementsAre("plugin.lua:1: thiếu trường 'province' (mã đơn vị "
                          "cấp tỉnh trong cây tổ chức)"));
}

TEST(ManifestTest, EveryProblemIsReportedWithItsLine) {
  ManifestCheck c = Check(R"lua(return {
  name = "khac",
  title = "Tỉnh Sơn Mộc",
  province = "son_moc",
  han_nop = "2026-02-30",
  dot = {
    ngay_hop = 12,
  },
  tinh_toan = function() return 1 end,
})lua");
  EXPECT_THAT(
      c.problems,
      ::testing::UnorderedElementsAre(
          "plugin.lua:2: name 'khac' phải trùng tên thư mục 'son_moc'",
          "plugin.lua:5: han_nop: \"2026-02-30\" không phải là ngày (cần "
          "\"YYYY-MM-DD\")",
          "plugin.lua:7: dot.ngay_hop: cần một ngày \"YYYY-MM-DD\", không "
          "phải number",
          "plugin.lua:9: 'tinh_toan' là một hàm: hàm chỉ được đặt trong "
          "hooks"));
}

TEST(ManifestTest, SyntaxErrorKeepsLuasFileAndLine) {
  ManifestCheck c = Check("return {\n  name = \"son_moc\",\n  title = ,\n}\n");
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_THAT(c.problems[0], HasSubstr("plugin.lua:3:"));
}

TEST(ManifestTest, RunTimeErrorKeepsLuasFileAndLine) {
  ManifestCheck c = Check("local t = nil\n\nreturn { name = t.x }\n");
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_THAT(c.problems[0], HasSubstr("plugin.lua:3:"));
}

TEST(ManifestTest, MustReturnATable) {
  ManifestCheck c = Check("return 42");
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_THAT(c.problems[0], HasSubstr("phải trả về một bảng"));
}

TEST(ManifestTest, OrgEntriesAreChecked) {
  ManifestCheck c = Check(R"lua(return {
  name = "son_moc", title = "T", province = "son_moc",
  org = {
    { file = "a.csv", format = "lists" },
    { format = "units" },
    { file = "b.csv", format = "communes" },
  },
})lua");
  EXPECT_THAT(c.problems,
              ElementsAre(HasSubstr("plugin.lua:4: org[1]: format 'lists'"),
                          HasSubstr("org[2]: thiếu file"),
                          HasSubstr("plugin.lua:6: org[3]: danh sách "
                                    "communes cần valid_from")));
}

TEST(ManifestTest, DatesMustExist) {
  EXPECT_TRUE(IsIsoDate("2026-02-28"));
  EXPECT_TRUE(IsIsoDate("2028-02-29"));
  EXPECT_FALSE(IsIsoDate("2026-02-29"));
  EXPECT_FALSE(IsIsoDate("2026-13-01"));
  EXPECT_FALSE(IsIsoDate("15/03/2026"));
  EXPECT_FALSE(IsIsoDate("2026-3-15"));
}

TEST(ManifestTest, LineOfKeySearchesAfterItsParent) {
  const char* source = "return {\n  a = { x = 1 },\n  b = {\n    x = 2,\n"
                       "  },\n}\n";
  EXPECT_EQ(LineOfKey(source, {"b", "x"}), 4);
  EXPECT_EQ(LineOfKey(source, {"a", "x"}), 2);
  EXPECT_EQ(LineOfKey(source, {"c"}), 1);
  EXPECT_EQ(LineOfKey("if a == 1 then end\na = 2\n", {"a"}), 2);
  EXPECT_EQ(LineOfKey("local a = 1\nreturn {\n  a = a,\n}\n", {"a"}), 3);
}

}  // namespace
}  // namespace wf::plugins
