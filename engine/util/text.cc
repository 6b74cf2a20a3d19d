// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/text.h"

#include <unicode/normalizer2.h>
#include <unicode/bytestream.h>
#include <unicode/utf8.h>

#include "absl/strings/str_cat.h"

namespace wf {

bool IsValidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  if (text.size() > static_cast<size_t>(INT32_MAX)) return false;
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

absl::StatusOr<std::string> ToNfc(absl::string_view text,
                                  absl::string_view what) {
  // ASCII is valid UTF-8 and already NFC: field names, codes and most keys
  // need neither ICU nor a second pass (this runs on every string of every
  // request and of every script's output).
  if (IsAscii(text)) return std::string(text);
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", what, " to be UTF-8 text, but it holds ",
                     "bytes that are not valid UTF-8"));
  }
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  if (U_FAILURE(error)) {
    return absl::InternalError("ICU NFC normaliser is not available");
  }
  icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (nfc->isNormalizedUTF8(piece, error) && U_SUCCESS(error)) {
    return std::string(text);
  }
  error = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, piece, sink, nullptr, error);
  if (U_FAILURE(error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", what, " to be normalisable text, but ICU ",
                     "refused it: ", u_errorName(error)));
  }
  return out;
}

bool IsNfc(absl::string_view text) {
  if (IsAscii(text)) return true;
  auto nfc = ToNfc(text, "text");
  return nfc.ok() && *nfc == text;
}

absl::Status NormaliseToNfc(std::string* text, absl::string_view what) {
  if (IsAscii(*text)) return absl::OkStatus();
  auto nfc = ToNfc(*text, what);
  if (!nfc.ok()) return nfc.status();
  if (*nfc != *text) *text = *std::move(nfc);
  return absl::OkStatus();
}

bool IsIdentifier(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<std::string> CheckKeyText(absl::string_view text,
                                         absl::string_view what,
                                         size_t max_bytes) {
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", what, " of at most ", max_bytes,
                     " bytes, but it has ", text.size()));
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expected ", what, " without control characters, but it has byte ",
          static_cast<int>(c)));
    }
  }
  return ToNfc(text, what);
}

}  // namespace wf
