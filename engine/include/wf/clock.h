// Copyright the wf-engine authors. Apache-2.0.
//
// The engine's only source of time. The server uses the system clock; tests
// and the administrators' simulation mode use a ManualClock and move time
// forward. A client can never supply "now".
//
//   wf::ManualClock clock(absl::FromCivil(absl::CivilSecond(2026, 1, 16, 8, 0, 0),
//                                         absl::FixedTimeZone(7 * 3600)));
//   options.clock = &clock;
//   ...
//   clock.Advance(absl::Hours(24));
#ifndef WF_CLOCK_H_
#define WF_CLOCK_H_

#include <functional>
#include <mutex>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wf {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // Called whenever time jumps (ManualClock::Set/Advance), so that waiters
  // such as the timer loop can re-check what is due. The system clock never
  // calls it. Listeners must be quick and must not call back into the clock's
  // Set/Advance.
  virtual void AddJumpListener(std::function<void()> listener) {}

  // The wall clock. Never destroyed.
  static Clock* System();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void AddJumpListener(std::function<void()> listener) override;
  // Time never goes backwards: Set to an earlier time is ignored.
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  void NotifyJump();

  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void()>> listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wf

#endif  // WF_CLOCK_H_
