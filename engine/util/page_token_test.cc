// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/page_token.h"

#include <string>
#include <thread>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(PageTokenTest, OpensWhatItSealed) {
  const std::string position("i\0wi-000000000042", 17);
  std::string token = SealPageToken("instances", position);
  auto opened = OpenPageToken("instances", token);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, position);
}

TEST(PageTokenTest, RevealsNothingOfThePosition) {
  std::string token = SealPageToken("instances", "wi-000000000042");
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  EXPECT_EQ(bytes.find("wi-"), std::string::npos);
  // Two tokens for the same position differ (a fresh nonce each time).
  EXPECT_NE(token, SealPageToken("instances", "wi-000000000042"));
}

TEST(PageTokenTest, RefusesAlteredTokens) {
  std::string token = SealPageToken("inbox", "some position");
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string altered = bytes;
    altered[i] ^= 1;
    auto opened = OpenPageToken("inbox", absl::WebSafeBase64Escape(altered));
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument)
        << "byte " << i;
  }
  // The thread's context, reused, still opens a good token after refusals.
  EXPECT_EQ(OpenPageToken("inbox", token).value_or(""), "some position");
  EXPECT_FALSE(OpenPageToken("inbox", "not base64 !").ok());
  EXPECT_FALSE(OpenPageToken("inbox", "").ok());
  EXPECT_FALSE(OpenPageToken("inbox", absl::WebSafeBase64Escape("42")).ok());
}

// Tokens sealed on one thread open on another (each has its own context).
TEST(PageTokenTest, OpensOnAnotherThread) {
  const std::string token = SealPageToken("inbox", "position");
  std::string opened;
  std::thread other([&] { opened = OpenPageToken("inbox", token).value_or(""); });
  other.join();
  EXPECT_EQ(opened, "position");
}

TEST(PageTokenTest, RefusesATokenOfAnotherList) {
  std::string token = SealPageToken("workflows", "ke_hoach");
  auto opened = OpenPageToken("tokens", token);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("tokens"), std::string::npos);
}

// A key installed again opens what was sealed under it (a server restarted
// on the same store); a token sealed under another key does not open.
TEST(PageTokenTest, OpensUnderTheKeyItWasSealedUnder) {
  const std::string a = NewPageTokenKey(), b = NewPageTokenKey();
  ASSERT_EQ(a.size(), kPageTokenKeyBytes);
  ASSERT_NE(a, b);
  ASSERT_TRUE(UsePageTokenKey(a).ok());
  const std::string token = SealPageToken("instances", "wi-000000000042");
  ASSERT_TRUE(UsePageTokenKey(b).ok());
  EXPECT_EQ(OpenPageToken("instances", token).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Another thread, whose contexts are made after the change, agrees.
  std::thread([&] {
    EXPECT_FALSE(OpenPageToken("instances", token).ok());
  }).join();
  ASSERT_TRUE(UsePageTokenKey(a).ok());
  EXPECT_EQ(OpenPageToken("instances", token).value_or(""), "wi-000000000042");
  std::thread([&] {
    EXPECT_EQ(OpenPageToken("instances", token).value_or(""),
              "wi-000000000042");
  }).join();
}

TEST(PageTokenTest, RefusesAKeyOfAnotherLengthAndKeepsTheOneInUse) {
  ASSERT_TRUE(UsePageTokenKey(NewPageTokenKey()).ok());
  const std::string token = SealPageToken("inbox", "position");
  for (const std::string& bad : {std::string(), std::string(31, 'k'),
                                 std::string(33, 'k')}) {
    EXPECT_EQ(UsePageTokenKey(bad).code(), absl::StatusCode::kInvalidArgument)
        << bad.size();
  }
  EXPECT_EQ(OpenPageToken("inbox", token).value_or(""), "position");
}

}  // namespace
}  // namespace wf
