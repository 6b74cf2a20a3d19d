// Copyright the wf-engine authors. Apache-2.0.
//
// An engine of its own for checking files offline: a RocksDB folder in a
// fresh temporary directory, removed when the object goes, with the bundled
// workflows and plugins deployed the way wf_server's --workflows_dir and
// --plugins_dir deploy them. A deploy with validate_only on it runs every
// check the server runs — including those that depend on what is deployed:
// the hooks a plugin may supply, the province names a `plugin = true`
// workflow must not spell out.
//
//   OfflineContext context{.workflows_dir = "workflows",
//                          .plugins_dir = "plugins"};
//   auto offline = OfflineEngine::Open(context);
//   auto checked = (*offline)->engine()->Deploy(request);
#ifndef WF_TOOLS_OFFLINE_ENGINE_H_
#define WF_TOOLS_OFFLINE_ENGINE_H_

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "wf/engine.h"

namespace wf {

struct OfflineContext {
  std::string workflows_dir;        // "" for none
  std::string plugins_dir;          // "" for none
  std::string calendar_file;        // as wf_server's --calendar_file
  std::string document_types_file;  // as --document_types_file
  // Files and plugin folders being checked: their own refusals while the
  // context is deployed are not warnings (the check reports them), and a
  // plugin folder named here is left out (it is checked as a new one).
  std::set<std::filesystem::path> targets;
};

class OfflineEngine {
 public:
  // INVALID_ARGUMENT when a named file or folder cannot be read;
  // otherwise the engine, even if some bundled file was refused (see
  // warnings()).
  static absl::StatusOr<std::unique_ptr<OfflineEngine>> Open(
      const OfflineContext& context);
  ~OfflineEngine();  // closes the engine, removes the folder

  Engine* engine() const { return engine_.get(); }
  // Bundled files that did not deploy, each "path: message".
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  explicit OfflineEngine(std::filesystem::path dir) : dir_(std::move(dir)) {}
  absl::Status DeployContext(const OfflineContext& context);
  void Warn(const std::filesystem::path& path, const OfflineContext& context,
            const absl::Status& status);

  const std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::string> warnings_;
};

// The path as the targets set holds it (absolute, normalised), so that
// "workflows/x.lua" and "./workflows/x.lua" are one file.
std::filesystem::path SamePath(const std::filesystem::path& path);

}  // namespace wf

#endif  // WF_TOOLS_OFFLINE_ENGINE_H_
