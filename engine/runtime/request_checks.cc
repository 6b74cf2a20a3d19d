// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/request_checks.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

std::string Fingerprint(std::initializer_list<absl::string_view> parts) {
  return Sha256(absl::StrJoin(parts, absl::string_view("\0", 1)));
}

}  // namespace

absl::Status CheckRequired(const Json& object,
                           const std::vector<std::string>& fields,
                           const std::string& what, const std::string& who) {
  for (const std::string& field : fields) {
    auto it = object.find(field);
    bool missing = it == object.end() || it->is_null() ||
                   (it->is_string() && it->get_ref<const std::string&>().empty());
    if (missing) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected ", what, " to have the field '", field,
                       "' (required by ", who, "), but it is missing"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<StartInput> CheckStart(const StartRequest& request,
                                      const Limits& limits) {
  StartInput in;
  if (!IsIdentifier(request.workflow)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected `workflow` to name a deployed workflow, but got '",
        request.workflow, "'"));
  }
  in.workflow = request.workflow;
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.unit,
                      CheckKeyText(request.unit, "unit", kMaxUnitBytes));
  if (request.actor.checked() && in.unit.empty()) {
    return absl::InvalidArgumentError(
        "Expected `unit`: the org unit the document belongs to (e.g. the "
        "commune's code \"07627\"), but it is empty");
  }
  WF_ASSIGN_OR_RETURN(in.vars, ParseJsonObject(request.variables_json,
                                               "variables_json",
                                               limits.max_payload_bytes));
  WF_ASSIGN_OR_RETURN(in.business_key,
                      CheckKeyText(request.business_key, "business_key",
                                   limits.max_business_key_bytes));
  WF_ASSIGN_OR_RETURN(in.idempotency_key,
                      CheckKeyText(request.idempotency_key, "idempotency_key",
                                   limits.max_idempotency_key_bytes));
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
    return absl::InvalidArgumentError(
        "Expected `instance_id`, but it is empty");
  }
  return CheckKeyText(id, "instance_id", kMaxInstanceIdBytes);
}

absl::StatusOr<FireInput> CheckFire(const FireRequest& request,
                                    const Limits& limits) {
  FireInput in;
  WF_ASSIGN_OR_RETURN(in.instance_id, CheckInstanceId(request.instance_id));
  if (!IsIdentifier(request.event)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected `event` to be an event name (lower-case letters, digits ",
        "and _), but got '", request.event, "'"));
  }
  in.event = request.event;
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.payload,
                      ParseJsonObject(request.payload_json, "payload_json",
                                      limits.max_payload_bytes));
  in.expected_version = request.expected_version;
  WF_ASSIGN_OR_RETURN(in.idempotency_key,
                      CheckKeyText(request.idempotency_key, "idempotency_key",
                                   limits.max_idempotency_key_bytes));
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
                      CheckKeyText(request.reason, "reason",
                                   kMaxReasonBytes));
  if (reason.empty()) {
    return absl::InvalidArgumentError(
        "Expected `reason`: why the instance is cancelled (it is recorded "
        "in its history), but it is empty");
  }
  in.event = kCancelEvent;
  in.payload = Json::object({{"reason", reason}});
  in.cancel_reason = std::move(reason);
  in.actor_kind = request.actor;
  WF_ASSIGN_OR_RETURN(in.idempotency_key,
                      CheckKeyText(request.idempotency_key, "idempotency_key",
                                   limits.max_idempotency_key_bytes));
  WF_ASSIGN_OR_RETURN(in.actor, CheckActorId(request.actor));
  in.fingerprint = Fingerprint({"cancel", in.actor, *in.cancel_reason});
  in.still_wanted = request.still_wanted;
  return in;
}

}  // namespace wf
