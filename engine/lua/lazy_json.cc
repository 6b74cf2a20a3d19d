// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/lazy_json.h"

#include "absl/strings/str_cat.h"
#include "engine/lua/wf_library.h"
#include "engine/util/text.h"

namespace wf {

const Json* LazyJsonObject::Find(absl::string_view name) const {
  const auto& fields = object_.get_ref<const Json::object_t&>();
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

bool LazyJsonObject::PushField(lua_State* L, absl::string_view name) {
  const Json* field = Find(name);
  if (field == nullptr) return false;
  if (field->is_array() && !field->empty()) {
    lists_.emplace_front(*field).Push(L);
  } else {
    PushJson(L, *field);
  }
  return true;
}

void LazyJsonObject::ForEachName(
    absl::FunctionRef<void(absl::string_view)> each) const {
  for (const auto& [name, value] : Fields()) each(name);
}

bool LazyJsonObject::Same(lua_State* L, int index, const Json* field) {
  // A table may have changed in place: Changed converts it, copying the
  // parts that did not (FieldToJson's `was`).
  return field != nullptr && lua_type(L, index) != LUA_TTABLE &&
         SameScalar(L, index, *field);
}

bool LazyJsonObject::Changed(lua_State* L, int index, const std::string& root,
                             Json::object_t* changed, std::string* error,
                             JsonBudget* budget, bool* whole) const {
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      *whole = true;
      return false;
    }
    size_t n = 0;
    const char* s = lua_tolstring(L, -2, &n);
    const absl::string_view name(s, n);
    const Json* was = Find(name);
    if (!Same(L, -1, was)) {
      if (!IsNfc(name)) {  // stored under another name: convert it all
        lua_pop(L, 2);
        *whole = true;
        return false;
      }
      Json& value = (*changed)[std::string(name)];
      if (!FieldToJson(L, -1, root, name, &value, error, budget, was)) {
        lua_pop(L, 2);
        return false;
      }
    }
    lua_pop(L, 1);
  }
  return true;
}

bool LazyJsonObject::ToJson(lua_State* L, int index, const std::string& root,
                            Json* out, std::string* error,
                            JsonBudget* budget) const {
  index = lua_absindex(L, index);
  luaL_checkstack(L, 4, "ctx.vars");
  JsonBudget unlimited(SIZE_MAX);
  if (budget == nullptr) budget = &unlimited;
  const size_t limit_left = budget->left;
  Json::object_t changed;
  bool whole = false;
  if (!Changed(L, index, root, &changed, error, budget, &whole)) {
    if (!whole) return false;
    budget->left = limit_left;
    return wf::ToJson(L, index, root, out, error, budget);
  }
  // The input's fields, but those changed or deleted, as they were; then
  // the changed ones.
  Json::object_t fields;
  for (const auto& [name, value] : Fields()) {
    if (changed.count(name) != 0) continue;
    if (IsSettled(name)) {
      lua_pushlstring(L, name.data(), name.size());
      const bool deleted = lua_rawget(L, index) == LUA_TNIL;
      lua_pop(L, 1);
      if (deleted) continue;
    }
    const size_t cost = JsonBudgetCost(value);
    if (cost > budget->left) {  // the field's path only for the message
      return SpendJsonBudget(budget, cost, root, absl::StrCat(root, ".", name),
                             error);
    }
    budget->left -= cost;
    fields.emplace_hint(fields.end(), name, value);
  }
  fields.merge(changed);
  // The opening bracket, and each name with its quotes, colon and comma.
  size_t names = 1;
  for (const auto& [name, value] : fields) names += name.size() + 4;
  if (!SpendJsonBudget(budget, names, root, root, error)) return false;
  *out = std::move(fields);
  return true;
}

}  // namespace wf
