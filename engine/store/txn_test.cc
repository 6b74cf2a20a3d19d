// The transaction interface on the RocksDB store: conditions checked in
// commit order, counter additions, reads that see accepted transactions.
#include "engine/store/txn.h"

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/store/committer.h"
#include "engine/store/faulty_file_system.h"
#include "engine/store/records.pb.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"

namespace wf {
namespace {

class TxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("wf_txn_", ::getpid(), "_",
                         ::testing::UnitTest::GetInstance()
                             ->current_test_info()
                             ->name()))
               .string();
    std::filesystem::remove_all(dir_);
    auto store = Store::Open(dir_, StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    committer_ = std::make_unique<Committer>(store_.get(), 512);
  }
  void TearDown() override {
    committer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::Status Commit(Txn txn) {
    absl::Notification done;
    absl::Status result;
    committer_->Commit(std::move(txn), [&](absl::Status s) {
      result = s;
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  store::SharedRecord Shared(const std::string& key) {
    auto read = committer_->Read(Cf::kShared, key);
    EXPECT_TRUE(read.ok()) << read.status();
    store::SharedRecord record;
    if (read.ok() && read->value.has_value()) {
      record.ParseFromString(*read->value);
    }
    return record;
  }

  // A put of a shared counter at `version` with `count`.
  static std::string Counter(uint64_t version, int64_t count) {
    store::SharedRecord record;
    record.set_version(version);
    record.set_count(count);
    return record.SerializeAsString();
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Committer> committer_;
};

TEST_F(TxnTest, AFailedConditionAbortsAndWritesNothing) {
  Txn first;
  first.ExpectAt(Cf::kShared, "c", 0);
  first.writes().Put(Cf::kShared, "c", Counter(1, 1));
  ASSERT_TRUE(Commit(std::move(first)).ok());

  Txn stale;  // read "c" before the first one committed
  stale.ExpectAt(Cf::kShared, "c", 0);
  stale.writes().Put(Cf::kShared, "c", Counter(1, 1));
  stale.writes().Put(Cf::kInstances, "other", "x");
  absl::Status s = Commit(std::move(stale));
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_NE(s.message().find("at version 0"), std::string::npos) << s;
  EXPECT_FALSE(store_->Get(Cf::kInstances, "other")->has_value());
  EXPECT_EQ(committer_->stats().aborted, 1u);
  EXPECT_EQ(committer_->Read(Cf::kShared, "c")->version, 1u);
}

// Two transactions that read the same version, submitted back to back (the
// same group or not): exactly one commits.
TEST_F(TxnTest, OfTwoRacingTransactionsOneCommits) {
  for (int round = 0; round < 50; ++round) {
    const std::string key = absl::StrCat("k", round);
    std::atomic<int> ok{0}, aborted{0};
    absl::Notification both;
    std::atomic<int> answered{0};
    for (int i = 0; i < 2; ++i) {
      Txn txn;
      txn.ExpectAt(Cf::kShared, key, 0);
      txn.writes().Put(Cf::kShared, key, Counter(1, i));
      committer_->Commit(std::move(txn), [&](absl::Status s) {
        (s.ok() ? ok : aborted)++;
        if (++answered == 2) both.Notify();
      });
    }
    both.WaitForNotification();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(aborted.load(), 1);
  }
}

// Read answers what the store has accepted, before the disk has it: with
// the WAL sync held, the write is in neither the log nor the memtable, so
// only the pending table can answer its version.
TEST_F(TxnTest, ReadSeesAcceptedTransactions) {
  committer_.reset();
  store_.reset();
  auto disk = std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(disk);
  StoreFaults faults{env.get()};
  StoreOptions options;
  options.faults = &faults;
  auto store = Store::Open(dir_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
  committer_ = std::make_unique<Committer>(store_.get(), 512);

  disk->HoldWalSyncs(true);
  absl::Notification synced;
  Txn txn;
  txn.writes().Put(Cf::kShared, "n", Counter(4, 40));
  committer_->Commit(std::move(txn), [&](absl::Status) { synced.Notify(); });
  absl::SleepFor(absl::Milliseconds(50));  // the committer is in the sync
  EXPECT_FALSE(synced.HasBeenNotified());
  EXPECT_FALSE(store_->Get(Cf::kShared, "n")->has_value());
  auto read = committer_->Read(Cf::kShared, "n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->version, 4u);
  disk->HoldWalSyncs(false);
  synced.WaitForNotification();
  EXPECT_EQ(committer_->Read(Cf::kShared, "n")->version, 4u);
  EXPECT_TRUE(store_->Get(Cf::kShared, "n")->has_value());
  committer_.reset();
  store_.reset();
}

// The store-level form of the register: 64 threads read the counter, add
// one on condition that it has not moved, and retry when it has. The
// counter ends exactly at the number of acknowledged increments.
TEST_F(TxnTest, SixtyFourThreadsIncrementOneCounterExactly) {
  constexpr int kThreads = 64, kTotal = 10'000;
  std::atomic<int> next{0}, acked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (next.fetch_add(1) < kTotal) {
        for (;;) {
          auto read = committer_->Read(Cf::kShared, "register");
          ASSERT_TRUE(read.ok());
          store::SharedRecord record;
          if (read->value) record.ParseFromString(*read->value);
          Txn txn;
          txn.ExpectAt(Cf::kShared, "register", read->version);
          txn.writes().Put(Cf::kShared, "register",
                           Counter(read->version + 1, record.count() + 1));
          absl::Status s = Commit(std::move(txn));
          if (s.ok()) {
            acked++;
            break;
          }
          ASSERT_EQ(s.code(), absl::StatusCode::kAborted) << s;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acked.load(), kTotal);
  EXPECT_EQ(Shared("register").count(), kTotal);
  EXPECT_EQ(Shared("register").version(), static_cast<uint64_t>(kTotal));
}

// Additions commute: none aborts another, and the limit holds exactly.
TEST_F(TxnTest, AdditionsBelowALimitNeverPassIt) {
  constexpr int kThreads = 16, kEach = 20, kLimit = 100;
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        Txn txn;
        txn.ExpectBelow("quota", kLimit);
        txn.Add("quota", 1);
        absl::Status s = Commit(std::move(txn));
        (s.ok() ? ok : aborted)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kLimit);
  EXPECT_EQ(aborted.load(), kThreads * kEach - kLimit);
  EXPECT_EQ(Shared("quota").count(), kLimit);
}

TEST_F(TxnTest, AnInstanceVersionIsReadWithoutParsingTheRecord) {
  store::InstanceRecord record;
  record.set_id("wi-000000000001");
  record.set_variables_json(std::string(5000, 'x'));
  record.set_version(7);
  record.set_state("mo");
  EXPECT_EQ(VersionOf(Cf::kInstances, record.SerializeAsString()), 7u);
  EXPECT_EQ(VersionOf(Cf::kInstances, std::nullopt), 0u);
  EXPECT_EQ(VersionOf(Cf::kIndexes, std::string()), 1u);

  Txn first;
  first.ExpectAt(Cf::kInstances, "wi-000000000001", 0);
  first.writes().Put(Cf::kInstances, "wi-000000000001",
                     record.SerializeAsString());
  ASSERT_TRUE(Commit(std::move(first)).ok());
  Txn stale;
  stale.ExpectAt(Cf::kInstances, "wi-000000000001", 6);
  EXPECT_TRUE(absl::IsAborted(Commit(std::move(stale))));
  Txn fresh;
  fresh.ExpectAt(Cf::kInstances, "wi-000000000001", 7);
  EXPECT_TRUE(Commit(std::move(fresh)).ok());
}

}  // namespace
}  // namespace wf
