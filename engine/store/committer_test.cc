#include "engine/store/committer.h"

#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/faulty_file_system.h"
#include "engine/store/test_dirs.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"

namespace wf {
namespace {

using test_dirs::TempDir;

TEST(CommitterTest, CommittedWritesAreReadableAndSurviveReopen) {
  std::string dir = TempDir("commit");
  {
    auto store = Store::Open(dir, StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    Committer committer(store->get(), 64);
    WriteSet set;
    set.Put(Cf::kInstances, "a", "1");
    set.Put(Cf::kHistory, "a\0h", "2");
    ASSERT_TRUE(committer.Commit(std::move(set)).ok());
    auto got = (*store)->Get(Cf::kInstances, "a");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->value_or(""), "1");
  }
  auto store = Store::Open(dir, StoreOptions());
  ASSERT_TRUE(store.ok());
  auto got = (*store)->Get(Cf::kInstances, "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or(""), "1");
  EXPECT_FALSE((*store)->Get(Cf::kInstances, "b")->has_value());
}

TEST(CommitterTest, ConcurrentWritersShareSyncs) {
  std::string dir = TempDir("group");
  auto store = Store::Open(dir, StoreOptions());
  ASSERT_TRUE(store.ok());
  Committer committer(store->get(), 512);
  constexpr int kThreads = 16, kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        WriteSet set;
        set.Put(Cf::kInstances, absl::StrCat(t, "/", i), "v");
        if (!committer.Commit(std::move(set)).ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Committer::Stats stats = committer.stats();
  EXPECT_EQ(stats.sets, static_cast<uint64_t>(kThreads * kPerThread));
  // 16 writers waiting on each other's fsyncs must have shared some.
  EXPECT_LT(stats.groups, stats.sets);
  auto it = (*store)->NewIterator(Cf::kInstances);
  int count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) count++;
  EXPECT_EQ(count, kThreads * kPerThread);
}

TEST(CommitterTest, FailedWriteMakesTheStoreRefuseWritesButServeReads) {
  std::string dir = TempDir("faulty");
  auto faulty =
      std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(faulty);
  StoreOptions options;
  StoreFaults faults{env.get()};
  options.faults = &faults;
  {
    auto store = Store::Open(dir, options);
    ASSERT_TRUE(store.ok()) << store.status();
    Committer committer(store->get(), 64);
    WriteSet before;
    before.Put(Cf::kInstances, "acked", "yes");
    ASSERT_TRUE(committer.Commit(std::move(before)).ok());

    faulty->FailWalWrites(true);
    WriteSet during;
    during.Put(Cf::kInstances, "lost", "?");
    absl::Status s = committer.Commit(std::move(during));
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
    EXPECT_NE(s.message().find("refuses writes"), std::string::npos);

    // The disk is healthy again, but the state is unknown: keep refusing.
    faulty->FailWalWrites(false);
    WriteSet after;
    after.Put(Cf::kInstances, "after", "x");
    EXPECT_EQ(committer.Commit(std::move(after)).code(),
              absl::StatusCode::kUnavailable);
    EXPECT_FALSE(committer.health().ok());

    // Reads carry on.
    auto got = (*store)->Get(Cf::kInstances, "acked");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->value_or(""), "yes");
  }
  // After a restart the acknowledged write is there.
  auto store = Store::Open(dir, options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get(Cf::kInstances, "acked")->value_or(""), "yes");
  EXPECT_FALSE((*store)->Get(Cf::kInstances, "after")->has_value());
}

TEST(CommitterTest, StopAnswersEverythingQueuedOnceInCommitOrder) {
  std::string dir = TempDir("drain");
  auto store = Store::Open(dir, StoreOptions());
  ASSERT_TRUE(store.ok());
  constexpr int kSets = 500;
  std::vector<int> answered;  // only the answer thread appends
  std::atomic<int> not_ok{0};
  {
    Committer committer(store->get(), 16);
    for (int i = 0; i < kSets; ++i) {
      WriteSet set;
      set.Put(Cf::kInstances, absl::StrCat("k", i), "v");
      committer.Submit(std::move(set), [&, i](absl::Status s) {
        if (!s.ok()) not_ok++;
        // Answered only once its write is readable.
        if (!(*store)->Get(Cf::kInstances, absl::StrCat("k", i))->has_value()) {
          not_ok++;
        }
        answered.push_back(i);
      });
    }
    committer.Stop();  // returns after every queued set is answered
    ASSERT_EQ(answered.size(), static_cast<size_t>(kSets));
  }
  EXPECT_EQ(not_ok.load(), 0);
  for (int i = 0; i < kSets; ++i) EXPECT_EQ(answered[i], i);
}

TEST(CommitterTest, SubmitAfterStopIsRefused) {
  std::string dir = TempDir("stop");
  auto store = Store::Open(dir, StoreOptions());
  ASSERT_TRUE(store.ok());
  Committer committer(store->get(), 8);
  committer.Stop();
  WriteSet set;
  set.Put(Cf::kInstances, "x", "y");
  EXPECT_EQ(committer.Commit(std::move(set)).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wf
