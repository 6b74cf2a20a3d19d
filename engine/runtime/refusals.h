// Copyright the wf-engine authors. Apache-2.0.
//
// The refusals of the transition path, each with its reason, the metadata a
// program acts on and, where an official reads it, a Vietnamese message
// (engine/util/refusal.h has the mechanism; wf.v1.ErrorReason the list).
// One function per refusal, so that every site that refuses for the same
// reason says it the same way.
#ifndef WF_RUNTIME_REFUSALS_H_
#define WF_RUNTIME_REFUSALS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace wf::refusals {

// UNAVAILABLE, SHUTTING_DOWN.
absl::Status ShuttingDown();

// FAILED_PRECONDITION, EVENT_NOT_ALLOWED: `event` exists in the workflow but
// not from `state`.
absl::Status EventNotAllowed(const std::string& instance_id,
                             const std::string& event,
                             const std::string& event_title,
                             const std::string& state,
                             const std::string& state_title,
                             const std::vector<std::string>& allowed);

// INVALID_ARGUMENT, EVENT_UNKNOWN: the workflow has no such event at all.
absl::Status EventUnknown(const std::string& workflow, uint32_t version,
                          const std::string& event,
                          const std::vector<std::string>& events);

// FAILED_PRECONDITION, INSTANCE_FINISHED.
absl::Status InstanceFinished(const std::string& instance_id,
                              const std::string& event,
                              const std::string& state,
                              const std::string& state_title);

// FAILED_PRECONDITION, INSTANCE_CANCELLED (for the cancel call).
absl::Status InstanceCancelled(const std::string& instance_id,
                               const std::string& state);

// FAILED_PRECONDITION, GUARD_REFUSED: `reason` is the guard's own text (the
// workflow author's Vietnamese), also the LocalizedMessage.
absl::Status GuardRefused(const std::string& instance_id,
                          const std::string& event,
                          const std::string& event_title,
                          const std::string& state, const std::string& reason);

// ABORTED, VERSION_MISMATCH: re-read and retry.
absl::Status VersionMismatch(const std::string& instance_id,
                             uint64_t expected_version,
                             uint64_t current_version);

// FAILED_PRECONDITION, STATE_MISMATCH: the caller acted on `expected_state`
// but the instance has moved to `current_state` (timers move it too).
absl::Status StateMismatch(const std::string& instance_id,
                           const std::string& expected_state,
                           const std::string& current_state,
                           const std::string& current_title);

// ALREADY_EXISTS, BUSINESS_KEY_TAKEN: a unique business key already names
// `first_instance` of `workflow`.
absl::Status BusinessKeyTaken(const std::string& workflow,
                              const std::string& business_key,
                              const std::string& first_instance);

// RESOURCE_EXHAUSTED, BUDGET_EXCEEDED: cancelling `instance_id` would
// cancel more than `limit` documents below it in one write.
absl::Status TooManyDescendants(const std::string& instance_id, size_t limit);

// FAILED_PRECONDITION, PLUGIN_NOT_FOUND: a `plugin = true` workflow
// started for a unit whose province has no plugin deployed (or a unit in
// no province).
absl::Status PluginMissing(const std::string& workflow,
                           const std::string& unit,
                           const std::string& unit_name,
                           const std::string& province,
                           const std::string& province_name);

// INVALID_ARGUMENT, IDEMPOTENCY_KEY_REUSED.
absl::Status KeyReused(const std::string& key);

// ABORTED, CONTENTION: the step aborted `attempts` times because shared
// records it reads kept moving; `last` is the store's last refusal.
absl::Status Contention(int attempts, const absl::Status& last);

// NOT_FOUND, INSTANCE_NOT_FOUND (also for instances the caller may not read).
absl::Status InstanceNotFound(const std::string& id);

// NOT_FOUND, WORKFLOW_NOT_FOUND; `version` 0: no version at all.
absl::Status WorkflowNotFound(const std::string& name, uint32_t version);

// OUT_OF_RANGE, FEED_CURSOR_EXPIRED: items after `cursor` have expired;
// reading on from `oldest_cursor` gives the oldest kept.
absl::Status FeedCursorExpired(uint64_t cursor, uint64_t oldest_cursor);

// OUT_OF_RANGE, FEED_CURSOR_AHEAD: `cursor` is past the last committed,
// `head` (the feed was restored from an older backup, or the cursor is not
// this engine's).
absl::Status FeedCursorAhead(uint64_t cursor, uint64_t head);

}  // namespace wf::refusals

#endif  // WF_RUNTIME_REFUSALS_H_
