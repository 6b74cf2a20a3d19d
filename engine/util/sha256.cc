// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace wf {

std::string Sha256(absl::string_view a, absl::string_view b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) &&
            EVP_DigestUpdate(ctx, a.data(), a.size()) &&
            EVP_DigestUpdate(ctx, b.data(), b.size()) &&
            EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  // Failure here means libcrypto itself is broken; a hash chain cannot be
  // kept without it.
  if (!ok) std::abort();
  return std::string(reinterpret_cast<char*>(digest), length);
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      !EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(),
                         nullptr)) {
    std::abort();  // libcrypto is broken (see Sha256)
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
