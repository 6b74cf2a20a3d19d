#include "engine/runtime/history.h"

#include "engine/util/sha256.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(HistoryTest, SealHashesPrevAndBody) {
  store::HistoryEventBody body;
  body.set_instance_id("wi-000000000001");
  body.set_seq(1);
  body.set_event("start");
  body.set_prev_hash(ChainAnchor("wi-000000000001"));
  store::HistoryEventRecord sealed = SealEvent(body);
  EXPECT_EQ(sealed.hash(), Sha256(body.prev_hash(), sealed.body()));
  auto opened = OpenEvent(sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->event(), "start");
  // Same body, same bytes, same hash.
  EXPECT_EQ(SealEvent(body).hash(), sealed.hash());
}

TEST(HistoryTest, AnchorsDifferPerInstance) {
  EXPECT_NE(ChainAnchor("wi-000000000001"), ChainAnchor("wi-000000000002"));
  EXPECT_EQ(ChainAnchor("wi-000000000001").size(), 32u);
}

TEST(HistoryTest, ChangesListSetAndUnsetKeys) {
  Json before = {{"a", 1}, {"b", "x"}, {"c", true}};
  Json after = {{"a", 1}, {"b", "y"}, {"d", Json::array()}};
  EXPECT_EQ(DumpJson(Changes(before, after)),
            R"({"set":{"b":"y","d":[]},"unset":["c"]})");
  EXPECT_EQ(DumpJson(Changes(after, after)), R"({"set":{},"unset":[]})");
}

TEST(HistoryTest, RandomSeedIsStablePerEvent) {
  EXPECT_EQ(RandomSeed("wi-000000000001", 2), RandomSeed("wi-000000000001", 2));
  EXPECT_NE(RandomSeed("wi-000000000001", 2), RandomSeed("wi-000000000001", 3));
}

}  // namespace
}  // namespace wf
