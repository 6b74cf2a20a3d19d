// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/page_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

// The keys installed in this process, the one in use last. Old ones are
// kept (a thread may still be setting up a context with one), and a
// process installs few: one per store it opens.
struct Keys {
  absl::Mutex mu;
  std::vector<std::unique_ptr<unsigned char[]>> all ABSL_GUARDED_BY(mu);
  std::atomic<const unsigned char*> current{nullptr};
  // Moves after `current` does: a thread whose context was made for an
  // older generation makes it again.
  std::atomic<uint64_t> generation{0};
};

// Without randomness the server could not keep tokens sealed, so it stops
// rather than hand out readable ones.
void RandomBytes(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

Keys& TheKeys() {
  static Keys* keys = [] {
    auto* k = new Keys;
    auto first = std::make_unique<unsigned char[]>(kPageTokenKeyBytes);
    RandomBytes(first.get(), kPageTokenKeyBytes);
    k->current.store(first.get());
    absl::MutexLock lock(&k->mu);
    k->all.push_back(std::move(first));
    return k;
  }();
  return *keys;
}

using Cipher = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// A context per thread and direction with the key set up once: setting up
// the key (and OpenSSL 3 finding the cipher) on every token cost more than
// sealing it, and every page of an inbox seals one. Made again when another
// key is installed. Null if OpenSSL refuses.
EVP_CIPHER_CTX* Context(bool encrypt) {
  struct Kept {
    Cipher ctx{nullptr, &EVP_CIPHER_CTX_free};
    uint64_t generation = UINT64_MAX;
  };
  thread_local Kept kept[2];
  Kept& k = kept[encrypt ? 1 : 0];
  Keys& keys = TheKeys();
  const uint64_t generation = keys.generation.load(std::memory_order_acquire);
  if (k.generation != generation) {
    k.ctx.reset(EVP_CIPHER_CTX_new());
    if (k.ctx && EVP_CipherInit_ex(k.ctx.get(), EVP_aes_256_gcm(), nullptr,
                                   keys.current.load(std::memory_order_acquire),
                                   nullptr, encrypt ? 1 : 0) != 1) {
      k.ctx.reset();
    }
    k.generation = generation;
  }
  return k.ctx.get();
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

// A nonce never used before with the key: 8 random bytes and a 4-byte
// counter (the deterministic construction of NIST SP 800-38D, 8.2.1, with
// a random field wide enough for a key that outlives the process: the store
// keeps it, so every run of the server seals under it). New random bytes
// are drawn for every 2^32 tokens. Drawing 12 random bytes per token took
// more time than sealing it.
void NextNonce(unsigned char* nonce) {
  static std::atomic<uint64_t> counter{0};
  static absl::Mutex mu;
  static auto* prefixes = new absl::flat_hash_map<uint64_t, uint64_t>();
  thread_local uint64_t cached_epoch = UINT64_MAX;
  thread_local uint64_t cached_prefix = 0;
  const uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  const uint64_t epoch = n >> 32;
  if (epoch != cached_epoch) {
    absl::MutexLock lock(&mu);
    auto [it, added] = prefixes->try_emplace(epoch, 0);
    if (added) {
      RandomBytes(reinterpret_cast<unsigned char*>(&it->second),
                  sizeof it->second);
    }
    cached_epoch = epoch;
    cached_prefix = it->second;
  }
  const auto low = static_cast<uint32_t>(n);
  static_assert(sizeof(uint64_t) + sizeof(uint32_t) == kNonceBytes);
  std::memcpy(nonce, &cached_prefix, sizeof cached_prefix);
  std::memcpy(nonce + sizeof cached_prefix, &low, sizeof low);
}

absl::Status NotOurs(absl::string_view kind) {
  return ForField(
      absl::InvalidArgumentError(absl::StrCat(
          "Expected a page token from an earlier answer to this same ", kind,
          " listing, but this one was altered, or is from another listing "
          "or another server: list again from the first page")),
      "page_token", reason::kInvalidField);
}

}  // namespace

std::string SealPageToken(absl::string_view kind, absl::string_view position) {
  std::string sealed(kNonceBytes + position.size() + kTagBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(sealed.data());
  NextNonce(p);
  if (!Crypt(true, p, kind, position, p + kNonceBytes,
             p + kNonceBytes + position.size())) {
    std::abort();  // as in RandomBytes: never hand out a readable token
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

absl::Status UsePageTokenKey(absl::string_view key) {
  if (key.size() != kPageTokenKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected a page-token key of ", kPageTokenKeyBytes, " bytes, but got ",
        key.size()));
  }
  Keys& keys = TheKeys();
  absl::MutexLock lock(&keys.mu);
  const unsigned char* current = keys.current.load(std::memory_order_relaxed);
  if (std::memcmp(current, key.data(), kPageTokenKeyBytes) == 0) {
    return absl::OkStatus();  // in use already: contexts stay as they are
  }
  auto copy = std::make_unique<unsigned char[]>(kPageTokenKeyBytes);
  std::memcpy(copy.get(), key.data(), kPageTokenKeyBytes);
  keys.current.store(copy.get(), std::memory_order_release);
  keys.all.push_back(std::move(copy));
  keys.generation.fetch_add(1, std::memory_order_release);
  return absl::OkStatus();
}

std::string NewPageTokenKey() {
  std::string key(kPageTokenKeyBytes, '\0');
  RandomBytes(reinterpret_cast<unsigned char*>(key.data()), key.size());
  return key;
}

}  // namespace wf
