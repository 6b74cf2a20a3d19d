// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/verify_all_reactor.h"

#include <atomic>
#include <deque>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/service/convert.h"
#include "engine/service/observe.h"
#include "engine/service/status_map.h"

namespace wf {
namespace {

constexpr absl::Duration kProgressEvery = absl::Milliseconds(200);

void ToProto(const VerifyFailure& in, v1::VerifyAllFailure* out) {
  out->set_instance_id(in.instance_id);
  out->set_workflow(in.workflow);
  out->set_workflow_version(in.workflow_version);
  out->set_failed_event(in.failed_event);
  out->set_problem(in.problem);
}

void ToProto(const VerifyAllProgress& in, v1::VerifyAllProgress* out) {
  out->set_done(in.done);
  out->set_total(in.total);
  out->set_failed(in.failed);
}

void ToProto(const VerifyAllSummary& in, v1::VerifyAllSummary* out) {
  out->set_total(in.total);
  out->set_verified(in.verified);
  out->set_failed(in.failed);
  for (const VerifyFailure& f : in.failures) ToProto(f, out->add_failures());
  ToDuration(in.took, out->mutable_took());
}

class VerifyAllReactor final
    : public grpc::ServerWriteReactor<v1::VerifyAllUpdate> {
 public:
  VerifyAllReactor(Engine* engine, grpc::CallbackServerContext* context,
                   Actor actor)
      : engine_(engine), context_(context), actor_(std::move(actor)) {}

  // Detached: the thread's last act is to hand the end to the stream
  // (Pump), after which OnDone may delete this at any time.
  void Begin() {
    std::thread([this] { Run(); }).detach();
  }

  // A caller who did not authenticate: the stream ends at once.
  void Refuse(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      end_ = ToGrpcStatus(status);
      ended_ = true;
    }
    Pump();
  }

  void OnCancel() override { cancelled_ = true; }

  void OnWriteDone(bool ok) override {
    if (!ok) cancelled_ = true;  // the client went away
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
    }
    Pump();
  }

  void OnDone() override { delete this; }

 private:
  void Run() {
    auto summary = engine_->VerifyAll(
        actor_, [this](const VerifyAllProgress& p, const VerifyFailure* f) {
          return Observe(p, f);
        });
    {
      absl::MutexLock lock(&mu_);
      if (summary.ok()) {
        ToProto(last_, NewProgress());  // the last count, whatever the time
        ToProto(*summary, Queue().mutable_summary());
      }
      end_ = ToGrpcStatus(summary.status());
      ended_ = true;
    }
    Pump();
  }

  bool Observe(const VerifyAllProgress& progress,
               const VerifyFailure* failure) {
    {
      absl::MutexLock lock(&mu_);
      last_ = progress;
      if (failure != nullptr &&
          progress.failed <= VerifyAllSummary::kMaxListed) {
        ToProto(*failure, Queue().mutable_failure());
      }
      const absl::Time now = absl::Now();
      if (now - last_sent_ >= kProgressEvery) {
        last_sent_ = now;
        ToProto(progress, NewProgress());
      }
    }
    Pump();
    return !cancelled_;
  }

  v1::VerifyAllUpdate& Queue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    queue_.emplace_back();
    return queue_.back();
  }

  // A progress update not yet written is replaced, not queued behind.
  v1::VerifyAllProgress* NewProgress() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (queue_.empty() || !queue_.back().has_progress()) Queue();
    return queue_.back().mutable_progress();
  }

  // Writes the next update if no write is in flight, or finishes once the
  // run has ended and everything is written. gRPC is called outside mu_:
  // OnDone (which deletes this) may follow Finish at once.
  void Pump() {
    bool write = false;
    bool finish = false;
    grpc::Status end;  // a copy: this may be deleted once Finish is called
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || finished_) return;
      if (!queue_.empty() && !cancelled_) {
        out_ = std::move(queue_.front());
        queue_.pop_front();
        writing_ = write = true;
      } else if (ended_) {
        finished_ = finish = true;
        end = end_;
      }
    }
    if (write) StartWrite(&out_);
    if (finish) {
      EndCall(context_, end);
      Finish(end);
    }
  }

  Engine* const engine_;
  grpc::CallbackServerContext* const context_;
  const Actor actor_;
  std::atomic<bool> cancelled_{false};
  v1::VerifyAllUpdate out_;  // the update being written
  grpc::Status end_ ABSL_GUARDED_BY(mu_);
  absl::Mutex mu_;
  std::deque<v1::VerifyAllUpdate> queue_ ABSL_GUARDED_BY(mu_);
  VerifyAllProgress last_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sent_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerWriteReactor<v1::VerifyAllUpdate>* StartVerifyAll(
    Engine* engine, grpc::CallbackServerContext* context,
    const absl::StatusOr<Actor>& caller) {
  auto* reactor =
      new VerifyAllReactor(engine, context, caller.ok() ? *caller : Actor());
  if (caller.ok()) {
    reactor->Begin();
  } else {
    reactor->Refuse(caller.status());
  }
  return reactor;
}

}  // namespace wf
