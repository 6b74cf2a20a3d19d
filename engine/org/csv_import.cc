// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/csv_import.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/org/csv.h"
#include "engine/org/dates.h"
#include "engine/org/internal.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"

namespace wf::org {
namespace {

constexpr size_t kMaxIdBytes = 64;

absl::Status LineError(int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("dòng ", line, ": ", why));
}

std::string LineName(int line) { return absl::StrCat("dòng ", line); }

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDay(
    const CsvRow& row, size_t column, absl::string_view name) {
  const std::string& text = row.values[column];
  if (text.empty()) return std::optional<absl::CivilDay>();
  absl::StatusOr<absl::CivilDay> day = ParseDay(text);
  if (!day.ok()) {
    return LineError(
        row.line, absl::StrCat("cột '", name, "': ", day.status().message()));
  }
  return std::optional<absl::CivilDay>(*day);
}

absl::StatusOr<absl::CivilDay> RequiredDay(const CsvRow& row, size_t column,
                                           absl::string_view name) {
  WF_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day,
                      OptionalDay(row, column, name));
  if (!day) {
    return LineError(row.line, absl::StrCat("cột '", name, "': thiếu ngày"));
  }
  return *day;
}

// Units read from a file, each with its line (0: given by the caller).
struct ReadUnits {
  std::vector<OrgUnit> units;
  std::vector<int> lines;

  void Add(OrgUnit unit, int line) {
    units.push_back(std::move(unit));
    lines.push_back(line);
  }
};

OrgUnit Child(std::string id, std::string name, std::string kind,
              std::string parent_id, absl::CivilDay valid_from,
              std::optional<absl::CivilDay> valid_to) {
  OrgUnit unit;
  unit.id = std::move(id);
  unit.name = std::move(name);
  unit.kind = std::move(kind);
  unit.parent_id = std::move(parent_id);
  unit.valid_from = valid_from;
  unit.valid_to = valid_to;
  return unit;
}

// Runs the tree checks on `units`; entry i was read from lines[i], or, when
// lines[i] is 0, came from the caller.
absl::Status CheckUnits(const std::vector<OrgUnit>& units,
                        const std::vector<int>& lines) {
  std::optional<Problem> problem = FindUnitProblem(units);
  if (!problem) return absl::OkStatus();
  return absl::InvalidArgumentError(DescribeProblem(*problem, [&](size_t i) {
    if (lines[i] > 0) return LineName(lines[i]);
    return absl::StrCat("đơn vị có sẵn '", units[i].id, "'");
  }));
}

bool IsCommuneCode(absl::string_view code) {
  if (code.size() != 5) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The word an official name starts with, for each commune kind.
absl::string_view KindPrefix(absl::string_view kind) {
  if (kind == kKindXa) return "Xã ";
  if (kind == kKindPhuong) return "Phường ";
  if (kind == kKindThiTran) return "Thị trấn ";
  return "";
}

// A commune row of an official list: its kind is one of `kinds` and its
// name starts as the kind says, which catches shifted columns.
absl::Status CheckCommuneRow(int line, absl::string_view name,
                             absl::string_view kind,
                             absl::Span<const absl::string_view> kinds) {
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    return LineError(line, absl::StrCat("loại '", kind, "' không hợp lệ; ",
                                        "danh sách này chỉ có ",
                                        absl::StrJoin(kinds, ", ")));
  }
  absl::string_view prefix = KindPrefix(kind);
  if (!absl::StartsWith(name, prefix)) {
    return LineError(line,
                     absl::StrCat("tên '", name, "' không khớp loại '", kind,
                                  "': cần bắt đầu bằng '", prefix, "'"));
  }
  return absl::OkStatus();
}

absl::Status CheckProvince(const OrgUnit& province) {
  if (province.kind == kKindTinh) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("đơn vị truyền vào '", province.id, "' có loại '",
                   province.kind, "', cần loại 'tinh'"));
}

// The problems of a file's rows: every row is read and each bad one noted,
// so that an administrator mends a file in one pass rather than one error
// at a time. Checks across rows (the tree, the people's roles) run only on
// a file whose rows are all good.
class RowProblems {
 public:
  // False (and `s` noted) when `s` is an error.
  bool Ok(const absl::Status& s) {
    if (s.ok()) return true;
    if (messages_.size() < kMaxShown) {
      messages_.emplace_back(s.message());
    } else {
      ++more_;
    }
    return false;
  }
  // One problem a line; OK when there is none.
  absl::Status Result() const {
    if (messages_.empty()) return absl::OkStatus();
    std::string text = absl::StrJoin(messages_, "\n");
    if (more_ > 0) absl::StrAppend(&text, "\n... và ", more_, " dòng lỗi nữa");
    return absl::InvalidArgumentError(text);
  }

 private:
  static constexpr size_t kMaxShown = 50;
  std::vector<std::string> messages_;
  size_t more_ = 0;
};

absl::StatusOr<OrgUnit> OrgRowToUnit(const CsvRow& row) {
  enum { kId, kName, kKind, kParent, kFrom, kTo, kTags };
  OrgUnit unit;
  unit.id = row.values[kId];
  unit.name = row.values[kName];
  unit.kind = row.values[kKind];
  unit.parent_id = row.values[kParent];
  WF_ASSIGN_OR_RETURN(unit.valid_from, RequiredDay(row, kFrom, "valid_from"));
  WF_ASSIGN_OR_RETURN(unit.valid_to, OptionalDay(row, kTo, "valid_to"));
  for (absl::string_view tag :
       absl::StrSplit(row.values[kTags], ';', absl::SkipWhitespace())) {
    unit.tags.emplace_back(absl::StripAsciiWhitespace(tag));
  }
  return unit;
}

// Generated ids of the 2024 file, each remembered with the name it came
// from and its line, to tell a repeated row from two names that differ
// only in diacritics.
struct GeneratedIds {
  struct Seen {
    std::string name;
    int line;
  };
  absl::flat_hash_map<std::string, Seen> by_id;

  // OK when `id` is new (it is then remembered) or was made from the same
  // name and `repeat_ok`.
  absl::Status Claim(const std::string& id, absl::string_view name, int line,
                     bool repeat_ok) {
    if (id.empty()) {
      return LineError(line, absl::StrCat("không tạo được mã từ tên '", name,
                                          "' (không có chữ cái Latinh)"));
    }
    auto [it, inserted] = by_id.emplace(id, Seen{std::string(name), line});
    if (inserted || (repeat_ok && it->second.name == name)) {
      return absl::OkStatus();
    }
    if (it->second.name == name) {
      return LineError(line, absl::StrCat("'", name, "' bị trùng với dòng ",
                                          it->second.line));
    }
    return LineError(
        line, absl::StrCat("tên '", name, "' cho mã '", id, "', trùng mã của '",
                           it->second.name, "' ở dòng ", it->second.line,
                           " (hai tên chỉ khác dấu); hãy nhập các đơn vị này ",
                           "bằng tệp CSV tổng quát với mã tự đặt"));
  }
};

// Where each person of a people file was first seen.
struct FirstSeen {
  int line;
  size_t index;  // in PeopleImport::people
};

// The person of a people row: a new one is added to `import`; a known one
// must keep its name.
absl::Status NotePerson(const CsvRow& row, PeopleImport* import,
                        absl::flat_hash_map<std::string, FirstSeen>* seen) {
  const std::string& id = row.values[0];
  const std::string& name = row.values[1];
  if (!IsPersonId(id)) {
    return LineError(
        row.line, absl::StrCat("mã người '", id, "' không hợp lệ: cần ",
                               "dạng [a-z0-9][a-z0-9._-]*, tối đa 64 ký tự"));
  }
  auto it = seen->find(id);
  if (it == seen->end()) {
    if (name.empty()) {
      return LineError(row.line, absl::StrCat("người '", id, "' xuất hiện ",
                                              "lần đầu, cần có tên"));
    }
    if (auto problem = internal::NameProblem(name)) {
      return LineError(row.line, absl::StrCat("người '", id, "': ", *problem));
    }
    seen->emplace(id, FirstSeen{row.line, import->people.size()});
    import->people.push_back(Person{id, name});
    return absl::OkStatus();
  }
  const Person& person = import->people[it->second.index];
  if (!name.empty() && person.name != name) {
    return LineError(row.line, absl::StrCat("người '", id, "' có tên '", name,
                                            "', khác tên '", person.name,
                                            "' ở dòng ", it->second.line));
  }
  return absl::OkStatus();
}

absl::StatusOr<RoleAssignment> PeopleRowToAssignment(const CsvRow& row) {
  enum { kPerson, kName, kRole, kUnit, kFrom, kTo, kActingFor };
  RoleAssignment a;
  a.person_id = row.values[kPerson];
  a.role = row.values[kRole];
  a.unit_id = row.values[kUnit];
  WF_ASSIGN_OR_RETURN(a.valid_from, RequiredDay(row, kFrom, "valid_from"));
  WF_ASSIGN_OR_RETURN(a.valid_to, OptionalDay(row, kTo, "valid_to"));
  a.acting_for = row.values[kActingFor];
  return a;
}

}  // namespace

absl::StatusOr<std::vector<OrgUnit>> ImportOrgCsv(
    absl::string_view text, absl::Span<const OrgUnit> known) {
  static constexpr absl::string_view kColumns[] = {
      "id", "name", "kind", "parent", "valid_from", "valid_to", "tags"};
  WF_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ReadCsvTable(text, kColumns));
  std::vector<OrgUnit> all(known.begin(), known.end());
  std::vector<int> lines(known.size(), 0);
  RowProblems problems;
  for (const CsvRow& row : rows) {
    absl::StatusOr<OrgUnit> unit = OrgRowToUnit(row);
    if (!problems.Ok(unit.status())) continue;
    all.push_back(*std::move(unit));
    lines.push_back(row.line);
  }
  WF_RETURN_IF_ERROR(problems.Result());
  WF_RETURN_IF_ERROR(CheckUnits(all, lines));
  all.erase(all.begin(), all.begin() + known.size());
  return all;
}

absl::StatusOr<std::vector<OrgUnit>> ImportProvinceListCsv(
    absl::string_view text, const OrgUnit& province, absl::CivilDay valid_from,
    std::optional<absl::CivilDay> valid_to) {
  static constexpr absl::string_view kColumns[] = {"code", "name", "kind"};
  static const absl::string_view kKinds[] = {kKindXa, kKindPhuong};
  WF_RETURN_IF_ERROR(CheckProvince(province));
  WF_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ReadCsvTable(text, kColumns));
  ReadUnits read;
  read.Add(province, 0);
  RowProblems problems;
  for (const CsvRow& row : rows) {
    const std::string& code = row.values[0];
    const std::string& name = row.values[1];
    const std::string& kind = row.values[2];
    if (!IsCommuneCode(code)) {
      problems.Ok(LineError(
          row.line, absl::StrCat("mã '", code, "' phải gồm đúng 5 chữ số")));
      continue;
    }
    if (!problems.Ok(CheckCommuneRow(row.line, name, kind, kKinds))) continue;
    read.Add(Child(code, name, kind, province.id, valid_from, valid_to),
             row.line);
  }
  WF_RETURN_IF_ERROR(problems.Result());
  WF_RETURN_IF_ERROR(CheckUnits(read.units, read.lines));
  return std::move(read.units);
}

absl::StatusOr<std::vector<OrgUnit>> ImportDistrictsCsv(
    absl::string_view text, const OrgUnit& province, absl::CivilDay valid_from,
    absl::CivilDay valid_to) {
  static constexpr absl::string_view kColumns[] = {"district", "commune",
                                                   "kind"};
  static const absl::string_view kKinds[] = {kKindXa, kKindPhuong,
                                             kKindThiTran};
  WF_RETURN_IF_ERROR(CheckProvince(province));
  WF_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ReadCsvTable(text, kColumns));
  ReadUnits districts, communes;
  districts.Add(province, 0);
  GeneratedIds district_ids, commune_ids;
  RowProblems problems;
  for (const CsvRow& row : rows) {
    const std::string& district = row.values[0];
    const std::string& commune = row.values[1];
    const std::string& kind = row.values[2];
    if (!problems.Ok(CheckCommuneRow(row.line, commune, kind, kKinds))) {
      continue;
    }
    std::string district_id = GeneratedUnitId(province.id, district);
    bool first_row_of_district = !district_ids.by_id.contains(district_id);
    if (!problems.Ok(district_ids.Claim(district_id, district, row.line,
                                        /*repeat_ok=*/true))) {
      continue;
    }
    if (first_row_of_district) {
      districts.Add(Child(district_id, district, kKindHuyen, province.id,
                          valid_from, valid_to),
                    row.line);
    }
    std::string commune_id = GeneratedUnitId(district_id, commune);
    if (!problems.Ok(commune_ids.Claim(commune_id, commune, row.line,
                                       /*repeat_ok=*/false))) {
      continue;
    }
    communes.Add(
        Child(commune_id, commune, kind, district_id, valid_from, valid_to),
        row.line);
  }
  WF_RETURN_IF_ERROR(problems.Result());
  for (size_t i = 0; i < communes.units.size(); ++i) {
    districts.Add(std::move(communes.units[i]), communes.lines[i]);
  }
  WF_RETURN_IF_ERROR(CheckUnits(districts.units, districts.lines));
  return std::move(districts.units);
}

absl::StatusOr<PeopleImport> ImportPeopleCsv(absl::string_view text,
                                             const OrgTree& tree) {
  static constexpr absl::string_view kColumns[] = {
      "person", "name", "role", "unit", "valid_from", "valid_to", "acting_for"};
  WF_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ReadCsvTable(text, kColumns));
  PeopleImport import;
  absl::flat_hash_map<std::string, FirstSeen> seen;
  std::vector<int> lines;
  RowProblems problems;
  for (const CsvRow& row : rows) {
    if (!problems.Ok(NotePerson(row, &import, &seen))) continue;
    absl::StatusOr<RoleAssignment> a = PeopleRowToAssignment(row);
    if (!problems.Ok(a.status())) continue;
    import.assignments.push_back(*std::move(a));
    lines.push_back(row.line);
  }
  WF_RETURN_IF_ERROR(problems.Result());
  if (std::optional<Problem> problem =
          FindAssignmentProblem(tree, import.people, import.assignments)) {
    return absl::InvalidArgumentError(DescribeProblem(
        *problem, [&lines](size_t i) { return LineName(lines[i]); }));
  }
  return import;
}

absl::StatusOr<std::vector<OrgUnit>> MergeUnits(
    const std::vector<std::vector<OrgUnit>>& lists) {
  std::vector<OrgUnit> out;
  // id -> (position in out, list it came from)
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> seen;
  for (size_t list = 0; list < lists.size(); ++list) {
    for (const OrgUnit& unit : lists[list]) {
      auto it = seen.find(unit.id);
      if (it != seen.end() && it->second.second != list) {
        if (out[it->second.first] == unit) continue;
        return absl::InvalidArgumentError(absl::StrCat(
            "mã đơn vị '", unit.id, "' có hai định nghĩa khác nhau: ở danh ",
            "sách thứ ", it->second.second + 1, " và thứ ", list + 1));
      }
      // A repeat inside one list is left for OrgTree::Build to refuse.
      if (it == seen.end())
        seen.emplace(unit.id, std::make_pair(out.size(), list));
      out.push_back(unit);
    }
  }
  return out;
}

std::string AsciiSlug(absl::string_view name) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(error);
  if (U_FAILURE(error)) return "";
  icu::UnicodeString decomposed =
      nfd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                         name.data(), static_cast<int32_t>(name.size()))),
                     error);
  if (U_FAILURE(error)) return "";
  std::string slug;
  bool gap = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;  // tone, hat, horn
    char ascii = 0;
    if (c == 0x0110 || c == 0x0111) {
      ascii = 'd';  // Đ, đ: no decomposition
    } else if (c < 0x80 && absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      ascii = absl::ascii_tolower(static_cast<unsigned char>(c));
    }
    if (ascii == 0) {
      gap = true;
      continue;
    }
    if (gap && !slug.empty()) slug.push_back('_');
    gap = false;
    slug.push_back(ascii);
  }
  return slug;
}

std::string GeneratedUnitId(absl::string_view parent_id,
                            absl::string_view name) {
  std::string slug = AsciiSlug(name);
  if (slug.empty()) return "";
  std::string id = absl::StrCat(parent_id, "_", slug);
  if (id.size() <= kMaxIdBytes) return id;
  std::string hash = ToHex(Sha256(id)).substr(0, 8);
  return absl::StrCat(id.substr(0, kMaxIdBytes - 9), "_", hash);
}

}  // namespace wf::org
