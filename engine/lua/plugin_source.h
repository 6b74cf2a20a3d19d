// Copyright the wf-engine authors. Apache-2.0.
//
// The version of a province plugin a document is pinned to, as a script
// call needs it: ctx.plugin is its manifest's table (docs/plugins.md),
// evaluated once per Lua state and version, then kept read-only.
#ifndef WF_LUA_PLUGIN_SOURCE_H_
#define WF_LUA_PLUGIN_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "engine/calendar/work_calendar.h"

namespace wf {

struct PluginSource {
  std::string name;
  uint32_t version = 0;
  std::string manifest;  // plugin.lua's text
  // The province's working days (its `lich` laid over the national
  // calendar); null: the national calendar. Deadlines, reminders and the
  // wf.* date functions of the document's steps count on it.
  std::shared_ptr<const calendar::WorkCalendar> calendar;
  // "<name>@<version>" when `calendar` is set: the history events record it
  // beside the national calendar's version.
  std::string calendar_version;
};

}  // namespace wf

#endif  // WF_LUA_PLUGIN_SOURCE_H_
