// Copyright the wf-engine authors. Apache-2.0.
//
// The version of a province plugin a document is pinned to, as a script
// call needs it: ctx.plugin is its manifest's table (docs/plugins.md),
// evaluated once per Lua state and version, then kept read-only.
#ifndef WF_LUA_PLUGIN_SOURCE_H_
#define WF_LUA_PLUGIN_SOURCE_H_

#include <cstdint>
#include <string>

namespace wf {

struct PluginSource {
  std::string name;
  uint32_t version = 0;
  std::string manifest;  // plugin.lua's text
};

}  // namespace wf

#endif  // WF_LUA_PLUGIN_SOURCE_H_
