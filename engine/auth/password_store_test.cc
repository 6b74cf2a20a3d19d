// Copyright the wf-engine authors. Apache-2.0.
#include "engine/auth/password_store.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/records.pb.h"
#include "engine/store/store_fixture.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1768525200);

class PasswordStoreTest : public test_dirs::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    passwords_ = std::make_unique<PasswordStore>(store_.get(), committer_.get());
  }

  std::string Reason(const absl::Status& status) {
    auto details = ReadRefusal(status);
    return details.has_value() ? details->reason : "";
  }

  std::unique_ptr<PasswordStore> passwords_;
};

TEST_F(PasswordStoreTest, KeepsAnArgon2idHashNeverThePassword) {
  ASSERT_TRUE(passwords_->Set("chu-tich.dai-son", "Đại Sơn 2026!", true,
                              "admin", kNow)
                  .ok());
  auto stored = store_->Get(Cf::kPasswords, "chu-tich.dai-son");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  store::PasswordRecord record;
  ASSERT_TRUE(record.ParseFromString(**stored));
  EXPECT_EQ(record.hash().rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u)
      << record.hash();
  EXPECT_EQ(record.hash().find("Đại Sơn"), std::string::npos);
  EXPECT_EQ(record.set_by(), "admin");
  EXPECT_TRUE(record.must_change());

  auto ok = passwords_->Verify("chu-tich.dai-son", "Đại Sơn 2026!", kNow);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->must_change);
  auto wrong = passwords_->Verify("chu-tich.dai-son", "Đại Sơn 2025!", kNow);
  EXPECT_TRUE(absl::IsUnauthenticated(wrong.status())) << wrong.status();
  EXPECT_EQ(Reason(wrong.status()), "SIGN_IN_FAILED");

  // The same password again gets another salt, so another hash.
  ASSERT_TRUE(passwords_->Set("chu-tich.dai-son", "Đại Sơn 2026!", false,
                              "chu-tich.dai-son", kNow)
                  .ok());
  store::PasswordRecord again;
  ASSERT_TRUE(again.ParseFromString(
      **store_->Get(Cf::kPasswords, "chu-tich.dai-son")));
  EXPECT_NE(again.hash(), record.hash());
  EXPECT_FALSE(passwords_->Verify("chu-tich.dai-son", "Đại Sơn 2026!", kNow)
                   ->must_change);
}

TEST_F(PasswordStoreTest, APasswordTypedDecomposedIsTheSamePassword) {
  // "Hà Nội" with à and ộ precomposed, then as base letters and combining
  // marks (as some keyboards send them).
  const std::string composed = "m\xE1\xBA\xADt kh\xE1\xBA\xA9u H\xC3\xA0 N\xE1\xBB\x99i";
  const std::string decomposed =
      "ma\xCC\xA3\xCC\x82t kha\xCC\x82\xCC\x89u Ha\xCC\x80 No\xCC\xA3\xCC\x82i";
  ASSERT_NE(composed, decomposed);
  ASSERT_TRUE(passwords_->Set("can-bo.dai-son", composed, false, "admin", kNow)
                  .ok());
  EXPECT_TRUE(passwords_->Verify("can-bo.dai-son", decomposed, kNow).ok());
}

TEST_F(PasswordStoreTest, RefusesPasswordsTooShortTooLongOrNotText) {
  for (const std::string& bad :
       {std::string("ngắn"), std::string(300, 'a'), std::string("\xFF\xFE" "12345678")}) {
    absl::Status set = passwords_->Set("a", bad, false, "admin", kNow);
    EXPECT_TRUE(absl::IsInvalidArgument(set)) << set;
    EXPECT_EQ(Reason(set), "INVALID_FIELD");
  }
  // Eight characters, though more bytes: enough.
  EXPECT_TRUE(passwords_->Set("a", "mậtkhẩuđ", false, "admin", kNow).ok());
  EXPECT_FALSE(passwords_->Has("b").value());
  EXPECT_TRUE(passwords_->Has("a").value());
}

TEST_F(PasswordStoreTest, AnUnknownPersonGetsTheAnswerOfAWrongPassword) {
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu đúng", false, "admin", kNow).ok());
  auto wrong = passwords_->Verify("a", "mật khẩu sai", kNow);
  auto unknown = passwords_->Verify("khong-co", "mật khẩu đúng", kNow);
  EXPECT_EQ(wrong.status(), unknown.status());
  EXPECT_EQ(Reason(unknown.status()), "SIGN_IN_FAILED");
}

TEST_F(PasswordStoreTest, FiveWrongInARowLockForFifteenMinutes) {
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu đúng", false, "admin", kNow).ok());
  for (int i = 0; i < PasswordStore::kPerLockout; ++i) {
    EXPECT_EQ(Reason(passwords_->Verify("a", "sai sai sai", kNow).status()),
              "SIGN_IN_FAILED");
  }
  // Locked: even the right password is refused, with when to try again.
  auto locked = passwords_->Verify("a", "mật khẩu đúng", kNow);
  EXPECT_TRUE(absl::IsResourceExhausted(locked.status())) << locked.status();
  auto details = ReadRefusal(locked.status());
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->reason, "SIGN_IN_LOCKED");
  EXPECT_EQ(details->metadata["retry_after_seconds"], "901");
  EXPECT_NE(details->vietnamese.find("tạm khóa"), std::string::npos);
  // Others are not locked.
  ASSERT_TRUE(passwords_->Set("b", "mật khẩu khác", false, "admin", kNow).ok());
  EXPECT_TRUE(passwords_->Verify("b", "mật khẩu khác", kNow).ok());
  // Past the lockout, the right password works; a success resets the count.
  const absl::Time later = kNow + PasswordStore::kLockout;
  EXPECT_TRUE(passwords_->Verify("a", "mật khẩu đúng", later).ok());
  for (int i = 0; i < PasswordStore::kPerLockout - 1; ++i) {
    passwords_->Verify("a", "sai sai sai", later).IgnoreError();
  }
  EXPECT_TRUE(passwords_->Verify("a", "mật khẩu đúng", later).ok());
  // An administrator setting a new password ends a lockout.
  for (int i = 0; i < PasswordStore::kPerLockout; ++i) {
    passwords_->Verify("a", "sai sai sai", later).IgnoreError();
  }
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu mới đây", true, "admin", later).ok());
  EXPECT_TRUE(passwords_->Verify("a", "mật khẩu mới đây", later).ok());
}

// A stranger typing wrong passwords on purpose locks only where they type:
// the official signs in from their own office.
TEST_F(PasswordStoreTest, WrongPasswordsLockTheirSourceOnly) {
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu đúng", false, "admin", kNow).ok());
  const std::string stranger = "203.0.113.5", office = "10.1.2.3";
  for (int i = 0; i < PasswordStore::kPerLockout; ++i) {
    passwords_->Verify("a", "sai sai sai", kNow, stranger).IgnoreError();
  }
  auto locked = passwords_->Verify("a", "mật khẩu đúng", kNow, stranger);
  EXPECT_EQ(Reason(locked.status()), "SIGN_IN_LOCKED") << locked.status();
  EXPECT_NE(ReadRefusal(locked.status())->vietnamese.find("trên máy này"),
            std::string::npos);
  EXPECT_TRUE(passwords_->Verify("a", "mật khẩu đúng", kNow, office).ok());
  // The office's success does not free the stranger's place.
  EXPECT_EQ(Reason(passwords_->Verify("a", "mật khẩu đúng", kNow, stranger)
                       .status()),
            "SIGN_IN_LOCKED");
  EXPECT_TRUE(passwords_
                  ->Verify("a", "mật khẩu đúng", kNow + PasswordStore::kLockout,
                           stranger)
                  .ok());
}

// Guessing from many places: kPersonLockout wrong ones in all lock the
// person everywhere, until the lockout ends or a new password is set.
TEST_F(PasswordStoreTest, WrongPasswordsFromManySourcesLockEverywhere) {
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu đúng", false, "admin", kNow).ok());
  for (int i = 0; i < PasswordStore::kPersonLockout - 1; ++i) {
    const std::string source = absl::StrCat("198.51.100.", i);
    EXPECT_EQ(Reason(passwords_->Verify("a", "sai", kNow, source).status()),
              "SIGN_IN_FAILED");
  }
  // One short: a right password from a new place still signs in, and
  // starts the count across places again.
  EXPECT_TRUE(passwords_->Verify("a", "mật khẩu đúng", kNow, "10.1.2.3").ok());
  for (int i = 0; i < PasswordStore::kPersonLockout; ++i) {
    const std::string source = absl::StrCat("198.51.101.", i);
    passwords_->Verify("a", "sai", kNow, source).IgnoreError();
  }
  auto locked = passwords_->Verify("a", "mật khẩu đúng", kNow, "10.1.2.3");
  EXPECT_EQ(Reason(locked.status()), "SIGN_IN_LOCKED") << locked.status();
  EXPECT_NE(ReadRefusal(locked.status())->vietnamese.find("từ nhiều nơi"),
            std::string::npos);
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu mới đây", true, "admin", kNow).ok());
  EXPECT_TRUE(passwords_->Verify("a", "mật khẩu mới đây", kNow, "10.1.2.3").ok());
}

// A flood of made-up names fills the counts (to kMaxTracked; 4 here, each
// costing a hash): those that lock nobody make room, a lockout holds.
TEST_F(PasswordStoreTest, AFloodOfNamesDoesNotEndALockout) {
  PasswordStore passwords(store_.get(), committer_.get(), /*max_tracked=*/4);
  ASSERT_TRUE(passwords.Set("a", "mật khẩu đúng", false, "admin", kNow).ok());
  for (int i = 0; i < PasswordStore::kPerLockout; ++i) {
    passwords.Verify("a", "sai sai sai", kNow, "203.0.113.5").IgnoreError();
  }
  for (int i = 0; i < 12; ++i) {
    passwords.Verify(absl::StrCat("khong-co-", i), "", kNow, "203.0.113.6")
        .IgnoreError();
  }
  EXPECT_EQ(Reason(passwords.Verify("a", "mật khẩu đúng", kNow, "203.0.113.5")
                       .status()),
            "SIGN_IN_LOCKED");
  EXPECT_TRUE(passwords.Verify("a", "mật khẩu đúng", kNow, "10.1.2.3").ok());
}

TEST_F(PasswordStoreTest, SignInsAtOnceAllGetTheirAnswer) {
  ASSERT_TRUE(passwords_->Set("a", "mật khẩu đúng", false, "admin", kNow).ok());
  std::vector<std::thread> threads;
  std::vector<int> right(6, 0);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      right[i] = passwords_->Verify("a", "mật khẩu đúng", kNow).ok();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(right[i], 1) << i;
}

}  // namespace
}  // namespace wf
