// Copyright the wf-engine authors. Apache-2.0.
//
// Group commit. Transitions are prepared (Lua run, records built) on many
// threads; each hands its WriteSet to the one committer thread, which merges
// everything waiting into one WriteBatch, writes it with a synced WAL — one
// fsync for the whole group — and only then runs each transition's `done`.
// The `done`s run on a second thread, in commit order: answering a group
// (serialising and sending 20-odd gRPC responses) took as long as writing
// it, and the next group's write need not wait for that.
//
// The committer is the RocksDB implementation of TxnStore (txn.h). Being
// the only writer, it checks each transaction's conditions at its turn, in
// the order the group will be written, against what the database holds plus
// the transactions before it in the group: a transaction whose condition
// fails is answered ABORTED and left out; the rest of the group is written.
// Shared records put by accepted but unsynced transactions are kept in
// memory (the pending table) so that Read() sees them: a register's numbers
// can be taken one after another without each waiting for an fsync.
//
// The feed. Transactions carry feed items without keys (Txn::AddFeed); the
// committer numbers them as it accepts each transaction, so feed seqs are
// strictly increasing in commit order, with no gaps, and an aborted
// transaction takes none. The last seq given is found again at start-up.
// After each synced group the answer thread tells the feed listener the
// last seq committed (watchers of the feed wake on it).
//
// After a failed write the state on disk is unknown, so the committer refuses
// every later write with UNAVAILABLE (like leveldb's bg_error_) while reads
// carry on; a restart recovers from the WAL.
#ifndef WF_STORE_COMMITTER_H_
#define WF_STORE_COMMITTER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/metrics/metrics.h"
#include "engine/store/store.h"
#include "engine/store/txn.h"

namespace wf {

class Committer : public TxnStore {
 public:

  struct Stats {
    uint64_t groups = 0;  // synced writes
    uint64_t sets = 0;    // write sets committed in them
    uint64_t ops = 0;     // puts and deletes in them
    uint64_t bytes = 0;   // keys and values in them
    uint64_t aborted = 0;  // transactions left out: a condition failed
  };

  // Reads the last feed seq from `store`; if that read fails, every write
  // is refused with the error (see health()). With `metrics`, each group's
  // size, write time and the wait of its oldest transaction are recorded.
  Committer(Store* store, int max_group_size, Metrics* metrics = nullptr);
  // Stop()s.
  ~Committer() override;

  // TxnStore. `done` runs exactly once on the answer thread, after the
  // group holding `txn` is synced (OK), failed, or `txn` aborted; or at
  // once on this thread if the committer is stopped or failed.
  absl::StatusOr<Versioned> Read(Cf cf, absl::string_view key) const override;
  void Commit(Txn txn, Done done) override;

  // A transaction of writes alone, no conditions.
  void Submit(WriteSet set, Done done);
  // Submits and waits.
  absl::Status Commit(WriteSet set);

  // OK, or the error that made the store refuse writes.
  absl::Status health() const;
  Stats stats() const;

  // The last feed seq in a synced write (0: none yet). Items up to it are
  // readable from the store.
  uint64_t written_feed_seq() const { return written_feed_seq_.load(); }
  // Called on the answer thread after each group that added feed items, with
  // the group's last feed seq, after the group's `done`s. Must not block.
  // Set before the first commit, or later: it applies from the next group.
  void OnFeedCommitted(std::function<void(uint64_t)> listener);
  // Called on the committer's thread for every write to Cf::kInstances in
  // a group, once the group is on disk (or failed, or its transaction
  // aborted) and before any of its `done`s runs: with the key, the size of
  // the value written, and what the transaction attached to the key
  // (Txn::Attach) if it committed, else null. Must be cheap: the committer
  // waits. Set before the first commit.
  using InstanceListener = std::function<void(
      absl::string_view key, size_t bytes, const std::shared_ptr<const void>*)>;
  void OnInstanceWritten(InstanceListener listener);
  // Called as the instance listener is, for every key of Cf::kInbox a
  // group's transactions remove, after every call of the instance listener
  // for the group. (The keys a step adds are those of the instance record
  // it writes: the instance listener sees them.) Set before the first
  // commit.
  void OnInboxRemoved(std::function<void(absl::string_view key)> listener);

  // Commits and answers what is queued, then ends the threads. Later Submits
  // fail with UNAVAILABLE.
  void Stop();

 private:
  struct Pending {
    Txn txn;
    Done done;
    uint64_t ticket = 0;   // order of acceptance
    absl::Status verdict;  // ABORTED when a condition failed
    std::chrono::steady_clock::time_point queued;  // with metrics only
  };
  struct Answer {
    std::deque<Pending> group;
    absl::Status status;
    uint64_t feed_seq = 0;  // the last after this group, if it added any
  };
  // A shared record put by an accepted transaction not yet synced.
  struct PendingShared {
    std::string value;
    uint64_t version = 0;
    uint64_t ticket = 0;
  };
  // What one group has written so far, per versioned key: what the
  // transactions after it in the group see.
  struct Written {
    uint64_t version = 0;
    int64_t count = 0;
  };
  using GroupState = absl::flat_hash_map<std::string, Written>;

  void Loop();
  void CommitGroup(std::deque<Pending>* group);
  void AnswerLoop();
  // Checks `txn`'s conditions and, when they hold, resolves its counter
  // additions and appends everything to `batch`.
  absl::Status Apply(const Txn& txn, GroupState* state,
                     rocksdb::WriteBatch* batch);
  absl::StatusOr<Written> Current(Cf cf, const std::string& key,
                                  const GroupState& state) const;
  void Remember(const WriteSet& writes, GroupState* state) const;
  void NotePending(const Pending& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Numbers `txn`'s feed items after feed_seq_ into `batch`.
  void NumberFeed(const Txn& txn, rocksdb::WriteBatch* batch);
  static absl::Status RecoverFeedSeq(Store* store, uint64_t* seq);
  void ForgetPending(const std::deque<Pending>& group, bool all);

  // instance_listener_, for each instance key the group wrote, then
  // inbox_listener_ for each inbox key removed.
  void TellInstancesWritten(const std::deque<Pending>& group,
                            bool written) const;
  // Records the group's figures (metrics_ set).
  void Observe(const std::deque<Pending>& group,
               std::chrono::steady_clock::time_point write_began);

  Store* const store_;
  const size_t max_group_size_;
  Metrics* const metrics_;
  // The last feed seq given. Set at construction, then moved by the write
  // thread alone (Apply), so it needs no lock.
  uint64_t feed_seq_ = 0;
  std::atomic<uint64_t> written_feed_seq_{0};
  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failed_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  uint64_t next_ticket_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<std::string, PendingShared> pending_shared_
      ABSL_GUARDED_BY(mu_);
  // Groups written (or failed) and not yet answered; the write loop ending
  // sets `written_all_`.
  absl::Mutex answers_mu_;
  std::deque<Answer> answers_ ABSL_GUARDED_BY(answers_mu_);
  bool written_all_ ABSL_GUARDED_BY(answers_mu_) = false;
  std::function<void(uint64_t)> feed_listener_ ABSL_GUARDED_BY(answers_mu_);
  InstanceListener instance_listener_;
  std::function<void(absl::string_view)> inbox_listener_;
  std::thread answer_thread_;
  std::thread thread_;
};

}  // namespace wf

#endif  // WF_STORE_COMMITTER_H_
