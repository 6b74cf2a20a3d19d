// Copyright the wf-engine authors. Apache-2.0.
#include "engine/tools/offline_engine.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "engine/bundle/bundle.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadOption(const std::string& path,
                                       const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": cannot read '", path, "'"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<fs::path> MakeTempDir() {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = (fs::path(tmp != nullptr && *tmp ? tmp : "/tmp") /
                         "wf_check.XXXXXX")
                            .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot make a temporary folder like ", pattern));
  }
  return fs::path(pattern);
}

}  // namespace

fs::path SamePath(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(path, ec);
  return ec ? fs::absolute(path).lexically_normal() : absolute;
}

absl::StatusOr<std::unique_ptr<OfflineEngine>> OfflineEngine::Open(
    const OfflineContext& context) {
  EngineOptions options;
  if (!context.calendar_file.empty()) {
    WF_ASSIGN_OR_RETURN(options.calendar_rules_json,
                        ReadOption(context.calendar_file, "--calendar_file"));
  }
  if (!context.document_types_file.empty()) {
    WF_ASSIGN_OR_RETURN(
        options.document_types_json,
        ReadOption(context.document_types_file, "--document_types_file"));
  }
  WF_ASSIGN_OR_RETURN(fs::path dir, MakeTempDir());
  std::unique_ptr<OfflineEngine> offline(new OfflineEngine(dir));
  options.data_dir = (dir / "data").string();
  WF_ASSIGN_OR_RETURN(offline->engine_, Engine::Open(options));
  WF_RETURN_IF_ERROR(offline->DeployContext(context));
  return offline;
}

OfflineEngine::~OfflineEngine() {
  if (engine_ != nullptr) {
    engine_->Close().IgnoreError();
    engine_.reset();
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void OfflineEngine::Warn(const fs::path& path, const OfflineContext& context,
                         const absl::Status& status) {
  if (context.targets.count(SamePath(path)) > 0) return;
  warnings_.push_back(absl::StrCat(path.string(), ": ", status.message()));
}

// Workflows first, then plugins, as wf_server does: a plugin's hooks must be
// declared by a deployed workflow. Unlike the server, a refused file does
// not stop: the files being checked are what matters.
absl::Status OfflineEngine::DeployContext(const OfflineContext& context) {
  if (!context.workflows_dir.empty()) {
    const fs::path dir(context.workflows_dir);
    WF_ASSIGN_OR_RETURN(auto files, LuaFiles(dir, false));
    WF_ASSIGN_OR_RETURN(auto libraries, ReadLibraries(dir / "lib"));
    for (const fs::path& path : files) {
      WF_ASSIGN_OR_RETURN(DeployRequest request, ReadWorkflow(path, libraries));
      auto deployed = engine_->Deploy(request);
      if (!deployed.ok()) Warn(path, context, deployed.status());
    }
  }
  if (context.plugins_dir.empty()) return absl::OkStatus();
  WF_ASSIGN_OR_RETURN(auto folders, PluginFolders(context.plugins_dir));
  for (const fs::path& folder : folders) {
    if (context.targets.count(SamePath(folder)) > 0) continue;
    WF_ASSIGN_OR_RETURN(PluginDeployRequest request, ReadPluginFolder(folder));
    auto deployed = engine_->DeployPlugin(request);
    if (!deployed.ok()) Warn(folder, context, deployed.status());
  }
  return absl::OkStatus();
}

}  // namespace wf
