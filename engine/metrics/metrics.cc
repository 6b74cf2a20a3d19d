// Copyright the wf-engine authors. Apache-2.0.
#include "engine/metrics/metrics.h"

#include <unistd.h>

#include <cstdio>
#include <tuple>

#include "absl/hash/hash.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace wf {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildHistogram;
using prometheus::Histogram;

// Seconds, from 100 µs (a read served from the cache) to 10 s (a call that
// waited on a stalled disk).
Histogram::BucketBoundaries LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 10};
}

// Transactions per synced write: 1 when idle, tens under load, up to the
// group limit (512).
Histogram::BucketBoundaries GroupBuckets() {
  return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
}

// Timer lag: due to fired. Under a second is normal (the loop wakes on
// time); minutes mean a backlog or a timer retried.
Histogram::BucketBoundaries LagBuckets() {
  return {0.01, 0.1, 0.5, 1, 5, 30, 60, 300, 3600};
}

prometheus::Counter* NewCounter(prometheus::Registry* registry,
                                const char* name, const char* help) {
  return &BuildCounter().Name(name).Help(help).Register(*registry).Add({});
}

prometheus::Histogram* NewHistogram(prometheus::Registry* registry,
                                    const char* name, const char* help,
                                    const Histogram::BucketBoundaries& b) {
  return &BuildHistogram().Name(name).Help(help).Register(*registry).Add({}, b);
}

}  // namespace

// The readers' figures, turned into metric families on every collection.
class Metrics::Readings final : public prometheus::Collectable {
 public:
  int Add(Reader reader) {
    absl::MutexLock lock(&mu_);
    readers_[next_id_] = std::move(reader);
    return next_id_++;
  }

  void Remove(int id) {
    absl::MutexLock lock(&mu_);
    readers_.erase(id);
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<Reading> readings;
    readings.push_back({"wf_process_resident_memory_bytes",
                        "Resident set size of the server process.",
                        Reading::Kind::kGauge,
                        static_cast<double>(ResidentBytes()),
                        {}});
    {
      absl::MutexLock lock(&mu_);  // RemoveReader waits for us
      for (const auto& [id, reader] : readers_) reader(&readings);
    }
    return ToFamilies(readings);
  }

 private:
  static std::vector<prometheus::MetricFamily> ToFamilies(
      const std::vector<Reading>& readings) {
    std::vector<prometheus::MetricFamily> families;
    std::map<std::string, size_t> index;
    for (const Reading& r : readings) {
      auto [it, added] = index.emplace(r.name, families.size());
      if (added) {
        prometheus::MetricFamily family;
        family.name = r.name;
        family.help = r.help;
        family.type = r.kind == Reading::Kind::kCounter
                          ? prometheus::MetricType::Counter
                          : prometheus::MetricType::Gauge;
        families.push_back(std::move(family));
      }
      prometheus::ClientMetric metric;
      for (const auto& [name, value] : r.labels) {
        metric.label.push_back({name, value});
      }
      if (r.kind == Reading::Kind::kCounter) {
        metric.counter.value = r.value;
      } else {
        metric.gauge.value = r.value;
      }
      families[it->second].metric.push_back(std::move(metric));
    }
    return families;
  }

  mutable absl::Mutex mu_;
  std::map<int, Reader> readers_ ABSL_GUARDED_BY(mu_);
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

size_t Metrics::TransitionHash::operator()(const TransitionKey& k) const {
  return absl::Hash<std::tuple<absl::string_view, absl::string_view, int>>()(
      std::make_tuple(k.workflow, k.event, k.code));
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      readings_(std::make_shared<Readings>()) {
  prometheus::Registry* r = registry_.get();
  transitions_ = &BuildCounter()
                      .Name("wf_transitions_total")
                      .Help("Transition requests answered (start, events, "
                            "cancel, acknowledge), by workflow, event and "
                            "outcome (gRPC code name).")
                      .Register(*r);
  calls_ = &BuildCounter()
                .Name("wf_grpc_requests_total")
                .Help("gRPC calls answered, by method and code.")
                .Register(*r);
  call_seconds_ = &BuildHistogram()
                       .Name("wf_grpc_request_duration_seconds")
                       .Help("Latency of unary gRPC calls, from arrival to "
                             "the status being sent, by method.")
                       .Register(*r);
  group_size_ = NewHistogram(r, "wf_commit_group_size",
                             "Transactions per synced write (group commit).",
                             GroupBuckets());
  group_write_seconds_ = NewHistogram(
      r, "wf_commit_write_seconds",
      "Time of one synced RocksDB write (the fsync of a group).",
      LatencyBuckets());
  commit_wait_seconds_ = NewHistogram(
      r, "wf_commit_wait_seconds",
      "Time from a transaction handed to the committer to its group synced.",
      LatencyBuckets());
  timers_due_ = NewCounter(r, "wf_timers_due_total",
                           "Timers found due and dispatched by the timer "
                           "loop (retries included).");
  timers_fired_ = NewCounter(r, "wf_timers_fired_total",
                             "Timers whose event was committed.");
  timers_retried_ = NewCounter(r, "wf_timers_retried_total",
                               "Timer firings that failed and will be "
                               "retried with a growing delay.");
  deadlines_passed_ = NewCounter(r, "wf_deadlines_passed_total",
                                 "Deadline timers (not reminders) fired: a "
                                 "document became late.");
  timer_lag_seconds_ = NewHistogram(r, "wf_timer_lag_seconds",
                                    "How long after its due time a timer's "
                                    "event was committed.",
                                    LagBuckets());
  inbox_seconds_ = NewHistogram(r, "wf_inbox_query_seconds",
                                "Time of one inbox query in the engine.",
                                LatencyBuckets());
  inbox_kept_ = NewCounter(r, "wf_inbox_answers_kept_total",
                           "Inbox pages answered as kept, without a query: "
                           "nothing they show changed since they were read.");
}

Metrics::~Metrics() = default;

std::vector<std::weak_ptr<prometheus::Collectable>> Metrics::collectables()
    const {
  return {registry_, readings_};
}

std::string Metrics::Text() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (auto& f : readings_->Collect()) families.push_back(std::move(f));
  return prometheus::TextSerializer().Serialize(families);
}

prometheus::Counter* Metrics::TransitionCounter(const TransitionKey& key) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = transition_counters_.find(key);
    if (it != transition_counters_.end()) return it->second->counter;
  }
  absl::MutexLock lock(&mu_);
  auto it = transition_counters_.find(key);
  if (it != transition_counters_.end()) return it->second->counter;
  auto entry = std::make_unique<TransitionEntry>();
  entry->workflow = std::string(key.workflow);
  entry->event = std::string(key.event);
  entry->counter = &transitions_->Add(
      {{"workflow", entry->workflow},
       {"event", entry->event},
       {"code", absl::StatusCodeToString(
                    static_cast<absl::StatusCode>(key.code))}});
  TransitionKey stored{entry->workflow, entry->event, key.code};
  prometheus::Counter* counter = entry->counter;
  transition_counters_.emplace(stored, std::move(entry));
  return counter;
}

void Metrics::CountTransition(absl::string_view workflow,
                              absl::string_view event, absl::StatusCode code) {
  TransitionCounter({workflow, event, static_cast<int>(code)})->Increment();
}

// A method is unary or not for good: its histogram is made with its series.
Metrics::MethodSeries* Metrics::SeriesOf(const char* method, bool unary) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return it->second.get();
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<MethodSeries>& series = methods_[method];
  if (series == nullptr) {
    series = std::make_unique<MethodSeries>();
    if (unary) {
      series->latency = &call_seconds_->Add({{"method", method}},
                                            LatencyBuckets());
    }
  }
  return series.get();
}

prometheus::Counter* Metrics::CallCounter(MethodSeries* series,
                                          const char* method,
                                          absl::StatusCode code) {
  const size_t i = static_cast<size_t>(code) < series->by_code.size()
                       ? static_cast<size_t>(code)
                       : static_cast<size_t>(absl::StatusCode::kUnknown);
  prometheus::Counter* counter = series->by_code[i].load();
  if (counter != nullptr) return counter;
  absl::MutexLock lock(&mu_);
  counter = &calls_->Add(
      {{"method", method},
       {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(i))}});
  series->by_code[i].store(counter);
  return counter;
}

void Metrics::CountCall(const char* method, absl::StatusCode code, bool unary,
                        double seconds) {
  MethodSeries* series = SeriesOf(method, unary);
  CallCounter(series, method, code)->Increment();
  if (series->latency != nullptr) series->latency->Observe(seconds);
}

void Metrics::ObserveGroup(size_t transactions, double write_seconds) {
  group_size_->Observe(static_cast<double>(transactions));
  group_write_seconds_->Observe(write_seconds);
}

void Metrics::ObserveCommitWait(double seconds) {
  commit_wait_seconds_->Observe(seconds);
}

void Metrics::TimerDue() { timers_due_->Increment(); }

void Metrics::TimerFired(double lag_seconds, bool deadline) {
  timers_fired_->Increment();
  if (deadline) deadlines_passed_->Increment();
  timer_lag_seconds_->Observe(lag_seconds < 0 ? 0 : lag_seconds);
}

void Metrics::TimerRetried() { timers_retried_->Increment(); }

void Metrics::ObserveInbox(double seconds) { inbox_seconds_->Observe(seconds); }

void Metrics::InboxAnswerKept() { inbox_kept_->Increment(); }

int Metrics::AddReader(Reader reader) {
  return readings_->Add(std::move(reader));
}

void Metrics::RemoveReader(int id) { readings_->Remove(id); }

uint64_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int read = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (read != 2) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace wf
