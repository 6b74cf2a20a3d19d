// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/sessions.h"

namespace wf::console {

void SessionStore::Open(std::string token, std::string person) {
  absl::MutexLock lock(&mu_);
  if (sessions_.size() >= max_sessions_ && sessions_.count(token) == 0) {
    DropOldest();
  }
  Entry& entry = sessions_[token];
  entry.session = {token, std::move(person)};
  entry.last_used = absl::Now();
}

SessionStore::Lookup SessionStore::Find(const std::string& token,
                                        Session* session) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return Lookup::kUnknown;
  const absl::Time now = absl::Now();
  if (now - it->second.last_used > idle_) {
    sessions_.erase(it);
    return Lookup::kIdle;
  }
  it->second.last_used = now;
  *session = it->second.session;
  return Lookup::kFound;
}

void SessionStore::Close(const std::string& token) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(token);
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
