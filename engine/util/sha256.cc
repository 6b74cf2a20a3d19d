// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace wf {

namespace {

// OpenSSL 3 looks EVP_sha256() up among its providers, under a lock, at
// every EVP_DigestInit_ex: 1% of the server's CPU under a write load.
// Fetched once, and each thread keeps one context.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    // Failure here means libcrypto itself is broken; a hash chain cannot
    // be kept without it.
    if (fetched == nullptr) std::abort();
    return fetched;
  }();
  return md;
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

EVP_MD_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx(
      EVP_MD_CTX_new());
  if (ctx == nullptr) std::abort();
  return ctx.get();
}

}  // namespace

std::string Sha256(absl::string_view a, absl::string_view b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = ThreadContext();
  bool ok = EVP_DigestInit_ex(ctx, Sha256Md(), nullptr) &&
            EVP_DigestUpdate(ctx, a.data(), a.size()) &&
            EVP_DigestUpdate(ctx, b.data(), b.size()) &&
            EVP_DigestFinal_ex(ctx, digest, &length);
  if (!ok) std::abort();  // libcrypto is broken (see Sha256Md)
  return std::string(reinterpret_cast<char*>(digest), length);
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      !EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), Sha256Md(),
                         nullptr)) {
    std::abort();  // libcrypto is broken (see Sha256Md)
  }
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256Hasher::Update(absl::string_view bytes) {
  if (!EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(),
                        bytes.size())) {
    std::abort();
  }
}

std::string Sha256Hasher::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &length)) {
    std::abort();
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string ToHex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace wf
