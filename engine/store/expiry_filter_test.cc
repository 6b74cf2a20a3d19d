// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/expiry_filter.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "wf/clock.h"

namespace wf {
namespace {

std::string Record(absl::Time created) {
  store::IdempotencyRecord record;
  record.set_instance_id("wi-000000000001");
  record.set_seq(1);
  record.set_created_at_micros(absl::ToUnixMicros(created));
  return record.SerializeAsString();
}

// A fresh folder for a test's store, named after it.
std::string FreshDir(const std::string& name) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           absl::StrCat(name, "_", ::getpid()))
                              .string();
  std::filesystem::remove_all(dir);
  return dir;
}

// Expired idempotency records leave the database at its next compaction;
// live ones, other families and records that do not parse stay.
TEST(ExpiryFilterTest, CompactionDropsExpiredIdempotencyRecords) {
  const std::string dir = FreshDir("wf_expiry_test");
  const absl::Time start = absl::FromUnixSeconds(1768525200);
  ManualClock clock(start);
  StoreExpiry expiry{&clock, absl::Hours(24 * 7)};
  auto store = Store::Open(dir, StoreOptions(), expiry);
  ASSERT_TRUE(store.ok()) << store.status();
  WriteSet set;
  const std::string old_key("s\0a\0old", 7), new_key("s\0a\0new", 7);
  set.Put(Cf::kIdempotency, old_key, Record(start));
  set.Put(Cf::kIdempotency, new_key, Record(start + absl::Hours(24 * 3)));
  set.Put(Cf::kIdempotency, "junk", "not a record \xff");
  set.Put(Cf::kInstances, "old-instance", Record(start));
  rocksdb::WriteBatch batch;
  (*store)->AppendTo(set, &batch);
  ASSERT_TRUE((*store)->WriteSynced(&batch).ok());

  clock.Advance(absl::Hours(24 * 8));  // the first is 8 days old, the second 5
  // Before a compaction the expired record is still stored (readers check
  // its age themselves).
  EXPECT_TRUE((*store)->Get(Cf::kIdempotency, old_key)->has_value());
  ASSERT_TRUE((*store)->Compact(Cf::kIdempotency).ok());
  ASSERT_TRUE((*store)->Compact(Cf::kInstances).ok());

  EXPECT_FALSE((*store)->Get(Cf::kIdempotency, old_key)->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kIdempotency, new_key)->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kIdempotency, "junk")->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kInstances, "old-instance")->has_value());
  store->reset();
  std::filesystem::remove_all(dir);
}

// Feed items go by the time of their event, with the same filter class.
TEST(ExpiryFilterTest, CompactionDropsExpiredFeedItems) {
  const std::string dir = FreshDir("wf_feed_expiry_test");
  const absl::Time start = absl::FromUnixSeconds(1768525200);
  ManualClock clock(start);
  StoreExpiry expiry{&clock, absl::InfiniteDuration(), absl::Hours(24 * 30)};
  auto store = Store::Open(dir, StoreOptions(), expiry);
  ASSERT_TRUE(store.ok()) << store.status();
  auto item = [](absl::Time at) {
    store::FeedRecord record;
    record.set_kind("transition");
    record.set_at_micros(absl::ToUnixMicros(at));
    return record.SerializeAsString();
  };
  WriteSet set;
  set.Put(Cf::kFeed, "old", item(start));
  set.Put(Cf::kFeed, "new", item(start + absl::Hours(24 * 10)));
  set.Put(Cf::kIdempotency, "idem", Record(start));  // no idempotency window
  rocksdb::WriteBatch batch;
  (*store)->AppendTo(set, &batch);
  ASSERT_TRUE((*store)->WriteSynced(&batch).ok());
  clock.Advance(absl::Hours(24 * 31));
  ASSERT_TRUE((*store)->Compact(Cf::kFeed).ok());
  ASSERT_TRUE((*store)->Compact(Cf::kIdempotency).ok());
  EXPECT_FALSE((*store)->Get(Cf::kFeed, "old")->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kFeed, "new")->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kIdempotency, "idem")->has_value());
  store->reset();
  std::filesystem::remove_all(dir);
}

// Sign-in sessions go 30 days after they ended (revoked or expired); access
// codes, revoked or not, and sessions still open stay.
TEST(ExpiryFilterTest, CompactionDropsSessionsLongEnded) {
  const std::string dir = FreshDir("wf_session_expiry_test");
  const absl::Time start = absl::FromUnixSeconds(1768525200);
  ManualClock clock(start);
  StoreExpiry expiry{&clock, absl::InfiniteDuration(), absl::InfiniteDuration(),
                     absl::Hours(24 * 30)};
  auto store = Store::Open(dir, StoreOptions(), expiry);
  ASSERT_TRUE(store.ok()) << store.status();
  auto token = [&](bool session, absl::Time expires, absl::Time revoked) {
    store::TokenRecord record;
    record.set_person_id("chu-tich.dai-son");
    record.set_session(session);
    record.set_issued_at_micros(absl::ToUnixMicros(start));
    record.set_expires_at_micros(absl::ToUnixMicros(expires));
    if (revoked != absl::InfinitePast()) {
      record.set_revoked_at_micros(absl::ToUnixMicros(revoked));
    }
    return record.SerializeAsString();
  };
  const absl::Time never = absl::InfinitePast();
  const absl::Duration day = absl::Hours(24);
  WriteSet set;
  // Signed out at once, though it would have lasted 12 hours.
  set.Put(Cf::kTokens, "signed-out", token(true, start + absl::Hours(12), start));
  set.Put(Cf::kTokens, "expired", token(true, start + absl::Hours(12), never));
  // Revoked 20 days in: ended 11 days before the compaction.
  set.Put(Cf::kTokens, "revoked-late",
          token(true, start + 60 * day, start + 20 * day));
  set.Put(Cf::kTokens, "open", token(true, start + 60 * day, never));
  set.Put(Cf::kTokens, "code-revoked", token(false, start + day, start));
  rocksdb::WriteBatch batch;
  (*store)->AppendTo(set, &batch);
  ASSERT_TRUE((*store)->WriteSynced(&batch).ok());
  clock.Advance(31 * day);
  ASSERT_TRUE((*store)->Compact(Cf::kTokens).ok());
  EXPECT_FALSE((*store)->Get(Cf::kTokens, "signed-out")->has_value());
  EXPECT_FALSE((*store)->Get(Cf::kTokens, "expired")->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kTokens, "revoked-late")->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kTokens, "open")->has_value());
  EXPECT_TRUE((*store)->Get(Cf::kTokens, "code-revoked")->has_value());
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wf
