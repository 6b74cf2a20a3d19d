// Copyright the wf-engine authors. Apache-2.0.
#include "engine/console/rpc_bridge.h"

#include <chrono>
#include <utility>

#include <google/protobuf/util/json_util.h>

#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf::console {
namespace {

namespace pb = ::wf::v1;
using google::protobuf::util::JsonParseOptions;
using google::protobuf::util::JsonPrintOptions;

struct Stubs {
  std::unique_ptr<pb::WorkflowService::Stub> workflows;
  std::unique_ptr<pb::DocumentService::Stub> documents;
  std::unique_ptr<pb::FileService::Stub> files;
  std::unique_ptr<pb::SessionService::Stub> sessions;
};

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "INTERNAL";
  }
}

// What an official reads when the engine sent no Vietnamese message of its
// own (a refusal by gRPC itself, or a call the engine never answered).
std::string VietnameseFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Mã truy cập không đúng, đã bị thu hồi hoặc phiên làm việc đã "
             "hết: hãy đăng nhập lại.";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "Bạn không có quyền thực hiện việc này.";
    case grpc::StatusCode::NOT_FOUND:
      return "Không tìm thấy hồ sơ hoặc mục được yêu cầu.";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "Thông tin gửi lên chưa đúng.";
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
      return "Không thực hiện được ở bước hiện tại của hồ sơ: hãy tải lại "
             "trang để xem trạng thái mới nhất.";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "Yêu cầu vượt quá giới hạn cho phép.";
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "Không kết nối được máy chủ quy trình: hãy thử lại sau ít phút.";
    default:
      return "Máy chủ gặp lỗi khi xử lý yêu cầu: hãy báo quản trị hệ thống.";
  }
}

}  // namespace

std::string ErrorJson(const std::string& code, const std::string& message,
                      const std::string& detail, const std::string& reason) {
  return nlohmann::json{{"ma", code},
                        {"ly_do", reason},
                        {"thong_bao", message},
                        {"chi_tiet", detail}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

JsonAnswer AnswerJson(const google::protobuf::Message& response) {
  JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  std::string body;
  auto printed =
      google::protobuf::util::MessageToJsonString(response, &body, print);
  if (!printed.ok()) {
    return {500, ErrorJson("INTERNAL", VietnameseFor(grpc::StatusCode::INTERNAL),
                           std::string(printed.message()))};
  }
  return {200, std::move(body)};
}

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

JsonAnswer RpcBridge::Refusal(const grpc::Status& status) {
  std::string reason, vietnamese;
  google::rpc::Status details;
  if (!status.error_details().empty() &&
      details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::ErrorInfo info;
      google::rpc::LocalizedMessage localized;
      if (any.Is<google::rpc::ErrorInfo>() && any.UnpackTo(&info)) {
        reason = info.reason();
      } else if (any.Is<google::rpc::LocalizedMessage>() &&
                 any.UnpackTo(&localized)) {
        vietnamese = localized.message();
      }
    }
  }
  if (vietnamese.empty()) vietnamese = VietnameseFor(status.error_code());
  return {HttpStatusFor(status.error_code()),
          ErrorJson(CodeName(status.error_code()), vietnamese,
                    status.error_message(), reason)};
}

template <typename Stub, typename Request, typename Response>
void RpcBridge::Offer(const std::string& name, Stub* stub,
                      grpc::Status (Stub::*call)(grpc::ClientContext*,
                                                 const Request&, Response*),
                      bool own) {
  (own ? own_ : methods_)[name] = [stub, call](const std::string& request_json,
                                grpc::ClientContext* context) -> JsonAnswer {
    Request request;
    JsonParseOptions parse;
    auto parsed = google::protobuf::util::JsonStringToMessage(
        request_json.empty() ? "{}" : request_json, &request, parse);
    if (!parsed.ok()) {
      return {400, ErrorJson("INVALID_ARGUMENT",
                             "Thông tin gửi lên không đúng định dạng.",
                             std::string(parsed.message()))};
    }
    Response response;
    grpc::Status status = (stub->*call)(context, request, &response);
    if (!status.ok()) return Refusal(status);
    return AnswerJson(response);
  };
}

RpcBridge::RpcBridge(std::shared_ptr<grpc::Channel> channel,
                     absl::Duration deadline)
    : channel_(std::move(channel)), deadline_(deadline) {
  auto stubs = std::make_shared<Stubs>();
  stubs->workflows = pb::WorkflowService::NewStub(channel_);
  stubs->documents = pb::DocumentService::NewStub(channel_);
  stubs->files = pb::FileService::NewStub(channel_);
  stubs->sessions = pb::SessionService::NewStub(channel_);
  using W = pb::WorkflowService::Stub;
  using D = pb::DocumentService::Stub;
  auto* w = stubs->workflows.get();
  auto* d = stubs->documents.get();
  const std::string ws = "wf.v1.WorkflowService/", ds = "wf.v1.DocumentService/";
  Offer(ws + "ListWorkflows", w, &W::ListWorkflows);
  Offer(ws + "GetWorkflow", w, &W::GetWorkflow);
  Offer(ws + "StartInstance", w, &W::StartInstance);
  Offer(ws + "FireEvent", w, &W::FireEvent);
  Offer(ws + "GetInstance", w, &W::GetInstance);
  Offer(ws + "ListInstances", w, &W::ListInstances);
  Offer(ws + "GetHistory", w, &W::GetHistory);
  Offer(ws + "ListDeadlines", w, &W::ListDeadlines);
  Offer(ws + "GetInbox", w, &W::GetInbox);
  Offer(ws + "WhoAmI", w, &W::WhoAmI);
  Offer(ws + "ListNotices", w, &W::ListNotices);
  Offer(ws + "MarkNoticesSeen", w, &W::MarkNoticesSeen);
  Offer(ws + "GetProgress", w, &W::GetProgress);
  Offer(ds + "GetDocument", d, &D::GetDocument);
  Offer(ds + "RenderDocument", d, &D::RenderDocument);
  Offer(ds + "AcknowledgeDocument", d, &D::AcknowledgeDocument);
  Offer(ds + "ListIncoming", d, &D::ListIncoming);
  Offer("wf.v1.FileService/ListFiles", stubs->files.get(),
        &pb::FileService::Stub::ListFiles);
  using S = pb::SessionService::Stub;
  auto* s = stubs->sessions.get();
  const std::string ss = "wf.v1.SessionService/";
  Offer(ss + "ChangePassword", s, &S::ChangePassword);
  Offer(ss + "SignIn", s, &S::SignIn, /*own=*/true);
  Offer(ss + "OpenSession", s, &S::OpenSession, /*own=*/true);
  Offer(ss + "SignOut", s, &S::SignOut, /*own=*/true);
  stubs_ = std::move(stubs);
}

JsonAnswer RpcBridge::Call(const std::string& method,
                           const std::string& request_json,
                           const std::string& token) const {
  auto it = methods_.find(method);
  if (it == methods_.end()) {
    return {404, ErrorJson("NOT_FOUND",
                           "Bảng điều khiển không có chức năng này.",
                           "no such method: " + method)};
  }
  return Run(it->second, request_json, token);
}

JsonAnswer RpcBridge::CallOwn(const std::string& method,
                              const std::string& request_json,
                              const std::string& token,
                              const std::string& client) const {
  auto it = own_.find(method);
  if (it == own_.end()) return Call(method, request_json, token);
  return Run(it->second, request_json, token, client);
}

JsonAnswer RpcBridge::Run(const Method& method,
                          const std::string& request_json,
                          const std::string& token,
                          const std::string& client) const {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(deadline_));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  if (!client.empty()) context.AddMetadata("x-forwarded-for", client);
  return method(request_json, &context);
}

}  // namespace wf::console
