// Copyright the wf-engine authors. Apache-2.0.
//
// Page tokens: where a listing goes on, sealed so that clients can neither
// read nor alter it. A token is the position (an internal key, a sequence
// number, a name) encrypted and authenticated with AES-256-GCM, and bound
// to the kind of list it came from:
//
//   std::string token = SealPageToken("instances", last_key);
//   auto position = OpenPageToken("instances", token);  // INVALID_ARGUMENT
//                                                        // if altered
//
// The key is drawn at random when the process starts, and replaced by the
// one the store keeps once the engine opens it (UsePageTokenKey): tokens
// then outlive a restart of the server, and a client paging through a list
// goes on where it was.
#ifndef WF_UTIL_PAGE_TOKEN_H_
#define WF_UTIL_PAGE_TOKEN_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wf {

// URL-safe base64 text that reveals nothing of `position`.
std::string SealPageToken(absl::string_view kind, absl::string_view position);

// The position sealed in `token` for a list of `kind`; INVALID_ARGUMENT
// when the token was altered, made for another kind of list, or sealed
// under another key (another store, or a server that kept none).
absl::StatusOr<std::string> OpenPageToken(absl::string_view kind,
                                          absl::string_view token);

inline constexpr size_t kPageTokenKeyBytes = 32;  // AES-256

// Seals and opens tokens under `key` from now on, in every thread: the
// engine passes the one its store keeps. INVALID_ARGUMENT, and the key in
// use kept, if `key` is not kPageTokenKeyBytes long.
absl::Status UsePageTokenKey(absl::string_view key);

// kPageTokenKeyBytes random bytes, for a store that keeps no key yet.
std::string NewPageTokenKey();

}  // namespace wf

#endif  // WF_UTIL_PAGE_TOKEN_H_
