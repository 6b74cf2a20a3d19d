// Copyright the wf-engine authors. Apache-2.0.
//
// Text at the boundary: every string that enters the engine is checked to be
// UTF-8 and normalised to NFC (with ICU), so that "Tiên Du" typed on any
// keyboard is stored, compared and indexed as the same bytes.
#ifndef WF_UTIL_TEXT_H_
#define WF_UTIL_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wf {

bool IsValidUtf8(absl::string_view text);

// Returns `text` in NFC. INVALID_ARGUMENT if it is not valid UTF-8;
// `what` names the field in the message ("business_key").
absl::StatusOr<std::string> ToNfc(absl::string_view text,
                                  absl::string_view what);

// True if every byte of `text` is ASCII (valid UTF-8, and NFC already):
// most names and codes, which then need no ICU. Inline: the JSON
// conversions call it for every string.
inline bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// True if `text` is valid UTF-8 already in NFC: what ToNfc would leave as
// it is.
bool IsNfc(absl::string_view text);

// Makes `*text` NFC in place, touching it only if it is not NFC already
// (most text is, and then nothing is copied). Errors as ToNfc.
absl::Status NormaliseToNfc(std::string* text, absl::string_view what);

// A name used in keys and Lua: [a-z][a-z0-9_]*, 1..64 bytes
// (workflow, state and event names).
bool IsIdentifier(absl::string_view name);

// UTF-8 text without control characters (below U+0020, and U+007F), of at
// most max_bytes; NFC-normalised. For business keys and idempotency keys,
// which become parts of store keys. Empty is allowed.
absl::StatusOr<std::string> CheckKeyText(absl::string_view text,
                                         absl::string_view what,
                                         size_t max_bytes);

}  // namespace wf

#endif  // WF_UTIL_TEXT_H_
