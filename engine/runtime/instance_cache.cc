// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/instance_cache.h"

#include <utility>

#include "absl/hash/hash.h"

namespace wf {

namespace {

// Parsed JSON takes about three times its text in memory.
size_t VarsBytes(const store::InstanceRecord& record) {
  return 3 * record.variables_json().size();
}

}  // namespace

InstanceCache::InstanceCache(size_t capacity_bytes)
    : shard_capacity_(capacity_bytes / kShards) {}

InstanceCache::Shard& InstanceCache::ShardOf(absl::string_view key) const {
  return shards_[absl::HashOf(key) % kShards];
}

InstanceCache::Record InstanceCache::Find(absl::string_view key) const {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) {
    shard.misses++;
    return nullptr;
  }
  shard.hits++;
  return it->second.record;
}

uint64_t InstanceCache::Generation(absl::string_view key) const {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  return shard.generation;
}

void InstanceCache::Insert(absl::string_view key, uint64_t generation,
                           Record record, size_t bytes) {
  if (bytes > shard_capacity_) return;
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  if (shard.generation != generation) return;  // written since it was read
  auto it = shard.entries.find(key);
  if (it != shard.entries.end()) {
    shard.bytes -= it->second.bytes;
    shard.entries.erase(it);
  }
  MakeRoom(shard, bytes);
  shard.entries.emplace(std::string(key), Entry{std::move(record), nullptr, bytes});
  shard.bytes += bytes;
}

// Drops entries until `bytes` more fit: whichever the table holds first,
// which is as good as any for a cache whose readers come back to the same
// few pages.
void InstanceCache::MakeRoom(Shard& shard, size_t bytes) const {
  while (!shard.entries.empty() && shard.bytes + bytes > shard_capacity_) {
    auto first = shard.entries.begin();
    shard.bytes -= first->second.bytes;
    shard.entries.erase(first);
  }
}

void InstanceCache::Forget(absl::string_view key) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  shard.generation++;
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return;
  shard.bytes -= it->second.bytes;
  shard.entries.erase(it);
}

void InstanceCache::Put(absl::string_view key, const Written& written,
                        size_t bytes) {
  if (bytes != written.stored_bytes) return Forget(key);
  if (written.vars != nullptr) bytes += VarsBytes(*written.record);
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  shard.generation++;  // a reader of the store before this write: stale
  auto it = shard.entries.find(key);
  if (it != shard.entries.end()) {
    shard.bytes -= it->second.bytes;
    shard.entries.erase(it);
  }
  if (bytes > shard_capacity_) return;
  MakeRoom(shard, bytes);
  shard.entries.emplace(std::string(key),
                        Entry{written.record, written.vars, bytes});
  shard.bytes += bytes;
}

std::shared_ptr<const Json> InstanceCache::Vars(absl::string_view key,
                                                const Record& record) const {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end() || it->second.record != record) return nullptr;
  return it->second.vars;
}

void InstanceCache::KeepVars(absl::string_view key, const Record& record,
                             std::shared_ptr<const Json> vars) {
  const size_t bytes = VarsBytes(*record);
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end() || it->second.record != record ||
      it->second.vars != nullptr ||
      shard.bytes + bytes > shard_capacity_) {
    return;
  }
  it->second.vars = std::move(vars);
  it->second.bytes += bytes;
  shard.bytes += bytes;
}

InstanceCache::Stats InstanceCache::stats() const {
  Stats total;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    total.hits += shard.hits;
    total.misses += shard.misses;
    total.entries += shard.entries.size();
    total.bytes += shard.bytes;
  }
  return total;
}

}  // namespace wf
