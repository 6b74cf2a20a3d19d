// Copyright the wf-engine authors. Apache-2.0.
//
// AdminService.VerifyAll as a server stream. Engine::VerifyAll runs for as
// long as the store is large (minutes for millions of instances), so it runs
// on a thread of its own, not on one of gRPC's: the run hands its updates to
// the reactor, which writes one at a time. Progress is coalesced (one update
// at most every 200 ms, the newest replacing one not yet written), so a slow
// client never makes the run wait or the queue grow; failures are each
// written (the first 1000). Cancelling the call stops the run at the next
// instance.
#ifndef WF_SERVICE_VERIFY_ALL_REACTOR_H_
#define WF_SERVICE_VERIFY_ALL_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

// Starts the run for `caller` and returns its stream's reactor (which
// deletes itself); a caller that did not authenticate gets its error. The
// call's observation (observe.h) ends when the stream finishes.
grpc::ServerWriteReactor<v1::VerifyAllUpdate>* StartVerifyAll(
    Engine* engine, grpc::CallbackServerContext* context,
    const absl::StatusOr<Actor>& caller);

}  // namespace wf

#endif  // WF_SERVICE_VERIFY_ALL_REACTOR_H_
