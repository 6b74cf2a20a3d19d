// Copyright the wf-engine authors. Apache-2.0.
//
// FileService (proto/wf/v1/workflow.proto): uploads stream into
// Engine::BeginUpload, downloads stream out of Engine::OpenFile. Thin: the
// checks and the attach step are the engine's.
#ifndef WF_SERVICE_FILE_SERVICE_H_
#define WF_SERVICE_FILE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "engine/service/actor.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

// The largest chunk a client may send or is sent, and the receive limit
// the server needs for it (a chunk plus its message's framing).
inline constexpr size_t kFileChunkBytes = 1 << 20;
inline constexpr int kMinReceiveMessageBytes = kFileChunkBytes + (64 << 10);

class FileServiceImpl final : public v1::FileService::CallbackService {
 public:
  using Api = v1::FileService;

  FileServiceImpl(Engine* engine, AuthMode auth,
                  const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), observe_(observe) {}

  grpc::ServerReadReactor<v1::UploadFileRequest>* UploadFile(
      grpc::CallbackServerContext* context,
      v1::UploadFileResponse* response) override;
  grpc::ServerWriteReactor<v1::DownloadFileResponse>* DownloadFile(
      grpc::CallbackServerContext* context,
      const v1::DownloadFileRequest* request) override;
  grpc::ServerUnaryReactor* ListFiles(grpc::CallbackServerContext* context,
                                      const v1::ListFilesRequest* request,
                                      v1::ListFilesResponse* response) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
};

}  // namespace wf

#endif  // WF_SERVICE_FILE_SERVICE_H_
