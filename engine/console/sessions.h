// Copyright the wf-engine authors. Apache-2.0.
//
// The console's sign-ins. An official signs in with their password (or an
// access code); the engine answers with a session token of its own
// (SessionService), which the browser keeps in an HttpOnly cookie: a script
// in the page never sees it, and it ends on its own after the server's
// --session_hours. The store here remembers, per session token, who it is
// and when it was last used, to end a session left idle: it is a cache, so
// a console restarted (or a second console behind the same proxy) takes a
// session it does not know after asking the engine who it is (Adopt).
//
//   SessionStore sessions(absl::Hours(8), 10000);
//   sessions.Open(token, "chu-tich.dai-son");
//   Session s;
//   SessionStore::Lookup l = sessions.Find(token, &s);  // refreshes it
//   sessions.Close(token);
#ifndef WF_CONSOLE_SESSIONS_H_
#define WF_CONSOLE_SESSIONS_H_

#include <cstddef>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wf::console {

struct Session {
  std::string token;   // the engine's session token, sent on to the engine
  std::string person;  // who signed in (for the log)
};

class SessionStore {
 public:
  enum class Lookup {
    kFound,    // known and used lately
    kUnknown,  // never seen (or forgotten): ask the engine
    kIdle,     // unused for longer than `idle`: forgotten now; end it
  };

  // A session unused for `idle` ends; past `max_sessions` the least
  // recently used one is forgotten (and adopted again if it comes back).
  SessionStore(absl::Duration idle, size_t max_sessions)
      : idle_(idle), max_sessions_(max_sessions) {}

  void Open(std::string token, std::string person);
  Lookup Find(const std::string& token, Session* session);
  void Close(const std::string& token);
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
