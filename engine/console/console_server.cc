// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/console_server.h"

#include <httplib.h>

#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/util/log.h"
#include "nlohmann/json.hpp"

namespace wf::console {
namespace {

constexpr char kCookieName[] = "wf_phien";
constexpr char kWhoAmI[] = "wf.v1.WorkflowService/WhoAmI";
constexpr char kSignIn[] = "wf.v1.SessionService/SignIn";
constexpr char kOpenSession[] = "wf.v1.SessionService/OpenSession";
constexpr char kSignOut[] = "wf.v1.SessionService/SignOut";
constexpr size_t kMaxStaticBytes = 8 << 20;
constexpr size_t kMaxAccessCodeBytes = 512;

// Only what the console's own files need: nothing from other sites, no
// inline scripts, no framing (clickjacking).
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";

void SecurityHeaders(httplib::Response& res,
                     const char* policy = kContentSecurityPolicy) {
  res.set_header("Content-Security-Policy", policy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
}

void SendJson(httplib::Response& res, int status, const std::string& body) {
  SecurityHeaders(res);
  res.set_header("Cache-Control", "no-store");
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void Send(httplib::Response& res, const JsonAnswer& answer) {
  SendJson(res, answer.http_status, answer.body);
}

const char* ContentType(const std::string& name) {
  const std::string ext = std::filesystem::path(name).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json; charset=utf-8";
  return nullptr;  // not served
}

// What a sign-in sends: a person's id and password, or an access code.
struct Credentials {
  std::string person;
  std::string password;
  std::string code;  // the access code, trimmed
};

// The sign-in's body, or nullopt when it holds neither: an access code
// must be printable ASCII (tokens are), so that nothing odd reaches the
// request's metadata.
std::optional<Credentials> ReadCredentials(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  Credentials c;
  auto text = [&](const char* field) -> std::string {
    auto it = json.find(field);
    return it != json.end() && it->is_string() ? it->get<std::string>() : "";
  };
  c.person = std::string(absl::StripAsciiWhitespace(text("ten_dang_nhap")));
  c.password = text("mat_khau");
  if (!c.person.empty() && !c.password.empty()) return c;
  c.code = std::string(absl::StripAsciiWhitespace(text("ma_truy_cap")));
  if (c.code.empty() || c.code.size() > kMaxAccessCodeBytes) {
    return std::nullopt;
  }
  for (unsigned char ch : c.code) {
    if (ch < 0x21 || ch > 0x7e) return std::nullopt;
  }
  return c;
}

// A cookie's value that may be an engine session token (as sign-in set it).
bool LooksLikeToken(const std::string& value) {
  if (!absl::StartsWith(value, "wft_") || value.size() > kMaxAccessCodeBytes) {
    return false;
  }
  for (unsigned char c : value) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string SessionId(const httplib::Request& req) {
  const std::string header = req.get_header_value("Cookie");
  for (absl::string_view part : absl::StrSplit(header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, kCookieName) &&
        absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

// A POST the console's own pages sent (see console_server.h).
bool FromConsole(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("X-WF-Console") == "1") return true;
  SendJson(res, 403,
           ErrorJson("PERMISSION_DENIED",
                     "Yêu cầu không đến từ bảng điều khiển nên bị từ chối.",
                     "missing header X-WF-Console: 1"));
  return false;
}

// Content-Disposition for a download named `name` (UTF-8): RFC 6266 with
// the name percent-encoded (RFC 5987), and an ASCII stand-in for old
// browsers.
std::string Attachment(const std::string& name) {
  std::string ascii, encoded;
  for (unsigned char c : name) {
    const bool plain = absl::ascii_isalnum(c) || c == '.' || c == '-' ||
                       c == '_' || c == ' ';
    ascii += plain ? static_cast<char>(c) : '_';
    if (plain && c != ' ') {
      encoded += static_cast<char>(c);
    } else {
      absl::StrAppend(&encoded, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return absl::StrCat("attachment; filename=\"", ascii,
                      "\"; filename*=UTF-8''", encoded);
}

// The person the WhoAmI answer names.
std::string PersonOf(const std::string& who_am_i_json) {
  auto json =
      nlohmann::json::parse(who_am_i_json, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  return json.value("person", "");
}

}  // namespace

ConsoleServer::ConsoleServer(ConsoleOptions options,
                             std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      bridge_(channel),
      files_(channel),
      sessions_(options_.session_idle, options_.max_sessions),
      http_(std::make_unique<httplib::Server>()) {
  Routes();
}

ConsoleServer::~ConsoleServer() = default;

void ConsoleServer::Routes() {
  // The largest body is an upload; JSON requests are held to less
  // (SmallEnough).
  http_->set_payload_max_length(options_.max_file_bytes);
  http_->Post("/api/dang-nhap", [this](const auto& req, auto& res) {
    SignIn(req, res);
  });
  http_->Post("/api/dang-xuat", [this](const auto& req, auto& res) {
    SignOut(req, res);
  });
  http_->Get("/api/toi", [this](const auto& req, auto& res) {
    WhoIsSignedIn(req, res);
  });
  http_->Post(R"(/api/rpc/([A-Za-z0-9_.]+/[A-Za-z0-9_]+))",
              [this](const auto& req, auto& res) { Rpc(req, res); });
  http_->Post("/api/tep", [this](const auto& req, auto& res) {
    UploadFile(req, res);
  });
  http_->Get("/api/tep", [this](const auto& req, auto& res) {
    DownloadFile(req, res);
  });
  http_->Get("/api/van-ban", [this](const auto& req, auto& res) {
    RenderedDocument(req, res);
  });
  // A file name of console/: no slash, no leading dot (no way out of it).
  http_->Get(R"(/([A-Za-z0-9_-][A-Za-z0-9_.-]*)?)",
             [this](const auto& req, auto& res) { StaticFile(req, res); });
  // Runs for every status from 400 on: a handler's own answer is kept; an
  // answer httplib made (no route, a body over the limit) gets its text.
  http_->set_error_handler([](const httplib::Request& req,
                              httplib::Response& res) {
    if (!res.body.empty()) return;
    if (absl::StartsWith(req.path, "/api/")) {
      const bool too_large = res.status == 413;
      SendJson(res, res.status,
               ErrorJson(too_large ? "RESOURCE_EXHAUSTED" : "NOT_FOUND",
                         too_large ? "Dữ liệu gửi lên quá lớn."
                                   : "Bảng điều khiển không có chức năng này.",
                         absl::StrCat("HTTP ", res.status)));
      return;
    }
    SecurityHeaders(res);
    res.set_content(absl::StrCat("Không tìm thấy trang (", res.status, ")."),
                    "text/plain; charset=utf-8");
  });
  http_->set_logger([](const httplib::Request& req,
                       const httplib::Response& res) {
    WriteLog("info", absl::StrCat("console ", req.method, " ", req.path, " ",
                                  res.status));
  });
}

int ConsoleServer::Bind(const std::string& host, int port) {
  if (port == 0) return http_->bind_to_any_port(host);
  return http_->bind_to_port(host, port) ? port : -1;
}

bool ConsoleServer::Serve() { return http_->listen_after_bind(); }

void ConsoleServer::Stop() { http_->stop(); }

std::string ConsoleServer::Cookie(const std::string& value, bool expire) const {
  return absl::StrCat(kCookieName, "=", value,
                      "; Path=/; HttpOnly; SameSite=Strict",
                      options_.secure_cookie ? "; Secure" : "",
                      expire ? "; Max-Age=0" : "");
}

bool ConsoleServer::SmallEnough(const httplib::Request& req,
                                httplib::Response& res) const {
  if (req.body.size() <= options_.max_body_bytes) return true;
  SendJson(res, 413,
           ErrorJson("RESOURCE_EXHAUSTED", "Dữ liệu gửi lên quá lớn.",
                     absl::StrCat("a request of ", req.body.size(),
                                  " bytes; at most ", options_.max_body_bytes)));
  return false;
}

void ConsoleServer::SignIn(const httplib::Request& req,
                           httplib::Response& res) {
  if (!FromConsole(req, res) || !SmallEnough(req, res)) return;
  const std::optional<Credentials> given = ReadCredentials(req.body);
  if (!given.has_value()) {
    SendJson(res, 400,
             ErrorJson("INVALID_ARGUMENT",
                       "Hãy nhập tên đăng nhập và mật khẩu, hoặc mã truy cập "
                       "do quản trị hệ thống cấp.",
                       "expected {\"ten_dang_nhap\", \"mat_khau\"} or "
                       "{\"ma_truy_cap\": \"<token>\"}"));
    return;
  }
  // The engine opens the session: from the password, or in exchange for
  // the access code, which then goes no further than this call. Wrong
  // passwords lock the browser's address, not the official's account
  // everywhere (docs/security.md).
  JsonAnswer opened =
      given->code.empty()
          ? bridge_.CallOwn(kSignIn,
                            nlohmann::json{{"person", given->person},
                                           {"password", given->password}}
                                .dump(),
                            "", req.remote_addr)
          : bridge_.CallOwn(kOpenSession, "{}", given->code);
  if (opened.http_status != 200) {
    Send(res, opened);
    return;
  }
  auto session = nlohmann::json::parse(opened.body, nullptr, false);
  const std::string token =
      session.is_object() ? session.value("token", "") : "";
  JsonAnswer who = bridge_.Call(kWhoAmI, "{}", token);
  if (who.http_status != 200) {
    Send(res, who);
    return;
  }
  sessions_.Open(token, PersonOf(who.body));
  res.set_header("Set-Cookie", Cookie(token, /*expire=*/false));
  // WhoAmI's answer, and whether the person should choose a new password.
  auto me = nlohmann::json::parse(who.body, nullptr, false);
  if (me.is_object()) {
    me["doi_mat_khau"] = session.value("must_change_password", false);
    who.body = me.dump();
  }
  Send(res, who);
}

void ConsoleServer::EndSession(const std::string& token) {
  sessions_.Close(token);
  if (LooksLikeToken(token)) bridge_.CallOwn(kSignOut, "{}", token);
}

void ConsoleServer::SignOut(const httplib::Request& req,
                            httplib::Response& res) {
  if (!FromConsole(req, res)) return;
  EndSession(SessionId(req));
  SecurityHeaders(res);
  res.set_header("Set-Cookie", Cookie("", /*expire=*/true));
  res.status = 204;
}

std::optional<Session> ConsoleServer::SessionOf(const httplib::Request& req,
                                                httplib::Response& res,
                                                std::string* id) {
  *id = SessionId(req);
  Session session;
  SessionStore::Lookup found =
      id->empty() ? SessionStore::Lookup::kUnknown
                  : sessions_.Find(*id, &session);
  if (found == SessionStore::Lookup::kFound) return session;
  if (found == SessionStore::Lookup::kUnknown && LooksLikeToken(*id)) {
    // A session this console does not know (it restarted, or another one
    // opened it): the engine says whether it still stands.
    JsonAnswer who = bridge_.Call(kWhoAmI, "{}", *id);
    if (who.http_status == 200) {
      Session adopted{*id, PersonOf(who.body)};
      sessions_.Open(adopted.token, adopted.person);
      return adopted;
    }
  }
  if (found == SessionStore::Lookup::kIdle) EndSession(*id);
  SendJson(res, 401,
           ErrorJson("UNAUTHENTICATED",
                     found == SessionStore::Lookup::kIdle
                         ? "Phiên làm việc đã kết thúc do lâu không thao tác: "
                           "hãy đăng nhập lại."
                         : "Chưa đăng nhập, hoặc phiên làm việc đã hết: hãy "
                           "đăng nhập lại.",
                     found == SessionStore::Lookup::kIdle ? "session idle"
                                                          : "no session"));
  return std::nullopt;
}

void ConsoleServer::WhoIsSignedIn(const httplib::Request& req,
                                  httplib::Response& res) {
  std::string id;
  auto session = SessionOf(req, res, &id);
  if (!session.has_value()) return;
  JsonAnswer who = bridge_.Call(kWhoAmI, "{}", session->token);
  // The code was revoked since: the session ends with it.
  if (who.http_status == 401) sessions_.Close(id);
  Send(res, who);
}

void ConsoleServer::Rpc(const httplib::Request& req, httplib::Response& res) {
  if (!FromConsole(req, res) || !SmallEnough(req, res)) return;
  std::string id;
  auto session = SessionOf(req, res, &id);
  if (!session.has_value()) return;
  const std::string method = req.matches[1];
  JsonAnswer answer = bridge_.Call(method, req.body, session->token);
  if (answer.http_status == 401) sessions_.Close(id);
  Send(res, answer);
}

void ConsoleServer::UploadFile(const httplib::Request& req,
                               httplib::Response& res) {
  if (!FromConsole(req, res)) return;
  std::string id;
  auto session = SessionOf(req, res, &id);
  if (!session.has_value()) return;
  UploadTarget target{req.get_param_value("ho_so"),
                      req.get_param_value("ngan"), req.get_param_value("ten"),
                      req.get_header_value("X-WF-Idempotency-Key")};
  if (target.instance_id.empty() || target.slot.empty() ||
      target.name.empty()) {
    SendJson(res, 400,
             ErrorJson("INVALID_ARGUMENT",
                       "Thiếu hồ sơ, thành phần hồ sơ hoặc tên tệp.",
                       "expected ?ho_so=<id>&ngan=<slot>&ten=<name>"));
    return;
  }
  JsonAnswer answer = files_.Upload(target, req.body, session->token);
  if (answer.http_status == 401) sessions_.Close(id);
  Send(res, answer);
}

void ConsoleServer::DownloadFile(const httplib::Request& req,
                                 httplib::Response& res) {
  std::string id;
  auto session = SessionOf(req, res, &id);
  if (!session.has_value()) return;
  const std::string instance_id = req.get_param_value("ho_so");
  const std::string slot = req.get_param_value("ngan");
  if (instance_id.empty() || slot.empty()) {
    SendJson(res, 400, ErrorJson("INVALID_ARGUMENT",
                                 "Thiếu hồ sơ hoặc thành phần hồ sơ.",
                                 "expected ?ho_so=<id>&ngan=<slot>"));
    return;
  }
  uint32_t version = 0;
  const std::string asked = req.get_param_value("phien_ban");
  if (!asked.empty() && !absl::SimpleAtoi(asked, &version)) {
    SendJson(res, 400, ErrorJson("INVALID_ARGUMENT",
                                 "Phiên bản tệp phải là một số.",
                                 "phien_ban: " + asked));
    return;
  }
  FileAnswer file = files_.Download(instance_id, slot, version,
                                   options_.max_file_bytes, session->token);
  if (!file.ok) {
    if (file.refusal.http_status == 401) sessions_.Close(id);
    Send(res, file.refusal);
    return;
  }
  // Whatever the file holds, the browser saves it and never runs it here.
  SecurityHeaders(res, "sandbox; default-src 'none'");
  res.set_header("Content-Disposition", Attachment(file.name));
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::move(file.bytes), file.media_type.empty()
                                             ? "application/octet-stream"
                                             : file.media_type);
}

void ConsoleServer::RenderedDocument(const httplib::Request& req,
                                     httplib::Response& res) {
  std::string id;
  auto session = SessionOf(req, res, &id);
  if (!session.has_value()) return;
  const std::string instance_id = req.get_param_value("ho_so");
  if (instance_id.empty()) {
    SendJson(res, 400, ErrorJson("INVALID_ARGUMENT", "Thiếu hồ sơ.",
                                 "expected ?ho_so=<id>"));
    return;
  }
  JsonAnswer answer = bridge_.Call(
      "wf.v1.DocumentService/RenderDocument",
      nlohmann::json{{"instance_id", instance_id}}.dump(), session->token);
  if (answer.http_status != 200) {
    if (answer.http_status == 401) sessions_.Close(id);
    Send(res, answer);
    return;
  }
  auto rendered = nlohmann::json::parse(answer.body, nullptr, false);
  // The engine's page: every text in it escaped, its style inline. Shown
  // as a page of its own, sandboxed: nothing in it runs, nothing is fetched.
  SecurityHeaders(res, "sandbox; default-src 'none'; style-src 'unsafe-inline'");
  res.set_header("Cache-Control", "no-store");
  res.set_content(rendered.is_object() ? rendered.value("html", "") : "",
                  "text/html; charset=utf-8");
}

void ConsoleServer::StaticFile(const httplib::Request& req,
                               httplib::Response& res) {
  std::string name = req.matches[1];
  if (name.empty()) name = "index.html";
  const char* type = ContentType(name);
  const std::filesystem::path path =
      std::filesystem::path(options_.static_dir) / name;
  std::error_code error;
  if (type == nullptr || !std::filesystem::is_regular_file(path, error) ||
      std::filesystem::file_size(path, error) > kMaxStaticBytes) {
    res.status = 404;  // the error handler writes the page
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  SecurityHeaders(res);
  // Pages change with a deployment: the browser asks again each time.
  res.set_header("Cache-Control", "no-cache");
  res.set_content(content.str(), type);
}

}  // namespace wf::console
