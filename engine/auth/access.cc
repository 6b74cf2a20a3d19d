// Copyright the wf-engine authors. Apache-2.0.
#include "engine/auth/access.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/calendar/vn_date.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"

namespace wf::access {
namespace {

// Rules with role "*" become one rule per role the person holds that day,
// in the unit the role is held.
std::vector<org::PermissionRule> Expand(
    absl::Span<const org::HeldRole> held,
    const std::vector<org::PermissionRule>& rules) {
  std::vector<org::PermissionRule> expanded;
  for (const org::PermissionRule& rule : rules) {
    if (rule.role != "*") {
      expanded.push_back(rule);
      continue;
    }
    std::set<std::string> roles;
    for (const org::HeldRole& h : held) roles.insert(h.role);
    for (const std::string& role : roles) {
      expanded.push_back({role, rule.relation});
    }
  }
  return expanded;
}

// The units whose roles stand in `spec` to `document`: exactly the units
// for which org::Holds is true, found from the tree's structure rather
// than by asking Holds of every unit of the province (a tagged relation
// would cost units x tagged units x depth on every step).
std::vector<std::string> Holders(const org::OrgTree& tree,
                                 const std::string& document,
                                 const org::RelationSpec& spec) {
  std::vector<std::string> units;
  const org::OrgUnit* province = tree.Province(document);
  if (province == nullptr) return units;
  switch (spec.relation) {
    case org::Relation::kSameUnit:
      units.push_back(document);
      break;
    case org::Relation::kParentUnit:
      if (const org::OrgUnit* parent = tree.Parent(document)) {
        units.push_back(parent->id);
      }
      break;
    case org::Relation::kAncestorUnit:
      for (const org::OrgUnit* u = tree.Parent(document); u != nullptr;
           u = tree.Parent(u->id)) {
        units.push_back(u->id);
      }
      break;
    case org::Relation::kStandingAgency:
    case org::Relation::kTaggedUnit: {
      const std::string tag = spec.relation == org::Relation::kTaggedUnit
                                  ? spec.tag
                                  : std::string(org::kTagStandingAgency);
      for (const org::OrgUnit* tagged : tree.FindTagged(province->id, tag)) {
        for (const org::OrgUnit* u : tree.Subtree(tagged->id)) {
          units.push_back(u->id);
        }
      }
      break;
    }
    case org::Relation::kProvince:
      for (const org::OrgUnit* u : tree.Subtree(province->id)) {
        if (tree.AtProvinceLevel(u->id)) units.push_back(u->id);
      }
      break;
    case org::Relation::kNamedUnits:
      for (const std::string& named : spec.units) {
        if (tree.Find(named) != nullptr) units.push_back(named);
      }
      break;
  }
  return units;
}

// The unit ids `value` names: one id, or a list of them.
std::vector<std::string> NamedUnits(const Json* value) {
  std::vector<std::string> units;
  if (value == nullptr) return units;
  if (value->is_string()) {
    units.push_back(value->get<std::string>());
  } else if (value->is_array()) {
    for (const Json& item : *value) {
      if (item.is_string()) units.push_back(item.get<std::string>());
    }
  }
  return units;
}

// PERMISSION_DENIED, ROLE_REQUIRED: the roles any one of which would do,
// how their unit must relate to the document's, in English; the org
// library's Vietnamese explanation (who holds what) for the official.
absl::Status RoleRequired(const std::string& person, absl::CivilDay day,
                          const std::string& unit,
                          const std::vector<org::PermissionRule>& rules,
                          absl::string_view vietnamese) {
  std::vector<std::string> roles, relations, needs;
  for (const org::PermissionRule& rule : rules) {
    roles.push_back(rule.role);
    relations.push_back(org::RelationText(rule.relation));
    needs.push_back(absl::StrCat("role '", rule.role, "' (",
                                 relations.back(), ")"));
  }
  const std::string date = absl::FormatCivilTime(day);
  return Refusal(absl::PermissionDeniedError(absl::StrCat(
                     "Expected '", person, "' to hold, on ", date,
                     ", one of: ",
                     needs.empty() ? "(no rule allows this step)"
                                   : absl::StrJoin(needs, ", "),
                     " for a document of unit '", unit,
                     "', but they hold none of these")),
                 reason::kRoleRequired)
      .With("person", person)
      .With("unit", unit)
      .With("role", absl::StrJoin(roles, ","))
      .With("relation", absl::StrJoin(relations, ","))
      .With("date", date)
      .Vietnamese(vietnamese);
}

}  // namespace

const CompiledWho& Resolve(const CompiledWho& who, const Json* vars,
                           CompiledWho* resolved) {
  if (!who.names_units) return who;
  *resolved = who;
  for (org::PermissionRule& rule : resolved->rules) {
    if (rule.relation.relation != org::Relation::kNamedUnits) continue;
    const Json* value = nullptr;
    if (vars != nullptr && vars->is_object()) {
      auto it = vars->find(rule.relation.tag);
      if (it != vars->end()) value = &*it;
    }
    rule.relation.units = NamedUnits(value);
  }
  return *resolved;
}

absl::StatusOr<org::Grant> MayAct(const DirectorySnapshot& d,
                                  const std::string& person, absl::CivilDay day,
                                  const std::string& unit,
                                  const CompiledWho& who) {
  if (who.system_only) {
    return Refusal(absl::PermissionDeniedError(
                       "Expected the engine's timers to take this step (who "
                       "= \"system\"), but a person asked: no one may take "
                       "it in their place"),
                   reason::kSystemOnly)
        .With("person", person)
        .Vietnamese("Bước này chỉ do hệ thống thực hiện khi đến hạn; không "
                    "ai được thực hiện thay.");
  }
  std::vector<org::PermissionRule> rules =
      Expand(d.directory.RolesOn(person, day), who.rules);
  auto grant = org::CheckPermission(d.tree, d.directory, person, day, unit,
                                    rules);
  if (grant.ok()) return grant;
  if (rules.empty() && grant.status().code() != absl::StatusCode::kNotFound) {
    // Only "*" rules, and the person holds no role that day.
    return RoleRequired(person, day, unit, who.rules,
                        absl::StrCat("Người dùng '", person,
                                     "' không giữ vai trò nào vào ngày này, "
                                     "nên không thể thực hiện bước này."));
  }
  // An unknown person or unit is a refusal too, not a missing resource.
  return RoleRequired(person, day, unit, rules, grant.status().message());
}

std::optional<org::Grant> GrantFor(const DirectorySnapshot& d,
                                   absl::Span<const org::HeldRole> held,
                                   const std::string& unit,
                                   const CompiledWho& who) {
  if (who.system_only) return std::nullopt;
  return org::FindGrant(d.tree, held, unit, Expand(held, who.rules));
}

namespace {

// True if the document is in `slot`'s inbox, or was, or a holder of the
// slot took a step on it (InstanceRecord.reader_slots).
bool WasAsked(const store::InstanceRecord& instance, const std::string& slot) {
  for (const std::string& key : instance.inbox_keys()) {
    if (absl::StartsWith(key, slot)) return true;
  }
  const auto& past = instance.reader_slots();
  return std::binary_search(past.begin(), past.end(), slot);
}

}  // namespace

bool MayRead(const DirectorySnapshot& d, const std::string& person,
             absl::CivilDay day, const store::InstanceRecord& instance) {
  const std::string& unit = instance.unit_id();
  const org::OrgUnit* province = d.tree.Province(unit);
  org::RelationSpec standing{org::Relation::kStandingAgency, "", {}};
  for (const org::HeldRole& held : d.directory.RolesOn(person, day)) {
    const std::string& mine = held.unit_id;
    if (mine == unit || d.tree.IsAncestorOf(mine, unit)) return true;
    if (province != nullptr && mine == province->id) return true;
    if (org::Holds(d.tree, mine, unit, standing)) return true;
    if (WasAsked(instance, SlotPrefix(mine, held.role)) ||
        WasAsked(instance, SlotPrefix(mine, "*"))) {
      return true;
    }
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> Slots(
    const DirectorySnapshot& d, const std::vector<const CompiledWho*>& steps,
    const std::string& unit, const Json* vars) {
  std::set<std::pair<std::string, std::string>> slots;
  if (d.tree.Find(unit) == nullptr) return {};
  for (const CompiledWho* step : steps) {
    CompiledWho resolved;
    const CompiledWho* who = &Resolve(*step, vars, &resolved);
    if (who->system_only) continue;
    for (const org::PermissionRule& rule : who->rules) {
      for (std::string& holder : Holders(d.tree, unit, rule.relation)) {
        slots.emplace(std::move(holder), rule.role);
      }
    }
  }
  return {slots.begin(), slots.end()};
}

std::string SlotPrefix(const std::string& unit, const std::string& role) {
  return keys::InboxSlot(unit, role);
}

}  // namespace wf::access
