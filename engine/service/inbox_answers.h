// Copyright the wf-engine authors. Apache-2.0.
//
// Inbox answers kept as they were sent. Officials reopen the same inbox
// page far more often than it changes, and a page costs 20 records read,
// their events checked against the reader's roles, and ~8 KB encoded: a
// kept answer is sent again, encoded, while Engine::InboxCurrent says the
// page it was read from is still what the store holds (InboxStamp).
//
// Keyed by the reader and the request; bounded in bytes, 16 shards, each
// dropping entries in no particular order when full (a dropped answer is
// only read again).
#ifndef WF_SERVICE_INBOX_ANSWERS_H_
#define WF_SERVICE_INBOX_ANSWERS_H_

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "wf/types.h"

namespace wf {

class InboxAnswers {
 public:
  struct Kept {
    InboxStamp stamp;
    std::string bytes;  // the encoded GetInboxResponse
  };

  // At most about `capacity_bytes` of answers; 0 keeps none.
  explicit InboxAnswers(size_t capacity_bytes);

  // The answer kept under `key`, current or not; null if none.
  std::shared_ptr<const Kept> Find(const std::string& key) const;
  void Keep(const std::string& key, std::shared_ptr<const Kept> kept);

  // The key of `actor` asking for a page: its size, token and view.
  static std::string KeyOf(const Actor& actor, uint32_t page_size,
                           const std::string& page_token, bool full);

 private:
  static constexpr int kShards = 16;
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, std::shared_ptr<const Kept>> kept
        ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };
  static size_t SizeOf(const std::string& key, const Kept& kept);
  Shard& ShardOf(const std::string& key) const;

  const size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace wf

#endif  // WF_SERVICE_INBOX_ANSWERS_H_
