// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/expiry_filter.h"

#include "engine/store/records.pb.h"

namespace wf {

bool IdempotencyExpiry::Filter(int level, const rocksdb::Slice& key,
                               const rocksdb::Slice& value,
                               std::string* new_value,
                               bool* value_changed) const {
  store::IdempotencyRecord record;
  // A record that does not parse is kept: dropping data we cannot read is
  // not this filter's call.
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return false;
  }
  const absl::Time created = absl::FromUnixMicros(record.created_at_micros());
  return clock_->Now() - created >= window_;
}

}  // namespace wf
