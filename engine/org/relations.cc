// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/relations.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/org/dates.h"
#include "engine/util/text.h"

namespace wf::org {
namespace {

constexpr absl::string_view kTaggedPrefix = "tagged:";
constexpr absl::string_view kVariablePrefix = "var:";

// "'Xã Đại Sơn' (07627)"; the bare id when the unit is unknown.
std::string NameAndId(const OrgTree& tree, absl::string_view id) {
  const OrgUnit* unit = tree.Find(id);
  if (unit == nullptr) return absl::StrCat("'", id, "'");
  return absl::StrCat("'", unit->name, "' (", unit->id, ")");
}

std::string NameAndId(const OrgUnit& unit) {
  return absl::StrCat("'", unit.name, "' (", unit.id, ")");
}

bool AtOrInside(const OrgTree& tree, absl::string_view actor_unit,
                absl::string_view unit) {
  return actor_unit == unit || tree.IsAncestorOf(unit, actor_unit);
}

// The actor's unit is a unit of the document's province carrying `tag`, or
// inside one.
bool InsideTagged(const OrgTree& tree, absl::string_view actor_unit,
                  absl::string_view document_unit, absl::string_view tag) {
  const OrgUnit* province = tree.Province(document_unit);
  if (province == nullptr) return false;
  for (const OrgUnit* tagged : tree.FindTagged(province->id, tag)) {
    if (AtOrInside(tree, actor_unit, tagged->id)) return true;
  }
  return false;
}

bool SameProvince(const OrgTree& tree, absl::string_view a,
                  absl::string_view b) {
  const OrgUnit* pa = tree.Province(a);
  return pa != nullptr && pa == tree.Province(b);
}

// "'Công an tỉnh Bắc Ninh' (bn_cong_an_tinh)", or several joined by
// "hoặc"; empty when the province has no unit with the tag.
std::string TaggedUnitsText(const OrgTree& tree, const OrgUnit& province,
                            absl::string_view tag) {
  std::vector<std::string> names;
  for (const OrgUnit* unit : tree.FindTagged(province.id, tag)) {
    names.push_back(NameAndId(*unit));
  }
  return absl::StrJoin(names, " hoặc ");
}

// The units a document's variable names, for a refusal.
std::string NamedRequirement(const OrgTree& tree, const RelationSpec& spec) {
  if (spec.units.empty()) {
    return absl::StrCat("đơn vị mà văn bản chỉ định (biến '", spec.tag,
                        "'), nhưng văn bản chưa chỉ định đơn vị nào");
  }
  std::vector<std::string> names;
  for (const std::string& id : spec.units) names.push_back(NameAndId(tree, id));
  return absl::StrCat("đơn vị mà văn bản chỉ định (biến '", spec.tag, "'): ",
                      absl::StrJoin(names, " hoặc "));
}

std::string TaggedRequirement(const OrgTree& tree, const OrgUnit& province,
                              absl::string_view tag, absl::string_view what) {
  std::string units = TaggedUnitsText(tree, province, tag);
  if (units.empty()) {
    return absl::StrCat(what, " của tỉnh ", NameAndId(province),
                        ", nhưng tỉnh chưa có đơn vị nào mang nhãn '", tag,
                        "'");
  }
  return absl::StrCat(what, " của tỉnh ", NameAndId(province), " là ", units,
                      ", hoặc một đơn vị trực thuộc");
}

// Where the role must be held, after "cần vai trò 'x' tại ".
std::string RequiredPlace(const OrgTree& tree, const OrgUnit& document,
                          const RelationSpec& spec) {
  const OrgUnit* province = tree.Province(document.id);
  switch (spec.relation) {
    case Relation::kSameUnit:
      return absl::StrCat("chính đơn vị ", NameAndId(document));
    case Relation::kParentUnit: {
      const OrgUnit* parent = tree.Parent(document.id);
      if (parent == nullptr) {
        return absl::StrCat("đơn vị cấp trên trực tiếp của ",
                            NameAndId(document),
                            ", nhưng đơn vị này không có cấp trên");
      }
      return absl::StrCat("đơn vị cấp trên trực tiếp ", NameAndId(*parent));
    }
    case Relation::kAncestorUnit: {
      std::vector<std::string> above;
      for (const OrgUnit* u = tree.Parent(document.id); u != nullptr;
           u = tree.Parent(u->id)) {
        above.push_back(NameAndId(*u));
      }
      if (above.empty()) {
        return absl::StrCat("một đơn vị cấp trên của ", NameAndId(document),
                            ", nhưng đơn vị này không có cấp trên");
      }
      return absl::StrCat("một đơn vị cấp trên của ", NameAndId(document), " (",
                          absl::StrJoin(above, ", "), ")");
    }
    case Relation::kStandingAgency:
      return TaggedRequirement(tree, *province, kTagStandingAgency,
                               "cơ quan thường trực");
    case Relation::kTaggedUnit:
      return TaggedRequirement(
          tree, *province, spec.tag,
          absl::StrCat("đơn vị mang nhãn '", spec.tag, "'"));
    case Relation::kProvince:
      return absl::StrCat("một đơn vị cấp tỉnh của tỉnh ",
                          NameAndId(*province));
    case Relation::kNamedUnits:
      return NamedRequirement(tree, spec);
  }
  return "";
}

std::string HeldText(const OrgTree& tree, const HeldRole& held) {
  std::string text =
      absl::StrCat("'", held.role, "' tại ", NameAndId(tree, held.unit_id));
  if (!held.acting_for.empty()) {
    absl::StrAppend(&text, " (thừa ủy quyền của '", held.acting_for, "')");
  }
  return text;
}

std::string DeniedMessage(const OrgTree& tree, const Person& person,
                          absl::CivilDay day, const OrgUnit& document,
                          absl::Span<const PermissionRule> rules,
                          const std::vector<HeldRole>& held) {
  std::string text =
      absl::StrCat("'", person.name, "' (", person.id,
                   ") không có quyền thao tác trên văn bản của đơn vị ",
                   NameAndId(document), " ngày ", FormatDay(day), ": ");
  if (rules.empty()) {
    absl::StrAppend(&text, "bước này không có quy tắc nào cho phép");
  } else if (rules.size() == 1) {
    absl::StrAppend(&text, DescribeRequirement(tree, document.id, rules[0]));
  } else {
    std::vector<std::string> needs;
    for (const PermissionRule& rule : rules) {
      needs.push_back(DescribeRequirement(tree, document.id, rule));
    }
    absl::StrAppend(&text, "cần một trong các điều kiện sau: ",
                    absl::StrJoin(needs, "; hoặc "));
  }
  if (held.empty()) {
    absl::StrAppend(&text, ". Ngày này người này không giữ vai trò nào.");
    return text;
  }
  std::vector<std::string> roles;
  for (const HeldRole& h : held) roles.push_back(HeldText(tree, h));
  absl::StrAppend(
      &text, ". Vai trò đang giữ ngày này: ", absl::StrJoin(roles, "; "), ".");
  return text;
}

}  // namespace

absl::StatusOr<RelationSpec> ParseRelation(absl::string_view text) {
  if (text == "same_unit") return RelationSpec{Relation::kSameUnit, "", {}};
  if (text == "parent") return RelationSpec{Relation::kParentUnit, "", {}};
  if (text == "ancestor") return RelationSpec{Relation::kAncestorUnit, "", {}};
  if (text == "standing_agency") {
    return RelationSpec{Relation::kStandingAgency, "", {}};
  }
  if (text == "province") return RelationSpec{Relation::kProvince, "", {}};
  if (absl::StartsWith(text, kTaggedPrefix)) {
    absl::string_view tag = text.substr(kTaggedPrefix.size());
    if (IsIdentifier(tag)) {
      return RelationSpec{Relation::kTaggedUnit, std::string(tag), {}};
    }
    return absl::InvalidArgumentError(
        absl::StrCat("quan hệ '", text, "': nhãn '", tag, "' không hợp lệ, ",
                     "cần dạng [a-z][a-z0-9_]*"));
  }
  if (absl::StartsWith(text, kVariablePrefix)) {
    absl::string_view name = text.substr(kVariablePrefix.size());
    if (IsIdentifier(name)) {
      return RelationSpec{Relation::kNamedUnits, std::string(name), {}};
    }
    return absl::InvalidArgumentError(
        absl::StrCat("quan hệ '", text, "': tên biến '", name,
                     "' không hợp lệ, cần dạng [a-z][a-z0-9_]*"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "quan hệ '", text, "' không hợp lệ: dùng same_unit, parent, ancestor, ",
      "standing_agency, tagged:<nhãn>, province hoặc var:<tên biến>"));
}

std::string RelationText(const RelationSpec& spec) {
  switch (spec.relation) {
    case Relation::kSameUnit:
      return "same_unit";
    case Relation::kParentUnit:
      return "parent";
    case Relation::kAncestorUnit:
      return "ancestor";
    case Relation::kStandingAgency:
      return "standing_agency";
    case Relation::kTaggedUnit:
      return absl::StrCat(kTaggedPrefix, spec.tag);
    case Relation::kProvince:
      return "province";
    case Relation::kNamedUnits:
      return absl::StrCat(kVariablePrefix, spec.tag);
  }
  return "";
}

bool Holds(const OrgTree& tree, absl::string_view actor_unit,
           absl::string_view document_unit, const RelationSpec& spec) {
  if (tree.Find(actor_unit) == nullptr || tree.Find(document_unit) == nullptr) {
    return false;
  }
  switch (spec.relation) {
    case Relation::kSameUnit:
      return actor_unit == document_unit;
    case Relation::kParentUnit: {
      const OrgUnit* parent = tree.Parent(document_unit);
      return parent != nullptr && parent->id == actor_unit;
    }
    case Relation::kAncestorUnit:
      return tree.IsAncestorOf(actor_unit, document_unit);
    case Relation::kStandingAgency:
      return InsideTagged(tree, actor_unit, document_unit, kTagStandingAgency);
    case Relation::kTaggedUnit:
      return InsideTagged(tree, actor_unit, document_unit, spec.tag);
    case Relation::kProvince:
      return tree.AtProvinceLevel(actor_unit) &&
             SameProvince(tree, actor_unit, document_unit);
    case Relation::kNamedUnits:
      for (const std::string& unit : spec.units) {
        if (actor_unit == unit) return true;
      }
      return false;
  }
  return false;
}

std::string DescribeRequirement(const OrgTree& tree,
                                absl::string_view document_unit,
                                const PermissionRule& rule) {
  const OrgUnit* document = tree.Find(document_unit);
  std::string place =
      document == nullptr
          ? absl::StrCat("đơn vị liên quan tới '", document_unit,
                         "' (không có trong cây tổ chức)")
          : RequiredPlace(tree, *document, rule.relation);
  return absl::StrCat("cần vai trò '", rule.role, "' tại ", place);
}

std::optional<Grant> FindGrant(const OrgTree& tree,
                               absl::Span<const HeldRole> held,
                               absl::string_view document_unit,
                               absl::Span<const PermissionRule> rules) {
  for (const HeldRole& h : held) {
    for (const PermissionRule& rule : rules) {
      if (h.role == rule.role &&
          Holds(tree, h.unit_id, document_unit, rule.relation)) {
        return Grant{h.role, h.unit_id, h.acting_for};
      }
    }
  }
  return std::nullopt;
}

absl::StatusOr<Grant> CheckPermission(const OrgTree& tree,
                                      const Directory& directory,
                                      absl::string_view person_id,
                                      absl::CivilDay day,
                                      absl::string_view document_unit,
                                      absl::Span<const PermissionRule> rules) {
  const Person* person = directory.FindPerson(person_id);
  if (person == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("không có người '", person_id, "' trong danh bạ"));
  }
  const OrgUnit* document = tree.Find(document_unit);
  if (document == nullptr) {
    return absl::NotFoundError(absl::StrCat("không có đơn vị '", document_unit,
                                            "' trong cây tổ chức"));
  }
  std::vector<HeldRole> held = directory.RolesOn(person_id, day);
  if (std::optional<Grant> grant = FindGrant(tree, held, document_unit, rules)) {
    return *std::move(grant);
  }
  return absl::PermissionDeniedError(
      DeniedMessage(tree, *person, day, *document, rules, held));
}

}  // namespace wf::org
