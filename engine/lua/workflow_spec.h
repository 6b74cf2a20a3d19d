// Copyright the wf-engine authors. Apache-2.0.
//
// What a workflow file declares, as plain data with the line of each
// declaration (for error messages). Filled by WorkflowScript, checked by
// runtime/definition.h.
#ifndef WF_LUA_WORKFLOW_SPEC_H_
#define WF_LUA_WORKFLOW_SPEC_H_

#include <string>
#include <vector>

namespace wf {

struct StateSpec {
  std::string name;
  std::string title;
  bool final = false;
  int line = 0;
};

struct TransitionSpec {
  std::string event;
  std::vector<std::string> from;
  std::string to;
  std::string title;
  std::vector<std::string> requires_fields;
  bool has_guard = false;
  bool has_action = false;
  int line = 0;
};

struct WorkflowSpec {
  std::string name;  // empty if the file never called workflow "..."
  std::string title;
  std::string initial;
  std::vector<std::string> requires_fields;  // start variables
  bool has_start = false;
  int line = 0;
  std::vector<StateSpec> states;
  std::vector<TransitionSpec> transitions;
  // Problems found while reading the declarations (unknown fields, wrong
  // types, a declaration without its table), each "file:line: message".
  std::vector<std::string> problems;
};

}  // namespace wf

#endif  // WF_LUA_WORKFLOW_SPEC_H_
