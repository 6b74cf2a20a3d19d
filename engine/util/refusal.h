// Copyright the wf-engine authors. Apache-2.0.
//
// Why a request was refused, in a form a program can read: a stable reason
// (a name of wf.v1.ErrorReason), metadata (facts such as the current state),
// the request fields that were wrong, and an optional Vietnamese message for
// the official who reads it. It travels inside the absl::Status as a payload,
// so the engine stays free of gRPC; engine/service/status_map.cc turns it
// into google.rpc.Status details at the edge.
//
//   return Refusal(absl::FailedPreconditionError("Expected ..., but ..."),
//                  reason::kEventNotAllowed)
//       .With("state", "cho_duyet")
//       .With("allowed_events", "duyet,tra_lai")
//       .Vietnamese("Văn bản đang ở bước chờ duyệt, không thể trình lại.");
//
//   std::optional<RefusalDetails> details = ReadRefusal(status);
//
// A status without a refusal still reaches clients with a reason: the edge
// gives it the generic one of its code (OTHER_INVALID_ARGUMENT, ...).
#ifndef WF_UTIL_REFUSAL_H_
#define WF_UTIL_REFUSAL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wf {

// The reasons the engine gives, each a name of wf.v1.ErrorReason (the proto
// says when each is given and which metadata keys it carries).
namespace reason {
inline constexpr char kEventNotAllowed[] = "EVENT_NOT_ALLOWED";
inline constexpr char kEventUnknown[] = "EVENT_UNKNOWN";
inline constexpr char kGuardRefused[] = "GUARD_REFUSED";
inline constexpr char kScriptFailed[] = "SCRIPT_FAILED";
inline constexpr char kVersionMismatch[] = "VERSION_MISMATCH";
inline constexpr char kStateMismatch[] = "STATE_MISMATCH";
inline constexpr char kRoleRequired[] = "ROLE_REQUIRED";
inline constexpr char kSystemOnly[] = "SYSTEM_ONLY";
inline constexpr char kIdempotencyKeyReused[] = "IDEMPOTENCY_KEY_REUSED";
inline constexpr char kBudgetExceeded[] = "BUDGET_EXCEEDED";
inline constexpr char kPayloadTooLarge[] = "PAYLOAD_TOO_LARGE";
inline constexpr char kFieldRequired[] = "FIELD_REQUIRED";
inline constexpr char kInvalidField[] = "INVALID_FIELD";
inline constexpr char kInstanceNotFound[] = "INSTANCE_NOT_FOUND";
inline constexpr char kWorkflowNotFound[] = "WORKFLOW_NOT_FOUND";
inline constexpr char kUnitNotFound[] = "UNIT_NOT_FOUND";
inline constexpr char kPersonNotFound[] = "PERSON_NOT_FOUND";
inline constexpr char kTokenNotFound[] = "TOKEN_NOT_FOUND";
inline constexpr char kInstanceFinished[] = "INSTANCE_FINISHED";
inline constexpr char kInstanceCancelled[] = "INSTANCE_CANCELLED";
inline constexpr char kUnauthenticated[] = "UNAUTHENTICATED";
inline constexpr char kAdminRequired[] = "ADMIN_REQUIRED";
inline constexpr char kSignInFailed[] = "SIGN_IN_FAILED";
inline constexpr char kSignInLocked[] = "SIGN_IN_LOCKED";
inline constexpr char kPasswordChangeRequired[] = "PASSWORD_CHANGE_REQUIRED";
inline constexpr char kStoreUnavailable[] = "STORE_UNAVAILABLE";
inline constexpr char kShuttingDown[] = "SHUTTING_DOWN";
inline constexpr char kContention[] = "CONTENTION";
inline constexpr char kBusinessKeyTaken[] = "BUSINESS_KEY_TAKEN";
inline constexpr char kDefinitionInvalid[] = "DEFINITION_INVALID";
inline constexpr char kDirectoryInvalid[] = "DIRECTORY_INVALID";
inline constexpr char kBackupExists[] = "BACKUP_EXISTS";
inline constexpr char kStoredDataCorrupt[] = "STORED_DATA_CORRUPT";
inline constexpr char kDocumentAlreadyIssued[] = "DOCUMENT_ALREADY_ISSUED";
inline constexpr char kDocumentIncomplete[] = "DOCUMENT_INCOMPLETE";
inline constexpr char kDocumentNotIssued[] = "DOCUMENT_NOT_ISSUED";
inline constexpr char kNotARecipient[] = "NOT_A_RECIPIENT";
// Files (50-59).
inline constexpr char kFileTooLarge[] = "FILE_TOO_LARGE";
inline constexpr char kFileHashMismatch[] = "FILE_HASH_MISMATCH";
inline constexpr char kUploadIncomplete[] = "UPLOAD_INCOMPLETE";
inline constexpr char kMediaTypeRefused[] = "MEDIA_TYPE_REFUSED";
inline constexpr char kFileNameInvalid[] = "FILE_NAME_INVALID";
inline constexpr char kFileNotFound[] = "FILE_NOT_FOUND";
inline constexpr char kFileSlotInvalid[] = "FILE_SLOT_INVALID";
// The feed (70-74).
inline constexpr char kFeedCursorExpired[] = "FEED_CURSOR_EXPIRED";
inline constexpr char kFeedCursorAhead[] = "FEED_CURSOR_AHEAD";
// Province plugins (80-89).
inline constexpr char kPluginInvalid[] = "PLUGIN_INVALID";
inline constexpr char kPluginNotFound[] = "PLUGIN_NOT_FOUND";
inline constexpr char kWorkflowHasProvinceData[] = "WORKFLOW_HAS_PROVINCE_DATA";
}  // namespace reason

// Every name in `reason` above, for the test that checks the proto lists
// each one.
const std::vector<std::string>& AllReasons();

struct FieldViolation {
  std::string field;        // the request field, e.g. "payload_json"
  std::string description;  // what is wrong with it, in English
};

// What ReadRefusal finds in a status.
struct RefusalDetails {
  std::string reason;  // empty when only metadata or fields were attached
  std::map<std::string, std::string> metadata;
  std::vector<FieldViolation> fields;
  std::string vietnamese;  // "" when there is none
};

// Builds a refused status: the code and English message of `status`, with
// `reason` and whatever With/Field/Vietnamese add. Converts to absl::Status
// (and so to any absl::StatusOr). An OK status stays OK, without payload.
class Refusal {
 public:
  Refusal(absl::Status status, absl::string_view reason);

  Refusal& With(absl::string_view key, absl::string_view value);
  Refusal& With(absl::string_view key, uint64_t value);
  // A field violation; `description` defaults to the status message.
  Refusal& Field(absl::string_view field, absl::string_view description = "");
  // The message for the official, in Vietnamese (locale vi-VN).
  Refusal& Vietnamese(absl::string_view message);

  absl::Status status() const;
  operator absl::Status() const { return status(); }  // NOLINT

 private:
  absl::Status status_;
  RefusalDetails details_;
};

// The refusal attached to `status`, if any.
std::optional<RefusalDetails> ReadRefusal(const absl::Status& status);

// `status` with `reason` set, unless it already has one (the innermost,
// most specific site wins). OK stays OK.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// `status` with one more metadata entry (replacing one of the same key).
absl::Status WithMetadata(absl::Status status, absl::string_view key,
                          absl::string_view value);

// `status` naming request field `field` as the one at fault (described by
// the status message), with `reason` unless it has one already.
absl::Status ForField(absl::Status status, absl::string_view field,
                      absl::string_view reason);

}  // namespace wf

#endif  // WF_UTIL_REFUSAL_H_
