// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/people.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/org/dates.h"
#include "engine/org/internal.h"
#include "engine/util/text.h"

namespace wf::org {
namespace {

using internal::Window;

Window WindowOf(const RoleAssignment& a) { return {a.valid_from, a.valid_to}; }
Window WindowOf(const OrgUnit& u) { return {u.valid_from, u.valid_to}; }

bool SameRole(const RoleAssignment& a, const RoleAssignment& b) {
  return a.role == b.role && a.unit_id == b.unit_id;
}

// "vai trò 'chu_tich' tại '07627'".
std::string RoleAt(const RoleAssignment& a) {
  return absl::StrCat("vai trò '", a.role, "' tại '", a.unit_id, "'");
}

// The window with an open end closed at the unit's last day: a role cannot
// outlive its unit.
Window Effective(const RoleAssignment& a, const OrgUnit& unit) {
  Window window = WindowOf(a);
  if (!window.to) window.to = unit.valid_to;
  return window;
}

// Whether the union of `windows` covers every day of `target`.
bool Covers(std::vector<Window> windows, const Window& target) {
  std::sort(windows.begin(), windows.end(),
            [](const Window& a, const Window& b) { return a.from < b.from; });
  absl::CivilDay next = target.from;  // first day not yet covered
  for (const Window& w : windows) {
    if (w.from > next) break;
    if (!w.to) return true;
    if (*w.to >= next) next = *w.to + 1;
    if (target.to && next > *target.to) return true;
  }
  return false;
}

// The windows in which the principal of `delegation` holds its role in its
// unit: by their own appointment (delegated == false) or lent to them by
// someone else (delegated == true).
std::vector<Window> HolderWindows(const OrgTree& tree,
                                  const std::vector<RoleAssignment>& all,
                                  const RoleAssignment& delegation,
                                  bool delegated) {
  std::vector<Window> windows;
  for (const RoleAssignment& a : all) {
    if (a.person_id != delegation.acting_for || !SameRole(a, delegation) ||
        a.acting_for.empty() != !delegated) {
      continue;
    }
    const OrgUnit* unit = tree.Find(a.unit_id);
    if (unit != nullptr) windows.push_back(Effective(a, *unit));
  }
  return windows;
}

std::optional<std::string> DelegationProblem(
    const OrgTree& tree, const absl::flat_hash_set<std::string>& people,
    const std::vector<RoleAssignment>& all, const RoleAssignment& a) {
  if (!people.contains(a.acting_for)) {
    return absl::StrCat("người ủy quyền '", a.acting_for,
                        "' không có trong danh sách người");
  }
  if (a.acting_for == a.person_id) {
    return absl::StrCat("người '", a.person_id, "' không thể tự ủy quyền ",
                        "cho chính mình");
  }
  if (!a.valid_to) {
    return absl::StrCat("ủy quyền ", RoleAt(a), " cho '", a.person_id,
                        "' phải có thời hạn (ngày hết hiệu lực)");
  }
  Window window = WindowOf(a);
  if (Covers(HolderWindows(tree, all, a, false), window)) return std::nullopt;
  if (!HolderWindows(tree, all, a, true).empty()) {
    return absl::StrCat("'", a.acting_for, "' chỉ giữ ", RoleAt(a),
                        " theo ủy quyền, không được ủy quyền lại ",
                        "(thừa ủy quyền không được ủy quyền tiếp)");
  }
  return absl::StrCat("'", a.acting_for, "' không giữ ", RoleAt(a),
                      " suốt thời gian ủy quyền ",
                      internal::DescribeWindow(window));
}

// What is wrong with one assignment, taken with the others.
std::optional<std::string> AssignmentProblem(
    const OrgTree& tree, const absl::flat_hash_set<std::string>& people,
    const std::vector<RoleAssignment>& all, const RoleAssignment& a) {
  if (!people.contains(a.person_id)) {
    return absl::StrCat("người '", a.person_id,
                        "' không có trong danh sách người");
  }
  if (!IsIdentifier(a.role)) {
    return absl::StrCat("vai trò '", a.role, "' không hợp lệ: cần dạng ",
                        "[a-z][a-z0-9_]*");
  }
  const OrgUnit* unit = tree.Find(a.unit_id);
  if (unit == nullptr) {
    return absl::StrCat("đơn vị '", a.unit_id, "' không có trong cây tổ chức");
  }
  if (a.valid_to && *a.valid_to < a.valid_from) {
    return absl::StrCat(RoleAt(a), " kết thúc ngày ", FormatDay(*a.valid_to),
                        ", trước ngày bắt đầu ", FormatDay(a.valid_from));
  }
  if (!internal::Within(Effective(a, *unit), WindowOf(*unit))) {
    return absl::StrCat(RoleAt(a), " ", internal::DescribeWindow(WindowOf(a)),
                        " ra ngoài thời gian hiệu lực của đơn vị (",
                        internal::DescribeWindow(WindowOf(*unit)), ")");
  }
  if (a.acting_for.empty()) return std::nullopt;
  return DelegationProblem(tree, people, all, a);
}

// Finds, for each assignment in turn, an earlier one of the same person,
// role, unit and principal whose window overlaps it.
class OverlapFinder {
 public:
  explicit OverlapFinder(const std::vector<RoleAssignment>& all) : all_(all) {}

  // Call with i = 0, 1, 2...
  std::optional<size_t> Next(size_t i) {
    const RoleAssignment& a = all_[i];
    std::vector<size_t>& same =
        by_key_[std::make_tuple(a.person_id, a.role, a.unit_id, a.acting_for)];
    for (size_t j : same) {
      if (internal::Overlap(WindowOf(a), WindowOf(all_[j]))) return j;
    }
    same.push_back(i);
    return std::nullopt;
  }

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  const std::vector<RoleAssignment>& all_;
  absl::flat_hash_map<Key, std::vector<size_t>> by_key_;
};

}  // namespace

bool IsPersonId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto lower_or_digit = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!lower_or_digit(id[0])) return false;
  for (char c : id) {
    if (!lower_or_digit(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool InForce(const RoleAssignment& assignment, absl::CivilDay day) {
  return internal::Contains(WindowOf(assignment), day);
}

std::optional<Problem> FindPersonProblem(const std::vector<Person>& people) {
  absl::flat_hash_map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < people.size(); ++i) {
    const Person& person = people[i];
    if (!IsPersonId(person.id)) {
      return Problem{
          i,
          absl::StrCat("mã người '", person.id, "' không hợp lệ: ",
                       "cần dạng [a-z0-9][a-z0-9._-]*, tối đa 64 ", "ký tự"),
          std::nullopt};
    }
    if (auto problem = internal::NameProblem(person.name)) {
      return Problem{i, absl::StrCat("người '", person.id, "': ", *problem),
                     std::nullopt};
    }
    auto [it, inserted] = seen.emplace(person.id, i);
    if (!inserted) {
      return Problem{
          i, absl::StrCat("mã người '", person.id, "' bị trùng với $other"),
          it->second};
    }
  }
  return std::nullopt;
}

std::optional<Problem> FindAssignmentProblem(
    const OrgTree& tree, const std::vector<Person>& people,
    const std::vector<RoleAssignment>& assignments) {
  absl::flat_hash_set<std::string> ids;
  for (const Person& person : people) ids.insert(person.id);
  OverlapFinder overlaps(assignments);
  for (size_t i = 0; i < assignments.size(); ++i) {
    if (auto reason =
            AssignmentProblem(tree, ids, assignments, assignments[i])) {
      return Problem{i, *reason, std::nullopt};
    }
    if (std::optional<size_t> j = overlaps.Next(i)) {
      return Problem{i,
                     absl::StrCat(RoleAt(assignments[i]), " của '",
                                  assignments[i].person_id,
                                  "' trùng thời gian với $other"),
                     *j};
    }
  }
  return std::nullopt;
}

absl::StatusOr<Directory> Directory::Build(
    const OrgTree& tree, std::vector<Person> people,
    std::vector<RoleAssignment> assignments) {
  if (std::optional<Problem> problem = FindPersonProblem(people)) {
    return absl::InvalidArgumentError(
        DescribeProblem(*problem, [&people](size_t i) {
          return absl::StrCat("người thứ ", i + 1, " ('", people[i].id, "')");
        }));
  }
  if (std::optional<Problem> problem =
          FindAssignmentProblem(tree, people, assignments)) {
    return absl::InvalidArgumentError(
        DescribeProblem(*problem, [&assignments](size_t i) {
          const RoleAssignment& a = assignments[i];
          return absl::StrCat("phân công thứ ", i + 1, " ('", a.person_id,
                              "', '", a.role, "', '", a.unit_id, "')");
        }));
  }
  Directory directory;
  for (RoleAssignment& a : assignments) {
    if (!a.valid_to) a.valid_to = tree.Find(a.unit_id)->valid_to;
  }
  directory.people_ = std::move(people);
  directory.assignments_ = std::move(assignments);
  for (size_t i = 0; i < directory.people_.size(); ++i) {
    directory.person_index_.emplace(directory.people_[i].id,
                                    static_cast<int>(i));
  }
  for (size_t i = 0; i < directory.assignments_.size(); ++i) {
    directory.by_person_[directory.assignments_[i].person_id].push_back(
        static_cast<int>(i));
  }
  return directory;
}

const Person* Directory::FindPerson(absl::string_view id) const {
  auto it = person_index_.find(id);
  return it == person_index_.end() ? nullptr : &people_[it->second];
}

std::vector<HeldRole> Directory::RolesOn(absl::string_view person_id,
                                         absl::CivilDay day) const {
  std::vector<HeldRole> own, delegated;
  auto it = by_person_.find(person_id);
  if (it == by_person_.end()) return own;
  for (int i : it->second) {
    const RoleAssignment& a = assignments_[i];
    if (!InForce(a, day)) continue;
    HeldRole held{a.role, a.unit_id, a.acting_for};
    (a.acting_for.empty() ? own : delegated).push_back(std::move(held));
  }
  own.insert(own.end(), std::make_move_iterator(delegated.begin()),
             std::make_move_iterator(delegated.end()));
  return own;
}

std::vector<const RoleAssignment*> Directory::HoldersOn(
    absl::string_view role, absl::string_view unit_id,
    absl::CivilDay day) const {
  std::vector<const RoleAssignment*> out;
  for (const RoleAssignment& a : assignments_) {
    if (a.role == role && a.unit_id == unit_id && InForce(a, day)) {
      out.push_back(&a);
    }
  }
  return out;
}

}  // namespace wf::org
