// Copyright the wf-engine authors. Apache-2.0.
#include "engine/timers/timer_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/store/keys.h"
#include "engine/util/log.h"

namespace wf {
namespace {

// With the system clock, new timers wake the loop; this is the safety net.
constexpr absl::Duration kMaxSleep = absl::Seconds(1);
constexpr absl::Duration kFirstRetry = absl::Seconds(1);
constexpr absl::Duration kLastRetry = absl::Hours(1);

}  // namespace

std::string TimerKey(const store::TimerRecord& timer) {
  return keys::Timer(timer.due_micros(), timer.instance_id(), timer.name());
}

TimerService::TimerService(Store* store, Clock* clock, FireFn fire,
                           int max_in_flight, Metrics* metrics)
    : store_(store),
      clock_(clock),
      fire_(std::move(fire)),
      max_in_flight_(std::max(1, max_in_flight)),
      metrics_(metrics) {}

TimerService::~TimerService() { Stop(); }

void TimerService::Start() {
  clock_->AddJumpListener([this] { Wake(); });
  thread_ = std::thread([this] { Loop(); });
}

void TimerService::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void TimerService::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void TimerService::Hint(absl::Time due) {
  absl::MutexLock lock(&mu_);
  if (due < waiting_for_) woken_ = true;
}

TimerService::Stats TimerService::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void TimerService::Loop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      waiting_for_ = absl::InfinitePast();  // busy: every hint counts
    }
    int dispatched = 0;
    absl::Time next = Dispatch(&dispatched);
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    if (woken_) {
      woken_ = false;
      continue;
    }
    absl::Duration wait = std::min(kMaxSleep, next - clock_->Now());
    if (wait <= absl::ZeroDuration()) continue;
    waiting_for_ = next;
    mu_.AwaitWithTimeout(absl::Condition(
                             +[](TimerService* t) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                               return t->stop_ || t->woken_;
                             },
                             this),
                         wait);
    woken_ = false;
    if (stop_) return;
  }
}

absl::Time TimerService::Dispatch(int* dispatched, int* committed) {
  const absl::Time now = clock_->Now();
  absl::Time next = absl::InfiniteFuture();
  auto it = store_->NewIterator(Cf::kTimers);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    {
      absl::MutexLock lock(&mu_);
      stats_.keys_read++;
    }
    std::string key = it->key().ToString();
    absl::Time due = absl::FromUnixMicros(
        static_cast<int64_t>(keys::ReadBigEndian64(key)));
    if (due > now) {
      next = std::min(next, due);
      break;
    }
    store::TimerRecord timer;
    if (!timer.ParseFromString(it->value().ToString())) continue;
    {
      absl::MutexLock lock(&mu_);
      if (stop_ || in_flight_.size() >= max_in_flight_) return now;
      if (in_flight_.count(key)) continue;
      auto b = backoff_.find(key);
      if (b != backoff_.end() && b->second.retry_at > now) {
        next = std::min(next, b->second.retry_at);
        continue;
      }
      in_flight_.insert(key);
    }
    // Checked once the key is ours: no other pass can fire it now, and a
    // firing that removed it earlier is visible.
    if (!StillStored(key)) {
      absl::MutexLock lock(&mu_);
      in_flight_.erase(key);
      continue;
    }
    ++*dispatched;
    if (metrics_ != nullptr) metrics_->TimerDue();
    const bool deadline = !timer.reminder();
    fire_(timer, [this, key, committed, deadline](absl::StatusOr<bool> fired) {
      Done(key, fired, committed, deadline);
    });
  }
  return next;
}

bool TimerService::StillStored(const std::string& key) {
  auto stored = store_->Get(Cf::kTimers, key);
  // On a read error let the transition path decide (it reads again).
  return !stored.ok() || stored->has_value();
}

// Lag is measured on the engine's clock: in a simulation, a jump of the
// clock shows as lag of the timers it made due.
void TimerService::Observe(const std::string& key,
                           const absl::StatusOr<bool>& fired, bool deadline) {
  if (!fired.ok()) {
    metrics_->TimerRetried();
    return;
  }
  if (!*fired) return;  // stale: consumed, no event
  const absl::Time due = absl::FromUnixMicros(
      static_cast<int64_t>(keys::ReadBigEndian64(key)));
  metrics_->TimerFired(absl::ToDoubleSeconds(clock_->Now() - due), deadline);
}

void TimerService::Done(const std::string& key,
                        const absl::StatusOr<bool>& fired, int* committed,
                        bool deadline) {
  if (metrics_ != nullptr) Observe(key, fired, deadline);
  absl::MutexLock lock(&mu_);
  in_flight_.erase(key);
  woken_ = true;
  if (fired.ok()) {
    (*fired ? stats_.fired : stats_.stale)++;
    if (*fired && committed != nullptr) ++*committed;
    backoff_.erase(key);
    return;
  }
  const absl::Status& status = fired.status();
  stats_.failed++;
  Backoff& b = backoff_[key];
  b.delay = b.delay == absl::ZeroDuration()
                ? kFirstRetry
                : std::min(kLastRetry, b.delay * 2);
  b.retry_at = clock_->Now() + b.delay;
  WF_LOG_ERROR("timer failed, retrying in ", absl::FormatDuration(b.delay),
               ": ", status.ToString());
}

absl::StatusOr<int> TimerService::FireDue() {
  // Firing can make more timers due (a reminder set in the past); the loop
  // thread may be firing some too. Done when a pass finds nothing to do and
  // nothing fired meanwhile. Only this call's firings are counted: `mine`
  // lives until every firing in flight is done (awaited below).
  int mine = 0;
  for (;;) {
    const uint64_t fired_before_pass = stats().fired;
    int dispatched = 0;
    Dispatch(&dispatched, &mine);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](TimerService* t) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return t->in_flight_.empty();
        },
        this));
    if (dispatched == 0 && stats_.fired == fired_before_pass) return mine;
  }
}

}  // namespace wf
