// Copyright the wf-engine authors. Apache-2.0.
//
// JSON values to Lua and back. Objects become tables; arrays become tables
// marked with wf.array (so [] stays []); null becomes wf.null. Back from Lua:
// a marked table or one with keys 1..n is an array, a table with string keys
// an object, an empty unmarked table {}; anything else (functions, mixed or
// holey keys, NaN, invalid UTF-8, nesting deeper than 64) is an error that
// names the path ("ctx.vars.danh_sach[3].ten").
#ifndef WF_LUA_LUA_JSON_H_
#define WF_LUA_LUA_JSON_H_

#include <string>

#include <lua.hpp>

#include "absl/strings/string_view.h"

#include "engine/util/json.h"

namespace wf {

// Pushes `value`. Call inside a protected call (it may raise memory errors).
void PushJson(lua_State* L, const Json& value);

// How many bytes a conversion may produce. A Lua table can hold the same
// string or table many times at the cost of one reference each: converted,
// every reference becomes a copy in C++ memory, which the sandbox's memory
// cap does not count (2^30 copies from a table of 30 levels of {t, t}).
struct JsonBudget {
  explicit JsonBudget(size_t bytes) : limit(bytes), left(bytes) {}
  const size_t limit;
  size_t left;
  bool exceeded = false;  // set when a conversion ran out
};

// Converts the value at `index`. On failure returns false and sets *error.
// `path` names the value in messages. Raises only memory errors. With a
// `budget`, fails (and sets budget->exceeded) as soon as the JSON text would
// be longer than what is left of it.
bool ToJson(lua_State* L, int index, const std::string& path, Json* out,
            std::string* error, JsonBudget* budget = nullptr);

// ToJson for field `name` of the object `root` ("ctx.vars"): messages name
// it "root.name", and the budget's "root". `was`: the field in the call's
// input, or null; the tables in the value that still equal their part of it
// are reused from it instead of converted (the same result, cheaper).
bool FieldToJson(lua_State* L, int index, const std::string& root,
                 absl::string_view name, Json* out, std::string* error,
                 JsonBudget* budget, const Json* was = nullptr);

// FieldToJson for an unmade lazy list (UnmadeLazyList) whose source's
// items are `old`, with `appended` items appended, leaving the old ones
// out: *out is the list of only the appended items, and the budget is
// spent as FieldToJson spends it. The caller puts the old items in front
// (LazyJsonObject, moving them).
bool AppendedToJson(lua_State* L, int index, const std::string& root,
                    absl::string_view name, const Json& old,
                    lua_Integer appended, Json* out, std::string* error,
                    JsonBudget* budget);

// True if the value at `index`, not a table, converts to exactly `value`:
// the same text, the same kind of number with the same bits, the same
// boolean, wf.null for null.
bool SameScalar(lua_State* L, int index, const Json& value);

// Takes `bytes` from `budget`, or returns false with *error set (naming
// `root`, and `path` where it stopped) and budget->exceeded.
bool SpendJsonBudget(JsonBudget* budget, size_t bytes, const std::string& root,
                     const std::string& path, std::string* error);

// What ToJson spends of a budget to produce `value`.
size_t JsonBudgetCost(const Json& value);

}  // namespace wf

#endif  // WF_LUA_LUA_JSON_H_
