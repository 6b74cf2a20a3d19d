// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/sessions.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "absl/strings/escaping.h"

namespace wf::console {
namespace {

std::string RandomId() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // No randomness, no session: a guessable id would let anyone in.
    throw std::runtime_error("RAND_bytes failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

std::string SessionStore::Open(std::string token, std::string person) {
  std::string id = RandomId();
  absl::MutexLock lock(&mu_);
  if (sessions_.size() >= max_sessions_) DropOldest();
  sessions_[id] = {{std::move(token), std::move(person)}, absl::Now()};
  return id;
}

std::optional<Session> SessionStore::Find(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  const absl::Time now = absl::Now();
  if (now - it->second.last_used > idle_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.session;
}

void SessionStore::Close(const std::string& id) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(id);
}

size_t SessionStore::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

// A linear scan, only when the store is full: sign-ins are rare.
void SessionStore::DropOldest() {
  auto oldest = sessions_.begin();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.last_used < oldest->second.last_used) oldest = it;
  }
  if (oldest != sessions_.end()) sessions_.erase(oldest);
}

}  // namespace wf::console
