// Copyright the wf-engine authors. Apache-2.0.
//
// Runs tasks one at a time per key, without holding a thread while a task
// waits. This is how transitions of one instance are serialised across the
// asynchronous commit: the task that holds an instance releases it from the
// committer thread, after its write is synced, and the next waiting task for
// that instance then runs on the executor.
#ifndef WF_UTIL_KEYED_SERIALIZER_H_
#define WF_UTIL_KEYED_SERIALIZER_H_

#include <array>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace wf {

// A fixed set of threads that run posted tasks in order.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  // Runs what was posted, then joins.
  ~ThreadPool();
  void Post(std::function<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

class KeyedSerializer {
 public:
  explicit KeyedSerializer(ThreadPool* pool) : pool_(pool) {}

  // If no task holds `key`, runs `task` now on this thread; otherwise queues
  // it to run on the pool after the tasks before it. A task that ran must
  // lead to exactly one Release(key), from any thread.
  void Run(const std::string& key, std::function<void()> task);
  void Release(const std::string& key);

  // Number of keys currently held (for tests and shutdown).
  size_t HeldCount();

 private:
  struct Shard {
    absl::Mutex mu;
    // A key is held while present; the deque holds the tasks waiting for it.
    absl::flat_hash_map<std::string, std::deque<std::function<void()>>> held
        ABSL_GUARDED_BY(mu);
  };
  Shard& ShardFor(const std::string& key);

  ThreadPool* pool_;
  std::array<Shard, 16> shards_;
};

}  // namespace wf

#endif  // WF_UTIL_KEYED_SERIALIZER_H_
