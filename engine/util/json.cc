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

// True if every key of `object` is NFC already (ASCII keys always are).
bool KeysAreNfc(const Json::object_t& object) {
  for (const auto& [key, item] : object) {
    if (!IsNfc(key)) return false;  // the rebuild says why
  }
  return true;
}

// NFC-normalises every key and string in place. (Keys that normalise to the
// same text were refused while parsing.) Most are NFC already: then the
// value is left as it is, not rebuilt.
absl::Status NormaliseStrings(Json& value, absl::string_view what) {
  if (value.is_string()) {
    return NormaliseToNfc(&value.get_ref<std::string&>(), what);
  } else if (value.is_array()) {
    for (Json& item : value) {
      auto status = NormaliseStrings(item, what);
      if (!status.ok()) return status;
    }
  } else if (value.is_object()) {
    auto& fields = value.get_ref<Json::object_t&>();
    if (KeysAreNfc(fields)) {
      for (auto& [key, item] : fields) {
        auto status = NormaliseStrings(item, what);
        if (!status.ok()) return status;
      }
      return absl::OkStatus();
    }
    Json normalised = Json::object();
    for (auto& [key, item] : fields) {
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

namespace {

// The length of the UTF-8 character at the start of `s` (n > 0 bytes, the
// first at least 0x80), or 0 if it is not one (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF).
size_t Utf8Length(const unsigned char* s, size_t n) {
  const unsigned char c = s[0];
  auto tail = [&](size_t i, unsigned char lo, unsigned char hi) {
    return i < n && s[i] >= lo && s[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return tail(1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return tail(1, lo, hi) && tail(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return tail(1, lo, hi) && tail(2, 0x80, 0xBF) && tail(3, 0x80, 0xBF) ? 4
                                                                         : 0;
  }
  return 0;
}

void AppendEscaped(unsigned char c, std::string* out) {
  switch (c) {
    case '"': out->append("\\\""); return;
    case '\\': out->append("\\\\"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(escaped, sizeof escaped);
    }
  }
}

// Appends `text` quoted, escaped as nlohmann's dump escapes it (UTF-8 kept
// as it is); false if it is not valid UTF-8. Runs of plain bytes are
// copied whole: nlohmann decodes and appends byte by byte.
bool AppendString(absl::string_view text, std::string* out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  out->push_back('"');
  size_t run = 0, i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c >= 0x80) {
      const size_t length = Utf8Length(s + i, n - i);
      if (length == 0) return false;
      i += length;
    } else if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
    } else {
      out->append(text.data() + run, i - run);
      AppendEscaped(c, out);
      run = ++i;
    }
  }
  out->append(text.data() + run, n - run);
  out->push_back('"');
  return true;
}

// Appends `value` as DumpJson writes it; false if a string in it is not
// valid UTF-8, or it holds what JSON has no form for (binary).
bool AppendJson(const Json& value, std::string* out) {
  switch (value.type()) {
    case Json::value_t::null:
      out->append("null");
      return true;
    case Json::value_t::boolean:
      out->append(value.get<bool>() ? "true" : "false");
      return true;
    case Json::value_t::number_integer:
      absl::StrAppend(out, value.get<int64_t>());
      return true;
    case Json::value_t::number_unsigned:
      absl::StrAppend(out, value.get<uint64_t>());
      return true;
    case Json::value_t::number_float:
      out->append(value.dump());  // nlohmann's shortest round-trip form
      return true;
    case Json::value_t::string:
      return AppendString(value.get_ref<const std::string&>(), out);
    case Json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Json& item : value.get_ref<const Json::array_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        if (!AppendJson(item, out)) return false;
      }
      out->push_back(']');
      return true;
    }
    case Json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, item] : value.get_ref<const Json::object_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        if (!AppendString(key, out)) return false;
        out->push_back(':');
        if (!AppendJson(item, out)) return false;
      }
      out->push_back('}');
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

std::string DumpJson(const Json& value) {
  // nlohmann's compact dump, to the byte (json_test.cc compares them),
  // written here because a step dumps its variables and history and
  // nlohmann's per-byte string escaping was 4% of the server's CPU.
  std::string out;
  if (AppendJson(value, &out)) return out;
  // Strings were validated on the way in; `replace` keeps a stray invalid
  // byte from throwing here.
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace wf
