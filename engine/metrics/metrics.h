// Copyright the wf-engine authors. Apache-2.0.
//
// The engine's operational metrics (docs/operations.md), kept in a
// prometheus-cpp Registry. The engine and the server record into one
// Metrics object; wf_server serves it over HTTP (--metrics_listen), an
// embedder can serve it or read Text(). Everything takes a `Metrics*` that
// may be null: then nothing is recorded, at the cost of one null check.
//
//   wf::Metrics metrics;
//   options.metrics = &metrics;            // wf::EngineOptions
//   auto engine = wf::Engine::Open(options);
//   ...
//   std::string text = metrics.Text();     // Prometheus text format
//
// Hot-path recording is a few atomic additions: the counter of a label
// combination is created once (prometheus Family::Add) and its pointer
// kept in a small map, looked up without allocating. Labels are bounded:
// workflow and event names (what is deployed), method names, gRPC code
// names; never instances, people, units or tokens.
//
// Figures that already exist elsewhere (RocksDB properties, counters kept
// by the committer or the timer loop, the late list) are read when the
// metrics are collected, through readers (AddReader), not pushed.
#ifndef WF_METRICS_METRICS_H_
#define WF_METRICS_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace prometheus {
class Collectable;
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace wf {

// One figure read at collection time (Metrics::AddReader).
struct Reading {
  enum class Kind { kGauge, kCounter };
  std::string name;  // "wf_rocksdb_live_sst_bytes"
  std::string help;
  Kind kind = Kind::kGauge;
  double value = 0;
  std::vector<std::pair<std::string, std::string>> labels;
};

class Metrics {
 public:
  using Reader = std::function<void(std::vector<Reading>* out)>;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // What an HTTP exposer registers: the registry and the readers.
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables() const;
  // Everything, in the Prometheus text format (tests, embedders).
  std::string Text() const;

  // --- Transitions (starts, events, cancels, acknowledgements) ---
  // One answered transition request. `workflow` and `event` must be names
  // a deployed workflow declares (or "" when unknown).
  void CountTransition(absl::string_view workflow, absl::string_view event,
                       absl::StatusCode code);

  // --- gRPC calls ---
  // `method` is gRPC's full method name ("/wf.v1.WorkflowService/FireEvent"),
  // a string that lives as long as the server; keyed by its address.
  // `unary` calls add their latency to the method's histogram; streams are
  // only counted (their length is the client's business).
  void CountCall(const char* method, absl::StatusCode code, bool unary,
                 double seconds);

  // --- Group commit (engine/store/committer.h) ---
  // One synced write: how many transactions it held, how long the synced
  // write took, and how long each transaction waited from Commit to synced.
  void ObserveGroup(size_t transactions, double write_seconds);
  void ObserveCommitWait(double seconds);

  // --- Timers (engine/timers/timer_service.h) ---
  void TimerDue();
  // A timer's event committed, `lag_seconds` after its due time; a deadline
  // (not a reminder) passing counts as a deadline passed.
  void TimerFired(double lag_seconds, bool deadline);
  void TimerRetried();

  // --- Reads ---
  void ObserveInbox(double seconds);
  // An inbox page answered as kept: nothing it shows changed since it was
  // read (engine/service/inbox_answers.h); no query ran.
  void InboxAnswerKept();

  // Readers run on every collection, in the collecting thread; RemoveReader
  // waits for a collection in progress. A reader must be quick.
  int AddReader(Reader reader);
  void RemoveReader(int id);

 private:
  class Readings;
  struct MethodSeries {
    prometheus::Histogram* latency = nullptr;  // unary methods only
    std::array<std::atomic<prometheus::Counter*>, 17> by_code{};
  };
  struct TransitionKey {
    absl::string_view workflow;
    absl::string_view event;
    int code;
  };
  struct TransitionHash {
    using is_transparent = void;
    size_t operator()(const TransitionKey& k) const;
  };
  struct TransitionEq {
    using is_transparent = void;
    bool operator()(const TransitionKey& a, const TransitionKey& b) const {
      return a.code == b.code && a.workflow == b.workflow &&
             a.event == b.event;
    }
  };
  // Owns the strings a TransitionKey of the map points into.
  struct TransitionEntry {
    std::string workflow;
    std::string event;
    prometheus::Counter* counter = nullptr;
  };

  MethodSeries* SeriesOf(const char* method, bool unary);
  prometheus::Counter* CallCounter(MethodSeries* series, const char* method,
                                   absl::StatusCode code);
  prometheus::Counter* TransitionCounter(const TransitionKey& key);

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Readings> readings_;

  prometheus::Family<prometheus::Counter>* transitions_;
  prometheus::Family<prometheus::Counter>* calls_;
  prometheus::Family<prometheus::Histogram>* call_seconds_;
  prometheus::Histogram* group_size_;
  prometheus::Histogram* group_write_seconds_;
  prometheus::Histogram* commit_wait_seconds_;
  prometheus::Counter* timers_due_;
  prometheus::Counter* timers_fired_;
  prometheus::Counter* timers_retried_;
  prometheus::Counter* deadlines_passed_;
  prometheus::Counter* inbox_kept_;
  prometheus::Histogram* timer_lag_seconds_;
  prometheus::Histogram* inbox_seconds_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<const char*, std::unique_ptr<MethodSeries>> methods_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<TransitionKey, std::unique_ptr<TransitionEntry>,
                      TransitionHash, TransitionEq>
      transition_counters_ ABSL_GUARDED_BY(mu_);
};

// The resident set size of this process, in bytes (/proc/self/statm); 0
// where it cannot be read.
uint64_t ResidentBytes();

}  // namespace wf

#endif  // WF_METRICS_METRICS_H_
