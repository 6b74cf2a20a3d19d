#include "engine/util/json.h"

#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(JsonTest, EmptyIsEmptyObject) {
  auto v = ParseJsonObject("", "payload_json", 100);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->is_object());
  EXPECT_TRUE(v->empty());
}

TEST(JsonTest, RefusesNonObjects) {
  for (const char* text : {"[]", "1", "\"x\"", "null"}) {
    auto v = ParseJsonObject(text, "payload_json", 100);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(JsonTest, RefusesSyntaxErrorsAndLoneSurrogates) {
  EXPECT_EQ(ParseJsonObject("{\"a\":", "p", 100).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseJsonObject(R"({"a":"\udc80"})", "p", 100).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseJsonObject("{\"a\":\"\xff\"}", "p", 100).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JsonTest, RefusesOversize) {
  EXPECT_EQ(ParseJsonObject("{\"a\":\"0123456789\"}", "p", 10).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(JsonTest, RefusesDeepNesting) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 100; ++i) deep += "}";
  EXPECT_EQ(ParseJsonObject(deep, "p", 1 << 20).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JsonTest, NormalisesKeysAndValuesToNfc) {
  // "Tiên" decomposed in both a key and a value.
  auto v = ParseJsonObject("{\"Tie\xcc\x82n\":[\"Tie\xcc\x82n\"]}", "p", 100);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(DumpJson(*v), "{\"Ti\xc3\xaan\":[\"Ti\xc3\xaan\"]}");
}

TEST(JsonTest, RefusesAKeyGivenTwice) {
  auto twice = ParseJsonObject(
      R"({"han_nop":"2026-02-10","nam":2026,"han_nop":"2026-02-20"})",
      "variables_json", 1000);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(twice.status().message().find("'han_nop' appears twice"),
            std::string::npos)
      << twice.status();
  // Also inside a nested object, and when the two spellings differ only in
  // normalisation (composed and decomposed "Tiên").
  auto nested = ParseJsonObject(R"({"a":{"x":1,"x":2}})", "p", 100);
  EXPECT_EQ(nested.status().code(), absl::StatusCode::kInvalidArgument);
  auto spellings =
      ParseJsonObject("{\"Ti\xc3\xaan\":1,\"Tie\xcc\x82n\":2}", "p", 100);
  EXPECT_EQ(spellings.status().code(), absl::StatusCode::kInvalidArgument);
  // The same key in two sibling objects is no duplicate.
  auto siblings = ParseJsonObject(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]})",
                                  "p", 100);
  EXPECT_TRUE(siblings.ok()) << siblings.status();
}

TEST(JsonTest, DumpSortsKeys) {
  auto v = ParseJsonObject(R"({"b":1,"a":2.5,"c":{"z":true,"y":null}})", "p",
                           100);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(DumpJson(*v), R"({"a":2.5,"b":1,"c":{"y":null,"z":true}})");
}

}  // namespace
}  // namespace wf
