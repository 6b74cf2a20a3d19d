// Copyright the wf-engine authors. Apache-2.0.
//
// wf.v1.PluginService (proto/wf/v1/plugin.proto): deploy, list and read
// province plugins. Thin: each call is one Engine call; the engine checks
// that the caller is an administrator.
#ifndef WF_SERVICE_PLUGIN_SERVICE_H_
#define WF_SERVICE_PLUGIN_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "engine/service/actor.h"
#include "wf/engine.h"
#include "wf/v1/plugin.grpc.pb.h"

namespace wf {

class PluginServiceImpl final : public v1::PluginService::CallbackService {
 public:
  using Api = v1::PluginService;

  PluginServiceImpl(Engine* engine, AuthMode auth,
                    const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), observe_(observe) {}

  grpc::ServerUnaryReactor* DeployPlugin(
      grpc::CallbackServerContext* context,
      const v1::DeployPluginRequest* request,
      v1::DeployPluginResponse* response) override;
  grpc::ServerUnaryReactor* ListPlugins(
      grpc::CallbackServerContext* context,
      const v1::ListPluginsRequest* request,
      v1::ListPluginsResponse* response) override;
  grpc::ServerUnaryReactor* GetPlugin(grpc::CallbackServerContext* context,
                                      const v1::GetPluginRequest* request,
                                      v1::GetPluginResponse* response) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
};

}  // namespace wf

#endif  // WF_SERVICE_PLUGIN_SERVICE_H_
