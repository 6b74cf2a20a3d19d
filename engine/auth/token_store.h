// Copyright the wf-engine authors. Apache-2.0.
//
// Bearer tokens. A token is 32 random bytes shown once, when it is issued
// ("wft_" + base64url); the store keeps only its SHA-256, so a copy of the
// database does not let anyone in. A token names a person of the org
// directory (or the built-in administrator), may expire, and can be revoked
// by its id (the first 12 hex digits of its hash, safe to show and log).
//
// Every call authenticates, so the records of tokens that authenticated are
// kept in memory, by the token itself (at most kMaxKnown; all dropped when
// full): a call costs a look-up, not a SHA-256 and a read of the store
// (the hash was 3.6% of the server's CPU answering kept inbox pages). The
// token is in this process's memory anyway, in every call that carries it;
// only the store must not hold it. Expiry is checked on every
// call; Revoke drops the record once its write is on disk, so a token is
// refused from the moment RevokeToken answers.
#ifndef WF_AUTH_TOKEN_STORE_H_
#define WF_AUTH_TOKEN_STORE_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/store/committer.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"

namespace wf {

struct IssuedToken {
  std::string token;     // the secret: shown once, never stored
  std::string token_id;  // public id, for revoking and listing
};

class TokenStore {
 public:
  TokenStore(Store* store, Committer* committer)
      : store_(store), committer_(committer) {}

  // `expires_at` = InfiniteFuture() for a token that does not expire.
  absl::StatusOr<IssuedToken> Issue(const std::string& person_id, bool admin,
                                    absl::Time now, absl::Time expires_at,
                                    const std::string& issued_by,
                                    const std::string& note);
  // A sign-in session's token (TokenRecord.session), opened with the
  // access code `parent_token_id` or ("") with a password;
  // `password_change_required` for a password an administrator set.
  absl::StatusOr<IssuedToken> IssueSession(const std::string& person_id,
                                           bool admin, absl::Time now,
                                           absl::Time expires_at,
                                           const std::string& parent_token_id,
                                           const std::string& note,
                                           bool password_change_required);

  // The token's record, or UNAUTHENTICATED with the reason (unknown,
  // revoked, expired, left_directory) in a message that never contains the
  // token.
  absl::StatusOr<store::TokenRecord> Authenticate(const std::string& token,
                                                  absl::Time now) const;

  // Whether a person is in the org directory now; set once, before any
  // Authenticate. A token or session of someone who is not is refused
  // (administrators' tokens aside, which may name anyone). Leaving the
  // directory revokes them in the import's own write; this also refuses
  // one issued while that write was being prepared.
  using Member = std::function<bool(const std::string& person_id)>;
  void SetMember(Member member) { member_ = std::move(member); }

  // NOT_FOUND for an unknown id; revoking twice is fine. The sessions the
  // token opened (OpenSession) end with it, in the same write.
  absl::Status Revoke(const std::string& token_id, absl::Time now,
                      const std::string& revoked_by);
  // After `person_id`'s password changed (set by `ended_by`, or by them
  // calling with the token `kept`; "" for none): every sign-in session of
  // theirs still open ends but the kept one, which may do anything again
  // (password_change_required cleared). One write, which carries `with`
  // too (the new password's record): both or neither.
  absl::Status EndSessions(const std::string& person_id,
                           const std::string& kept, absl::Time now,
                           const std::string& ended_by,
                           WriteSet with = WriteSet());

  // Revokes every token and sign-in session of `people`, who leave the
  // directory, in one write with `with` (that of the directory). Tokens
  // issued as administrators' stay: an operator's may carry any id.
  absl::Status RevokePeople(const std::vector<std::string>& people,
                            absl::Time now, const std::string& revoked_by,
                            WriteSet with);

  absl::StatusOr<std::vector<store::TokenRecord>> List() const;
  // True if any administrator token that is neither revoked nor expired
  // exists (the server issues a first one at start-up otherwise).
  absl::StatusOr<bool> HasAdmin(absl::Time now) const;

 private:
  static constexpr size_t kMaxKnown = 100000;

  // Authenticate but for the directory.
  absl::StatusOr<store::TokenRecord> Find(const std::string& token,
                                          absl::Time now) const;
  absl::StatusOr<store::TokenRecord> Read(const std::string& hash) const;
  absl::StatusOr<IssuedToken> Write(store::TokenRecord record);
  // Revokes, in one write, every token not revoked yet that `match` picks.
  absl::Status RevokeMatching(
      const std::function<bool(const store::TokenRecord&)>& match,
      absl::Time now, const std::string& revoked_by);
  // Writes `records` (key, record) revoked, in one write, and forgets them.
  absl::Status RevokeRecords(
      std::vector<std::pair<std::string, store::TokenRecord>> records,
      absl::Time now, const std::string& revoked_by);
  // Changes a token record not revoked yet (its key, the record) and
  // answers true, or leaves it and answers false.
  using Rewrite =
      std::function<bool(const std::string& key, store::TokenRecord* record)>;
  // Writes, in one write with `with`, every live record `change` changes;
  // `what` names the scan in a store error.
  absl::Status RewriteLive(const Rewrite& change, WriteSet with,
                           const char* what);
  // Marks `record` revoked by `revoked_by` at `now`; true.
  static bool Revoked(store::TokenRecord* record, absl::Time now,
                      const std::string& revoked_by);
  // Commits `writes`, which rewrite the records under `keys`, and forgets
  // those records (and any read while the write was under way).
  absl::Status CommitChanged(WriteSet writes,
                             const std::vector<std::string>& keys);
  void Remember(const std::string& token, const std::string& hash,
                const store::TokenRecord& record,
                uint64_t revocations_seen) const;

  Store* const store_;
  Committer* const committer_;
  Member member_;
  mutable absl::Mutex mu_;
  struct Known {
    std::string hash;  // its key in the store, for Revoke to find it
    store::TokenRecord record;
  };
  // Valid when stored, by token; never a revoked one.
  mutable absl::flat_hash_map<std::string, Known> known_ ABSL_GUARDED_BY(mu_);
  // Rewrites so far (revocations, a password change done): a record read
  // before one finished is not kept (it may be the one rewritten, read just
  // before its write).
  uint64_t revocations_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace wf

#endif  // WF_AUTH_TOKEN_STORE_H_
