// Copyright the wf-engine authors. Apache-2.0.
//
// People and the roles they hold in org units, with the days they hold
// them, and delegation (ủy quyền, signed "TUQ.").
//
// A role is held by a person *in a unit*: "chu_tich" of Xã Đại Sơn gives no
// right over the documents of Xã Tây Yên Tử. A delegation lends one role in
// one unit, for a limited window, to another person, who then acts for the
// holder; it cannot be lent on (Nghị định 30/2020/NĐ-CP, Điều 13: "TUQ" is
// written, time-limited and not re-delegable).
//
// Example:
//   absl::StatusOr<Directory> directory =
//       Directory::Build(tree, std::move(people), std::move(assignments));
//   for (const HeldRole& held :
//        directory->RolesOn("nguyen.van.a", absl::CivilDay(2026, 1, 16))) {
//     // held.role == "chu_tich", held.unit_id == "07627",
//     // held.acting_for == "" (own role) or the holder's person id.
//   }
#ifndef ENGINE_ORG_PEOPLE_H_
#define ENGINE_ORG_PEOPLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/org/org_tree.h"

namespace wf::org {

// Roles named by the seeds. Any identifier may be used as a role.
inline constexpr char kRoleChuTich[] = "chu_tich";
inline constexpr char kRolePhoChuTich[] = "pho_chu_tich";
inline constexpr char kRoleCanBo[] = "can_bo";
inline constexpr char kRoleTruongPhong[] = "truong_phong";
inline constexpr char kRoleVanThu[] = "van_thu";
inline constexpr char kRoleGiamDoc[] = "giam_doc";
inline constexpr char kRoleChuyenVien[] = "chuyen_vien";

// A person id is a lower-case account name: [a-z0-9][a-z0-9._-]*, at most
// 64 bytes ("nguyen.van.a", "can-bo.tien-du").
bool IsPersonId(absl::string_view id);

struct Person {
  std::string id;
  std::string name;  // UTF-8, NFC: "Nguyễn Văn A"
};

struct RoleAssignment {
  std::string person_id;
  std::string role;  // an identifier: "chu_tich"
  std::string unit_id;
  absl::CivilDay valid_from;               // first day held
  std::optional<absl::CivilDay> valid_to;  // last day held; empty: open
  // Empty for a role of one's own. For a delegation, the person who holds
  // `role` in `unit_id` and lends it for [valid_from, valid_to].
  std::string acting_for;
};

bool InForce(const RoleAssignment& assignment, absl::CivilDay day);

// A role a person holds on a day.
struct HeldRole {
  std::string role;
  std::string unit_id;
  std::string acting_for;  // empty unless delegated
};

// The first problem among `people` (id shape, duplicate id, name), or
// nothing.
std::optional<Problem> FindPersonProblem(const std::vector<Person>& people);

// The first problem among `assignments`, given valid `people` and `tree`:
// unknown person or unit; role not an identifier; window reversed or
// outside the unit's validity; a delegation that is open-ended, to oneself,
// whose holder does not hold the role in the unit during the whole window
// (by their own assignments), or that lends a delegated role; two
// overlapping assignments of the same role in the same unit to one person.
std::optional<Problem> FindAssignmentProblem(
    const OrgTree& tree, const std::vector<Person>& people,
    const std::vector<RoleAssignment>& assignments);

// Who holds which role, where and when. Immutable, safe to read from many
// threads; keeps no reference to the tree it was built against.
class Directory {
 public:
  Directory() = default;  // empty

  // INVALID_ARGUMENT, in Vietnamese, naming the person or the assignment
  // and the reason, for anything FindPersonProblem or
  // FindAssignmentProblem finds. An assignment with no valid_to in a unit
  // that has one is stored as ending with the unit.
  static absl::StatusOr<Directory> Build(
      const OrgTree& tree, std::vector<Person> people,
      std::vector<RoleAssignment> assignments);

  const Person* FindPerson(absl::string_view id) const;

  // The roles the person holds on `day`, delegations included: own roles
  // first, then delegated ones, each group in input order. Empty for an
  // unknown person.
  std::vector<HeldRole> RolesOn(absl::string_view person_id,
                                absl::CivilDay day) const;

  // Who holds `role` in `unit_id` on `day` (own or delegated), in input
  // order.
  std::vector<const RoleAssignment*> HoldersOn(absl::string_view role,
                                               absl::string_view unit_id,
                                               absl::CivilDay day) const;

  const std::vector<Person>& people() const { return people_; }
  const std::vector<RoleAssignment>& assignments() const {
    return assignments_;
  }

 private:
  std::vector<Person> people_;
  std::vector<RoleAssignment> assignments_;
  absl::flat_hash_map<std::string, int> person_index_;
  absl::flat_hash_map<std::string, std::vector<int>> by_person_;
};

}  // namespace wf::org

#endif  // ENGINE_ORG_PEOPLE_H_
