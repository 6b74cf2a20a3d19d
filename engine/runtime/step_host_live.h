// Copyright the wf-engine authors. Apache-2.0.
//
// The runtime's side of ctx.take_number and the other shared-record
// functions (engine/lua/step_host.h). A SharedTake is one step's dealings
// with shared records: what it read (and the versions it read them at),
// what it took, which children it asked for. Every instance the step writes
// (the instance itself, each child started) has a LiveHost over the same
// SharedTake, so that two numbers taken in one step from one register are
// two numbers. Finish() turns it into the conditions and writes of the
// step's transaction (engine/store/txn.h).
#ifndef WF_RUNTIME_STEP_HOST_LIVE_H_
#define WF_RUNTIME_STEP_HOST_LIVE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/auth/directory_store.h"
#include "engine/lua/step_host.h"
#include "engine/store/records.pb.h"
#include "engine/store/txn.h"
#include "wf/options.h"

namespace wf {

// A child instance the step starts (ctx.start).
struct ChildRequest {
  std::string id;  // allocated when asked for
  std::string workflow;
  Json vars;
  std::string business_key;
  std::string unit;  // "" : the parent's
};

// The documents below `root` that still run (its children, theirs, ...),
// parents first: a cancel takes them with it. Finished documents are walked
// through (a district's plan accepted while its communes' plans still run).
// `read` gives a record, or nullopt for one gone. RESOURCE_EXHAUSTED
// BUDGET_EXCEEDED past `limit` documents walked.
using ChildIdsFn =
    std::function<absl::StatusOr<std::vector<std::string>>(const std::string&)>;
absl::StatusOr<std::vector<store::InstanceRecord>> RunningBelow(
    const std::string& root, size_t limit, const ChildIdsFn& child_ids,
    const std::function<absl::StatusOr<std::optional<store::InstanceRecord>>(
        const std::string&)>& read);

// An event ctx.fire asked for on another document, taken with the step.
struct FireAsked {
  std::string instance_id;
  std::string event;
  Json payload;
};

// What ctx.cancel_children asked: the documents to cancel with the step.
struct CancelBelow {
  std::string reason;
  std::vector<store::InstanceRecord> running;
};

class SharedTake {
 public:
  // The ids of a parent's children, in the order started (a scan of the
  // committed child index: TxnStore has no scans).
  using ChildIds = ChildIdsFn;

  SharedTake(const TxnStore* store, std::function<std::string()> new_id,
             const Limits& limits, ChildIds child_ids = nullptr)
      : store_(store), new_id_(std::move(new_id)), limits_(limits),
        child_ids_(std::move(child_ids)) {}

  absl::StatusOr<int64_t> TakeNumber(const std::string& name);
  // The next number of `register_key` in `year` (NĐ 30: the series restarts
  // each year), through the same gapless counter as TakeNumber.
  absl::StatusOr<int64_t> TakeRegisterNumber(const std::string& register_key,
                                             int year);
  // ctx.children(): {total, by_state, late, list = [{id, unit, state,
  // finished, late}]}, each child read as read_instance reads it (the step
  // holds only if none of them moved).
  absl::StatusOr<Json> Children(const std::string& parent);
  // The quota's count as read now (for the record) and whether a place is
  // left after the ones this step took already.
  absl::StatusOr<bool> TakePlace(const std::string& name, int64_t limit,
                                 int64_t* seen);
  // ctx.give_place(quota): one place of the quota back (a nominee declined
  // or withdrawn), taking effect with the step. FAILED_PRECONDITION when
  // the quota has no place taken to give back.
  absl::Status GivePlace(const std::string& name);
  // "" when `holder` now holds the claim, else the instance holding it.
  absl::StatusOr<std::string> Claim(const std::string& name,
                                    const std::string& holder);
  // ctx.release(name): frees the claim if `holder` holds it (claimed in an
  // earlier step or in this one), with the step; true if it did, false if
  // `holder` did not hold it (nothing is written then).
  absl::StatusOr<bool> Release(const std::string& name,
                               const std::string& holder);
  absl::StatusOr<Json> Instance(const std::string& id);
  // ctx.find(workflow, business_key): the instance of `workflow` holding
  // that unique business key (`unique_business_key = true`), as Instance
  // reads it, or null. The key's claim is read with its version: a start
  // that takes it meanwhile makes the step run again.
  absl::StatusOr<Json> Find(const std::string& workflow,
                            const std::string& business_key);
  absl::StatusOr<std::string> StartChild(ChildRequest child);
  // ctx.cancel_children(reason): the documents below `parent` that still
  // run, each read as read_instance reads it, to cancel with the step.
  // Returns how many. Once per step.
  absl::StatusOr<int64_t> CancelChildren(const std::string& parent,
                                         std::string reason);
  const std::optional<CancelBelow>& cancel_below() const {
    return cancel_below_;
  }
  // ctx.fire(id, event, payload) from the step of `own_id`: noted, to be
  // taken in the step's write. Refused for the step's own document, a
  // document fired already in the step, and beside ctx.cancel_children.
  absl::Status Fire(FireAsked request, const std::string& own_id);
  const std::vector<FireAsked>& fires() const { return fires_; }
  // ctx.units{...} (org_units.h) on the directory the step runs on.
  absl::StatusOr<Json> Units(const Json& query) const;
  // The directory snapshot of the step; not owned, outlives the take.
  void set_directory(const DirectorySnapshot* directory) {
    directory_ = directory;
  }

  // The first child of this step to claim unique `key` (a business key):
  // "" when `id` is the first (and is now recorded as such).
  std::string FirstInStep(const std::string& key, const std::string& id);
  // Counts one call of a step's scripts; RESOURCE_EXHAUSTED past
  // Limits::max_host_calls_per_step.
  absl::Status CountCall();
  std::vector<ChildRequest>& children() { return children_; }
  // The conditions and writes of everything taken.
  Txn Finish();

 private:
  struct Counter {
    uint64_t read_version = 0;
    int64_t count = 0;  // after this step's takes
  };
  struct Places {
    int64_t limit = INT64_MAX;  // the smallest limit asked with
    int64_t taken = 0;          // by this step
    int64_t given = 0;          // given back by this step
  };
  absl::StatusOr<store::SharedRecord> ReadShared(const std::string& key,
                                                 uint64_t* version) const;
  absl::StatusOr<int64_t> TakeCounter(const std::string& key);
  // An instance record as read now (nullopt: absent), its version noted as
  // a condition of the step.
  absl::StatusOr<std::optional<store::InstanceRecord>> ReadInstance(
      const std::string& id);

  const TxnStore* const store_;
  const std::function<std::string()> new_id_;
  const Limits limits_;
  const ChildIds child_ids_;
  const DirectorySnapshot* directory_ = nullptr;
  Txn txn_;  // conditions gathered so far (reads of instances, claims)
  std::map<std::string, Counter> numbers_;
  std::map<std::string, Places> places_;
  struct NewClaim {
    std::string holder;         // "": released by this step
    uint64_t read_version = 0;  // 0: never claimed; more: released since
  };
  std::map<std::string, NewClaim> claims_;  // by key
  std::vector<ChildRequest> children_;
  std::optional<CancelBelow> cancel_below_;
  std::vector<FireAsked> fires_;
  std::map<std::string, std::string> first_in_step_;
  size_t calls_ = 0;
};

// One instance's host in a step: records what its script took.
class LiveHost : public StepHost {
 public:
  // `may_start`: false for a child's own start function (children start
  // their children in their own steps).
  LiveHost(SharedTake* take, std::string instance_id, bool may_start)
      : take_(take), instance_id_(std::move(instance_id)),
        may_start_(may_start) {}


  absl::StatusOr<Json> Call(const std::string& call, const std::string& key,
                            const Json& args) override;

  // In the order the script asked.
  std::vector<store::ExternalValue> TakeExternals() {
    return std::move(externals_);
  }
  // The first error a call returned: the status the step ends with, rather
  // than the script error it raised.
  const absl::Status& error() const { return error_; }

 private:
  absl::StatusOr<Json> Dispatch(const std::string& call,
                                const std::string& key, const Json& args,
                                Json* detail);
  // ctx.cancel_children(reason): the reason checked as CancelInstance's.
  absl::StatusOr<Json> CancelChildren(const std::string& reason);

  SharedTake* const take_;
  const std::string instance_id_;
  const bool may_start_;
  std::vector<store::ExternalValue> externals_;
  absl::Status error_;
};

// Checks a name given to take_number, take_place or claim.
absl::Status CheckSharedName(const std::string& call, const std::string& name);

}  // namespace wf

#endif  // WF_RUNTIME_STEP_HOST_LIVE_H_
