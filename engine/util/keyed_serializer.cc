// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/keyed_serializer.h"

#include <utility>

#include "absl/hash/hash.h"

namespace wf {

ThreadPool::ThreadPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& t : threads_) t.join();
}

void ThreadPool::Post(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void ThreadPool::Loop() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ThreadPool* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return p->stopping_ || !p->tasks_.empty();
          },
          this));
      if (tasks_.empty()) return;  // stopping, and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

KeyedSerializer::Shard& KeyedSerializer::ShardFor(const std::string& key) {
  return shards_[absl::Hash<std::string>{}(key) % shards_.size()];
}

void KeyedSerializer::Run(const std::string& key, std::function<void()> task) {
  Shard& shard = ShardFor(key);
  {
    absl::MutexLock lock(&shard.mu);
    auto [it, inserted] = shard.held.try_emplace(key);
    if (!inserted) {
      it->second.push_back(std::move(task));
      return;
    }
  }
  task();
}

void KeyedSerializer::Release(const std::string& key) {
  Shard& shard = ShardFor(key);
  std::function<void()> next;
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.held.find(key);
    if (it == shard.held.end()) return;
    if (it->second.empty()) {
      shard.held.erase(it);
      return;
    }
    next = std::move(it->second.front());
    it->second.pop_front();
  }
  // The key stays held by `next`; it runs on the pool, never inline, so a
  // long queue cannot grow this thread's stack.
  pool_->Post(std::move(next));
}

size_t KeyedSerializer::HeldCount() {
  size_t n = 0;
  for (auto& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    n += shard.held.size();
  }
  return n;
}

}  // namespace wf
