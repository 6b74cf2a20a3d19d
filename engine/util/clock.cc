// Copyright the wf-engine authors. Apache-2.0.
#include "wf/clock.h"

namespace wf {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock* Clock::System() {
  static Clock* clock = new SystemClock();
  return clock;
}

absl::Time ManualClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void ManualClock::AddJumpListener(std::function<void()> listener) {
  absl::MutexLock lock(&mu_);
  listeners_.push_back(std::move(listener));
}

void ManualClock::Set(absl::Time t) {
  {
    absl::MutexLock lock(&mu_);
    if (t <= now_) return;
    now_ = t;
  }
  NotifyJump();
}

void ManualClock::Advance(absl::Duration d) {
  {
    absl::MutexLock lock(&mu_);
    if (d <= absl::ZeroDuration()) return;
    now_ += d;
  }
  NotifyJump();
}

void ManualClock::NotifyJump() {
  std::vector<std::function<void()>> listeners;
  {
    absl::MutexLock lock(&mu_);
    listeners = listeners_;
  }
  for (auto& listener : listeners) listener();
}

}  // namespace wf
