// Copyright the wf-engine authors. Apache-2.0.
#include "engine/auth/token_store.h"

#include <openssl/rand.h>

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/util/refusal.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

constexpr absl::string_view kPrefix = "wft_";
constexpr size_t kIdHexDigits = 12;

std::string IdOf(const std::string& hash) {
  return ToHex(hash).substr(0, kIdHexDigits);
}

// UNAUTHENTICATED; `problem` (metadata) names the case for programs:
// missing, not_an_engine_token, unknown, revoked, expired, left_directory.
absl::Status Unauthenticated(absl::string_view problem, absl::string_view why) {
  return Refusal(absl::UnauthenticatedError(absl::StrCat(
                     "Expected a valid bearer token (metadata "
                     "\"authorization: Bearer wft_...\"), but ", why)),
                 reason::kUnauthenticated)
      .With("problem", problem);
}

}  // namespace

namespace {

store::TokenRecord NewRecord(const std::string& person_id, bool admin,
                             absl::Time now, absl::Time expires_at,
                             const std::string& issued_by,
                             const std::string& note) {
  store::TokenRecord record;
  record.set_person_id(person_id);
  record.set_admin(admin);
  record.set_issued_at_micros(absl::ToUnixMicros(now));
  if (expires_at != absl::InfiniteFuture()) {
    record.set_expires_at_micros(absl::ToUnixMicros(expires_at));
  }
  record.set_issued_by(issued_by);
  record.set_note(note);
  return record;
}

}  // namespace

absl::StatusOr<IssuedToken> TokenStore::Issue(
    const std::string& person_id, bool admin, absl::Time now,
    absl::Time expires_at, const std::string& issued_by,
    const std::string& note) {
  return Write(NewRecord(person_id, admin, now, expires_at, issued_by, note));
}

absl::StatusOr<IssuedToken> TokenStore::IssueSession(
    const std::string& person_id, bool admin, absl::Time now,
    absl::Time expires_at, const std::string& parent_token_id,
    const std::string& note, bool password_change_required) {
  store::TokenRecord record =
      NewRecord(person_id, admin, now, expires_at, person_id, note);
  record.set_session(true);
  record.set_parent_token_id(parent_token_id);
  record.set_password_change_required(password_change_required);
  return Write(std::move(record));
}

absl::StatusOr<IssuedToken> TokenStore::Write(store::TokenRecord record) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof(secret)) != 1) {
    return absl::InternalError("The system's random generator failed");
  }
  IssuedToken issued;
  issued.token = absl::StrCat(
      kPrefix, absl::WebSafeBase64Escape(absl::string_view(
                   reinterpret_cast<const char*>(secret), sizeof(secret))));
  const std::string hash = Sha256(issued.token);
  issued.token_id = IdOf(hash);
  record.set_token_id(issued.token_id);
  WriteSet writes;
  writes.Put(Cf::kTokens, hash, record.SerializeAsString());
  WF_RETURN_IF_ERROR(committer_->Commit(std::move(writes)));
  return issued;
}

namespace {

// The record if it may be used at `now`.
absl::StatusOr<store::TokenRecord> Usable(const store::TokenRecord& record,
                                          absl::Time now) {
  if (record.revoked_at_micros() != 0) {
    return WithMetadata(Unauthenticated("revoked",
                                        absl::StrCat("token ",
                                                     record.token_id(),
                                                     " was revoked")),
                        "token_id", record.token_id());
  }
  if (record.expires_at_micros() != 0 &&
      absl::FromUnixMicros(record.expires_at_micros()) <= now) {
    return WithMetadata(Unauthenticated("expired",
                                        absl::StrCat("token ",
                                                     record.token_id(),
                                                     " has expired")),
                        "token_id", record.token_id());
  }
  return record;
}

}  // namespace

absl::StatusOr<store::TokenRecord> TokenStore::Authenticate(
    const std::string& token, absl::Time now) const {
  WF_ASSIGN_OR_RETURN(store::TokenRecord record, Find(token, now));
  if (!record.admin() && member_ && !member_(record.person_id())) {
    return WithMetadata(
        Unauthenticated("left_directory",
                        absl::StrCat("token ", record.token_id(),
                                     " is of '", record.person_id(),
                                     "', who is no longer in the org ",
                                     "directory")),
        "token_id", record.token_id());
  }
  return record;
}

absl::StatusOr<store::TokenRecord> TokenStore::Find(
    const std::string& token, absl::Time now) const {
  if (token.empty()) return Unauthenticated("missing", "none was sent");
  if (!absl::StartsWith(token, kPrefix)) {
    return Unauthenticated("not_an_engine_token",
                           "this is not a token of this engine");
  }
  uint64_t revocations_seen = 0;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = known_.find(token);
    if (it != known_.end()) return Usable(it->second.record, now);
    revocations_seen = revocations_;
  }
  const std::string hash = Sha256(token);
  WF_ASSIGN_OR_RETURN(store::TokenRecord record, Read(hash));
  if (record.revoked_at_micros() == 0) {
    Remember(token, hash, record, revocations_seen);
  }
  return Usable(record, now);
}

absl::StatusOr<store::TokenRecord> TokenStore::Read(
    const std::string& hash) const {
  WF_ASSIGN_OR_RETURN(auto value, store_->Get(Cf::kTokens, hash));
  if (!value.has_value()) return Unauthenticated("unknown", "this token is unknown");
  store::TokenRecord record;
  if (!record.ParseFromString(*value)) {
    return absl::DataLossError("A stored token record does not parse");
  }
  return record;
}

void TokenStore::Remember(const std::string& token, const std::string& hash,
                          const store::TokenRecord& record,
                          uint64_t revocations_seen) const {
  absl::MutexLock lock(&mu_);
  if (revocations_ != revocations_seen) return;
  if (known_.size() >= kMaxKnown) known_.clear();
  known_[token] = Known{hash, record};
}

absl::Status TokenStore::Revoke(const std::string& token_id, absl::Time now,
                                const std::string& revoked_by) {
  bool hex = token_id.size() == kIdHexDigits &&
             std::all_of(token_id.begin(), token_id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
             });
  if (!hex) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected a token id of ", kIdHexDigits, " hex digits, but got '",
        token_id, "'"));
  }
  // The id is the start of the hash, which is the key.
  const std::string prefix = absl::HexStringToBytes(token_id);
  auto it = store_->NewIterator(Cf::kTokens);
  it->Seek(prefix);
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding a token"));
    return Refusal(absl::NotFoundError(absl::StrCat(
                       "Expected a token with id '", token_id,
                       "', but there is none")),
                   reason::kTokenNotFound)
        .With("token_id", token_id);
  }
  store::TokenRecord record;
  if (!record.ParseFromString(it->value().ToString())) {
    return absl::DataLossError("A stored token record does not parse");
  }
  // A session opens no other (OpenSession refuses): it ends alone, without
  // a scan of every token (each sign-out comes here).
  if (record.session()) {
    if (record.revoked_at_micros() != 0) return absl::OkStatus();
    return RevokeRecords({{it->key().ToString(), std::move(record)}}, now,
                         revoked_by);
  }
  return RevokeMatching(
      [&token_id](const store::TokenRecord& r) {
        return r.token_id() == token_id || r.parent_token_id() == token_id;
      },
      now, revoked_by);
}

// A scan of every token: revoking is rare, and the store holds thousands.
absl::Status TokenStore::RevokeMatching(
    const std::function<bool(const store::TokenRecord&)>& match,
    absl::Time now, const std::string& revoked_by) {
  std::vector<std::pair<std::string, store::TokenRecord>> found;
  auto it = store_->NewIterator(Cf::kTokens);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    store::TokenRecord record;
    if (record.ParseFromString(it->value().ToString()) &&
        record.revoked_at_micros() == 0 && match(record)) {
      found.emplace_back(it->key().ToString(), std::move(record));
    }
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding tokens to revoke"));
  return RevokeRecords(std::move(found), now, revoked_by);
}

absl::Status TokenStore::RevokeRecords(
    std::vector<std::pair<std::string, store::TokenRecord>> records,
    absl::Time now, const std::string& revoked_by) {
  if (records.empty()) return absl::OkStatus();
  WriteSet writes;
  std::vector<std::string> keys;
  for (auto& [key, record] : records) {
    record.set_revoked_at_micros(absl::ToUnixMicros(now));
    record.set_revoked_by(revoked_by);
    writes.Put(Cf::kTokens, key, record.SerializeAsString());
    keys.push_back(key);
  }
  return CommitChanged(std::move(writes), keys);
}

absl::Status TokenStore::EndSessions(const std::string& person_id,
                                     const std::string& kept, absl::Time now,
                                     const std::string& ended_by,
                                     WriteSet with) {
  const std::string kept_key = kept.empty() ? "" : Sha256(kept);
  return RewriteLive(
      [&](const std::string& key, store::TokenRecord* record) {
        if (!record->session() || record->person_id() != person_id) {
          return false;
        }
        if (key != kept_key) return Revoked(record, now, ended_by);
        if (!record->password_change_required()) return false;
        record->clear_password_change_required();
        return true;
      },
      std::move(with), "finding a person's sessions");
}

absl::Status TokenStore::RevokePeople(const std::vector<std::string>& people,
                                      absl::Time now,
                                      const std::string& revoked_by,
                                      WriteSet with) {
  const absl::flat_hash_set<std::string> leaving(people.begin(), people.end());
  return RewriteLive(
      [&](const std::string&, store::TokenRecord* record) {
        if (record->admin() || !leaving.contains(record->person_id())) {
          return false;
        }
        return Revoked(record, now, revoked_by);
      },
      std::move(with), "finding the tokens of people who leave");
}

bool TokenStore::Revoked(store::TokenRecord* record, absl::Time now,
                         const std::string& revoked_by) {
  record->set_revoked_at_micros(absl::ToUnixMicros(now));
  record->set_revoked_by(revoked_by);
  return true;
}

absl::Status TokenStore::RewriteLive(const Rewrite& change, WriteSet with,
                                     const char* what) {
  WriteSet writes = std::move(with);
  std::vector<std::string> keys;
  auto it = store_->NewIterator(Cf::kTokens);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    store::TokenRecord record;
    if (!record.ParseFromString(it->value().ToString()) ||
        record.revoked_at_micros() != 0) {
      continue;
    }
    std::string key = it->key().ToString();
    if (!change(key, &record)) continue;
    writes.Put(Cf::kTokens, key, record.SerializeAsString());
    keys.push_back(std::move(key));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), what));
  if (keys.empty()) {
    return writes.empty() ? absl::OkStatus()
                          : committer_->Commit(std::move(writes));
  }
  return CommitChanged(std::move(writes), keys);
}

absl::Status TokenStore::CommitChanged(WriteSet writes,
                                       const std::vector<std::string>& keys) {
  absl::Status written = committer_->Commit(std::move(writes));
  absl::MutexLock lock(&mu_);
  absl::erase_if(known_, [&keys](const auto& entry) {
    return std::find(keys.begin(), keys.end(), entry.second.hash) != keys.end();
  });
  ++revocations_;
  return written;
}

absl::StatusOr<std::vector<store::TokenRecord>> TokenStore::List() const {
  std::vector<store::TokenRecord> tokens;
  auto it = store_->NewIterator(Cf::kTokens);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    store::TokenRecord record;
    if (record.ParseFromString(it->value().ToString())) {
      tokens.push_back(std::move(record));
    }
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing tokens"));
  return tokens;
}

absl::StatusOr<bool> TokenStore::HasAdmin(absl::Time now) const {
  WF_ASSIGN_OR_RETURN(auto tokens, List());
  for (const auto& t : tokens) {
    bool expired = t.expires_at_micros() != 0 &&
                   absl::FromUnixMicros(t.expires_at_micros()) <= now;
    if (t.admin() && t.revoked_at_micros() == 0 && !expired) return true;
  }
  return false;
}

}  // namespace wf
