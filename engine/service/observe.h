// Copyright the wf-engine authors. Apache-2.0.
//
// Watching the server's calls: per gRPC call, the metrics (calls by method
// and code, latency of unary calls by method) and one access-log line when
// it ends, with who called, on which document, and a trace id. Installed on
// the ServerBuilder (Observe) as gRPC's server interceptor — the one place
// that sees every method's name and final status. The interceptor cannot
// know who the caller is or which document a call touched: handlers note
// that (NoteActor, NoteInstance, ...) into the call's notes, found by its
// server context. A method the server does not have is counted as
// method="unknown" (its name comes from the client).
//
// The trace id is the one of the W3C `traceparent` metadata when the client
// sends it, else a new random one per call.
//
// Off (no metrics, no access log), nothing is installed: no cost at all.
#ifndef WF_SERVICE_OBSERVE_H_
#define WF_SERVICE_OBSERVE_H_

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/string_view.h"
#include "engine/metrics/metrics.h"

namespace wf {

// What a handler knows about its call, for the access log. Only ids and
// names: never a token, variables or a payload.
struct CallNotes {
  std::string actor;
  std::string unit;
  std::string instance;
  std::string workflow;
  std::string event;
};

// Note one fact of the call, when the access log is on; empty values are
// ignored. Values that come from a request are cut at 128 bytes. Written
// by the handler and its completion callback, read when the status is
// sent; after that a note is dropped.
void NoteInstance(grpc::CallbackServerContext* context, absl::string_view id);
void NoteWorkflow(grpc::CallbackServerContext* context,
                  absl::string_view workflow, absl::string_view event);
void NoteUnit(grpc::CallbackServerContext* context, absl::string_view unit);
void NoteActor(grpc::CallbackServerContext* context, absl::string_view id);

struct ObserveOptions {
  Metrics* metrics = nullptr;  // not owned; outlives the server
  bool access_log = false;
};

// Installs the interceptor and the context allocator on `builder`, unless
// both are off.
void Observe(grpc::ServerBuilder* builder, const ObserveOptions& options);

// The trace id of a `traceparent` value ("00-<32 hex>-<16 hex>-<2 hex>"),
// or "" when it is not one.
std::string TraceIdOf(absl::string_view traceparent);
// A new random trace id: 32 lower-case hex digits.
std::string NewTraceId();

}  // namespace wf

#endif  // WF_SERVICE_OBSERVE_H_
