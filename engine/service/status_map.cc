// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/status_map.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/util/refusal.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "wf/v1/workflow.pb.h"

namespace wf {
namespace {

// The reasons that say which precondition on the instance failed: these
// also get a PreconditionFailure, for clients that look for one.
bool IsPreconditionReason(const std::string& reason) {
  return reason == reason::kEventNotAllowed ||
         reason == reason::kInstanceFinished ||
         reason == reason::kInstanceCancelled ||
         reason == reason::kVersionMismatch ||
         reason == reason::kStateMismatch || reason == reason::kGuardRefused;
}

// The refusal's reason if the proto declares it, else the generic reason of
// the status code ("OTHER_NOT_FOUND"): no refusal leaves without one.
std::string ReasonOf(const absl::Status& status,
                     const RefusalDetails& details) {
  v1::ErrorReason parsed;
  if (!details.reason.empty() &&
      v1::ErrorReason_Parse(details.reason, &parsed)) {
    return details.reason;
  }
  // Every DATA_LOSS of this engine is a stored record that does not read.
  if (absl::IsDataLoss(status)) return reason::kStoredDataCorrupt;
  return GenericReason(status.code());
}

void AddErrorInfo(const std::string& reason, const RefusalDetails& details,
                  google::rpc::Status* out) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain(kErrorDomain);
  for (const auto& [key, value] : details.metadata) {
    (*info.mutable_metadata())[key] = value;
  }
  out->add_details()->PackFrom(info);
}

// The engine names the fields of its C++ requests; a gRPC client sent the
// proto's: `variables` and `payload` are Structs there, not JSON text.
std::string RequestField(const std::string& engine_field) {
  for (const auto& [engine, proto] :
       {std::pair<absl::string_view, absl::string_view>{"payload_json",
                                                        "payload"},
        {"variables_json", "variables"}}) {
    if (absl::StartsWith(engine_field, engine)) {
      return absl::StrCat(proto, engine_field.substr(engine.size()));
    }
  }
  return engine_field;
}

void AddBadRequest(const RefusalDetails& details, google::rpc::Status* out) {
  if (details.fields.empty()) return;
  google::rpc::BadRequest bad;
  for (const FieldViolation& f : details.fields) {
    auto* violation = bad.add_field_violations();
    violation->set_field(RequestField(f.field));
    violation->set_description(f.description);
  }
  out->add_details()->PackFrom(bad);
}

void AddPreconditionFailure(const std::string& reason,
                            const RefusalDetails& details,
                            const absl::Status& status,
                            google::rpc::Status* out) {
  if (!IsPreconditionReason(reason)) return;
  google::rpc::PreconditionFailure failure;
  auto* violation = failure.add_violations();
  violation->set_type(reason);
  auto id = details.metadata.find("instance_id");
  violation->set_subject(id == details.metadata.end()
                             ? "instance"
                             : absl::StrCat("instance/", id->second));
  violation->set_description(std::string(status.message()));
  out->add_details()->PackFrom(failure);
}

void AddLocalizedMessage(const RefusalDetails& details,
                         google::rpc::Status* out) {
  if (details.vietnamese.empty()) return;
  google::rpc::LocalizedMessage localized;
  localized.set_locale("vi-VN");
  localized.set_message(details.vietnamese);
  out->add_details()->PackFrom(localized);
}

}  // namespace

std::string GenericReason(absl::StatusCode code) {
  return absl::StrCat("OTHER_", absl::StatusCodeToString(code));
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status out;
  out.set_code(static_cast<int>(status.code()));
  out.set_message(std::string(status.message()));
  if (status.ok()) return out;
  const RefusalDetails details =
      ReadRefusal(status).value_or(RefusalDetails());
  const std::string reason = ReasonOf(status, details);
  AddErrorInfo(reason, details, &out);
  AddBadRequest(details, &out);
  AddPreconditionFailure(reason, details, status, &out);
  AddLocalizedMessage(details, &out);
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      ToRpcStatus(status).SerializeAsString());
}

}  // namespace wf
