// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/plugin_service.h"

#include "absl/strings/str_cat.h"
#include "engine/service/convert.h"
#include "engine/util/refusal.h"

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

// Listing and reading plugins is for administrators, like deploying: the
// engine lets any caller read them, the API does not.
absl::Status NeedsAdmin(const Actor& actor, absl::string_view what) {
  if (actor.kind != Actor::Kind::kPerson) return absl::OkStatus();
  return Refusal(absl::PermissionDeniedError(absl::StrCat(
                     "Expected an administrator to ", what, ", but '",
                     actor.id, "' is not one: use an administrator token")),
                 reason::kAdminRequired)
      .With("operation", what)
      .With("person", actor.id);
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
  absl::Status allowed = NeedsAdmin(actor, "list plugins");
  if (!allowed.ok()) return Answer(context, allowed);
  auto result = engine_->ListPlugins();
  if (result.ok()) {
    for (const PluginInfo& p : *result) ToProto(p, response->add_plugins());
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* PluginServiceImpl::GetPlugin(
    grpc::CallbackServerContext* context, const v1::GetPluginRequest* request,
    v1::GetPluginResponse* response) {
  WF_CALLER(actor);
  absl::Status allowed = NeedsAdmin(actor, "read a plugin");
  if (!allowed.ok()) return Answer(context, allowed);
  auto result = engine_->GetPlugin(request->name(), request->version());
  if (result.ok()) ToProto(*result, response->mutable_plugin());
  return Answer(context, result.status());
}

}  // namespace wf
