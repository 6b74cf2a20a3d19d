// Copyright the wf-engine authors. Apache-2.0.
//
// `ctx`, what a guard, action, start or deadline function receives
// (docs/lua.md, "ctx"), made for one call:
//
//   CallContext ctx(in);
//   ctx.Push(L, /*acts=*/true);
//   lua_call(...);
//   ctx.vars().ToJson(L, vars_index, ...);  // if ctx.vars is still ctx.vars()
//   if (ctx.PushEffects(L)) ...             // what ctx.emit appended
//
// ctx is a lazy table (lazy_table.h): vars is set when it is pushed;
// event, from, to, now, payload, actor, instance, today, files, timer,
// document, plugin, emit and the host functions are made the first time
// the script reads them. ctx.vars is a LazyJsonObject over in.vars. Most
// calls read a few of these: making all of them for every call was most of
// a transition's cost in Lua (bench/lua_cost).
#ifndef WF_LUA_CALL_CONTEXT_H_
#define WF_LUA_CALL_CONTEXT_H_

#include <string>

#include <lua.hpp>

#include "engine/lua/lazy_json.h"
#include "engine/lua/lazy_table.h"
#include "engine/lua/workflow_script.h"

namespace wf {

class CallContext final : public LazySource {
 public:
  // `in` and what it points to must outlive the sandbox call.
  explicit CallContext(const CallInput& in)
      : in_(in), vars_(*in.vars, in.takeable_vars) {}

  // Pushes ctx. With `acts` (an action or start), ctx.emit is there and,
  // with a host, the host functions; ctx.document.set and .issue record
  // their changes. Inside a Run body only.
  void Push(lua_State* L, bool acts);

  // After the call: push the effects list (what ctx.emit appended) or the
  // document's changes and return true, or push nothing and return false
  // when the script never read ctx.emit or ctx.document.
  bool PushEffects(lua_State* L) const;
  bool PushChanges(lua_State* L) const;

  // ctx.vars as pushed (unless in.vars is not an object).
  LazyJsonObject& vars() { return vars_; }

  bool PushField(lua_State* L, absl::string_view name) override;
  void ForEachName(
      absl::FunctionRef<void(absl::string_view)> each) const override;

 private:
  // ctx.today: today in Vietnam, "2026-01-16".
  std::string Today() const;
  // "2026-01-16" for the day `days` after 1970-01-01.
  static std::string DayText(int64_t days);
  void PushActor(lua_State* L) const;
  // A new read-only ctx.actor table (PushActor keeps it for later calls).
  void NewActor(lua_State* L) const;
  void PushInstance(lua_State* L) const;
  void PushTimer(lua_State* L) const;
  // Makes a table kept in the registry under `key` for the rest of the
  // call, pushes it and returns its index; sets *made.
  static int MakeKept(lua_State* L, const void* key, bool* made);
  static bool PushKept(lua_State* L, const void* key, bool made);

  const CallInput& in_;
  LazyJsonObject vars_;
  bool acts_ = false;  // an action or start: ctx.emit and the host calls
  bool effects_made_ = false;
  bool changes_made_ = false;
};

}  // namespace wf

#endif  // WF_LUA_CALL_CONTEXT_H_
