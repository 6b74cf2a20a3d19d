#include "engine/util/text.h"

#include "gtest/gtest.h"

namespace wf {
namespace {

// "Tiên Du" with ê precomposed (U+00EA) and decomposed (e + U+0302).
const char kTienDuNfc[] = "Ti\xc3\xaan Du";
const char kTienDuNfd[] = "Tie\xcc\x82n Du";

TEST(TextTest, ValidUtf8) {
  EXPECT_TRUE(IsValidUtf8("Bắc Ninh"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("B\xe1\xba"));          // truncated sequence
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));           // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));       // UTF-16 surrogate
}

TEST(TextTest, NfcNormalisesDecomposedVietnamese) {
  auto nfc = ToNfc(kTienDuNfd, "name");
  ASSERT_TRUE(nfc.ok());
  EXPECT_EQ(*nfc, kTienDuNfc);
  EXPECT_NE(std::string(kTienDuNfd), std::string(kTienDuNfc));
}

TEST(TextTest, NfcKeepsNfcByteExact) {
  const std::string name = "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bắc Ninh";
  auto nfc = ToNfc(name, "name");
  ASSERT_TRUE(nfc.ok());
  EXPECT_EQ(*nfc, name);
}

TEST(TextTest, NfcKeepsAsciiAndControlBytesAsTheyAre) {
  const std::string ascii("don_vi \t\x01\x7f{}", 13);
  auto nfc = ToNfc(ascii, "key");
  ASSERT_TRUE(nfc.ok());
  EXPECT_EQ(*nfc, ascii);
  // One byte above ASCII takes the full path: refused when it is not UTF-8.
  EXPECT_FALSE(ToNfc(ascii + "\x80", "key").ok());
}

TEST(TextTest, NfcRefusesInvalidUtf8) {
  auto nfc = ToNfc("Ti\xff", "business_key");
  ASSERT_FALSE(nfc.ok());
  EXPECT_EQ(nfc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(nfc.status().message().find("business_key"), std::string::npos);
}

TEST(TextTest, NormaliseToNfcInPlace) {
  std::string ascii = "Xa Tien Du";
  ASSERT_TRUE(NormaliseToNfc(&ascii, "t").ok());
  EXPECT_EQ(ascii, "Xa Tien Du");
  std::string composed = "X\xc3\xa3 Ti\xc3\xaan Du";
  ASSERT_TRUE(NormaliseToNfc(&composed, "t").ok());
  EXPECT_EQ(composed, "X\xc3\xa3 Ti\xc3\xaan Du");
  std::string decomposed = "Tie\xcc\x82n";
  ASSERT_TRUE(NormaliseToNfc(&decomposed, "t").ok());
  EXPECT_EQ(decomposed, "Ti\xc3\xaan");
  std::string invalid = "ab\xff";
  EXPECT_EQ(NormaliseToNfc(&invalid, "t").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(invalid, "ab\xff");
}

TEST(TextTest, Identifiers) {
  EXPECT_TRUE(IsIdentifier("ke_hoach_don_vi"));
  EXPECT_TRUE(IsIdentifier("b2"));
  EXPECT_FALSE(IsIdentifier(""));
  EXPECT_FALSE(IsIdentifier("2b"));
  EXPECT_FALSE(IsIdentifier("Ke"));
  EXPECT_FALSE(IsIdentifier("kế"));
  EXPECT_FALSE(IsIdentifier(std::string(65, 'a')));
}

TEST(TextTest, KeyTextRefusesControlAndLength) {
  EXPECT_EQ(CheckKeyText("a\nb", "k", 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckKeyText(std::string(11, 'a'), "k", 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto ok = CheckKeyText(kTienDuNfd, "k", 64);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, kTienDuNfc);
}

}  // namespace
}  // namespace wf
