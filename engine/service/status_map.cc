// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/status_map.h"

#include <string>

namespace wf {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace wf
