// Copyright the wf-engine authors. Apache-2.0.
//
// Records kept only for a while are dropped by RocksDB's compactions, not
// by a sweeper that would scan and delete them: a compaction filter sees
// every record as files are merged and leaves out the expired ones, at no
// cost beyond the compaction that runs anyway. Readers check the age too
// (a record waiting for its compaction must not answer).
#ifndef WF_STORE_EXPIRY_FILTER_H_
#define WF_STORE_EXPIRY_FILTER_H_

#include "absl/time/time.h"
#include "rocksdb/compaction_filter.h"
#include "wf/clock.h"

namespace wf {

// Drops IdempotencyRecords created more than `window` before the clock's
// now. Thread-safe (RocksDB calls it from its compaction threads).
class IdempotencyExpiry final : public rocksdb::CompactionFilter {
 public:
  IdempotencyExpiry(const Clock* clock, absl::Duration window)
      : clock_(clock), window_(window) {}

  bool Filter(int level, const rocksdb::Slice& key,
              const rocksdb::Slice& value, std::string* new_value,
              bool* value_changed) const override;
  const char* Name() const override { return "wf.IdempotencyExpiry"; }

 private:
  const Clock* const clock_;
  const absl::Duration window_;
};

}  // namespace wf

#endif  // WF_STORE_EXPIRY_FILTER_H_
