// Copyright the wf-engine authors. Apache-2.0.
//
// JSON at the boundary. Variables and payloads are JSON objects; object keys
// are kept sorted (nlohmann::json's std::map), so the same value always
// serialises to the same bytes — the history hashes rely on it.
#ifndef WF_UTIL_JSON_H_
#define WF_UTIL_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace wf {

using Json = nlohmann::json;

// Nesting deeper than this is refused: Lua conversion is recursive.
inline constexpr int kMaxJsonDepth = 64;

// Parses a JSON object from a request. Empty text means {}.
// RESOURCE_EXHAUSTED if longer than max_bytes; INVALID_ARGUMENT if it is not
// a JSON object, nests deeper than kMaxJsonDepth, or holds invalid UTF-8
// (including escaped lone surrogates). Every string and key comes back NFC.
// `what` names the field in messages ("payload_json").
absl::StatusOr<Json> ParseJsonObject(absl::string_view text,
                                     absl::string_view what, size_t max_bytes);

// Parses JSON the engine wrote itself (trusted, no limits).
absl::StatusOr<Json> ParseStoredJson(absl::string_view text);

// Compact serialisation with sorted keys.
std::string DumpJson(const Json& value);

}  // namespace wf

#endif  // WF_UTIL_JSON_H_
