// Copyright the wf-engine authors. Apache-2.0.
//
// The web console for officials: the pages of console/ and a small JSON
// API over the engine's gRPC API (docs/console.md).
//
//   ConsoleServer console(options, grpc::CreateChannel(...));
//   int port = console.Bind("127.0.0.1", 8080);   // 0: any free port
//   console.Serve();                               // until Stop()
//
// Routes: GET / and the files of `static_dir`; POST /api/dang-nhap (sign in
// with a password or an access code), POST /api/dang-xuat, GET /api/toi (who is signed
// in), POST /api/rpc/<package.Service>/<Method> (RpcBridge's methods),
// POST /api/tep (attach a file), GET /api/tep (download one) and
// GET /api/van-ban (the document rendered, as a page of its own).
// Every POST must carry "X-WF-Console: 1": a form or a link on another
// site cannot send it, so it cannot act in an official's name (with the
// session cookie's SameSite=Strict, the guard against cross-site requests).
#ifndef WF_CONSOLE_CONSOLE_SERVER_H_
#define WF_CONSOLE_CONSOLE_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "engine/console/file_bridge.h"
#include "engine/console/rpc_bridge.h"
#include "engine/console/sessions.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace wf::console {

struct ConsoleOptions {
  std::string static_dir = "console";
  absl::Duration session_idle = absl::Hours(8);
  size_t max_sessions = 10000;
  size_t max_body_bytes = 1 << 20;  // a JSON request
  size_t max_file_bytes = 64 << 20;  // an upload or a download
  // Adds "Secure" to the session cookie: set when the console is reached
  // over HTTPS (through a reverse proxy).
  bool secure_cookie = false;
};

class ConsoleServer {
 public:
  ConsoleServer(ConsoleOptions options, std::shared_ptr<grpc::Channel> channel);
  ~ConsoleServer();

  // The port bound, or -1 if it could not bind.
  int Bind(const std::string& host, int port);
  // Serves until Stop(); false if it could not.
  bool Serve();
  void Stop();

 private:
  void Routes();
  void SignIn(const httplib::Request& req, httplib::Response& res);
  void SignOut(const httplib::Request& req, httplib::Response& res);
  void WhoIsSignedIn(const httplib::Request& req, httplib::Response& res);
  void Rpc(const httplib::Request& req, httplib::Response& res);
  void UploadFile(const httplib::Request& req, httplib::Response& res);
  void DownloadFile(const httplib::Request& req, httplib::Response& res);
  void RenderedDocument(const httplib::Request& req, httplib::Response& res);
  // False (413 written) for a JSON request over max_body_bytes: only
  // uploads may be as large as a file.
  bool SmallEnough(const httplib::Request& req, httplib::Response& res) const;
  void StaticFile(const httplib::Request& req, httplib::Response& res);
  // The session of the request's cookie, or nullopt (401 written).
  std::optional<Session> SessionOf(const httplib::Request& req,
                                   httplib::Response& res, std::string* id);
  std::string Cookie(const std::string& value, bool expire) const;
  // Forgets the session and ends it in the engine (revokes its token).
  void EndSession(const std::string& token);

  const ConsoleOptions options_;
  RpcBridge bridge_;
  FileBridge files_;
  SessionStore sessions_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace wf::console

#endif  // WF_CONSOLE_CONSOLE_SERVER_H_
