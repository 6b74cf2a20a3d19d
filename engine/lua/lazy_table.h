// Copyright the wf-engine authors. Apache-2.0.
//
// Lazy tables: Lua tables whose fields are made the first time a script
// reads them. ctx and ctx.vars are lazy (call_context.h): making them whole
// for every call cost most of a transition's Lua time (bench/lua_cost: ~2 KB
// of variables became Lua strings and tables for every guard and action,
// and back after every action, when a step reads two fields and sets three).
//
//   MyFields source(...);            // a LazySource, alive for the call
//   PushLazyTable(L, &source, 8);    // the table, at the top of the stack
//
// A lazy table keeps the fields made or set so far as ordinary fields, so
// a second read is a plain table read. Its metatable's __index makes a
// missing field from the source and keeps it; its __newindex notes a field
// set (or deleted) before it was read, so that the source never brings it
// back. The sandbox's pairs, next, rawget and rawset (sandbox.cc) and the
// JSON conversion (lua_json.cc) first make every field: a script sees the
// same fields, in the same order, as in a plain table. What differs: its
// metatable is hidden (getmetatable gives nil) and cannot be replaced.
//
// Every lazy table shares one metatable; the table finds its source through
// the sandbox's links for the call in progress (Sandbox::Link). A lazy
// table kept past its call (in an upvalue) raises once it needs its source.
#ifndef WF_LUA_LAZY_TABLE_H_
#define WF_LUA_LAZY_TABLE_H_

#include <string>

#include <lua.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace wf {

class LazySource {
 public:
  // Pushes field `name` and returns true, or pushes nothing and returns
  // false when the source has no such field.
  virtual bool PushField(lua_State* L, absl::string_view name) = 0;
  // Calls `each` with the name of every field the source has.
  virtual void ForEachName(
      absl::FunctionRef<void(absl::string_view)> each) const = 0;

  // The names the table holds as its own: made, set or deleted. A name
  // here that the table lacks was deleted by the script.
  bool IsSettled(absl::string_view name) const;
  void Settle(absl::string_view name);
  // Settle for a name known not to be settled yet.
  void SettleNew(absl::string_view name);
  // True once every field of the source is made (or settled).
  bool complete() const { return complete_; }
  void set_complete() { complete_ = true; }

 protected:
  ~LazySource() = default;

 private:
  // A call settles a few names: a short list searched in order costs less
  // than hashing them (and allocates nothing). Past kFewNames, a set.
  static constexpr size_t kFewNames = 8;
  absl::InlinedVector<std::string, kFewNames> few_settled_;
  absl::flat_hash_set<std::string> settled_;
  bool complete_ = false;
};

// Pushes a new lazy table over `source`, which must outlive the current
// sandbox call. `fields`: about how many fields it will hold (growing a
// Lua table field by field rehashes it each time it doubles). Inside a Run
// body only.
void PushLazyTable(lua_State* L, LazySource* source, int fields);

// Makes the table at the top of the stack, a new one, a lazy table over
// `source`: the fields it holds already are its own (never made from the
// source, and the source must not have them settled as deleted).
void MakeLazy(lua_State* L, LazySource* source);

// The source of the lazy table at `index` if it belongs to the call in
// progress; null if it is not a lazy table or belongs to an earlier call.
LazySource* LazySourceOf(lua_State* L, int index);

// True if the value at `index` is a lazy table (of any call).
bool IsLazyTable(lua_State* L, int index);

// What the lazy table (or list) at `index` was linked to for the call in
// progress (Sandbox::Link); raises `message` if its call is over.
void* LiveLinkOf(lua_State* L, int index, const char* message);

// Makes every field of the lazy table at `index` not made yet, so that raw
// traversal (lua_next) sees them all; nothing for another value. Raises if
// the table belongs to an earlier call.
void CompleteLazyTable(lua_State* L, int index);

// The prelude's helper (sandbox.cc): complete(t) for a lazy table t.
int CompleteLazyTableFromLua(lua_State* L);

// Makes the metatable of lazy tables, with `mark` (at the top of the
// stack, popped: the table the prelude made) as its __metatable, by which
// the prelude knows a lazy table. Once per state, before any lazy table.
void OpenLazyTables(lua_State* L);

}  // namespace wf

#endif  // WF_LUA_LAZY_TABLE_H_
