// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/lua_json.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/lua/lazy_list.h"
#include "engine/lua/lazy_table.h"
#include "engine/lua/sandbox.h"
#include "engine/lua/wf_library.h"
#include "engine/util/text.h"

namespace wf {
namespace {

// Long texts (a plan's content) are pushed again at every step of an
// instance, each time a fresh copy that the collector must then free. A
// table in a registry slot keeps the Lua string of each long text pushed
// lately, under a key sampled from the text, so pushing it again costs a
// comparison. Lua strings cannot change, so sharing one is safe; the table
// is replaced once it holds kKeptTextBytes, and keeps no text over a
// quarter of that.
constexpr size_t kKeptTextMin = 128;
constexpr lua_Integer kKeptTextBytes = 256 << 10;
constexpr lua_Integer kKeptBytesSlot = 0;  // the table's count of bytes

uint64_t Word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// A key from the length and three words of `text` (at least 16 bytes):
// texts that share it only miss the table, as the comparison tells.
lua_Integer TextKey(const std::string& text) {
  const size_t n = text.size();
  uint64_t h = n * 0x9E3779B97F4A7C15ull;
  for (size_t at : {size_t{0}, n / 2 - 4, n - 8}) {
    h = (h ^ Word(text.data() + at)) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  const auto key = static_cast<lua_Integer>(h >> 2);
  return key == kKeptBytesSlot ? 1 : key;
}

// Pushes the kept-texts table, a new one if there is none or if adding
// `bytes` would take it over kKeptTextBytes.
void PushKeptTexts(lua_State* L, size_t bytes) {
  Sandbox::PushSlot(L, Sandbox::Slot::kKeptTexts);
  if (lua_type(L, -1) == LUA_TTABLE) {
    lua_rawgeti(L, -1, kKeptBytesSlot);
    const lua_Integer kept = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (kept + static_cast<lua_Integer>(bytes) <= kKeptTextBytes) return;
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, 8);
  lua_pushvalue(L, -1);
  Sandbox::SetSlot(L, Sandbox::Slot::kKeptTexts);
}

void PushText(lua_State* L, const std::string& text) {
  if (text.size() < kKeptTextMin ||
      text.size() > static_cast<size_t>(kKeptTextBytes / 4)) {
    lua_pushlstring(L, text.data(), text.size());
    return;
  }
  luaL_checkstack(L, 3, "text");
  PushKeptTexts(L, 0);
  const lua_Integer key = TextKey(text);
  if (lua_rawgeti(L, -1, key) == LUA_TSTRING) {
    size_t n = 0;
    const char* kept = lua_tolstring(L, -1, &n);
    if (n == text.size() && std::memcmp(kept, text.data(), n) == 0) {
      lua_remove(L, -2);
      return;
    }
  }
  lua_pop(L, 2);
  PushKeptTexts(L, text.size());
  lua_rawgeti(L, -1, kKeptBytesSlot);
  const lua_Integer kept = lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_pushinteger(L, kept + static_cast<lua_Integer>(text.size()));
  lua_rawseti(L, -2, kKeptBytesSlot);
  lua_pushlstring(L, text.data(), text.size());
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, key);
  lua_remove(L, -2);
}

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
      PushText(L, value.get_ref<const std::string&>());
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
      for (const auto& [key, item] : value.get_ref<const Json::object_t&>()) {
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

// Where a value sits ("ctx.vars.danh_sach[3].ten"), for messages only: a
// chain of links on the C++ stack, made into text when a message needs it
// (building the text for every value was most of a conversion's cost).
struct Path {
  const std::string* root = nullptr;  // the first link only
  const Path* parent = nullptr;
  absl::string_view name;  // a field name; empty: a list index
  lua_Integer index = 0;

  std::string Text() const {
    if (parent == nullptr) return *root;
    if (name.empty() && index > 0) {
      return absl::StrCat(parent->Text(), "[", index, "]");
    }
    return absl::StrCat(parent->Text(), ".", name);
  }
};

class Converter {
 public:
  Converter(lua_State* L, std::string* error, JsonBudget* budget,
            const std::string& root)
      : L_(L), error_(error), budget_(budget), root_(root) {}

  // `was`: what the value was in the call's input, or null. A table that
  // still equals it is reused as it was: duplicating a JSON value costs a fraction of
  // walking the Lua table (an action that appends to a list read from
  // ctx.vars leaves the old items as they were).
  bool Convert(int index, const Path& path, Json* out, int depth,
               const Json* was = nullptr) {
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
      case LUA_TTABLE: {
        lua_Integer appended = 0;
        if (const LazyJsonList* list = UnmadeLazyList(L_, index, &appended)) {
          return Unmade(list->items(), index, appended, path, out, depth);
        }
        if (was != nullptr && Same(index, *was, depth)) return Keep(*was, path, out);
        return Table(index, path, out, depth, was);
      }
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

  // An unmade lazy list at `index` (a field) without its old items:
  // AppendedToJson.
  bool Appended(const Json& old, int index, lua_Integer appended,
                const Path& path, Json* out) {
    return Unmade(old, lua_absindex(L_, index), appended, path, out, 1,
                  /*without_old=*/true);
  }

 private:
  bool Fail(const Path& path, const std::string& what) {
    *error_ = absl::StrCat(path.Text(), " ", what);
    return false;
  }

  // Counts `bytes` of JSON text about to be produced: never more than the
  // serialised text will have (quotes, brackets, one separator per item),
  // so only output that would be too long anyway is refused.
  bool Spend(const Path& path, size_t bytes) {
    if (budget_ == nullptr) return true;
    if (bytes <= budget_->left) {
      budget_->left -= bytes;
      return true;
    }
    return SpendJsonBudget(budget_, bytes, root_, path.Text(), error_);
  }

  bool Number(int index, const Path& path, Json* out) {
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

  bool String(int index, const Path& path, Json* out) {
    size_t n = 0;
    const char* s = lua_tolstring(L_, index, &n);
    if (!Spend(path, n + 2)) return false;
    const absl::string_view text(s, n);
    if (IsAscii(text)) {  // NFC already
      *out = std::string(text);
      return true;
    }
    // Text a script built (from pieces, string.char, utf8.char) may be
    // decomposed: stored as NFC, like text that comes in through the API.
    auto nfc = ToNfc(text, "text");
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

  // True if the table at `index` has a metatable: most tables a script
  // builds have none, and skip the checks below.
  bool HasMetatable(int index) {
    if (!lua_getmetatable(L_, index)) return false;
    lua_pop(L_, 1);
    return true;
  }

  // *out = was, spending what converting the same value would spend.
  bool Keep(const Json& was, const Path& path, Json* out) {
    if (!Spend(path, JsonBudgetCost(was))) return false;
    *out = was;
    return true;
  }

  // An unmade lazy list (lazy_list.h): its source's items as they were,
  // then the `appended` items that follow them, converted.
  // With `without_old`, *out gets only the appended items (spending for
  // the old ones all the same): AppendedToJson.
  bool Unmade(const Json& old, int index, lua_Integer appended,
              const Path& path, Json* out, int depth,
              bool without_old = false) {
    if (without_old) {
      if (!Spend(path, JsonBudgetCost(old))) return false;
      *out = Json::array();
    } else if (!Keep(old, path, out)) {
      return false;
    }
    auto& items = out->get_ref<Json::array_t&>();
    const auto n = static_cast<lua_Integer>(old.size());
    items.reserve(items.size() + static_cast<size_t>(appended));
    for (lua_Integer i = n + 1; i <= n + appended; ++i) {
      lua_rawgeti(L_, index, i);
      Path item_path{nullptr, &path, {}, i};
      items.emplace_back();
      bool ok = Spend(item_path, 1) &&  // a separator
                Convert(-1, item_path, &items.back(), depth + 1);
      lua_pop(L_, 1);
      if (!ok) return false;
    }
    return true;
  }

  // True if the table at `index` converts to exactly `was` (a table nested
  // `depth` levels down). Visits at most kSameVisits values per conversion,
  // then answers false: comparing again at each level of a deep value
  // changed at its bottom must not cost more than converting it a few times.
  bool Same(int index, const Json& was, int depth) {
    if (!was.is_structured() || depth >= kMaxJsonDepth) return false;
    luaL_checkstack(L_, 4, "table nested too deeply");
    if (!SameShape(index, was)) return false;
    size_t count = 0;
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      const Json* item = Item(was, -2);
      if (item == nullptr || visits_left_ == 0 || !SameValue(item, depth)) {
        lua_pop(L_, 2);
        return false;
      }
      --visits_left_;
      lua_pop(L_, 1);
      ++count;
    }
    return count == was.size();
  }

  // True if the value at the top of the stack converts to exactly `was`.
  bool SameValue(const Json* was, int depth) {
    const int top = lua_gettop(L_);
    if (lua_type(L_, top) == LUA_TTABLE) {
      // An unmade lazy list holds none of its items itself: its raw
      // contents would compare as an empty list. (Convert, which calls
      // Same on the outer table, has already read such a table from its
      // source.)
      lua_Integer appended = 0;
      if (UnmadeLazyList(L_, top, &appended) != nullptr) return false;
      return Same(top, *was, depth + 1);
    }
    return SameScalar(L_, top, *was);
  }

  // False if the table at `index` converts to something else than a list
  // (for a list `was`) or an object: the metatables, and a list's length.
  bool SameShape(int index, const Json& was) {
    if (was.is_object()) return !HasMetatable(index);
    if (was.empty() || lua_rawlen(L_, index) != was.size()) {
      return was.empty() && IsMarkedArray(L_, index) &&
             lua_rawlen(L_, index) == 0;
    }
    return !HasMetatable(index) || IsMarkedArray(L_, index);
  }

  // The item of `was` under the key at `key`, or null.
  const Json* Item(const Json& was, int key) {
    if (was.is_array()) {
      if (!lua_isinteger(L_, key)) return nullptr;
      const lua_Integer i = lua_tointeger(L_, key);
      if (i < 1 || static_cast<size_t>(i) > was.size()) return nullptr;
      return &was[static_cast<size_t>(i - 1)];
    }
    if (lua_type(L_, key) != LUA_TSTRING) return nullptr;
    size_t n = 0;
    const char* s = lua_tolstring(L_, key, &n);
    const auto& fields = was.get_ref<const Json::object_t&>();
    auto it = fields.find(absl::string_view(s, n));
    return it == fields.end() ? nullptr : &it->second;
  }

  bool Table(int index, const Path& path, Json* out, int depth,
             const Json* was) {
    luaL_checkstack(L_, 8, "table nested too deeply");
    const bool has_metatable = HasMetatable(index);
    if (has_metatable) {
      // A lazy table (ctx.vars passed on) holds only the fields read so far.
      CompleteLazyTable(L_, index);
      if (PushFrozenContents(index)) {
        bool ok = Table(lua_gettop(L_), path, out, depth, nullptr);
        lua_pop(L_, 1);
        return ok;
      }
    }
    if (depth >= kMaxJsonDepth) {
      return Fail(path, absl::StrCat("is nested deeper than ", kMaxJsonDepth,
                                     " levels (does a table contain itself?)"));
    }
    luaL_checkstack(L_, 6, "table nested too deeply");
    if (!Spend(path, 1)) return false;  // the opening bracket
    bool marked = has_metatable && IsMarkedArray(L_, index);
    if (!marked && FirstKeyIsText(index)) {
      // Most tables are objects: converted in one pass, each key checked as
      // it comes. One with a key that is not text is classified below.
      const size_t left = budget_ != nullptr ? budget_->left : 0;
      if (Object(index, path, out, depth, was, /*keys_checked=*/false)) {
        return true;
      }
      if (!not_object_) return false;
      if (budget_ != nullptr) budget_->left = left;
    }
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
      return Array(index, path, out, count, depth, was);
    }
    if (count > 0 && max_index > 0) {
      return Fail(path, "mixes list items and named fields");
    }
    return Object(index, path, out, depth, was, /*keys_checked=*/true);
  }

  // True if the first key lua_next gives for the table at `index` is text.
  bool FirstKeyIsText(int index) {
    lua_pushnil(L_);
    if (lua_next(L_, index) == 0) return false;
    const bool text = lua_type(L_, -2) == LUA_TSTRING;
    lua_pop(L_, 2);
    return text;
  }

  bool Array(int index, const Path& path, Json* out, lua_Integer count,
             int depth, const Json* was) {
    if (was != nullptr && !was->is_array()) was = nullptr;
    *out = Json::array();
    auto& items = out->get_ref<Json::array_t&>();
    items.reserve(static_cast<size_t>(count));
    for (lua_Integer i = 1; i <= count; ++i) {
      lua_rawgeti(L_, index, i);
      Path item_path{nullptr, &path, {}, i};
      items.emplace_back();
      const Json* item_was =
          was != nullptr && static_cast<size_t>(i) <= was->size()
              ? &(*was)[static_cast<size_t>(i - 1)]
              : nullptr;
      bool ok = Spend(item_path, 1) &&  // a separator
                Convert(-1, item_path, &items.back(), depth + 1, item_was);
      lua_pop(L_, 1);
      if (!ok) return false;
    }
    return true;
  }

  // Converts the table at `index` as an object. With !keys_checked, a key
  // that is not text stops it: false, and not_object_ set (any other false
  // is an error, in *error_, and leaves not_object_ unset).
  bool Object(int index, const Path& path, Json* out, int depth,
              const Json* was, bool keys_checked) {
    not_object_ = false;
    if (was != nullptr && !was->is_object()) was = nullptr;
    *out = Json::object();
    auto& fields = out->get_ref<Json::object_t&>();
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      if (!keys_checked && lua_type(L_, -2) != LUA_TSTRING) {
        lua_pop(L_, 2);
        not_object_ = true;
        return false;
      }
      size_t n = 0;
      const char* k = lua_tolstring(L_, -2, &n);
      if (!Spend(path, n + 4)) {  // "key": and a separator
        lua_pop(L_, 2);
        return false;
      }
      const absl::string_view name(k, n);
      std::string key;
      if (IsAscii(name)) {
        key.assign(name.data(), name.size());
      } else {
        auto nfc = ToNfc(name, "field name");
        if (!nfc.ok()) {
          lua_pop(L_, 2);
          return Fail(path, "has a field name that is not valid UTF-8");
        }
        key = std::move(*nfc);
      }
      auto [field, added] = fields.emplace(std::move(key), Json());
      if (!added) {
        // Two Lua keys that differ only in normalisation ("Hòa" typed
        // composed and decomposed) would become one field: say so rather
        // than keep either silently.
        lua_pop(L_, 2);
        return Fail(path, absl::StrCat("has two fields named '", field->first,
                                       "' once written the standard way ",
                                       "(Unicode NFC): keep one of them"));
      }
      Path field_path{nullptr, &path, field->first, 0};
      bool ok = Convert(-1, field_path, &field->second, depth + 1,
                        FieldOf(was, field->first));
      // A nested table's own fallback is settled by now: whatever this
      // Object gives next is about its own keys.
      not_object_ = false;
      lua_pop(L_, 1);
      if (!ok) {
        lua_pop(L_, 1);
        return false;
      }
    }
    return true;
  }

  static const Json* FieldOf(const Json* object, const std::string& name) {
    if (object == nullptr) return nullptr;
    const auto& fields = object->get_ref<const Json::object_t&>();
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  }

  // Same's limit, in values compared by one conversion.
  static constexpr size_t kSameVisits = 1 << 16;

  lua_State* L_;
  std::string* error_;
  JsonBudget* budget_;
  const std::string& root_;
  size_t visits_left_ = kSameVisits;
  // Why the last Object() gave false: a key that is not text (see Object).
  bool not_object_ = false;
};

}  // namespace

void PushJson(lua_State* L, const Json& value) { Push(L, value, 0); }

bool ToJson(lua_State* L, int index, const std::string& path, Json* out,
            std::string* error, JsonBudget* budget) {
  Path root{&path};
  return Converter(L, error, budget, path).Convert(index, root, out, 0);
}

bool FieldToJson(lua_State* L, int index, const std::string& root,
                 absl::string_view name, Json* out, std::string* error,
                 JsonBudget* budget, const Json* was) {
  Path object{&root};
  Path field{nullptr, &object, name, 0};
  return Converter(L, error, budget, root).Convert(index, field, out, 1, was);
}

bool AppendedToJson(lua_State* L, int index, const std::string& root,
                    absl::string_view name, const Json& old,
                    lua_Integer appended, Json* out, std::string* error,
                    JsonBudget* budget) {
  Path object{&root};
  Path field{nullptr, &object, name, 0};
  return Converter(L, error, budget, root)
      .Appended(old, index, appended, field, out);
}

bool SameScalar(lua_State* L, int index, const Json& value) {
  switch (lua_type(L, index)) {
    case LUA_TSTRING: {
      if (!value.is_string()) return false;
      size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      return absl::string_view(s, n) == value.get_ref<const std::string&>();
    }
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) {
        const lua_Integer i = lua_tointeger(L, index);
        if (value.type() == Json::value_t::number_integer) {
          return value.get<int64_t>() == i;
        }
        return value.type() == Json::value_t::number_unsigned && i >= 0 &&
               value.get<uint64_t>() == static_cast<uint64_t>(i);
      } else {
        if (value.type() != Json::value_t::number_float) return false;
        // Bit for bit: 0.0 and -0.0 are equal but print differently.
        const double d = lua_tonumber(L, index), f = value.get<double>();
        return std::memcmp(&d, &f, sizeof d) == 0;
      }
    case LUA_TBOOLEAN:
      return value.is_boolean() &&
             value.get<bool>() == static_cast<bool>(lua_toboolean(L, index));
    case LUA_TLIGHTUSERDATA:
      return value.is_null() && IsNull(L, index);
    default:
      return false;
  }
}

bool SpendJsonBudget(JsonBudget* budget, size_t bytes, const std::string& root,
                     const std::string& path, std::string* error) {
  if (bytes > budget->left) {
    budget->exceeded = true;
    budget->left = 0;
    *error = absl::StrCat("Expected ", root, " to stay within ", budget->limit,
                          " bytes as JSON, but it is longer (stopped at ",
                          path, ")");
    return false;
  }
  budget->left -= bytes;
  return true;
}

size_t JsonBudgetCost(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return value.get_ref<const std::string&>().size() + 2;
    case Json::value_t::array: {
      size_t bytes = 1;
      for (const Json& item : value) bytes += 1 + JsonBudgetCost(item);
      return bytes;
    }
    case Json::value_t::object: {
      size_t bytes = 1;
      for (const auto& [key, item] : value.get_ref<const Json::object_t&>()) {
        bytes += key.size() + 4 + JsonBudgetCost(item);
      }
      return bytes;
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return 1;
    case Json::value_t::boolean:
      return 4;
    default:  // null: wf.null costs nothing (Convert)
      return 0;
  }
}

}  // namespace wf
