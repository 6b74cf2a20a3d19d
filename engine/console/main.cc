// Copyright the wf-engine authors. Apache-2.0.
//
// wf_console: the web console for officials, in front of a wf_server.
//
//   wf_console --listen=127.0.0.1:8080 --server=127.0.0.1:50051 \
//              --static_dir=console
//
// It keeps no data: sign-ins live in memory (a restart signs everyone out)
// and every request goes to the engine with the official's access code.
// SIGTERM or SIGINT stop it.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/console/console_server.h"
#include "engine/util/log.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8080",
          "host:port for browsers; loopback by default (put a TLS reverse "
          "proxy in front to serve a network). Port 0 picks a free port.");
ABSL_FLAG(std::string, server, "127.0.0.1:50051", "The wf_server's address.");
ABSL_FLAG(std::string, server_ca, "",
          "PEM file of the CA that signed the wf_server's certificate; empty: "
          "a plain connection (the server on the same machine).");
ABSL_FLAG(std::string, static_dir, "console", "Folder of the console's pages.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the port bound is written here once the console is ready.");
ABSL_FLAG(int32_t, max_file_mb, 64,
          "Largest file an official may attach or download here, in MiB "
          "(the server has its own --max_file_mb).");
ABSL_FLAG(int32_t, session_idle_minutes, 480,
          "A sign-in unused this long ends.");
ABSL_FLAG(std::string, log_format, "json",
          "\"json\": one JSON object per line, for a log collector; "
          "\"text\": plain lines, for a person at a terminal.");
ABSL_FLAG(bool, secure_cookie, false,
          "Mark the session cookie Secure (the console is reached over HTTPS).");

namespace {

wf::console::ConsoleServer* g_console = nullptr;

void OnSignal(int) {
  if (g_console != nullptr) g_console->Stop();
}

std::shared_ptr<grpc::Channel> Channel() {
  const std::string ca_file = absl::GetFlag(FLAGS_server_ca);
  if (ca_file.empty()) {
    return grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                               grpc::InsecureChannelCredentials());
  }
  std::ifstream in(ca_file);
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem.str();
  return grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                             grpc::SslCredentials(ssl));
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The web console for officials: wf_console --server=HOST:PORT");
  absl::ParseCommandLine(argc, argv);
  const std::string format = absl::GetFlag(FLAGS_log_format);
  if (format != "json" && format != "text") {
    std::fprintf(stderr, "wf_console: --log_format must be json or text\n");
    return 2;
  }
  wf::SetLogFormat(format == "json" ? wf::LogFormat::kJson
                                    : wf::LogFormat::kText);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    std::fprintf(stderr, "wf_console: --listen must be host:port, not '%s'\n",
                 listen.c_str());
    return 2;
  }
  const std::string host = listen.substr(0, colon);

  wf::console::ConsoleOptions options;
  options.static_dir = absl::GetFlag(FLAGS_static_dir);
  options.session_idle = absl::Minutes(absl::GetFlag(FLAGS_session_idle_minutes));
  options.secure_cookie = absl::GetFlag(FLAGS_secure_cookie);
  options.max_file_bytes =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_max_file_mb))) << 20;
  if (!std::ifstream(options.static_dir + "/index.html")) {
    std::fprintf(stderr, "wf_console: no index.html in --static_dir=%s\n",
                 options.static_dir.c_str());
    return 2;
  }
  wf::console::ConsoleServer console(options, Channel());
  const int bound = console.Bind(host, port);
  if (bound < 0) {
    std::fprintf(stderr, "wf_console: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  g_console = &console;
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  if (const std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    // Written whole, then renamed: a reader never sees half a number.
    std::ofstream(file + ".tmp") << bound << "\n";
    std::filesystem::rename(file + ".tmp", file);
  }
  wf::WriteLog("info", absl::StrCat("console on http://", host, ":", bound,
                                    "/ for the server at ",
                                    absl::GetFlag(FLAGS_server)));
  const bool served = console.Serve();
  g_console = nullptr;
  return served ? 0 : 1;
}
