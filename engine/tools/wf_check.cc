// Copyright the wf-engine authors. Apache-2.0.
//
// wf_check: the checks of a deploy, without a server. `wfctl check` and
// `wfctl plugin check` run it unless given --server.
//
//   wf_check --workflows_dir=workflows --plugins_dir=plugins \
//       --calendar_file=plugins/vn/calendar.json workflows/nop_ke_hoach.lua
//   wf_check --plugins_dir=plugins --plugin plugins/bac_ninh
//   wf_check --workflows_dir=workflows --describe workflows/nop_ke_hoach.lua
//
// Each file is deployed with validate_only into an engine of its own (a
// temporary data folder, removed at exit) that holds the bundled workflows
// and plugins, as wf_server's --workflows_dir and --plugins_dir deploy them:
// the engine's own checks, with the server's messages.
//
// Exit status: 0 when every file passes, 1 when one is refused (its code
// and message on stderr), 2 on a usage error or a file that cannot be read.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/bundle/bundle.h"
#include "engine/tools/describe.h"
#include "engine/tools/offline_engine.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: wf_check [--workflows_dir=DIR] [--plugins_dir=DIR] "
    "[--calendar_file=FILE]\n"
    "                [--document_types_file=FILE] [--lib=DIR] "
    "[--describe | --plugin] PATH...\n"
    "  PATH...      workflow files (*.lua), or plugin folders with --plugin\n"
    "  --lib=DIR    the modules require() loads (default: lib/ beside each "
    "file)\n"
    "  --describe   print the compiled workflow as JSON (one file)\n"
    "Exit status: 0 all good, 1 a file was refused, 2 usage or I/O error.\n";

struct Args {
  OfflineContext context;
  std::string lib;
  bool describe = false;
  bool plugin = false;
  std::vector<std::string> paths;
};

// --name=value into the field it names; false for an unknown option.
bool TakeOption(const std::string& arg, Args* args) {
  const std::map<std::string, std::string*> options = {
      {"--workflows_dir=", &args->context.workflows_dir},
      {"--plugins_dir=", &args->context.plugins_dir},
      {"--calendar_file=", &args->context.calendar_file},
      {"--document_types_file=", &args->context.document_types_file},
      {"--lib=", &args->lib}};
  for (const auto& [prefix, field] : options) {
    if (absl::StartsWith(arg, prefix)) {
      *field = arg.substr(prefix.size());
      return true;
    }
  }
  if (arg == "--describe") return args->describe = true;
  if (arg == "--plugin") return args->plugin = true;
  return false;
}

std::optional<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--")) {
      if (!TakeOption(arg, &args)) {
        std::cerr << "wf_check: unknown option " << arg << "\n" << kUsage;
        return std::nullopt;
      }
    } else {
      args.paths.push_back(arg);
    }
  }
  if (args.paths.empty() || (args.describe && args.plugin) ||
      (args.describe && args.paths.size() != 1)) {
    std::cerr << kUsage;
    return std::nullopt;
  }
  return args;
}

// The refusal as wfctl prints a server's: "CODE: message", then its reason
// and metadata and its Vietnamese message, one a line.
void PrintRefusal(const std::string& path, const absl::Status& status) {
  std::cerr << path << ": " << absl::StatusCodeToString(status.code())
            << ": " << status.message() << "\n";
  std::optional<RefusalDetails> details = ReadRefusal(status);
  if (!details.has_value()) return;
  if (!details->reason.empty()) {
    std::vector<std::string> facts;
    for (const auto& [key, value] : details->metadata) {
      facts.push_back(absl::StrCat(key, "=", value));
    }
    std::cerr << "  reason: " << details->reason
              << (facts.empty() ? "" : " (" + absl::StrJoin(facts, ", ") + ")")
              << "\n";
  }
  if (!details->vietnamese.empty()) {
    std::cerr << "  vi: " << details->vietnamese << "\n";
  }
}

// 0 checked and valid, 1 refused, 2 unreadable.
int CheckWorkflow(Engine* engine, const Args& args, const std::string& path) {
  fs::path lib = args.lib.empty() ? fs::path(path).parent_path() / "lib"
                                  : fs::path(args.lib);
  if (!args.lib.empty() && !fs::is_directory(lib)) {
    std::cerr << "wf_check: --lib " << args.lib << " is not a folder\n";
    return 2;
  }
  auto libraries = ReadLibraries(lib);
  auto request = libraries.ok() ? ReadWorkflow(path, *libraries)
                                : libraries.status();
  if (!request.ok()) {
    std::cerr << "wf_check: " << request.status().message() << "\n";
    return 2;
  }
  request->validate_only = true;
  auto checked = engine->Deploy(*request);
  if (!checked.ok()) {
    PrintRefusal(path, checked.status());
    return 1;
  }
  const WorkflowInfo& w = checked->workflow;
  if (args.describe) {
    std::cout << DescribeWorkflow(w);
  } else {
    std::cout << path << ": OK, " << w.name << " (" << w.states.size()
              << " states, " << w.transitions.size() << " transitions)\n";
  }
  return 0;
}

int CheckPlugin(Engine* engine, const std::string& path) {
  fs::path folder = fs::path(path).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "dir/"
  auto request = ReadPluginFolder(folder);
  if (!request.ok()) {
    std::cerr << "wf_check: " << path << " has no plugin.lua: not a plugin "
              << "folder\n";
    return 2;
  }
  request->validate_only = true;
  auto checked = engine->DeployPlugin(*request);
  if (!checked.ok()) {
    PrintRefusal(path, checked.status());
    return 1;
  }
  const PluginInfo& p = checked->plugin;
  std::cout << path << ": OK, " << p.name << " ("
            << absl::StrJoin(p.files, ", ") << ")\n";
  return 0;
}

int Run(int argc, char** argv) {
  std::optional<Args> args = ParseArgs(argc, argv);
  if (!args.has_value()) return 2;
  for (const std::string& path : args->paths) {
    fs::path target = SamePath(path);
    if (args->plugin && target.filename().empty()) target = target.parent_path();
    args->context.targets.insert(target);
  }
  auto offline = OfflineEngine::Open(args->context);
  if (!offline.ok()) {
    std::cerr << "wf_check: " << offline.status().message() << "\n";
    return 2;
  }
  for (const std::string& warning : (*offline)->warnings()) {
    std::cerr << "wf_check: warning: a bundled file was refused, checks that "
                 "depend on it may differ from the server's: "
              << warning << "\n";
  }
  int worst = 0;
  for (const std::string& path : args->paths) {
    Engine* engine = (*offline)->engine();
    int result = args->plugin ? CheckPlugin(engine, path)
                              : CheckWorkflow(engine, *args, path);
    worst = std::max(worst, result);
  }
  return worst;
}

}  // namespace
}  // namespace wf

int main(int argc, char** argv) { return wf::Run(argc, argv); }
