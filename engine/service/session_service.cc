// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/session_service.h"

#include "engine/service/convert.h"

namespace wf {
namespace {

void ToProto(const SessionInfo& in, v1::SignInResponse* out) {
  out->set_token(in.token.token);
  ToProto(in.token, out->mutable_info());
  out->set_must_change_password(in.must_change_password);
}

}  // namespace

grpc::ServerUnaryReactor* SessionServiceImpl::SignIn(
    grpc::CallbackServerContext* context, const v1::SignInRequest* request,
    v1::SignInResponse* response) {
  WF_OBSERVE(true);
  WF_REQUEST_READABLE();
  NoteActor(context, request->person());
  auto session = engine_->SignIn(request->person(), request->password(),
                                 SignInSource(context));
  if (session.ok()) ToProto(*session, response);
  return Answer(context, session.status());
}

grpc::ServerUnaryReactor* SessionServiceImpl::OpenSession(
    grpc::CallbackServerContext* context,
    const v1::OpenSessionRequest* request, v1::SignInResponse* response) {
  WF_CALLER(actor);
  auto token = BearerToken(context);
  if (!token.ok()) return Answer(context, token.status());
  auto session = engine_->OpenSession(*token);
  if (session.ok()) ToProto(*session, response);
  return Answer(context, session.status());
}

grpc::ServerUnaryReactor* SessionServiceImpl::SignOut(
    grpc::CallbackServerContext* context, const v1::SignOutRequest* request,
    v1::SignOutResponse* response) {
  WF_CALLER_BEFORE_PASSWORD_CHANGE(actor);
  auto token = BearerToken(context);
  if (!token.ok()) return Answer(context, token.status());
  return Answer(context, engine_->SignOut(*token));
}

grpc::ServerUnaryReactor* SessionServiceImpl::ChangePassword(
    grpc::CallbackServerContext* context,
    const v1::ChangePasswordRequest* request,
    v1::ChangePasswordResponse* response) {
  WF_CALLER_BEFORE_PASSWORD_CHANGE(actor);
  auto token = BearerToken(context);
  if (!token.ok()) return Answer(context, token.status());
  return Answer(context,
                engine_->ChangePassword(actor, request->current_password(),
                                        request->new_password(), *token,
                                        SignInSource(context)));
}

}  // namespace wf
