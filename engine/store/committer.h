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
// After a failed write the state on disk is unknown, so the committer refuses
// every later write with UNAVAILABLE (like leveldb's bg_error_) while reads
// carry on; a restart recovers from the WAL.
#ifndef WF_STORE_COMMITTER_H_
#define WF_STORE_COMMITTER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/store/store.h"

namespace wf {

class Committer {
 public:
  using Done = std::function<void(absl::Status)>;

  struct Stats {
    uint64_t groups = 0;  // synced writes
    uint64_t sets = 0;    // write sets committed in them
    uint64_t ops = 0;     // puts and deletes in them
    uint64_t bytes = 0;   // keys and values in them
  };

  Committer(Store* store, int max_group_size);
  // Stop()s.
  ~Committer();

  // Queues `set`. `done` runs exactly once on the answer thread, after the
  // group holding `set` is synced (OK) or failed, or at once on this thread
  // if the committer is stopped or failed. `done` must not block.
  void Submit(WriteSet set, Done done);
  // Submits and waits.
  absl::Status Commit(WriteSet set);

  // OK, or the error that made the store refuse writes.
  absl::Status health() const;
  Stats stats() const;

  // Commits and answers what is queued, then ends the threads. Later Submits
  // fail with UNAVAILABLE.
  void Stop();

 private:
  struct Pending {
    WriteSet set;
    Done done;
  };
  struct Answer {
    std::deque<Pending> group;
    absl::Status status;
  };
  void Loop();
  void CommitGroup(std::deque<Pending>* group);
  void AnswerLoop();

  Store* const store_;
  const size_t max_group_size_;
  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failed_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  // Groups written (or failed) and not yet answered; the write loop ending
  // sets `written_all_`.
  absl::Mutex answers_mu_;
  std::deque<Answer> answers_ ABSL_GUARDED_BY(answers_mu_);
  bool written_all_ ABSL_GUARDED_BY(answers_mu_) = false;
  std::thread answer_thread_;
  std::thread thread_;
};

}  // namespace wf

#endif  // WF_STORE_COMMITTER_H_
