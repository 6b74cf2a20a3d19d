// Copyright the wf-engine authors. Apache-2.0.
//
// wf.v1.SessionService (proto/wf/v1/workflow.proto): signing in with a
// password, sessions, and changing one's password (docs/security.md,
// "Passwords"). SignIn is the one call of the API that needs no token.
// Passwords are never logged: the access log has the method, the caller's
// id and the answer's code only.
#ifndef WF_SERVICE_SESSION_SERVICE_H_
#define WF_SERVICE_SESSION_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "engine/service/actor.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

class SessionServiceImpl final : public v1::SessionService::CallbackService {
 public:
  using Api = v1::SessionService;

  SessionServiceImpl(Engine* engine, AuthMode auth,
                     const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), observe_(observe) {}

  grpc::ServerUnaryReactor* SignIn(grpc::CallbackServerContext* context,
                                   const v1::SignInRequest* request,
                                   v1::SignInResponse* response) override;
  grpc::ServerUnaryReactor* OpenSession(
      grpc::CallbackServerContext* context,
      const v1::OpenSessionRequest* request,
      v1::SignInResponse* response) override;
  grpc::ServerUnaryReactor* SignOut(grpc::CallbackServerContext* context,
                                    const v1::SignOutRequest* request,
                                    v1::SignOutResponse* response) override;
  grpc::ServerUnaryReactor* ChangePassword(
      grpc::CallbackServerContext* context,
      const v1::ChangePasswordRequest* request,
      v1::ChangePasswordResponse* response) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
};

}  // namespace wf

#endif  // WF_SERVICE_SESSION_SERVICE_H_
