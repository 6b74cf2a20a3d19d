// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/inbox_answers.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace wf {

InboxAnswers::InboxAnswers(size_t capacity_bytes)
    : shard_capacity_(capacity_bytes / kShards) {}

InboxAnswers::Shard& InboxAnswers::ShardOf(const std::string& key) const {
  return shards_[absl::HashOf(key) % kShards];
}

size_t InboxAnswers::SizeOf(const std::string& key, const Kept& kept) {
  return key.size() + kept.bytes.size() +
         kept.stamp.slots.size() * sizeof(kept.stamp.slots[0]) + 128;
}

std::shared_ptr<const InboxAnswers::Kept> InboxAnswers::Find(
    const std::string& key) const {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.kept.find(key);
  return it == shard.kept.end() ? nullptr : it->second;
}

void InboxAnswers::Keep(const std::string& key,
                        std::shared_ptr<const Kept> kept) {
  const size_t size = SizeOf(key, *kept);
  if (size > shard_capacity_) return;
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto [it, added] = shard.kept.try_emplace(key);
  if (!added) shard.bytes -= SizeOf(key, *it->second);
  it->second = std::move(kept);
  shard.bytes += size;
  // The new answer stays: it alone fits.
  for (auto v = shard.kept.begin();
       shard.bytes > shard_capacity_ && v != shard.kept.end();) {
    if (v->first == key) {
      ++v;
      continue;
    }
    shard.bytes -= SizeOf(v->first, *v->second);
    shard.kept.erase(v++);
  }
}

std::string InboxAnswers::KeyOf(const Actor& actor, uint32_t page_size,
                                const std::string& page_token, bool full) {
  // The id's length first: no id, whatever it holds, reads as another's.
  return absl::StrCat(static_cast<int>(actor.kind), ":", actor.id.size(), ":",
                      actor.id, ":", page_size, full ? "F:" : "B:", page_token);
}

}  // namespace wf
