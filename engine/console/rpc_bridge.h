// Copyright the wf-engine authors. Apache-2.0.
//
// The console's calls into the engine: a JSON request for one method of
// the gRPC API, sent with the official's access code, and the answer (or
// the refusal) as JSON for the page. Only the methods an official's screens
// use are offered; each is a call through the generated stub, so the engine
// checks who may do what exactly as for any other client.
//
//   RpcBridge bridge(grpc::CreateChannel(...));
//   JsonAnswer a = bridge.Call("wf.v1.WorkflowService/GetInbox",
//                              R"({"page_size": 20})", token);
//   // a.http_status 200, a.body {"items": [...], "next_page_token": ""}
#ifndef WF_CONSOLE_RPC_BRIDGE_H_
#define WF_CONSOLE_RPC_BRIDGE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"

namespace wf::console {

struct JsonAnswer {
  int http_status = 200;
  std::string body;  // JSON
};

class RpcBridge {
 public:
  explicit RpcBridge(std::shared_ptr<grpc::Channel> channel,
                     absl::Duration deadline = absl::Seconds(30));

  // `method`: "<package.Service>/<Method>". 404 for a method not offered.
  // An empty `token` sends no authorization.
  JsonAnswer Call(const std::string& method, const std::string& request_json,
                  const std::string& token) const;
  // The same for the console's own calls, which no page may make: signing
  // in and out (SessionService.SignIn, OpenSession, SignOut), whose answers
  // hold a session's token. `client`: the browser's address, sent as
  // x-forwarded-for (a sign-in's lockout counts by it).
  JsonAnswer CallOwn(const std::string& method,
                     const std::string& request_json, const std::string& token,
                     const std::string& client = "") const;
  bool Offers(const std::string& method) const {
    return methods_.count(method) != 0;
  }

  // What a refusal's JSON body says: {"ma", "ly_do", "thong_bao",
  // "chi_tiet"}, with the engine's Vietnamese message when it sent one.
  static JsonAnswer Refusal(const grpc::Status& status);

 private:
  using Method = std::function<JsonAnswer(const std::string& request_json,
                                          grpc::ClientContext* context)>;
  // Offers the method to pages, or with `own` to the console only.
  template <typename Stub, typename Request, typename Response>
  void Offer(const std::string& name, Stub* stub,
             grpc::Status (Stub::*call)(grpc::ClientContext*, const Request&,
                                        Response*),
             bool own = false);
  JsonAnswer Run(const Method& method, const std::string& request_json,
                 const std::string& token,
                 const std::string& client = "") const;

  std::shared_ptr<grpc::Channel> channel_;
  const absl::Duration deadline_;
  std::shared_ptr<void> stubs_;  // keeps the stubs the methods call
  std::map<std::string, Method> methods_;
  std::map<std::string, Method> own_;
};

// The JSON error body for a refusal made here rather than by the engine
// (no session, a malformed request): `code` a gRPC code name.
std::string ErrorJson(const std::string& code, const std::string& message,
                      const std::string& detail = "",
                      const std::string& reason = "");

// An answer of the API as the pages read it: 200 and proto3 JSON with the
// proto's field names, every scalar and list printed.
JsonAnswer AnswerJson(const google::protobuf::Message& response);

// The HTTP status for a gRPC status code.
int HttpStatusFor(grpc::StatusCode code);

}  // namespace wf::console

#endif  // WF_CONSOLE_RPC_BRIDGE_H_
