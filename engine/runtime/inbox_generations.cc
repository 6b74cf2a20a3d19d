// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/inbox_generations.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace wf {

uint32_t InboxGenerations::CounterOf(absl::string_view slot) {
  // std::hash, not absl::Hash: the same counters in every run.
  return static_cast<uint32_t>(
      std::hash<std::string_view>()(std::string_view(slot.data(), slot.size())) %
      kSlots);
}

// An inbox key starts with its slot: the unit, a NUL, the role, a NUL
// (keys::InboxSlot).
void InboxGenerations::WroteKey(absl::string_view key) {
  const size_t unit_end = key.find('\0');
  const size_t role_end =
      unit_end == absl::string_view::npos ? unit_end : key.find('\0', unit_end + 1);
  const absl::string_view slot =
      role_end == absl::string_view::npos ? key : key.substr(0, role_end + 1);
  counts_[CounterOf(slot)].fetch_add(1, std::memory_order_acq_rel);
}

InboxStamp InboxGenerations::Begin(uint64_t directory_version,
                                   int64_t day) const {
  InboxStamp stamp;
  stamp.epoch = epoch_.load(std::memory_order_acquire);
  stamp.directory = directory_version;
  stamp.day = day;
  return stamp;
}

void InboxGenerations::Add(absl::string_view prefix, InboxStamp* stamp) const {
  const uint32_t counter = CounterOf(prefix);
  for (const auto& [counted, count] : stamp->slots) {
    if (counted == counter) return;
  }
  stamp->slots.emplace_back(counter,
                            counts_[counter].load(std::memory_order_acquire));
}

bool InboxGenerations::Current(const InboxStamp& stamp,
                               uint64_t directory_version, int64_t day) const {
  if (stamp.directory != directory_version || stamp.day != day ||
      stamp.epoch != epoch_.load(std::memory_order_acquire)) {
    return false;
  }
  for (const auto& [counter, count] : stamp.slots) {
    if (counts_[counter].load(std::memory_order_acquire) != count) return false;
  }
  return true;
}

}  // namespace wf
