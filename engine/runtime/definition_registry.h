// Copyright the wf-engine authors. Apache-2.0.
//
// Deployed workflows: deploys new versions (validated in full, then stored in
// one synced write), and hands out compiled definitions, loading each version
// from the store the first time it is asked for. Every version is kept;
// running instances stay on the version they started with.
#ifndef WF_RUNTIME_DEFINITION_REGISTRY_H_
#define WF_RUNTIME_DEFINITION_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/plugins/province_data.h"
#include "engine/runtime/definition.h"
#include "engine/store/committer.h"
#include "engine/store/store.h"
#include "wf/clock.h"
#include "wf/options.h"
#include "wf/types.h"

namespace wf {

SandboxOptions ToSandboxOptions(const Limits& limits,
                                const calendar::WorkCalendar* calendar);

class DefinitionRegistry {
 public:
  // What a `plugin = true` workflow must not spell out (province names,
  // plugins' titles, place names and symbols): asked at each such deploy.
  using ProvinceWords = std::function<std::vector<plugins::ForbiddenText>()>;

  DefinitionRegistry(Store* store, Committer* committer, Clock* clock,
                     const calendar::WorkCalendar* calendar,
                     const Limits& limits,
                     ProvinceWords province_words = nullptr);

  absl::StatusOr<DeployResult> Deploy(const DeployRequest& request);

  // NOT_FOUND when the workflow or the version does not exist.
  absl::StatusOr<std::shared_ptr<const Definition>> Get(
      const std::string& name, uint32_t version);
  absl::StatusOr<std::shared_ptr<const Definition>> Latest(
      const std::string& name);
  // The latest version of every workflow, by name.
  absl::StatusOr<std::vector<std::shared_ptr<const Definition>>> ListLatest();

 private:
  absl::Status CheckNoProvinceData(
      const std::string& source, const std::string& file_name,
      const std::vector<store::LibraryRecord>& libraries) const;
  absl::StatusOr<std::shared_ptr<const Definition>> LoadFromStore(
      const std::string& name, uint32_t version);
  // 0 when the workflow has never been deployed.
  // The latest version of `name` (0: none), remembered once read: a start
  // asks it every time, and a seek in the store cost 2% of a step.
  absl::StatusOr<uint32_t> LatestVersion(const std::string& name);
  absl::StatusOr<uint32_t> StoredLatestVersion(const std::string& name);
  // Versions only grow: a reader that read before a deploy cannot undo it.
  void RememberLatest(const std::string& name, uint32_t version);
  store::DefinitionRecord NewRecord(const std::string& name, uint32_t version,
                                    const std::string& source,
                                    const std::string& sha,
                                    const std::string& file_name,
                                    const WorkflowScript& script,
                                    const DeployRequest& request,
                                    const std::vector<store::LibraryRecord>&
                                        pinned) const;

  Store* const store_;
  Committer* const committer_;
  Clock* const clock_;
  const SandboxOptions sandbox_;
  const Limits limits_;
  const ProvinceWords province_words_;
  // Deploys run one at a time, so versions are 1, 2, 3... without gaps.
  absl::Mutex deploy_mu_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, uint32_t>, std::shared_ptr<const Definition>>
      cache_ ABSL_GUARDED_BY(mu_);
  // Names with a version (never a name that has none: those come from
  // requests).
  absl::flat_hash_map<std::string, uint32_t> latest_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wf

#endif  // WF_RUNTIME_DEFINITION_REGISTRY_H_
