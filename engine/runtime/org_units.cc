// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/org_units.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/calendar/vn_date.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

constexpr const char* kFields[] = {"under", "depth", "kinds", "tagged", "on",
                                   "id"};

absl::Status Malformed(const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("ctx.units: ", what));
}

Json UnitJson(const org::OrgUnit& unit) {
  Json tags = Json::array();
  for (const std::string& tag : unit.tags) tags.push_back(tag);
  return Json{{"id", unit.id},
              {"name", unit.name},
              {"kind", unit.kind},
              {"parent", unit.parent_id},
              {"valid_from", calendar::FormatIsoDate(unit.valid_from)},
              {"valid_to", unit.valid_to.has_value()
                               ? calendar::FormatIsoDate(*unit.valid_to)
                               : std::string()},
              {"tags", std::move(tags)}};
}

absl::StatusOr<std::string> TextField(const Json& query, const char* field) {
  if (!query.contains(field)) return std::string();
  const Json& value = query.at(field);
  if (!value.is_string() || value.get<std::string>().empty()) {
    return Malformed(absl::StrCat("`", field, "` must be non-empty text"));
  }
  return value.get<std::string>();
}

absl::StatusOr<const org::OrgUnit*> KnownUnit(const org::OrgTree& tree,
                                              const std::string& id,
                                              const char* field) {
  const org::OrgUnit* unit = tree.Find(id);
  if (unit == nullptr) {
    return Malformed(absl::StrCat("`", field, "` names '", id,
                                  "', which is no unit of the org directory"));
  }
  return unit;
}

absl::Status CheckFields(const Json& query) {
  if (!query.is_object()) return Malformed("expects a table of named fields");
  for (const auto& [field, value] : query.items()) {
    bool known = false;
    for (const char* f : kFields) known = known || field == f;
    if (!known) {
      return Malformed(absl::StrCat("unknown field '", field,
                                    "'; known fields: ",
                                    absl::StrJoin(kFields, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::set<std::string>> Kinds(const Json& query) {
  std::set<std::string> kinds;
  if (!query.contains("kinds")) return kinds;
  Json list = query.at("kinds");
  if (list.is_string()) list = Json::array({list});
  if (!list.is_array()) return Malformed("`kinds` must be a list of kinds");
  for (const Json& kind : list) {
    if (!kind.is_string() || !org::IsUnitKind(kind.get<std::string>())) {
      return Malformed(absl::StrCat("`kinds` lists ", kind.dump(),
                                    ", which is not a unit kind (tinh, xa, "
                                    "phuong, thi_tran, huyen, co_quan, "
                                    "phong)"));
    }
    kinds.insert(kind.get<std::string>());
  }
  return kinds;
}

// The units the query ranges over before the filters, in tree order.
absl::StatusOr<std::vector<const org::OrgUnit*>> Candidates(
    const org::OrgTree& tree, const Json& query, absl::CivilDay day) {
  WF_ASSIGN_OR_RETURN(std::string under, TextField(query, "under"));
  WF_ASSIGN_OR_RETURN(std::string depth, TextField(query, "depth"));
  if (depth.empty()) depth = "children";
  if (depth != "children" && depth != "all") {
    return Malformed(absl::StrCat("`depth` is \"children\" (the default) or ",
                                  "\"all\", not \"", depth, "\""));
  }
  std::vector<const org::OrgUnit*> units;
  if (under.empty()) {
    // Every unit: each province's subtree in turn.
    for (const org::OrgUnit& unit : tree.units()) {
      if (!unit.parent_id.empty()) continue;
      for (const org::OrgUnit* u : tree.Subtree(unit.id)) units.push_back(u);
    }
    return units;
  }
  WF_RETURN_IF_ERROR(KnownUnit(tree, under, "under").status());
  if (depth == "children") return tree.ChildrenOf(under, day);
  units = tree.Subtree(under);
  units.erase(units.begin());  // the unit itself
  return units;
}

}  // namespace

absl::StatusOr<Json> QueryUnits(const org::OrgTree& tree, const Json& query) {
  WF_RETURN_IF_ERROR(CheckFields(query));
  Json answer = Json::array();
  WF_ASSIGN_OR_RETURN(std::string id, TextField(query, "id"));
  if (!id.empty()) {
    WF_ASSIGN_OR_RETURN(const org::OrgUnit* unit, KnownUnit(tree, id, "id"));
    answer.push_back(UnitJson(*unit));
    return answer;
  }
  WF_ASSIGN_OR_RETURN(std::string on, TextField(query, "on"));
  auto day = calendar::ParseDate(on);
  if (!day.ok()) {
    return Malformed(absl::StrCat("`on` must be a date such as ",
                                  "\"2026-02-10\", not \"", on, "\""));
  }
  WF_ASSIGN_OR_RETURN(std::set<std::string> kinds, Kinds(query));
  WF_ASSIGN_OR_RETURN(std::string tagged, TextField(query, "tagged"));
  WF_ASSIGN_OR_RETURN(auto units, Candidates(tree, query, *day));
  for (const org::OrgUnit* unit : units) {
    if (!org::InForce(*unit, *day)) continue;
    if (!kinds.empty() && kinds.count(unit->kind) == 0) continue;
    if (!tagged.empty() &&
        std::find(unit->tags.begin(), unit->tags.end(), tagged) ==
            unit->tags.end()) {
      continue;
    }
    answer.push_back(UnitJson(*unit));
  }
  return answer;
}

}  // namespace wf
