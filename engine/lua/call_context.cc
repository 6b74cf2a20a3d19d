// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/call_context.h"

#include <cstring>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/lua/document_library.h"
#include "engine/lua/lua_json.h"
#include "engine/lua/sandbox.h"
#include "engine/lua/wf_library.h"
#include "engine/util/text.h"

namespace wf {
namespace {

// Their addresses key, in the registry, the effects list and the document's
// changes of the call in progress, made when the script first reads
// ctx.emit or ctx.document (a C function's stack indices are its own; one
// call at a time runs in a state, so one slot each does).
char effects_key;
char changes_key;

// A registry slot (Sandbox::Slot::kActors) keeps the ctx.actor tables made
// lately, each under its five fields: an official's steps one after
// another, and a step's guard and action, read the same table instead of
// each building one. They are read-only, so no call sees what another
// wrote. The table is replaced once it holds kKeptActors.
constexpr lua_Integer kKeptActors = 256;
constexpr lua_Integer kKeptCountSlot = 1;  // the table's count of actors

int RefuseActorWrite(lua_State* L) {
  return luaL_error(L, "ctx.actor is read-only: copy what you need into a "
                       "table of your own or into ctx.vars");
}

constexpr int kVietnamOffset = 7 * 3600;  // seconds east of UTC

const absl::TimeZone& VietnamTime() {
  static const absl::TimeZone* zone =
      new absl::TimeZone(absl::FixedTimeZone(kVietnamOffset));
  return *zone;
}

// Writes `value` as `width` decimal digits, zero-padded, at `out`.
void WriteDigits(char* out, int width, int value) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = '0' + value % 10;
}

// ctx.emit(kind, data): appends {kind = kind, data = data} to the effects
// list (upvalue 1).
int Emit(lua_State* L) {
  const char* kind = luaL_checkstring(L, 1);
  if (!IsIdentifier(kind)) {
    return luaL_error(L, "ctx.emit: the kind '%s' must be a lower-case name "
                         "such as \"thong_bao\"", kind);
  }
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  // The API carries an effect's data as an object (google.protobuf.Struct):
  // a list would have no faithful form there.
  if (lua_istable(L, 2) && (IsMarkedArray(L, 2) || lua_rawlen(L, 2) > 0)) {
    return luaL_error(L, "ctx.emit: the data of '%s' must be a table of named "
                         "fields such as { den = \"so_noi_vu\" }, but it is a "
                         "list", kind);
  }
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "kind");
  if (lua_istable(L, 2)) {
    lua_pushvalue(L, 2);
  } else {
    lua_newtable(L);
  }
  lua_setfield(L, -2, "data");
  lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, lua_upvalueindex(1)));
  lua_rawseti(L, lua_upvalueindex(1), n + 1);
  return 0;
}

// The arguments of a host call after its key, as JSON; false and a message
// on the stack when they are wrong.
bool HostArgs(lua_State* L, const std::string& call, Json* args) {
  std::string error;
  if (call == "take_place") {
    if (!lua_isinteger(L, 2) || lua_tointeger(L, 2) < 1) {
      lua_pushstring(L, "ctx.take_place(quota, n): n must be a whole number "
                        "of places, 1 or more");
      return false;
    }
    (*args)["limit"] = static_cast<int64_t>(lua_tointeger(L, 2));
  } else if (call == "find") {
    if (lua_type(L, 2) != LUA_TSTRING) {
      lua_pushstring(L, "ctx.find(workflow, business_key): the business key "
                        "must be text");
      return false;
    }
    (*args)["business_key"] = lua_tostring(L, 2);
  } else if (call == "fire") {
    if (lua_type(L, 2) != LUA_TSTRING) {
      lua_pushstring(L, "ctx.fire(id, event, payload): the event must be "
                        "text");
      return false;
    }
    (*args)["event"] = lua_tostring(L, 2);
    Json payload = Json::object();
    if (!lua_isnoneornil(L, 3) &&
        !ToJson(L, 3, "ctx.fire's payload", &payload, &error)) {
      lua_pushlstring(L, error.data(), error.size());
      return false;
    }
    if (payload.is_array() && payload.empty()) payload = Json::object();
    if (!payload.is_object()) {
      lua_pushstring(L, "ctx.fire(id, event, payload): the payload must be "
                        "a table of named fields");
      return false;
    }
    (*args)["payload"] = std::move(payload);
  } else if (call == "start") {
    Json vars = Json::object();
    if (!lua_isnoneornil(L, 2) &&
        !ToJson(L, 2, "ctx.start's variables", &vars, &error)) {
      lua_pushlstring(L, error.data(), error.size());
      return false;
    }
    (*args)["vars"] = std::move(vars);
    if (lua_istable(L, 3)) {
      for (const char* field : {"business_key", "unit"}) {
        lua_getfield(L, 3, field);
        if (lua_type(L, -1) == LUA_TSTRING) (*args)[field] = lua_tostring(L, -1);
        lua_pop(L, 1);
      }
    }
  }
  return true;
}

// Pushes what a host call answered: claim's refusal as false and the holder.
int PushHostResult(lua_State* L, const std::string& call, const Json& result) {
  if (call == "claim" && result.is_string()) {
    lua_pushboolean(L, 0);
    const std::string holder = result.get<std::string>();
    lua_pushlstring(L, holder.data(), holder.size());
    return 2;
  }
  // No such instance: nil, as the scripts test it (`if found then`), not
  // wf.null, which is true.
  if ((call == "read_instance" || call == "find") && result.is_null()) {
    lua_pushnil(L);
    return 1;
  }
  PushJson(L, result);
  return 1;
}

// The work of HostCall, with every C++ object gone before an error is
// raised (lua_error unwinds with longjmp, past C++ destructors). Returns
// the number of results pushed, or -1 with the message pushed.
int HostCallInner(lua_State* L, StepHost* host, const std::string& call,
                  const std::string& key) {
  Json args = Json::object();
  if (!HostArgs(L, call, &args)) return -1;
  absl::StatusOr<Json> result = host->Call(call, key, args);
  if (!result.ok()) {
    std::string message(result.status().message());
    lua_pushlstring(L, message.data(), message.size());
    return -1;
  }
  return PushHostResult(L, call, *result);
}

// ctx.take_number and the other host functions: upvalue 1 the host,
// upvalue 2 the call's name.
int HostCall(lua_State* L) {
  size_t n = 0;
  const char* key = luaL_checklstring(L, 1, &n);
  auto* host = static_cast<StepHost*>(lua_touserdata(L, lua_upvalueindex(1)));
  int results = 0;
  {
    const std::string call = lua_tostring(L, lua_upvalueindex(2));
    results = HostCallInner(L, host, call, std::string(key, n));
  }
  if (results < 0) return lua_error(L);
  return results;
}

// Pushes a host call's answer as a Lua value (1), or its error message
// (-1: the caller raises it once every C++ object is gone).
int PushAnswer(lua_State* L, const absl::StatusOr<Json>& answer) {
  if (answer.ok()) {
    PushJson(L, *answer);
    return 1;
  }
  std::string message(answer.status().message());
  lua_pushlstring(L, message.data(), message.size());
  return -1;
}

// ctx.children(): the step's instance's children and their states.
int HostChildren(lua_State* L) {
  auto* host = static_cast<StepHost*>(lua_touserdata(L, lua_upvalueindex(1)));
  int results = 0;
  {
    results = PushAnswer(L, host->Call("children", "", Json::object()));
  }
  if (results < 0) return lua_error(L);
  return results;
}

// The query of ctx.units{...} as JSON, `on` defaulting to `today`; false
// and a message on the stack when it is not a table of named fields.
bool UnitsQuery(lua_State* L, const std::string& today, Json* query) {
  std::string error;
  if (!lua_isnoneornil(L, 1) &&
      (!lua_istable(L, 1) ||
       !ToJson(L, 1, "ctx.units' query", query, &error))) {
    if (error.empty()) error = "ctx.units{...} expects a table of named fields";
    lua_pushlstring(L, error.data(), error.size());
    return false;
  }
  if (query->is_array() && query->empty()) *query = Json::object();
  if (!query->is_object()) {
    lua_pushstring(L, "ctx.units{...} expects a table of named fields such "
                      "as { under = \"bac_ninh\", kinds = {\"xa\"} }");
    return false;
  }
  if (!query->contains("on") && !query->contains("id")) (*query)["on"] = today;
  return true;
}

// ctx.units{...}: upvalue 1 the host, upvalue 2 ctx.today. The query is the
// call's key, so that replay checks it asks the same.
int HostUnits(lua_State* L) {
  auto* host = static_cast<StepHost*>(lua_touserdata(L, lua_upvalueindex(1)));
  int results = -1;
  {
    Json query = Json::object();
    if (UnitsQuery(L, lua_tostring(L, lua_upvalueindex(2)), &query)) {
      results = PushAnswer(L, host->Call("units", DumpJson(query), query));
    }
  }
  if (results < 0) return lua_error(L);
  return results;
}

// The names of the host functions (ctx.children and the others).
constexpr const char* kHostFunctions[] = {
    "children", "units", "take_number", "take_place", "give_place", "claim",
    "release", "start", "cancel_children", "fire", "read_instance", "find"};

// Pushes host function `name`, or returns false if there is none by that
// name. `today` is ctx.today (ctx.units' default day).
bool PushHostFunction(lua_State* L, StepHost* host, absl::string_view name,
                      const std::string& today) {
  if (name == "children") {
    lua_pushlightuserdata(L, host);
    lua_pushcclosure(L, &HostChildren, 1);
    return true;
  }
  if (name == "units") {
    lua_pushlightuserdata(L, host);
    lua_pushlstring(L, today.data(), today.size());
    lua_pushcclosure(L, &HostUnits, 2);
    return true;
  }
  for (const char* call : kHostFunctions) {
    if (name != call) continue;
    lua_pushlightuserdata(L, host);
    lua_pushstring(L, call);
    lua_pushcclosure(L, &HostCall, 2);
    return true;
  }
  return false;
}

void SetText(lua_State* L, const char* field, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, field);
}

// Pushes ctx.plugin: the manifest of `plugin`, run the first time this
// state sees that version and kept in the registry ("wf.plugins", keyed
// name@version), deep-frozen so that no call can change what later calls
// see. Its errors are the calling script's (a Lua error).
void PushPlugin(lua_State* L, const PluginSource& plugin) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, "wf.plugins") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "wf.plugins");
  }
  const std::string key = absl::StrCat(plugin.name, "@", plugin.version);
  if (lua_getfield(L, -1, key.c_str()) == LUA_TTABLE) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  const std::string chunk = absl::StrCat("=plugins/", plugin.name,
                                         "/plugin.lua");
  if (luaL_loadbufferx(L, plugin.manifest.data(), plugin.manifest.size(),
                       chunk.c_str(), "t") != LUA_OK) {
    lua_error(L);
  }
  lua_call(L, 0, 1);
  if (!lua_istable(L, -1)) {
    luaL_error(L, "plugin '%s' version %d: plugin.lua must return a table",
               plugin.name.c_str(), static_cast<int>(plugin.version));
  }
  lua_pushinteger(L, static_cast<lua_Integer>(plugin.version));
  lua_setfield(L, -2, "version");
  lua_getfield(L, LUA_REGISTRYINDEX, "wf.freeze_deep");
  lua_pushvalue(L, -2);
  lua_call(L, 1, 0);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, key.c_str());
  lua_remove(L, -2);
}

}  // namespace

void CallContext::Push(lua_State* L, bool acts) {
  UseCalendar(L, in_.plugin != nullptr ? in_.plugin->calendar.get() : nullptr);
  acts_ = acts;
  // ctx.vars, which every script reads, is set here; the other fields are
  // made when read (PushField): most calls read two or three of them. It is
  // set before the table becomes lazy (a plain set, no __newindex): a field
  // set when the table is made is simply there.
  lua_createtable(L, 0, 8);
  if (in_.vars->is_object()) {
    vars_.Push(L);
  } else {
    PushJson(L, *in_.vars);
  }
  lua_setfield(L, -2, "vars");
  MakeLazy(L, this);
}

bool CallContext::PushField(lua_State* L, absl::string_view name) {
  if (name == "event" || name == "from" || name == "to") {
    const std::string& text =
        name == "event" ? in_.event : name == "from" ? in_.from : in_.to;
    lua_pushlstring(L, text.data(), text.size());
  } else if (name == "now") {
    lua_pushinteger(L, absl::ToUnixMillis(in_.now));
  } else if (name == "payload") {
    PushJson(L, *in_.payload);
  } else if (name == "actor") {
    PushActor(L);
  } else if (name == "instance") {
    PushInstance(L);
  } else if (name == "today") {
    const std::string today = Today();
    lua_pushlstring(L, today.data(), today.size());
  } else if (name == "files") {
    // ctx.files.<slot>: the latest version, or nil.
    if (in_.files != nullptr) {
      PushJson(L, *in_.files);
    } else {
      lua_newtable(L);
    }
  } else if (name == "timer") {
    if (in_.timer.empty()) return false;
    PushTimer(L);
  } else if (name == "document") {
    const int changes = acts_ ? MakeKept(L, &changes_key, &changes_made_) : 0;
    PushDocument(L, in_.document, in_.host, in_.now, changes);
    if (changes != 0) lua_remove(L, changes);
  } else if (name == "plugin") {
    if (in_.plugin == nullptr) return false;
    PushPlugin(L, *in_.plugin);
  } else if (!acts_) {
    return false;
  } else if (name == "emit") {
    MakeKept(L, &effects_key, &effects_made_);
    MarkArray(L);
    lua_pushcclosure(L, &Emit, 1);
  } else {
    return in_.host != nullptr &&
           PushHostFunction(L, in_.host, name, name == "units" ? Today() : "");
  }
  return true;
}

void CallContext::ForEachName(
    absl::FunctionRef<void(absl::string_view)> each) const {
  for (const char* name : {"event", "from", "to", "now", "payload", "actor",
                           "instance", "today", "files", "document"}) {
    each(name);
  }
  if (!in_.timer.empty()) each("timer");
  if (in_.plugin != nullptr) each("plugin");
  if (!acts_) return;
  each("emit");
  if (in_.host == nullptr) return;
  for (const char* name : kHostFunctions) each(name);
}

int CallContext::MakeKept(lua_State* L, const void* key, bool* made) {
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, key);
  *made = true;
  return lua_gettop(L);
}

bool CallContext::PushKept(lua_State* L, const void* key, bool made) {
  if (!made) return false;
  lua_rawgetp(L, LUA_REGISTRYINDEX, key);
  return true;
}

bool CallContext::PushEffects(lua_State* L) const {
  return PushKept(L, &effects_key, effects_made_);
}

bool CallContext::PushChanges(lua_State* L) const {
  return PushKept(L, &changes_key, changes_made_);
}

std::string CallContext::Today() const {
  // Vietnam keeps one offset all year: the day from the seconds, written
  // digit by digit (ToCivilDay and StrFormat were most of an action's cost
  // of reading ctx.today).
  const int64_t seconds = absl::ToUnixSeconds(in_.now) + kVietnamOffset;
  const int64_t days = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
  // Most calls in a row fall on the same day.
  thread_local int64_t last_days = INT64_MIN;
  thread_local std::string last_text;
  if (days != last_days) {
    last_text = DayText(days);
    last_days = days;
  }
  return last_text;
}

std::string CallContext::DayText(int64_t days) {
  const absl::CivilDay day = absl::CivilDay(1970, 1, 1) + days;
  if (day.year() < 0 || day.year() > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(),
                           day.day());
  }
  std::string text = "0000-00-00";
  WriteDigits(&text[0], 4, static_cast<int>(day.year()));
  WriteDigits(&text[5], 2, day.month());
  WriteDigits(&text[8], 2, day.day());
  return text;
}

void CallContext::PushActor(lua_State* L) const {
  luaL_checkstack(L, 5, "ctx.actor");
  // Each field after its length (4 bytes): no two capacities share a key.
  const std::string* fields[] = {&in_.actor,      &in_.actor_name,
                                 &in_.actor_role, &in_.actor_unit,
                                 &in_.actor_unit_name, &in_.acting_for};
  size_t size = 0;
  for (const std::string* field : fields) {
    size += sizeof(uint32_t) + field->size();
  }
  // Most keys fit on the stack (an official's id, name and unit): no
  // allocation for the key of every read.
  absl::InlinedVector<char, 256> key(size);
  char* at = key.data();
  for (const std::string* field : fields) {
    const auto n = static_cast<uint32_t>(field->size());
    std::memcpy(at, &n, sizeof n);
    if (n > 0) std::memcpy(at + sizeof n, field->data(), n);
    at += sizeof n + n;
  }
  lua_Integer kept = 0;
  Sandbox::PushSlot(L, Sandbox::Slot::kActors);
  if (lua_type(L, -1) == LUA_TTABLE) {
    lua_pushlstring(L, key.data(), key.size());
    if (lua_rawget(L, -2) == LUA_TTABLE) {
      lua_remove(L, -2);
      return;
    }
    lua_pop(L, 1);
    lua_rawgeti(L, -1, kKeptCountSlot);
    kept = lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (kept == 0 || kept >= kKeptActors) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    Sandbox::SetSlot(L, Sandbox::Slot::kActors);
    kept = 0;
  }
  lua_pushinteger(L, kept + 1);
  lua_rawseti(L, -2, kKeptCountSlot);
  NewActor(L);
  lua_pushlstring(L, key.data(), key.size());
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);
  lua_remove(L, -2);
}

void CallContext::NewActor(lua_State* L) const {
  lua_createtable(L, 0, 6);
  SetText(L, "id", in_.actor);
  SetText(L, "name", in_.actor_name);
  SetText(L, "role", in_.actor_role);
  SetText(L, "unit", in_.actor_unit);
  SetText(L, "unit_name", in_.actor_unit_name);
  SetText(L, "acting_for", in_.acting_for);
  lua_getfield(L, LUA_REGISTRYINDEX, "wf.freeze_table");
  lua_pushvalue(L, -2);
  lua_pushcfunction(L, &RefuseActorWrite);
  lua_call(L, 2, 0);
}

void CallContext::PushInstance(lua_State* L) const {
  lua_createtable(L, 0, 4);
  SetText(L, "id", in_.instance_id);
  SetText(L, "business_key", in_.business_key);
  SetText(L, "unit", in_.instance_unit);
  lua_pushinteger(L, static_cast<lua_Integer>(in_.instance_version));
  lua_setfield(L, -2, "version");
}

void CallContext::PushTimer(lua_State* L) const {
  lua_createtable(L, 0, 3);
  SetText(L, "name", in_.timer);
  lua_pushinteger(L, absl::ToUnixMillis(in_.timer_due));
  lua_setfield(L, -2, "due");
  SetText(L, "due_date",
          absl::FormatTime("%Y-%m-%d", in_.timer_due, VietnamTime()));
}

}  // namespace wf
