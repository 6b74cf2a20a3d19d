// Copyright the wf-engine authors. Apache-2.0.
//
// The bundled folders as deploy requests of wf/engine.h: a workflows folder
// (top-level *.lua, each with the modules of <dir>/lib) and a plugins folder
// (every subfolder holding a plugin.lua, with the org files its manifest
// names). The server deploys them at start-up (DeployBundled,
// DeployPlugins); wf_check reads them the same way into an engine of its own.
//
//   auto libraries = ReadLibraries("workflows/lib");
//   auto request = ReadWorkflow("workflows/nop_ke_hoach.lua", *libraries);
//   request.validate_only = true;
//   auto checked = engine->Deploy(request);
#ifndef WF_BUNDLE_BUNDLE_H_
#define WF_BUNDLE_BUNDLE_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "wf/engine.h"

namespace wf {

// The *.lua files of `dir` (not its subfolders), in name order; an absent
// folder has none when `may_be_absent`. FAILED_PRECONDITION when unreadable.
absl::StatusOr<std::vector<std::filesystem::path>> LuaFiles(
    const std::filesystem::path& dir, bool may_be_absent);

// The library modules of a folder (require): file stem -> text. An absent
// folder has none.
absl::StatusOr<std::map<std::string, std::string>> ReadLibraries(
    const std::filesystem::path& dir);

// A deploy of one workflow file with `libraries`, by the bundle's actor.
// NOT_FOUND when the file cannot be read.
absl::StatusOr<DeployRequest> ReadWorkflow(
    const std::filesystem::path& path,
    const std::map<std::string, std::string>& libraries);

// Every subfolder of `dir` with a plugin.lua, by name; others (plugins/vn,
// shared data) are skipped.
absl::StatusOr<std::vector<std::filesystem::path>> PluginFolders(
    const std::filesystem::path& dir);

// A deploy of one plugin folder: plugin.lua and the files its `org` list
// names (read from the manifest as the engine reads it); a named file that
// is missing is left out, and the deploy says so. NOT_FOUND without a
// readable plugin.lua.
absl::StatusOr<PluginDeployRequest> ReadPluginFolder(
    const std::filesystem::path& folder);

// The server's start-up: deploys every workflow of `dir` in name order,
// logging each; the first refusal stops it and is returned.
absl::Status DeployBundled(Engine* engine, const std::string& dir);
// The same for every plugin folder of `dir`, after the workflows (a
// plugin's hooks must be declared by a deployed workflow).
absl::Status DeployPlugins(Engine* engine, const std::string& dir);

}  // namespace wf

#endif  // WF_BUNDLE_BUNDLE_H_
