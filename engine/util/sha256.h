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

// SHA-256 of bytes that arrive in pieces (a file uploaded in chunks):
//   Sha256Hasher h; h.Update(a); h.Update(b); std::string d = h.Finish();
// Finish returns the 32-byte digest once; the hasher is then spent.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(absl::string_view bytes);
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};

}  // namespace wf

#endif  // WF_UTIL_SHA256_H_
