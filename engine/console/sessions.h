// Copyright the wf-engine authors. Apache-2.0.
//
// The console's sign-ins. An official signs in with the access code
// (bearer token) the administrator issued them; the console keeps the code
// on its side and gives the browser only a random session id, in an
// HttpOnly cookie: a script in the page never sees the code.
//
//   SessionStore sessions(absl::Hours(8), 10000);
//   std::string id = sessions.Open(token, "chu-tich.dai-son");
//   std::optional<Session> s = sessions.Find(id);   // refreshes its idle time
//   sessions.Close(id);
#ifndef WF_CONSOLE_SESSIONS_H_
#define WF_CONSOLE_SESSIONS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wf::console {

struct Session {
  std::string token;   // the access code, sent on to the engine
  std::string person;  // who signed in (for the log)
};

class SessionStore {
 public:
  // A session unused for `idle` ends; past `max_sessions` the least
  // recently used one ends.
  SessionStore(absl::Duration idle, size_t max_sessions)
      : idle_(idle), max_sessions_(max_sessions) {}

  // A new session's id: 32 random bytes as hex.
  std::string Open(std::string token, std::string person);
  std::optional<Session> Find(const std::string& id);
  void Close(const std::string& id);
  size_t size() const;

 private:
  struct Entry {
    Session session;
    absl::Time last_used;
  };
  void DropOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration idle_;
  const size_t max_sessions_;
  mutable absl::Mutex mu_;
  std::map<std::string, Entry> sessions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wf::console

#endif  // WF_CONSOLE_SESSIONS_H_
