// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/lazy_list.h"

#include "engine/lua/lazy_table.h"
#include "engine/lua/lua_json.h"
#include "engine/lua/sandbox.h"

namespace wf {
namespace {

// The source of the lazy list at `index`; raises if it belongs to an
// earlier call (the JSON behind it is gone).
LazyJsonList* LiveList(lua_State* L, int index) {
  return static_cast<LazyJsonList*>(LiveLinkOf(
      L, index,
      "the lists of ctx.vars belong to the call that received them: keep "
      "values in ctx.vars, not a list of it in a variable for later calls"));
}

lua_Integer SourceSize(const LazyJsonList& list) {
  return static_cast<lua_Integer>(list.items().size());
}

// How many items follow the source's n in the lazy list at `index`: an m
// with item n + m there (or m = 0) and n + m + 1 not, so that n + m is a
// border of the list, what # may answer. Counted from the last count: an
// item deleted at the end moves it back, one appended moves it on.
lua_Integer Appended(lua_State* L, int index, LazyJsonList* list) {
  const lua_Integer n = SourceSize(*list);
  lua_Integer m = list->appended_hint();
  while (m > 0 && lua_rawgeti(L, index, n + m) == LUA_TNIL) {
    lua_pop(L, 1);
    --m;
  }
  if (m > 0) lua_pop(L, 1);
  while (lua_rawgeti(L, index, n + m + 1) != LUA_TNIL) {
    lua_pop(L, 1);
    ++m;
  }
  lua_pop(L, 1);
  list->set_appended_hint(m);
  return m;
}

// The items that follow n without a gap: n + 1, n + 2, ...
lua_Integer AppendedInARow(lua_State* L, int index, lua_Integer n) {
  lua_Integer m = 0;
  while (lua_rawgeti(L, index, n + m + 1) != LUA_TNIL) {
    lua_pop(L, 1);
    ++m;
  }
  lua_pop(L, 1);
  return m;
}

// Makes the source's items. Before that the table holds none of 1..n: a
// write there makes them first (NewIndex).
void Make(lua_State* L, int index, LazyJsonList* list) {
  luaL_checkstack(L, 2, "lazy list");
  const auto& items = list->items().get_ref<const Json::array_t&>();
  for (size_t i = 0; i < items.size(); ++i) {
    PushJson(L, items[i]);
    lua_rawseti(L, index, static_cast<lua_Integer>(i + 1));
  }
  list->set_complete();
}

// __index(t, k): t does not hold k. Makes the items, then reads k.
int Index(lua_State* L) {
  LazyJsonList* list = LiveList(L, 1);
  if (list->complete()) return 0;
  Make(L, 1, list);
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

// __newindex(t, k, v): t does not hold k. An item just past the end is
// appended as it is; anything else makes the items first.
int NewIndex(lua_State* L) {
  lua_settop(L, 3);
  LazyJsonList* list = LiveList(L, 1);
  if (!list->complete()) {
    const bool appends =
        lua_isinteger(L, 2) && !lua_isnil(L, 3) &&
        lua_tointeger(L, 2) == SourceSize(*list) + Appended(L, 1, list) + 1;
    if (!appends) Make(L, 1, list);
  }
  lua_rawset(L, 1);  // raises for a nil or NaN key, as a plain table would
  return 0;
}

// __len(t): the source's items and those appended.
int Len(lua_State* L) {
  LazyJsonList* list = LiveList(L, 1);
  if (list->complete()) {
    lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, 1)));
  } else {
    lua_pushinteger(L, SourceSize(*list) + Appended(L, 1, list));
  }
  return 1;
}

}  // namespace

void LazyJsonList::Push(lua_State* L) {
  luaL_checkstack(L, 2, "lazy list");
  lua_createtable(L, 0, 0);
  Sandbox::PushSlot(L, Sandbox::Slot::kLazyListMeta);
  lua_setmetatable(L, -2);
  Sandbox::Link(L, lua_topointer(L, -1), this);
}

bool IsLazyListMetatable(lua_State* L, int index) {
  index = lua_absindex(L, index);
  Sandbox::PushSlot(L, Sandbox::Slot::kLazyListMeta);
  const bool same = lua_rawequal(L, -1, index);
  lua_pop(L, 1);
  return same;
}

bool IsLazyList(lua_State* L, int index) {
  if (!lua_getmetatable(L, index)) return false;
  const bool lazy = IsLazyListMetatable(L, -1);
  lua_pop(L, 1);
  return lazy;
}

LazyJsonList* UnmadeLazyList(lua_State* L, int index, lua_Integer* appended) {
  if (!IsLazyList(L, index)) return nullptr;
  index = lua_absindex(L, index);
  auto* list =
      static_cast<LazyJsonList*>(Sandbox::Linked(L, lua_topointer(L, index)));
  if (list == nullptr || list->complete()) return nullptr;
  *appended = AppendedInARow(L, index, SourceSize(*list));
  // Only n + 1 ... n + m: an appended item deleted from the middle leaves
  // a hole the plain list's conversion reports.
  lua_Integer held = 0;
  luaL_checkstack(L, 3, "lazy list");
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    ++held;
  }
  return held == *appended ? list : nullptr;
}

void CompleteLazyList(lua_State* L, int index) {
  index = lua_absindex(L, index);
  LazyJsonList* list = LiveList(L, index);
  if (!list->complete()) Make(L, index, list);
}

void OpenLazyLists(lua_State* L) {
  lua_createtable(L, 0, 5);
  lua_insert(L, -2);
  lua_setfield(L, -2, "__metatable");
  // Named as wf.array's lists are, in messages ("got array").
  lua_pushliteral(L, "array");
  lua_setfield(L, -2, "__name");
  lua_pushcfunction(L, &Index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, &NewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, &Len);
  lua_setfield(L, -2, "__len");
  Sandbox::SetSlot(L, Sandbox::Slot::kLazyListMeta);
}

int IsLazyListFromLua(lua_State* L) {
  lua_pushboolean(L, IsLazyList(L, 1));
  return 1;
}

}  // namespace wf
