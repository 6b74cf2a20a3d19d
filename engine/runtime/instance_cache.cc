// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/instance_cache.h"

#include <algorithm>
#include <utility>
#include <vector>

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
  it->second.read = true;
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
  Keep(shard, key, Entry{std::move(record), nullptr, bytes});
}

void InstanceCache::Keep(Shard& shard, absl::string_view key,
                         Entry entry) const {
  auto it = shard.entries.find(key);
  if (it != shard.entries.end()) {
    shard.bytes -= it->second.bytes;
    shard.entries.erase(it);
  }
  const size_t bytes = entry.bytes;
  MakeRoom(shard, bytes);
  entry.kept = ++shard.next_kept;
  shard.order.emplace_back(std::string(key), entry.kept);
  shard.entries.insert_or_assign(std::string(key), std::move(entry));
  shard.bytes += bytes;
  if (shard.order.size() > 2 * shard.entries.size() + 64) Compact(shard);
}

// Drops entries until `bytes` more fit, the first kept first; one read
// since it was kept goes to the end of the order instead, once.
void InstanceCache::MakeRoom(Shard& shard, size_t bytes) const {
  while (!shard.order.empty() && shard.bytes + bytes > shard_capacity_) {
    auto [key, kept] = std::move(shard.order.front());
    shard.order.pop_front();
    auto it = shard.entries.find(key);
    if (it == shard.entries.end() || it->second.kept != kept) continue;
    if (it->second.read) {
      it->second.read = false;
      it->second.kept = ++shard.next_kept;
      shard.order.emplace_back(std::move(key), it->second.kept);
      continue;
    }
    shard.bytes -= it->second.bytes;
    shard.entries.erase(it);
  }
}

void InstanceCache::Compact(Shard& shard) {
  std::vector<std::pair<uint64_t, const std::string*>> live;
  live.reserve(shard.entries.size());
  for (const auto& [key, entry] : shard.entries) live.emplace_back(entry.kept, &key);
  std::sort(live.begin(), live.end());
  std::deque<std::pair<std::string, uint64_t>> order;
  for (const auto& [kept, key] : live) order.emplace_back(*key, kept);
  shard.order = std::move(order);
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
  Keep(shard, key, Entry{written.record, written.vars, bytes});
}

std::shared_ptr<const Json> InstanceCache::Vars(absl::string_view key,
                                                const Record& record) const {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end() || it->second.record != record) return nullptr;
  it->second.read = true;
  return it->second.vars;
}

void InstanceCache::KeepVars(absl::string_view key, const Record& record,
                             VarsPtr vars) {
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

void InstanceCache::ForgetVars(absl::string_view key, const Record& record,
                               const std::shared_ptr<const Json>& vars) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end() || it->second.record != record ||
      it->second.vars != vars || vars.use_count() != 2) {
    return;  // not kept, or held by others than the cache and the step
  }
  it->second.vars.reset();
  const size_t bytes = VarsBytes(*record);
  it->second.bytes -= bytes;
  shard.bytes -= bytes;
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
