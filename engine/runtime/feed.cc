// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/feed.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/runtime/refusals.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

constexpr const char* kKinds[] = {"transition", "effect", "document_issued",
                                  "document_recalled", "file_attached"};

bool Matches(const FeedRequest& request, const store::FeedRecord& record) {
  if (!request.workflow.empty() && record.workflow() != request.workflow) {
    return false;
  }
  if (!request.unit_id.empty() && record.unit_id() != request.unit_id) {
    return false;
  }
  return request.kinds.empty() ||
         std::find(request.kinds.begin(), request.kinds.end(),
                   record.kind()) != request.kinds.end();
}

}  // namespace

absl::Status CheckFeedRequest(const FeedRequest& request) {
  if (request.limit > FeedReader::kMaxLimit) {
    return ForField(absl::InvalidArgumentError(absl::StrCat(
                        "Expected a limit of at most ", FeedReader::kMaxLimit,
                        " feed items (0 for ", FeedReader::kDefaultLimit,
                        "), but got ", request.limit)),
                    "limit", reason::kInvalidField);
  }
  for (const std::string& kind : request.kinds) {
    if (std::find(std::begin(kKinds), std::end(kKinds), kind) ==
        std::end(kKinds)) {
      return ForField(absl::InvalidArgumentError(absl::StrCat(
                          "Expected feed kinds among ",
                          absl::StrJoin(kKinds, ", "), ", but got '", kind,
                          "'")),
                      "kinds", reason::kInvalidField);
    }
  }
  return absl::OkStatus();
}

FeedItem ToFeedItem(uint64_t cursor, const store::FeedRecord& record) {
  FeedItem item;
  item.cursor = cursor;
  item.kind = record.kind();
  item.instance_id = record.instance_id();
  item.workflow = record.workflow();
  item.workflow_version = record.workflow_version();
  item.unit_id = record.unit_id();
  item.parent_id = record.parent_id();
  item.seq = record.seq();
  item.event = record.event();
  item.from_state = record.from_state();
  item.to_state = record.to_state();
  item.at = absl::FromUnixMicros(record.at_micros());
  item.actor = record.actor();
  item.data_json = record.data_json();
  return item;
}

// Refuses a cursor past the head, or one whose next item has expired:
// `first` is positioned at the first item after `after`, and `after_kept`
// says item `after` itself is in the store. Cursors have no gaps, so a
// first item further on means the ones between are gone.
absl::Status FeedReader::CheckCursor(uint64_t after, uint64_t head,
                                     bool after_kept,
                                     const rocksdb::Iterator& first) const {
  const uint64_t next =
      first.Valid() ? keys::ParseFeed(View(first.key())).value_or(0) : 0;
  // The head is read before the store, and an item is readable a moment
  // before the committer counts it: a reader may hold a cursor the head
  // has not reached yet. What the store holds counts too.
  const uint64_t known =
      std::max({head, after_kept ? after : 0, next == 0 ? 0 : next - 1});
  if (after > known) return refusals::FeedCursorAhead(after, head);
  if (after == 0) return absl::OkStatus();  // from the oldest kept
  if (next == 0 && after < known && !after_kept) {
    return refusals::FeedCursorExpired(after, known);  // all expired
  }
  if (next > after + 1) return refusals::FeedCursorExpired(after, next - 1);
  return absl::OkStatus();
}

absl::StatusOr<FeedPage> FeedReader::Read(const FeedRequest& request) const {
  WF_RETURN_IF_ERROR(CheckFeedRequest(request));
  const uint32_t limit =
      request.limit == 0 ? kDefaultLimit : request.limit;
  FeedPage page;
  page.head = Head();
  page.next_after = request.after;
  auto it = store_->NewIterator(Cf::kFeed);
  it->Seek(keys::Feed(request.after));
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "reading the feed"));
  const bool after_kept =
      request.after > 0 && it->Valid() &&
      keys::ParseFeed(View(it->key())).value_or(0) == request.after;
  if (after_kept) it->Next();
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "reading the feed"));
  WF_RETURN_IF_ERROR(CheckCursor(request.after, page.head, after_kept, *it));
  int scanned = 0;
  for (; it->Valid() && page.items.size() < limit && scanned < kMaxScanned;
       it->Next(), ++scanned) {
    const uint64_t cursor = keys::ParseFeed(View(it->key())).value_or(0);
    store::FeedRecord record;
    if (!record.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return Refusal(absl::DataLossError(absl::StrCat(
                         "Expected feed item ", cursor,
                         " to read back, but it does not parse")),
                     reason::kStoredDataCorrupt);
    }
    page.next_after = cursor;
    if (Matches(request, record)) {
      page.items.push_back(ToFeedItem(cursor, record));
    }
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "reading the feed"));
  return page;
}

FeedWakes::FeedWakes(uint64_t committed)
    : committed_(committed), thread_([this] { Loop(); }) {}

FeedWakes::~FeedWakes() {
  Close();
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void FeedWakes::Committed(uint64_t cursor) {
  absl::MutexLock lock(&mu_);
  if (cursor <= committed_) return;
  committed_ = cursor;
  dirty_ = true;
}

uint64_t FeedWakes::Add(uint64_t after, std::function<void()> wake) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  waiters_[id] = Waiter{after, std::move(wake)};
  if (closed_ || after < committed_) dirty_ = true;
  return id;
}

void FeedWakes::Cancel(uint64_t id) {
  absl::MutexLock lock(&mu_);
  waiters_.erase(id);
  // The waker may be about to call it, or calling it: its owner may free
  // what the wake uses once this returns.
  auto returned = [this, id]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return !calling_.contains(id);
  };
  mu_.Await(absl::Condition(&returned));
}

void FeedWakes::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  dirty_ = true;
}

// Takes the waiters that are due and calls them outside the lock.
void FeedWakes::Loop() {
  for (;;) {
    std::vector<std::pair<uint64_t, std::function<void()>>> due;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](FeedWakes* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return w->dirty_ || w->stop_;
          },
          this));
      if (stop_ && waiters_.empty()) return;
      dirty_ = false;
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (closed_ || it->second.after < committed_) {
          due.emplace_back(it->first, std::move(it->second.wake));
          calling_.insert(it->first);
          it = waiters_.erase(it);
        } else {
          ++it;
        }
      }
      if (stop_) dirty_ = true;  // run once more: the waiters left are due
    }
    for (auto& [id, wake] : due) {
      wake();
      absl::MutexLock lock(&mu_);
      calling_.erase(id);
    }
  }
}

}  // namespace wf
