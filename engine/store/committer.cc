// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/committer.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

// A key of a group's state: column family and key.
std::string Slot(Cf cf, absl::string_view key) {
  return absl::StrCat(static_cast<int>(cf), ":", key);
}

}  // namespace

Committer::Committer(Store* store, int max_group_size, Metrics* metrics)
    : store_(store),
      max_group_size_(max_group_size > 0 ? max_group_size : 1),
      metrics_(metrics),
      failed_(RecoverFeedSeq(store, &feed_seq_)),
      answer_thread_([this] { AnswerLoop(); }),
      thread_([this] { Loop(); }) {
  written_feed_seq_.store(feed_seq_);  // nothing commits before we return
}

Committer::~Committer() { Stop(); }

// The last feed seq given: the feed's last key, or the number kept beside
// it (keys::kFeedLastSeq) once every item has expired, whichever is higher.
absl::Status Committer::RecoverFeedSeq(Store* store, uint64_t* seq) {
  auto it = store->NewIterator(Cf::kFeed);
  it->SeekToLast();
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding the last feed item"));
  uint64_t last = 0;
  if (it->Valid()) last = keys::ParseFeed(View(it->key())).value_or(0);
  WF_ASSIGN_OR_RETURN(std::optional<std::string> kept,
                      store->Get(Cf::kDefault, keys::kFeedLastSeq));
  if (kept.has_value() && kept->size() == 8) {
    last = std::max(last, keys::ReadBigEndian64(*kept));
  }
  *seq = last;
  return absl::OkStatus();
}

void Committer::OnFeedCommitted(std::function<void(uint64_t)> listener) {
  absl::MutexLock lock(&answers_mu_);
  feed_listener_ = std::move(listener);
}

void Committer::OnInstanceWritten(InstanceListener listener) {
  instance_listener_ = std::move(listener);
}

void Committer::OnInboxRemoved(
    std::function<void(absl::string_view key)> listener) {
  inbox_listener_ = std::move(listener);
}

void Committer::Submit(WriteSet set, Done done) {
  Commit(Txn(std::move(set)), std::move(done));
}

void Committer::Commit(Txn txn, Done done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (!failed_.ok()) {
      refused = failed_;
    } else if (stopping_) {
      refused = Refusal(absl::UnavailableError(
                            "Expected to write, but the engine is shutting "
                            "down"),
                        reason::kShuttingDown);
    } else {
      queue_.push_back({std::move(txn), std::move(done), next_ticket_++, {}});
      if (metrics_ != nullptr) {
        queue_.back().queued = std::chrono::steady_clock::now();
      }
      NotePending(queue_.back());
      return;
    }
  }
  done(refused);
}

absl::StatusOr<Versioned> Committer::Read(Cf cf, absl::string_view key) const {
  if (cf == Cf::kShared) {
    absl::MutexLock lock(&mu_);
    auto it = pending_shared_.find(key);
    if (it != pending_shared_.end()) {
      return Versioned{it->second.value, it->second.version};
    }
  }
  Versioned out;
  WF_ASSIGN_OR_RETURN(out.value, store_->Get(cf, key));
  out.version = VersionOf(cf, out.value);
  return out;
}

// Shared records the transaction puts become what Read() answers until
// their group is written.
void Committer::NotePending(const Pending& p) {
  for (const WriteSet::Op& op : p.txn.writes().ops()) {
    if (op.cf != Cf::kShared || op.kind != WriteSet::Kind::kPut) continue;
    pending_shared_[op.key] =
        PendingShared{op.value, VersionOf(Cf::kShared, op.value), p.ticket};
  }
}

// After a group is written or left out: its entries go, unless a later
// transaction replaced them. `all` after a failed write (nothing pending
// can be trusted).
void Committer::ForgetPending(const std::deque<Pending>& group, bool all) {
  absl::MutexLock lock(&mu_);
  if (all) {
    pending_shared_.clear();
    return;
  }
  for (const Pending& p : group) {
    for (const WriteSet::Op& op : p.txn.writes().ops()) {
      if (op.cf != Cf::kShared || op.kind != WriteSet::Kind::kPut) continue;
      auto it = pending_shared_.find(op.key);
      if (it != pending_shared_.end() && it->second.ticket == p.ticket) {
        pending_shared_.erase(it);
      }
    }
  }
}

absl::Status Committer::Commit(WriteSet set) {
  absl::Notification finished;
  absl::Status result;
  Submit(std::move(set), [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

absl::Status Committer::health() const {
  absl::MutexLock lock(&mu_);
  return failed_;
}

Committer::Stats Committer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void Committer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  if (answer_thread_.joinable()) answer_thread_.join();
}

void Committer::Loop() {
  for (;;) {
    std::deque<Pending> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Committer* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return c->stopping_ || !c->queue_.empty();
          },
          this));
      if (queue_.empty()) {  // stopping, and everything committed
        absl::MutexLock answers(&answers_mu_);
        written_all_ = true;
        return;
      }
      // Whatever queued while the last group was syncing goes in this one:
      // the busier the engine, the more transitions share an fsync.
      while (!queue_.empty() && group.size() < max_group_size_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(&group);
  }
}

void Committer::CommitGroup(std::deque<Pending>* group) {
  absl::Status status = health();
  const uint64_t feed_before = feed_seq_;
  if (status.ok()) {
    rocksdb::WriteBatch batch;
    GroupState state;
    for (Pending& p : *group) p.verdict = Apply(p.txn, &state, &batch);
    if (feed_seq_ != feed_before) {
      std::string last;
      keys::AppendBigEndian64(&last, feed_seq_);
      batch.Put(store_->db()->DefaultColumnFamily(), keys::kFeedLastSeq, last)
          .PermitUncheckedError();
    }
    const auto write_began = metrics_ != nullptr
                                 ? std::chrono::steady_clock::now()
                                 : std::chrono::steady_clock::time_point();
    status = store_->WriteSynced(&batch);
    if (metrics_ != nullptr && status.ok()) Observe(*group, write_began);
  }
  // A failed write leaves feed_seq_ ahead of the disk; nothing more is
  // written until a restart recovers the seq from the disk.
  if (status.ok()) written_feed_seq_.store(feed_seq_);
  TellInstancesWritten(*group, status.ok());
  ForgetPending(*group, /*all=*/!status.ok());
  if (status.ok()) {
    // Only this thread writes, so the store's delete counts need no lock.
    for (const Pending& p : *group) {
      if (p.verdict.ok()) store_->NoteSingleDeletes(p.txn.writes());
    }
    absl::MutexLock lock(&mu_);
    stats_.groups++;
    for (const Pending& p : *group) {
      if (!p.verdict.ok()) {
        stats_.aborted++;
        continue;
      }
      stats_.sets++;
      stats_.ops += p.txn.writes().size();
      stats_.bytes += p.txn.writes().ByteSize();
    }
  } else {
    absl::MutexLock lock(&mu_);
    if (failed_.ok()) {
      // Whether any of this batch reached the disk is unknown: stop writing.
      failed_ = Refusal(absl::UnavailableError(absl::StrCat(
                            "The store refuses writes since a write failed (",
                            status.message(),
                            "). Reads still work; restart the server once "
                            "the disk is healthy. Every acknowledged "
                            "transition is safe.")),
                        reason::kStoreUnavailable);
    }
    status = failed_;
  }
  const uint64_t feed_seq =
      status.ok() && feed_seq_ != feed_before ? feed_seq_ : 0;
  absl::MutexLock lock(&answers_mu_);
  answers_.push_back({std::move(*group), std::move(status), feed_seq});
}

void Committer::TellInstancesWritten(const std::deque<Pending>& group,
                                     bool written) const {
  if (instance_listener_) {
    for (const Pending& p : group) {
      const bool committed = written && p.verdict.ok();
      for (const WriteSet::Op& op : p.txn.writes().ops()) {
        if (op.cf != Cf::kInstances) continue;
        instance_listener_(op.key, op.value.size(),
                           committed ? p.txn.Attached(op.key) : nullptr);
      }
    }
  }
  // After the records: whoever sees an inbox count move finds them cached.
  if (inbox_listener_) {
    for (const Pending& p : group) {
      for (const WriteSet::Op& op : p.txn.writes().ops()) {
        if (op.cf == Cf::kInbox && op.kind != WriteSet::Kind::kPut) {
          inbox_listener_(op.key);
        }
      }
    }
  }
}

// One observation per group, not per transaction: this thread is the
// engine's bottleneck under load. The oldest transaction's wait is the
// longest of its group.
void Committer::Observe(const std::deque<Pending>& group,
                        std::chrono::steady_clock::time_point write_began) {
  using Seconds = std::chrono::duration<double>;
  const auto now = std::chrono::steady_clock::now();
  metrics_->ObserveGroup(group.size(), Seconds(now - write_began).count());
  metrics_->ObserveCommitWait(Seconds(now - group.front().queued).count());
}

// The version (and count) of a versioned key as the transaction at hand
// sees it: written earlier in this group, else as the database holds it
// (every earlier group is on disk: this thread wrote it).
absl::StatusOr<Committer::Written> Committer::Current(
    Cf cf, const std::string& key, const GroupState& state) const {
  auto it = state.find(Slot(cf, key));
  if (it != state.end()) return it->second;
  WF_ASSIGN_OR_RETURN(std::optional<std::string> value, store_->Get(cf, key));
  Written w;
  w.version = VersionOf(cf, value);
  if (cf == Cf::kShared && value.has_value()) {
    store::SharedRecord record;
    if (record.ParseFromString(*value)) w.count = record.count();
  }
  return w;
}

void Committer::Remember(const WriteSet& writes, GroupState* state) const {
  for (const WriteSet::Op& op : writes.ops()) {
    // Register entries are written on condition that they are absent; blobs:
    // two uploads of the same new file in one group both expect its record
    // absent, and the second must see the first's.
    if (op.cf != Cf::kShared && op.cf != Cf::kInstances &&
        op.cf != Cf::kRegisters && op.cf != Cf::kBlobs) {
      continue;
    }
    Written w;
    if (op.kind == WriteSet::Kind::kPut) {
      w.version = VersionOf(op.cf, op.value);
      if (op.cf == Cf::kShared) {
        store::SharedRecord record;
        if (record.ParseFromString(op.value)) w.count = record.count();
      }
    }
    (*state)[Slot(op.cf, op.key)] = w;
  }
}

absl::Status Committer::Apply(const Txn& txn, GroupState* state,
                              rocksdb::WriteBatch* batch) {
  for (const Condition& c : txn.conditions()) {
    WF_ASSIGN_OR_RETURN(Written now, Current(c.cf, c.key, *state));
    if (c.kind == Condition::Kind::kAt && now.version != c.version) {
      return absl::AbortedError(absl::StrCat(
          "Expected ", CfName(c.cf), " key '", absl::CHexEscape(c.key),
          "' at version ", c.version, ", but another transaction moved it to ",
          now.version));
    }
    if (c.kind == Condition::Kind::kBelow && now.count >= c.limit) {
      return absl::AbortedError(absl::StrCat(
          "Expected counter '", absl::CHexEscape(c.key), "' below ", c.limit,
          ", but it is at ", now.count));
    }
  }
  WriteSet resolved;
  for (const Txn::Delta& d : txn.deltas()) {
    WF_ASSIGN_OR_RETURN(Written now, Current(Cf::kShared, d.key, *state));
    store::SharedRecord record;
    record.set_version(now.version + 1);
    record.set_count(now.count + d.delta);
    (*state)[Slot(Cf::kShared, d.key)] = {record.version(), record.count()};
    resolved.Put(Cf::kShared, d.key, record.SerializeAsString());
  }
  store_->AppendTo(resolved, batch);
  store_->AppendTo(txn.writes(), batch);
  Remember(txn.writes(), state);
  NumberFeed(txn, batch);  // last: only an accepted transaction takes seqs
  return absl::OkStatus();
}

void Committer::NumberFeed(const Txn& txn, rocksdb::WriteBatch* batch) {
  if (txn.feed().empty()) return;
  WriteSet numbered;
  for (const std::string& item : txn.feed()) {
    numbered.Put(Cf::kFeed, keys::Feed(++feed_seq_), item);
  }
  store_->AppendTo(numbered, batch);
}

void Committer::AnswerLoop() {
  for (;;) {
    Answer answer;
    std::function<void(uint64_t)> listener;
    {
      absl::MutexLock lock(&answers_mu_);
      answers_mu_.Await(absl::Condition(
          +[](Committer* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return c->written_all_ || !c->answers_.empty();
          },
          this));
      if (answers_.empty()) return;  // the write loop ended, all answered
      answer = std::move(answers_.front());
      answers_.pop_front();
      if (answer.feed_seq != 0) listener = feed_listener_;
    }
    for (Pending& p : answer.group) {
      p.done(answer.status.ok() ? p.verdict : answer.status);
    }
    if (listener) listener(answer.feed_seq);
  }
}

}  // namespace wf
