// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/lazy_table.h"

#include "engine/lua/lazy_list.h"
#include "engine/lua/sandbox.h"

namespace wf {
namespace {

// The source of the lazy table at `index`; raises if it belongs to an
// earlier call (the C++ object behind it is gone).
LazySource* LiveSource(lua_State* L, int index) {
  return static_cast<LazySource*>(LiveLinkOf(
      L, index,
      "ctx (and ctx.vars) belong to the call that received them: keep "
      "values in ctx.vars, not ctx itself in a variable for later calls"));
}

// Makes field `name` of the table at `table` from `source`: pushes it (or
// nil), keeps it in the table and settles it. `name` is not settled yet
// (both callers checked). `key`: the index of `name` as a Lua string, or 0
// (pushing it again would hash it again).
void Make(lua_State* L, int table, LazySource* source, absl::string_view name,
          int key = 0) {
  if (!source->PushField(L, name)) {
    lua_pushnil(L);
    return;
  }
  source->SettleNew(name);
  if (key != 0) {
    lua_pushvalue(L, key);
  } else {
    lua_pushlstring(L, name.data(), name.size());
  }
  lua_pushvalue(L, -2);
  lua_rawset(L, table);
}

// __index(t, k): t does not hold k. Makes it, unless it was set or
// deleted before.
int Index(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING) return 0;
  LazySource* source = LiveSource(L, 1);
  size_t n = 0;
  const char* s = lua_tolstring(L, 2, &n);
  const absl::string_view name(s, n);
  if (source->complete() || source->IsSettled(name)) return 0;
  Make(L, 1, source, name, 2);
  return 1;
}

// __newindex(t, k, v): t does not hold k. Settles it, so that a field set
// (or deleted, v = nil) before it was read is never made later.
int NewIndex(lua_State* L) {
  lua_settop(L, 3);
  LazySource* source = LiveSource(L, 1);
  if (lua_type(L, 2) == LUA_TSTRING) {
    size_t n = 0;
    const char* s = lua_tolstring(L, 2, &n);
    source->Settle(absl::string_view(s, n));
  }
  lua_rawset(L, 1);  // raises for a nil or NaN key, as a plain table would
  return 0;
}

}  // namespace

void* LiveLinkOf(lua_State* L, int index, const char* message) {
  void* linked = Sandbox::Linked(L, lua_topointer(L, index));
  if (linked == nullptr) luaL_error(L, "%s", message);
  return linked;
}

bool LazySource::IsSettled(absl::string_view name) const {
  for (const std::string& settled : few_settled_) {
    if (settled == name) return true;
  }
  return !settled_.empty() && settled_.contains(name);
}

void LazySource::Settle(absl::string_view name) {
  if (!IsSettled(name)) SettleNew(name);
}

void LazySource::SettleNew(absl::string_view name) {
  if (few_settled_.size() < kFewNames) {
    few_settled_.emplace_back(name);
  } else {
    settled_.emplace(name);
  }
}

void PushLazyTable(lua_State* L, LazySource* source, int fields) {
  lua_createtable(L, 0, fields);
  MakeLazy(L, source);
}

void MakeLazy(lua_State* L, LazySource* source) {
  luaL_checkstack(L, 1, "lazy table");
  Sandbox::PushSlot(L, Sandbox::Slot::kLazyTableMeta);
  lua_setmetatable(L, -2);
  Sandbox::Link(L, lua_topointer(L, -1), source);
}

bool IsLazyTable(lua_State* L, int index) {
  if (!lua_getmetatable(L, index)) return false;
  Sandbox::PushSlot(L, Sandbox::Slot::kLazyTableMeta);
  const bool lazy = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return lazy;
}

LazySource* LazySourceOf(lua_State* L, int index) {
  if (!IsLazyTable(L, index)) return nullptr;
  return static_cast<LazySource*>(Sandbox::Linked(L, lua_topointer(L, index)));
}

void CompleteLazyTable(lua_State* L, int index) {
  if (IsLazyList(L, index)) {
    CompleteLazyList(L, index);
    return;
  }
  if (!IsLazyTable(L, index)) return;
  index = lua_absindex(L, index);
  luaL_checkstack(L, 4, "lazy table");
  LazySource* source = LiveSource(L, index);
  if (source->complete()) return;
  source->ForEachName([&](absl::string_view name) {
    if (source->IsSettled(name)) return;
    Make(L, index, source, name);
    lua_pop(L, 1);
  });
  source->set_complete();
}

int CompleteLazyTableFromLua(lua_State* L) {
  CompleteLazyTable(L, 1);
  return 0;
}

void OpenLazyTables(lua_State* L) {
  lua_createtable(L, 0, 3);
  lua_insert(L, -2);
  lua_setfield(L, -2, "__metatable");
  lua_pushcfunction(L, &Index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, &NewIndex);
  lua_setfield(L, -2, "__newindex");
  Sandbox::SetSlot(L, Sandbox::Slot::kLazyTableMeta);
}

}  // namespace wf
