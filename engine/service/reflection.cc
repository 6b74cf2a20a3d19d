// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/reflection.h"

#include <set>
#include <utility>

#include <google/protobuf/descriptor.pb.h>

#include "absl/strings/str_cat.h"
#include "engine/util/log.h"

namespace wf {

// The descriptor set with source info, embedded at build time.
extern const char kApiDescriptors[];
extern const size_t kApiDescriptorsSize;

namespace {

namespace pb = google::protobuf;
namespace rf = grpc::reflection::v1alpha;

// The files in dependency order (protoc writes them so with
// --include_imports), each built into `pool`.
std::unique_ptr<pb::DescriptorPool> LoadPool() {
  auto pool = std::make_unique<pb::DescriptorPool>();
  pb::FileDescriptorSet set;
  if (!set.ParseFromArray(kApiDescriptors, static_cast<int>(kApiDescriptorsSize))) {
    WF_LOG_ERROR("reflection: the embedded descriptor set does not parse");
    return pool;
  }
  for (const pb::FileDescriptorProto& file : set.file()) {
    if (pool->BuildFile(file) == nullptr) {
      WF_LOG_ERROR("reflection: cannot describe ", file.name());
    }
  }
  return pool;
}

// A file and, once each, those it imports (v1alpha: the client learns the
// imports with the file).
void AddFile(const pb::FileDescriptor* file, std::set<std::string>* sent,
             rf::FileDescriptorResponse* out) {
  if (!sent->insert(file->name()).second) return;
  pb::FileDescriptorProto proto;
  file->CopyTo(&proto);
  file->CopySourceCodeInfoTo(&proto);  // the comments
  proto.SerializeToString(out->add_file_descriptor_proto());
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFile(file->dependency(i), sent, out);
  }
}

void NotFound(const std::string& what, rf::ServerReflectionResponse* out) {
  out->mutable_error_response()->set_error_code(
      static_cast<int>(grpc::StatusCode::NOT_FOUND));
  out->mutable_error_response()->set_error_message(
      absl::StrCat("Expected ", what, " the server offers, but there is none"));
}

}  // namespace

ReflectionService::ReflectionService(std::vector<std::string> services,
                                     const ObserveOptions* observe)
    : services_(std::move(services)), observe_(observe), pool_(LoadPool()) {}

// The answer to one request: a list, a file with its imports, or an error.
void ReflectionService::Answer(const rf::ServerReflectionRequest& request,
                               rf::ServerReflectionResponse* response) const {
  response->set_valid_host(request.host());
  *response->mutable_original_request() = request;
  const pb::FileDescriptor* file = nullptr;
  std::string what;
  switch (request.message_request_case()) {
    case rf::ServerReflectionRequest::kListServices:
      for (const std::string& name : services_) {
        response->mutable_list_services_response()->add_service()->set_name(
            name);
      }
      return;
    case rf::ServerReflectionRequest::kFileByFilename:
      file = pool_->FindFileByName(request.file_by_filename());
      what = absl::StrCat("a file '", request.file_by_filename(), "'");
      break;
    case rf::ServerReflectionRequest::kFileContainingSymbol:
      file = pool_->FindFileContainingSymbol(request.file_containing_symbol());
      what = absl::StrCat("a symbol '", request.file_containing_symbol(), "'");
      break;
    case rf::ServerReflectionRequest::kAllExtensionNumbersOfType: {
      // The API declares no extensions: every message has none.
      const std::string& type = request.all_extension_numbers_of_type();
      if (pool_->FindMessageTypeByName(type) != nullptr) {
        response->mutable_all_extension_numbers_response()->set_base_type_name(
            type);
        return;
      }
      what = absl::StrCat("a message type '", type, "'");
      break;
    }
    case rf::ServerReflectionRequest::kFileContainingExtension:
      what = absl::StrCat("an extension of '",
                          request.file_containing_extension().containing_type(),
                          "'");
      break;
    default:  // no request kind set: every kind there is is answered above
      response->mutable_error_response()->set_error_code(
          static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      response->mutable_error_response()->set_error_message(
          "Expected one of list_services, file_by_filename, "
          "file_containing_symbol, file_containing_extension or "
          "all_extension_numbers_of_type, but the request sets none");
      return;
  }
  if (file == nullptr) return NotFound(what, response);
  std::set<std::string> sent;  // per answer, as gRPC's own reflection does
  AddFile(file, &sent, response->mutable_file_descriptor_response());
}

grpc::Status ReflectionService::ServerReflectionInfo(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<rf::ServerReflectionResponse,
                             rf::ServerReflectionRequest>* stream) {
  static const std::string* const method = new std::string(
      MethodPath(rf::ServerReflection::service_full_name(), __func__));
  BeginCall(observe_, context, method->c_str(), false);
  rf::ServerReflectionRequest request;
  while (stream->Read(&request)) {
    rf::ServerReflectionResponse response;
    Answer(request, &response);
    if (!stream->Write(response)) break;
  }
  EndCall(context, grpc::Status::OK);
  return grpc::Status::OK;
}

}  // namespace wf
