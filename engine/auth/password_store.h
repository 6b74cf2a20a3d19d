// Copyright the wf-engine authors. Apache-2.0.
//
// Officials' passwords, for signing in to the console (docs/security.md,
// "Passwords"). The store keeps each password's Argon2id hash (RFC 9106,
// libargon2: 19 MiB, 2 passes, one lane, a 16-byte random salt, as OWASP
// advises), never the password. A password is normalised to NFC first:
// "Hà Nội" typed with a composed or a decomposed "à" is one password.
//
//   PasswordStore passwords(store, committer);
//   passwords.Set("chu-tich.dai-son", "mật khẩu dài", /*must_change=*/true,
//                 "admin", now);
//   absl::StatusOr<PasswordCheck> ok = passwords.Verify("chu-tich.dai-son",
//                                                       "mật khẩu dài", now);
//
// Guessing is slowed three ways: the hash costs tens of milliseconds; a
// person whose password was given wrong kPerLockout times in a row from one
// source (the client's address) is locked for kLockout there, and wrong
// kPersonLockout times from every source together, everywhere
// (RESOURCE_EXHAUSTED, SIGN_IN_LOCKED), in memory, so a restart forgets it;
// at most kParallel hashes run at once, and a sign-in finding kMaxWaiting
// others waiting is refused at once (UNAVAILABLE). Locking by source keeps
// a stranger who types wrong passwords on purpose from locking the official
// out of their own office; the count across sources still stops a guesser
// with many addresses.
// An unknown person, a person without a password and a wrong password get
// the same answer after the same work, so that sign-in does not tell who
// exists.
#ifndef WF_AUTH_PASSWORD_STORE_H_
#define WF_AUTH_PASSWORD_STORE_H_

#include <functional>
#include <string>

#include "absl/base/call_once.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/store/committer.h"
#include "engine/store/store.h"

namespace wf {

struct PasswordCheck {
  bool must_change = false;  // the administrator set it: choose another
};

class PasswordStore {
 public:
  static constexpr size_t kMinCharacters = 8;
  static constexpr size_t kMaxBytes = 256;
  static constexpr int kPerLockout = 5;       // in a row, from one source
  static constexpr int kPersonLockout = 50;   // since the last success
  static constexpr size_t kMaxTracked = 100000;  // sources, all persons
  static constexpr absl::Duration kLockout = absl::Minutes(15);
  static constexpr int kParallel = 2;
  static constexpr int kMaxWaiting = 32;

  // `max_tracked`: how many sources' counts are kept (kMaxTracked).
  PasswordStore(Store* store, Committer* committer,
                size_t max_tracked = kMaxTracked)
      : store_(store), committer_(committer), max_tracked_(max_tracked) {}

  // Commits a write: the committer's Commit, or a caller's that adds its
  // own changes to the same write (the sessions a new password ends).
  using CommitFn = std::function<absl::Status(WriteSet)>;

  // Sets `person`'s password. INVALID_ARGUMENT (INVALID_FIELD, naming the
  // request's `field`) for one shorter than kMinCharacters characters,
  // longer than kMaxBytes bytes, or not valid UTF-8. Ends a lockout.
  // `commit`, if given, commits the password's write instead of the
  // committer.
  absl::Status Set(const std::string& person, const std::string& password,
                   bool must_change, const std::string& set_by,
                   absl::Time now, absl::string_view field = "password",
                   const CommitFn& commit = nullptr);

  // OK when `password` is `person`'s; UNAUTHENTICATED (SIGN_IN_FAILED)
  // otherwise, or RESOURCE_EXHAUSTED (SIGN_IN_LOCKED) while locked, for
  // `source` (where the attempt comes from; "" when unknown) or everywhere.
  absl::StatusOr<PasswordCheck> Verify(const std::string& person,
                                       const std::string& password,
                                       absl::Time now,
                                       const std::string& source = "");

  // The answer to a wrong person-and-password pair (SIGN_IN_FAILED).
  static absl::Status SignInFailed();

  // True if `person` has a password.
  absl::StatusOr<bool> Has(const std::string& person) const;

  // Removes the passwords of `people`, who leave the directory, in
  // `commit`'s write, and then their lockouts: someone later given one of
  // their ids starts without a password.
  absl::Status Remove(const std::vector<std::string>& people,
                      const CommitFn& commit);

 private:
  struct Attempts {
    int failures = 0;
    absl::Time locked_until = absl::InfinitePast();
  };
  struct PersonAttempts {
    Attempts all;  // from every source, since the last success
    absl::flat_hash_map<std::string, Attempts> by_source;
  };

  // The PHC string of `password`'s hash under a new salt.
  absl::StatusOr<std::string> Hash(const std::string& password);
  // True if `password` matches `encoded`.
  absl::StatusOr<bool> Matches(const std::string& encoded,
                               const std::string& password);
  // Holds one of the kParallel hashing places for its lifetime.
  class Turn;
  absl::Status Locked(const std::string& person, const std::string& source,
                      absl::Time now) const;
  void Failed(const std::string& person, const std::string& source,
              absl::Time now);
  void Succeeded(const std::string& person, const std::string& source);
  // Ends `person`'s lockouts and counts (a new password).
  void Forget(const std::string& person);
  // Forgets the counts of sources not locked at `now` (and of persons
  // left with none), to make room. Holding mu_.
  void Sweep(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* const store_;
  Committer* const committer_;
  const size_t max_tracked_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, PersonAttempts> attempts_
      ABSL_GUARDED_BY(mu_);
  size_t tracked_ ABSL_GUARDED_BY(mu_) = 0;  // sources in attempts_
  int hashing_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  // A hash of no one's password, checked for an unknown person so that
  // the answer takes as long as for a known one; made at the first need.
  absl::once_flag decoy_once_;
  std::string decoy_;
};

}  // namespace wf

#endif  // WF_AUTH_PASSWORD_STORE_H_
