// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/lua_json.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "engine/lua/wf_library.h"
#include "engine/util/text.h"

namespace wf {
namespace {

void Push(lua_State* L, const Json& value, int depth) {
  luaL_checkstack(L, 4, "JSON value nested too deeply");
  switch (value.type()) {
    case Json::value_t::null:
      PushNull(L);
      return;
    case Json::value_t::boolean:
      lua_pushboolean(L, value.get<bool>());
      return;
    case Json::value_t::number_integer:
      lua_pushinteger(L, value.get<int64_t>());
      return;
    case Json::value_t::number_unsigned: {
      uint64_t u = value.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) {
        lua_pushinteger(L, static_cast<lua_Integer>(u));
      } else {
        lua_pushnumber(L, static_cast<lua_Number>(u));
      }
      return;
    }
    case Json::value_t::number_float:
      lua_pushnumber(L, value.get<double>());
      return;
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      return;
    }
    case Json::value_t::array: {
      lua_createtable(L, static_cast<int>(value.size()), 0);
      lua_Integer i = 1;
      for (const Json& item : value) {
        Push(L, item, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      MarkArray(L);
      return;
    }
    case Json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (const auto& [key, item] : value.items()) {
        lua_pushlstring(L, key.data(), key.size());
        Push(L, item, depth + 1);
        lua_rawset(L, -3);
      }
      return;
    }
    default:
      lua_pushnil(L);
  }
}

class Converter {
 public:
  Converter(lua_State* L, std::string* error, JsonBudget* budget,
            const std::string& root)
      : L_(L), error_(error), budget_(budget), root_(root) {}

  bool Convert(int index, const std::string& path, Json* out, int depth) {
    index = lua_absindex(L_, index);
    switch (lua_type(L_, index)) {
      case LUA_TNIL:
        *out = nullptr;
        return Spend(path, 4);
      case LUA_TBOOLEAN:
        *out = static_cast<bool>(lua_toboolean(L_, index));
        return Spend(path, 4);
      case LUA_TNUMBER:
        return Spend(path, 1) && Number(index, path, out);
      case LUA_TSTRING:
        return String(index, path, out);
      case LUA_TTABLE:
        return Table(index, path, out, depth);
      case LUA_TLIGHTUSERDATA:
        if (IsNull(L_, index)) {
          *out = nullptr;
          return true;
        }
        [[fallthrough]];
      default:
        return Fail(path, absl::StrCat("holds a ", luaL_typename(L_, index),
                                       ", which cannot be stored (only text, ",
                                       "numbers, booleans, tables and wf.null)"));
    }
  }

 private:
  bool Fail(const std::string& path, const std::string& what) {
    *error_ = absl::StrCat(path, " ", what);
    return false;
  }

  // Counts `bytes` of JSON text about to be produced: never more than the
  // serialised text will have (quotes, brackets, one separator per item),
  // so only output that would be too long anyway is refused.
  bool Spend(const std::string& path, size_t bytes) {
    if (budget_ == nullptr) return true;
    if (bytes > budget_->left) {
      budget_->exceeded = true;
      budget_->left = 0;
      *error_ = absl::StrCat("Expected ", root_, " to stay within ",
                             budget_->limit, " bytes as JSON, but it is ",
                             "longer (stopped at ", path, ")");
      return false;
    }
    budget_->left -= bytes;
    return true;
  }

  bool Number(int index, const std::string& path, Json* out) {
    if (lua_isinteger(L_, index)) {
      *out = static_cast<int64_t>(lua_tointeger(L_, index));
      return true;
    }
    double d = lua_tonumber(L_, index);
    if (!std::isfinite(d)) {
      return Fail(path, "is not a finite number (NaN or infinity)");
    }
    *out = d;
    return true;
  }

  bool String(int index, const std::string& path, Json* out) {
    size_t n = 0;
    const char* s = lua_tolstring(L_, index, &n);
    if (!Spend(path, n + 2)) return false;
    // Text a script built (from pieces, string.char, utf8.char) may be
    // decomposed: stored as NFC, like text that comes in through the API.
    auto nfc = ToNfc(absl::string_view(s, n), "text");
    if (!nfc.ok()) return Fail(path, "is not valid UTF-8 text");
    *out = std::move(*nfc);
    return true;
  }

  // A read-only table (ctx.plugin's, sandbox.cc) is empty itself and
  // keeps its contents in its metatable's __index: pushes those, or
  // nothing and false.
  bool PushFrozenContents(int index) {
    if (!lua_getmetatable(L_, index)) return false;
    lua_getfield(L_, -1, "__metatable");
    const bool frozen = lua_type(L_, -1) == LUA_TSTRING &&
                        absl::string_view(lua_tostring(L_, -1)) == "read-only";
    lua_pop(L_, 1);
    if (frozen && lua_getfield(L_, -1, "__index") == LUA_TTABLE) {
      lua_remove(L_, -2);
      return true;
    }
    lua_pop(L_, frozen ? 2 : 1);
    return false;
  }

  bool Table(int index, const std::string& path, Json* out, int depth) {
    luaL_checkstack(L_, 8, "table nested too deeply");
    if (PushFrozenContents(index)) {
      bool ok = Table(lua_gettop(L_), path, out, depth);
      lua_pop(L_, 1);
      return ok;
    }
    if (depth >= kMaxJsonDepth) {
      return Fail(path, absl::StrCat("is nested deeper than ", kMaxJsonDepth,
                                     " levels (does a table contain itself?)"));
    }
    luaL_checkstack(L_, 6, "table nested too deeply");
    if (!Spend(path, 1)) return false;  // the opening bracket
    bool marked = IsMarkedArray(L_, index);
    lua_Integer count = 0, max_index = 0;
    bool has_text_keys = false;
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      lua_pop(L_, 1);  // the value
      if (lua_type(L_, -1) == LUA_TSTRING) {
        has_text_keys = true;
      } else if (lua_isinteger(L_, -1) && lua_tointeger(L_, -1) >= 1) {
        max_index = std::max(max_index, lua_tointeger(L_, -1));
      } else {
        lua_pop(L_, 1);
        return Fail(path, "has a key that is neither text nor a list index "
                          "(1, 2, 3...)");
      }
      count++;
    }
    if (marked || (count > 0 && !has_text_keys)) {
      if (has_text_keys) {
        return Fail(path, "is a list (wf.array) but has text keys");
      }
      if (max_index != count) {
        return Fail(path, "is a list with holes (a nil inside it?); use "
                          "wf.null for an empty slot");
      }
      return Array(index, path, out, count, depth);
    }
    if (count > 0 && max_index > 0) {
      return Fail(path, "mixes list items and named fields");
    }
    return Object(index, path, out, depth);
  }

  bool Array(int index, const std::string& path, Json* out,
             lua_Integer count, int depth) {
    *out = Json::array();
    for (lua_Integer i = 1; i <= count; ++i) {
      lua_rawgeti(L_, index, i);
      Json item;
      bool ok = Spend(path, 1) &&  // a separator
                Convert(-1, absl::StrCat(path, "[", i, "]"), &item, depth + 1);
      lua_pop(L_, 1);
      if (!ok) return false;
      out->push_back(std::move(item));
    }
    return true;
  }

  bool Object(int index, const std::string& path, Json* out, int depth) {
    *out = Json::object();
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      size_t n = 0;
      const char* k = lua_tolstring(L_, -2, &n);  // a string: checked above
      if (!Spend(path, n + 4)) {  // "key": and a separator
        lua_pop(L_, 2);
        return false;
      }
      auto nfc = ToNfc(absl::string_view(k, n), "field name");
      if (!nfc.ok()) {
        lua_pop(L_, 2);
        return Fail(path, "has a field name that is not valid UTF-8");
      }
      std::string key = std::move(*nfc);
      if (out->contains(key)) {
        // Two Lua keys that differ only in normalisation ("Hòa" typed
        // composed and decomposed) would become one field: say so rather
        // than keep either silently.
        lua_pop(L_, 2);
        return Fail(path, absl::StrCat("has two fields named '", key,
                                       "' once written the standard way ",
                                       "(Unicode NFC): keep one of them"));
      }
      Json item;
      bool ok = Convert(-1, absl::StrCat(path, ".", key), &item, depth + 1);
      lua_pop(L_, 1);
      if (!ok) {
        lua_pop(L_, 1);
        return false;
      }
      (*out)[key] = std::move(item);
    }
    return true;
  }

  lua_State* L_;
  std::string* error_;
  JsonBudget* budget_;
  const std::string& root_;
};

}  // namespace

void PushJson(lua_State* L, const Json& value) { Push(L, value, 0); }

bool ToJson(lua_State* L, int index, const std::string& path, Json* out,
            std::string* error, JsonBudget* budget) {
  return Converter(L, error, budget, path).Convert(index, path, out, 0);
}

}  // namespace wf
