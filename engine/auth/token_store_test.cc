// Copyright the wf-engine authors. Apache-2.0.
#include "engine/auth/token_store.h"

#include <memory>
#include <set>
#include <string>

#include "engine/store/store_fixture.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1768525200);

class TokenStoreTest : public test_dirs::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    tokens_ = std::make_unique<TokenStore>(store_.get(), committer_.get());
    tokens_->SetMember([this](const std::string& person) {
      return members_.count(person) > 0;
    });
  }

  std::string Issue(const std::string& person, bool admin) {
    auto issued = tokens_->Issue(person, admin, kNow, absl::InfiniteFuture(),
                                 "admin", "");
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? issued->token : "";
  }

  std::set<std::string> members_;
  std::unique_ptr<TokenStore> tokens_;
};

// A token that outlived its person's removal (issued while the import's
// write was being prepared, so its revocation scan did not see it) is
// refused all the same, from the cache or from the store; an
// administrator's token naming the same id is not, and the person's token
// works again once they are back (it was never revoked).
TEST_F(TokenStoreTest, ATokenWorksOnlyWhileItsPersonIsInTheDirectory) {
  members_ = {"chu-tich.dai-son"};
  const std::string token = Issue("chu-tich.dai-son", false);
  const std::string admin = Issue("chu-tich.dai-son", true);
  ASSERT_TRUE(tokens_->Authenticate(token, kNow).ok());  // now in the cache

  members_.clear();
  // The same store read by a second TokenStore: from disk, not the cache.
  TokenStore fresh(store_.get(), committer_.get());
  fresh.SetMember([this](const std::string& person) {
    return members_.count(person) > 0;
  });
  for (TokenStore* tokens : {tokens_.get(), &fresh}) {
    auto refused = tokens->Authenticate(token, kNow);
    ASSERT_TRUE(absl::IsUnauthenticated(refused.status())) << refused.status();
    auto details = ReadRefusal(refused.status());
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->metadata["problem"], "left_directory");
    EXPECT_NE(refused.status().message().find("chu-tich.dai-son"),
              std::string::npos)
        << refused.status();
    EXPECT_EQ(refused.status().message().find(token), std::string::npos);
  }
  EXPECT_TRUE(tokens_->Authenticate(admin, kNow).ok());
  EXPECT_TRUE(fresh.Authenticate(admin, kNow).ok());

  members_ = {"chu-tich.dai-son"};
  EXPECT_TRUE(tokens_->Authenticate(token, kNow).ok());
}

}  // namespace
}  // namespace wf
