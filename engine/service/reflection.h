// Copyright the wf-engine authors. Apache-2.0.
//
// gRPC server reflection (grpc.reflection.v1alpha, the only version gRPC
// 1.51 has), served from descriptors that keep the .proto files' comments.
//
// gRPC's own reflection plugin describes what protobuf's compiled-in pool
// holds, and protoc's C++ code compiles descriptors without source info: a
// generic client saw the API without a word of its documentation. This
// service answers from a descriptor set that protoc wrote with
// --include_source_info (proto/CMakeLists.txt), which holds wf.v1, the
// health service and reflection itself, so every service it lists can be
// described, comments included.
#ifndef WF_SERVICE_REFLECTION_H_
#define WF_SERVICE_REFLECTION_H_

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "engine/service/observe.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace wf {

class ReflectionService final
    : public grpc::reflection::v1alpha::ServerReflection::Service {
 public:
  // `services`: the full names of the services the server offers, as
  // list_services answers them. `observe`: the server's (may be null).
  ReflectionService(std::vector<std::string> services,
                    const ObserveOptions* observe = nullptr);

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<
          grpc::reflection::v1alpha::ServerReflectionResponse,
          grpc::reflection::v1alpha::ServerReflectionRequest>* stream)
      override;

 private:
  void Answer(const grpc::reflection::v1alpha::ServerReflectionRequest& request,
              grpc::reflection::v1alpha::ServerReflectionResponse* response)
      const;

  const std::vector<std::string> services_;
  const ObserveOptions* const observe_;
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
};

}  // namespace wf

#endif  // WF_SERVICE_REFLECTION_H_
