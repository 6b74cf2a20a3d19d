// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/org_tree.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/org/dates.h"
#include "engine/org/internal.h"
#include "engine/util/text.h"

namespace wf::org {
namespace {

using internal::Window;

// Tags that at most one unit of a province may carry.
constexpr const char* kUniqueTags[] = {kTagStandingAgency, kTagSoNoiVu};

Window WindowOf(const OrgUnit& unit) {
  return {unit.valid_from, unit.valid_to};
}

bool IsFiveDigitCode(absl::string_view id) {
  if (id.size() != 5) return false;
  for (char c : id) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Which kinds of unit may hold a unit of `child` kind. A province is a
// root; a district only ever sat directly under its province; a township
// (thị trấn) only ever inside a district. Departments may sit anywhere.
bool MayHold(absl::string_view parent, absl::string_view child) {
  if (child == kKindPhong) return true;
  if (child == kKindHuyen) return parent == kKindTinh;
  if (child == kKindThiTran) return parent == kKindHuyen;
  if (child == kKindXa || child == kKindPhuong) {
    return parent == kKindTinh || parent == kKindHuyen;
  }
  if (child == kKindCoQuan) {
    return parent == kKindTinh || parent == kKindHuyen || IsCommuneKind(parent);
  }
  return false;  // tinh
}

std::optional<std::string> IdProblem(const OrgUnit& unit) {
  if (!IsUnitId(unit.id)) {
    return absl::StrCat("mã đơn vị '", unit.id, "' không hợp lệ: cần mã 5 ",
                        "chữ số của xã, phường hoặc tên ASCII viết thường ",
                        "dạng [a-z][a-z0-9_]*, tối đa 64 ký tự");
  }
  if (IsFiveDigitCode(unit.id) && !IsCommuneKind(unit.kind)) {
    return absl::StrCat("mã 5 chữ số '", unit.id, "' chỉ dành cho xã, ",
                        "phường, thị trấn, không cho loại '", unit.kind, "'");
  }
  return std::nullopt;
}

std::optional<std::string> DatesProblem(const OrgUnit& unit) {
  if (unit.valid_to && *unit.valid_to < unit.valid_from) {
    return absl::StrCat("đơn vị '", unit.id, "' hết hiệu lực ngày ",
                        FormatDay(*unit.valid_to), ", trước ngày bắt đầu ",
                        FormatDay(unit.valid_from));
  }
  if (unit.kind == kKindHuyen &&
      (!unit.valid_to || *unit.valid_to > kLastDistrictDay)) {
    return absl::StrCat("đơn vị cấp huyện '", unit.id, "' phải hết hiệu ",
                        "lực chậm nhất ngày ", FormatDay(kLastDistrictDay),
                        " (không còn cấp huyện từ 01/07/2025)");
  }
  return std::nullopt;
}

std::optional<std::string> TagsProblem(const OrgUnit& unit) {
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& tag : unit.tags) {
    if (!IsIdentifier(tag)) {
      return absl::StrCat("nhãn '", tag, "' của đơn vị '", unit.id,
                          "' không hợp lệ: cần dạng [a-z][a-z0-9_]*");
    }
    if (!seen.insert(tag).second) {
      return absl::StrCat("nhãn '", tag, "' lặp lại ở đơn vị '", unit.id, "'");
    }
  }
  return std::nullopt;
}

// What is wrong with the unit taken alone.
std::optional<std::string> FieldsProblem(const OrgUnit& unit) {
  if (auto problem = IdProblem(unit)) return problem;
  if (auto problem = internal::NameProblem(unit.name)) {
    return absl::StrCat("đơn vị '", unit.id, "': ", *problem);
  }
  if (!IsUnitKind(unit.kind)) {
    return absl::StrCat("loại đơn vị '", unit.kind, "' của '", unit.id,
                        "' không hợp lệ: dùng tinh, huyen, xa, phuong, ",
                        "thi_tran, co_quan hoặc phong");
  }
  if (unit.kind == kKindTinh && !unit.parent_id.empty()) {
    return absl::StrCat("tỉnh '", unit.id, "' không có đơn vị cấp trên, ",
                        "nhưng cột cấp trên ghi '", unit.parent_id, "'");
  }
  if (unit.kind != kKindTinh && unit.parent_id.empty()) {
    return absl::StrCat("đơn vị '", unit.id, "' thiếu đơn vị cấp trên ",
                        "(chỉ tỉnh mới không có cấp trên)");
  }
  if (auto problem = DatesProblem(unit)) return problem;
  return TagsProblem(unit);
}

std::optional<std::string> ParentProblem(const OrgUnit& unit,
                                         const OrgUnit* parent) {
  if (parent == nullptr) {
    return absl::StrCat("đơn vị cấp trên '", unit.parent_id, "' của '", unit.id,
                        "' không tồn tại");
  }
  if (!MayHold(parent->kind, unit.kind)) {
    return absl::StrCat("đơn vị '", unit.id, "' loại '", unit.kind,
                        "' không thể trực thuộc '", parent->id, "' loại '",
                        parent->kind, "'");
  }
  if (!internal::Within(WindowOf(unit), WindowOf(*parent))) {
    return absl::StrCat("đơn vị '", unit.id, "' có hiệu lực ",
                        internal::DescribeWindow(WindowOf(unit)),
                        ", ra ngoài thời gian hiệu lực của đơn vị cấp trên '",
                        parent->id, "' (",
                        internal::DescribeWindow(WindowOf(*parent)), ")");
  }
  return std::nullopt;
}

// Parent indexes; -1 for a root. Every parent id is known by now.
std::vector<int> ParentIndexes(
    const std::vector<OrgUnit>& units,
    const absl::flat_hash_map<std::string, int>& index) {
  std::vector<int> parents(units.size(), -1);
  for (size_t i = 0; i < units.size(); ++i) {
    if (!units[i].parent_id.empty()) {
      parents[i] = index.at(units[i].parent_id);
    }
  }
  return parents;
}

// Follows parents from every unit; blames the first unit (by index) of the
// first cycle met.
std::optional<Problem> FindCycle(const std::vector<OrgUnit>& units,
                                 const std::vector<int>& parents) {
  enum State { kUnseen, kOnPath, kDone };
  std::vector<State> state(units.size(), kUnseen);
  for (size_t start = 0; start < units.size(); ++start) {
    std::vector<int> path;
    int at = static_cast<int>(start);
    while (at >= 0 && state[at] == kUnseen) {
      state[at] = kOnPath;
      path.push_back(at);
      at = parents[at];
    }
    if (at >= 0 && state[at] == kOnPath) {
      std::vector<std::string> ids;
      size_t first = at;
      for (auto it = std::find(path.begin(), path.end(), at); it != path.end();
           ++it) {
        ids.push_back(units[*it].id);
        first = std::min(first, static_cast<size_t>(*it));
      }
      ids.push_back(units[at].id);
      return Problem{first,
                     absl::StrCat("đơn vị '", units[first].id,
                                  "' nằm trong một vòng lặp cấp trên: ",
                                  absl::StrJoin(ids, " → ")),
                     std::nullopt};
    }
    for (int i : path) state[i] = kDone;
  }
  return std::nullopt;
}

// The tinh at or above each unit. Requires: no cycles.
std::vector<int> ProvinceIndexes(const std::vector<int>& parents) {
  std::vector<int> provinces(parents.size());
  for (size_t i = 0; i < parents.size(); ++i) {
    int at = static_cast<int>(i);
    while (parents[at] >= 0) at = parents[at];
    provinces[i] = at;
  }
  return provinces;
}

std::optional<Problem> FindSecondUniqueTag(const std::vector<OrgUnit>& units,
                                           const std::vector<int>& provinces) {
  absl::flat_hash_map<std::pair<int, std::string>, size_t> first;
  for (size_t i = 0; i < units.size(); ++i) {
    for (const char* tag : kUniqueTags) {
      const auto& tags = units[i].tags;
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) continue;
      auto [it, inserted] = first.emplace(std::make_pair(provinces[i], tag), i);
      if (inserted) continue;
      return Problem{
          i,
          absl::StrCat("tỉnh '", units[provinces[i]].id,
                       "' đã có đơn vị mang nhãn '", tag, "' là '",
                       units[it->second].id, "' ($other); mỗi tỉnh chỉ có ",
                       "một đơn vị mang nhãn này"),
          it->second};
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsUnitKind(absl::string_view kind) {
  return kind == kKindTinh || kind == kKindHuyen || IsCommuneKind(kind) ||
         kind == kKindCoQuan || kind == kKindPhong;
}

bool IsCommuneKind(absl::string_view kind) {
  return kind == kKindXa || kind == kKindPhuong || kind == kKindThiTran;
}

bool IsUnitId(absl::string_view id) {
  return IsFiveDigitCode(id) || IsIdentifier(id);
}

bool operator==(const OrgUnit& a, const OrgUnit& b) {
  return a.id == b.id && a.name == b.name && a.kind == b.kind &&
         a.parent_id == b.parent_id && a.tags == b.tags &&
         a.valid_from == b.valid_from && a.valid_to == b.valid_to;
}

bool InForce(const OrgUnit& unit, absl::CivilDay day) {
  return internal::Contains(WindowOf(unit), day);
}

std::string DescribeProblem(const Problem& problem,
                            absl::FunctionRef<std::string(size_t)> where) {
  std::string reason = problem.reason;
  if (problem.other) {
    reason = absl::StrReplaceAll(reason, {{"$other", where(*problem.other)}});
  }
  return absl::StrCat(where(problem.index), ": ", reason);
}

std::optional<Problem> FindUnitProblem(const std::vector<OrgUnit>& units) {
  absl::flat_hash_map<std::string, int> index;
  for (size_t i = 0; i < units.size(); ++i) {
    if (auto reason = FieldsProblem(units[i]))
      return Problem{i, *reason, std::nullopt};
    auto [it, inserted] = index.emplace(units[i].id, static_cast<int>(i));
    if (!inserted) {
      return Problem{
          i, absl::StrCat("mã đơn vị '", units[i].id, "' bị trùng với $other"),
          static_cast<size_t>(it->second)};
    }
  }
  for (size_t i = 0; i < units.size(); ++i) {
    if (units[i].parent_id.empty()) continue;
    auto it = index.find(units[i].parent_id);
    const OrgUnit* parent = it == index.end() ? nullptr : &units[it->second];
    if (auto reason = ParentProblem(units[i], parent)) {
      return Problem{i, *reason, std::nullopt};
    }
  }
  std::vector<int> parents = ParentIndexes(units, index);
  if (auto problem = FindCycle(units, parents)) return problem;
  return FindSecondUniqueTag(units, ProvinceIndexes(parents));
}

absl::StatusOr<OrgTree> OrgTree::Build(std::vector<OrgUnit> units) {
  if (std::optional<Problem> problem = FindUnitProblem(units)) {
    return absl::InvalidArgumentError(
        DescribeProblem(*problem, [&units](size_t i) {
          return absl::StrCat("đơn vị thứ ", i + 1, " ('", units[i].id, "')");
        }));
  }
  OrgTree tree;
  tree.units_ = std::move(units);
  for (size_t i = 0; i < tree.units_.size(); ++i) {
    tree.index_.emplace(tree.units_[i].id, static_cast<int>(i));
  }
  tree.parent_ = ParentIndexes(tree.units_, tree.index_);
  tree.province_ = ProvinceIndexes(tree.parent_);
  tree.children_.resize(tree.units_.size());
  for (size_t i = 0; i < tree.units_.size(); ++i) {
    if (tree.parent_[i] >= 0) {
      tree.children_[tree.parent_[i]].push_back(static_cast<int>(i));
    }
    for (const std::string& tag : tree.units_[i].tags) {
      tree.tagged_[std::make_pair(tree.province_[i], tag)].push_back(
          static_cast<int>(i));
    }
  }
  return tree;
}

int OrgTree::IndexOf(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

const OrgUnit* OrgTree::Find(absl::string_view id) const {
  int i = IndexOf(id);
  return i < 0 ? nullptr : &units_[i];
}

const OrgUnit* OrgTree::Parent(absl::string_view id) const {
  int i = IndexOf(id);
  if (i < 0 || parent_[i] < 0) return nullptr;
  return &units_[parent_[i]];
}

bool OrgTree::IsAncestorOf(absl::string_view ancestor,
                           absl::string_view unit) const {
  int target = IndexOf(ancestor);
  int at = IndexOf(unit);
  if (target < 0 || at < 0) return false;
  for (at = parent_[at]; at >= 0; at = parent_[at]) {
    if (at == target) return true;
  }
  return false;
}

const OrgUnit* OrgTree::Province(absl::string_view id) const {
  int i = IndexOf(id);
  return i < 0 ? nullptr : &units_[province_[i]];
}

bool OrgTree::AtProvinceLevel(absl::string_view id) const {
  int at = IndexOf(id);
  if (at < 0) return false;
  for (; at >= 0; at = parent_[at]) {
    const std::string& kind = units_[at].kind;
    if (kind == kKindHuyen || IsCommuneKind(kind)) return false;
  }
  return true;
}

std::vector<const OrgUnit*> OrgTree::Subtree(absl::string_view id) const {
  std::vector<const OrgUnit*> out;
  int root = IndexOf(id);
  if (root < 0) return out;
  std::vector<int> stack = {root};
  while (!stack.empty()) {
    int at = stack.back();
    stack.pop_back();
    out.push_back(&units_[at]);
    // Pushed in reverse so that siblings come out in input order.
    stack.insert(stack.end(), children_[at].rbegin(), children_[at].rend());
  }
  return out;
}

bool OrgTree::ActiveOn(absl::string_view id, absl::CivilDay day) const {
  const OrgUnit* unit = Find(id);
  return unit != nullptr && InForce(*unit, day);
}

std::vector<const OrgUnit*> OrgTree::FindTagged(absl::string_view province_id,
                                                absl::string_view tag) const {
  std::vector<const OrgUnit*> out;
  int province = IndexOf(province_id);
  if (province < 0) return out;
  auto it = tagged_.find(std::make_pair(province, std::string(tag)));
  if (it == tagged_.end()) return out;
  for (int i : it->second) out.push_back(&units_[i]);
  return out;
}

std::vector<const OrgUnit*> OrgTree::ChildrenOf(absl::string_view id,
                                                absl::CivilDay day) const {
  std::vector<const OrgUnit*> out;
  int at = IndexOf(id);
  if (at < 0) return out;
  for (int child : children_[at]) {
    if (InForce(units_[child], day)) out.push_back(&units_[child]);
  }
  return out;
}

}  // namespace wf::org
