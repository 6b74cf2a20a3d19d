// Copyright the wf-engine authors. Apache-2.0.
//
// Page tokens: where a listing goes on, sealed so that clients can neither
// read nor alter it. A token is the position (an internal key, a sequence
// number, a name) encrypted and authenticated with AES-256-GCM under a key
// drawn at random when the process starts, and bound to the kind of list
// it came from:
//
//   std::string token = SealPageToken("instances", last_key);
//   auto position = OpenPageToken("instances", token);  // INVALID_ARGUMENT
//                                                        // if altered
//
// Tokens therefore last as long as the server process; after a restart a
// client lists again from the first page (the answer says so).
#ifndef WF_UTIL_PAGE_TOKEN_H_
#define WF_UTIL_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wf {

// URL-safe base64 text that reveals nothing of `position`.
std::string SealPageToken(absl::string_view kind, absl::string_view position);

// The position sealed in `token` for a list of `kind`; INVALID_ARGUMENT
// when the token was altered, made for another kind of list, or made by
// another run of the server.
absl::StatusOr<std::string> OpenPageToken(absl::string_view kind,
                                          absl::string_view token);

}  // namespace wf

#endif  // WF_UTIL_PAGE_TOKEN_H_
