// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/verify_all.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

// Ids read per iterator: small enough that no iterator lives long (it pins
// the memtables and files it started on), large enough to cost nothing.
constexpr size_t kIdsPerPage = 256;

// The last instance id now ("" if none): the run stops there.
absl::StatusOr<std::string> LastId(const Store& store) {
  auto it = store.NewIterator(Cf::kInstances);
  it->SeekToLast();
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding the last instance"));
  return it->Valid() ? it->key().ToString() : std::string();
}

// The ids after `after` up to `last`, at most kIdsPerPage.
absl::StatusOr<std::vector<std::string>> IdsAfter(const Store& store,
                                                  const std::string& after,
                                                  const std::string& last) {
  std::vector<std::string> ids;
  auto it = store.NewIterator(Cf::kInstances);
  if (after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(after);
    if (it->Valid() && it->key().ToString() == after) it->Next();
  }
  for (; it->Valid() && ids.size() < kIdsPerPage; it->Next()) {
    std::string id = it->key().ToString();
    if (id > last) break;
    ids.push_back(std::move(id));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing instances"));
  return ids;
}

// How many instances there are up to `last`: a scan of the keys, so that
// progress has a true total.
absl::StatusOr<uint64_t> CountUpTo(const Store& store,
                                   const std::string& last) {
  uint64_t n = 0;
  auto it = store.NewIterator(Cf::kInstances);
  for (it->SeekToFirst(); it->Valid() && it->key().ToString() <= last;
       it->Next()) {
    ++n;
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "counting instances"));
  return n;
}

// The workflow of an instance, for the failure's line; best effort (the
// record itself may be what is broken).
void NameWorkflow(const Store& store, VerifyFailure* failure) {
  auto value = store.Get(Cf::kInstances, keys::Instance(failure->instance_id));
  store::InstanceRecord record;
  if (value.ok() && value->has_value() && record.ParseFromString(**value)) {
    failure->workflow = record.workflow();
    failure->workflow_version = record.workflow_version();
  }
}

// Verifies one instance: nullopt if it verifies.
std::optional<VerifyFailure> VerifyOne(const Store& store, Verifier& verifier,
                                       const std::string& id) {
  VerifyFailure failure;
  failure.instance_id = id;
  absl::StatusOr<VerifyReport> report = verifier.Verify(id);
  if (report.ok() && report->ok) return std::nullopt;
  if (report.ok()) {
    failure.failed_event = report->failed_event;
    failure.problem = report->problem;
  } else {
    failure.problem = std::string(report.status().message());
  }
  NameWorkflow(store, &failure);
  return failure;
}

}  // namespace

absl::StatusOr<VerifyAllSummary> VerifyEveryInstance(
    const Store& store, Verifier& verifier,
    const std::function<absl::Status()>& still_open,
    const VerifyAllObserver& observe) {
  const absl::Time started = absl::Now();
  WF_ASSIGN_OR_RETURN(const std::string last, LastId(store));
  VerifyAllSummary summary;
  if (!last.empty()) {
    WF_ASSIGN_OR_RETURN(summary.total, CountUpTo(store, last));
  }
  VerifyAllProgress progress{0, summary.total, 0};
  std::string after;
  while (!last.empty() && after != last) {
    WF_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                        IdsAfter(store, after, last));
    if (ids.empty()) break;
    for (const std::string& id : ids) {
      WF_RETURN_IF_ERROR(still_open());
      std::optional<VerifyFailure> failure = VerifyOne(store, verifier, id);
      ++progress.done;
      if (failure.has_value()) {
        ++progress.failed;
        if (summary.failures.size() < VerifyAllSummary::kMaxListed) {
          summary.failures.push_back(*failure);
        }
      }
      if (observe &&
          !observe(progress, failure.has_value() ? &*failure : nullptr)) {
        return absl::CancelledError(
            absl::StrCat("Verification stopped after ", progress.done, " of ",
                         progress.total, " instances, as asked"));
      }
    }
    after = ids.back();
  }
  summary.total = std::max(summary.total, progress.done);
  summary.failed = progress.failed;
  summary.verified = progress.done - progress.failed;
  summary.took = absl::Now() - started;
  return summary;
}

}  // namespace wf
