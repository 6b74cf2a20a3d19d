// Copyright the wf-engine authors. Apache-2.0.
//
// ctx.vars as a lazy table (lazy_table.h) over the JSON object a call
// received, and back to JSON after an action:
//
//   LazyJsonObject vars(*in.vars);
//   vars.Push(L);                      // ctx.vars
//   ... the action runs ...
//   vars.ToJson(L, index, "ctx.vars", &out, &error, &budget);
//
// Only the fields the action touched are converted back; the others are
// kept from the input as they were. A field counts as touched when the
// table holds it and converting it could give something else than the
// input's: a new or reassigned field, and every field holding a table
// (the script may have changed it in place). A string, number or boolean
// field the action only read, or set to the same value, is kept from the
// input. Setting a field to nil deletes it. A touched table's parts that
// still equal the input's (the old items of a list the action appended
// to) are taken as they were in the input rather than converted (FieldToJson).
// A list field is pushed as a lazy list (lazy_list.h): appending to it
// makes none of its items.
//
// Given the input to take apart (`takeable`), ToJson makes the result out
// of it instead of copying what it keeps: the changed fields are put in
// place and the deleted ones erased, the old items of a list field the
// action appended to stay where they are, and what changed is named
// (FieldChanges), the input being gone to compare with. That happens after
// every conversion and check (so a list also passed elsewhere, in ctx.vars
// or in the call's effects when converted before, is copied while whole);
// a refused conversion leaves the input as it was.
#ifndef WF_LUA_LAZY_JSON_H_
#define WF_LUA_LAZY_JSON_H_

#include <forward_list>
#include <optional>
#include <string>
#include <vector>

#include <lua.hpp>

#include "absl/container/inlined_vector.h"
#include "engine/lua/lazy_list.h"
#include "engine/lua/lazy_table.h"
#include "engine/lua/lua_json.h"
#include "engine/util/json.h"

namespace wf {

// What an action changed in its variables, by name, in name order: the
// fields set to something new and those deleted. What Changes() in the
// runtime finds comparing the input with the result.
struct FieldChanges {
  std::vector<std::string> set;
  std::vector<std::string> unset;
};

class LazyJsonObject final : public LazySource {
 public:
  // `object` must be a JSON object and outlive the sandbox call.
  // `takeable`: null, or `object` itself, when ToJson may take it apart
  // (CallInput::takeable_vars).
  explicit LazyJsonObject(const Json& object, Json* takeable = nullptr)
      : object_(object), takeable_(takeable == &object ? takeable : nullptr) {}

  // Pushes the lazy table. Inside a Run body only.
  void Push(lua_State* L) {
    PushLazyTable(L, this, static_cast<int>(object_.size()));
  }

  // True if the value at `index` is the table Push made.
  bool IsMine(lua_State* L, int index) { return LazySourceOf(L, index) == this; }

  // The JSON of the table at `index`, which must be the one Push made, as
  // wf::ToJson gives it (the same messages and budget; `root` names it):
  // the input with the touched fields converted again and the deleted ones
  // removed. Raises only memory errors. With an input to take apart, the
  // result is made of it, and *changes (if given) says what changed; when
  // the table is converted whole instead, *changes is left unset.
  bool ToJson(lua_State* L, int index, const std::string& root, Json* out,
              std::string* error, JsonBudget* budget,
              std::optional<FieldChanges>* changes = nullptr) const;

  bool PushField(lua_State* L, absl::string_view name) override;
  void ForEachName(
      absl::FunctionRef<void(absl::string_view)> each) const override;

 private:
  // The input's field `name`, or null.
  const Json* Find(absl::string_view name) const;
  // A list field converted without its old items (`out`, in `changed`),
  // which are put in front of them in the input's list (`items`) once
  // nothing else will read them.
  struct Deferred {
    Json* out;
    Json* items;
  };
  using DeferredList = absl::InlinedVector<Deferred, 2>;  // most: one list
  // The input's list `was` if the value at `index` is its lazy list, still
  // unmade, with items appended (*appended of them), and the input may be
  // taken apart; else null.
  Json* TakeableList(lua_State* L, int index, const Json* was,
                     lua_Integer* appended) const;
  // Appends each deferred list's new items to the input's list, and moves
  // that into `out`.
  static void MoveOldItems(const DeferredList& deferred);

  // True if the value at `index`, not a table, converts to exactly `field`
  // (null: no such field in the input).
  static bool Same(lua_State* L, int index, const Json* field);
  // Converts the fields the table at `index` holds that differ from the
  // input's into `changed`. Returns false with *error set, or false with
  // *whole set when the table must be converted whole: a name that is not
  // a string in NFC (ToJson's checks across fields: two names that are
  // one once in NFC, list items among named fields).
  bool Changed(lua_State* L, int index, const std::string& root,
               Json::object_t* changed, DeferredList* deferred,
               std::string* error, JsonBudget* budget, bool* whole) const;
  // Whether the field `name` of the input was deleted by the action (set
  // to nil after it was read or set).
  bool Deleted(lua_State* L, int index, const std::string& name) const;
  // ToJson's second part, copying: the input's untouched fields, then the
  // changed ones.
  bool Copied(lua_State* L, int index, const std::string& root,
              Json::object_t changed, Json* out, std::string* error,
              JsonBudget* budget) const;
  // ToJson's second part, taking the input apart: the changed fields put in
  // place, the deleted ones erased; *changes says which.
  bool Taken(lua_State* L, int index, const std::string& root,
             Json::object_t& changed, const DeferredList& deferred,
             Json* out, std::string* error, JsonBudget* budget,
             std::optional<FieldChanges>* changes) const;

  const Json::object_t& Fields() const {
    return object_.get_ref<const Json::object_t&>();
  }

  const Json& object_;
  Json* const takeable_;  // null, or &object_
  // The lists pushed (lazy_list.h); a forward_list allocates nothing
  // while empty, and keeps their addresses.
  std::forward_list<LazyJsonList> lists_;
};

}  // namespace wf

#endif  // WF_LUA_LAZY_JSON_H_
