// Copyright the wf-engine authors. Apache-2.0.
//
// Between google.protobuf.Struct / Value (the API's variables, payloads,
// changes, effects) and the engine's JSON (engine/util/json.h).
//
// A Struct number is a double; the engine's JSON tells integers from
// fractions, and Lua computes with 64-bit integers. So, on the way in, a
// number with no fractional part within ±(2^53 - 1) becomes a JSON integer,
// any other finite number stays a double, and an integral number beyond
// that is refused: a double cannot tell 2^53 + 1 from 2^53, so it may
// already have been rounded. On the way out, an integer beyond ±(2^53 - 1)
// is sent as a string of its digits: a double would round it.
//
//   auto vars = StructToJsonText(request.variables(), "variables");
//   if (!vars.ok()) return vars.status();  // INVALID_ARGUMENT, names the path
//   WF_RETURN_IF_ERROR(JsonTextToStruct(info.variables_json, out));
#ifndef WF_SERVICE_STRUCT_JSON_H_
#define WF_SERVICE_STRUCT_JSON_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/util/json.h"
#include "google/protobuf/struct.pb.h"

namespace wf {

// The largest integer a double holds together with all its neighbours
// (JavaScript's Number.MAX_SAFE_INTEGER).
inline constexpr int64_t kMaxExactInteger = (int64_t{1} << 53) - 1;

// A value from a request as JSON. `path` names it in messages
// ("payload.so_tien"). INVALID_ARGUMENT for an integral number beyond
// ±kMaxExactInteger, NaN or an infinity, a Value with no kind set, or
// nesting deeper than kMaxJsonDepth.
absl::StatusOr<Json> ValueToJson(const google::protobuf::Value& value,
                                 absl::string_view path);
absl::StatusOr<Json> StructToJson(const google::protobuf::Struct& value,
                                  absl::string_view path);

// A request's Struct as compact JSON text for the engine, which then
// normalises it (NFC) and applies its size limits. `field` is the request
// field's name ("payload").
absl::StatusOr<std::string> StructToJsonText(
    const google::protobuf::Struct& value, absl::string_view field);

// JSON the engine returns, as a Value / Struct. Never rounds: an integer
// beyond ±kMaxExactInteger becomes a string.
void JsonToValue(const Json& value, google::protobuf::Value* out);
// INTERNAL if `value` is not an object.
absl::Status JsonToStruct(const Json& value, google::protobuf::Struct* out);
// Parses JSON object text the engine stored (empty text: an empty Struct).
absl::Status JsonTextToStruct(absl::string_view text,
                              google::protobuf::Struct* out);

}  // namespace wf

#endif  // WF_SERVICE_STRUCT_JSON_H_
