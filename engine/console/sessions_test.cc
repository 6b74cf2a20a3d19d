// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/sessions.h"

#include <set>
#include <thread>

#include "gtest/gtest.h"

namespace wf::console {
namespace {

TEST(SessionStoreTest, ASessionKeepsItsCodeUntilClosed) {
  SessionStore sessions(absl::Hours(1), 10);
  const std::string id = sessions.Open("token-a", "chu-tich.dai-son");
  EXPECT_EQ(id.size(), 64u);
  auto found = sessions.Find(id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->token, "token-a");
  EXPECT_EQ(found->person, "chu-tich.dai-son");
  EXPECT_FALSE(sessions.Find("token-a").has_value());
  EXPECT_FALSE(sessions.Find("").has_value());
  sessions.Close(id);
  EXPECT_FALSE(sessions.Find(id).has_value());
}

TEST(SessionStoreTest, IdsAreNotRepeated) {
  SessionStore sessions(absl::Hours(1), 1000);
  std::set<std::string> ids;
  for (int i = 0; i < 500; ++i) ids.insert(sessions.Open("t", "p"));
  EXPECT_EQ(ids.size(), 500u);
}

TEST(SessionStoreTest, AnIdleSessionEnds) {
  SessionStore sessions(absl::Milliseconds(50), 10);
  const std::string id = sessions.Open("t", "p");
  EXPECT_TRUE(sessions.Find(id).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_FALSE(sessions.Find(id).has_value());
  EXPECT_EQ(sessions.size(), 0u);
}

// Full: the least recently used session ends, not the one in use.
TEST(SessionStoreTest, AFullStoreEndsTheLeastRecentlyUsed) {
  SessionStore sessions(absl::Hours(1), 2);
  const std::string a = sessions.Open("a", "p");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string b = sessions.Open("b", "p");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(sessions.Find(a).has_value());  // a used after b
  const std::string c = sessions.Open("c", "p");
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_TRUE(sessions.Find(a).has_value());
  EXPECT_FALSE(sessions.Find(b).has_value());
  EXPECT_TRUE(sessions.Find(c).has_value());
}

}  // namespace
}  // namespace wf::console
