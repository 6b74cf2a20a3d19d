// Copyright the wf-engine authors. Apache-2.0.
//
// Who is calling: every call but health checking and reflection carries
// `authorization: Bearer wft_...`, which the engine turns into an actor
// (a person of the org directory, or an administrator).
//
// `kTrustMetadata` is for local development and benchmarks only: the actor
// is the `wf-actor` metadata entry, trusted as the embedder is — never use it
// on a network (wf_server refuses it on a non-loopback address).
#ifndef WF_SERVICE_ACTOR_H_
#define WF_SERVICE_ACTOR_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "wf/engine.h"

namespace wf {

enum class AuthMode { kTokens, kTrustMetadata };

absl::StatusOr<Actor> Caller(Engine* engine, AuthMode mode,
                             const grpc::CallbackServerContext* context);

}  // namespace wf

#endif  // WF_SERVICE_ACTOR_H_
