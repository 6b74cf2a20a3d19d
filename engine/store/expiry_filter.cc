// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/expiry_filter.h"

#include "engine/store/records.pb.h"

namespace wf {

std::optional<int64_t> IdempotencyRecordTime(const rocksdb::Slice& value) {
  store::IdempotencyRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return std::nullopt;
  }
  return record.created_at_micros();
}

std::optional<int64_t> FeedRecordTime(const rocksdb::Slice& value) {
  store::FeedRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return std::nullopt;
  }
  return record.at_micros();
}

std::optional<int64_t> EndedSessionTime(const rocksdb::Slice& value) {
  store::TokenRecord record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
      !record.session()) {
    return std::nullopt;
  }
  if (record.revoked_at_micros() != 0) return record.revoked_at_micros();
  if (record.expires_at_micros() != 0) return record.expires_at_micros();
  return std::nullopt;
}

bool ExpiryFilter::Filter(int level, const rocksdb::Slice& key,
                          const rocksdb::Slice& value, std::string* new_value,
                          bool* value_changed) const {
  const std::optional<int64_t> micros = time_(value);
  if (!micros.has_value()) return false;
  return clock_->Now() - absl::FromUnixMicros(*micros) >= window_;
}

}  // namespace wf
