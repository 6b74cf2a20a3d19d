// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/lazy_json.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/container/inlined_vector.h"
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

Json* LazyJsonObject::TakeableList(lua_State* L, int index, const Json* was,
                                   lua_Integer* appended) const {
  if (takeable_ == nullptr || was == nullptr || !was->is_array()) {
    return nullptr;
  }
  const LazyJsonList* list = UnmadeLazyList(L, index, appended);
  if (list == nullptr || *appended == 0 || &list->items() != was) {
    return nullptr;  // appended to nothing: kept whole, and compared
  }
  // `was` is a field of object_, which is *takeable_: not a const object.
  return const_cast<Json*>(was);
}

bool LazyJsonObject::Changed(lua_State* L, int index, const std::string& root,
                             Json::object_t* changed,
                             DeferredList* deferred,
                             std::string* error, JsonBudget* budget,
                             bool* whole) const {
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
      lua_Integer appended = 0;
      Json* old_items = TakeableList(L, -1, was, &appended);
      const bool ok =
          old_items != nullptr
              ? AppendedToJson(L, -1, root, name, *old_items, appended, &value,
                               error, budget)
              : FieldToJson(L, -1, root, name, &value, error, budget, was);
      if (!ok) {
        lua_pop(L, 2);
        return false;
      }
      if (old_items != nullptr) deferred->push_back({&value, old_items});
    }
    lua_pop(L, 1);
  }
  return true;
}

bool LazyJsonObject::Deleted(lua_State* L, int index,
                             const std::string& name) const {
  if (!IsSettled(name)) return false;
  lua_pushlstring(L, name.data(), name.size());
  const bool deleted = lua_rawget(L, index) == LUA_TNIL;
  lua_pop(L, 1);
  return deleted;
}

bool LazyJsonObject::Copied(lua_State* L, int index, const std::string& root,
                            Json::object_t changed, Json* out,
                            std::string* error, JsonBudget* budget) const {
  // The input's fields, but those changed or deleted, as they were; then
  // the changed ones.
  Json::object_t fields;
  for (const auto& [name, value] : Fields()) {
    if (changed.count(name) != 0 || Deleted(L, index, name)) continue;
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

void LazyJsonObject::MoveOldItems(const DeferredList& deferred) {
  for (const Deferred& d : deferred) {
    auto& old_items = d.items->get_ref<Json::array_t&>();
    auto& items = d.out->get_ref<Json::array_t&>();
    old_items.reserve(old_items.size() + items.size());
    std::move(items.begin(), items.end(), std::back_inserter(old_items));
    *d.out = std::move(*d.items);
  }
}

bool LazyJsonObject::Taken(lua_State* L, int index, const std::string& root,
                           Json::object_t& changed,
                           const DeferredList& deferred, Json* out,
                           std::string* error, JsonBudget* budget,
                           std::optional<FieldChanges>* changes) const {
  // One walk of the input beside the changes (both in name order) checks
  // and spends what Copied does, in its order, and finds where each change
  // goes.
  using Field = Json::object_t::iterator;
  auto& fields = takeable_->get_ref<Json::object_t&>();
  // (in the input or end, the change); few: kept on the stack.
  absl::InlinedVector<std::pair<Field, Field>, 8> put;
  absl::InlinedVector<Field, 4> deleted;
  size_t names = 1;  // as Copied counts them
  Field c = changed.begin();
  for (Field f = fields.begin(); f != fields.end(); ++f) {
    for (; c != changed.end() && c->first < f->first; ++c) {
      put.emplace_back(fields.end(), c);
    }
    if (c != changed.end() && c->first == f->first) {
      put.emplace_back(f, c++);
      continue;
    }
    if (Deleted(L, index, f->first)) {
      deleted.push_back(f);
      continue;
    }
    const size_t cost = JsonBudgetCost(f->second);
    if (cost > budget->left) {
      return SpendJsonBudget(budget, cost, root,
                             absl::StrCat(root, ".", f->first), error);
    }
    budget->left -= cost;
    names += f->first.size() + 4;
  }
  for (; c != changed.end(); ++c) put.emplace_back(fields.end(), c);
  for (const auto& [name, value] : changed) names += name.size() + 4;
  if (!SpendJsonBudget(budget, names, root, root, error)) return false;
  // Nothing fails from here on: the input is changed into the result.
  FieldChanges named;
  named.set.reserve(put.size());
  for (const auto& [f, change] : put) {
    const Json* value = &change->second;
    const bool appended =
        std::any_of(deferred.begin(), deferred.end(),
                    [value](const Deferred& d) { return d.out == value; });
    if (f == fields.end() || appended || f->second != *value) {
      named.set.push_back(change->first);
    }
  }
  for (Field f : deleted) named.unset.push_back(f->first);
  MoveOldItems(deferred);
  for (Field f : deleted) fields.erase(f);
  for (auto& [f, change] : put) {
    if (f != fields.end()) {
      f->second = std::move(change->second);
    } else {
      fields.emplace(change->first, std::move(change->second));
    }
  }
  *out = std::move(*takeable_);
  if (changes != nullptr) *changes = std::move(named);
  return true;
}

bool LazyJsonObject::ToJson(lua_State* L, int index, const std::string& root,
                            Json* out, std::string* error, JsonBudget* budget,
                            std::optional<FieldChanges>* changes) const {
  index = lua_absindex(L, index);
  luaL_checkstack(L, 4, "ctx.vars");
  JsonBudget unlimited(SIZE_MAX);
  if (budget == nullptr) budget = &unlimited;
  const size_t limit_left = budget->left;
  Json::object_t changed;
  DeferredList deferred;
  bool whole = false;
  if (!Changed(L, index, root, &changed, &deferred, error, budget, &whole)) {
    if (!whole) return false;
    budget->left = limit_left;
    return wf::ToJson(L, index, root, out, error, budget);
  }
  if (takeable_ == nullptr) {
    return Copied(L, index, root, std::move(changed), out, error, budget);
  }
  return Taken(L, index, root, changed, deferred, out, error, budget,
               changes);
}

}  // namespace wf
