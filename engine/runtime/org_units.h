// Copyright the wf-engine authors. Apache-2.0.
//
// ctx.units{...}: the org units in force on a day, as a script asks for
// them (docs/lua.md "Org units"):
//
//   ctx.units{ under = "bac_ninh", kinds = {"xa", "phuong"} }
//   ctx.units{ under = "huyen_yd", depth = "all", on = "2025-06-30" }
//   ctx.units{ id = "07627" }   -- that unit, whatever the day
//
// Pure: a query of the directory snapshot the step runs on. The answer is
// recorded in the step's history event like ctx.read_instance, and replay
// answers from the record.
#ifndef WF_RUNTIME_ORG_UNITS_H_
#define WF_RUNTIME_ORG_UNITS_H_

#include "absl/status/statusor.h"
#include "engine/org/org_tree.h"
#include "engine/util/json.h"

namespace wf {

// `query`: {under, depth ("children" | "all"), kinds = [...], tagged, on
// ("YYYY-MM-DD"), id}; `on` is required unless `id` is given. Returns an
// array of {id, name, kind, parent, valid_from, valid_to, tags} in tree
// order (parents before children, siblings as imported). INVALID_ARGUMENT
// naming the field for a malformed query or a unit the tree does not have.
absl::StatusOr<Json> QueryUnits(const org::OrgTree& tree, const Json& query);

}  // namespace wf

#endif  // WF_RUNTIME_ORG_UNITS_H_
