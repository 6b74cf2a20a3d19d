// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/server.h"

#include <algorithm>

#include <grpcpp/health_check_service_interface.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/util/log.h"
#include "grpc/health/v1/health.grpc.pb.h"
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

// gRPC 1.51 accepts a certificate with a key of another pair and then
// fails to listen, which Start could only report as "is the port taken?".
absl::Status CheckKeyPair(const std::string& cert_pem,
                          const std::string& key_pem,
                          const ServerOptions& options) {
  using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
  Bio cert_bio(BIO_new_mem_buf(cert_pem.data(), cert_pem.size()), &BIO_free);
  Bio key_bio(BIO_new_mem_buf(key_pem.data(), key_pem.size()), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected a PEM certificate in '", options.tls_cert_file,
        "', but it holds none"));
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr),
      &EVP_PKEY_free);
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected an unencrypted PEM private key in '", options.tls_key_file,
        "', but it holds none"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected the TLS key '", options.tls_key_file,
        "' to match the certificate '", options.tls_cert_file,
        "', but it does not: give the key the certificate was issued for"));
  }
  return absl::OkStatus();
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
  WF_RETURN_IF_ERROR(CheckKeyPair(pair.cert_chain, pair.private_key, options));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_file.empty()) {
    WF_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                        ReadPem(options.tls_client_ca_file));
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// What reflection lists: every service registered below, and the health
// service gRPC adds (described from grpc/health/v1/health.proto).
std::vector<std::string> OfferedServices(bool simulation) {
  std::vector<std::string> names = {
      v1::WorkflowService::service_full_name(),
      v1::DocumentService::service_full_name(),
      v1::AdminService::service_full_name(),
      v1::SessionService::service_full_name(),
      v1::FeedService::service_full_name(),
      v1::DiagnosticsService::service_full_name(),
      v1::FileService::service_full_name(),
      v1::PluginService::service_full_name(),
      grpc::health::v1::Health::service_full_name(),
      grpc::reflection::v1alpha::ServerReflection::service_full_name()};
  if (simulation) names.push_back(v1::SimulationService::service_full_name());
  return names;
}

// Lines any client can cause, once per connection or request: at most ten
// a minute of each kind.
void LogClientCaused(LogLimiter* limiter, const char* level,
                     absl::string_view line) {
  int64_t held = 0;
  if (!limiter->Allow(absl::Now(), &held)) return;
  if (held == 0) {
    LogLine(level, line);
  } else {
    LogLine(level, line, " (", held, " more like it since the previous ",
            "one, not logged)");
  }
}

void LogGrpcLine(gpr_log_func_args* args) {
  absl::string_view message(args->message);
  const char* level = args->severity == GPR_LOG_SEVERITY_ERROR ? "ERROR"
                                                               : "INFO";
  if (absl::StrContains(message, "Handshake failed")) {
    static LogLimiter limiter(10, absl::Minutes(1));
    LogClientCaused(&limiter, "ERROR",
                    absl::StrCat("TLS handshake failed (gRPC 1.51 does not ",
                                 "give the peer's address): ", message));
    return;
  }
  LogLine(level, "grpc ", args->file, ":", args->line, ": ", message);
}

// Protobuf logs a request whose text is not UTF-8 as an ERROR before the
// engine refuses it (engine/service/request_reader.h): a client's mistake,
// which the access log records with its answer, so a WARNING here, and at
// most ten a minute.
void LogProtobufLine(google::protobuf::LogLevel level, const char* file,
                     int line, const std::string& message) {
  std::string text = absl::StrCat("protobuf ", file, ":", line, ": ", message);
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    LogLine("ERROR", text);
    return;
  }
  static LogLimiter limiter(10, absl::Minutes(1));
  LogClientCaused(&limiter,
                  level == google::protobuf::LOGLEVEL_INFO ? "INFO" : "WARNING",
                  text);
}

}  // namespace

void RouteGrpcLogs() {
  gpr_set_log_function(&LogGrpcLine);
  google::protobuf::SetLogHandler(&LogProtobufLine);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    Engine* engine, const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server(engine, options));
  WF_ASSIGN_OR_RETURN(auto credentials, Credentials(options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(
      std::max(options.max_message_bytes, kMinReceiveMessageBytes));
  builder.RegisterService(&server->workflows_);
  builder.RegisterService(&server->documents_);
  builder.RegisterService(&server->admin_);
  builder.RegisterService(&server->sessions_);
  builder.RegisterService(&server->feed_);
  builder.RegisterService(&server->diagnostics_);
  builder.RegisterService(&server->files_);
  builder.RegisterService(&server->plugins_);
  if (options.simulation_clock != nullptr) {
    server->simulation_ = std::make_unique<SimulationServiceImpl>(
        engine, options.auth, options.simulation_clock, &server->observe_);
    builder.RegisterService(server->simulation_.get());
  }
  server->reflection_ = std::make_unique<ReflectionService>(
      OfferedServices(options.simulation_clock != nullptr), &server->observe_);
  builder.RegisterService(server->reflection_.get());
  builder.RegisterCallbackGenericService(server->unknown_methods_.get());
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
  health->SetServingStatus("wf.v1.DocumentService", true);
  health->SetServingStatus("wf.v1.DiagnosticsService", true);
  health->SetServingStatus("wf.v1.AdminService", true);
  health->SetServingStatus("wf.v1.FileService", true);
  health->SetServingStatus("wf.v1.FeedService", true);
  health->SetServingStatus("wf.v1.PluginService", true);
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
    checks->SetServingStatus("wf.v1.DocumentService", false);
    checks->SetServingStatus("wf.v1.AdminService", false);
    checks->SetServingStatus("wf.v1.FileService", false);
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
  // Watch streams never end by themselves: ended first, they do not hold
  // the shutdown for its whole grace period.
  feed_.Stop();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

}  // namespace wf
