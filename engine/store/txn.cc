// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/txn.h"

#include <utility>

#include "engine/store/records.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace wf {
namespace {

using google::protobuf::internal::WireFormatLite;

// InstanceRecord.version without parsing the whole record (it holds the
// variables, which may be large): scans the top-level fields for number 7.
uint64_t InstanceVersion(const std::string& bytes) {
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  constexpr int kVersionField = 7;
  for (;;) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return 1;  // no version field: a present record
    if (WireFormatLite::GetTagFieldNumber(tag) == kVersionField &&
        WireFormatLite::GetTagWireType(tag) ==
            WireFormatLite::WIRETYPE_VARINT) {
      uint64_t version = 0;
      if (!in.ReadVarint64(&version)) return 1;
      return version;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return 1;
  }
}

}  // namespace

uint64_t VersionOf(Cf cf, const std::optional<std::string>& value) {
  if (!value.has_value()) return 0;
  if (cf == Cf::kInstances) return InstanceVersion(*value);
  if (cf == Cf::kShared) {
    store::SharedRecord record;
    if (!record.ParseFromString(*value)) return 1;
    return record.version();
  }
  return 1;
}

void Txn::ExpectAt(Cf cf, std::string key, uint64_t version) {
  Condition c;
  c.kind = Condition::Kind::kAt;
  c.cf = cf;
  c.key = std::move(key);
  c.version = version;
  conditions_.push_back(std::move(c));
}

void Txn::ExpectBelow(std::string key, int64_t limit) {
  Condition c;
  c.kind = Condition::Kind::kBelow;
  c.cf = Cf::kShared;
  c.key = std::move(key);
  c.limit = limit;
  conditions_.push_back(std::move(c));
}

void Txn::Add(std::string key, int64_t delta) {
  deltas_.push_back({std::move(key), delta});
}

void Txn::Absorb(Txn other) {
  writes_.Append(std::move(other.writes_));
  for (Condition& c : other.conditions_) conditions_.push_back(std::move(c));
  for (Delta& d : other.deltas_) deltas_.push_back(std::move(d));
  for (std::string& f : other.feed_) feed_.push_back(std::move(f));
  for (auto& a : other.attached_) attached_.push_back(std::move(a));
}

void Txn::Attach(std::string key, std::shared_ptr<const void> object) {
  attached_.emplace_back(std::move(key), std::move(object));
}

const std::shared_ptr<const void>* Txn::Attached(absl::string_view key) const {
  for (const auto& [k, object] : attached_) {
    if (k == key) return &object;
  }
  return nullptr;
}

}  // namespace wf
