// Copyright the wf-engine authors. Apache-2.0.
//
// The read side: instances, histories and lists, straight from the store.
// Reads see only committed (synced) writes.
#ifndef WF_RUNTIME_READER_H_
#define WF_RUNTIME_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/runtime/definition_registry.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "wf/types.h"

namespace wf {

class Reader {
 public:
  Reader(Store* store, DefinitionRegistry* registry)
      : store_(store), registry_(registry) {}

  // NOT_FOUND for an unknown id.
  absl::StatusOr<store::InstanceRecord> LoadInstance(const std::string& id);
  absl::StatusOr<std::vector<store::HistoryEventRecord>> LoadHistory(
      const std::string& id);
  absl::StatusOr<store::HistoryEventRecord> LoadEvent(const std::string& id,
                                                      uint64_t seq);

  absl::StatusOr<InstanceInfo> GetInstance(const std::string& id);
  absl::StatusOr<std::vector<HistoryEntry>> GetHistory(const std::string& id);
  absl::StatusOr<InstancePage> List(const ListInstancesRequest& request);
  absl::StatusOr<DeadlinePage> ListDeadlines(const DeadlineQuery& query,
                                             absl::Time now);

  // The public view of a record (adds the state's title).
  InstanceInfo ToInfo(const store::InstanceRecord& record);

  Store* store() const { return store_; }

 private:
  Store* const store_;
  DefinitionRegistry* const registry_;
};

}  // namespace wf

#endif  // WF_RUNTIME_READER_H_
