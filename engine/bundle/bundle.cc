// Copyright the wf-engine authors. Apache-2.0.
#include "engine/bundle/bundle.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/plugins/manifest.h"
#include "engine/util/log.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

namespace fs = std::filesystem;

constexpr char kBundleActor[] = "system:bundle";

absl::StatusOr<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("Expected to read '", path.string(), "', but cannot"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<std::vector<fs::path>> LuaFiles(const fs::path& dir,
                                               bool may_be_absent) {
  std::vector<fs::path> files;
  if (may_be_absent && !fs::exists(dir)) return files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".lua") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected to read the workflows folder '", dir.string(), "': ",
        ec.message()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

absl::StatusOr<std::map<std::string, std::string>> ReadLibraries(
    const fs::path& dir) {
  WF_ASSIGN_OR_RETURN(auto modules, LuaFiles(dir, true));
  std::map<std::string, std::string> libraries;
  for (const fs::path& path : modules) {
    WF_ASSIGN_OR_RETURN(libraries[path.stem().string()], ReadWhole(path));
  }
  return libraries;
}

absl::StatusOr<DeployRequest> ReadWorkflow(
    const fs::path& path,
    const std::map<std::string, std::string>& libraries) {
  WF_ASSIGN_OR_RETURN(std::string source, ReadWhole(path));
  DeployRequest request;
  request.source = std::move(source);
  request.file_name = path.filename().string();
  request.actor = Actor::Embedder(kBundleActor);
  request.libraries = libraries;
  return request;
}

absl::StatusOr<std::vector<fs::path>> PluginFolders(const fs::path& dir) {
  std::vector<fs::path> folders;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() &&
        fs::is_regular_file(entry.path() / "plugin.lua")) {
      folders.push_back(entry.path());
    }
  }
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected to read the plugins folder '", dir.string(), "': ",
        ec.message()));
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

absl::StatusOr<PluginDeployRequest> ReadPluginFolder(const fs::path& folder) {
  PluginDeployRequest request;
  request.name = folder.filename().string();
  request.actor = Actor::Embedder(kBundleActor);
  WF_ASSIGN_OR_RETURN(std::string manifest, ReadWhole(folder / "plugin.lua"));
  plugins::ManifestCheck read =
      plugins::CheckManifest(manifest, request.name, SandboxOptions());
  request.files.push_back({"plugin.lua", std::move(manifest)});
  for (const plugins::OrgFileSpec& org : read.manifest.org) {
    std::error_code ec;
    if (org.file.empty() || !fs::is_regular_file(folder / org.file, ec)) {
      continue;
    }
    WF_ASSIGN_OR_RETURN(std::string text, ReadWhole(folder / org.file));
    request.files.push_back({org.file, std::move(text)});
  }
  return request;
}

absl::Status DeployBundled(Engine* engine, const std::string& dir) {
  WF_ASSIGN_OR_RETURN(auto files, LuaFiles(dir, false));
  WF_ASSIGN_OR_RETURN(auto libraries, ReadLibraries(fs::path(dir) / "lib"));
  for (const fs::path& path : files) {
    WF_ASSIGN_OR_RETURN(DeployRequest request, ReadWorkflow(path, libraries));
    WF_ASSIGN_OR_RETURN(DeployResult deployed, engine->Deploy(request));
    WF_LOG_INFO("workflow ", deployed.workflow.name, " version ",
                deployed.workflow.version,
                deployed.created ? " deployed from " : " unchanged, from ",
                path.string());
  }
  return absl::OkStatus();
}

absl::Status DeployPlugins(Engine* engine, const std::string& dir) {
  WF_ASSIGN_OR_RETURN(auto folders, PluginFolders(dir));
  for (const fs::path& folder : folders) {
    WF_ASSIGN_OR_RETURN(PluginDeployRequest request, ReadPluginFolder(folder));
    WF_ASSIGN_OR_RETURN(PluginDeployResult deployed,
                        engine->DeployPlugin(request));
    WF_LOG_INFO("plugin ", deployed.plugin.name, " version ",
                deployed.plugin.version,
                deployed.created ? " deployed from " : " unchanged, from ",
                folder.string());
  }
  return absl::OkStatus();
}

}  // namespace wf
