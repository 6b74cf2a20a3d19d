// Copyright the wf-engine authors. Apache-2.0.
//
// The checks a start or fire request passes before anything is read:
// identifiers, sizes, JSON, text (UTF-8, NFC, no control characters), and the
// request's fingerprint, which tells a retry from a different request under
// the same idempotency key.
#ifndef WF_RUNTIME_REQUEST_CHECKS_H_
#define WF_RUNTIME_REQUEST_CHECKS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "engine/lua/workflow_spec.h"
#include "engine/util/json.h"
#include "wf/options.h"
#include "wf/types.h"

namespace wf {

// A start request that passed the checks that need no I/O.
struct StartInput {
  std::string workflow;
  std::string unit;
  Actor actor_kind;
  Json vars;
  std::string business_key;
  std::string idempotency_key;
  std::string actor;
  std::string fingerprint;
  uint32_t workflow_version = 0;  // 0: the latest
  std::function<bool()> still_wanted;
};

// What an upload's Finish hands to its attach step (Engine::BeginUpload):
// the file, judged and hashed, and the writes that store its bytes' record
// if no file with its digest is stored yet.
struct AttachInput {
  std::string slot;
  std::string name;     // NFC
  std::string sha256;   // 32 bytes
  uint64_t size = 0;
  std::string media_type;
  WriteSet store_bytes;  // BlobUpload::CommitInto
};

// A fire request (or a due timer) that passed the checks that need no I/O.
struct FireInput {
  Actor actor_kind;
  // Set when a timer fires the event.
  std::optional<store::TimerRecord> timer;
  std::string instance_id;
  std::string event;
  Json payload;
  uint64_t expected_version = 0;
  std::string idempotency_key;
  std::string actor;
  std::string fingerprint;
  std::string expected_state;  // "": don't check
  std::function<bool()> still_wanted;
  // Set for a cancel (event kCancelEvent, payload {"reason": ...}).
  std::optional<std::string> cancel_reason;
  // Set for an acknowledgement (event kAcknowledgeEvent): the unit asked
  // for ("" : the caller's first recipient unit).
  std::optional<std::string> acknowledge_unit;
  // Set for an attach (event kAttachEvent) once the bytes are in.
  std::shared_ptr<const AttachInput> attach;
};

// The history event a cancel records. Not an identifier, so no workflow can
// declare an event of that name.
inline constexpr char kCancelEvent[] = "wf.cancel";
// The history event of a recipient's acknowledgement: payload {"unit",
// "name"}; no script runs.
inline constexpr char kAcknowledgeEvent[] = "wf.acknowledge";
// The history event of a file attached to a slot (docs/documents.md).
inline constexpr char kAttachEvent[] = "wf.attach";

// INVALID_ARGUMENT unless `id` is a non-empty instance id (every call
// naming an instance checks this first).
absl::StatusOr<std::string> CheckInstanceId(const std::string& id);

// INVALID_ARGUMENT (or RESOURCE_EXHAUSTED for sizes) naming the field.
absl::StatusOr<StartInput> CheckStart(const StartRequest& request,
                                      const Limits& limits);
absl::StatusOr<FireInput> CheckFire(const FireRequest& request,
                                    const Limits& limits);
absl::StatusOr<FireInput> CheckCancel(const CancelRequest& request,
                                      const Limits& limits);
absl::StatusOr<FireInput> CheckAcknowledge(const AcknowledgeRequest& request,
                                           const Limits& limits);
// An upload's request: slot, name (NFC), digest, announced size (over
// Limits::max_file_bytes: FILE_TOO_LARGE). `attach` is left for Finish.
absl::StatusOr<FireInput> CheckUpload(const UploadRequest& request,
                                      const Limits& limits);

// INVALID_ARGUMENT unless `object` has each of `required`, not null or ""
// (FIELD_REQUIRED), and each field of it that `spec` declares (its
// `fields`) holds a value of the declared kind (INVALID_FIELD). `what` and
// `who` name the object and the rule in the English message; the
// Vietnamese one names the field by its title, and says whether a new
// document (`start`) or the step requires it. `request_field`, when the
// object is a request field, prefixes the field violation
// ("payload_json.ly_do").
absl::Status CheckFields(const Json& object,
                         const std::vector<std::string>& required,
                         const WorkflowSpec& spec, bool start,
                         const std::string& what, const std::string& who,
                         const std::string& request_field = "");

}  // namespace wf

#endif  // WF_RUNTIME_REQUEST_CHECKS_H_
