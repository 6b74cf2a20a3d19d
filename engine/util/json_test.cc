#include "engine/util/json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

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

// Objects whose keys are NFC already are normalised in place, not rebuilt
// (json.cc): what is inside them is normalised all the same, and a key
// that is not valid UTF-8 is still refused.
TEST(JsonTest, NormalisesInsideObjectsWithNfcKeys) {
  auto v = ParseJsonObject(
      "{\"Ti\xc3\xaan Du\":{\"ds\":[{\"ten\":\"Tie\xcc\x82n\"}],\"so\":1}}", "p",
      1000);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(DumpJson(*v),
            "{\"Ti\xc3\xaan Du\":{\"ds\":[{\"ten\":\"Ti\xc3\xaan\"}],\"so\":1}}");
  EXPECT_EQ(ParseJsonObject("{\"a\":{\"b\":1,\"\xff\":2}}", "p", 100)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
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

// DumpJson writes what nlohmann's compact dump writes, to the byte: stored
// history is hashed over this text, and replay compares it.
std::string NlohmannDump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

TEST(JsonTest, DumpWritesWhatNlohmannWrites) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  const Json cases[] = {
      nullptr, true, false, 0, -1, std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int64_t>::max(),
      std::numeric_limits<uint64_t>::max(), 0.5, 1.0, -0.0, 1e300, 1e-7,
      std::nan(""), 3.141592653589793,
      "", "Xã Tiên Du", "ngày 16 tháng 01 năm 2026", "\"\\/\b\f\n\r\t\x01\x1f\x7f",
      "Tie\xcc\x82n", "\xf0\x9f\x93\x84 văn bản", every_byte,
      "\xc3", "a\xe1\xba", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf",
      Json::array(), Json::object(),
      {{"b", 1}, {"a", {1, 2.5, "x"}}, {"Đơn vị", {{"\n", nullptr}}}},
      {{"k\xff", 1}},
  };
  for (const Json& value : cases) {
    EXPECT_EQ(DumpJson(value), NlohmannDump(value)) << NlohmannDump(value);
  }
}

// Random values of every kind, with text drawn from bytes that make every
// escape, Vietnamese letters, and invalid UTF-8.
Json RandomJson(std::mt19937_64& random, int depth) {
  static const std::string kPieces[] = {
      "a", "Z", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "ư", "ễ",
      "Đ", "\xf0\x9f\x93\x84", "\xe2\x80\xa8", "\xcc\x82", "\xff", "\xc3",
      "\xe1\xba", "\xed\xb0\x80"};
  auto text = [&] {
    std::string s;
    const int n = static_cast<int>(random() % 8);
    for (int i = 0; i < n; ++i) s += kPieces[random() % std::size(kPieces)];
    return s;
  };
  switch (random() % (depth < 4 ? 8 : 6)) {
    case 0: return nullptr;
    case 1: return random() % 2 == 0;
    case 2: return static_cast<int64_t>(random());
    case 3: return static_cast<double>(static_cast<int64_t>(random() % 2000000) - 1000000) / 64;
    case 4:
    case 5: return text();
    case 6: {
      Json list = Json::array();
      for (int i = static_cast<int>(random() % 4); i > 0; --i) {
        list.push_back(RandomJson(random, depth + 1));
      }
      return list;
    }
    default: {
      Json object = Json::object();
      for (int i = static_cast<int>(random() % 4); i > 0; --i) {
        object[text()] = RandomJson(random, depth + 1);
      }
      return object;
    }
  }
}

TEST(JsonTest, DumpWritesWhatNlohmannWritesForRandomValues) {
  std::mt19937_64 random(20261130);
  for (int i = 0; i < 20000; ++i) {
    const Json value = RandomJson(random, 0);
    ASSERT_EQ(DumpJson(value), NlohmannDump(value)) << NlohmannDump(value);
  }
}

}  // namespace
}  // namespace wf
