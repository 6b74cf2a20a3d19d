// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/sessions.h"

#include <thread>

#include "gtest/gtest.h"

namespace wf::console {
namespace {

using Lookup = SessionStore::Lookup;

TEST(SessionStoreTest, ASessionIsKnownByItsTokenUntilClosed) {
  SessionStore sessions(absl::Hours(1), 10);
  sessions.Open("wft_a", "chu-tich.dai-son");
  Session found;
  ASSERT_EQ(sessions.Find("wft_a", &found), Lookup::kFound);
  EXPECT_EQ(found.token, "wft_a");
  EXPECT_EQ(found.person, "chu-tich.dai-son");
  EXPECT_EQ(sessions.Find("wft_b", &found), Lookup::kUnknown);
  EXPECT_EQ(sessions.Find("", &found), Lookup::kUnknown);
  sessions.Close("wft_a");
  EXPECT_EQ(sessions.Find("wft_a", &found), Lookup::kUnknown);
}

TEST(SessionStoreTest, AnIdleSessionEndsOnceAndIsThenUnknown) {
  SessionStore sessions(absl::Milliseconds(50), 10);
  sessions.Open("t", "p");
  Session found;
  EXPECT_EQ(sessions.Find("t", &found), Lookup::kFound);
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  // Said once, so that the console ends it in the engine too.
  EXPECT_EQ(sessions.Find("t", &found), Lookup::kIdle);
  EXPECT_EQ(sessions.Find("t", &found), Lookup::kUnknown);
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(SessionStoreTest, UseKeepsASessionAlive) {
  SessionStore sessions(absl::Milliseconds(80), 10);
  sessions.Open("t", "p");
  Session found;
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ASSERT_EQ(sessions.Find("t", &found), Lookup::kFound) << i;
  }
}

// Full: the least recently used session is forgotten, not the one in use.
TEST(SessionStoreTest, AFullStoreForgetsTheLeastRecentlyUsed) {
  SessionStore sessions(absl::Hours(1), 2);
  Session found;
  sessions.Open("a", "p");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  sessions.Open("b", "p");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(sessions.Find("a", &found), Lookup::kFound);  // a used after b
  sessions.Open("c", "p");
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions.Find("a", &found), Lookup::kFound);
  EXPECT_EQ(sessions.Find("b", &found), Lookup::kUnknown);
  EXPECT_EQ(sessions.Find("c", &found), Lookup::kFound);
  // Opening a known one again replaces nothing.
  sessions.Open("c", "q");
  EXPECT_EQ(sessions.size(), 2u);
  sessions.Find("c", &found);
  EXPECT_EQ(found.person, "q");
}

}  // namespace
}  // namespace wf::console
