#include "engine/store/keys.h"

#include "gtest/gtest.h"

namespace wf::keys {
namespace {

TEST(KeysTest, InstanceIdsSortByNumberAndRoundTrip) {
  EXPECT_EQ(InstanceId(42), "wi-000000000042");
  EXPECT_LT(InstanceId(9), InstanceId(10));
  EXPECT_LT(InstanceId(999), InstanceId(1000));
  EXPECT_EQ(ParseInstanceId(InstanceId(123456789)), 123456789u);
  EXPECT_FALSE(ParseInstanceId("wi-12").has_value());
  EXPECT_FALSE(ParseInstanceId("xx-000000000042").has_value());
  EXPECT_FALSE(ParseInstanceId("wi-00000000004a").has_value());
}

TEST(KeysTest, DefinitionVersionsSortNumerically) {
  EXPECT_LT(Definition("ke_hoach", 2), Definition("ke_hoach", 10));
  EXPECT_LT(Definition("ke_hoach", 255), Definition("ke_hoach", 256));
  // A workflow whose name extends another's never falls among its versions.
  EXPECT_GT(Definition("ke_hoach_a", 1), Definition("ke_hoach", 0xffffffff));
  std::string name;
  uint32_t version = 0;
  ASSERT_TRUE(ParseDefinition(Definition("bang_khen", 7), &name, &version));
  EXPECT_EQ(name, "bang_khen");
  EXPECT_EQ(version, 7u);
  EXPECT_FALSE(ParseDefinition("no-separator", &name, &version));
}

TEST(KeysTest, HistorySortsBySeqWithinInstance) {
  EXPECT_LT(History("wi-000000000001", 9), History("wi-000000000001", 10));
  EXPECT_LT(History("wi-000000000001", 0xffffffffffULL),
            History("wi-000000000002", 1));
  std::string key = History("wi-000000000001", 300);
  EXPECT_EQ(key.substr(0, HistoryPrefix("wi-000000000001").size()),
            HistoryPrefix("wi-000000000001"));
  EXPECT_EQ(ReadBigEndian64(key.substr(key.size() - 8)), 300u);
}

TEST(KeysTest, IndexKeysEndWithTheId) {
  EXPECT_EQ(IdFromIndexKey(ByState("ke_hoach", "du_thao", "wi-000000000005")),
            "wi-000000000005");
  EXPECT_EQ(IdFromIndexKey(ByBusinessKey("Số 05/KH-BCĐ", "wi-000000000006")),
            "wi-000000000006");
  // A state that is a prefix of another does not match the other's prefix.
  std::string key = ByState("w", "da_nop_lai", "wi-000000000001");
  EXPECT_NE(key.rfind(ByStatePrefix("w", "da_nop"), 0), 0u);
}

TEST(KeysTest, IdempotencyScopes) {
  EXPECT_NE(StartIdempotency("a", "k"), FireIdempotency("a", "k"));
  EXPECT_NE(StartIdempotency("a", "k"), StartIdempotency("b", "k"));
  EXPECT_NE(FireIdempotency("wi-000000000001", "k"),
            FireIdempotency("wi-000000000002", "k"));
}

TEST(KeysTest, AnInboxKeyNamesItsSlot) {
  // The due time's bytes hold zeros: the slot ends at the role's separator.
  const std::string key = Inbox("07627", "can_bo", 0, 1, "wi-000000000001");
  EXPECT_EQ(InboxSlotOf(key), InboxSlot("07627", "can_bo"));
  EXPECT_EQ(InboxSlotOf(InboxSlot("07627", "*")), InboxSlot("07627", "*"));
  EXPECT_EQ(InboxSlotOf(InboxUnit("07627")), "");
  EXPECT_EQ(InboxSlotOf("07627"), "");
}

}  // namespace
}  // namespace wf::keys
