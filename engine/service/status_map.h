// Copyright the wf-engine authors. Apache-2.0.
//
// The one place where engine errors become gRPC statuses. absl and gRPC share
// the canonical codes, so the code passes through unchanged; the message is
// the engine's, which says what was expected and what was found.
#ifndef WF_SERVICE_STATUS_MAP_H_
#define WF_SERVICE_STATUS_MAP_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace wf {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace wf

#endif  // WF_SERVICE_STATUS_MAP_H_
