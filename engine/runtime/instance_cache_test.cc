// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/instance_cache.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace wf {
namespace {

InstanceCache::Record Version(uint64_t v) {
  auto record = std::make_shared<store::InstanceRecord>();
  record->set_version(v);
  return record;
}

TEST(InstanceCacheTest, KeepsWhatWasInsertedUntilItIsWritten) {
  InstanceCache cache(1 << 20);
  EXPECT_EQ(cache.Find("a"), nullptr);
  cache.Insert("a", cache.Generation("a"), Version(1), 100);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("a")->version(), 1u);
  cache.Forget("a");
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
}

// A reader that read the store before a write must not put the old record
// back after the write forgot it.
TEST(InstanceCacheTest, ARecordReadBeforeAWriteIsNotKept) {
  InstanceCache cache(1 << 20);
  const uint64_t before = cache.Generation("a");
  cache.Forget("a");  // the write lands while the reader parses
  cache.Insert("a", before, Version(1), 100);
  EXPECT_EQ(cache.Find("a"), nullptr);
  cache.Insert("a", cache.Generation("a"), Version(2), 100);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("a")->version(), 2u);
}

TEST(InstanceCacheTest, StaysWithinItsBytes) {
  InstanceCache cache(16 * 1000);  // 1,000 bytes a shard
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    cache.Insert(key, cache.Generation(key), Version(i), 300);
  }
  const InstanceCache::Stats stats = cache.stats();
  EXPECT_LE(stats.bytes, 16u * 1000);
  EXPECT_GT(stats.entries, 0u);
  EXPECT_LE(stats.entries, 16u * 3);
  // Larger than a shard: never kept.
  cache.Insert("big", cache.Generation("big"), Version(1), 2000);
  EXPECT_EQ(cache.Find("big"), nullptr);
}

// Full, a shard drops what it kept first, but not a record read since:
// the documents in motion stay while those finished go.
TEST(InstanceCacheTest, DropsTheFirstKeptUnlessReadSince) {
  InstanceCache cache(16 * 1000);  // 3 records of 300 bytes a shard
  cache.Insert("hot", cache.Generation("hot"), Version(1), 300);
  cache.Insert("cold", cache.Generation("cold"), Version(1), 300);
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    cache.Insert(key, cache.Generation(key), Version(i), 300);
    ASSERT_NE(cache.Find("hot"), nullptr) << "dropped for " << key;
  }
  EXPECT_NE(cache.Find("k999"), nullptr);
  EXPECT_EQ(cache.Find("cold"), nullptr);
  EXPECT_LE(cache.stats().bytes, 16u * 1000);
}

TEST(InstanceCacheTest, ReinsertingReplacesAndCountsOnce) {
  InstanceCache cache(1 << 20);
  cache.Insert("a", cache.Generation("a"), Version(1), 100);
  cache.Insert("a", cache.Generation("a"), Version(2), 120);
  EXPECT_EQ(cache.Find("a")->version(), 2u);
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().bytes, 120u);
}

// Parsed variables stay only with the very record they were parsed from.
TEST(InstanceCacheTest, KeepsVarsWithTheirRecordOnly) {
  InstanceCache cache(1 << 20);
  InstanceCache::Record first = Version(1);
  cache.Insert("a", cache.Generation("a"), first, 100);
  auto vars = std::make_shared<Json>(Json{{"n", 1}});
  cache.KeepVars("a", first, vars);
  EXPECT_EQ(cache.Vars("a", first), vars);
  EXPECT_EQ(cache.Vars("a", Version(1)), nullptr);  // an equal copy: not it
  cache.Forget("a");
  EXPECT_EQ(cache.Vars("a", first), nullptr);
  InstanceCache::Record second = Version(2);
  cache.Insert("a", cache.Generation("a"), second, 100);
  cache.KeepVars("a", first, vars);  // parsed from the old one: refused
  EXPECT_EQ(cache.Vars("a", second), nullptr);
}

// A step's write is kept as written, parsed variables included; a write of
// another size under the key is not that record and is only forgotten.
TEST(InstanceCacheTest, PutKeepsWhatAStepWrote) {
  InstanceCache cache(1 << 20);
  const uint64_t reader = cache.Generation("a");
  InstanceCache::Written written;
  written.record = Version(7);
  written.vars = std::make_shared<Json>(Json{{"n", 7}});
  written.stored_bytes = 50;
  cache.Put("a", written, 50);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("a")->version(), 7u);
  EXPECT_EQ(cache.Vars("a", written.record), written.vars);
  cache.Insert("a", reader, Version(6), 50);  // read before the write
  EXPECT_EQ(cache.Find("a")->version(), 7u);
  cache.Put("a", written, 51);
  EXPECT_EQ(cache.Find("a"), nullptr);
}

// A step holding the kept variables gets them to itself only when nobody
// else holds them: the cache then stops handing them out.
TEST(InstanceCacheTest, ForgetsVarsForAStepThatAloneHoldsThem) {
  InstanceCache cache(1 << 20);
  auto stored = std::make_shared<store::InstanceRecord>();
  stored->set_variables_json(R"({"n":1})");
  InstanceCache::Record record = stored;
  cache.Insert("a", cache.Generation("a"), record, 100);
  cache.KeepVars("a", record, std::make_shared<Json>(Json{{"n", 1}}));
  const size_t with_vars = cache.stats().bytes;
  std::shared_ptr<const Json> step = cache.Vars("a", record);
  std::shared_ptr<const Json> reader = cache.Vars("a", record);
  cache.ForgetVars("a", record, step);  // a reader holds them too
  EXPECT_EQ(cache.Vars("a", record), step);
  cache.ForgetVars("a", Version(1), step);  // not the record kept
  EXPECT_EQ(cache.Vars("a", record), step);
  reader.reset();
  cache.ForgetVars("a", record, step);
  EXPECT_EQ(cache.Vars("a", record), nullptr);
  EXPECT_EQ(step.use_count(), 1);
  EXPECT_LT(cache.stats().bytes, with_vars);  // their bytes given back
  ASSERT_NE(cache.Find("a"), nullptr);        // the record stays
}

}  // namespace
}  // namespace wf
