// Copyright the wf-engine authors. Apache-2.0.
//
// Watching the server's calls: per gRPC call, the metrics (calls by method
// and code, latency of unary calls by method) and one access-log line when
// it ends, with who called, on which document, and a trace id.
//
// The handlers do it themselves, not a gRPC interceptor: BeginCall when a
// handler starts (WF_CALLER does it), EndCall just before its status is
// sent (Answer and FinishCall do it). An interceptor would see every call
// for free, but once one is installed gRPC 1.51 runs its interception
// machinery around every batch of every call, which cost 5-12% of the
// server's throughput under the approval benchmark; the handlers' own
// bookkeeping costs about 1.5%. Handlers note who called and which
// document a call touched (NoteActor, NoteInstance, ...) into the call's
// notes, found by its server context. A method the server does not have
// is answered by UnknownMethods and counted as method="unknown" (its name
// comes from the client). What gRPC refuses before any handler runs (a
// message over the size limit) and gRPC's own health service are not
// counted; a request that does not decode reaches its handler, which
// refuses it (request_reader.h), and is counted.
//
// The trace id is the one of the W3C `traceparent` metadata when the client
// sends it, else a new random one per call.
//
// Off (no metrics, no access log), BeginCall and EndCall return at once.
#ifndef WF_SERVICE_OBSERVE_H_
#define WF_SERVICE_OBSERVE_H_

#include <memory>
#include <string>

#include <grpcpp/generic/async_generic_service.h>
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
// by the handler and its completion callback until EndCall.
void NoteInstance(grpc::CallbackServerContext* context, absl::string_view id);
void NoteWorkflow(grpc::CallbackServerContext* context,
                  absl::string_view workflow, absl::string_view event);
void NoteUnit(grpc::CallbackServerContext* context, absl::string_view unit);
void NoteActor(grpc::CallbackServerContext* context, absl::string_view id);

struct ObserveOptions {
  Metrics* metrics = nullptr;  // not owned; outlives the server
  bool access_log = false;

  bool on() const { return metrics != nullptr || access_log; }
};

// Begins watching a call of `method`, the path "/package.Service/Method"
// (not copied: it must outlive the server), when `options` (may be null)
// has anything on. `unary`: its latency goes into the histogram.
void BeginCall(const ObserveOptions* options,
               grpc::ServerContextBase* context, const char* method,
               bool unary);

// Ends the call begun on `context`, if one was: counts it and writes its
// access line. Call it before the status is sent (the context may be gone
// after); a second call for the same context does nothing.
void EndCall(grpc::ServerContextBase* context, const grpc::Status& status);

// "/wf.v1.WorkflowService/FireEvent" from "wf.v1.WorkflowService" and
// "FireEvent".
std::string MethodPath(absl::string_view service, absl::string_view method);

// Answers every call to a method no registered service has, with
// UNIMPLEMENTED naming it, and counts it as method="unknown".
std::unique_ptr<grpc::CallbackGenericService> UnknownMethods(
    const ObserveOptions* options);

// The trace id of a `traceparent` value ("00-<32 hex>-<16 hex>-<2 hex>"),
// or "" when it is not one.
std::string TraceIdOf(absl::string_view traceparent);
// A new random trace id: 32 lower-case hex digits.
std::string NewTraceId();

}  // namespace wf

#endif  // WF_SERVICE_OBSERVE_H_
