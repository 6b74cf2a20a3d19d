// Copyright the wf-engine authors. Apache-2.0.
//
// Importing org units and people from CSV files (docs/org.md has the
// formats with examples). Every import is all-or-nothing: either every
// record is valid and everything is returned, or INVALID_ARGUMENT says, in
// Vietnamese, the line and the reason, and nothing is returned:
//
//   "dòng 17: mã đơn vị '07627' bị trùng với dòng 3"
//
// Every text is checked to be UTF-8 and normalised to NFC, so a name typed
// in decomposed form (NFD) comes out as the same bytes as the official list.
//
// Example: the Bắc Ninh tree from 01/07/2025.
//   OrgUnit province{"bac_ninh", "Bắc Ninh", "tinh", "", {},
//                    absl::CivilDay(2025, 7, 1), std::nullopt};
//   WF_ASSIGN_OR_RETURN(std::vector<OrgUnit> communes,
//       ImportProvinceListCsv(list_text, province,
//                             absl::CivilDay(2025, 7, 1)));
//   WF_ASSIGN_OR_RETURN(std::vector<OrgUnit> agencies,
//       ImportOrgCsv(agencies_text, communes));  // parents may be communes
//   WF_ASSIGN_OR_RETURN(std::vector<OrgUnit> all,
//       MergeUnits({communes, agencies}));
//   WF_ASSIGN_OR_RETURN(OrgTree tree, OrgTree::Build(std::move(all)));
#ifndef ENGINE_ORG_CSV_IMPORT_H_
#define ENGINE_ORG_CSV_IMPORT_H_

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

// The general org file, header `id,name,kind,parent,valid_from,valid_to,tags`
// (columns in any order). Dates dd/mm/yyyy or yyyy-mm-dd; empty valid_to:
// open; tags separated by ';'. Parents may be units of the file or of
// `known` (units imported before, such as the province); the file's units
// must not repeat an id of `known`. Returns the file's units only, in file
// order, after checking that OrgTree::Build would accept known + file.
absl::StatusOr<std::vector<OrgUnit>> ImportOrgCsv(
    absl::string_view text, absl::Span<const OrgUnit> known = {});

// An official list of communes since 01/07/2025, header `code,name,kind`
// (kind xa or phuong; each name starts with "Xã " or "Phường " as its kind
// says). Each row becomes a unit with the official code as id, directly
// under `province` (kind tinh), in force from `valid_from` to `valid_to`.
// Returns `province` first, then the communes in file order.
absl::StatusOr<std::vector<OrgUnit>> ImportProvinceListCsv(
    absl::string_view text, const OrgUnit& province, absl::CivilDay valid_from,
    std::optional<absl::CivilDay> valid_to = std::nullopt);

// The three-tier list of 2024, header `district,commune,kind` (kind xa,
// phuong or thi_tran), without codes. Districts become units of kind huyen
// under `province`, communes units under their district, all in force from
// `valid_from` to `valid_to`. Ids are generated from names:
//   district: GeneratedUnitId(province.id, district name)
//     "Huyện Sơn Dương" -> "tuyen_quang_huyen_son_duong"
//   commune:  GeneratedUnitId(district id, commune name)
//     "Xã Tân Thanh"    -> "tuyen_quang_huyen_son_duong_xa_tan_thanh"
// so the same file gives the same ids on every import. Two names of one
// district that differ only in diacritics would give one id: refused, with
// both lines (import such units with ImportOrgCsv and ids of your own).
// Returns `province`, then the districts in order of first appearance,
// then the communes in file order.
absl::StatusOr<std::vector<OrgUnit>> ImportDistrictsCsv(
    absl::string_view text, const OrgUnit& province, absl::CivilDay valid_from,
    absl::CivilDay valid_to = kLastDistrictDay);

struct PeopleImport {
  std::vector<Person> people;               // in order of first appearance
  std::vector<RoleAssignment> assignments;  // in file order
};

// People and their roles, header
// `person,name,role,unit,valid_from,valid_to,acting_for`, one role a row.
// A person on several rows gives their name on the first; later rows repeat
// it or leave it empty. Checked against `tree` as Directory::Build checks.
absl::StatusOr<PeopleImport> ImportPeopleCsv(absl::string_view text,
                                             const OrgTree& tree);

// Concatenates lists of units, keeping one copy of a unit that appears,
// identical, in several lists (the province returned by two imports).
// INVALID_ARGUMENT when one id comes with two different definitions.
absl::StatusOr<std::vector<OrgUnit>> MergeUnits(
    const std::vector<std::vector<OrgUnit>>& lists);

// The ASCII form of a Vietnamese name, for ids: diacritics removed,
// đ/Đ -> d, lower case, every run of other characters -> one '_', none at
// either end. "Thành phố Tuyên Quang" -> "thanh_pho_tuyen_quang".
std::string AsciiSlug(absl::string_view name);

// parent_id + "_" + AsciiSlug(name). An id longer than 64 bytes is cut to
// its first 55 bytes followed by "_" and the first 8 hex digits of the
// SHA-256 of the whole id. Empty when the name has no ASCII letter or digit
// left.
std::string GeneratedUnitId(absl::string_view parent_id,
                            absl::string_view name);

}  // namespace wf::org

#endif  // ENGINE_ORG_CSV_IMPORT_H_
