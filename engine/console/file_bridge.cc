// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/file_bridge.h"

#include <algorithm>
#include <chrono>

#include "engine/util/sha256.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf::console {
namespace {

namespace pb = ::wf::v1;
constexpr size_t kChunkBytes = 1 << 20;  // the API's largest chunk

void Prepare(grpc::ClientContext* context, absl::Duration deadline,
             const std::string& token) {
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline));
  context->AddMetadata("authorization", "Bearer " + token);
}

}  // namespace

struct FileBridge::Stub {
  std::unique_ptr<pb::FileService::Stub> files;
};

FileBridge::FileBridge(std::shared_ptr<grpc::Channel> channel,
                       absl::Duration deadline)
    : stub_(std::make_unique<Stub>()), deadline_(deadline) {
  stub_->files = pb::FileService::NewStub(channel);
}

FileBridge::~FileBridge() = default;

JsonAnswer FileBridge::Upload(const UploadTarget& target,
                              const std::string& bytes,
                              const std::string& token) const {
  grpc::ClientContext context;
  Prepare(&context, deadline_, token);
  pb::UploadFileResponse response;
  auto writer = stub_->files->UploadFile(&context, &response);
  pb::UploadFileRequest message;
  pb::UploadFileHeader* header = message.mutable_header();
  header->set_instance_id(target.instance_id);
  header->set_slot(target.slot);
  header->set_name(target.name);
  header->set_sha256(ToHex(Sha256(bytes)));
  header->set_size(bytes.size());
  header->set_idempotency_key(target.idempotency_key);
  // A write that fails means the server ended the call: Finish says why.
  bool open = writer->Write(message);
  for (size_t at = 0; open && at < bytes.size(); at += kChunkBytes) {
    message.set_chunk(bytes.substr(at, std::min(kChunkBytes, bytes.size() - at)));
    open = writer->Write(message);
  }
  if (open) writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return RpcBridge::Refusal(status);
  return AnswerJson(response);
}

FileAnswer FileBridge::Download(const std::string& instance_id,
                                const std::string& slot, uint32_t version,
                                size_t max_bytes,
                                const std::string& token) const {
  grpc::ClientContext context;
  Prepare(&context, deadline_, token);
  pb::DownloadFileRequest request;
  request.set_instance_id(instance_id);
  request.set_slot(slot);
  request.set_version(version);
  auto reader = stub_->files->DownloadFile(&context, request);
  FileAnswer answer;
  pb::DownloadFileResponse message;
  bool too_large = false;
  while (reader->Read(&message)) {
    if (message.has_file()) {
      answer.name = message.file().name();
      answer.media_type = message.file().media_type();
    } else if (answer.bytes.size() + message.chunk().size() > max_bytes) {
      too_large = true;
      context.TryCancel();
      break;
    } else {
      answer.bytes += message.chunk();
    }
  }
  grpc::Status status = reader->Finish();
  if (too_large) {
    answer.refusal = {413, ErrorJson("RESOURCE_EXHAUSTED",
                                     "Tệp lớn hơn mức bảng điều khiển tải về "
                                     "được: hãy tải bằng công cụ khác.",
                                     "file over the console's limit")};
    return answer;
  }
  if (!status.ok()) {
    answer.refusal = RpcBridge::Refusal(status);
    return answer;
  }
  answer.ok = true;
  return answer;
}

}  // namespace wf::console
