// Copyright the wf-engine authors. Apache-2.0.
//
// The gRPC server around an engine: the workflow and diagnostics services,
// standard health checking (grpc.health.v1) and server reflection, so that
// generic clients can find their way. When the store starts refusing writes,
// health turns NOT_SERVING for the whole server and the workflow and admin
// services (DiagnosticsService stays SERVING: reads still work), and the
// reason is logged once.
#ifndef WF_SERVICE_SERVER_H_
#define WF_SERVICE_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "engine/service/feed_service.h"
#include "engine/service/observe.h"
#include "engine/service/session_service.h"
#include "engine/service/file_service.h"
#include "engine/service/plugin_service.h"
#include "engine/service/reflection.h"
#include "engine/service/document_service.h"
#include "engine/service/workflow_service.h"
#include "wf/engine.h"

namespace wf {

struct ServerOptions {
  // host:port; port 0 picks a free one (see Server::port()).
  std::string listen = "127.0.0.1:50051";
  // Larger requests are refused by gRPC with RESOURCE_EXHAUSTED. Never
  // below kMinReceiveMessageBytes: an upload's 1 MiB chunks must pass.
  int max_message_bytes = 4 << 20;
  // Simulation mode: the engine's clock (not owned); adds SimulationService.
  ManualClock* simulation_clock = nullptr;
  AuthMode auth = AuthMode::kTokens;
  // TLS: PEM files. With a client CA, clients must present a certificate it
  // signed (mutual TLS). All empty: plain text (loopback only).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Per-call metrics into `metrics` (not owned; outlives the server) and
  // one access-log line per call (engine/service/observe.h).
  Metrics* metrics = nullptr;
  bool access_log = false;
  // Inbox answers kept to send again while current (inbox_answers.h); 0
  // keeps none.
  size_t inbox_answer_bytes = 32 << 20;
};

// Routes gRPC's own log lines (errors of its core), and protobuf's, into the
// server's log format. A failed TLS handshake is one of them: gRPC 1.51 logs it from its
// TLS layer with the reason ("peer did not return a certificate") but
// without the peer's address, and offers no hook that sees both, so the
// line says what can be said. Process-wide; main() calls it once.
void RouteGrpcLogs();

class Server {
 public:
  // Serves `engine` (not owned, must outlive the server).
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      Engine* engine, const ServerOptions& options);
  ~Server();

  int port() const { return port_; }
  const std::string& address() const { return address_; }

  // Stops taking calls; those in flight get `grace` to finish (their writes
  // complete), the rest are cancelled. Watch streams end at once
  // (UNAVAILABLE), or when their write in flight completes. Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  Server(Engine* engine, const ServerOptions& options)
      : observe_{options.metrics, options.access_log},
        workflows_(engine, options.auth, &observe_,
                   options.inbox_answer_bytes),
        documents_(engine, options.auth, &observe_),
        admin_(engine, options.auth, &observe_),
        sessions_(engine, options.auth, &observe_),
        feed_(engine, options.auth, &observe_),
        diagnostics_(engine, options.auth, &observe_),
        files_(engine, options.auth, &observe_),
        plugins_(engine, options.auth, &observe_),
        unknown_methods_(UnknownMethods(&observe_)) {}

  // Before the services, which keep its address.
  const ObserveOptions observe_;
  WorkflowServiceImpl workflows_;
  DocumentServiceImpl documents_;
  AdminServiceImpl admin_;
  SessionServiceImpl sessions_;
  FeedServiceImpl feed_;
  std::unique_ptr<SimulationServiceImpl> simulation_;
  DiagnosticsServiceImpl diagnostics_;
  FileServiceImpl files_;
  PluginServiceImpl plugins_;
  std::unique_ptr<ReflectionService> reflection_;
  std::unique_ptr<grpc::CallbackGenericService> unknown_methods_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
  bool shut_down_ = false;
  // Watches the engine's write health until Shutdown.
  void WatchWriteHealth(Engine* engine);
  absl::Notification stop_watching_;
  std::thread health_watch_;
};

}  // namespace wf

#endif  // WF_SERVICE_SERVER_H_
