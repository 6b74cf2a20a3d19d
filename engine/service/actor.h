// Copyright the wf-engine authors. Apache-2.0.
//
// Who is calling. Until bearer-token authentication lands, the actor is read
// from the `wf-actor` metadata entry (trusted: run the server on loopback
// only). This is the seam authentication replaces.
#ifndef WF_SERVICE_ACTOR_H_
#define WF_SERVICE_ACTOR_H_

#include <grpcpp/grpcpp.h>

#include "wf/types.h"

namespace wf {

inline Actor ActorOf(const grpc::CallbackServerContext* context) {
  Actor actor;
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("wf-actor");
  if (it != metadata.end()) {
    actor.id = std::string(it->second.data(), it->second.size());
  }
  return actor;
}

}  // namespace wf

#endif  // WF_SERVICE_ACTOR_H_
