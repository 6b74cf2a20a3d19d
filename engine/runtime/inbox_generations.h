// Copyright the wf-engine authors. Apache-2.0.
//
// A count of the writes to each inbox slot (a unit and a role: the keys
// under keys::InboxSlot), so that a reader can tell whether an inbox page it
// read is still what the store holds without reading it again (InboxStamp,
// Engine::InboxCurrent). A page shows only what is listed in the slots its
// reader reads, so a step that moves a document from the clerk's slot to
// the chairman's leaves the vice-chairman's page kept.
//
// The committer moves the counts once a group is on disk and after the read
// cache holds its records, before anyone is answered: a reader takes its
// stamp before reading, so a write that lands while it reads leaves the
// stamp behind, and the page is read again next time. Counting is by a
// hash of the slot into a fixed table: two slots that share a counter only
// make each other's pages look changed.
#ifndef WF_RUNTIME_INBOX_GENERATIONS_H_
#define WF_RUNTIME_INBOX_GENERATIONS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "wf/types.h"

namespace wf {

class InboxGenerations {
 public:
  // A write added or removed `key` (keys::Inbox) in Cf::kInbox, or changed
  // the instance listed under it.
  void WroteKey(absl::string_view key);
  // A write the engine cannot place: every page looks changed.
  void WroteUnknown() { epoch_.fetch_add(1, std::memory_order_acq_rel); }

  // Begins a stamp: the epoch, the directory's version and the day.
  InboxStamp Begin(uint64_t directory_version, int64_t day) const;
  // Adds the count of the slot `prefix` (keys::InboxSlot) to `stamp`, once.
  void Add(absl::string_view prefix, InboxStamp* stamp) const;
  // Whether nothing `stamp` counted has moved since it was taken, with the
  // directory at `directory_version` and the day `day`.
  bool Current(const InboxStamp& stamp, uint64_t directory_version,
               int64_t day) const;

 private:
  static constexpr size_t kSlots = 4096;
  static uint32_t CounterOf(absl::string_view slot);

  std::atomic<uint64_t> epoch_{0};
  std::array<std::atomic<uint64_t>, kSlots> counts_{};
};

}  // namespace wf

#endif  // WF_RUNTIME_INBOX_GENERATIONS_H_
