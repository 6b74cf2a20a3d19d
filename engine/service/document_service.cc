// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/document_service.h"

#include "engine/service/convert.h"
#include "engine/service/status_map.h"

namespace wf {

grpc::ServerUnaryReactor* DocumentServiceImpl::GetDocument(
    grpc::CallbackServerContext* context, const v1::GetDocumentRequest* request,
    v1::Document* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  auto result = engine_->GetDocument(request->instance_id(), actor);
  if (result.ok()) ToProto(*result, response);
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* DocumentServiceImpl::RenderDocument(
    grpc::CallbackServerContext* context, const v1::GetDocumentRequest* request,
    v1::RenderedDocument* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  auto html = engine_->RenderDocument(request->instance_id(), actor);
  if (html.ok()) {
    response->set_html(*std::move(html));
    response->set_media_type("text/html; charset=utf-8");
  }
  return Answer(context, html.status());
}

grpc::ServerUnaryReactor* DocumentServiceImpl::AcknowledgeDocument(
    grpc::CallbackServerContext* context,
    const v1::AcknowledgeDocumentRequest* request,
    v1::AcknowledgeDocumentResponse* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  NoteWorkflow(context, "", "wf.acknowledge");
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  AcknowledgeRequest ack = FromProto(*request);
  ack.actor = actor;
  ack.still_wanted = StillWanted(context);
  engine_->AcknowledgeDocumentAsync(
      ack, [context, reactor,
            response](absl::StatusOr<AcknowledgeResult> result) {
        absl::Status status = result.status();
        if (result.ok()) {
          ToProto(result->document, response->mutable_document());
          status = ToProto(result->event, response->mutable_event());
          response->set_replayed(result->replayed);
        }
        FinishCall(context, reactor, status);
      });
  return reactor;
}

grpc::ServerUnaryReactor* DocumentServiceImpl::ListIncoming(
    grpc::CallbackServerContext* context,
    const v1::ListIncomingRequest* request,
    v1::ListIncomingResponse* response) {
  WF_CALLER(actor);
  IncomingRequest list = FromProto(*request);
  list.actor = actor;
  auto result = engine_->ListIncoming(list);
  if (!result.ok()) return Answer(context, result.status());
  for (const IncomingInfo& d : result->documents) {
    ToProto(d, response->add_documents());
  }
  response->set_next_page_token(result->next_page_token);
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* DocumentServiceImpl::ReadRegister(
    grpc::CallbackServerContext* context,
    const v1::ReadRegisterRequest* request,
    v1::ReadRegisterResponse* response) {
  WF_CALLER(actor);
  RegisterRequest read = FromProto(*request);
  read.actor = actor;
  auto result = engine_->ReadRegister(read);
  if (!result.ok()) return Answer(context, result.status());
  for (const RegisterEntryInfo& e : result->entries) {
    ToProto(e, response->add_entries());
  }
  response->set_next_page_token(result->next_page_token);
  return Answer(context, absl::OkStatus());
}

}  // namespace wf
