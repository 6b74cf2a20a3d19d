// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/util/log.h"
#include "grpc/health/v1/health.pb.h"
#include "engine/util/status_macros.h"

namespace wf {

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("Expected to read the PEM file '", path, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "A client CA (mutual TLS) needs the server's certificate and key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  WF_ASSIGN_OR_RETURN(pair.private_key, ReadPem(options.tls_key_file));
  WF_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(options.tls_cert_file));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_file.empty()) {
    WF_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                        ReadPem(options.tls_client_ca_file));
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    Engine* engine, const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server(engine, options.auth));
  WF_ASSIGN_OR_RETURN(auto credentials, Credentials(options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // Reflection describes what protobuf's descriptor pool holds. The health
  // service runs on libgrpc++'s own code, outside the pool: naming one of
  // its generated messages links them in, so reflection can describe
  // grpc.health.v1.Health to a client that has no .proto.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.RegisterService(&server->workflows_);
  builder.RegisterService(&server->admin_);
  builder.RegisterService(&server->diagnostics_);
  if (options.simulation_clock != nullptr) {
    server->simulation_ = std::make_unique<SimulationServiceImpl>(
        engine, options.auth, options.simulation_clock);
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
  health->SetServingStatus("wf.v1.AdminService", true);
  Server* raw = server.get();
  server->health_watch_ = std::thread([raw, engine] { raw->WatchWriteHealth(engine); });
  return server;
}

// Polling keeps the engine free of any knowledge of gRPC; a quarter of a
// second is soon enough for a load balancer or an operator's probe.
void Server::WatchWriteHealth(Engine* engine) {
  while (!stop_watching_.WaitForNotificationWithTimeout(absl::Milliseconds(250))) {
    absl::Status health = engine->WriteHealth();
    if (health.ok()) continue;
    WF_LOG_ERROR("NOT SERVING: ", health.message());
    auto* checks = server_->GetHealthCheckService();
    checks->SetServingStatus("", false);
    checks->SetServingStatus("wf.v1.WorkflowService", false);
    checks->SetServingStatus("wf.v1.AdminService", false);
    return;  // the store never accepts writes again without a restart
  }
}

Server::~Server() { Shutdown(absl::Seconds(5)); }

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  stop_watching_.Notify();
  if (health_watch_.joinable()) health_watch_.join();
  server_->GetHealthCheckService()->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

}  // namespace wf
