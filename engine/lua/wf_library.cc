// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/wf_library.h"

#include <cstdio>
#include <string>

#include "engine/lua/lazy_list.h"

namespace wf {
namespace {

// Its address is the null sentinel.
char null_sentinel;
constexpr char kArrayMeta[] = "wf.array";
constexpr size_t kMaxLogLine = 2000;

int Array(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_settop(L, 0);
    lua_newtable(L);
  } else {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
  }
  MarkArray(L);
  return 1;
}

// Strings, numbers, booleans and nil only: calling __tostring would run
// script code with side effects in the middle of logging.
int Log(lua_State* L) {
  std::string line;
  int n = lua_gettop(L);
  for (int i = 1; i <= n && line.size() < kMaxLogLine; ++i) {
    if (i > 1) line += ' ';
    switch (lua_type(L, i)) {
      case LUA_TSTRING:
      case LUA_TNUMBER: {
        size_t len = 0;
        lua_pushvalue(L, i);
        const char* s = lua_tolstring(L, -1, &len);
        line.append(s, len);
        lua_pop(L, 1);
        break;
      }
      case LUA_TBOOLEAN:
        line += lua_toboolean(L, i) ? "true" : "false";
        break;
      default:
        line += IsNull(L, i) ? "null" : luaL_typename(L, i);
    }
  }
  if (line.size() > kMaxLogLine) line.resize(kMaxLogLine);
  std::fprintf(stderr, "[lua] %s\n", line.c_str());
  return 0;
}

// wf.require_files(ctx, needed): `needed` lists slots, each a slot name or
// {slot, label}. Returns true when ctx.files has every one, else false and
// "Hồ sơ còn thiếu: <labels of the missing, in order>." — what a guard
// returns as its refusal (docs/lua.md, "Files").
int RequireFiles(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_getfield(L, 1, "files");  // 3
  if (!lua_istable(L, 3)) {
    return luaL_error(L, "wf.require_files: the first argument must be ctx");
  }
  lua_pushliteral(L, "");  // 4: the labels of the missing, so far
  int count = 0;
  const lua_Integer n = luaL_len(L, 2);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, 2, i);  // 5
    if (lua_istable(L, 5)) {
      lua_geti(L, 5, 1);
      lua_geti(L, 5, 2);
      lua_remove(L, 5);  // 5 slot, 6 label
    } else {
      lua_pushvalue(L, 5);  // 5 slot, 6 slot
    }
    if (lua_type(L, 5) != LUA_TSTRING || lua_type(L, 6) != LUA_TSTRING) {
      return luaL_error(L, "wf.require_files: item %d must be a slot name "
                           "or {slot, label}", static_cast<int>(i));
    }
    const bool present = lua_getfield(L, 3, lua_tostring(L, 5)) != LUA_TNIL;
    lua_pop(L, 1);
    lua_remove(L, 5);  // 5 label
    if (present) {
      lua_pop(L, 1);
      continue;
    }
    if (count++ > 0) {
      lua_pushliteral(L, ", ");
      lua_insert(L, 5);
    }
    lua_concat(L, lua_gettop(L) - 3);  // 4: labels so far
  }
  if (count == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushboolean(L, 0);
  lua_pushliteral(L, "Hồ sơ còn thiếu: ");
  lua_pushvalue(L, 4);
  lua_pushliteral(L, ".");
  lua_concat(L, 3);
  return 2;
}

// What wf.refuse raises: a table {reason = text} with this metatable.
constexpr char kRefusalMeta[] = "wf.refusal";

// wf.refuse(reason): ends the call as a step refused with `reason`, the
// official's text (Sandbox::Run, WorkflowScript). A Lua error, so that it
// leaves from any depth and nothing the call did is kept.
int Refuse(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING || lua_rawlen(L, 1) == 0) {
    return luaL_error(L, "wf.refuse(reason): the reason is the text the "
                         "official reads, and cannot be empty");
  }
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "reason");
  luaL_setmetatable(L, kRefusalMeta);
  return lua_error(L);
}

}  // namespace

bool RefusalReason(lua_State* L, int index, std::string* reason) {
  if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) {
    return false;
  }
  luaL_getmetatable(L, kRefusalMeta);
  const bool refusal = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  if (!refusal) return false;
  // The table is the script's to change once caught (pcall): a reason
  // made other than text is the script's failure, not a refusal.
  lua_pushliteral(L, "reason");
  const bool text = lua_rawget(L, index < 0 ? index - 1 : index) == LUA_TSTRING &&
                    lua_rawlen(L, -1) > 0;
  if (text) {
    size_t n = 0;
    const char* s = lua_tolstring(L, -1, &n);
    reason->assign(s, n);
  }
  lua_pop(L, 1);
  return text;
}

void PushNull(lua_State* L) { lua_pushlightuserdata(L, &null_sentinel); }

bool IsNull(lua_State* L, int index) {
  return lua_type(L, index) == LUA_TLIGHTUSERDATA &&
         lua_touserdata(L, index) == &null_sentinel;
}

void MarkArray(lua_State* L) {
  luaL_getmetatable(L, kArrayMeta);
  lua_setmetatable(L, -2);
}

bool IsMarkedArray(lua_State* L, int index) {
  if (!lua_getmetatable(L, index)) return false;
  luaL_getmetatable(L, kArrayMeta);
  const bool marked = lua_rawequal(L, -1, -2) || IsLazyListMetatable(L, -2);
  lua_pop(L, 2);
  return marked;
}

void OpenWfLibrary(lua_State* L, const calendar::WorkCalendar* calendar) {
  luaL_newmetatable(L, kArrayMeta);
  lua_pushliteral(L, "array");
  lua_setfield(L, -2, "__name");
  // Shared by every list of the state, the engine's included: a script may
  // not change it (a __gc added to it would run outside any budget).
  lua_pushliteral(L, "array");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  luaL_newmetatable(L, kRefusalMeta);
  lua_pushliteral(L, "refusal");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  static const luaL_Reg kFunctions[] = {
      {"array", Array},
      {"log", Log},
      {"refuse", Refuse},
      {"require_files", RequireFiles},
      {nullptr, nullptr},
  };
  luaL_newlib(L, kFunctions);
  PushNull(L);
  lua_setfield(L, -2, "null");
  AddCalendarFunctions(L, calendar);
  lua_setglobal(L, "wf");
  lua_pushcfunction(L, Log);
  lua_setglobal(L, "print");
}

}  // namespace wf
