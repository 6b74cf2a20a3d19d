// Copyright the wf-engine authors. Apache-2.0.
//
// FeedService.Watch: the feed (Engine::ReadFeed) as a long-lived server
// stream. Each stream is a ServerWriteReactor that holds one bounded page
// read from the store and writes one item at a time, reading the next page
// when the last write is done; with nothing new it asks the engine to wake
// it (Engine::WakeOnFeed) and holds no thread meanwhile. So a slow client
// holds at most a page in memory and slows only its own stream; the engine
// never waits for it.
//
// A stream ends when the client cancels, on an error, when the server
// stops (Stop(): UNAVAILABLE, SHUTTING_DOWN), so that shutting down does
// not wait for the grace period on streams that would never end, and when
// its token no longer holds (revoked or expired: UNAUTHENTICATED). The
// token is checked before every item and page, and an idle stream's every
// `recheck` by a thread of the service, so that a revoked integration's
// stream does not stay open until the next item.
#ifndef WF_SERVICE_FEED_SERVICE_H_
#define WF_SERVICE_FEED_SERVICE_H_

#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/service/actor.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

class WatchReactor;

class FeedServiceImpl final : public v1::FeedService::CallbackService {
 public:
  using Api = v1::FeedService;

  // `recheck`: how often open streams' tokens are checked while idle.
  FeedServiceImpl(Engine* engine, AuthMode auth,
                  const ObserveOptions* observe = nullptr,
                  absl::Duration recheck = absl::Seconds(5));
  ~FeedServiceImpl() override;

  grpc::ServerWriteReactor<v1::FeedItem>* Watch(
      grpc::CallbackServerContext* context,
      const v1::WatchRequest* request) override;

  // Ends every open stream with UNAVAILABLE (SHUTTING_DOWN) as soon as it
  // has no write in flight, and refuses new ones. Before the server shuts
  // down.
  void Stop();

 private:
  friend class WatchReactor;
  void Forget(WatchReactor* reactor);
  // Until Stop: every recheck_, ends the open streams whose token no
  // longer holds.
  void RecheckLoop();

  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
  const absl::Duration recheck_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<WatchReactor*> open_ ABSL_GUARDED_BY(mu_);
  std::thread rechecker_;  // last: it starts once the rest is made
};

// The cursor of WatchRequest as the engine's: "" is 0 (from the oldest
// kept), "now" the head, else the decimal number FeedItem.cursor carries.
absl::StatusOr<uint64_t> ParseFeedCursor(Engine* engine, const Actor& actor,
                                         const std::string& cursor);

}  // namespace wf

#endif  // WF_SERVICE_FEED_SERVICE_H_
