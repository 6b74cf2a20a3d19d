// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/page_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

constexpr int kKeyBytes = 32;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

// Drawn once per process. Without randomness the server could not keep
// tokens sealed, so it stops rather than hand out readable ones.
const unsigned char* Key() {
  static const unsigned char* key = [] {
    auto* k = new unsigned char[kKeyBytes];
    if (RAND_bytes(k, kKeyBytes) != 1) std::abort();
    return k;
  }();
  return key;
}

using Cipher = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-256-GCM over `in` with `kind` as additional data; `out` gets as many
// bytes as `in`. Returns false if OpenSSL refuses (or, decrypting, if the
// tag does not match).
bool Crypt(bool encrypt, const unsigned char* nonce, absl::string_view kind,
           absl::string_view in, unsigned char* out, unsigned char* tag) {
  Cipher ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int n = 0;
  auto bytes = [](absl::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
  };
  if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Key(),
                                nonce, encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(ctx.get(), nullptr, &n, bytes(kind),
                       static_cast<int>(kind.size())) != 1 ||
      EVP_CipherUpdate(ctx.get(), out, &n, bytes(in),
                       static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG,
                                      kTagBytes, tag) != 1) {
    return false;
  }
  if (EVP_CipherFinal_ex(ctx.get(), out + n, &n) != 1) return false;
  return !encrypt || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG,
                                         kTagBytes, tag) == 1;
}

absl::Status NotOurs(absl::string_view kind) {
  return ForField(
      absl::InvalidArgumentError(absl::StrCat(
          "Expected a page token from an earlier answer to this same ", kind,
          " listing, but this one was altered, is from another listing, or "
          "is from before the server restarted: list again from the first "
          "page")),
      "page_token", reason::kInvalidField);
}

}  // namespace

std::string SealPageToken(absl::string_view kind, absl::string_view position) {
  std::string sealed(kNonceBytes + position.size() + kTagBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(sealed.data());
  if (RAND_bytes(p, kNonceBytes) != 1 ||
      !Crypt(true, p, kind, position, p + kNonceBytes,
             p + kNonceBytes + position.size())) {
    std::abort();  // as in Key(): never hand out a readable token
  }
  return absl::WebSafeBase64Escape(sealed);
}

absl::StatusOr<std::string> OpenPageToken(absl::string_view kind,
                                          absl::string_view token) {
  std::string sealed;
  if (!absl::WebSafeBase64Unescape(token, &sealed) ||
      sealed.size() < kNonceBytes + kTagBytes) {
    return NotOurs(kind);
  }
  const size_t n = sealed.size() - kNonceBytes - kTagBytes;
  auto* p = reinterpret_cast<unsigned char*>(sealed.data());
  std::string position(n, '\0');
  if (!Crypt(false, p, kind, absl::string_view(sealed).substr(kNonceBytes, n),
             reinterpret_cast<unsigned char*>(position.data()),
             p + kNonceBytes + n)) {
    return NotOurs(kind);
  }
  return position;
}

}  // namespace wf
