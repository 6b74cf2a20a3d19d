// Copyright the wf-engine authors. Apache-2.0.
//
// How the unit of the person acting must relate to the unit of the
// document, and the permission check built on it.
//
// A workflow declares, for a step, rules such as {role "chu_tich",
// relation "same_unit"} (the commune's chairman approves his own commune's
// plan) or {role "chuyen_vien", relation "standing_agency"} (an officer of
// Công an tỉnh or of its Phòng Tham mưu receives any unit's plan). On every
// step the engine asks CheckPermission, which either names the role, unit
// and principal the person acts in, or says in Vietnamese what is needed:
//
//   absl::StatusOr<Grant> grant = CheckPermission(
//       tree, directory, "nguyen.van.a", absl::CivilDay(2026, 1, 16), "07627",
//       {PermissionRule{"chu_tich", *ParseRelation("same_unit")}});
//   // grant->unit_id == "07627", or PERMISSION_DENIED:
//   // "... cần vai trò 'chu_tich' tại chính đơn vị 'Xã Đại Sơn' (07627) ..."
//
// Relations look at the tree only, not at dates: the date enters through
// the roles the person holds that day (Directory::RolesOn), and a document
// keeps its unit after the unit ceased.
#ifndef ENGINE_ORG_RELATIONS_H_
#define ENGINE_ORG_RELATIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "engine/org/org_tree.h"
#include "engine/org/people.h"

namespace wf::org {

// Text forms in brackets, as ParseRelation reads them.
enum class Relation {
  kSameUnit,        // "same_unit": the actor's unit is the document's unit
  kParentUnit,      // "parent": the actor's unit is its direct parent
  kAncestorUnit,    // "ancestor": the actor's unit is strictly above it
  kStandingAgency,  // "standing_agency": the actor's unit is the unit of the
                    // document's province tagged co_quan_thuong_truc, or
                    // inside it (Phòng Tham mưu)
  kTaggedUnit,      // "tagged:<tag>": the actor's unit is a unit of the
                    // document's province carrying <tag>, or inside one
  kProvince,        // "province": the actor's unit is at province level
                    // (OrgTree::AtProvinceLevel) in the document's province
  kNamedUnits,      // "var:<name>": the actor's unit is one of the units
                    // the document's variable <name> names (a unit id or
                    // a list of them) — the receiver of a report and its
                    // departments, as the workflow lists them. Exactly
                    // those: naming a district does not name its
                    // communes. The access layer fills `units` from the
                    // document's variables (access::Resolve); unfilled,
                    // it holds for no one.
};

struct RelationSpec {
  Relation relation = Relation::kSameUnit;
  std::string tag;  // kTaggedUnit: the tag; kNamedUnits: the variable
  std::vector<std::string> units;  // kNamedUnits: the units it names
};

// Reads "same_unit", "parent", "ancestor", "standing_agency",
// "tagged:so_noi_vu", "province", "var:noi_nhan_ids". INVALID_ARGUMENT, in Vietnamese, for
// anything else (a tag must be an identifier).
absl::StatusOr<RelationSpec> ParseRelation(absl::string_view text);

// The text form: ParseRelation(RelationText(spec)) gives spec back.
std::string RelationText(const RelationSpec& spec);

// Whether the unit `actor_unit` relates to `document_unit` as `spec` says.
// False when either unit is unknown.
bool Holds(const OrgTree& tree, absl::string_view actor_unit,
           absl::string_view document_unit, const RelationSpec& spec);

// "A person holding `role` in a unit related to the document's unit by
// `relation` may take the step."
struct PermissionRule {
  std::string role;
  RelationSpec relation;
};

// In which capacity a person may act.
struct Grant {
  std::string role;
  std::string unit_id;
  std::string acting_for;  // the principal's person id when delegated
};

// The first way `held` (a person's roles on a day, RolesOn's order) allows
// a step on a document of `document_unit` under `rules`, or nothing: the
// test CheckPermission makes, without explaining a refusal (lists ask it of
// every item).
std::optional<Grant> FindGrant(const OrgTree& tree,
                               absl::Span<const HeldRole> held,
                               absl::string_view document_unit,
                               absl::Span<const PermissionRule> rules);

// Whether `person_id` may act on `day` on a document of `document_unit`
// under any of `rules`. Among several ways, the person's own roles come
// before delegated ones, then the order of RolesOn, then of `rules`.
// NOT_FOUND for an unknown person or document unit. PERMISSION_DENIED
// otherwise, in Vietnamese: who, which document unit, the day, what each
// rule needs (role, unit names and ids) and the roles the person holds that
// day.
absl::StatusOr<Grant> CheckPermission(const OrgTree& tree,
                                      const Directory& directory,
                                      absl::string_view person_id,
                                      absl::CivilDay day,
                                      absl::string_view document_unit,
                                      absl::Span<const PermissionRule> rules);

// What a rule needs for a document of `document_unit`, in Vietnamese:
// "cần vai trò 'chu_tich' tại chính đơn vị 'Xã Đại Sơn' (07627)".
std::string DescribeRequirement(const OrgTree& tree,
                                absl::string_view document_unit,
                                const PermissionRule& rule);

}  // namespace wf::org

#endif  // ENGINE_ORG_RELATIONS_H_
