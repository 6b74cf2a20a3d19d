// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/struct_json.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

absl::StatusOr<Json> ToJson(const Value& value, const std::string& path,
                            int depth);

// A value the engine cannot take as it is, naming its path in the request
// as the field at fault ("payload.ho_so.so[1]").
absl::Status BadValue(const std::string& path, std::string message) {
  return ForField(absl::InvalidArgumentError(std::move(message)), path,
                  reason::kInvalidField);
}

absl::StatusOr<Json> NumberToJson(double number, const std::string& path) {
  if (!std::isfinite(number)) {
    return BadValue(path, absl::StrCat(
        "Expected ", path, " to be a finite number, but it is ",
        std::isnan(number) ? "NaN" : "infinite"));
  }
  if (std::trunc(number) != number) return Json(number);
  if (std::fabs(number) > static_cast<double>(kMaxExactInteger)) {
    return BadValue(path, absl::StrCat(
        "Expected ", path, " to be an integer within ±(2^53 - 1), but it ",
        "arrived as the double ", absl::StrFormat("%.0f", number),
        ", which cannot be represented exactly; send it as a string"));
  }
  return Json(static_cast<int64_t>(number));
}

absl::StatusOr<Json> ObjectToJson(const Struct& value, const std::string& path,
                                  int depth) {
  Json out = Json::object();
  for (const auto& [key, item] : value.fields()) {
    auto converted = ToJson(item, absl::StrCat(path, ".", key), depth + 1);
    if (!converted.ok()) return converted.status();
    out[key] = *std::move(converted);
  }
  return out;
}

absl::StatusOr<Json> ListToJson(const google::protobuf::ListValue& value,
                                const std::string& path, int depth) {
  Json out = Json::array();
  for (int i = 0; i < value.values_size(); ++i) {
    auto converted =
        ToJson(value.values(i), absl::StrCat(path, "[", i, "]"), depth + 1);
    if (!converted.ok()) return converted.status();
    out.push_back(*std::move(converted));
  }
  return out;
}

absl::StatusOr<Json> ToJson(const Value& value, const std::string& path,
                            int depth) {
  // Checked here, not left to the engine: this conversion is recursive.
  if (depth > kMaxJsonDepth) {
    return BadValue(path, 
        absl::StrCat("Expected values nested at most ", kMaxJsonDepth,
                     " levels deep, but ", path, " is deeper"));
  }
  switch (value.kind_case()) {
    case Value::kNullValue:
      return Json(nullptr);
    case Value::kBoolValue:
      return Json(value.bool_value());
    case Value::kNumberValue:
      return NumberToJson(value.number_value(), path);
    case Value::kStringValue:
      return Json(value.string_value());
    case Value::kStructValue:
      return ObjectToJson(value.struct_value(), path, depth);
    case Value::kListValue:
      return ListToJson(value.list_value(), path, depth);
    default:
      return BadValue(path, absl::StrCat(
          "Expected ", path, " to hold a value, but none of its kinds is ",
          "set: use null_value for null"));
  }
}

// An integer as a number when a double holds it exactly, else as its digits.
void IntegerToValue(int64_t number, Value* out) {
  if (number >= -kMaxExactInteger && number <= kMaxExactInteger) {
    out->set_number_value(static_cast<double>(number));
  } else {
    out->set_string_value(absl::StrCat(number));
  }
}

void IntegerToValue(uint64_t number, Value* out) {
  if (number <= static_cast<uint64_t>(kMaxExactInteger)) {
    out->set_number_value(static_cast<double>(number));
  } else {
    out->set_string_value(absl::StrCat(number));
  }
}

}  // namespace

absl::StatusOr<Json> ValueToJson(const Value& value, absl::string_view path) {
  return ToJson(value, std::string(path), 0);
}

absl::StatusOr<Json> StructToJson(const Struct& value, absl::string_view path) {
  return ObjectToJson(value, std::string(path), 0);
}

absl::StatusOr<std::string> StructToJsonText(const Struct& value,
                                             absl::string_view field) {
  auto json = StructToJson(value, field);
  if (!json.ok()) return json.status();
  return DumpJson(*json);
}

void JsonToValue(const Json& value, Value* out) {
  switch (value.type()) {
    case Json::value_t::boolean:
      out->set_bool_value(value.get<bool>());
      return;
    case Json::value_t::number_integer:
      IntegerToValue(value.get<int64_t>(), out);
      return;
    case Json::value_t::number_unsigned:
      IntegerToValue(value.get<uint64_t>(), out);
      return;
    case Json::value_t::number_float:
      out->set_number_value(value.get<double>());
      return;
    case Json::value_t::string:
      out->set_string_value(value.get<std::string>());
      return;
    case Json::value_t::array: {
      google::protobuf::ListValue* list = out->mutable_list_value();
      for (const Json& item : value) JsonToValue(item, list->add_values());
      return;
    }
    case Json::value_t::object: {
      Struct* object = out->mutable_struct_value();
      for (const auto& [key, item] : value.get_ref<const Json::object_t&>()) {
        JsonToValue(item, &(*object->mutable_fields())[key]);
      }
      return;
    }
    default:  // null, and nothing else JSON the engine wrote can hold
      out->set_null_value(google::protobuf::NULL_VALUE);
  }
}

absl::Status JsonToStruct(const Json& value, Struct* out) {
  if (!value.is_object()) {
    return absl::InternalError(absl::StrCat(
        "Expected a JSON object from the engine, but got a ",
        value.type_name()));
  }
  for (const auto& [key, item] : value.get_ref<const Json::object_t&>()) {
    JsonToValue(item, &(*out->mutable_fields())[key]);
  }
  return absl::OkStatus();
}

absl::Status JsonTextToStruct(absl::string_view text, Struct* out) {
  if (text.empty()) return absl::OkStatus();
  auto json = ParseStoredJson(text);
  if (!json.ok()) return json.status();
  return JsonToStruct(*json, out);
}

}  // namespace wf
