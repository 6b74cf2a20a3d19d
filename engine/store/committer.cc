// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/committer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace wf {

Committer::Committer(Store* store, int max_group_size)
    : store_(store),
      max_group_size_(max_group_size > 0 ? max_group_size : 1),
      answer_thread_([this] { AnswerLoop(); }),
      thread_([this] { Loop(); }) {}

Committer::~Committer() { Stop(); }

void Committer::Submit(WriteSet set, Done done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (!failed_.ok()) {
      refused = failed_;
    } else if (stopping_) {
      refused = absl::UnavailableError(
          "Expected to write, but the engine is shutting down");
    } else {
      queue_.push_back({std::move(set), std::move(done)});
      return;
    }
  }
  done(refused);
}

absl::Status Committer::Commit(WriteSet set) {
  absl::Notification finished;
  absl::Status result;
  Submit(std::move(set), [&](absl::Status s) {
    result = std::move(s);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

absl::Status Committer::health() const {
  absl::MutexLock lock(&mu_);
  return failed_;
}

Committer::Stats Committer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void Committer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  if (answer_thread_.joinable()) answer_thread_.join();
}

void Committer::Loop() {
  for (;;) {
    std::deque<Pending> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Committer* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return c->stopping_ || !c->queue_.empty();
          },
          this));
      if (queue_.empty()) {  // stopping, and everything committed
        absl::MutexLock answers(&answers_mu_);
        written_all_ = true;
        return;
      }
      // Whatever queued while the last group was syncing goes in this one:
      // the busier the engine, the more transitions share an fsync.
      while (!queue_.empty() && group.size() < max_group_size_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(&group);
  }
}

void Committer::CommitGroup(std::deque<Pending>* group) {
  absl::Status status = health();
  if (status.ok()) {
    rocksdb::WriteBatch batch;
    for (const Pending& p : *group) store_->AppendTo(p.set, &batch);
    status = store_->WriteSynced(&batch);
  }
  if (status.ok()) {
    // Only this thread writes, so the store's delete counts need no lock.
    for (const Pending& p : *group) store_->NoteSingleDeletes(p.set);
    absl::MutexLock lock(&mu_);
    stats_.groups++;
    stats_.sets += group->size();
    for (const Pending& p : *group) {
      stats_.ops += p.set.size();
      stats_.bytes += p.set.ByteSize();
    }
  } else {
    absl::MutexLock lock(&mu_);
    if (failed_.ok()) {
      // Whether any of this batch reached the disk is unknown: stop writing.
      failed_ = absl::UnavailableError(absl::StrCat(
          "The store refuses writes since a write failed (", status.message(),
          "). Reads still work; restart the server once the disk is "
          "healthy. Every acknowledged transition is safe."));
    }
    status = failed_;
  }
  absl::MutexLock lock(&answers_mu_);
  answers_.push_back({std::move(*group), std::move(status)});
}

void Committer::AnswerLoop() {
  for (;;) {
    Answer answer;
    {
      absl::MutexLock lock(&answers_mu_);
      answers_mu_.Await(absl::Condition(
          +[](Committer* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return c->written_all_ || !c->answers_.empty();
          },
          this));
      if (answers_.empty()) return;  // the write loop ended, all answered
      answer = std::move(answers_.front());
      answers_.pop_front();
    }
    for (Pending& p : answer.group) p.done(answer.status);
  }
}

}  // namespace wf
