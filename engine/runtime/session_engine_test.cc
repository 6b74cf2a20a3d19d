// Copyright the wf-engine authors. Apache-2.0.
//
// Passwords and sign-in sessions (docs/security.md, "Passwords"): an
// administrator sets a person's password, the person signs in for a
// session that ends on its own, signs out, opens a session with an access
// code, and changes their password.
#include <string>

#include "engine/auth/password_store.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/store/faulty_file_system.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "wf/engine.h"

namespace wf {
namespace {

constexpr char kPeople[] =
    "person,name,role,unit,valid_from,valid_to,acting_for\n"
    "chu-tich.dai-son,Trần Văn Hùng,chu_tich,07627,01/07/2025,,\n";

class SessionTest : public test_support::EngineFixture {
 protected:
  SessionTest() : EngineFixture(absl::FromUnixSeconds(1768525200)) {}

  void SetUp() override {
    Open("wf_sessions", {});
    DirectoryImport units{"don_vi", "units",
                          "id,name,kind,parent,valid_from,valid_to,tags\n"
                          "bac_ninh,Tỉnh Bắc Ninh,tinh,,01/07/2025,,\n"
                          "07627,Xã Đại Sơn,xa,bac_ninh,01/07/2025,,\n"};
    auto tree = engine_->ImportDirectory(Actor::Embedder(), units);
    ASSERT_TRUE(tree.ok()) << tree.status();
    DirectoryImport people{"nguoi_dung", "people", kPeople};
    auto imported = engine_->ImportDirectory(Actor::Embedder(), people);
    ASSERT_TRUE(imported.ok()) << imported.status();
  }

  static std::string Reason(const absl::Status& status) {
    auto details = ReadRefusal(status);
    return details.has_value() ? details->reason : "";
  }

  const std::string kPerson = "chu-tich.dai-son";
};

TEST_F(SessionTest, OnlyAnAdministratorSetsAPasswordForSomeoneOfTheDirectory) {
  absl::Status by_person = engine_->SetPassword(
      Actor::Person(kPerson), kPerson, "mật khẩu mới", false);
  EXPECT_EQ(Reason(by_person), "ADMIN_REQUIRED") << by_person;
  absl::Status unknown = engine_->SetPassword(Actor::Admin("admin"),
                                              "khong-co", "mật khẩu mới", false);
  EXPECT_EQ(Reason(unknown), "PERSON_NOT_FOUND") << unknown;
  absl::Status short_one =
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "ngắn", false);
  EXPECT_EQ(Reason(short_one), "INVALID_FIELD") << short_one;
  EXPECT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", true)
          .ok());
}

TEST_F(SessionTest, ASignInIsATokenOfThePersonThatEndsOnItsOwn) {
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", false)
          .ok());
  auto wrong = engine_->SignIn(kPerson, "Đại Sơn 2025");
  EXPECT_TRUE(absl::IsUnauthenticated(wrong.status())) << wrong.status();
  EXPECT_EQ(Reason(wrong.status()), "SIGN_IN_FAILED");
  EXPECT_EQ(ReadRefusal(wrong.status())->vietnamese,
            "Tên đăng nhập hoặc mật khẩu không đúng.");

  auto session = engine_->SignIn(kPerson, "Đại Sơn 2026");
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_FALSE(session->must_change_password);
  EXPECT_EQ(session->token.person, kPerson);
  EXPECT_FALSE(session->token.admin);
  EXPECT_EQ(session->token.expires_at, clock_.Now() + absl::Hours(12));
  auto who = engine_->Authenticate(session->token.token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->id, kPerson);
  EXPECT_EQ(who->kind, Actor::Kind::kPerson);
  // Administrators see it among the tokens.
  auto tokens = engine_->ListTokens(Actor::Admin("admin"));
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].note, "sign-in (password)");

  clock_.Advance(absl::Hours(12));
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(session->token.token).status()));
}

// An official who leaves is taken out of the people file: their sessions,
// tokens and password go with them, in the import's write, and the
// successor later given the same id starts without any of them. Others
// keep theirs; an operator's administrator token carrying the id stays.
TEST_F(SessionTest, PeopleWhoLeaveTheDirectoryLoseTokensSessionsAndPassword) {
  const std::string kOther = "chu-tich.tay-yen-tu";
  auto both = engine_->ImportDirectory(
      Actor::Embedder(),
      DirectoryImport{"nguoi_dung", "people",
                      absl::StrCat(kPeople, kOther,
                                   ",Lê Thị Lan,chu_tich,07627,01/07/2025,,\n")});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(both->people_removed.empty());
  for (const std::string& p : {kPerson, kOther}) {
    ASSERT_TRUE(engine_->SetPassword(Actor::Admin("admin"), p, "Đại Sơn 2026",
                                     false)
                    .ok());
  }
  auto session = engine_->SignIn(kPerson, "Đại Sơn 2026");
  auto other_session = engine_->SignIn(kOther, "Đại Sơn 2026");
  auto token = engine_->IssueToken(Actor::Admin("admin"), kPerson, false,
                                   absl::ZeroDuration(), "máy tính bảng");
  auto operator_token = engine_->IssueToken(
      Actor::Admin("admin"), kPerson, true, absl::ZeroDuration(), "vận hành");
  ASSERT_TRUE(session.ok() && other_session.ok() && token.ok() &&
              operator_token.ok());
  // Authenticated once, so kept in the token cache.
  ASSERT_TRUE(engine_->Authenticate(session->token.token).ok());
  ASSERT_TRUE(engine_->Authenticate(token->token).ok());

  // kPerson leaves: the people file is imported without them.
  auto left = engine_->ImportDirectory(
      Actor::Admin("admin"),
      DirectoryImport{"nguoi_dung", "people",
                      absl::StrCat("person,name,role,unit,valid_from,valid_to,"
                                   "acting_for\n",
                                   kOther,
                                   ",Lê Thị Lan,chu_tich,07627,01/07/2025,,\n")});
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(left->people_removed, std::vector<std::string>{kPerson});
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(session->token.token).status()));
  EXPECT_TRUE(
      absl::IsUnauthenticated(engine_->Authenticate(token->token).status()));
  EXPECT_TRUE(engine_->Authenticate(operator_token->token).ok());
  EXPECT_TRUE(engine_->Authenticate(other_session->token.token).ok());
  EXPECT_TRUE(engine_->SignIn(kOther, "Đại Sơn 2026").ok());
  auto tokens = engine_->ListTokens(Actor::Admin("admin"));
  ASSERT_TRUE(tokens.ok());
  int revoked = 0;
  for (const TokenInfo& t : *tokens) {
    if (t.person != kPerson) continue;
    EXPECT_EQ(t.revoked_at != absl::InfinitePast(), !t.admin) << t.note;
    revoked += t.admin ? 0 : 1;
  }
  EXPECT_EQ(revoked, 2);  // the session and the token

  // A successor is given the same id: nothing of the predecessor works.
  auto successor = engine_->ImportDirectory(
      Actor::Admin("admin"),
      DirectoryImport{"nguoi_dung", "people",
                      absl::StrCat(kPeople, kOther,
                                   ",Lê Thị Lan,chu_tich,07627,01/07/2025,,\n")});
  ASSERT_TRUE(successor.ok()) << successor.status();
  EXPECT_TRUE(successor->people_removed.empty());
  EXPECT_EQ(Reason(engine_->SignIn(kPerson, "Đại Sơn 2026").status()),
            "SIGN_IN_FAILED");
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(session->token.token).status()));
  EXPECT_TRUE(
      absl::IsUnauthenticated(engine_->Authenticate(token->token).status()));
}

TEST_F(SessionTest, SigningOutEndsTheSession) {
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", false)
          .ok());
  auto one = engine_->SignIn(kPerson, "Đại Sơn 2026");
  auto two = engine_->SignIn(kPerson, "Đại Sơn 2026");
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_FALSE(one->must_change_password);
  ASSERT_TRUE(engine_->SignOut(one->token.token).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(one->token.token).status()));
  // Another sign-in of the same person goes on.
  EXPECT_TRUE(engine_->Authenticate(two->token.token).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(engine_->SignOut("wft_none")));
}

TEST_F(SessionTest, AnAccessCodeOpensASessionOfItsHolder) {
  auto code = engine_->IssueToken(Actor::Embedder(), kPerson, false,
                                  absl::ZeroDuration(), "mã truy cập");
  ASSERT_TRUE(code.ok()) << code.status();
  auto session = engine_->OpenSession(code->token);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_NE(session->token.token, code->token);
  EXPECT_EQ(engine_->Authenticate(session->token.token)->id, kPerson);
  EXPECT_EQ(session->token.expires_at, clock_.Now() + absl::Hours(12));
  // An administrator's session stays an administrator's.
  auto admin_code = engine_->IssueToken(Actor::Embedder(), "admin", true,
                                        absl::ZeroDuration(), "");
  ASSERT_TRUE(admin_code.ok()) << admin_code.status();
  auto admin = engine_->OpenSession(admin_code->token);
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(engine_->Authenticate(admin->token.token)->kind,
            Actor::Kind::kAdmin);
  EXPECT_TRUE(absl::IsUnauthenticated(engine_->OpenSession("").status()));
  // A session does not open another (it would last for ever).
  auto chained = engine_->OpenSession(session->token.token);
  EXPECT_TRUE(absl::IsInvalidArgument(chained.status())) << chained.status();
  // Revoking the code ends the session it opened, not the others.
  ASSERT_TRUE(
      engine_->RevokeToken(Actor::Embedder(), code->token_id).ok());
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(session->token.token).status()));
  EXPECT_TRUE(engine_->Authenticate(admin->token.token).ok());
}

TEST_F(SessionTest, SettingAPasswordEndsThePersonsSessions) {
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", false)
          .ok());
  auto session = engine_->SignIn(kPerson, "Đại Sơn 2026");
  ASSERT_TRUE(session.ok());
  auto code = engine_->IssueToken(Actor::Embedder(), kPerson, false,
                                  absl::ZeroDuration(), "mã truy cập");
  ASSERT_TRUE(code.ok());
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "mật khẩu bị lộ", true)
          .ok());
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->Authenticate(session->token.token).status()));
  // An access code is not a session: it stays.
  EXPECT_TRUE(engine_->Authenticate(code->token).ok());
}

TEST_F(SessionTest, APersonChangesTheirPasswordGivingTheCurrentOne) {
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", true)
          .ok());
  const Actor me = Actor::Person(kPerson);
  absl::Status wrong = engine_->ChangePassword(me, "sai rồi đấy", "mật khẩu riêng", "");
  EXPECT_TRUE(absl::IsInvalidArgument(wrong)) << wrong;
  EXPECT_EQ(ReadRefusal(wrong)->fields[0].field, "current_password");
  absl::Status same = engine_->ChangePassword(me, "Đại Sơn 2026", "Đại Sơn 2026", "");
  EXPECT_EQ(ReadRefusal(same)->fields[0].field, "new_password");
  // The same, its diacritics decomposed.
  absl::Status same_nfd = engine_->ChangePassword(
      me, "Đại Sơn 2026", "Đa\xcc\xa3i So\xcc\x9bn 2026", "");
  EXPECT_EQ(ReadRefusal(same_nfd)->fields[0].field, "new_password") << same_nfd;
  absl::Status short_one = engine_->ChangePassword(me, "Đại Sơn 2026", "ngắn", "");
  EXPECT_EQ(ReadRefusal(short_one)->fields[0].field, "new_password");
  EXPECT_EQ(ReadRefusal(short_one)->vietnamese, "Mật khẩu cần ít nhất 8 ký tự.");

  ASSERT_TRUE(engine_->ChangePassword(me, "Đại Sơn 2026", "mật khẩu riêng", "").ok());
  EXPECT_FALSE(engine_->SignIn(kPerson, "Đại Sơn 2026").ok());
  auto session = engine_->SignIn(kPerson, "mật khẩu riêng");
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_FALSE(session->must_change_password);
  EXPECT_TRUE(absl::IsInvalidArgument(
      engine_->ChangePassword(Actor::Admin("admin"), "a", "b", "")));
}

TEST_F(SessionTest, APasswordTheAdministratorSetMustBeChangedBeforeAnythingElse) {
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", true)
          .ok());
  auto first = engine_->SignIn(kPerson, "Đại Sơn 2026");
  auto second = engine_->SignIn(kPerson, "Đại Sơn 2026");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->must_change_password);
  // Anything but the change (and signing out, WhoAmI) is refused.
  absl::Status refused = engine_->Authenticate(first->token.token).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_EQ(Reason(refused), "PASSWORD_CHANGE_REQUIRED");
  EXPECT_EQ(ReadRefusal(refused)->vietnamese,
            "Mật khẩu của tài khoản này do quản trị viên đặt: hãy đổi mật "
            "khẩu trước khi làm việc khác.");
  auto before = engine_->AuthenticateBeforePasswordChange(first->token.token);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->id, kPerson);
  // A wrong current password changes nothing.
  EXPECT_FALSE(engine_->ChangePassword(*before, "sai rồi đấy", "mật khẩu riêng",
                                       first->token.token).ok());
  EXPECT_EQ(Reason(engine_->Authenticate(first->token.token).status()),
            "PASSWORD_CHANGE_REQUIRED");
  EXPECT_TRUE(engine_->AuthenticateBeforePasswordChange(second->token.token).ok());

  ASSERT_TRUE(engine_->ChangePassword(*before, "Đại Sơn 2026", "mật khẩu riêng",
                                      first->token.token).ok());
  // The session that changed it goes on, free; the other one ended.
  auto who = engine_->Authenticate(first->token.token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->id, kPerson);
  EXPECT_TRUE(absl::IsUnauthenticated(
      engine_->AuthenticateBeforePasswordChange(second->token.token).status()));
  // An access code is not a sign-in with the old password: it stays.
  auto code = engine_->IssueToken(Actor::Embedder(), kPerson, false,
                                  absl::ZeroDuration(), "mã truy cập");
  ASSERT_TRUE(code.ok());
  ASSERT_TRUE(engine_->ChangePassword(*who, "mật khẩu riêng", "mật khẩu khác",
                                      first->token.token).ok());
  EXPECT_TRUE(engine_->Authenticate(code->token).ok());
  EXPECT_TRUE(engine_->Authenticate(first->token.token).ok());
}

// A session left open cannot be used to guess the password: wrong current
// passwords count as wrong sign-ins from where they come, and lock that
// place, not the official's own.
TEST_F(SessionTest, GuessingThroughAChangeLocksThatPlaceOnly) {
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", false)
          .ok());
  const Actor me = Actor::Person(kPerson);
  for (int i = 0; i < PasswordStore::kPerLockout; ++i) {
    absl::Status wrong = engine_->ChangePassword(
        me, "đoán thử " + std::to_string(i), "mật khẩu riêng", "", "10.0.0.9");
    EXPECT_EQ(ReadRefusal(wrong)->fields[0].field, "current_password") << wrong;
  }
  // Even the right one is refused there now, as a sign-in would be.
  absl::Status locked = engine_->ChangePassword(me, "Đại Sơn 2026",
                                                "mật khẩu riêng", "", "10.0.0.9");
  EXPECT_TRUE(absl::IsResourceExhausted(locked)) << locked;
  EXPECT_EQ(Reason(locked), "SIGN_IN_LOCKED");
  EXPECT_EQ(Reason(engine_->SignIn(kPerson, "Đại Sơn 2026", "10.0.0.9").status()),
            "SIGN_IN_LOCKED");
  // From the official's own machine, both still work.
  EXPECT_TRUE(engine_->SignIn(kPerson, "Đại Sơn 2026", "10.0.0.5").ok());
  EXPECT_TRUE(engine_->ChangePassword(me, "Đại Sơn 2026", "mật khẩu riêng", "",
                                      "10.0.0.5")
                  .ok());
}

// The new password and the sessions it ends are one write: when it fails,
// the old password still signs in and the sessions go on.
TEST_F(SessionTest, AChangeThatFailsToBeWrittenChangesNothing) {
  engine_.reset();
  auto faulty =
      std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(faulty);
  StoreFaults faults{env.get()};
  options_.store.faults = &faults;
  Reopen();
  ASSERT_TRUE(
      engine_->SetPassword(Actor::Admin("admin"), kPerson, "Đại Sơn 2026", false)
          .ok());
  auto session = engine_->SignIn(kPerson, "Đại Sơn 2026");
  ASSERT_TRUE(session.ok()) << session.status();

  faulty->FailWalWrites(true);
  absl::Status failed = engine_->ChangePassword(
      Actor::Person(kPerson), "Đại Sơn 2026", "mật khẩu riêng", "");
  EXPECT_TRUE(absl::IsUnavailable(failed)) << failed;
  faulty->FailWalWrites(false);
  Reopen();
  EXPECT_TRUE(engine_->Authenticate(session->token.token).ok());
  EXPECT_FALSE(engine_->SignIn(kPerson, "mật khẩu riêng").ok());
  EXPECT_TRUE(engine_->SignIn(kPerson, "Đại Sơn 2026").ok());
  engine_.reset();
  options_.store.faults = nullptr;
}

}  // namespace
}  // namespace wf
