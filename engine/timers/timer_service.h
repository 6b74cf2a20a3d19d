// Copyright the wf-engine authors. Apache-2.0.
//
// The timer loop. Timers live in the `timers` column family, keyed by due
// time, written and deleted in the same batch as the transitions that set
// and clear them. The loop reads from the first key: everything due is
// fired, in due order, through the transition path (which deletes the timer
// in the batch of the event it fires — so a timer fires exactly once, and a
// timer due while the server was down fires when it starts again). Start-up
// reads nothing but the first key.
//
// A timer whose transition fails (a script error in its action) stays and is
// retried with a growing delay, logged each time.
//
// Counting: a timer counts as fired when its event was committed. A timer
// found stale (its clock ended or moved after the loop read the key) is
// consumed but not counted: counting consumed timers over-counted under
// load (831 for 800 firings), because a pass reads from a snapshot taken
// before firings that complete during the pass and dispatched those keys
// again. A pass now also re-reads each key before dispatching it.
#ifndef WF_TIMERS_TIMER_SERVICE_H_
#define WF_TIMERS_TIMER_SERVICE_H_

#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/metrics/metrics.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "wf/clock.h"

namespace wf {

std::string TimerKey(const store::TimerRecord& timer);

class TimerService {
 public:
  // Fires one timer through the transition path; `done` runs once: true
  // when its event was committed, false when the timer was found stale and
  // only its key removed, an error when the transition failed (retried).
  using FireDone = std::function<void(absl::StatusOr<bool> fired)>;
  using FireFn =
      std::function<void(const store::TimerRecord& timer, FireDone done)>;

  // With `metrics`: timers due, fired (and their lag behind their due
  // time), retried, and deadlines passed are recorded.
  TimerService(Store* store, Clock* clock, FireFn fire, int max_in_flight,
               Metrics* metrics = nullptr);
  ~TimerService();

  void Start();
  // Ends the loop; timers in flight finish on their own.
  void Stop();
  // Something changed (time jumped): look again.
  void Wake();
  // A timer due at `due` was written: look again only if it is earlier than
  // the time the loop waits for (most new timers are later: no work).
  void Hint(absl::Time due);

  // Fires everything due now, including what those firings make due, and
  // returns how many timer events this call committed (not the loop
  // thread's, which may run beside it). For tests and simulation.
  absl::StatusOr<int> FireDue();

  struct Stats {
    uint64_t fired = 0;   // events committed
    uint64_t stale = 0;   // timers consumed without an event
    uint64_t failed = 0;  // attempts that failed (retried later)
    uint64_t keys_read = 0;  // timer keys the loop has looked at
  };
  Stats stats() const;

 private:
  struct Backoff {
    absl::Time retry_at;
    absl::Duration delay;
  };

  void Loop();
  // Dispatches what is due and free; returns the next due time to wait for.
  // Each committed event of this pass adds one to `*committed` (guarded by
  // mu_) when it is given.
  absl::Time Dispatch(int* dispatched, int* committed = nullptr);
  // Whether the timer key is still stored (the pass's snapshot may be older
  // than a firing that removed it).
  bool StillStored(const std::string& key);
  void Done(const std::string& key, const absl::StatusOr<bool>& fired,
            int* committed, bool deadline);
  void Observe(const std::string& key, const absl::StatusOr<bool>& fired,
               bool deadline);

  Store* const store_;
  Clock* const clock_;
  const FireFn fire_;
  const size_t max_in_flight_;
  Metrics* const metrics_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  // The due time the loop sleeps until (InfinitePast while it is busy).
  absl::Time waiting_for_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Backoff> backoff_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace wf

#endif  // WF_TIMERS_TIMER_SERVICE_H_
