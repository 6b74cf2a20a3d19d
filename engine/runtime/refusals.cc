// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/refusals.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/util/refusal.h"

namespace wf::refusals {
namespace {

// "«title»", or the name when there is no title.
std::string Quoted(const std::string& title, const std::string& name) {
  return absl::StrCat("«", title.empty() ? name : title, "»");
}

}  // namespace

absl::Status ShuttingDown() {
  return Refusal(absl::UnavailableError(
                     "Expected the engine to take requests, but it is "
                     "shutting down: retry on another server or after the "
                     "restart"),
                 reason::kShuttingDown)
      .Vietnamese("Hệ thống đang khởi động lại nên chưa nhận thao tác này; "
                  "vui lòng thử lại sau ít phút.");
}

absl::Status EventNotAllowed(const std::string& instance_id,
                             const std::string& event,
                             const std::string& event_title,
                             const std::string& state,
                             const std::string& state_title,
                             const std::vector<std::string>& allowed) {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected instance '", instance_id,
                     "' to be in a state that allows event '", event,
                     "', but it is in '", state, "' (", state_title,
                     "); events allowed there: ",
                     allowed.empty() ? "none" : absl::StrJoin(allowed, ", "))),
                 reason::kEventNotAllowed)
      .With("instance_id", instance_id)
      .With("event", event)
      .With("state", state)
      .With("allowed_events", absl::StrJoin(allowed, ","))
      .Vietnamese(absl::StrCat("Không thể thực hiện ",
                               Quoted(event_title, event),
                               " khi hồ sơ đang ở bước ",
                               Quoted(state_title, state), "."));
}

absl::Status EventUnknown(const std::string& workflow, uint32_t version,
                          const std::string& event,
                          const std::vector<std::string>& events) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected an event of workflow '", workflow,
                     "' (version ", version, "), but '", event,
                     "' is not one; its events are: ",
                     absl::StrJoin(events, ", "))),
                 reason::kEventUnknown)
      .With("workflow", workflow)
      .With("workflow_version", version)
      .With("event", event)
      .With("events", absl::StrJoin(events, ","))
      .Field("event")
      .Vietnamese(absl::StrCat("Quy trình không có thao tác «", event,
                               "»."));
}

absl::Status InstanceFinished(const std::string& instance_id,
                              const std::string& event,
                              const std::string& state,
                              const std::string& state_title) {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected instance '", instance_id,
                     "' to accept event '", event,
                     "', but it is finished (final state '", state, "' — ",
                     state_title, ")")),
                 reason::kInstanceFinished)
      .With("instance_id", instance_id)
      .With("state", state)
      .Vietnamese(absl::StrCat("Hồ sơ đã kết thúc ở bước ",
                               Quoted(state_title, state),
                               ", không thể thực hiện thêm thao tác nào."));
}

absl::Status InstanceCancelled(const std::string& instance_id,
                               const std::string& state) {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected instance '", instance_id,
                     "' to be active, but it was cancelled (in state '",
                     state, "')")),
                 reason::kInstanceCancelled)
      .With("instance_id", instance_id)
      .With("state", state)
      .Vietnamese("Hồ sơ đã bị hủy, không thể thực hiện thêm thao tác nào.");
}

absl::Status GuardRefused(const std::string& instance_id,
                          const std::string& event,
                          const std::string& event_title,
                          const std::string& state,
                          const std::string& reason) {
  // The guard's reason is the workflow's own text, quoted as data.
  const std::string said = reason.empty() ? "its guard said no"
                                          : absl::StrCat("\"", reason, "\"");
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected the guard of transition '", event, "' (",
                     event_title.empty() ? event : event_title,
                     ") to allow it, but it refused: ", said)),
                 reason::kGuardRefused)
      .With("instance_id", instance_id)
      .With("event", event)
      .With("state", state)
      .Vietnamese(reason.empty()
                      ? absl::StrCat("Chưa đủ điều kiện để thực hiện ",
                                     Quoted(event_title, event), ".")
                      : reason);
}

absl::Status VersionMismatch(const std::string& instance_id,
                             uint64_t expected_version,
                             uint64_t current_version) {
  return Refusal(absl::AbortedError(absl::StrCat(
                     "Expected instance '", instance_id, "' at version ",
                     expected_version, ", but it is at version ",
                     current_version, ": read it again and retry")),
                 reason::kVersionMismatch)
      .With("instance_id", instance_id)
      .With("expected_version", expected_version)
      .With("current_version", current_version)
      .Vietnamese(
          "Hồ sơ vừa được cập nhật sau lần bạn mở. Vui lòng tải lại hồ sơ "
          "rồi thực hiện lại.");
}

absl::Status StateMismatch(const std::string& instance_id,
                           const std::string& expected_state,
                           const std::string& current_state,
                           const std::string& current_title) {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected instance '", instance_id, "' in state '",
                     expected_state, "', but it is in '", current_state,
                     "' (", current_title, "): read it again")),
                 reason::kStateMismatch)
      .With("instance_id", instance_id)
      .With("expected_state", expected_state)
      .With("current_state", current_state)
      .Vietnamese(absl::StrCat(
          "Hồ sơ đã chuyển sang bước ", Quoted(current_title, current_state),
          ". Vui lòng tải lại hồ sơ rồi thực hiện lại."));
}

absl::Status BusinessKeyTaken(const std::string& workflow,
                              const std::string& business_key,
                              const std::string& first_instance) {
  return Refusal(absl::AlreadyExistsError(absl::StrCat(
                     "Expected business key '", business_key,
                     "' to be unused in workflow '", workflow,
                     "', but instance '", first_instance, "' has it")),
                 reason::kBusinessKeyTaken)
      .With("workflow", workflow)
      .With("business_key", business_key)
      .With("first_instance", first_instance)
      .Field("business_key")
      .Vietnamese(absl::StrCat("Mã hồ sơ «", business_key,
                               "» đã được dùng cho hồ sơ ", first_instance,
                               "."));
}

absl::Status TooManyDescendants(const std::string& instance_id,
                                size_t limit) {
  return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                     "Expected at most ", limit, " documents below instance '",
                     instance_id, "' (its children, theirs, ...), to cancel "
                     "them with it in one write, but there are more: cancel "
                     "some of its children first")),
                 reason::kBudgetExceeded)
      .With("budget", "descendants_cancelled")
      .With("limit", limit)
      .Vietnamese(absl::StrCat(
          "Hồ sơ có hơn ", limit, " hồ sơ con (kể cả hồ sơ con của chúng) nên "
          "không thể hủy cùng lúc; hãy hủy trước một số hồ sơ con."));
}

absl::Status PluginMissing(const std::string& workflow,
                           const std::string& unit,
                           const std::string& unit_name,
                           const std::string& province,
                           const std::string& province_name) {
  std::string message =
      province.empty()
          ? absl::StrCat("đơn vị '", unit_name, "' (", unit, ") không thuộc ",
                         "tỉnh nào trong cây tổ chức: workflow '", workflow,
                         "' đọc plugin của tỉnh (plugin = true)")
          : absl::StrCat("đơn vị '", unit_name, "' (", unit, "): tỉnh '",
                         province_name, "' (", province, ") chưa có plugin: ",
                         "triển khai plugins/<tên>/ trước (workflow '",
                         workflow, "' đọc plugin của tỉnh)");
  return Refusal(absl::FailedPreconditionError(message),
                 reason::kPluginNotFound)
      .With("workflow", workflow)
      .With("unit", unit)
      .With("province", province)
      .Vietnamese(message);
}

absl::Status KeyReused(const std::string& key) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected idempotency key '", key,
                     "' to be retried with the same request, but it was "
                     "first used for a different one")),
                 reason::kIdempotencyKeyReused)
      .With("idempotency_key", key)
      .Field("idempotency_key")
      .Vietnamese("Mã chống gửi trùng này đã được dùng cho một thao tác "
                  "khác; hãy gửi lại đúng thao tác ban đầu hoặc dùng mã mới.");
}

absl::Status Contention(int attempts, const absl::Status& last) {
  return Refusal(absl::AbortedError(absl::StrCat(
                     "Expected the step to commit, but other transitions "
                     "kept changing the shared records it uses (",
                     attempts, " tries; last: ", last.message(),
                     "): send it again")),
                 reason::kContention)
      .With("attempts", static_cast<uint64_t>(attempts))
      .Vietnamese("Nhiều người đang xử lý cùng các hồ sơ liên quan nên thao "
                  "tác chưa lưu được; vui lòng thực hiện lại.");
}

absl::Status InstanceNotFound(const std::string& id) {
  return Refusal(absl::NotFoundError(absl::StrCat(
                     "Expected an instance with id '", id,
                     "', but there is none")),
                 reason::kInstanceNotFound)
      .With("instance_id", id)
      .Vietnamese(absl::StrCat("Không tìm thấy hồ sơ «", id, "»."));
}

absl::Status WorkflowNotFound(const std::string& name, uint32_t version) {
  const std::string message =
      version == 0
          ? absl::StrCat("Expected a deployed workflow named '", name,
                         "', but there is none")
          : absl::StrCat("Expected version ", version, " of workflow '", name,
                         "', but there is none");
  Refusal refusal(absl::NotFoundError(message), reason::kWorkflowNotFound);
  refusal.With("workflow", name)
      .Vietnamese(absl::StrCat("Không tìm thấy quy trình «", name, "»",
                               version == 0 ? "" : absl::StrCat(
                                   " phiên bản ", version), "."));
  if (version != 0) refusal.With("version", version);
  return refusal;
}

absl::Status FeedCursorExpired(uint64_t cursor, uint64_t oldest_cursor) {
  return Refusal(absl::OutOfRangeError(absl::StrCat(
                     "Expected feed items after cursor ", cursor,
                     ", but those up to ", oldest_cursor,
                     " have expired: the items between were missed; read on "
                     "from the oldest cursor kept")),
                 reason::kFeedCursorExpired)
      .With("cursor", cursor)
      .With("oldest_cursor", oldest_cursor);
}

absl::Status FeedCursorAhead(uint64_t cursor, uint64_t head) {
  return Refusal(absl::OutOfRangeError(absl::StrCat(
                     "Expected a feed cursor at most ", head,
                     " (the last committed), but got ", cursor,
                     ": was the server restored from an older backup?")),
                 reason::kFeedCursorAhead)
      .With("cursor", cursor)
      .With("head", head);
}

}  // namespace wf::refusals
