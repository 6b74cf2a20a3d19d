// Copyright the wf-engine authors. Apache-2.0.
//
// What a workflow file declares, as plain data with the line of each
// declaration (for error messages). Filled by WorkflowScript, checked by
// runtime/definition.h.
#ifndef WF_LUA_WORKFLOW_SPEC_H_
#define WF_LUA_WORKFLOW_SPEC_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wf {

// The kind of value a field of the start variables or of a payload holds
// (workflow "x" { fields = { so_tien = { title = "Số tiền", kind =
// "integer" } } }): a value of another kind is refused where it comes in,
// and the console shows the box that fits.
enum class FieldKind {
  kText,      // "text": a line of text (the default)
  kLongText,  // "long_text": paragraphs (a reason, an opinion)
  kInteger,   // "integer": a whole number
  kNumber,    // "number": any finite number
  kDate,      // "date": a day, 10/02/2026 or 2026-02-10 (as wf.date reads)
  kList,      // "list": a list (of ids, of commune codes)
  kBoolean,   // "boolean": true or false
};

// Every kind with its name in a workflow file, in the order above.
inline constexpr std::pair<FieldKind, const char*> kFieldKinds[] = {
    {FieldKind::kText, "text"},       {FieldKind::kLongText, "long_text"},
    {FieldKind::kInteger, "integer"}, {FieldKind::kNumber, "number"},
    {FieldKind::kDate, "date"},       {FieldKind::kList, "list"},
    {FieldKind::kBoolean, "boolean"}};

inline const char* FieldKindName(FieldKind kind) {
  for (const auto& [k, name] : kFieldKinds) {
    if (k == kind) return name;
  }
  return "text";
}

inline std::optional<FieldKind> ParseFieldKind(absl::string_view name) {
  for (const auto& [k, text] : kFieldKinds) {
    if (name == text) return k;
  }
  return std::nullopt;
}

// One entry of a workflow's `fields`.
struct FieldSpec {
  std::string name;
  std::string title;  // how officials read the name ("Lý do"); may be empty
  FieldKind kind = FieldKind::kText;
};

// Who may take a step: a role held in a unit related to the document's unit
// ({ role = "chu_tich", unit = "same_unit" }); role "*" is any role.
struct RuleSpec {
  std::string role;
  std::string unit;  // a relation: same_unit, parent, standing_agency, ...
};

// A `who` declaration: a list of rules (any one suffices), or "system": no
// person may fire the event, only the engine's timers.
struct WhoSpec {
  bool declared = false;
  bool system_only = false;
  std::vector<RuleSpec> rules;
};

// How long a deadline or a reminder is: an amount of a unit.
enum class TimeUnit { kNone, kWorkingDays, kDays, kHours, kMinutes, kSeconds };

struct ReminderSpec {
  TimeUnit unit = TimeUnit::kNone;  // before the deadline
  int64_t amount = 0;
  std::string fire;                 // the event fired
};

// state "x" { deadline = { working_days = 20, fire = "qua_han", ... } }
struct DeadlineSpec {
  std::string clock;                // defaults to the state's name
  TimeUnit unit = TimeUnit::kNone;  // kNone when `date` gives the deadline
  int64_t amount = 0;
  bool has_date = false;            // date = function(ctx) ... end
  std::string fire;
  std::vector<ReminderSpec> reminders;
};

struct StateSpec {
  std::string name;
  std::string title;
  bool final = false;
  int line = 0;
  bool has_deadline = false;
  DeadlineSpec deadline;
  std::vector<std::string> pauses;  // clocks that stop while here
};

struct TransitionSpec {
  std::string event;
  std::vector<std::string> from;
  std::string to;
  bool stay = false;  // stay = true: the document stays in the state it is in
  std::string title;
  std::vector<std::string> requires_fields;
  // Payload fields it reads when given (`optional`): forms offer them.
  std::vector<std::string> optional_fields;
  bool has_guard = false;
  bool has_action = false;
  WhoSpec who;  // empty: the workflow's default
  int line = 0;
};

struct WorkflowSpec {
  std::string name;  // empty if the file never called workflow "..."
  std::string title;
  std::string initial;
  std::vector<std::string> requires_fields;  // start variables
  std::vector<std::string> optional_fields;  // start variables it may take
  // The titles and kinds of fields of the start variables and of the
  // payloads (one name means one thing in a workflow), sorted by name.
  std::vector<FieldSpec> fields;
  bool has_start = false;
  WhoSpec who;         // default for transitions without their own
  WhoSpec started_by;  // who may start a document; default: `who`
  // At most one instance per business key (an empty key is not one): a
  // second start with the same key is refused, naming the first instance.
  bool unique_business_key = false;
  // plugin = true: the workflow reads its province's plugin (ctx.plugin);
  // a start pins the plugin's version (docs/plugins.md).
  bool plugin = false;
  // The hooks a plugin may supply for this workflow (identifiers).
  std::vector<std::string> hooks;
  int line = 0;
  std::vector<StateSpec> states;
  std::vector<TransitionSpec> transitions;
  // Problems found while reading the declarations (unknown fields, wrong
  // types, a declaration without its table), each "file:line: message".
  std::vector<std::string> problems;

  // The declared field `name`, or null.
  const FieldSpec* Field(absl::string_view name) const {
    auto it = std::lower_bound(
        fields.begin(), fields.end(), name,
        [](const FieldSpec& f, absl::string_view n) { return f.name < n; });
    return it != fields.end() && it->name == name ? &*it : nullptr;
  }
};

}  // namespace wf

#endif  // WF_LUA_WORKFLOW_SPEC_H_
