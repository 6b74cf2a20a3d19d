// Copyright the wf-engine authors. Apache-2.0.
//
// The org tree: provinces, their communes (and, before 01/07/2025, their
// districts), member agencies and the departments inside them, each unit with
// the days it is in force.
//
//   bac_ninh               Bắc Ninh (tinh)
//   ├── 07627              Xã Đại Sơn (xa)
//   ├── bn_cong_an_tinh    Công an tỉnh (co_quan), co_quan_thuong_truc
//   │   └── bn_phong_tham_muu   Phòng Tham mưu (phong)
//   └── bn_so_noi_vu       Sở Nội vụ (co_quan), so_noi_vu
//
// Example:
//   absl::StatusOr<OrgTree> tree = OrgTree::Build(std::move(units));
//   if (!tree.ok()) return tree.status();  // INVALID_ARGUMENT, names the unit
//   const OrgUnit* province = tree->Province("07627");      // bac_ninh
//   bool in_force = tree->ActiveOn("07627", absl::CivilDay(2025, 7, 1));
//
// A unit is never removed. After its valid_to it still exists, because the
// documents created under it keep it; ActiveOn() just answers false.
// docs/org.md explains all of this for administrators.
#ifndef ENGINE_ORG_ORG_TREE_H_
#define ENGINE_ORG_ORG_TREE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace wf::org {

// Unit kinds.
inline constexpr char kKindTinh[] = "tinh";      // province
inline constexpr char kKindHuyen[] = "huyen";    // district, until 30/06/2025
inline constexpr char kKindXa[] = "xa";          // commune
inline constexpr char kKindPhuong[] = "phuong";  // ward
inline constexpr char kKindThiTran[] = "thi_tran";  // township, in a district
inline constexpr char kKindCoQuan[] = "co_quan";  // sở, ban, ngành, MTTQ...
inline constexpr char kKindPhong[] = "phong";     // a department inside one

// Tags with a meaning to the engine. Other identifiers may be used as tags
// too; these two may be carried by at most one unit per province.
inline constexpr char kTagStandingAgency[] = "co_quan_thuong_truc";
inline constexpr char kTagSoNoiVu[] = "so_noi_vu";
inline constexpr char kTagVanThu[] = "van_thu";

// The last day a district may be in force: the district level ended on
// 01/07/2025.
inline constexpr absl::CivilDay kLastDistrictDay{2025, 6, 30};

bool IsUnitKind(absl::string_view kind);

// xa, phuong, thi_tran: the units that carry an official 5-digit code.
bool IsCommuneKind(absl::string_view kind);

// An id is an official 5-digit commune code ("07627") or a lower-case ASCII
// identifier, [a-z][a-z0-9_]*, at most 64 bytes ("bn_cong_an_tinh").
bool IsUnitId(absl::string_view id);

struct OrgUnit {
  std::string id;
  std::string name;       // UTF-8, NFC: "Xã Đại Sơn"
  std::string kind;       // one of the kinds above
  std::string parent_id;  // empty for a province, and only for a province
  std::vector<std::string> tags;
  absl::CivilDay valid_from;               // first day in force
  std::optional<absl::CivilDay> valid_to;  // last day in force; empty: open

  friend bool operator==(const OrgUnit& a, const OrgUnit& b);
  friend bool operator!=(const OrgUnit& a, const OrgUnit& b) {
    return !(a == b);
  }
};

// Whether the unit is in force on `day` (valid_from <= day <= valid_to).
bool InForce(const OrgUnit& unit, absl::CivilDay day);

// One thing wrong in a list of units or role assignments: the entry to
// blame and the reason, in Vietnamese with ids. When the reason involves a
// second entry (the first of two duplicates), `other` is its index and the
// reason holds the marker "$other" where it is to be named.
struct Problem {
  size_t index = 0;
  std::string reason;
  std::optional<size_t> other;
};

// "<where(index)>: <reason>", with "$other" replaced by where(*other).
// Importers name entries by line ("dòng 17"), Build by position.
std::string DescribeProblem(const Problem& problem,
                            absl::FunctionRef<std::string(size_t)> where);

// The first problem in `units`, or nothing when OrgTree::Build would accept
// them. Checks, in this order: each unit's own fields (id, name in NFC,
// kind, dates, tags) and duplicate ids; each parent (exists, of a kind that
// may hold the child, in force whenever the child is); cycles; at most one
// unit per province tagged co_quan_thuong_truc, and one tagged so_noi_vu.
std::optional<Problem> FindUnitProblem(const std::vector<OrgUnit>& units);

// An immutable tree of units. Safe to read from many threads. Queries take
// ids; an unknown id gives nullptr, false or an empty list. Returned
// pointers live as long as the tree.
class OrgTree {
 public:
  OrgTree() = default;  // empty

  // INVALID_ARGUMENT naming the unit and the reason, in Vietnamese, when
  // FindUnitProblem finds one: "đơn vị thứ 3 ('07627'): ...".
  static absl::StatusOr<OrgTree> Build(std::vector<OrgUnit> units);

  const OrgUnit* Find(absl::string_view id) const;

  // The direct parent; nullptr for a province.
  const OrgUnit* Parent(absl::string_view id) const;

  // Whether `ancestor` is strictly above `unit` (a unit is not its own
  // ancestor). Validity dates play no part.
  bool IsAncestorOf(absl::string_view ancestor, absl::string_view unit) const;

  // The province (kind tinh) the unit belongs to; a province is its own.
  const OrgUnit* Province(absl::string_view id) const;

  // Whether the unit is at province level: the province itself, or a unit
  // whose path up to the province crosses no district or commune (a sở, a
  // phòng inside Công an tỉnh), whatever the dates.
  bool AtProvinceLevel(absl::string_view id) const;

  // The unit and everything below it, parents before children, siblings in
  // input order, whatever the dates.
  std::vector<const OrgUnit*> Subtree(absl::string_view id) const;

  bool ActiveOn(absl::string_view id, absl::CivilDay day) const;

  // The units of the province tagged `tag`, in input order, whatever the
  // dates. FindTagged("bac_ninh", kTagStandingAgency) gives Công an tỉnh.
  std::vector<const OrgUnit*> FindTagged(absl::string_view province_id,
                                         absl::string_view tag) const;

  // The direct children in force on `day`, in input order.
  std::vector<const OrgUnit*> ChildrenOf(absl::string_view id,
                                         absl::CivilDay day) const;

  // Every unit, in the order given to Build.
  const std::vector<OrgUnit>& units() const { return units_; }

 private:
  int IndexOf(absl::string_view id) const;  // -1 when unknown

  std::vector<OrgUnit> units_;
  absl::flat_hash_map<std::string, int> index_;
  std::vector<int> parent_;    // -1 for a province
  std::vector<int> province_;  // the tinh at or above each unit
  std::vector<std::vector<int>> children_;
  // (province, tag) -> the units of the province with the tag.
  absl::flat_hash_map<std::pair<int, std::string>, std::vector<int>> tagged_;
};

}  // namespace wf::org

#endif  // ENGINE_ORG_ORG_TREE_H_
