// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/plugin_service.h"

#include "engine/service/convert.h"

namespace wf {
namespace {

void ToProto(const PluginInfo& in, v1::Plugin* out) {
  out->set_name(in.name);
  out->set_version(in.version);
  out->set_title(in.title);
  out->set_province(in.province);
  for (const std::string& path : in.files) out->add_files(path);
  out->set_sha256(in.sha256);
  ToTimestamp(in.deployed_at, out->mutable_deployed_at());
  out->set_deployed_by(in.deployed_by);
  out->set_manifest(in.manifest);
}

}  // namespace

grpc::ServerUnaryReactor* PluginServiceImpl::DeployPlugin(
    grpc::CallbackServerContext* context,
    const v1::DeployPluginRequest* request,
    v1::DeployPluginResponse* response) {
  WF_CALLER(actor);
  PluginDeployRequest deploy;
  deploy.name = request->name();
  for (const v1::PluginFile& f : request->files()) {
    deploy.files.push_back({f.path(), f.content()});
  }
  deploy.actor = actor;
  deploy.validate_only = request->validate_only();
  auto result = engine_->DeployPlugin(deploy);
  if (result.ok()) {
    ToProto(result->plugin, response->mutable_plugin());
    response->set_created(result->created);
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* PluginServiceImpl::ListPlugins(
    grpc::CallbackServerContext* context,
    const v1::ListPluginsRequest* request,
    v1::ListPluginsResponse* response) {
  WF_CALLER(actor);
  auto result = engine_->ListPlugins(actor);
  if (result.ok()) {
    for (const PluginInfo& p : *result) ToProto(p, response->add_plugins());
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* PluginServiceImpl::GetPlugin(
    grpc::CallbackServerContext* context, const v1::GetPluginRequest* request,
    v1::GetPluginResponse* response) {
  WF_CALLER(actor);
  auto result = engine_->GetPlugin(actor, request->name(), request->version());
  if (result.ok()) ToProto(*result, response->mutable_plugin());
  return Answer(context, result.status());
}

}  // namespace wf
