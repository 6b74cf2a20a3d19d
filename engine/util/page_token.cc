// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/page_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
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

// A context per thread and direction with the key set up once: setting up
// the key (and OpenSSL 3 finding the cipher) on every token cost more than
// sealing it, and every page of an inbox seals one. Null if OpenSSL
// refuses.
EVP_CIPHER_CTX* Context(bool encrypt) {
  auto make = [](int enc) {
    Cipher ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (ctx && EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                 Key(), nullptr, enc) != 1) {
      ctx.reset();
    }
    return ctx;
  };
  thread_local Cipher decrypting = make(0);
  thread_local Cipher encrypting = make(1);
  return encrypt ? encrypting.get() : decrypting.get();
}

// AES-256-GCM over `in` with `kind` as additional data; `out` gets as many
// bytes as `in`. Returns false if OpenSSL refuses (or, decrypting, if the
// tag does not match).
bool Crypt(bool encrypt, const unsigned char* nonce, absl::string_view kind,
           absl::string_view in, unsigned char* out, unsigned char* tag) {
  EVP_CIPHER_CTX* ctx = Context(encrypt);
  int n = 0;
  auto bytes = [](absl::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
  };
  // A new nonce restarts the context; the key stays.
  if (ctx == nullptr ||
      EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce,
                        encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(ctx, nullptr, &n, bytes(kind),
                       static_cast<int>(kind.size())) != 1 ||
      EVP_CipherUpdate(ctx, out, &n, bytes(in),
                       static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (!encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1) {
    return false;
  }
  if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1) return false;
  return !encrypt ||
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1;
}

// A nonce never used before with this process's key: a random prefix
// drawn once and a counter (the deterministic construction of NIST SP
// 800-38D, 8.2.1). Drawing 12 random bytes per token took more time than
// sealing it.
void NextNonce(unsigned char* nonce) {
  static const uint32_t prefix = [] {
    uint32_t p = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&p), sizeof p) != 1) {
      std::abort();
    }
    return p;
  }();
  static_assert(sizeof(uint32_t) + sizeof(uint64_t) == kNonceBytes);
  static std::atomic<uint64_t> counter{0};
  const uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::memcpy(nonce, &prefix, sizeof prefix);
  std::memcpy(nonce + sizeof prefix, &n, sizeof n);
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
  NextNonce(p);
  if (!Crypt(true, p, kind, position, p + kNonceBytes,
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
