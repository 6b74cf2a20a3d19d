// Copyright the wf-engine authors. Apache-2.0.
//
// What a start or action function may take from outside its script, as
// `ctx` functions (docs/lua.md "Shared records and children"):
//
//   ctx.take_number(register)   the register's next number (1, 2, 3, ...):
//                               gapless, never given twice
//   ctx.take_place(quota, n)    true and a place taken if fewer than n are
//                               taken, else false
//   ctx.give_place(quota)       a place taken back into the quota (a
//                               nominee declined or withdrawn): true, or an
//                               error when none is taken
//   ctx.claim(name)             true if no instance holds `name` (now this
//                               one does), else the holder's id; a cancel
//                               releases the claims a document holds
//   ctx.start(workflow, vars, {business_key =, unit =})
//                               starts a child instance in the same write;
//                               returns its id
//   ctx.cancel_children(reason) cancels the documents below this one that
//                               still run, in the same write; returns how
//                               many
//   ctx.fire(id, event, payload)
//                               takes `event` on another document in the
//                               same write, as the same actor; true
//   ctx.read_instance(id)       another instance as it is now: {id,
//                               workflow, state, version, finished, unit,
//                               parent, vars}, or nil
//   ctx.find(workflow, key)     the same, of the instance of `workflow`
//                               (unique_business_key = true) holding
//                               business key `key`, or nil
//
// Everything a step took this way commits with the step or not at all, and
// is recorded in its history event. The runtime's host reads and writes
// through the step's transaction (engine/runtime/step_host_live.h);
// verification's host answers from the recorded values.
#ifndef WF_LUA_STEP_HOST_H_
#define WF_LUA_STEP_HOST_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/util/json.h"

namespace wf {

class StepHost {
 public:
  virtual ~StepHost() = default;
  // `call` is one of the names above without "ctx."; `key` its first
  // argument (cancel_children: the reason); `args` the rest ({"limit": n} for take_place;
  // {"business_key"} for find; {"vars", "business_key", "unit"} for
  // start). Returns what the script gets, as JSON: a number, true/false, a
  // holder id (claim refused), a child id, an instance object or null. An
  // error stops the step with that status.
  virtual absl::StatusOr<Json> Call(const std::string& call,
                                    const std::string& key,
                                    const Json& args) = 0;
};

}  // namespace wf

#endif  // WF_LUA_STEP_HOST_H_
