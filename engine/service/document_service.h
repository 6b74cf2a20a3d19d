// Copyright the wf-engine authors. Apache-2.0.
//
// wf.v1.DocumentService: documents, incoming lists, registers. Thin, like
// the workflow service: authenticate, convert, call the engine, convert.
#ifndef WF_SERVICE_DOCUMENT_SERVICE_H_
#define WF_SERVICE_DOCUMENT_SERVICE_H_

#include "engine/service/actor.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

class DocumentServiceImpl final : public v1::DocumentService::CallbackService {
 public:
  using Api = v1::DocumentService;

  DocumentServiceImpl(Engine* engine, AuthMode auth,
                      const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), observe_(observe) {}

  grpc::ServerUnaryReactor* GetDocument(grpc::CallbackServerContext* context,
                                        const v1::GetDocumentRequest* request,
                                        v1::Document* response) override;
  grpc::ServerUnaryReactor* RenderDocument(
      grpc::CallbackServerContext* context,
      const v1::GetDocumentRequest* request,
      v1::RenderedDocument* response) override;
  grpc::ServerUnaryReactor* AcknowledgeDocument(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeDocumentRequest* request,
      v1::AcknowledgeDocumentResponse* response) override;
  grpc::ServerUnaryReactor* ListIncoming(
      grpc::CallbackServerContext* context,
      const v1::ListIncomingRequest* request,
      v1::ListIncomingResponse* response) override;
  grpc::ServerUnaryReactor* ReadRegister(
      grpc::CallbackServerContext* context,
      const v1::ReadRegisterRequest* request,
      v1::ReadRegisterResponse* response) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
};

}  // namespace wf

#endif  // WF_SERVICE_DOCUMENT_SERVICE_H_
