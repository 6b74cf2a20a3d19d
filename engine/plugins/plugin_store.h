// Copyright the wf-engine authors. Apache-2.0.
//
// Deployed province plugins (docs/plugins.md): every version kept in the
// `plugins` column family as a PluginRecord, never changed. A deploy checks
// the folder whole (manifest, org files as the directory import would,
// hooks against the workflows' declarations), then stores the new version
// and replaces the plugin's org sources ("<name>/<file>") in one synced
// write. Documents pin a version at start and read it through Source(),
// which keeps every version asked for in memory.
#ifndef WF_PLUGINS_PLUGIN_STORE_H_
#define WF_PLUGINS_PLUGIN_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/auth/directory_store.h"
#include "engine/lua/plugin_source.h"
#include "engine/lua/sandbox.h"
#include "engine/plugins/manifest.h"
#include "engine/plugins/province_data.h"
#include "engine/store/committer.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "wf/clock.h"
#include "wf/types.h"

namespace wf::plugins {

class PluginStore {
 public:
  // The hook names the latest version of every deployed workflow declares.
  using DeclaredHooks = std::function<absl::StatusOr<std::vector<std::string>>()>;

  PluginStore(Store* store, Committer* committer, DirectoryStore* directory,
              Clock* clock, const SandboxOptions& sandbox,
              DeclaredHooks declared_hooks);

  // Reads the latest version of every plugin (their manifests run again:
  // province, place name, symbols). DATA_LOSS when a record does not parse.
  absl::Status Load();

  // The caller has checked the actor. INVALID_ARGUMENT PLUGIN_INVALID with
  // every problem, one a line.
  absl::StatusOr<PluginDeployResult> Deploy(const PluginDeployRequest& request);
  absl::StatusOr<std::vector<PluginInfo>> List();
  // version 0: the latest. NOT_FOUND PLUGIN_NOT_FOUND.
  absl::StatusOr<PluginInfo> Get(const std::string& name, uint32_t version);

  // The manifest of one version, for ctx.plugin; read from the store once.
  absl::StatusOr<std::shared_ptr<const PluginSource>> Source(
      const std::string& name, uint32_t version);
  // The latest version of the plugin whose `province` is `province_id`;
  // nullptr when there is none.
  absl::StatusOr<std::shared_ptr<const PluginSource>> ForProvince(
      const std::string& province_id);
  // What a `plugin = true` workflow may not spell out: every deployed
  // plugin's title, place name and register symbols.
  std::vector<ForbiddenText> ForbiddenWords();

 private:
  // What the store keeps in memory of each plugin's latest version.
  struct Latest {
    uint32_t version = 0;
    std::string province;
    std::string title;
    Manifest manifest;
  };
  // A deploy's files, checked: the record to store and the org sources.
  struct Checked {
    std::vector<std::string> problems;
    Manifest manifest;
    store::PluginRecord record;
    std::vector<store::DirectorySource> sources;
  };

  Checked Check(const PluginDeployRequest& request);
  void CheckFiles(const PluginDeployRequest& request, Checked* out) const;
  void CheckOrg(const PluginDeployRequest& request, Checked* out) const;
  void CheckCalendar(const PluginDeployRequest& request, Checked* out) const;
  void CheckHooks(Checked* out) const;
  void CheckProvince(const std::string& name, Checked* out);
  absl::StatusOr<store::PluginRecord> Read(const std::string& name,
                                           uint32_t version) const;
  absl::StatusOr<uint32_t> LatestVersion(const std::string& name) const;
  // The province's calendar: `json` (its `lich`) over the national one.
  absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>> BuildCalendar(
      absl::string_view json) const;
  absl::StatusOr<std::shared_ptr<const PluginSource>> MakeSource(
      const store::PluginRecord& record) const;
  PluginInfo Info(const store::PluginRecord& record, bool with_manifest) const;

  Store* const store_;
  Committer* const committer_;
  DirectoryStore* const directory_;
  Clock* const clock_;
  const SandboxOptions sandbox_;
  const DeclaredHooks declared_hooks_;
  absl::Mutex deploy_mu_;  // one deploy at a time: versions without gaps
  absl::Mutex mu_;
  std::map<std::string, Latest> latest_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, uint32_t>,
           std::shared_ptr<const PluginSource>>
      sources_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wf::plugins

#endif  // WF_PLUGINS_PLUGIN_STORE_H_
