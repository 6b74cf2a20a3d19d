// Copyright the wf-engine authors. Apache-2.0.
//
// A compiled workflow as JSON, for tools that draw or list it (`wfctl
// graph`): what the engine knows once the file is loaded and checked —
// states (final, deadline, reminders, pauses), transitions (title, from,
// to, stay, who may fire them, guard and action present) — never parsed
// from the Lua text. Text is UTF-8 as the workflow wrote it (NFC).
//
//   {"name": "nop_ke_hoach", "title": "...", "initial": "du_thao",
//    "plugin": true, "hooks": [], "requires": ["han_nop"],
//    "fields": [{"name": "han_nop", "title": "Hạn nộp", "kind": "date"}],
//    "states": [{"name": "du_thao", "title": "...", "final": false,
//                "deadline": {"clock": "han_nop", "unit": "date",
//                             "amount": 0, "fire": "qua_han",
//                             "reminders": [{"unit": "working_days",
//                                            "amount": 3, "fire": "nhac"}]},
//                "pauses": []}],
//    "transitions": [{"event": "gui", "title": "...", "from": ["du_thao"],
//                     "to": "da_gui", "stay": false, "requires": [],
//                     "guard": true, "action": true, "system_only": false,
//                     "who": [{"role": "chu_tich", "unit": "same_unit"}]}]}
#ifndef WF_TOOLS_DESCRIBE_H_
#define WF_TOOLS_DESCRIBE_H_

#include <string>

#include "wf/types.h"

namespace wf {

// The JSON above, indented by two spaces.
std::string DescribeWorkflow(const WorkflowInfo& workflow);

}  // namespace wf

#endif  // WF_TOOLS_DESCRIBE_H_
