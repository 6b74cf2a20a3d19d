// Copyright the wf-engine authors. Apache-2.0.
//
// The one place where engine errors become gRPC statuses. absl and gRPC share
// the canonical codes, so the code passes through unchanged; the message is
// the engine's, which says what was expected and what was found. Every
// refusal also carries a google.rpc.Status in the binary error details
// (the `grpc-status-details-bin` trailer): an ErrorInfo with domain
// "wf.engine" and a reason of wf.v1.ErrorReason (the refusal's own, from
// engine/util/refusal.h, or the generic OTHER_<CODE>), plus BadRequest,
// PreconditionFailure and a vi-VN LocalizedMessage where they apply.
#ifndef WF_SERVICE_STATUS_MAP_H_
#define WF_SERVICE_STATUS_MAP_H_

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace wf {

// ErrorInfo.domain of every refusal.
inline constexpr char kErrorDomain[] = "wf.engine";

grpc::Status ToGrpcStatus(const absl::Status& status);

// The details ToGrpcStatus sends, unserialized (for tests).
google::rpc::Status ToRpcStatus(const absl::Status& status);

// The reason a refusal without one of its own gets: "OTHER_" and the code's
// name ("OTHER_INVALID_ARGUMENT").
std::string GenericReason(absl::StatusCode code);

}  // namespace wf

#endif  // WF_SERVICE_STATUS_MAP_H_
