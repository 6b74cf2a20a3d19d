// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/inbox_generations.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace wf {

uint32_t InboxGenerations::SlotOf(absl::string_view unit) {
  // std::hash, not absl::Hash: the same slots in every run.
  return static_cast<uint32_t>(std::hash<std::string_view>()(
                                     std::string_view(unit.data(), unit.size())) % kSlots);
}

// An inbox key starts with its unit and a NUL (keys::InboxUnit).
void InboxGenerations::WroteKey(absl::string_view key) {
  WroteUnit(key.substr(0, std::min(key.find('\0'), key.size())));
}

void InboxGenerations::WroteUnit(absl::string_view unit) {
  counts_[SlotOf(unit)].fetch_add(1, std::memory_order_acq_rel);
}

InboxStamp InboxGenerations::Begin(uint64_t directory_version,
                                   int64_t day) const {
  InboxStamp stamp;
  stamp.epoch = epoch_.load(std::memory_order_acquire);
  stamp.directory = directory_version;
  stamp.day = day;
  return stamp;
}

void InboxGenerations::Add(absl::string_view unit, InboxStamp* stamp) const {
  const uint32_t slot = SlotOf(unit);
  for (const auto& [counted, count] : stamp->units) {
    if (counted == slot) return;
  }
  stamp->units.emplace_back(slot, counts_[slot].load(std::memory_order_acquire));
}

bool InboxGenerations::Current(const InboxStamp& stamp,
                               uint64_t directory_version, int64_t day) const {
  if (stamp.directory != directory_version || stamp.day != day ||
      stamp.epoch != epoch_.load(std::memory_order_acquire)) {
    return false;
  }
  for (const auto& [slot, count] : stamp.units) {
    if (counts_[slot].load(std::memory_order_acquire) != count) return false;
  }
  return true;
}

}  // namespace wf
