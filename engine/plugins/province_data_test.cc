// Copyright the wf-engine authors. Apache-2.0.
#include "engine/plugins/province_data.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ProvinceDataTest, FindsNamesSymbolsAndDatesWithLines) {
  const char* source =
      "workflow \"w\" { plugin = true }\n"
      "-- hạn của Bắc Ninh\n"
      "local so = \"KH-BCĐ-CAT\"\n"
      "local han = \"2026-02-10\"\n"
      "local ngay = '10/2/2026'\n";
  std::vector<ForbiddenText> words = {{"Bắc Ninh", "tên tỉnh"},
                                      {"KH-BCĐ-CAT", "ký hiệu sổ"}};
  EXPECT_THAT(FindProvinceData(source, "w.lua", words),
              ElementsAre(HasSubstr("w.lua:2: 'Bắc Ninh' là tên tỉnh"),
                          HasSubstr("w.lua:3: 'KH-BCĐ-CAT' là ký hiệu sổ"),
                          HasSubstr("w.lua:4: '2026-02-10' là một ngày"),
                          HasSubstr("w.lua:5: '10/2/2026' là một ngày")));
}

TEST(ProvinceDataTest, CleanSourcePasses) {
  EXPECT_THAT(FindProvinceData("local han = ctx.plugin.han_nop -- 2026\n",
                               "w.lua", {{"Bắc Ninh", "tên tỉnh"}}),
              IsEmpty());
}

TEST(ProvinceDataTest, PlaceNameDropsTheTier) {
  EXPECT_EQ(ProvincePlaceName("Tỉnh Bắc Ninh"), "Bắc Ninh");
  EXPECT_EQ(ProvincePlaceName("Thành phố Huế"), "Huế");
  EXPECT_EQ(ProvincePlaceName("Bắc Ninh"), "Bắc Ninh");
}

}  // namespace
}  // namespace wf::plugins
