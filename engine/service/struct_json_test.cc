// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/struct_json.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace wf {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

Value Number(double d) {
  Value v;
  v.set_number_value(d);
  return v;
}

Value Text(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}

TEST(StructJsonTest, IntegralNumbersBecomeIntegers) {
  Struct s;
  (*s.mutable_fields())["so"] = Number(42.0);
  (*s.mutable_fields())["max"] = Number(9007199254740991.0);   // 2^53 - 1
  (*s.mutable_fields())["min"] = Number(-9007199254740991.0);
  (*s.mutable_fields())["ti_le"] = Number(0.5);
  auto json = StructToJson(s, "payload");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE((*json)["so"].is_number_integer());
  EXPECT_EQ((*json)["max"].get<int64_t>(), kMaxExactInteger);
  EXPECT_EQ((*json)["min"].get<int64_t>(), -kMaxExactInteger);
  EXPECT_TRUE((*json)["ti_le"].is_number_float());
  EXPECT_EQ(DumpJson(*json),
            R"({"max":9007199254740991,"min":-9007199254740991,"so":42,)"
            R"("ti_le":0.5})");
}

TEST(StructJsonTest, IntegersBeyondTwoToThe53AreRefusedNamingThePath) {
  // 2^53 + 1 arrives as the double 2^53: it cannot be told apart, so even
  // 2^53 itself is refused.
  for (double big : {9007199254740992.0, -9007199254740992.0, 1e300}) {
    Struct inner;
    (*inner.mutable_fields())["so_tien"] = Number(big);
    Struct s;
    *(*s.mutable_fields())["ho_so"].mutable_struct_value() = inner;
    auto json = StructToJson(s, "payload");
    ASSERT_FALSE(json.ok()) << big;
    EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(json.status().message().find("payload.ho_so.so_tien"),
              std::string::npos) << json.status();
    EXPECT_NE(json.status().message().find("send it as a string"),
              std::string::npos) << json.status();
  }
  // The message shows the number as it arrived, digit for digit.
  Struct s;
  (*s.mutable_fields())["so"] = Number(9007199254740993.0);  // rounds to 2^53
  EXPECT_NE(StructToJson(s, "payload").status().message().find(
                "arrived as the double 9007199254740992"),
            std::string::npos);
}

TEST(StructJsonTest, NanAndInfinityAreRefused) {
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    Struct s;
    (*s.mutable_fields())["x"] = Number(bad);
    auto json = StructToJson(s, "variables");
    ASSERT_FALSE(json.ok());
    EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(json.status().message().find("variables.x"), std::string::npos);
  }
}

TEST(StructJsonTest, NestedObjectsListsAndNull) {
  Struct s;
  Value list;
  *list.mutable_list_value()->add_values() = Text("a");
  list.mutable_list_value()->add_values()->set_null_value(
      google::protobuf::NULL_VALUE);
  list.mutable_list_value()->add_values()->set_bool_value(true);
  Struct inner;
  (*inner.mutable_fields())["ds"] = list;
  *(*s.mutable_fields())["o"].mutable_struct_value() = inner;
  auto text = StructToJsonText(s, "payload");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, R"({"o":{"ds":["a",null,true]}})");

  // Paths name list items too.
  (*inner.mutable_fields())["ds"].mutable_list_value()->add_values()
      ->set_number_value(1e20);
  *(*s.mutable_fields())["o"].mutable_struct_value() = inner;
  auto refused = StructToJsonText(s, "payload");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("payload.o.ds[3]"),
            std::string::npos) << refused.status();
}

TEST(StructJsonTest, AValueWithNoKindIsRefused) {
  Struct s;
  (*s.mutable_fields())["x"];  // a Value nobody set
  auto json = StructToJson(s, "payload");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StructJsonTest, DeepNestingIsRefused) {
  Value v = Number(1);
  for (int i = 0; i < kMaxJsonDepth + 2; ++i) {
    Value outer;
    *(*outer.mutable_struct_value()->mutable_fields())["a"].mutable_list_value()
         ->add_values() = v;
    v = outer;
  }
  auto json = ValueToJson(v, "payload");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StructJsonTest, TextComesOutNfcAndKeysSortedOnceTheEngineParsesIt) {
  Struct s;
  (*s.mutable_fields())["z"] = Text("Đa\u0323i So\u031bn");  // decomposed
  (*s.mutable_fields())["a"] = Text("x");
  auto text = StructToJsonText(s, "variables");
  ASSERT_TRUE(text.ok());
  auto parsed = ParseJsonObject(*text, "variables", 1 << 16);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(DumpJson(*parsed), "{\"a\":\"x\",\"z\":\"Đại Sơn\"}");

  // Two keys that are one name once normalised: the engine refuses them.
  Struct twice;
  (*twice.mutable_fields())["h\u00e0"] = Text("1");
  (*twice.mutable_fields())["ha\u0300"] = Text("2");
  auto twice_text = StructToJsonText(twice, "variables");
  ASSERT_TRUE(twice_text.ok());
  EXPECT_EQ(ParseJsonObject(*twice_text, "variables", 1 << 16).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StructJsonTest, EngineIntegersBeyondTwoToThe53ComeOutAsDigits) {
  Json json = Json::parse(
      R"({"big":1152921504606846977,"neg":-9007199254740992,)"
      R"("max":9007199254740991,"u":18446744073709551615,"f":0.25,)"
      R"("l":[1,{"n":null}],"s":"Sơn","b":false})");
  Struct s;
  ASSERT_TRUE(JsonToStruct(json, &s).ok());
  EXPECT_EQ(s.fields().at("big").string_value(), "1152921504606846977");
  EXPECT_EQ(s.fields().at("neg").string_value(), "-9007199254740992");
  EXPECT_EQ(s.fields().at("u").string_value(), "18446744073709551615");
  EXPECT_EQ(s.fields().at("max").number_value(), 9007199254740991.0);
  EXPECT_EQ(s.fields().at("f").number_value(), 0.25);
  EXPECT_EQ(s.fields().at("s").string_value(), "Sơn");
  EXPECT_EQ(s.fields().at("b").kind_case(), Value::kBoolValue);
  const auto& list = s.fields().at("l").list_value();
  ASSERT_EQ(list.values_size(), 2);
  EXPECT_EQ(list.values(0).number_value(), 1.0);
  EXPECT_EQ(list.values(1).struct_value().fields().at("n").kind_case(),
            Value::kNullValue);
}

TEST(StructJsonTest, RoundTripKeepsTheEnginesJson) {
  const std::string stored =
      R"({"a":[1,2.5,"x",null,true],"b":{"c":-3},"d":""})";
  Struct s;
  ASSERT_TRUE(JsonTextToStruct(stored, &s).ok());
  auto back = StructToJsonText(s, "variables");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, stored);
}

TEST(StructJsonTest, StoredTextThatIsNotAnObjectIsAnError) {
  Struct s;
  EXPECT_EQ(JsonTextToStruct("[1]", &s).code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(JsonTextToStruct("", &s).ok());
  EXPECT_EQ(s.fields_size(), 0);
}

}  // namespace
}  // namespace wf
