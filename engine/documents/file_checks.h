// Copyright the wf-engine authors. Apache-2.0.
//
// The checks a file's name and slot pass at the boundary, before any byte
// is stored.
#ifndef WF_DOCUMENTS_FILE_CHECKS_H_
#define WF_DOCUMENTS_FILE_CHECKS_H_

#include <string>

#include "absl/status/statusor.h"

namespace wf {

inline constexpr size_t kMaxFileNameBytes = 255;  // most file systems' limit

// The name in NFC, or INVALID_ARGUMENT (FILE_NAME_INVALID): empty, over
// 255 bytes, not UTF-8, a path separator (/ \) or a control character,
// or "." / "..".
absl::StatusOr<std::string> CheckFileName(const std::string& name);

// INVALID_ARGUMENT (FILE_SLOT_INVALID) unless `slot` is an identifier
// ([a-z][a-z0-9_]*, at most 64 bytes): slots are names in Lua (ctx.files).
absl::Status CheckSlot(const std::string& slot);

// The 32 bytes `hex` spells (64 hex digits, either case), or
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> ParseSha256Hex(const std::string& hex,
                                           const std::string& field);

}  // namespace wf

#endif  // WF_DOCUMENTS_FILE_CHECKS_H_
