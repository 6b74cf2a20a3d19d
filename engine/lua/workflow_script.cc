// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/workflow_script.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "engine/calendar/vn_date.h"
#include "engine/lua/call_context.h"
#include "engine/lua/lua_json.h"
#include "engine/lua/wf_library.h"
#include "engine/util/refusal.h"
#include "engine/util/text.h"

namespace wf {

// Collects what the top-level code of a workflow file declares. Lives only
// while the file loads; the declaring functions refuse to run later.
class Declarations {
 public:
  enum class Kind { kWorkflow, kState, kTransition };

  // What a file may make the engine copy out of Lua while it loads: the
  // declarations are C++ data, which the sandbox's memory cap does not
  // count, and a Lua list can name one long string a million times.
  static constexpr int kMaxDeclarations = 2000;
  static constexpr size_t kMaxProblems = 100;
  static constexpr size_t kMaxProblemBytes = 500;
  // Each name, title, rule or reminder also costs its C++ bookkeeping.
  static constexpr size_t kItemBytes = 32;

  Declarations(WorkflowScript* script, size_t max_copy_bytes)
      : script_(script), max_copy_bytes_(max_copy_bytes) {}

  // True if the file declared more than the caps allow.
  bool too_large() const { return too_large_; }

  static Declarations* Current(lua_State* L) {
    lua_getfield(L, LUA_REGISTRYINDEX, kRegistryKey);
    auto* d = static_cast<Declarations*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    return d;
  }

  static void Install(lua_State* L, Declarations* d) {
    lua_pushlightuserdata(L, d);
    lua_setfield(L, LUA_REGISTRYINDEX, kRegistryKey);
    lua_register(L, "workflow", &Begin<Kind::kWorkflow>);
    lua_register(L, "state", &Begin<Kind::kState>);
    lua_register(L, "transition", &Begin<Kind::kTransition>);
  }

  static void Uninstall(lua_State* L) {
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, kRegistryKey);
  }

  // Declarations begun but never given their table.
  void Finish() {
    for (const Pending& p : pending_) {
      if (p.done) continue;
      Problem(p.line, absl::StrCat(KindName(p.kind), " '", p.name,
                                   "' is declared without its table: write ",
                                   KindName(p.kind), " \"", p.name,
                                   "\" { ... }"));
    }
    if (more_problems_ > 0) {
      script_->spec_.problems.push_back(absl::StrCat(
          script_->file_name_, ": ... and ", more_problems_, " more problems"));
    }
  }

 private:
  static constexpr char kRegistryKey[] = "wf.declarations";

  struct Pending {
    Kind kind;
    std::string name;
    int line;
    bool done = false;
  };

  static const char* KindName(Kind kind) {
    switch (kind) {
      case Kind::kWorkflow: return "workflow";
      case Kind::kState: return "state";
      case Kind::kTransition: return "transition";
    }
    return "?";
  }

  static int CallerLine(lua_State* L) {
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)) {
      return ar.currentline;
    }
    return 0;
  }

  // state "name" -> returns the function that takes the table.
  template <Kind kind>
  static int Begin(lua_State* L) {
    Declarations* d = Current(L);
    if (d == nullptr) {
      return luaL_error(L, "%s may only be declared at the top level of a "
                           "workflow file, not inside a guard or action",
                        KindName(kind));
    }
    size_t n = 0;
    const char* name = luaL_checklstring(L, 1, &n);
    if (d->pending_.size() >= kMaxDeclarations) {
      d->too_large_ = true;
      return luaL_error(L, "too many declarations: a workflow file may "
                           "declare at most %d states and transitions",
                        kMaxDeclarations);
    }
    d->Copy(L, n);
    d->pending_.push_back({kind, std::string(name, n), CallerLine(L)});
    lua_pushinteger(L, static_cast<lua_Integer>(d->pending_.size() - 1));
    lua_pushcclosure(L, &Body, 1);
    return 1;
  }

  static int Body(lua_State* L) {
    Declarations* d = Current(L);
    if (d == nullptr) return luaL_error(L, "declarations are closed");
    size_t id = static_cast<size_t>(lua_tointeger(L, lua_upvalueindex(1)));
    Pending& p = d->pending_[id];
    if (!lua_istable(L, 1)) {
      d->Problem(p.line, absl::StrCat(KindName(p.kind), " '", p.name,
                                      "' expects a table { ... }, not a ",
                                      luaL_typename(L, 1)));
      p.done = true;
      return 0;
    }
    if (p.done) {
      return luaL_error(L, "%s '%s' already has its table", KindName(p.kind),
                        p.name.c_str());
    }
    p.done = true;
    switch (p.kind) {
      case Kind::kWorkflow: d->ReadWorkflow(L, p); break;
      case Kind::kState: d->ReadState(L, p); break;
      case Kind::kTransition: d->ReadTransition(L, p); break;
    }
    return 0;
  }

  void Problem(int line, const std::string& message) {
    if (script_->spec_.problems.size() >= kMaxProblems) {
      ++more_problems_;
      return;
    }
    std::string text =
        absl::StrCat(script_->file_name_, ":", line, ": ", message);
    if (text.size() > kMaxProblemBytes) {
      size_t cut = kMaxProblemBytes;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      text.resize(cut);
      text += "...";
    }
    script_->spec_.problems.push_back(std::move(text));
  }

  // Counts `bytes` (plus the bookkeeping of one item) about to be copied
  // out of Lua; raises once the declarations hold too much.
  void Copy(lua_State* L, size_t bytes) {
    copied_ += bytes + kItemBytes;
    if (copied_ > max_copy_bytes_) {
      too_large_ = true;
      luaL_error(L, "the declarations hold more than %I bytes (names, "
                    "titles, lists): a workflow file this large is refused",
                 static_cast<lua_Integer>(max_copy_bytes_));
    }
  }

  // Calls `read(field)` for every field of the table at `index`, after
  // checking the field is one of `known`. `what` names the table in messages
  // ("state 'a'", "the deadline of state 'a'").
  template <typename Read>
  void Fields(lua_State* L, const Pending& p, int index, const std::string& what,
              std::initializer_list<const char*> known, Read read) {
    index = lua_absindex(L, index);
    std::set<std::string> allowed(known.begin(), known.end());
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
      if (lua_type(L, -2) != LUA_TSTRING) {
        Problem(p.line, absl::StrCat(what, " has an unnamed field; write "
                                           "name = value"));
      } else {
        std::string field = lua_tostring(L, -2);
        if (allowed.count(field) == 0) {
          Problem(p.line, absl::StrCat("unknown field '", field, "' in ", what,
                                       "; known fields: ",
                                       absl::StrJoin(known, ", ")));
        } else {
          read(field);
        }
      }
      lua_pop(L, 1);
    }
  }

  std::string What(const Pending& p) const {
    return absl::StrCat(KindName(p.kind), " '", p.name, "'");
  }

  bool Text(lua_State* L, const Pending& p, const std::string& field,
            std::string* out) {
    if (lua_type(L, -1) != LUA_TSTRING) {
      Problem(p.line, absl::StrCat("field '", field, "' of ", KindName(p.kind),
                                   " '", p.name, "' must be text, not a ",
                                   luaL_typename(L, -1)));
      return false;
    }
    size_t n = 0;
    const char* s = lua_tolstring(L, -1, &n);
    Copy(L, n);
    *out = std::string(s, n);
    return true;
  }

  bool Flag(lua_State* L, const Pending& p, const std::string& field,
            bool* out) {
    if (lua_type(L, -1) != LUA_TBOOLEAN) {
      Problem(p.line, absl::StrCat("field '", field, "' of ", KindName(p.kind),
                                   " '", p.name, "' must be true or false, ",
                                   "not a ", luaL_typename(L, -1)));
      return false;
    }
    *out = lua_toboolean(L, -1);
    return true;
  }

  // A name or a list of names.
  void Names(lua_State* L, const Pending& p, const std::string& field,
             std::vector<std::string>* out) {
    if (lua_type(L, -1) == LUA_TSTRING) {
      Copy(L, lua_rawlen(L, -1));
      out->push_back(lua_tostring(L, -1));
      return;
    }
    if (!lua_istable(L, -1)) {
      Problem(p.line, absl::StrCat("field '", field, "' of ", KindName(p.kind),
                                   " '", p.name, "' must be a name or a list ",
                                   "of names, not a ", luaL_typename(L, -1)));
      return;
    }
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, -1));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) == LUA_TSTRING) {
        Copy(L, lua_rawlen(L, -1));
        out->push_back(lua_tostring(L, -1));
      } else {
        Problem(p.line, absl::StrCat("field '", field, "' of ",
                                     KindName(p.kind), " '", p.name,
                                     "' lists a ", luaL_typename(L, -1),
                                     " where a name belongs"));
      }
      lua_pop(L, 1);
    }
  }

  int Function(lua_State* L, const Pending& p, const std::string& field) {
    if (!lua_isfunction(L, -1)) {
      Problem(p.line, absl::StrCat("field '", field, "' of ", KindName(p.kind),
                                   " '", p.name, "' must be a function, not a ",
                                   luaL_typename(L, -1)));
      return LUA_NOREF;
    }
    lua_pushvalue(L, -1);
    return luaL_ref(L, LUA_REGISTRYINDEX);
  }

  void ReadWorkflow(lua_State* L, const Pending& p) {
    WorkflowSpec& spec = script_->spec_;
    if (!spec.name.empty()) {
      Problem(p.line, absl::StrCat("a file declares one workflow, but '",
                                   spec.name, "' was already declared at line ",
                                   spec.line));
      return;
    }
    spec.name = p.name;
    spec.line = p.line;
    Fields(L, p, 1, What(p),
           {"title", "initial", "requires", "optional", "fields", "start",
            "who",
            "started_by", "unique_business_key", "plugin", "hooks"},
           [&](const std::string& f) {
             if (f == "unique_business_key") {
               Flag(L, p, f, &spec.unique_business_key);
             }
             if (f == "plugin") Flag(L, p, f, &spec.plugin);
             if (f == "hooks") Names(L, p, f, &spec.hooks);
             if (f == "who") ReadWho(L, p, f, &spec.who);
             if (f == "started_by") ReadWho(L, p, f, &spec.started_by);
             if (f == "title") Text(L, p, f, &spec.title);
             if (f == "initial") Text(L, p, f, &spec.initial);
             if (f == "requires") Names(L, p, f, &spec.requires_fields);
             if (f == "optional") Names(L, p, f, &spec.optional_fields);
             if (f == "fields") ReadFields(L, p, &spec.fields);
             if (f == "start") {
               script_->start_ref_ = Function(L, p, f);
               spec.has_start = script_->start_ref_ != LUA_NOREF;
             }
           });
  }

  // fields = { ly_do = "Lý do", so_tien = { title = "Số tiền", kind =
  // "integer" } }: a title alone, or a table with a title and a kind.
  void ReadFields(lua_State* L, const Pending& p,
                  std::vector<FieldSpec>* out) {
    if (!lua_istable(L, -1)) {
      Problem(p.line, absl::StrCat(
                          "field 'fields' of ", What(p), " must be a table ",
                          "such as { ly_do = \"Lý do\", so_tien = { title = ",
                          "\"Số tiền\", kind = \"integer\" } }, not a ",
                          luaL_typename(L, -1)));
      return;
    }
    const int table = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, table) != 0) {
      FieldSpec field;
      if (ReadField(L, p, &field)) out->push_back(std::move(field));
      lua_pop(L, 1);
    }
    std::sort(out->begin(), out->end(),
              [](const FieldSpec& a, const FieldSpec& b) {
                return a.name < b.name;
              });
  }

  // The entry at the top of the stack, its name below it.
  bool ReadField(lua_State* L, const Pending& p, FieldSpec* field) {
    if (lua_type(L, -2) != LUA_TSTRING || !IsIdentifier(lua_tostring(L, -2))) {
      Problem(p.line, absl::StrCat("the fields of ", What(p), " are named ",
                                   "like variables (ly_do, so_tien): lower-",
                                   "case letters, digits and _"));
      return false;
    }
    field->name = lua_tostring(L, -2);
    Copy(L, field->name.size());
    const std::string what =
        absl::StrCat("field '", field->name, "' of ", What(p));
    if (lua_type(L, -1) == LUA_TSTRING) return Text(L, p, "fields", &field->title);
    if (!lua_istable(L, -1)) {
      Problem(p.line, absl::StrCat(what, " must be its title, or a table { ",
                                   "title = ..., kind = ... }, not a ",
                                   luaL_typename(L, -1)));
      return false;
    }
    bool ok = true;
    Fields(L, p, -1, what, {"title", "kind"}, [&](const std::string& f) {
      if (f == "title") ok = Text(L, p, f, &field->title) && ok;
      if (f != "kind") return;
      std::optional<FieldKind> kind;
      if (lua_type(L, -1) == LUA_TSTRING) kind = ParseFieldKind(lua_tostring(L, -1));
      if (!kind.has_value()) {
        std::vector<const char*> names;
        for (const auto& [k, name] : kFieldKinds) names.push_back(name);
        Problem(p.line, absl::StrCat("the kind of ", what, " must be one of ",
                                     absl::StrJoin(names, ", ")));
        ok = false;
        return;
      }
      field->kind = *kind;
    });
    return ok;
  }

  void ReadState(lua_State* L, const Pending& p) {
    StateSpec state;
    state.name = p.name;
    state.line = p.line;
    int date_ref = LUA_NOREF;
    Fields(L, p, 1, What(p), {"title", "final", "deadline", "pauses"},
           [&](const std::string& f) {
             if (f == "title") Text(L, p, f, &state.title);
             if (f == "final") {
               if (lua_type(L, -1) != LUA_TBOOLEAN) {
                 Problem(p.line, absl::StrCat("field 'final' of state '",
                                              p.name, "' must be true or false"));
               }
               state.final = lua_toboolean(L, -1);
             }
             if (f == "deadline") {
               state.has_deadline = true;
               state.deadline.clock = p.name;
               ReadDeadline(L, p, &state.deadline, &date_ref);
             }
             if (f == "pauses") Names(L, p, f, &state.pauses);
           });
    script_->spec_.states.push_back(std::move(state));
    script_->date_refs_.push_back(date_ref);
  }

  // An amount of a unit: working_days = 20, days = 10, hours = 4...
  bool Amount(lua_State* L, const Pending& p, const std::string& field,
              const std::string& what, TimeUnit* unit, int64_t* amount) {
    // At most a century (as wf.add_workdays): the clocks count working
    // days year by year, so working_days = 2^31 would compute and keep
    // millions of years when a document enters the state.
    static const struct {
      const char* name;
      TimeUnit unit;
      int64_t max;
    } kUnits[] = {{"working_days", TimeUnit::kWorkingDays, 36'500},
                  {"days", TimeUnit::kDays, 36'500},
                  {"hours", TimeUnit::kHours, 876'600},
                  {"minutes", TimeUnit::kMinutes, 52'596'000},
                  {"seconds", TimeUnit::kSeconds, 3'155'760'000}};
    for (const auto& [name, value, max] : kUnits) {
      if (field != name) continue;
      int is_integer = 0;
      lua_Integer n = lua_tointegerx(L, -1, &is_integer);
      if (!is_integer || n < 0 || n > max) {
        Problem(p.line, absl::StrCat("field '", field, "' of ", what,
                                     " must be a whole number from 0 to ",
                                     max, " (a century)"));
        return true;
      }
      if (*unit != TimeUnit::kNone) {
        Problem(p.line, absl::StrCat(what, " gives more than one length: ",
                                     "use one of working_days, days, hours, ",
                                     "minutes, seconds"));
      }
      *unit = value;
      *amount = n;
      return true;
    }
    return false;
  }

  void ReadReminder(lua_State* L, const Pending& p, DeadlineSpec* deadline) {
    std::string what = absl::StrCat("a reminder of state '", p.name, "'");
    Copy(L, 0);
    ReminderSpec reminder;
    Fields(L, p, -1, what,
           {"working_days", "days", "hours", "minutes", "seconds", "fire"},
           [&](const std::string& f) {
             if (f == "fire") {
               Text(L, p, f, &reminder.fire);
             } else {
               Amount(L, p, f, what, &reminder.unit, &reminder.amount);
             }
           });
    if (reminder.unit == TimeUnit::kNone || reminder.fire.empty()) {
      Problem(p.line, absl::StrCat(what, " needs how long before the deadline ",
                                   "(e.g. working_days = 3) and the event to ",
                                   "fire (fire = \"...\")"));
    }
    deadline->reminders.push_back(std::move(reminder));
  }

  void ReadDeadline(lua_State* L, const Pending& p, DeadlineSpec* deadline,
                    int* date_ref) {
    std::string what = absl::StrCat("the deadline of state '", p.name, "'");
    if (!lua_istable(L, -1)) {
      Problem(p.line, absl::StrCat(what, " must be a table { ... }"));
      return;
    }
    Fields(L, p, -1, what,
           {"working_days", "days", "hours", "minutes", "seconds", "date",
            "fire", "clock", "remind"},
           [&](const std::string& f) {
             if (f == "fire") {
               Text(L, p, f, &deadline->fire);
             } else if (f == "clock") {
               Text(L, p, f, &deadline->clock);
             } else if (f == "date") {
               *date_ref = Function(L, p, f);
               deadline->has_date = *date_ref != LUA_NOREF;
             } else if (f == "remind") {
               ReadReminders(L, p, deadline);
             } else {
               Amount(L, p, f, what, &deadline->unit, &deadline->amount);
             }
           });
    if ((deadline->unit != TimeUnit::kNone) == deadline->has_date) {
      Problem(p.line, absl::StrCat(what, " needs exactly one of: working_days, ",
                                   "days, hours, minutes, seconds, or date = ",
                                   "function(ctx) ... end"));
    }
    if (deadline->fire.empty()) {
      Problem(p.line, absl::StrCat(what, " needs the event to fire when it ",
                                   "passes: fire = \"...\""));
    }
  }

  // remind = { working_days = 3, fire = "..." }  or a list of such tables.
  void ReadReminders(lua_State* L, const Pending& p, DeadlineSpec* deadline) {
    if (!lua_istable(L, -1)) {
      Problem(p.line, absl::StrCat("field 'remind' of state '", p.name,
                                   "' must be a table"));
      return;
    }
    lua_getfield(L, -1, "fire");
    bool single = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (single) {
      ReadReminder(L, p, deadline);
      return;
    }
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, -1));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, i);
      if (lua_istable(L, -1)) {
        ReadReminder(L, p, deadline);
      } else {
        Problem(p.line, absl::StrCat("the reminders of state '", p.name,
                                     "' must be tables { ... }"));
      }
      lua_pop(L, 1);
    }
  }

  // who = { role = "chu_tich", unit = "same_unit" }, a list of such rules,
  // or "system".
  void ReadWho(lua_State* L, const Pending& p, const std::string& field,
               WhoSpec* who) {
    who->declared = true;
    if (lua_type(L, -1) == LUA_TSTRING) {
      if (std::string(lua_tostring(L, -1)) == "system") {
        who->system_only = true;
      } else {
        Problem(p.line, absl::StrCat("field '", field, "' of ", What(p),
                                     " must be a rule { role = ..., unit = ",
                                     "... }, a list of rules, or \"system\""));
      }
      return;
    }
    if (!lua_istable(L, -1)) {
      Problem(p.line, absl::StrCat("field '", field, "' of ", What(p),
                                   " must be a table, not a ",
                                   luaL_typename(L, -1)));
      return;
    }
    lua_getfield(L, -1, "role");
    bool single = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (single) {
      ReadRule(L, p, field, who);
      return;
    }
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, -1));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, i);
      if (lua_istable(L, -1)) {
        ReadRule(L, p, field, who);
      } else {
        Problem(p.line, absl::StrCat("the rules in '", field, "' of ", What(p),
                                     " must be tables { role = ..., unit = ",
                                     "... }"));
      }
      lua_pop(L, 1);
    }
    if (n == 0) {
      Problem(p.line, absl::StrCat("'", field, "' of ", What(p), " lists no ",
                                   "rule: nobody could take the step"));
    }
  }

  void ReadRule(lua_State* L, const Pending& p, const std::string& field,
                WhoSpec* who) {
    Copy(L, 0);
    RuleSpec rule;
    std::string what = absl::StrCat("a rule in '", field, "' of ", What(p));
    Fields(L, p, -1, what, {"role", "unit"}, [&](const std::string& f) {
      if (f == "role") Text(L, p, f, &rule.role);
      if (f == "unit") Text(L, p, f, &rule.unit);
    });
    if (rule.role.empty() || rule.unit.empty()) {
      Problem(p.line, absl::StrCat(what, " needs both role (e.g. \"chu_tich\", ",
                                   "or \"*\" for any role) and unit (e.g. ",
                                   "\"same_unit\")"));
    }
    who->rules.push_back(std::move(rule));
  }

  void ReadTransition(lua_State* L, const Pending& p) {
    TransitionSpec t;
    t.event = p.name;
    t.line = p.line;
    WorkflowScript::Refs refs;
    Fields(L, p, 1, What(p),
           {"from", "to", "stay", "title", "requires", "optional", "guard",
            "action", "who"},
           [&](const std::string& f) {
             if (f == "who") ReadWho(L, p, f, &t.who);
             if (f == "from") Names(L, p, f, &t.from);
             if (f == "stay") {
               if (lua_type(L, -1) != LUA_TBOOLEAN) {
                 Problem(p.line, absl::StrCat("field 'stay' of transition '",
                                              p.name, "' must be true or false"));
               }
               t.stay = lua_toboolean(L, -1);
             }
             if (f == "to") Text(L, p, f, &t.to);
             if (f == "title") Text(L, p, f, &t.title);
             if (f == "requires") Names(L, p, f, &t.requires_fields);
             if (f == "optional") Names(L, p, f, &t.optional_fields);
             if (f == "guard") refs.guard = Function(L, p, f);
             if (f == "action") refs.action = Function(L, p, f);
           });
    t.has_guard = refs.guard != LUA_NOREF;
    t.has_action = refs.action != LUA_NOREF;
    script_->spec_.transitions.push_back(std::move(t));
    script_->refs_.push_back(refs);
  }

  WorkflowScript* script_;
  const size_t max_copy_bytes_;
  size_t copied_ = 0;
  size_t more_problems_ = 0;
  bool too_large_ = false;
  std::vector<Pending> pending_;
};

namespace {

constexpr size_t kMaxReasonBytes = 1000;

// A script's reason as officials read it: at most kMaxReasonBytes, cut at
// a character boundary (a cut character would make it invalid UTF-8), and
// in NFC like all stored text.
std::string OfficialReason(absl::string_view text, const char* what) {
  size_t n = std::min(text.size(), kMaxReasonBytes);
  while (n < text.size() && n > 0 &&
         (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
    --n;
  }
  auto nfc = ToNfc(text.substr(0, n), what);
  return nfc.ok() ? *std::move(nfc)
                  : absl::StrCat("(", what, " is not valid UTF-8)");
}

// True if Lua's parser runs out of C stack on `source` (code nested too
// deeply). Parsing only: nothing runs, in a bare state of its own.
bool ParserOverflows(absl::string_view source) {
  lua_State* L = luaL_newstate();
  if (L == nullptr) return false;
  bool overflow = false;
  if (luaL_loadbufferx(L, source.data(), source.size(), "=prefix", "t") !=
      LUA_OK) {
    const char* message = lua_tostring(L, -1);
    overflow = message != nullptr &&
               absl::StrContains(message, "C stack overflow");
  }
  lua_close(L);
  return overflow;
}

// The parser reports running out of C stack without a position. The first
// line where it happens is found by parsing prefixes: a prefix overflows
// exactly when the nesting in it passes the limit, so a binary search over
// the line ends finds it in a few dozen parses. 0 if it cannot be found.
int OverflowLine(absl::string_view source) {
  std::vector<size_t> line_ends;
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') line_ends.push_back(i);
  }
  line_ends.push_back(source.size());
  size_t lo = 0, hi = line_ends.size() - 1;  // the answer is in [lo, hi]
  if (!ParserOverflows(source.substr(0, line_ends[hi]))) return 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ParserOverflows(source.substr(0, line_ends[mid]))) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return static_cast<int>(lo) + 1;
}

// A load refused for "C stack overflow" gets the file and line it lacks.
absl::Status PlaceOverflow(const absl::Status& loaded, absl::string_view source,
                           const std::string& file_name) {
  if (loaded.ok() || !absl::StrContains(loaded.message(), "C stack overflow")) {
    return loaded;
  }
  int line = OverflowLine(source);
  if (line == 0) return loaded;
  return absl::InvalidArgumentError(absl::StrCat(
      "Loading the workflow failed: ", file_name, ":", line,
      ": the code is nested too deeply (C stack overflow): Lua reads about ",
      "200 levels of brackets, tables, functions or chained operators; ",
      "split the expression or build the table in steps"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkflowScript>> WorkflowScript::Load(
    const std::string& source, const std::string& file_name,
    const SandboxOptions& limits,
    std::shared_ptr<const LuaLibraries> libraries) {
  std::unique_ptr<WorkflowScript> script(new WorkflowScript());
  script->file_name_ = file_name;
  script->libraries_ = std::move(libraries);
  script->require_.libraries = script->libraries_.get();
  auto sandbox = Sandbox::Create(limits);
  if (!sandbox.ok()) return sandbox.status();
  script->sandbox_ = std::move(*sandbox);
  Sandbox* sb = script->sandbox_.get();
  // A quarter of the Lua memory cap: far more than any real workflow.
  Declarations declarations(script.get(), limits.memory_bytes / 4);
  absl::Status installed = sb->Run(
      limits.instructions_per_load,
      [&](lua_State* L) {
        Declarations::Install(L, &declarations);
        OpenRequire(L, &script->require_);
      },
      absl::StatusCode::kInternal, "Preparing the workflow declarations");
  if (!installed.ok()) return installed;
  absl::Status loaded = sb->RunChunk(source, file_name,
                                     absl::StatusCode::kInvalidArgument,
                                     "Loading the workflow");
  sb->Run(limits.instructions_per_load, &Declarations::Uninstall,
          absl::StatusCode::kInternal, "Closing the declarations")
      .IgnoreError();
  script->require_.open = false;
  if (declarations.too_large()) {
    return Refusal(absl::ResourceExhaustedError(loaded.message()),
                   reason::kBudgetExceeded)
        .With("budget", "declarations_bytes")
        .With("limit", limits.memory_bytes / 4);
  }
  if (!loaded.ok()) return PlaceOverflow(loaded, source, file_name);
  declarations.Finish();
  sb->FreezeGlobals();
  return script;
}

std::string WorkflowScript::Describe(const char* role, int transition) const {
  if (transition < 0) {
    return absl::StrCat("The start function of workflow '", spec_.name, "' (",
                        file_name_, ":", spec_.line, ")");
  }
  const TransitionSpec& t = spec_.transitions[transition];
  return absl::StrCat("The ", role, " of transition '", t.event, "' (",
                      file_name_, ":", t.line, ")");
}

absl::Status WorkflowScript::ScriptFailed(absl::Status status,
                                          const char* function,
                                          int index) const {
  if (!absl::IsFailedPrecondition(status)) return status;
  const std::optional<RefusalDetails> details = ReadRefusal(status);
  if (details.has_value() && !details->reason.empty()) return status;
  Refusal refusal(std::move(status), reason::kScriptFailed);
  refusal.With("workflow", spec_.name).With("function", function);
  int line = spec_.line;
  if (std::string(function) == "deadline") {
    refusal.With("state", spec_.states[index].name);
    line = spec_.states[index].line;
  } else if (index >= 0) {
    refusal.With("event", spec_.transitions[index].event);
    line = spec_.transitions[index].line;
  }
  refusal.With("file", file_name_).With("line", static_cast<uint64_t>(line));
  return refusal;
}

absl::Status WorkflowScript::RefusedByScript(const char* function,
                                             int transition,
                                             const CallInput& in) const {
  const std::string reason =
      OfficialReason(*sandbox_->refusal(), "the script's reason");
  const std::string event =
      transition >= 0 ? spec_.transitions[transition].event : "start";
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     Describe(function, transition),
                     " refused the step with wf.refuse: \"", reason, "\"")),
                 reason::kGuardRefused)
      .With("instance_id", in.instance_id)
      .With("event", event)
      .With("state", in.from)
      .Vietnamese(reason);
}

absl::StatusOr<GuardResult> WorkflowScript::RunGuard(int transition,
                                                     const CallInput& in) {
  int ref = refs_[transition].guard;
  GuardResult result;
  if (ref == LUA_NOREF) {
    result.allowed = true;
    return result;
  }
  auto what = [&] { return Describe("guard", transition); };
  absl::Status status = sandbox_->Run(
      sandbox_->limits().instructions_per_call,
      [&](lua_State* L) {
        sandbox_->SeedRandom(in.random_seed);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        CallContext ctx(in);
        ctx.Push(L, /*acts=*/false);
        lua_call(L, 1, 2);
        result.allowed = lua_toboolean(L, -2);
        if (result.allowed) return;
        if (lua_type(L, -1) == LUA_TSTRING) {
          size_t n = 0;
          const char* s = lua_tolstring(L, -1, &n);
          result.reason.assign(s, n);
        } else if (lua_isnil(L, -2)) {
          result.reason = absl::StrCat(
              what(), " returned nothing: a guard must return true, or false "
                      "and a reason");
        }
      },
      absl::StatusCode::kFailedPrecondition, what);
  // wf.refuse in a guard is its `return false, reason`.
  if (const std::string* refused = sandbox_->refusal()) {
    result.allowed = false;
    result.reason = *refused;
  } else if (!status.ok()) {
    return ScriptFailed(std::move(status), "guard", transition);
  }
  // The reason reaches officials and logs.
  if (!result.allowed) {
    result.reason = OfficialReason(result.reason, "the guard's reason");
  }
  return result;
}

ActionResult WorkflowScript::Unchanged(const CallInput& in) {
  ActionResult unchanged;
  if (in.takeable_vars == nullptr || in.takeable_vars != in.vars ||
      !in.vars->is_object()) {
    unchanged.vars = *in.vars;
    return unchanged;
  }
  unchanged.vars = std::move(*in.takeable_vars);
  unchanged.changes.emplace();  // nothing
  return unchanged;
}

absl::StatusOr<ActionResult> WorkflowScript::RunAction(int transition,
                                                       const CallInput& in) {
  int ref = refs_[transition].action;
  if (ref == LUA_NOREF) return Unchanged(in);
  return RunActionRef(ref, in, "action", transition);
}

absl::StatusOr<ActionResult> WorkflowScript::RunStart(const CallInput& in) {
  if (start_ref_ == LUA_NOREF) return Unchanged(in);
  return RunActionRef(start_ref_, in, "start", -1);
}

absl::StatusOr<std::optional<absl::CivilDay>> WorkflowScript::RunDeadlineDate(
    int state, const CallInput& in) {
  int ref = date_refs_[state];
  if (ref == LUA_NOREF) return std::optional<absl::CivilDay>();
  std::string what = absl::StrCat("The deadline date of state '",
                                  spec_.states[state].name, "' (", file_name_,
                                  ":", spec_.states[state].line, ")");
  std::string text;
  bool returned_nil = false;
  absl::Status status = sandbox_->Run(
      sandbox_->limits().instructions_per_call,
      [&](lua_State* L) {
        sandbox_->SeedRandom(in.random_seed);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        CallContext ctx(in);
        ctx.Push(L, /*acts=*/false);
        lua_call(L, 1, 1);
        if (lua_isnil(L, -1)) {
          returned_nil = true;
        } else if (lua_type(L, -1) == LUA_TSTRING) {
          text = lua_tostring(L, -1);
        } else {
          luaL_error(L, "must return a date such as \"2026-02-10\", or nil, "
                        "not a %s", luaL_typename(L, -1));
        }
      },
      absl::StatusCode::kFailedPrecondition, what);
  if (!status.ok()) return ScriptFailed(std::move(status), "deadline", state);
  if (returned_nil) return std::optional<absl::CivilDay>();
  auto day = calendar::ParseDate(text);
  if (!day.ok()) {
    return ScriptFailed(
        absl::FailedPreconditionError(absl::StrCat(
            what, " returned '", text, "', which is not a date such as ",
            "\"2026-02-10\" or \"10/02/2026\"")),
        "deadline", state);
  }
  return std::optional<absl::CivilDay>(*day);
}

bool WorkflowScript::EffectsToJson(lua_State* L, const CallContext& ctx,
                                   ActionResult* result, std::string* error,
                                   bool* too_large) const {
  // Most actions emit nothing: result->effects is already [].
  const int top = lua_gettop(L);
  bool ok = true;
  if (ctx.PushEffects(L) && lua_rawlen(L, -1) > 0) {
    JsonBudget budget(sandbox_->limits().max_output_bytes);
    ok = ToJson(L, -1, "the effects", &result->effects, error, &budget);
    *too_large = budget.exceeded;
  }
  lua_settop(L, top);
  return ok;
}

bool WorkflowScript::DocumentToJson(lua_State* L, const CallContext& ctx,
                                    ActionResult* result, std::string* error,
                                    bool* too_large) const {
  const int top = lua_gettop(L);
  bool ok = true;
  // Unless ctx.document was read, and changed.
  if (ctx.PushChanges(L)) {
    const int changes = lua_gettop(L);
    lua_pushnil(L);
    if (lua_next(L, changes) != 0) {
      lua_pop(L, 2);
      JsonBudget budget(sandbox_->limits().max_output_bytes);
      ok = ToJson(L, changes, "the document", &result->document, error,
                  &budget);
      *too_large = budget.exceeded;
    }
  }
  lua_settop(L, top);
  return ok;
}

absl::StatusOr<ActionResult> WorkflowScript::RunActionRef(
    int ref, const CallInput& in, const char* role, int transition) {
  auto what = [&] { return Describe(role, transition); };
  ActionResult result;
  std::string bad_output;
  bool too_large = false;
  absl::Status status = sandbox_->Run(
      sandbox_->limits().instructions_per_call,
      [&](lua_State* L) {
        sandbox_->SeedRandom(in.random_seed);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        CallContext ctx(in);
        ctx.Push(L, /*acts=*/true);
        lua_pushvalue(L, -1);
        lua_insert(L, 1);  // 1: ctx, kept after the call
        lua_call(L, 1, 0);
        lua_getfield(L, 1, "vars");
        if (!lua_istable(L, -1)) {
          bad_output = "replaced ctx.vars with a non-table; change its "
                       "fields instead";
          return;
        }
        const int vars = lua_gettop(L);
        // The effects and the document first: ctx.vars may then take its
        // input apart (lazy_json.h) with nothing left to read it.
        if (!EffectsToJson(L, ctx, &result, &bad_output, &too_large) ||
            !DocumentToJson(L, ctx, &result, &bad_output, &too_large)) {
          return;
        }
        JsonBudget vars_budget(sandbox_->limits().max_output_bytes);
        // ctx.vars as pushed gives back only what the action touched; a
        // table the action put in its place is converted whole.
        const bool converted =
            ctx.vars().IsMine(L, vars)
                ? ctx.vars().ToJson(L, vars, "ctx.vars", &result.vars,
                                    &bad_output, &vars_budget, &result.changes)
                : ToJson(L, vars, "ctx.vars", &result.vars, &bad_output,
                         &vars_budget);
        if (!converted) {
          too_large = vars_budget.exceeded;
          return;
        }
        if (result.vars.is_array()) {
          if (!result.vars.empty()) {
            bad_output = "turned ctx.vars into a list; it must stay a table "
                         "of named fields";
            return;
          }
          result.vars = Json::object();
        }
      },
      absl::StatusCode::kFailedPrecondition, what);
  if (sandbox_->refusal() != nullptr) {
    return RefusedByScript(role, transition, in);
  }
  if (!status.ok()) return ScriptFailed(std::move(status), role, transition);
  if (too_large) {
    return Refusal(absl::ResourceExhaustedError(
                       absl::StrCat(what(), " failed: ", bad_output)),
                   reason::kBudgetExceeded)
        .With("budget", "script_output_bytes")
        .With("limit", sandbox_->limits().max_output_bytes);
  }
  if (!bad_output.empty()) {
    return ScriptFailed(absl::FailedPreconditionError(
                            absl::StrCat(what(), " failed: ", bad_output)),
                        role, transition);
  }
  return result;
}

}  // namespace wf
