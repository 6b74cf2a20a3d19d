// Copyright the wf-engine authors. Apache-2.0.
//
// Reading the feed, and waking its readers when it grows.
//
// The committer writes feed items under be64(cursor) in the "feed" column
// family, numbered in commit order (engine/store/committer.h); the step
// writers say what goes in them (step_writers.h, WriteFeed). FeedReader
// reads a bounded page after a cursor; FeedWakes calls back the readers
// waiting for an item after theirs, from its own thread, so that the
// committer's answer thread only records a number and signals.
#ifndef WF_RUNTIME_FEED_H_
#define WF_RUNTIME_FEED_H_

#include <cstdint>
#include <functional>
#include <map>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/store/committer.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "wf/types.h"

namespace wf {

class FeedReader {
 public:
  // Neither is owned; both outlive the reader.
  FeedReader(const Store* store, const Committer* committer)
      : store_(store), committer_(committer) {}

  // The page after request.after (the caller checked who asks). Looks at
  // no more than kMaxScanned items, so that a filter matching little does
  // not make one read walk the whole feed: next_after says where to go on.
  absl::StatusOr<FeedPage> Read(const FeedRequest& request) const;
  uint64_t Head() const { return committer_->written_feed_seq(); }

  static constexpr uint32_t kDefaultLimit = 100;
  static constexpr uint32_t kMaxLimit = 1000;
  static constexpr int kMaxScanned = 10000;

 private:
  absl::Status CheckCursor(uint64_t after, uint64_t head, bool after_kept,
                           const rocksdb::Iterator& first) const;

  const Store* const store_;
  const Committer* const committer_;
};

// Refuses what ReadFeed would refuse before reading: a limit over the
// maximum, an unknown kind.
absl::Status CheckFeedRequest(const FeedRequest& request);

// The item a stored record describes.
FeedItem ToFeedItem(uint64_t cursor, const store::FeedRecord& record);

class FeedWakes {
 public:
  // `committed`: the last cursor committed when the engine opened.
  explicit FeedWakes(uint64_t committed);
  // Close()s and joins the thread.
  ~FeedWakes();

  // The committer's answer thread: items up to `cursor` are committed.
  void Committed(uint64_t cursor);
  // `wake` runs once on this object's thread, once an item after `after` is
  // committed or Close() was called; never on the calling thread.
  uint64_t Add(uint64_t after, std::function<void()> wake);
  // `wake` of `id` is not called after this returns: if it is being
  // called, this waits for it to return (so never cancel a wake from
  // inside itself, nor while holding a lock the wake takes).
  void Cancel(uint64_t id);
  // Wakes every waiter; later Adds wake at once.
  void Close();

 private:
  struct Waiter {
    uint64_t after = 0;
    std::function<void()> wake;
  };
  void Loop();

  absl::Mutex mu_;
  uint64_t committed_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;  // a waiter may be due
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Waiter> waiters_ ABSL_GUARDED_BY(mu_);
  // The waiters taken off `waiters_` whose wake has not returned yet.
  absl::flat_hash_set<uint64_t> calling_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace wf

#endif  // WF_RUNTIME_FEED_H_
