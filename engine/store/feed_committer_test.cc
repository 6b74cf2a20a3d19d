// Copyright the wf-engine authors. Apache-2.0.
//
// The committer numbers feed items in commit order (committer.h, "The feed").
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "engine/store/committer.h"
#include "engine/store/keys.h"
#include "engine/store/test_dirs.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

using test_dirs::TempDir;

// The feed as stored: (feed seq, value) in key order.
std::vector<std::pair<uint64_t, std::string>> ReadFeed(Store* store) {
  std::vector<std::pair<uint64_t, std::string>> out;
  auto it = store->NewIterator(Cf::kFeed);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(keys::ParseFeed(View(it->key())).value_or(0),
                     it->value().ToString());
  }
  return out;
}

absl::Status CommitTxn(Committer* committer, Txn txn) {
  absl::Notification finished;
  absl::Status result;
  committer->Commit(std::move(txn), [&](absl::Status s) {
    result = s;
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

// Many writers, many groups: the seqs are 1..n without a gap, and each
// writer's own items appear in the order it committed them.
TEST(FeedCommitterTest, SeqsIncreaseStrictlyAcrossGroups) {
  auto store = Store::Open(TempDir("feed_groups"), StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  Committer committer(store->get(), 8);  // small groups: many of them
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Txn txn;
        txn.writes().Put(Cf::kInstances, absl::StrCat(t, "/", i), "v");
        txn.AddFeed(absl::StrCat(t, "/", i, "/a"));
        txn.AddFeed(absl::StrCat(t, "/", i, "/b"));
        ASSERT_TRUE(CommitTxn(&committer, std::move(txn)).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto feed = ReadFeed(store->get());
  ASSERT_EQ(feed.size(), size_t{kThreads * kPerThread * 2});
  std::vector<int> next(kThreads, 0);
  for (size_t k = 0; k < feed.size(); ++k) {
    EXPECT_EQ(feed[k].first, k + 1);
    int t = 0;
    ASSERT_TRUE(absl::SimpleAtoi(feed[k].second.substr(0, 1), &t));
    const int i = next[t] / 2;
    const char part = next[t] % 2 == 0 ? 'a' : 'b';
    EXPECT_EQ(feed[k].second, absl::StrCat(t, "/", i, "/", std::string(1, part)));
    next[t]++;
  }
  EXPECT_GT(committer.stats().groups, 1u);
  EXPECT_EQ(committer.written_feed_seq(), feed.size());
}

// A transaction whose condition fails writes no item and takes no seq:
// the next accepted one gets the number it would have had.
TEST(FeedCommitterTest, AbortedTransactionsTakeNoSeq) {
  auto store = Store::Open(TempDir("feed_abort"), StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  Committer committer(store->get(), 64);
  Txn first;
  first.AddFeed("first");
  ASSERT_TRUE(CommitTxn(&committer, std::move(first)).ok());
  Txn aborted;
  aborted.ExpectAt(Cf::kInstances, "absent", 3);  // never at version 3
  aborted.AddFeed("aborted");
  EXPECT_TRUE(absl::IsAborted(CommitTxn(&committer, std::move(aborted))));
  Txn second;
  second.AddFeed("second");
  ASSERT_TRUE(CommitTxn(&committer, std::move(second)).ok());
  auto feed = ReadFeed(store->get());
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(feed[0], std::make_pair(uint64_t{1}, std::string("first")));
  EXPECT_EQ(feed[1], std::make_pair(uint64_t{2}, std::string("second")));
}

// The listener hears the last seq of each group that added items, after
// the group's answers.
TEST(FeedCommitterTest, TheListenerHearsCommittedSeqs) {
  auto store = Store::Open(TempDir("feed_listener"), StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  Committer committer(store->get(), 64);
  absl::Mutex mu;
  std::vector<uint64_t> heard;
  committer.OnFeedCommitted([&](uint64_t seq) {
    absl::MutexLock lock(&mu);
    heard.push_back(seq);
  });
  Txn plain;  // no feed items: not announced
  plain.writes().Put(Cf::kInstances, "x", "v");
  ASSERT_TRUE(CommitTxn(&committer, std::move(plain)).ok());
  Txn txn;
  txn.AddFeed("a");
  txn.AddFeed("b");
  ASSERT_TRUE(CommitTxn(&committer, std::move(txn)).ok());
  committer.Stop();  // the answer thread has finished
  absl::MutexLock lock(&mu);
  EXPECT_EQ(heard, std::vector<uint64_t>{2});
}

// Reopened, the numbering goes on after the last seq — also when every
// item has gone (expired), from the number kept beside the feed.
TEST(FeedCommitterTest, ReopenContinuesTheSequence) {
  const std::string dir = TempDir("feed_reopen");
  {
    auto store = Store::Open(dir, StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    Committer committer(store->get(), 64);
    for (int i = 0; i < 3; ++i) {
      Txn txn;
      txn.AddFeed(absl::StrCat("before ", i));
      ASSERT_TRUE(CommitTxn(&committer, std::move(txn)).ok());
    }
  }
  {
    auto store = Store::Open(dir, StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    Committer committer(store->get(), 64);
    EXPECT_EQ(committer.written_feed_seq(), 3u);
    Txn txn;
    txn.AddFeed("after");
    ASSERT_TRUE(CommitTxn(&committer, std::move(txn)).ok());
    auto feed = ReadFeed(store->get());
    ASSERT_EQ(feed.size(), 4u);
    EXPECT_EQ(feed.back(), std::make_pair(uint64_t{4}, std::string("after")));
    // Every item gone, as expiry would leave it.
    WriteSet drop;
    for (const auto& [seq, value] : feed) drop.Delete(Cf::kFeed, keys::Feed(seq));
    ASSERT_TRUE(committer.Commit(std::move(drop)).ok());
  }
  auto store = Store::Open(dir, StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(ReadFeed(store->get()).empty());
  Committer committer(store->get(), 64);
  EXPECT_EQ(committer.written_feed_seq(), 4u);
  Txn txn;
  txn.AddFeed("later");
  ASSERT_TRUE(CommitTxn(&committer, std::move(txn)).ok());
  EXPECT_EQ(ReadFeed(store->get()).front().first, 5u);
}

}  // namespace
}  // namespace wf
