// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/refusal.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "engine/util/json.h"

namespace wf {
namespace {

// The payload's type URL: internal to the engine, never sent to clients
// (the edge translates it to google.rpc details).
constexpr char kPayloadUrl[] = "wf.engine/refusal";

// The payload is JSON: the util library already speaks it, and the engine
// must not depend on the gRPC protos.
std::string Encode(const RefusalDetails& d) {
  Json fields = Json::array();
  for (const FieldViolation& f : d.fields) {
    fields.push_back({{"field", f.field}, {"description", f.description}});
  }
  Json out = {{"reason", d.reason},
              {"metadata", d.metadata},
              {"fields", std::move(fields)},
              {"vi", d.vietnamese}};
  return DumpJson(out);
}

std::optional<RefusalDetails> Decode(const std::string& text) {
  Json in = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!in.is_object()) return std::nullopt;
  RefusalDetails d;
  d.reason = in.value("reason", "");
  d.vietnamese = in.value("vi", "");
  // Named copies: items() of a temporary would dangle.
  const Json metadata = in.value("metadata", Json::object());
  for (const auto& [key, value] : metadata.items()) {
    if (value.is_string()) d.metadata[key] = value.get<std::string>();
  }
  const Json fields = in.value("fields", Json::array());
  for (const Json& f : fields) {
    if (!f.is_object()) continue;
    d.fields.push_back({f.value("field", ""), f.value("description", "")});
  }
  return d;
}

absl::Status Attach(absl::Status status, const RefusalDetails& details) {
  if (status.ok()) return status;
  status.SetPayload(kPayloadUrl, absl::Cord(Encode(details)));
  return status;
}

RefusalDetails DetailsOf(const absl::Status& status) {
  std::optional<RefusalDetails> found = ReadRefusal(status);
  return found.has_value() ? *std::move(found) : RefusalDetails();
}

}  // namespace

const std::vector<std::string>& AllReasons() {
  static const auto* const kAll = new std::vector<std::string>{
      reason::kEventNotAllowed,    reason::kEventUnknown,
      reason::kGuardRefused,       reason::kScriptFailed,
      reason::kVersionMismatch,    reason::kStateMismatch,
      reason::kRoleRequired,       reason::kSystemOnly,
      reason::kIdempotencyKeyReused, reason::kBudgetExceeded,
      reason::kPayloadTooLarge,    reason::kFieldRequired,
      reason::kInvalidField,       reason::kInstanceNotFound,
      reason::kWorkflowNotFound,   reason::kUnitNotFound,
      reason::kPersonNotFound,     reason::kTokenNotFound,
      reason::kInstanceFinished,   reason::kInstanceCancelled,
      reason::kUnauthenticated,    reason::kAdminRequired,
      reason::kSignInFailed,       reason::kSignInLocked,
      reason::kPasswordChangeRequired,
      reason::kStoreUnavailable,   reason::kShuttingDown,
      reason::kContention,         reason::kBusinessKeyTaken,
      reason::kDefinitionInvalid,  reason::kDirectoryInvalid,
      reason::kBackupExists,       reason::kStoredDataCorrupt,
      reason::kDocumentAlreadyIssued, reason::kDocumentIncomplete,
      reason::kDocumentNotIssued,  reason::kNotARecipient,
      reason::kFileTooLarge,       reason::kFileHashMismatch,
      reason::kUploadIncomplete,   reason::kMediaTypeRefused,
      reason::kFileNameInvalid,    reason::kFileNotFound,
      reason::kFileSlotInvalid,    reason::kFeedCursorExpired,
      reason::kFeedCursorAhead,
      reason::kPluginInvalid,
      reason::kPluginNotFound,
      reason::kWorkflowHasProvinceData,
  };
  return *kAll;
}

Refusal::Refusal(absl::Status status, absl::string_view reason)
    : status_(std::move(status)), details_(DetailsOf(status_)) {
  details_.reason = std::string(reason);
}

Refusal& Refusal::With(absl::string_view key, absl::string_view value) {
  details_.metadata[std::string(key)] = std::string(value);
  return *this;
}

Refusal& Refusal::With(absl::string_view key, uint64_t value) {
  return With(key, absl::StrCat(value));
}

Refusal& Refusal::Field(absl::string_view field,
                        absl::string_view description) {
  details_.fields.push_back(
      {std::string(field),
       std::string(description.empty() ? status_.message() : description)});
  return *this;
}

Refusal& Refusal::Vietnamese(absl::string_view message) {
  details_.vietnamese = std::string(message);
  return *this;
}

absl::Status Refusal::status() const { return Attach(status_, details_); }

std::optional<RefusalDetails> ReadRefusal(const absl::Status& status) {
  auto payload = status.GetPayload(kPayloadUrl);  // absl::optional here
  if (!payload.has_value()) return std::nullopt;
  return Decode(std::string(*payload));
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  RefusalDetails details = DetailsOf(status);
  if (!details.reason.empty()) return status;
  details.reason = std::string(reason);
  return Attach(std::move(status), details);
}

absl::Status WithMetadata(absl::Status status, absl::string_view key,
                          absl::string_view value) {
  RefusalDetails details = DetailsOf(status);
  details.metadata[std::string(key)] = std::string(value);
  return Attach(std::move(status), details);
}

absl::Status ForField(absl::Status status, absl::string_view field,
                      absl::string_view reason) {
  if (status.ok()) return status;
  RefusalDetails details = DetailsOf(status);
  if (details.reason.empty()) details.reason = std::string(reason);
  details.fields.push_back({std::string(field), std::string(status.message())});
  return Attach(std::move(status), details);
}

}  // namespace wf
