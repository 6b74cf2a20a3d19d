// Copyright the wf-engine authors. Apache-2.0.
#ifndef WF_UTIL_SHA256_H_
#define WF_UTIL_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wf {

// The 32-byte SHA-256 digest of the concatenation of `a` and `b`.
std::string Sha256(absl::string_view a, absl::string_view b = {});

// Lower-case hex of any bytes.
std::string ToHex(absl::string_view bytes);

}  // namespace wf

#endif  // WF_UTIL_SHA256_H_
