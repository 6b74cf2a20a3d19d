// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/json.h"

#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/util/text.h"

namespace wf {
namespace {

struct TooDeep {};
struct DuplicateKey {
  std::string key;
};

// Watches a parse: refuses nesting deeper than kMaxJsonDepth, and an object
// that names the same key twice — two values for `han_nop` are an
// ambiguity the sender should hear about, not a silent "last one wins".
// Keys are compared as NFC, so a composed and a decomposed spelling of one
// name count as the same key.
class ParseWatch {
 public:
  bool operator()(int depth, Json::parse_event_t event, Json& parsed) {
    if (depth > kMaxJsonDepth) throw TooDeep{};
    switch (event) {
      case Json::parse_event_t::object_start:
        keys_.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        keys_.pop_back();
        break;
      case Json::parse_event_t::key: {
        const std::string& raw = parsed.get_ref<const std::string&>();
        auto nfc = ToNfc(raw, "key");
        std::string key = nfc.ok() ? *std::move(nfc) : raw;
        if (!keys_.back().insert(key).second) throw DuplicateKey{key};
        break;
      }
      default:
        break;
    }
    return true;
  }

 private:
  std::vector<std::set<std::string>> keys_;
};

// NFC-normalises every key and string in place. (Keys that normalise to the
// same text were refused while parsing.)
absl::Status NormaliseStrings(Json& value, absl::string_view what) {
  if (value.is_string()) {
    auto nfc = ToNfc(value.get_ref<const std::string&>(), what);
    if (!nfc.ok()) return nfc.status();
    value = std::move(*nfc);
  } else if (value.is_array()) {
    for (Json& item : value) {
      auto status = NormaliseStrings(item, what);
      if (!status.ok()) return status;
    }
  } else if (value.is_object()) {
    Json normalised = Json::object();
    for (auto& [key, item] : value.items()) {
      auto nfc_key = ToNfc(key, what);
      if (!nfc_key.ok()) return nfc_key.status();
      auto status = NormaliseStrings(item, what);
      if (!status.ok()) return status;
      normalised[*nfc_key] = std::move(item);
    }
    value = std::move(normalised);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> ParseJsonObject(absl::string_view text,
                                     absl::string_view what,
                                     size_t max_bytes) {
  if (text.size() > max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("Expected ", what, " of at most ", max_bytes,
                     " bytes, but it has ", text.size()));
  }
  if (text.empty()) return Json::object();
  Json value;
  try {
    ParseWatch watch;
    value = Json::parse(text.begin(), text.end(), std::ref(watch));
  } catch (const DuplicateKey& d) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", what, " to name each field once, but '", d.key,
        "' appears twice: send one value"));
  } catch (const TooDeep&) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", what, " nested at most ", kMaxJsonDepth,
                     " levels deep, but it is deeper"));
  } catch (const Json::parse_error& e) {
    // Not e.what(): the library's text ("[json.exception.parse_error.101]
    // ... last read: ...") is not ours to show, and may quote invalid bytes.
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", what, " to be a JSON object, but it does ",
                     "not parse: invalid JSON at byte ", e.byte,
                     " (check quotes, commas, brackets and \\u escapes)"));
  } catch (const Json::exception&) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", what, " to be a JSON object, but it does not parse"));
  }
  if (!value.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", what, " to be a JSON object, but it is a ",
        value.type_name()));
  }
  auto status = NormaliseStrings(value, what);
  if (!status.ok()) return status;
  return value;
}

absl::StatusOr<Json> ParseStoredJson(absl::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception&) {
    return absl::DataLossError(
        "Expected stored JSON to parse, but it does not: the store holds "
        "damaged data");
  }
}

std::string DumpJson(const Json& value) {
  // Strings were validated on the way in; `replace` keeps a stray invalid
  // byte from throwing here.
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace wf
