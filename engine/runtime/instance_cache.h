// Copyright the wf-engine authors. Apache-2.0.
//
// Parsed instance records kept in memory, so that an inbox page or a list
// does not read and parse each item's record from RocksDB (a Get and a
// parse of ~3 KB per item were a fifth of an inbox query's CPU).
//
// The committer tells the cache of every instance it writes (Forget), after
// the write is on disk and before any caller is answered: whoever was
// answered reads what they wrote. A reader that read the store before a
// write and inserts after it would put back the old record; Insert refuses
// that by comparing the shard's generation taken before the store was read
// (Generation) with the one at insertion, which every Forget moves on.
//
// When full, a shard drops its entries in the order they were kept (a write
// keeps its record anew, at the end), but gives one that was read since it
// was kept a second chance: the documents moving now stay, those finished
// go first. (Dropping whichever the hash table held first dropped a moving
// document's record before its next step about one step in nine under the
// approval load.)
#ifndef WF_RUNTIME_INSTANCE_CACHE_H_
#define WF_RUNTIME_INSTANCE_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "engine/store/records.pb.h"
#include "engine/util/json.h"

namespace wf {

class InstanceCache {
 public:
  using Record = std::shared_ptr<const store::InstanceRecord>;

  // At most about `capacity_bytes` of stored records (their encoded size);
  // 0 keeps nothing.
  explicit InstanceCache(size_t capacity_bytes);

  // The record stored under `key` (keys::Instance), or null.
  Record Find(absl::string_view key) const;
  // To take before reading `key` from the store, and give to Insert.
  uint64_t Generation(absl::string_view key) const;
  // Keeps `record` (`bytes` long as stored) unless `key` was written since
  // `generation`.
  void Insert(absl::string_view key, uint64_t generation, Record record,
              size_t bytes);
  // `key` was written: its record, if kept, is stale.
  void Forget(absl::string_view key);

  // Parsed variables are kept as objects that may change (never made
  // const), so that a step left their only holder can take them apart
  // (ForgetVars).
  using VarsPtr = std::shared_ptr<Json>;

  // What a step attaches to the instance it writes (Txn::Attach): the
  // record it wrote and its variables, parsed.
  struct Written {
    Record record;
    VarsPtr vars;
    // The record's encoded size: a write of another size under the key is
    // not this record (Put then forgets the key instead).
    size_t stored_bytes = 0;
  };
  // `key` was written with `written` (`bytes` long as stored): kept in
  // place of what was, so that the next step or list finds it parsed.
  // Called by the committer, in write order.
  void Put(absl::string_view key, const Written& written, size_t bytes);

  // The parsed variables kept with `record`, if `record` is the one kept
  // under `key`; else null.
  std::shared_ptr<const Json> Vars(absl::string_view key,
                                   const Record& record) const;
  // Keeps `vars` (parsed from `record`'s variables_json) beside `record`
  // if that is still the record kept under `key`: a step parses its
  // instance's variables once, not on every step.
  void KeepVars(absl::string_view key, const Record& record, VarsPtr vars);
  // A step about to replace `record`'s variables holds `vars` (from
  // Vars): the cache stops keeping them if it does and nobody else holds
  // them, so that the step, left their only holder, may take them apart.
  // (Nobody can come to hold them after that: the cache no longer hands
  // them out.)
  void ForgetVars(absl::string_view key, const Record& record,
                  const std::shared_ptr<const Json>& vars);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
    size_t bytes = 0;
  };
  Stats stats() const;

 private:
  static constexpr int kShards = 16;
  struct Entry {
    Record record;
    VarsPtr vars;  // null until a step parsed them
    size_t bytes = 0;                  // of both
    uint64_t kept = 0;                 // its place in the shard's `order`
    mutable bool read = false;         // since it was kept (or spared)
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Entry> entries ABSL_GUARDED_BY(mu);
    // Keys in the order kept, each with the `kept` it had then: a key kept
    // again since is further on, and its earlier place is skipped.
    std::deque<std::pair<std::string, uint64_t>> order ABSL_GUARDED_BY(mu);
    uint64_t next_kept ABSL_GUARDED_BY(mu) = 0;
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
    uint64_t generation ABSL_GUARDED_BY(mu) = 0;
    mutable uint64_t hits ABSL_GUARDED_BY(mu) = 0;
    mutable uint64_t misses ABSL_GUARDED_BY(mu) = 0;
  };

  Shard& ShardOf(absl::string_view key) const;
  // Keeps `entry` under `key` in place of what was, at the end of the
  // order, dropping what must go for it to fit.
  void Keep(Shard& shard, absl::string_view key, Entry entry) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  void MakeRoom(Shard& shard, size_t bytes) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  // Rebuilds `order` from the entries when skipped places outnumber them.
  static void Compact(Shard& shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t shard_capacity_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace wf

#endif  // WF_RUNTIME_INSTANCE_CACHE_H_
