// Copyright the wf-engine authors. Apache-2.0.
#include "engine/auth/password_store.h"

#include <argon2.h>
#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "engine/store/records.pb.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf {
namespace {

// RFC 9106's second recommended option, as OWASP gives it for Argon2id:
// 19 MiB, 2 passes, 1 lane.
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kPasses = 2;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

absl::Status PasswordStore::SignInFailed() {
  return Refusal(absl::UnauthenticatedError(
                     "Expected a person's id and their password, but the "
                     "two do not match (or the person has no password)"),
                 reason::kSignInFailed)
      .Vietnamese("Tên đăng nhập hoặc mật khẩu không đúng.");
}

namespace {

absl::Status BadPassword(absl::string_view field, const std::string& why,
                         const std::string& vietnamese) {
  return Refusal(absl::InvalidArgumentError(
                     absl::StrCat("Expected a password of at least ",
                                  PasswordStore::kMinCharacters,
                                  " characters and at most ",
                                  PasswordStore::kMaxBytes, " bytes, but ",
                                  why)),
                 reason::kInvalidField)
      .Field(field)
      .Vietnamese(vietnamese);
}

// The password as it is hashed: NFC, and of a length the rules allow;
// `field` names it in a refusal.
absl::StatusOr<std::string> Normalised(const std::string& password,
                                       absl::string_view field = "password") {
  auto nfc = ToNfc(password, "the password");
  if (!nfc.ok()) {
    return BadPassword(field, "it is not valid UTF-8",
                       "Mật khẩu có ký tự không hợp lệ.");
  }
  if (nfc->size() > PasswordStore::kMaxBytes) {
    return BadPassword(field, absl::StrCat("it has ", nfc->size(), " bytes"),
                       "Mật khẩu quá dài.");
  }
  size_t characters = 0;
  for (unsigned char c : *nfc) characters += (c & 0xC0) != 0x80;
  if (characters < PasswordStore::kMinCharacters) {
    return BadPassword(field,
                       absl::StrCat("it has ", characters, " characters"),
                       absl::StrCat("Mật khẩu cần ít nhất ",
                                    PasswordStore::kMinCharacters,
                                    " ký tự."));
  }
  return nfc;
}

}  // namespace

// One of the kParallel places to hash; refuses at once when kMaxWaiting
// others wait already.
class PasswordStore::Turn {
 public:
  explicit Turn(PasswordStore* store) : store_(store) {}
  ~Turn() {
    if (!held_) return;
    absl::MutexLock lock(&store_->mu_);
    --store_->hashing_;
  }

  absl::Status Take() {
    absl::MutexLock lock(&store_->mu_);
    if (store_->waiting_ >= kMaxWaiting) {
      return Refusal(absl::UnavailableError(
                         "Expected to check the password, but too many "
                         "sign-ins are waiting: try again in a moment"),
                     reason::kContention)
          .Vietnamese("Hệ thống đang bận, vui lòng đăng nhập lại sau giây lát.");
    }
    ++store_->waiting_;
    PasswordStore* s = store_;
    store_->mu_.Await(absl::Condition(
        +[](PasswordStore* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
          return p->hashing_ < kParallel;
        },
        s));
    --store_->waiting_;
    ++store_->hashing_;
    held_ = true;
    return absl::OkStatus();
  }

 private:
  PasswordStore* const store_;
  bool held_ = false;
};

absl::StatusOr<std::string> PasswordStore::Hash(const std::string& password) {
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof(salt)) != 1) {
    return absl::InternalError("The system's random generator failed");
  }
  std::string encoded(argon2_encodedlen(kPasses, kMemoryKiB, kLanes,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  Turn turn(this);
  WF_RETURN_IF_ERROR(turn.Take());
  const int rc = argon2id_hash_encoded(
      kPasses, kMemoryKiB, kLanes, password.data(), password.size(), salt,
      sizeof(salt), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return absl::InternalError(
        absl::StrCat("Hashing a password failed: ", argon2_error_message(rc)));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

absl::StatusOr<bool> PasswordStore::Matches(const std::string& encoded,
                                            const std::string& password) {
  Turn turn(this);
  WF_RETURN_IF_ERROR(turn.Take());
  const int rc =
      argon2id_verify(encoded.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  return absl::DataLossError(absl::StrCat(
      "A stored password hash cannot be checked: ", argon2_error_message(rc)));
}

absl::Status PasswordStore::Set(const std::string& person,
                                const std::string& password, bool must_change,
                                const std::string& set_by, absl::Time now,
                                absl::string_view field,
                                const CommitFn& commit) {
  WF_ASSIGN_OR_RETURN(std::string normalised, Normalised(password, field));
  WF_ASSIGN_OR_RETURN(std::string hash, Hash(normalised));
  store::PasswordRecord record;
  record.set_person_id(person);
  record.set_hash(hash);
  record.set_set_at_micros(absl::ToUnixMicros(now));
  record.set_set_by(set_by);
  record.set_must_change(must_change);
  WriteSet writes;
  writes.Put(Cf::kPasswords, person, record.SerializeAsString());
  WF_RETURN_IF_ERROR(commit ? commit(std::move(writes))
                            : committer_->Commit(std::move(writes)));
  Forget(person);
  return absl::OkStatus();
}

absl::Status PasswordStore::Remove(const std::vector<std::string>& people,
                                   const CommitFn& commit) {
  WriteSet writes;
  for (const std::string& person : people) {
    writes.Delete(Cf::kPasswords, person);
  }
  WF_RETURN_IF_ERROR(commit(std::move(writes)));
  for (const std::string& person : people) Forget(person);
  return absl::OkStatus();
}

absl::StatusOr<bool> PasswordStore::Has(const std::string& person) const {
  WF_ASSIGN_OR_RETURN(auto value, store_->Get(Cf::kPasswords, person));
  return value.has_value();
}

absl::StatusOr<PasswordCheck> PasswordStore::Verify(
    const std::string& person, const std::string& password, absl::Time now,
    const std::string& source) {
  WF_RETURN_IF_ERROR(Locked(person, source, now));
  // A password the rules refuse cannot be anyone's: checked like a wrong
  // one, against the decoy, so that it takes as long.
  auto normalised = Normalised(password);
  WF_ASSIGN_OR_RETURN(auto value, store_->Get(Cf::kPasswords, person));
  store::PasswordRecord record;
  if (value.has_value() && !record.ParseFromString(*value)) {
    return absl::DataLossError("A stored password record does not parse");
  }
  std::string encoded = record.hash();
  if (encoded.empty()) {
    absl::call_once(decoy_once_, [this] {
      auto decoy = Hash("không phải mật khẩu của ai");
      if (decoy.ok()) decoy_ = *std::move(decoy);
    });
    encoded = decoy_;
  }
  // A password the rules refuse is still hashed, cut to the longest one
  // they allow, so that refusing it takes as long as a wrong one.
  WF_ASSIGN_OR_RETURN(
      bool matches,
      Matches(encoded, normalised.ok() ? *normalised
                                       : password.substr(0, kMaxBytes)));
  if (!matches || record.hash().empty() || !normalised.ok()) {
    Failed(person, source, now);
    return SignInFailed();
  }
  Succeeded(person, source);
  PasswordCheck check;
  check.must_change = record.must_change();
  return check;
}

absl::Status PasswordStore::Locked(const std::string& person,
                                   const std::string& source,
                                   absl::Time now) const {
  absl::MutexLock lock(&mu_);
  auto it = attempts_.find(person);
  if (it == attempts_.end()) return absl::OkStatus();
  const bool everywhere = it->second.all.locked_until > now;
  absl::Time until = it->second.all.locked_until;
  if (!everywhere) {
    auto from = it->second.by_source.find(source);
    if (from == it->second.by_source.end() || from->second.locked_until <= now) {
      return absl::OkStatus();
    }
    until = from->second.locked_until;
  }
  const int64_t minutes = absl::ToInt64Minutes(until - now + absl::Minutes(1) -
                                               absl::Nanoseconds(1));
  const std::string english =
      everywhere ? absl::StrCat(kPersonLockout, " times since it was last "
                                "given right, from every place together")
                 : absl::StrCat(kPerLockout, " times in a row from here");
  const std::string vietnamese =
      everywhere ? absl::StrCat("Mật khẩu của tài khoản này bị nhập sai ",
                                kPersonLockout, " lần từ nhiều nơi: tài khoản "
                                "tạm khóa, vui lòng thử lại sau ", minutes,
                                " phút hoặc liên hệ quản trị hệ thống.")
                 : absl::StrCat("Nhập sai mật khẩu ", kPerLockout,
                                " lần liên tiếp: tài khoản tạm khóa trên máy "
                                "này, vui lòng thử lại sau ", minutes,
                                " phút.");
  return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                     "Expected a sign-in, but the password of '", person,
                     "' was given wrong ", english, ": try again in ",
                     minutes, " minutes")),
                 reason::kSignInLocked)
      .With("retry_after_seconds",
            static_cast<uint64_t>(absl::ToInt64Seconds(until - now) + 1))
      .Vietnamese(vietnamese);
}

void PasswordStore::Failed(const std::string& person,
                           const std::string& source, absl::Time now) {
  absl::MutexLock lock(&mu_);
  // Bounded: a flood of made-up names or addresses must not grow the map
  // for ever, nor wipe the lockouts that hold.
  if (tracked_ >= max_tracked_) Sweep(now);
  auto known = attempts_.find(person);
  if (known == attempts_.end()) {
    if (tracked_ >= max_tracked_) return;  // every count left is a lockout
    known = attempts_.try_emplace(person).first;
  }
  PersonAttempts& p = known->second;
  if (++p.all.failures >= kPersonLockout) {
    p.all.failures = 0;
    p.all.locked_until = now + kLockout;
  }
  auto from = p.by_source.find(source);
  if (from == p.by_source.end()) {
    if (tracked_ >= max_tracked_) return;  // all locked: the count above holds
    from = p.by_source.try_emplace(source).first;
    ++tracked_;
  }
  if (++from->second.failures >= kPerLockout) {
    from->second.failures = 0;
    from->second.locked_until = now + kLockout;
  }
}

void PasswordStore::Sweep(absl::Time now) {
  for (auto it = attempts_.begin(); it != attempts_.end();) {
    auto& sources = it->second.by_source;
    const size_t before = sources.size();
    absl::erase_if(sources, [now](const auto& entry) {
      return entry.second.locked_until <= now;
    });
    tracked_ -= before - sources.size();
    if (sources.empty() && it->second.all.locked_until <= now) {
      attempts_.erase(it++);
    } else {
      ++it;
    }
  }
}

// A success from one place: its count and the count across places start
// again; a place locked for someone else's guesses stays locked.
void PasswordStore::Succeeded(const std::string& person,
                              const std::string& source) {
  absl::MutexLock lock(&mu_);
  auto it = attempts_.find(person);
  if (it == attempts_.end()) return;
  it->second.all.failures = 0;
  tracked_ -= it->second.by_source.erase(source);
  if (it->second.by_source.empty()) attempts_.erase(it);
}

void PasswordStore::Forget(const std::string& person) {
  absl::MutexLock lock(&mu_);
  auto it = attempts_.find(person);
  if (it == attempts_.end()) return;
  tracked_ -= it->second.by_source.size();
  attempts_.erase(it);
}

}  // namespace wf
