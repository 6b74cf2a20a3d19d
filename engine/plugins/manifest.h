// Copyright the wf-engine authors. Apache-2.0.
//
// A plugin's manifest (plugins/<name>/plugin.lua, docs/plugins.md): run in
// a sandbox with a workflow's limits, it returns one table. CheckManifest
// reads the fields the engine itself uses and checks them, reporting every
// problem with its line, in Vietnamese:
//
//   ManifestCheck checked = CheckManifest(source, "bac_ninh", limits);
//   for (const std::string& p : checked.problems) std::cerr << p << "\n";
//   // plugin.lua:1: thiếu trường 'province' (mã đơn vị cấp tỉnh ...)
//   // plugin.lua:14: han_nop_ke_hoach: "2026-02-30" không phải là ngày
#ifndef WF_PLUGINS_MANIFEST_H_
#define WF_PLUGINS_MANIFEST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/lua/sandbox.h"

namespace wf::plugins {

// The name plugin.lua's messages carry.
inline constexpr char kManifestFile[] = "plugin.lua";

// One entry of `org`: a data file imported into the org directory.
struct OrgFileSpec {
  std::string file;
  std::string format;  // units, communes, districts, people
  std::string valid_from;
  std::string valid_to;
  std::string province_name;  // communes, districts; optional
  int line = 1;
};

struct HookSpec {
  std::string name;
  int line = 1;
};

struct Manifest {
  std::string name;
  std::string title;
  std::string province;
  std::string dia_danh;  // "" when not given
  std::vector<OrgFileSpec> org;
  std::vector<HookSpec> hooks;
  // `lich`: a file of the province's own days (the format of
  // docs/calendar.md), laid over the national calendar; "" when none.
  std::string calendar_file;
  int calendar_line = 1;
  // The text values of every `ky_hieu` field, at any depth: the register
  // symbols no plugin = true workflow may spell out.
  std::vector<std::string> symbols;
};

struct ManifestCheck {
  Manifest manifest;  // what could be read, even with problems
  std::vector<std::string> problems;  // "plugin.lua:<line>: ..."; empty: ok
};

// Runs `source` and checks it; `folder` is the plugin's folder name, which
// `name` must equal. The manifest runs with frozen globals, as it does in a
// workflow's state (ctx.plugin).
ManifestCheck CheckManifest(const std::string& source,
                            const std::string& folder,
                            const SandboxOptions& limits);

// The line of `source` where the last key of `path` is assigned
// (`key =` or `["key"] =`), each key searched from the line of the one
// before it, the first from the last line starting with `return`; 1 when
// not found.
int LineOfKey(absl::string_view source, const std::vector<std::string>& path);

// "YYYY-MM-DD" naming a day of the calendar (2026-02-30 is not one).
bool IsIsoDate(absl::string_view text);

}  // namespace wf::plugins

#endif  // WF_PLUGINS_MANIFEST_H_
