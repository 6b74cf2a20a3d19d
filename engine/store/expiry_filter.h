// Copyright the wf-engine authors. Apache-2.0.
//
// Records kept only for a while are dropped by RocksDB's compactions, not
// by a sweeper that would scan and delete them: a compaction filter sees
// every record as files are merged and leaves out the expired ones, at no
// cost beyond the compaction that runs anyway. Readers check the age too
// (a record waiting for its compaction must not answer).
//
// One filter class serves every such column family; what differs is where
// a record keeps its time, which a small function reads:
//
//   ExpiryFilter filter("wf.FeedExpiry", &FeedRecordTime, clock, window);
#ifndef WF_STORE_EXPIRY_FILTER_H_
#define WF_STORE_EXPIRY_FILTER_H_

#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "rocksdb/compaction_filter.h"
#include "wf/clock.h"

namespace wf {

// The time a stored value counts its age from, in Unix microseconds;
// nullopt for a value that does not parse (it is kept: dropping data we
// cannot read is not a filter's call).
using RecordTime = std::optional<int64_t> (*)(const rocksdb::Slice& value);

std::optional<int64_t> IdempotencyRecordTime(const rocksdb::Slice& value);
std::optional<int64_t> FeedRecordTime(const rocksdb::Slice& value);
// When a sign-in session ended (revoked, else its expiry); nullopt for any
// other token, which stays: access codes are an administrator's to revoke.
std::optional<int64_t> EndedSessionTime(const rocksdb::Slice& value);

// Drops records whose time is `window` or more before the clock's now.
// Thread-safe (RocksDB calls it from its compaction threads).
class ExpiryFilter final : public rocksdb::CompactionFilter {
 public:
  // `name` is static text; `clock` is not owned and outlives the filter.
  ExpiryFilter(const char* name, RecordTime time, const Clock* clock,
               absl::Duration window)
      : name_(name), time_(time), clock_(clock), window_(window) {}

  bool Filter(int level, const rocksdb::Slice& key,
              const rocksdb::Slice& value, std::string* new_value,
              bool* value_changed) const override;
  const char* Name() const override { return name_; }

 private:
  const char* const name_;
  const RecordTime time_;
  const Clock* const clock_;
  const absl::Duration window_;
};

}  // namespace wf

#endif  // WF_STORE_EXPIRY_FILTER_H_
