// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/definition.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/org/relations.h"
#include "engine/util/sha256.h"
#include "engine/util/text.h"

namespace wf {
namespace {

std::string TransitionKey(const std::string& state, const std::string& event) {
  return absl::StrCat(state, absl::string_view("\0", 1), event);
}

// Collects problems in the order they are found, "file:line: message".
class Problems {
 public:
  explicit Problems(const std::string& file) : file_(file) {}
  void Add(int line, const std::string& message) {
    list_.push_back(line > 0 ? absl::StrCat(file_, ":", line, ": ", message)
                             : absl::StrCat(file_, ": ", message));
  }
  std::vector<std::string> Take() { return std::move(list_); }

 private:
  const std::string& file_;
  std::vector<std::string> list_;
};

constexpr char kNameRule[] =
    "lower-case ASCII letters, digits and _, starting with a letter";

void CheckStates(const WorkflowSpec& spec, Problems& p,
                 std::map<std::string, const StateSpec*>& states) {
  if (spec.states.empty()) {
    p.Add(spec.line, "the workflow declares no states: add state \"name\" "
                     "{ title = \"...\" } for each step");
  }
  for (const StateSpec& s : spec.states) {
    if (!IsIdentifier(s.name)) {
      p.Add(s.line, absl::StrCat("state name '", s.name, "' must be ",
                                 kNameRule, " (put the Vietnamese name in ",
                                 "title)"));
    }
    auto [it, inserted] = states.emplace(s.name, &s);
    if (!inserted) {
      p.Add(s.line, absl::StrCat("state '", s.name, "' is declared twice ",
                                 "(first at line ", it->second->line, ")"));
    }
  }
}

void CheckInitial(const WorkflowSpec& spec, Problems& p,
                  const std::map<std::string, const StateSpec*>& states) {
  if (spec.initial.empty()) {
    p.Add(spec.line, absl::StrCat("workflow '", spec.name, "' has no initial ",
                                  "state: add initial = \"...\""));
    return;
  }
  auto it = states.find(spec.initial);
  if (it == states.end()) {
    p.Add(spec.line, absl::StrCat("the initial state '", spec.initial,
                                  "' is not declared"));
  } else if (it->second->final) {
    p.Add(spec.line, absl::StrCat("the initial state '", spec.initial,
                                  "' is final: nothing could ever happen"));
  }
}

// hooks = { "nguoi_gop_y", ... }: names a plugin's functions are found by.
void CheckHooks(const WorkflowSpec& spec, Problems& p) {
  std::set<std::string> seen;
  for (const std::string& hook : spec.hooks) {
    if (!IsIdentifier(hook)) {
      p.Add(spec.line, absl::StrCat("hook name '", hook, "' must be ",
                                    kNameRule));
    } else if (!seen.insert(hook).second) {
      p.Add(spec.line, absl::StrCat("hook '", hook, "' is listed twice"));
    }
  }
}

// optional = { ... }: field names, none empty, twice, or also required.
void CheckOptional(const std::string& what, int line,
                   const std::vector<std::string>& required,
                   const std::vector<std::string>& optional, Problems& p) {
  std::set<std::string> seen;
  for (const std::string& field : optional) {
    if (field.empty()) {
      p.Add(line, absl::StrCat(what, " lists an empty optional field name"));
    } else if (!seen.insert(field).second) {
      p.Add(line, absl::StrCat(what, " lists the optional field '", field,
                               "' twice"));
    } else if (std::find(required.begin(), required.end(), field) !=
               required.end()) {
      p.Add(line, absl::StrCat(what, " lists '", field, "' in both ",
                               "'requires' and 'optional': keep one"));
    }
  }
}

void CheckTransitions(const WorkflowSpec& spec, Problems& p,
                      const std::map<std::string, const StateSpec*>& states) {
  std::map<std::string, int> seen;  // state \0 event -> line
  for (const TransitionSpec& t : spec.transitions) {
    if (!IsIdentifier(t.event) || t.event == "start") {
      p.Add(t.line, absl::StrCat("event name '", t.event, "' must be ",
                                 kNameRule, ", and not 'start'"));
    }
    if (t.from.empty()) {
      p.Add(t.line, absl::StrCat("transition '", t.event, "' has no 'from': ",
                                 "say which state(s) it leaves"));
    }
    if (t.stay && !t.to.empty()) {
      p.Add(t.line, absl::StrCat("transition '", t.event, "' has both 'to' ",
                                 "and 'stay': choose one"));
    } else if (t.stay) {
      // Stays in whichever state it leaves.
    } else if (t.to.empty()) {
      p.Add(t.line, absl::StrCat("transition '", t.event, "' has no 'to': ",
                                 "say which state it leads to (or stay = true)"));
    } else if (states.count(t.to) == 0) {
      p.Add(t.line, absl::StrCat("transition '", t.event, "' leads to '",
                                 t.to, "', which is not a declared state"));
    }
    for (const std::string& from : t.from) {
      auto it = states.find(from);
      if (it == states.end()) {
        p.Add(t.line, absl::StrCat("transition '", t.event, "' leaves '", from,
                                   "', which is not a declared state"));
        continue;
      }
      if (it->second->final) {
        p.Add(t.line, absl::StrCat("transition '", t.event, "' leaves the ",
                                   "final state '", from, "'; a final state ",
                                   "ends the process"));
      }
      auto [dup, inserted] = seen.emplace(TransitionKey(from, t.event), t.line);
      if (!inserted) {
        p.Add(t.line, absl::StrCat("event '", t.event, "' is declared twice ",
                                   "from state '", from, "' (first at line ",
                                   dup->second, ")"));
      }
    }
    for (const std::string& field : t.requires_fields) {
      if (field.empty()) {
        p.Add(t.line, absl::StrCat("transition '", t.event, "' requires an ",
                                   "empty field name"));
      }
    }
    CheckOptional(absl::StrCat("transition '", t.event, "'"), t.line,
                  t.requires_fields, t.optional_fields, p);
  }
}

// Every state must be reachable from the initial one, and every state that
// is not final must have a way out.
void CheckGraph(const WorkflowSpec& spec, Problems& p,
                const std::map<std::string, const StateSpec*>& states) {
  std::map<std::string, std::vector<std::string>> next;
  for (const TransitionSpec& t : spec.transitions) {
    for (const std::string& from : t.from) {
      next[from].push_back(t.stay ? from : t.to);
    }
  }
  std::set<std::string> reached;
  std::deque<std::string> queue;
  if (states.count(spec.initial)) {
    reached.insert(spec.initial);
    queue.push_back(spec.initial);
  }
  while (!queue.empty()) {
    std::string s = queue.front();
    queue.pop_front();
    for (const std::string& to : next[s]) {
      if (states.count(to) && reached.insert(to).second) queue.push_back(to);
    }
  }
  for (const StateSpec& s : spec.states) {
    if (!reached.count(s.name) && states.count(spec.initial)) {
      p.Add(s.line, absl::StrCat("state '", s.name, "' cannot be reached from ",
                                 "the initial state '", spec.initial, "'"));
    }
    if (!s.final && next[s.name].empty()) {
      p.Add(s.line, absl::StrCat("state '", s.name, "' is not final but no ",
                                 "transition leaves it: instances would stay ",
                                 "there forever (mark it final = true, or add ",
                                 "a transition)"));
    }
  }
}

// The event a timer fires must leave the state, unconditionally: a deadline
// that passes cannot be refused, so its transition may not have a guard (the
// action can still look at the variables and decide what to record).
void CheckTimerEvent(const WorkflowSpec& spec, Problems& p, const StateSpec& s,
                     const std::string& event, const std::string& what) {
  for (const TransitionSpec& t : spec.transitions) {
    if (t.event != event) continue;
    if (std::find(t.from.begin(), t.from.end(), s.name) == t.from.end()) {
      continue;
    }
    if (t.has_guard) {
      p.Add(t.line, absl::StrCat("transition '", event, "' is fired by ", what,
                                 " and so may not have a guard: a timer ",
                                 "cannot be refused (decide in the action)"));
    }
    return;
  }
  p.Add(s.line, absl::StrCat(what, " fires '", event, "', but no transition '",
                             event, "' leaves state '", s.name, "'"));
}

void CheckDeadlines(const WorkflowSpec& spec, Problems& p) {
  std::set<std::string> clocks;
  for (const StateSpec& s : spec.states) {
    if (!s.has_deadline) continue;
    const DeadlineSpec& d = s.deadline;
    if (!IsIdentifier(d.clock)) {
      p.Add(s.line, absl::StrCat("clock name '", d.clock, "' of state '",
                                 s.name, "' must be ", kNameRule));
    }
    clocks.insert(d.clock);
    if (!d.fire.empty()) {
      CheckTimerEvent(spec, p, s, d.fire,
                      absl::StrCat("the deadline of state '", s.name, "'"));
    }
    for (const ReminderSpec& r : d.reminders) {
      if (r.fire.empty()) continue;
      CheckTimerEvent(spec, p, s, r.fire,
                      absl::StrCat("a reminder of state '", s.name, "'"));
    }
  }
  for (const StateSpec& s : spec.states) {
    for (const std::string& clock : s.pauses) {
      if (clocks.count(clock) == 0) {
        p.Add(s.line, absl::StrCat("state '", s.name, "' pauses clock '", clock,
                                   "', but no state's deadline uses that ",
                                   "clock"));
      }
      if (s.has_deadline && s.deadline.clock == clock) {
        p.Add(s.line, absl::StrCat("state '", s.name, "' both runs and pauses ",
                                   "clock '", clock, "'"));
      }
    }
  }
}

void CheckRules(const WhoSpec& who, Problems& p, int line,
                const std::string& what) {
  for (const RuleSpec& rule : who.rules) {
    if (rule.role != "*" && !IsIdentifier(rule.role)) {
      p.Add(line, absl::StrCat("the role '", rule.role, "' in ", what,
                               " must be ", kNameRule, ", or \"*\" for any"));
    }
    auto relation = org::ParseRelation(rule.unit);
    if (!relation.ok()) {
      p.Add(line, absl::StrCat("the unit '", rule.unit, "' in ", what,
                               " is not one of same_unit, parent, ancestor, ",
                               "standing_agency, tagged:<tag>, province, ",
                               "var:<variable>"));
    }
  }
}

// Every step says who may take it: on the transition, or by the workflow's
// default.
void CheckWho(const WorkflowSpec& spec, Problems& p) {
  CheckRules(spec.who, p, spec.line, "the workflow's who");
  CheckRules(spec.started_by, p, spec.line, "started_by");
  if (spec.started_by.system_only) {
    p.Add(spec.line, "started_by cannot be \"system\": a person starts a "
                     "document");
  }
  if (!spec.who.declared && !spec.started_by.declared && !spec.name.empty()) {
    p.Add(spec.line, "the workflow does not say who may start a document: add "
                     "started_by = { role = \"...\", unit = \"same_unit\" } "
                     "(or a default who)");
  }
  for (const TransitionSpec& t : spec.transitions) {
    CheckRules(t.who, p, t.line, absl::StrCat("transition '", t.event, "'"));
    if (!t.who.declared && !spec.who.declared) {
      p.Add(t.line, absl::StrCat("transition '", t.event, "' does not say who ",
                                 "may fire it: add who = { role = \"...\", ",
                                 "unit = \"same_unit\" } (or a default who ",
                                 "on the workflow; who = \"system\" for an ",
                                 "event only timers fire)"));
    }
  }
}

access::CompiledWho Compile(const WhoSpec& who) {
  access::CompiledWho compiled;
  compiled.system_only = who.system_only;
  for (const RuleSpec& rule : who.rules) {
    auto relation = org::ParseRelation(rule.unit);
    if (!relation.ok()) continue;
    if (relation->relation == org::Relation::kNamedUnits) {
      compiled.names_units = true;
    }
    compiled.rules.push_back({rule.role, *relation});
  }
  return compiled;
}

}  // namespace

std::vector<std::string> ValidateSpec(const WorkflowSpec& spec,
                                      const std::string& file_name) {
  Problems p(file_name);
  if (spec.name.empty()) {
    p.Add(0, "declares no workflow: begin the file with workflow \"name\" "
             "{ title = \"...\", initial = \"...\" }");
  } else if (!IsIdentifier(spec.name)) {
    p.Add(spec.line, absl::StrCat("workflow name '", spec.name, "' must be ",
                                  kNameRule));
  }
  std::vector<std::string> problems = spec.problems;
  std::map<std::string, const StateSpec*> states;
  CheckStates(spec, p, states);
  CheckInitial(spec, p, states);
  CheckTransitions(spec, p, states);
  CheckGraph(spec, p, states);
  CheckDeadlines(spec, p);
  CheckWho(spec, p);
  CheckHooks(spec, p);
  CheckOptional(absl::StrCat("workflow '", spec.name, "'"), spec.line,
                spec.requires_fields, spec.optional_fields, p);
  for (std::string& problem : p.Take()) problems.push_back(std::move(problem));
  return problems;
}

std::shared_ptr<const LuaLibraries> PinnedLibraries(
    const store::DefinitionRecord& record) {
  auto libraries = std::make_shared<LuaLibraries>();
  for (const store::LibraryRecord& library : record.libraries()) {
    (*libraries)[library.name()] = library.source();
  }
  return libraries;
}

Definition::Definition(store::DefinitionRecord record,
                       std::unique_ptr<WorkflowScript> first_script,
                       const SandboxOptions& limits)
    : record_(std::move(record)), spec_(first_script->spec()) {
  for (size_t i = 0; i < spec_.states.size(); ++i) {
    states_.emplace(spec_.states[i].name, static_cast<int>(i));
  }
  for (size_t i = 0; i < spec_.transitions.size(); ++i) {
    for (const std::string& from : spec_.transitions[i].from) {
      transitions_.emplace(TransitionKey(from, spec_.transitions[i].event),
                           static_cast<int>(i));
    }
  }
  for (const TransitionSpec& t : spec_.transitions) {
    who_.push_back(Compile(t.who.declared ? t.who : spec_.who));
  }
  started_by_ = Compile(spec_.started_by.declared ? spec_.started_by : spec_.who);
  size_t max_idle = std::max(4u, 2 * std::thread::hardware_concurrency());
  scripts_ = std::make_unique<ScriptPool>(
      record_.source(), record_.file_name(), limits, max_idle,
      /*budget=*/nullptr, PinnedLibraries(record_));
  scripts_->Add(std::move(first_script));
}

const StateSpec* Definition::FindState(const std::string& name) const {
  auto it = states_.find(name);
  return it == states_.end() ? nullptr : &spec_.states[it->second];
}

int Definition::StateIndex(const std::string& name) const {
  auto it = states_.find(name);
  return it == states_.end() ? -1 : it->second;
}

int Definition::FindTransition(const std::string& state,
                               const std::string& event) const {
  auto it = transitions_.find(TransitionKey(state, event));
  return it == transitions_.end() ? -1 : it->second;
}

bool Definition::HasEvent(const std::string& event) const {
  for (const TransitionSpec& t : spec_.transitions) {
    if (t.event == event) return true;
  }
  return false;
}

std::vector<std::string> Definition::EventsFrom(
    const std::string& state) const {
  std::vector<std::string> events;
  for (const TransitionSpec& t : spec_.transitions) {
    for (const std::string& from : t.from) {
      if (from == state) events.push_back(t.event);
    }
  }
  return events;
}

std::vector<const access::CompiledWho*> Definition::WhoFrom(
    const std::string& state) const {
  std::vector<const access::CompiledWho*> steps;
  for (size_t i = 0; i < spec_.transitions.size(); ++i) {
    const auto& from = spec_.transitions[i].from;
    if (std::find(from.begin(), from.end(), state) != from.end()) {
      steps.push_back(&who_[i]);
    }
  }
  return steps;
}

std::string Definition::StateTitle(const std::string& state) const {
  const StateSpec* s = FindState(state);
  if (s == nullptr || s->title.empty()) return state;
  return s->title;
}

namespace {

std::string TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNone: return "";
    case TimeUnit::kWorkingDays: return "working_days";
    case TimeUnit::kDays: return "days";
    case TimeUnit::kHours: return "hours";
    case TimeUnit::kMinutes: return "minutes";
    case TimeUnit::kSeconds: return "seconds";
  }
  return "";
}

StateDeadlineInfo DeadlineOf(const DeadlineSpec& spec) {
  StateDeadlineInfo deadline;
  deadline.clock = spec.clock;
  deadline.when = {TimeUnitName(spec.unit), spec.amount, spec.fire};
  deadline.by_date = spec.has_date;
  for (const ReminderSpec& r : spec.reminders) {
    deadline.reminders.push_back({TimeUnitName(r.unit), r.amount, r.fire});
  }
  return deadline;
}

}  // namespace

WorkflowInfo Definition::Info(bool with_source) const {
  WorkflowInfo info;
  info.name = name();
  info.version = version();
  info.title = spec_.title.empty() ? name() : spec_.title;
  info.initial_state = spec_.initial;
  info.plugin = spec_.plugin;
  info.hooks = spec_.hooks;
  info.required_fields = spec_.requires_fields;
  info.optional_fields = spec_.optional_fields;
  for (const FieldSpec& f : spec_.fields) {
    info.fields.push_back({f.name, f.title, FieldKindName(f.kind)});
  }
  const WhoSpec& starters =
      spec_.started_by.declared ? spec_.started_by : spec_.who;
  for (const RuleSpec& rule : starters.rules) {
    info.started_by.emplace_back(rule.role, rule.unit);
  }
  for (const StateSpec& s : spec_.states) {
    StateInfo state;
    state.name = s.name;
    state.title = s.title.empty() ? s.name : s.title;
    state.final = s.final;
    if (s.has_deadline) state.deadline = DeadlineOf(s.deadline);
    state.pauses = s.pauses;
    info.states.push_back(std::move(state));
  }
  for (const TransitionSpec& t : spec_.transitions) {
    const WhoSpec& who = t.who.declared ? t.who : spec_.who;
    TransitionInfo transition{t.event,
                              t.from,
                              t.to,
                              t.title.empty() ? t.event : t.title,
                              t.requires_fields,
                              t.optional_fields,
                              t.has_guard,
                              t.has_action,
                              t.stay};
    for (const RuleSpec& rule : who.rules) {
      transition.who.emplace_back(rule.role, rule.unit);
    }
    transition.system_only = who.system_only;
    info.transitions.push_back(std::move(transition));
  }
  if (with_source) info.source = record_.source();
  info.source_sha256 = ToHex(record_.source_sha256());
  info.deployed_at = absl::FromUnixMicros(record_.deployed_at_micros());
  info.deployed_by = record_.deployed_by();
  return info;
}

}  // namespace wf
