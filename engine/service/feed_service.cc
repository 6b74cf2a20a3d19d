// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/feed_service.h"

#include <deque>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/service/convert.h"
#include "engine/service/status_map.h"
#include "engine/service/struct_json.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

absl::Status ShuttingDown() {
  return Refusal(absl::UnavailableError(
                     "Expected to stream the feed, but the server is shutting "
                     "down: watch again from the last cursor once it is back"),
                 reason::kShuttingDown);
}

void ToProto(const FeedItem& in, v1::FeedItem* out) {
  out->Clear();
  out->set_cursor(absl::StrCat(in.cursor));
  out->set_kind(in.kind);
  out->set_instance_id(in.instance_id);
  out->set_workflow(in.workflow);
  out->set_workflow_version(in.workflow_version);
  out->set_unit(in.unit_id);
  out->set_parent_id(in.parent_id);
  out->set_event(in.event);
  out->set_from_state(in.from_state);
  out->set_to_state(in.to_state);
  out->set_seq(in.seq);
  ToTimestamp(in.at, out->mutable_at());
  out->set_actor(in.actor);
  // The engine wrote the JSON itself; it always converts.
  JsonTextToStruct(in.data_json, out->mutable_data()).IgnoreError();
}

// A stream refused before it began.
class RefusedWatch final : public grpc::ServerWriteReactor<v1::FeedItem> {
 public:
  RefusedWatch(grpc::CallbackServerContext* context,
               const absl::Status& status) {
    grpc::Status refusal = ToGrpcStatus(status);
    EndCall(context, refusal);
    Finish(refusal);
  }
  void OnDone() override { delete this; }
};

}  // namespace

// One Watch stream. States, under mu_: a write in flight (writing_), waiting
// for the engine's wake (waiting_), or a page read in progress (neither);
// at most one of them, so Next() never runs twice at once.
class WatchReactor final : public grpc::ServerWriteReactor<v1::FeedItem> {
 public:
  WatchReactor(FeedServiceImpl* service, grpc::CallbackServerContext* context,
               FeedRequest request)
      : service_(service), engine_(service->engine_), context_(context),
        request_(std::move(request)) {}

  void Begin() { Next(); }

  // The server is stopping.
  void Stop() { Interrupt(ShuttingDown()); }

  // From the service's thread: ends the stream if its token no longer
  // holds. Reads only the call's metadata, which does not change.
  void Recheck() {
    absl::StatusOr<Actor> actor = Caller(engine_, service_->auth_, context_);
    if (!actor.ok()) Interrupt(actor.status());
  }

  void OnCancel() override {
    Interrupt(absl::CancelledError("The client cancelled the stream"));
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
    }
    if (!ok) return End(absl::CancelledError("The client went away"));
    Next();
  }

  void OnDone() override {
    service_->Forget(this);
    delete this;
  }

 private:
  // Ends the stream with `status` unless a write is in flight (then
  // OnWriteDone or Next ends it) or it has ended. The wake is cancelled
  // outside mu_: Cancel waits for a running wake, which takes mu_.
  void Interrupt(absl::Status status) {
    uint64_t wake = 0;
    {
      absl::MutexLock lock(&mu_);
      if (interrupted_.ok()) interrupted_ = status;
      if (!waiting_) return;
      waiting_ = false;
      wake = wake_id_;
    }
    engine_->CancelFeedWake(wake);
    End(status);
  }

  void Wake() {
    {
      absl::MutexLock lock(&mu_);
      if (!waiting_) return;  // interrupted meanwhile
      waiting_ = false;
    }
    Next();
  }

  // With no write in flight and no wake pending: writes the next item,
  // reading a page first if none is held, or waits for one.
  void Next() {
    for (;;) {
      absl::Status interrupted = Interrupted();
      if (!interrupted.ok()) return End(interrupted);
      absl::Status still = StillAllowed();
      if (!still.ok()) return End(still);
      if (!page_.empty()) return WriteFront();
      absl::StatusOr<FeedPage> page = engine_->ReadFeed(request_);
      if (!page.ok()) return End(page.status());
      const bool moved = page->next_after != request_.after;
      request_.after = page->next_after;
      page_.assign(page->items.begin(), page->items.end());
      // Filters can leave a page empty while the feed goes on: read on.
      if (page_.empty() && !moved) return Wait();
    }
  }

  void WriteFront() {
    ToProto(page_.front(), &out_);
    page_.pop_front();
    {
      absl::MutexLock lock(&mu_);
      writing_ = true;
    }
    StartWrite(&out_);
  }

  // Unless interrupted since Next looked: asks to be woken by the next
  // item (on the engine's waker thread, never inline).
  void Wait() {
    absl::Status interrupted;
    {
      absl::MutexLock lock(&mu_);
      interrupted = interrupted_;
      if (interrupted.ok()) {
        waiting_ = true;
        wake_id_ = engine_->WakeOnFeed(request_.after, [this] { Wake(); });
        return;
      }
    }
    End(interrupted);
  }

  absl::Status Interrupted() {
    absl::MutexLock lock(&mu_);
    return interrupted_;
  }

  // The stream's token, checked again before every item and page: a token
  // revoked (or expired) since the stream opened gets nothing more, and the
  // stream ends with the reason. A cached lookup (TokenStore), as every
  // call makes.
  absl::Status StillAllowed() {
    absl::StatusOr<Actor> actor = Caller(engine_, service_->auth_, context_);
    if (!actor.ok()) return actor.status();
    request_.actor = *std::move(actor);
    return absl::OkStatus();
  }

  // Finishes once.
  void End(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    grpc::Status end = ToGrpcStatus(status);
    EndCall(context_, end);
    Finish(end);
  }

  FeedServiceImpl* const service_;
  Engine* const engine_;
  grpc::CallbackServerContext* const context_;
  FeedRequest request_;  // request_.after: the last cursor read
  std::deque<FeedItem> page_;
  v1::FeedItem out_;  // the item being written
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t wake_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status interrupted_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<uint64_t> ParseFeedCursor(Engine* engine, const Actor& actor,
                                         const std::string& cursor) {
  if (cursor.empty()) return 0;
  if (cursor == "now") return engine->FeedHead(actor);
  uint64_t after = 0;
  if (!absl::SimpleAtoi(cursor, &after) || cursor[0] == '+' ||
      cursor[0] == '-') {
    return ForField(absl::InvalidArgumentError(absl::StrCat(
                        "Expected `cursor` to be a FeedItem.cursor, \"now\" "
                        "or empty, but got '", cursor, "'")),
                    "cursor", reason::kInvalidField);
  }
  return after;
}

grpc::ServerWriteReactor<v1::FeedItem>* FeedServiceImpl::Watch(
    grpc::CallbackServerContext* context, const v1::WatchRequest* request) {
  WF_OBSERVE(false);
  absl::Status readable = UnreadableRequest(*request);
  if (!readable.ok()) return new RefusedWatch(context, readable);
  auto actor = Caller(engine_, auth_, context);
  if (!actor.ok()) return new RefusedWatch(context, actor.status());
  NoteActor(context, *actor);
  FeedRequest feed;
  feed.actor = *actor;
  auto after = ParseFeedCursor(engine_, *actor, request->cursor());
  if (!after.ok()) return new RefusedWatch(context, after.status());
  feed.after = *after;
  feed.workflow = request->workflow();
  feed.unit_id = request->unit();
  feed.kinds.assign(request->kinds().begin(), request->kinds().end());
  WatchReactor* reactor = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return new RefusedWatch(context, ShuttingDown());
    reactor = new WatchReactor(this, context, std::move(feed));
    open_.insert(reactor);
  }
  reactor->Begin();
  return reactor;
}

FeedServiceImpl::FeedServiceImpl(Engine* engine, AuthMode auth,
                                 const ObserveOptions* observe,
                                 absl::Duration recheck)
    : engine_(engine), auth_(auth), observe_(observe), recheck_(recheck),
      rechecker_([this] { RecheckLoop(); }) {}

FeedServiceImpl::~FeedServiceImpl() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  rechecker_.join();
}

void FeedServiceImpl::RecheckLoop() {
  absl::MutexLock lock(&mu_);
  // A reactor leaves open_ only in OnDone, which waits for mu_ (as in Stop).
  while (!mu_.AwaitWithTimeout(absl::Condition(&stopping_), recheck_)) {
    for (WatchReactor* reactor : open_) reactor->Recheck();
  }
}

void FeedServiceImpl::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  // A reactor leaves open_ only in OnDone, which waits for mu_: none of
  // these is deleted while Stop runs.
  for (WatchReactor* reactor : open_) reactor->Stop();
}

void FeedServiceImpl::Forget(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  open_.erase(reactor);
}

}  // namespace wf
