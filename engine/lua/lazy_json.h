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
// Given the input to take apart (`takeable`), ToJson moves what it keeps
// into the result instead of copying it: the untouched fields, and the old
// items of a list field the action appended to. That happens after every
// conversion (so a list also passed elsewhere, in ctx.vars or in the call's
// effects when converted before, is copied from the input while it is
// whole), and is what the copies and their freeing cost a step otherwise.
#ifndef WF_LUA_LAZY_JSON_H_
#define WF_LUA_LAZY_JSON_H_

#include <forward_list>
#include <string>
#include <vector>

#include <lua.hpp>

#include "engine/lua/lazy_list.h"
#include "engine/lua/lazy_table.h"
#include "engine/lua/lua_json.h"
#include "engine/util/json.h"

namespace wf {

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
  // names of the fields moved from it whole are appended to *taken (may be
  // null otherwise); on failure it may be partly taken.
  bool ToJson(lua_State* L, int index, const std::string& root, Json* out,
              std::string* error, JsonBudget* budget,
              std::vector<std::string>* taken = nullptr) const;

  bool PushField(lua_State* L, absl::string_view name) override;
  void ForEachName(
      absl::FunctionRef<void(absl::string_view)> each) const override;

 private:
  // The input's field `name`, or null.
  const Json* Find(absl::string_view name) const;
  // A list field converted without its old items, which are moved in
  // front of `out`'s items once nothing else will read them.
  struct Deferred {
    Json* out;
    Json* items;
  };
  // The input's list `was` if the value at `index` is its lazy list, still
  // unmade, with items appended (*appended of them), and the input may be
  // taken apart; else null.
  Json* TakeableList(lua_State* L, int index, const Json* was,
                     lua_Integer* appended) const;
  // Moves the deferred lists' old items in front of their new ones.
  static void MoveOldItems(const std::vector<Deferred>& deferred);

  // True if the value at `index`, not a table, converts to exactly `field`
  // (null: no such field in the input).
  static bool Same(lua_State* L, int index, const Json* field);
  // Converts the fields the table at `index` holds that differ from the
  // input's into `changed`. Returns false with *error set, or false with
  // *whole set when the table must be converted whole: a name that is not
  // a string in NFC (ToJson's checks across fields: two names that are
  // one once in NFC, list items among named fields).
  bool Changed(lua_State* L, int index, const std::string& root,
               Json::object_t* changed, std::vector<Deferred>* deferred,
               std::string* error, JsonBudget* budget, bool* whole) const;
  // ToJson's second part: the untouched fields into `fields`, moved when
  // the input may be taken apart (naming them in *taken).
  bool Untouched(lua_State* L, int index, const std::string& root,
                 const Json::object_t& changed, Json::object_t* fields,
                 std::string* error, JsonBudget* budget,
                 std::vector<std::string>* taken) const;

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
