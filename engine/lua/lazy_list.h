// Copyright the wf-engine authors. Apache-2.0.
//
// A list field of ctx.vars as a lazy table: its items are made only when a
// script reads one of them. The usual step with a list reads it to append
// one entry (a log, a list of opinions):
//
//   local nhat_ky = ctx.vars.nhat_ky
//   nhat_ky[#nhat_ky + 1] = { buoc = "kiem_tra", nguoi = ctx.actor.id }
//
// Made whole, every item of the list became a Lua table and was compared
// back against the input after the action: about half of a transition's
// Lua cost in bench/lua_cost. A lazy list answers # from its source,
// keeps items appended at its end as its own, and converts back as the
// source's items as they were plus the appended ones converted.
//
// Anything else first makes every item, and from then on it is a plain
// list: reading an item (ipairs, t[i], table.concat), writing anywhere
// but at the end, pairs and next, rawget, rawset and rawlen (sandbox.cc),
// and every conversion to JSON but that of the list's own field
// (lua_json.cc). getmetatable gives "array", as for any list.
//
// Like every lazy table, a lazy list finds its source through the
// sandbox's links for the call in progress, and raises if kept past it.
#ifndef WF_LUA_LAZY_LIST_H_
#define WF_LUA_LAZY_LIST_H_

#include <lua.hpp>

#include "engine/util/json.h"

namespace wf {

class LazyJsonList {
 public:
  // `items` must be a JSON array and outlive the sandbox call.
  explicit LazyJsonList(const Json& items) : items_(items) {}

  // Pushes the lazy list. Inside a Run body only.
  void Push(lua_State* L);

  const Json& items() const { return items_; }
  bool complete() const { return complete_; }
  void set_complete() { complete_ = true; }
  // How many items were appended when last counted: where the next count
  // starts, so that appending k items one by one costs O(k), not O(k²).
  lua_Integer appended_hint() const { return appended_hint_; }
  void set_appended_hint(lua_Integer m) { appended_hint_ = m; }

 private:
  const Json& items_;
  bool complete_ = false;
  lua_Integer appended_hint_ = 0;
};

// True if the value at `index` is a lazy list (complete or not).
bool IsLazyList(lua_State* L, int index);

// True if the table at `index` (a metatable) is the lazy lists' metatable.
bool IsLazyListMetatable(lua_State* L, int index);

// The source of the lazy list at `index` if it still holds only the
// source's items (not made) and items appended at their end; null for
// anything else. Sets *appended to how many were appended.
LazyJsonList* UnmadeLazyList(lua_State* L, int index, lua_Integer* appended);

// Makes every item of the lazy list at `index`: from then on it is a
// plain list. Raises if its call is over.
void CompleteLazyList(lua_State* L, int index);

// Keeps the lazy lists' metatable in the registry, with the value at the
// top of the stack (popped) as its __metatable.
void OpenLazyLists(lua_State* L);

// isLazyList(t) for the prelude (sandbox.cc).
int IsLazyListFromLua(lua_State* L);

}  // namespace wf

#endif  // WF_LUA_LAZY_LIST_H_
