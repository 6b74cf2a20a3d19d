// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/request_checks.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/calendar/vn_date.h"
#include "engine/documents/file_checks.h"
#include "engine/util/refusal.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf {
namespace {

constexpr size_t kMaxActorBytes = 256;
constexpr size_t kMaxUnitBytes = 64;
constexpr size_t kMaxInstanceIdBytes = 64;
constexpr size_t kMaxReasonBytes = 1024;

absl::StatusOr<std::string> CheckActorId(const Actor& actor) {
  WF_ASSIGN_OR_RETURN(std::string id,
                      CheckKeyText(actor.id, "actor", kMaxActorBytes));
  if (id.empty()) return std::string("anonymous");
  return id;
}

// A refusal of request field `field`: too large (PAYLOAD_TOO_LARGE) or
// malformed (INVALID_FIELD), with the field violation naming it.
absl::Status FieldError(absl::Status status, absl::string_view field) {
  if (absl::IsResourceExhausted(status)) {
    status = WithMetadata(std::move(status), "field", field);
    return ForField(std::move(status), field, reason::kPayloadTooLarge);
  }
  return ForField(std::move(status), field, reason::kInvalidField);
}

template <typename T>
absl::StatusOr<T> Field(absl::StatusOr<T> value, absl::string_view field) {
  if (value.ok()) return value;
  return FieldError(value.status(), field);
}

absl::Status Missing(absl::string_view field, absl::string_view message,
                     absl::string_view vietnamese = "") {
  Refusal refusal(absl::InvalidArgumentError(message), reason::kFieldRequired);
  refusal.With("field", field).Field(field);
  if (!vietnamese.empty()) refusal.Vietnamese(vietnamese);
  return refusal;
}

std::string Fingerprint(std::initializer_list<absl::string_view> parts) {
  return Sha256(absl::StrJoin(parts, absl::string_view("\0", 1)));
}

}  // namespace

namespace {

bool HoldsKind(const Json& value, FieldKind kind) {
  switch (kind) {
    case FieldKind::kText:
    case FieldKind::kLongText:
      return value.is_string();
    case FieldKind::kInteger:
      if (value.is_number_integer()) return true;
      return value.is_number_float() &&
             std::trunc(value.get<double>()) == value.get<double>() &&
             std::fabs(value.get<double>()) < 9007199254740992.0;  // 2^53
    case FieldKind::kNumber:
      return value.is_number();
    case FieldKind::kDate:
      // As the scripts' wf.date reads it: 10/02/2026 or 2026-02-10.
      return value.is_string() &&
             calendar::ParseDate(value.get_ref<const std::string&>()).ok();
    case FieldKind::kList:
      return value.is_array();
    case FieldKind::kBoolean:
      return value.is_boolean();
  }
  return true;
}

// "a whole number" / "một số nguyên": what a kind asks for.
std::pair<const char*, const char*> KindWords(FieldKind kind) {
  switch (kind) {
    case FieldKind::kText:
    case FieldKind::kLongText:
      return {"text", "chữ (văn bản)"};
    case FieldKind::kInteger:
      return {"a whole number", "một số nguyên"};
    case FieldKind::kNumber:
      return {"a number", "một số"};
    case FieldKind::kDate:
      return {"a real day written 10/02/2026 or 2026-02-10",
              "một ngày có thật, viết dạng 10/02/2026 hoặc 2026-02-10"};
    case FieldKind::kList:
      return {"a list", "một danh sách"};
    case FieldKind::kBoolean:
      return {"true or false", "có hoặc không (true hoặc false)"};
  }
  return {"", ""};
}

const char* JsonKind(const Json& value) {
  if (value.is_string()) return "text";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_array()) return "a list";
  if (value.is_object()) return "an object";
  return "null";
}

}  // namespace

absl::Status CheckFields(const Json& object,
                         const std::vector<std::string>& required,
                         const WorkflowSpec& spec, bool start,
                         const std::string& what, const std::string& who,
                         const std::string& request_field) {
  auto path = [&](const std::string& field) {
    return request_field.empty() ? field
                                 : absl::StrCat(request_field, ".", field);
  };
  auto title = [&](const std::string& field) {
    const FieldSpec* declared = spec.Field(field);
    return declared != nullptr && !declared->title.empty() ? declared->title
                                                           : field;
  };
  for (const std::string& field : required) {
    auto it = object.find(field);
    bool missing = it == object.end() || it->is_null() ||
                   (it->is_string() && it->get_ref<const std::string&>().empty());
    if (missing) {
      return Missing(path(field),
                     absl::StrCat("Expected ", what, " to have the field '",
                                  field, "' (required by ", who,
                                  "), but it is missing"),
                     absl::StrCat("Chưa nhập «", title(field), "»: ",
                                  start ? "hồ sơ mới" : "bước này",
                                  " bắt buộc phải có."));
    }
  }
  if (spec.fields.empty() || !object.is_object()) return absl::OkStatus();
  for (const auto& [name, value] : object.get_ref<const Json::object_t&>()) {
    const FieldSpec* declared = spec.Field(name);
    if (declared == nullptr || value.is_null() ||
        HoldsKind(value, declared->kind)) {
      continue;
    }
    const auto [english, vietnamese] = KindWords(declared->kind);
    return Refusal(absl::InvalidArgumentError(absl::StrCat(
                       "Expected the field '", name, "' of ", what, " to be ",
                       english, " (the workflow declares it ",
                       FieldKindName(declared->kind), "), but it is ",
                       JsonKind(value))),
                   reason::kInvalidField)
        .With("field", name)
        .With("kind", FieldKindName(declared->kind))
        .Field(path(name))
        .Vietnamese(absl::StrCat("«", title(name), "» phải là ", vietnamese,
                                 "."));
  }
  return absl::OkStatus();
}

absl::StatusOr<StartInput> CheckStart(const StartRequest& request,
                                      const Limits& limits) {
  StartInput in;
  if (!IsIdentifier(request.workflow)) {
    return FieldError(absl::InvalidArgumentError(absl::StrCat(
                          "Expected `workflow` to name a deployed workflow, "
                          "but got '", request.workflow, "'")),
                      "workflow");
  }
  in.workflow = request.workflow;
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(
      in.unit, Field(CheckKeyText(request.unit, "unit", kMaxUnitBytes), "unit"));
  if (request.actor.checked() && in.unit.empty()) {
    return Missing("unit",
                   "Expected `unit`: the org unit the document belongs to "
                   "(e.g. the commune's code \"07627\"), but it is empty");
  }
  WF_ASSIGN_OR_RETURN(in.vars,
                      Field(ParseJsonObject(request.variables_json,
                                            "variables_json",
                                            limits.max_payload_bytes),
                            "variables_json"));
  WF_ASSIGN_OR_RETURN(in.business_key,
                      Field(CheckKeyText(request.business_key, "business_key",
                                         limits.max_business_key_bytes),
                            "business_key"));
  WF_ASSIGN_OR_RETURN(
      in.idempotency_key,
      Field(CheckKeyText(request.idempotency_key, "idempotency_key",
                         limits.max_idempotency_key_bytes),
            "idempotency_key"));
  WF_ASSIGN_OR_RETURN(in.actor, CheckActorId(request.actor));
  in.fingerprint = Fingerprint({"start", in.actor, in.workflow, in.unit,
                                DumpJson(in.vars), in.business_key});
  in.workflow_version = request.workflow_version;
  if (in.workflow_version != 0) {  // older fingerprints stay as they were
    in.fingerprint = Fingerprint(
        {in.fingerprint, absl::StrCat("version ", in.workflow_version)});
  }
  in.still_wanted = request.still_wanted;
  return in;
}

absl::StatusOr<std::string> CheckInstanceId(const std::string& id) {
  if (id.empty()) {
    return Missing("instance_id", "Expected `instance_id`, but it is empty");
  }
  return Field(CheckKeyText(id, "instance_id", kMaxInstanceIdBytes),
               "instance_id");
}

absl::StatusOr<FireInput> CheckFire(const FireRequest& request,
                                    const Limits& limits) {
  FireInput in;
  WF_ASSIGN_OR_RETURN(in.instance_id, CheckInstanceId(request.instance_id));
  if (!IsIdentifier(request.event)) {
    return FieldError(
        absl::InvalidArgumentError(absl::StrCat(
            "Expected `event` to be an event name (lower-case letters, ",
            "digits and _), but got '", request.event, "'")),
        "event");
  }
  in.event = request.event;
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.payload,
                      Field(ParseJsonObject(request.payload_json,
                                            "payload_json",
                                            limits.max_payload_bytes),
                            "payload_json"));
  in.expected_version = request.expected_version;
  WF_ASSIGN_OR_RETURN(
      in.idempotency_key,
      Field(CheckKeyText(request.idempotency_key, "idempotency_key",
                         limits.max_idempotency_key_bytes),
            "idempotency_key"));
  WF_ASSIGN_OR_RETURN(in.actor, CheckActorId(request.actor));
  in.fingerprint = Fingerprint({"fire", in.actor, in.event,
                                DumpJson(in.payload),
                                absl::StrCat(in.expected_version)});
  WF_ASSIGN_OR_RETURN(in.expected_state,
                      CheckKeyText(request.expected_state, "expected_state",
                                   kMaxUnitBytes));
  if (!in.expected_state.empty()) {  // older fingerprints stay as they were
    in.fingerprint =
        Fingerprint({in.fingerprint, "state", in.expected_state});
  }
  in.still_wanted = request.still_wanted;
  return in;
}

absl::StatusOr<FireInput> CheckCancel(const CancelRequest& request,
                                      const Limits& limits) {
  FireInput in;
  WF_ASSIGN_OR_RETURN(in.instance_id, CheckInstanceId(request.instance_id));
  WF_ASSIGN_OR_RETURN(std::string reason,
                      Field(CheckKeyText(request.reason, "reason",
                                         kMaxReasonBytes),
                            "reason"));
  if (reason.empty()) {
    return Missing("reason",
                   "Expected `reason`: why the instance is cancelled (it is "
                   "recorded in its history), but it is empty");
  }
  in.event = kCancelEvent;
  in.payload = Json::object({{"reason", reason}});
  in.cancel_reason = std::move(reason);
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.idempotency_key,
                      Field(CheckKeyText(request.idempotency_key,
                                         "idempotency_key",
                                         limits.max_idempotency_key_bytes),
                            "idempotency_key"));
  WF_ASSIGN_OR_RETURN(in.actor, CheckActorId(request.actor));
  in.fingerprint = Fingerprint({"cancel", in.actor, *in.cancel_reason});
  in.still_wanted = request.still_wanted;
  return in;
}

// The caller's part of a system event's request (acknowledge, attach): who,
// the idempotency key, whether the caller still waits.
template <typename Request>
absl::Status CheckCaller(const Request& request, const Limits& limits,
                         FireInput* in) {
  in->actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in->idempotency_key,
                      Field(CheckKeyText(request.idempotency_key,
                                         "idempotency_key",
                                         limits.max_idempotency_key_bytes),
                            "idempotency_key"));
  WF_ASSIGN_OR_RETURN(in->actor, CheckActorId(request.actor));
  in->still_wanted = request.still_wanted;
  return absl::OkStatus();
}

absl::StatusOr<FireInput> CheckAcknowledge(const AcknowledgeRequest& request,
                                           const Limits& limits) {
  FireInput in;
  WF_ASSIGN_OR_RETURN(in.instance_id, CheckInstanceId(request.instance_id));
  WF_ASSIGN_OR_RETURN(std::string unit,
                      Field(CheckKeyText(request.unit, "unit", 200), "unit"));
  if (unit.empty() && !request.actor.checked()) {
    return Missing("unit",
                   "Expected `unit`: the recipient unit acknowledging (the "
                   "embedder holds no role), but it is empty");
  }
  in.event = kAcknowledgeEvent;
  in.payload = Json::object();
  in.acknowledge_unit = unit;
  WF_RETURN_IF_ERROR(CheckCaller(request, limits, &in));
  in.fingerprint = Fingerprint({"acknowledge", in.actor, unit});
  return in;
}

absl::StatusOr<FireInput> CheckUpload(const UploadRequest& request,
                                      const Limits& limits) {
  FireInput in;
  WF_ASSIGN_OR_RETURN(in.instance_id, CheckInstanceId(request.instance_id));
  WF_RETURN_IF_ERROR(CheckSlot(request.slot));
  WF_ASSIGN_OR_RETURN(std::string name, CheckFileName(request.name));
  WF_ASSIGN_OR_RETURN(std::string sha256,
                      ParseSha256Hex(request.sha256_hex, "sha256"));
  if (request.size.has_value() && *request.size > limits.max_file_bytes) {
    return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                       "Expected a file of at most ", limits.max_file_bytes,
                       " bytes, but the upload announces ", *request.size)),
                   reason::kFileTooLarge)
        .With("limit", limits.max_file_bytes)
        .With("size", *request.size)
        .Field("size")
        .Vietnamese(absl::StrCat("Tệp vượt quá dung lượng cho phép (",
                                 limits.max_file_bytes >> 20, " MiB)."));
  }
  in.event = kAttachEvent;
  in.payload = Json::object(
      {{"slot", request.slot}, {"name", name}, {"sha256", ToHex(sha256)}});
  WF_RETURN_IF_ERROR(CheckCaller(request, limits, &in));
  in.fingerprint =
      Fingerprint({"attach", in.actor, request.slot, name, ToHex(sha256)});
  return in;
}

}  // namespace wf
