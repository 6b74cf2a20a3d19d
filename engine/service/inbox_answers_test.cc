// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/inbox_answers.h"

#include <string>

#include "gtest/gtest.h"

namespace wf {
namespace {

std::shared_ptr<const InboxAnswers::Kept> Answer(size_t bytes, char fill) {
  auto kept = std::make_shared<InboxAnswers::Kept>();
  kept->bytes.assign(bytes, fill);
  return kept;
}

TEST(InboxAnswersTest, KeepsAnswersByReaderAndRequest) {
  InboxAnswers answers(1 << 20);
  const Actor clerk = Actor::Person("can-bo.dai-son");
  const std::string page = InboxAnswers::KeyOf(clerk, 20, "", false);
  EXPECT_EQ(answers.Find(page), nullptr);
  answers.Keep(page, Answer(100, 'a'));
  ASSERT_NE(answers.Find(page), nullptr);
  EXPECT_EQ(answers.Find(page)->bytes, std::string(100, 'a'));
  // Another view, page, size or reader is another answer.
  EXPECT_EQ(answers.Find(InboxAnswers::KeyOf(clerk, 20, "", true)), nullptr);
  EXPECT_EQ(answers.Find(InboxAnswers::KeyOf(clerk, 20, "t", false)), nullptr);
  EXPECT_EQ(answers.Find(InboxAnswers::KeyOf(clerk, 10, "", false)), nullptr);
  EXPECT_EQ(answers.Find(InboxAnswers::KeyOf(Actor::Person("chu-tich.dai-son"),
                                             20, "", false)),
            nullptr);
  // Kept again: the newer answer replaces the older.
  answers.Keep(page, Answer(100, 'b'));
  EXPECT_EQ(answers.Find(page)->bytes, std::string(100, 'b'));
}

TEST(InboxAnswersTest, NoIdReadsAsAnothersKey) {
  // An id that holds what follows an id in a key: without the id's length
  // both would read "a:20B:x:0B:".
  EXPECT_NE(InboxAnswers::KeyOf(Actor::Person("a:20B:x"), 0, "", false),
            InboxAnswers::KeyOf(Actor::Person("a"), 20, "x:0B:", false));
}

TEST(InboxAnswersTest, StaysWithinItsCapacityAndKeepsTheNewest) {
  // 16 shards of 4 KiB: each holds at most three answers of 1 KiB.
  InboxAnswers answers(64 << 10);
  std::vector<std::string> keys;
  for (int i = 0; i < 400; ++i) {
    keys.push_back(InboxAnswers::KeyOf(
        Actor::Person("p" + std::to_string(i)), 20, "", false));
    answers.Keep(keys.back(), Answer(1024, 'x'));
    EXPECT_NE(answers.Find(keys.back()), nullptr) << i;
  }
  int kept = 0;
  for (const std::string& key : keys) kept += answers.Find(key) != nullptr;
  EXPECT_GT(kept, 0);
  EXPECT_LE(kept, 16 * 3);
}

TEST(InboxAnswersTest, ZeroCapacityKeepsNothing) {
  InboxAnswers answers(0);
  const std::string key =
      InboxAnswers::KeyOf(Actor::Person("can-bo.dai-son"), 20, "", false);
  answers.Keep(key, Answer(10, 'a'));
  EXPECT_EQ(answers.Find(key), nullptr);
}

}  // namespace
}  // namespace wf
