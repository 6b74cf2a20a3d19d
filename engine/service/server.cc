// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace wf {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    Engine* engine, const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server(engine));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Loopback by default (see main.cc); TLS comes with authentication.
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.RegisterService(&server->workflows_);
  builder.RegisterService(&server->diagnostics_);
  if (options.simulation_clock != nullptr) {
    server->simulation_ = std::make_unique<SimulationServiceImpl>(
        engine, options.simulation_clock);
    builder.RegisterService(server->simulation_.get());
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "Expected to listen on ", options.listen,
        ", but could not (is the port taken, or the address wrong?)"));
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  server->address_ = absl::StrCat(host, ":", server->port_);
  auto* health = server->server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus("wf.v1.WorkflowService", true);
  health->SetServingStatus("wf.v1.DiagnosticsService", true);
  return server;
}

Server::~Server() { Shutdown(absl::Seconds(5)); }

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

}  // namespace wf
