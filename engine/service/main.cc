// Copyright the wf-engine authors. Apache-2.0.
//
// wf_server: the engine behind its gRPC API.
//
//   wf_server --listen=127.0.0.1:50051 --data_dir=data --workflows_dir=workflows
//
// Every flag can also come from a file: --flagfile=/etc/wf/server.flags
// (one --flag=value per line). SIGTERM or SIGINT shut it down gracefully:
// calls in flight finish and are written, then the database closes.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/bundle/bundle.h"
#include "engine/metrics/metrics.h"
#include "prometheus/exposer.h"
#include "engine/service/server.h"
#include "engine/util/status_macros.h"
#include "engine/util/log.h"
#include "wf/engine.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to listen on; loopback by default. Port 0 picks a free "
          "port (see --port_file).");
ABSL_FLAG(std::string, data_dir, "data", "Folder of the RocksDB database.");
ABSL_FLAG(std::string, workflows_dir, "",
          "Folder of bundled workflows (*.lua) deployed at start-up; a file "
          "identical to the latest deployed version is left as it is.");
ABSL_FLAG(std::string, plugins_dir, "",
          "Folder of province plugins (docs/plugins.md) deployed at start-up, "
          "after --workflows_dir: every subfolder holding a plugin.lua; one "
          "that is refused stops the start.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the port actually bound is written to this file once the "
          "server is ready.");
ABSL_FLAG(int64_t, max_payload_bytes, 64 << 10,
          "Largest start variables or event payload, as JSON.");
ABSL_FLAG(int64_t, max_variables_bytes, 1 << 20,
          "Largest variables of one instance, as JSON.");
ABSL_FLAG(int64_t, lua_instructions_per_call, 2'000'000,
          "Lua instruction budget of one guard or action call.");
ABSL_FLAG(int64_t, lua_memory_mb, 64, "Memory cap of one Lua state, in MiB.");
ABSL_FLAG(int64_t, lua_idle_memory_mb, 256,
          "Memory all idle pooled Lua states may hold together, in MiB.");
ABSL_FLAG(int64_t, max_file_mb, 64,
          "Largest file an upload may attach to a document, in MiB.");
ABSL_FLAG(int64_t, block_cache_mb, 64, "RocksDB block cache, in MiB.");
ABSL_FLAG(double, session_hours, 12,
          "How long a console sign-in lasts (SessionService.SignIn and "
          "OpenSession), in hours.");
ABSL_FLAG(int64_t, instance_cache_mb, 32,
          "Parsed instance records kept for inboxes, lists and steps, in MiB "
          "of stored records (0: none).");
ABSL_FLAG(int64_t, inbox_answers_mb, 32,
          "Inbox answers kept, encoded, to send again while nothing on them "
          "changed, in MiB (0: none).");
ABSL_FLAG(int64_t, memtable_mb, 128,
          "Cap on all RocksDB memtables together, in MiB.");
ABSL_FLAG(int64_t, max_wal_mb, 64,
          "Write-ahead log files kept on disk, in MiB: past it, the column "
          "families holding the oldest log are flushed (bounds restart time).");
ABSL_FLAG(int32_t, memory_log_seconds, 0,
          "Log the memory RocksDB and the heap hold every this many seconds; "
          "0: never.");
ABSL_FLAG(std::string, document_types_file, "",
          "JSON file of document type names for rendering "
          "(plugins/vn/document_types.json); without it a rendered "
          "document shows the type's abbreviation.");
ABSL_FLAG(std::string, calendar_file, "",
          "JSON file of official holiday tables (docs/calendar.md); without "
          "it the computed Vietnamese calendar alone.");
ABSL_FLAG(std::string, simulate_from, "",
          "Simulation mode: the clock starts at this time (\"2026-01-15\" or "
          "RFC 3339) and moves only through SimulationService.AdvanceClock. "
          "The simulated time is kept in <data_dir>/simulated_clock: a "
          "restart goes on from it when it is later. For administrators' "
          "rehearsals, never for real documents.");
ABSL_FLAG(std::string, auth, "tokens",
          "\"tokens\": every call carries a bearer token (the default). "
          "\"trust_metadata\": the caller is whatever the wf-actor metadata "
          "says, unchecked — for local development and benchmarks only; "
          "refused unless listening on loopback.");
ABSL_FLAG(std::string, admin_token_file, "",
          "Where the first administrator token is written (mode 0600) when no "
          "valid one exists; default: <data_dir>/admin.token.");
ABSL_FLAG(std::string, tls_cert, "", "TLS: the server's certificate (PEM).");
ABSL_FLAG(std::string, tls_key, "", "TLS: the server's private key (PEM).");
ABSL_FLAG(std::string, tls_client_ca, "",
          "Mutual TLS: clients must present a certificate signed by this CA "
          "(PEM).");
ABSL_FLAG(int32_t, shutdown_grace_seconds, 10,
          "How long calls in flight get to finish on SIGTERM.");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9464",
          "host:port of the Prometheus metrics endpoint (http://.../metrics, "
          "docs/operations.md); empty: no metrics are kept or served.");
ABSL_FLAG(std::string, log_format, "json",
          "\"json\": one JSON object per line, for a log collector; "
          "\"text\": plain lines, for a person at a terminal.");
ABSL_FLAG(bool, access_log, true,
          "Log one line per gRPC call when it ends (method, code, latency, "
          "who, which document, trace id).");

namespace wf {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string VietnamTime(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::FixedTimeZone(7 * 3600));
}

// The simulated time, kept in the data folder so that a restarted rehearsal
// goes on where it stood: restarting from the --simulate_from of the command
// line would record events before those already recorded. One RFC 3339 line,
// replaced atomically (written, synced, renamed) on every move.
class SimulatedClockFile {
 public:
  explicit SimulatedClockFile(const std::string& data_dir)
      : path_((std::filesystem::path(data_dir) / "simulated_clock").string()) {}

  // nullopt when the folder has none (a new rehearsal).
  absl::StatusOr<std::optional<absl::Time>> Read() const {
    std::ifstream in(path_);
    if (!in) return std::optional<absl::Time>();
    std::string line;
    std::getline(in, line);
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, line, &t, &error)) {
      return absl::DataLossError(absl::StrCat(
          "Expected the simulated time in '", path_, "' (RFC 3339), but it "
          "holds '", line, "'"));
    }
    return std::optional<absl::Time>(t);
  }

  absl::Status Write(absl::Time t) {
    absl::MutexLock lock(&mu_);
    const std::string tmp = path_ + ".tmp";
    const std::string text = VietnamTime(t) + "\n";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0 &&
              ::write(fd, text.data(), text.size()) ==
                  static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
      return absl::InternalError(absl::StrCat(
          "Expected to keep the simulated time in '", path_, "', but: ",
          std::strerror(errno)));
    }
    return absl::OkStatus();
  }

 private:
  const std::string path_;
  absl::Mutex mu_;
};

// The rehearsal's clock: --simulate_from, or the time stored in the data
// folder when that is later (a restart goes on, never back). A later
// --simulate_from moves the clock forward to it.
absl::StatusOr<std::unique_ptr<ManualClock>> SimulationClock(
    const SimulatedClockFile& stored_clock) {
  std::string from = absl::GetFlag(FLAGS_simulate_from);
  if (from.empty()) return nullptr;
  absl::CivilDay day;
  absl::Time start;
  std::string error;
  if (absl::ParseCivilTime(from, &day)) {
    start = absl::FromCivil(day, absl::FixedTimeZone(7 * 3600));
  } else if (!absl::ParseTime(absl::RFC3339_full, from, &start, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--simulate_from: expected \"2026-01-15\" or RFC 3339, got '", from,
        "'"));
  }
  WF_ASSIGN_OR_RETURN(std::optional<absl::Time> stored, stored_clock.Read());
  if (stored.has_value() && *stored > start) {
    WF_LOG_INFO("SIMULATION MODE: --simulate_from=", from,
                " is before the simulated time stored in the data folder (",
                VietnamTime(*stored), "): going on from the stored time. Use "
                "a new data folder to rehearse from an earlier day.");
    start = *stored;
  }
  return std::make_unique<ManualClock>(start);
}

// Stores the simulated time now and on every move, before the timers of
// the move fire (AdvanceClock moves the clock, then fires).
absl::Status KeepSimulatedClock(ManualClock* clock,
                                SimulatedClockFile* stored_clock) {
  WF_RETURN_IF_ERROR(stored_clock->Write(clock->Now()));
  clock->AddJumpListener([clock, stored_clock] {
    absl::Status kept = stored_clock->Write(clock->Now());
    if (!kept.ok()) WF_LOG_ERROR(kept.message());
  });
  return absl::OkStatus();
}

EngineOptions EngineOptionsFromFlags() {
  EngineOptions options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.limits.max_payload_bytes = absl::GetFlag(FLAGS_max_payload_bytes);
  options.limits.max_variables_bytes = absl::GetFlag(FLAGS_max_variables_bytes);
  options.limits.max_file_bytes =
      static_cast<uint64_t>(absl::GetFlag(FLAGS_max_file_mb)) << 20;
  options.limits.lua_instructions_per_call =
      absl::GetFlag(FLAGS_lua_instructions_per_call);
  options.limits.lua_memory_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_lua_memory_mb)) << 20;
  options.limits.lua_idle_memory_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_lua_idle_memory_mb)) << 20;
  options.store.block_cache_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_block_cache_mb)) << 20;
  options.instance_cache_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_instance_cache_mb)) << 20;
  options.store.total_write_buffer_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_memtable_mb)) << 20;
  options.store.max_wal_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_max_wal_mb)) << 20;
  options.store.memory_log_seconds = absl::GetFlag(FLAGS_memory_log_seconds);
  options.session_duration = absl::Hours(absl::GetFlag(FLAGS_session_hours));
  return options;
}

bool IsLoopback(const std::string& listen) {
  return absl::StartsWith(listen, "127.") ||
         absl::StartsWith(listen, "localhost:") ||
         absl::StartsWith(listen, "[::1]:");
}

// The first administrator token: issued when no valid one exists, written
// where only the server's user can read it, and never logged.
absl::Status EnsureAdminToken(Engine* engine, const std::string& data_dir) {
  WF_ASSIGN_OR_RETURN(bool has_admin, engine->HasAdminToken());
  if (has_admin) return absl::OkStatus();
  std::string path = absl::GetFlag(FLAGS_admin_token_file);
  if (path.empty()) path = (std::filesystem::path(data_dir) / "admin.token");
  WF_ASSIGN_OR_RETURN(TokenInfo token,
                      engine->IssueToken(Actor::Embedder(), "admin", /*admin=*/true,
                                         absl::ZeroDuration(),
                                         "first administrator token"));
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << token.token << "\n";
    if (!out) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write the administrator token to ", tmp));
    }
  }
  std::filesystem::permissions(tmp, std::filesystem::perms::owner_read |
                                        std::filesystem::perms::owner_write);
  std::filesystem::rename(tmp, path);
  WF_LOG_INFO("administrator token ", token.token_id, " written to ",
              std::filesystem::absolute(path).string(),
              " (keep it secret; issue people's tokens with it)");
  return absl::OkStatus();
}

void WritePortFile(const std::string& path, int port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
  }
  std::filesystem::rename(tmp, path);  // readers never see a partial file
}

bool SetLogFormatFromFlag() {
  const std::string format = absl::GetFlag(FLAGS_log_format);
  if (format == "json" || format == "text") {
    SetLogFormat(format == "json" ? LogFormat::kJson : LogFormat::kText);
    return true;
  }
  WF_LOG_ERROR("--log_format must be json or text, not '", format, "'");
  return false;
}

// Serves `metrics` at http://<address>/metrics; nullptr (logged) when the
// address cannot be bound. The server then runs on without an endpoint:
// documents matter more than figures, and the scraper's `up == 0` alerts.
std::unique_ptr<prometheus::Exposer> ServeMetrics(const std::string& address,
                                                  Metrics* metrics) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    WF_LOG_ERROR("--metrics_listen=", address, ": cannot listen (", e.what(),
                 "): metrics are NOT served");
    return nullptr;
  }
  for (const auto& collectable : metrics->collectables()) {
    exposer->RegisterCollectable(collectable);
  }
  WF_LOG_INFO("metrics on http://", address, "/metrics");
  return exposer;
}

int Run() {
  // Block the stop signals before any thread starts, so that only the
  // sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (!SetLogFormatFromFlag()) return 1;
  // Declared before the engine and the server: both record into it until
  // they are gone.
  std::unique_ptr<Metrics> metrics;
  const std::string metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (!metrics_listen.empty()) metrics = std::make_unique<Metrics>();
  EngineOptions options = EngineOptionsFromFlags();
  options.metrics = metrics.get();
  if (!(absl::GetFlag(FLAGS_session_hours) > 0)) {
    WF_LOG_ERROR("--session_hours: expected a positive number of hours, got ",
                 absl::GetFlag(FLAGS_session_hours));
    return 1;
  }
  if (!absl::GetFlag(FLAGS_calendar_file).empty()) {
    auto rules = ReadFile(absl::GetFlag(FLAGS_calendar_file));
    if (!rules.ok()) {
      WF_LOG_ERROR("--calendar_file: ", rules.status().message());
      return 1;
    }
    options.calendar_rules_json = *rules;
  }
  if (!absl::GetFlag(FLAGS_document_types_file).empty()) {
    auto types = ReadFile(absl::GetFlag(FLAGS_document_types_file));
    if (!types.ok()) {
      WF_LOG_ERROR("--document_types_file: ", types.status().message());
      return 1;
    }
    options.document_types_json = *types;
  }
  SimulatedClockFile stored_clock(options.data_dir);
  auto simulation = SimulationClock(stored_clock);
  if (!simulation.ok()) {
    WF_LOG_ERROR(simulation.status().message());
    return 1;
  }
  if (*simulation != nullptr) {
    options.clock = simulation->get();
    WF_LOG_INFO("SIMULATION MODE: the clock starts at ",
                VietnamTime((*simulation)->Now()),
                " and moves only through SimulationService.AdvanceClock");
  }
  auto engine = Engine::Open(options);
  if (!engine.ok()) {
    WF_LOG_ERROR("cannot open the engine: ", engine.status().ToString());
    return 1;
  }
  if (*simulation != nullptr) {
    absl::Status kept = KeepSimulatedClock(simulation->get(), &stored_clock);
    if (!kept.ok()) {
      WF_LOG_ERROR(kept.message());
      return 1;
    }
  }
  std::string workflows = absl::GetFlag(FLAGS_workflows_dir);
  if (!workflows.empty()) {
    absl::Status deployed = DeployBundled(engine->get(), workflows);
    if (!deployed.ok()) {
      WF_LOG_ERROR("a bundled workflow was refused: ", deployed.ToString());
      return 2;
    }
  }
  std::string plugins = absl::GetFlag(FLAGS_plugins_dir);
  if (!plugins.empty()) {
    absl::Status deployed = DeployPlugins(engine->get(), plugins);
    if (!deployed.ok()) {
      WF_LOG_ERROR("a plugin was refused: ", deployed.message());
      return 2;
    }
  }
  absl::Status admin = EnsureAdminToken(engine->get(), options.data_dir);
  if (!admin.ok()) {
    WF_LOG_ERROR(admin.ToString());
    return 1;
  }
  ServerOptions server_options;
  server_options.listen = absl::GetFlag(FLAGS_listen);
  server_options.simulation_clock = simulation->get();
  server_options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  server_options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  server_options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  server_options.metrics = metrics.get();
  server_options.access_log = absl::GetFlag(FLAGS_access_log);
  server_options.inbox_answer_bytes =
      static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_inbox_answers_mb)))
      << 20;
  const std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth == "trust_metadata") {
    if (!IsLoopback(server_options.listen)) {
      WF_LOG_ERROR("--auth=trust_metadata is refused on ",
                   server_options.listen, ": loopback only");
      return 1;
    }
    server_options.auth = AuthMode::kTrustMetadata;
    WF_LOG_INFO("WARNING: --auth=trust_metadata: callers are NOT "
                "authenticated (development and benchmarks only)");
  } else if (auth != "tokens") {
    WF_LOG_ERROR("--auth must be tokens or trust_metadata, not '", auth, "'");
    return 1;
  }
  RouteGrpcLogs();
  std::unique_ptr<prometheus::Exposer> exposer;
  if (metrics != nullptr) {
    exposer = ServeMetrics(metrics_listen, metrics.get());
  }
  auto server = Server::Start(engine->get(), server_options);
  if (!server.ok()) {
    WF_LOG_ERROR(server.status().ToString());
    return 1;
  }
  WF_LOG_INFO("listening on ", (*server)->address(),
              server_options.tls_cert_file.empty() ? " (plain text)"
              : server_options.tls_client_ca_file.empty() ? " (TLS)"
                                                          : " (mutual TLS)",
              ", data in ",
              std::filesystem::absolute(options.data_dir).string());
  if (!absl::GetFlag(FLAGS_port_file).empty()) {
    WritePortFile(absl::GetFlag(FLAGS_port_file), (*server)->port());
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  WF_LOG_INFO("signal ", signal, ": shutting down (calls in flight finish)");
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  absl::Status closed = (*engine)->Close();
  if (!closed.ok()) {
    WF_LOG_ERROR("closing the database: ", closed.ToString());
    return 1;
  }
  WF_LOG_INFO("stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace wf

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The workflow and approval engine's gRPC server.\n"
      "  wf_server --listen=127.0.0.1:50051 --data_dir=data "
      "--workflows_dir=workflows");
  absl::ParseCommandLine(argc, argv);
  // Debian builds abseil without NDEBUG, which leaves Mutex's deadlock
  // detection on: every lock then records itself in one process-wide
  // graph under a global lock (1-2% of a step's CPU, and a point where all
  // threads meet). The tests keep it on; the server does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return wf::Run();
}
