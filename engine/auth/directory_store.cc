// Copyright the wf-engine authors. Apache-2.0.
#include "engine/auth/directory_store.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/org/csv_import.h"
#include "engine/org/dates.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

bool IsUnitList(const std::string& format) {
  return format == "communes" || format == "districts";
}

// "nguồn 'bac_ninh_xa' (communes): dòng 17: ..."
absl::Status InSource(const store::DirectorySource& s, const absl::Status& e) {
  return absl::Status(e.code(), absl::StrCat("nguồn '", s.name(), "' (",
                                             s.format(), "): ", e.message()));
}

absl::StatusOr<std::vector<org::OrgUnit>> ImportList(
    const store::DirectorySource& s) {
  if (s.province_id().empty() || s.province_name().empty()) {
    return Refusal(absl::InvalidArgumentError(
                       "Expected `province_id` and `province_name` with a "
                       "list of communes or districts, but one is empty"),
                   reason::kFieldRequired)
        .With("field", s.province_id().empty() ? "province_id"
                                               : "province_name")
        .Field(s.province_id().empty() ? "province_id" : "province_name")
        .Vietnamese("Cần mã và tên tỉnh (province_id, province_name) cho "
                    "danh sách đơn vị.");
  }
  WF_ASSIGN_OR_RETURN(absl::CivilDay from, org::ParseDay(s.valid_from()));
  org::OrgUnit province{s.province_id(), s.province_name(), "tinh", "", {},
                        from, std::nullopt};
  if (s.format() == "communes") {
    std::optional<absl::CivilDay> to;
    if (!s.valid_to().empty()) {
      WF_ASSIGN_OR_RETURN(to, org::ParseDay(s.valid_to()));
    }
    return org::ImportProvinceListCsv(s.csv(), province, from, to);
  }
  if (s.valid_to().empty()) {
    return org::ImportDistrictsCsv(s.csv(), province, from);
  }
  WF_ASSIGN_OR_RETURN(absl::CivilDay to, org::ParseDay(s.valid_to()));
  return org::ImportDistrictsCsv(s.csv(), province, from, to);
}

}  // namespace

std::string DirectoryStore::KeyOf(const store::DirectorySource& source) {
  return absl::StrCat(source.format() == "people" ? "people/" : "units/",
                      source.name());
}

absl::StatusOr<std::shared_ptr<const DirectorySnapshot>> DirectoryStore::Build(
    const Sources& sources) {
  std::vector<std::vector<org::OrgUnit>> lists;
  std::vector<org::OrgUnit> known;
  auto add = [&](std::vector<org::OrgUnit> units) {
    known.insert(known.end(), units.begin(), units.end());
    lists.push_back(std::move(units));
  };
  for (const auto& [key, s] : sources) {
    if (!IsUnitList(s.format())) continue;
    auto units = ImportList(s);
    if (!units.ok()) return InSource(s, units.status());
    add(std::move(*units));
  }
  for (const auto& [key, s] : sources) {
    if (s.format() != "units") continue;
    auto merged = org::MergeUnits({known});
    if (!merged.ok()) return InSource(s, merged.status());
    auto units = org::ImportOrgCsv(s.csv(), *merged);
    if (!units.ok()) return InSource(s, units.status());
    add(std::move(*units));
  }
  WF_ASSIGN_OR_RETURN(std::vector<org::OrgUnit> all, org::MergeUnits(lists));
  WF_ASSIGN_OR_RETURN(org::OrgTree tree, org::OrgTree::Build(std::move(all)));
  std::vector<org::Person> people;
  std::vector<org::RoleAssignment> assignments;
  for (const auto& [key, s] : sources) {
    if (s.format() != "people") continue;
    auto imported = org::ImportPeopleCsv(s.csv(), tree);
    if (!imported.ok()) return InSource(s, imported.status());
    people.insert(people.end(), imported->people.begin(),
                  imported->people.end());
    assignments.insert(assignments.end(), imported->assignments.begin(),
                       imported->assignments.end());
  }
  WF_ASSIGN_OR_RETURN(org::Directory directory,
                      org::Directory::Build(tree, std::move(people),
                                            std::move(assignments)));
  static std::atomic<uint64_t> built{0};
  return std::make_shared<const DirectorySnapshot>(DirectorySnapshot{
      std::move(tree), std::move(directory), built.fetch_add(1) + 1});
}

absl::Status DirectoryStore::Load() {
  Sources sources;
  auto it = store_->NewIterator(Cf::kDirectory);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    store::DirectorySource source;
    if (!source.ParseFromString(it->value().ToString())) {
      return absl::DataLossError("A stored directory source does not parse");
    }
    sources.emplace(it->key().ToString(), std::move(source));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "reading the directory"));
  auto snapshot = Build(sources);
  if (!snapshot.ok()) {
    return absl::DataLossError(absl::StrCat(
        "The stored org directory no longer builds: ",
        snapshot.status().message()));
  }
  absl::MutexLock lock(&mu_);
  sources_ = std::move(sources);
  current_ = std::move(*snapshot);
  return absl::OkStatus();
}

absl::StatusOr<DirectoryCounts> DirectoryStore::Import(
    store::DirectorySource source) {
  static const char* kFormats[] = {"units", "communes", "districts", "people"};
  if (std::find(std::begin(kFormats), std::end(kFormats), source.format()) ==
      std::end(kFormats)) {
    return ForField(absl::InvalidArgumentError(absl::StrCat(
                        "Expected format units, communes, districts or "
                        "people, but got '", source.format(), "'")),
                    "format", reason::kInvalidField);
  }
  absl::MutexLock import_lock(&import_mu_);
  Sources sources;
  {
    absl::MutexLock lock(&mu_);
    sources = sources_;
  }
  const std::string key = KeyOf(source);
  const bool remove = source.csv().empty();
  if (remove) {
    sources.erase(key);
  } else {
    sources[key] = source;
  }
  WF_ASSIGN_OR_RETURN(auto snapshot, Build(sources));
  WriteSet writes;
  if (remove) {
    writes.Delete(Cf::kDirectory, key);
  } else {
    writes.Put(Cf::kDirectory, key, source.SerializeAsString());
  }
  return Commit(std::move(sources), std::move(snapshot), std::move(writes),
                source.imported_by());
}

absl::StatusOr<DirectoryCounts> DirectoryStore::Commit(
    Sources sources, std::shared_ptr<const DirectorySnapshot> snapshot,
    WriteSet writes, const std::string& by) {
  std::vector<std::string> removed;
  for (const org::Person& p : Current()->directory.people()) {
    if (snapshot->directory.FindPerson(p.id) == nullptr) removed.push_back(p.id);
  }
  if (removal_commit_ && !removed.empty()) {
    WF_RETURN_IF_ERROR(removal_commit_(std::move(writes), removed, by));
  } else {
    WF_RETURN_IF_ERROR(committer_->Commit(std::move(writes)));
  }
  absl::MutexLock lock(&mu_);
  sources_ = std::move(sources);
  current_ = std::move(snapshot);
  DirectoryCounts counts{current_->tree.units().size(),
                         current_->directory.people().size(),
                         current_->directory.assignments().size()};
  counts.people_removed = std::move(removed);
  return counts;
}

DirectoryStore::Sources DirectoryStore::WithGroup(
    Sources sources, const std::string& prefix,
    const std::vector<store::DirectorySource>& group) {
  for (auto it = sources.begin(); it != sources.end();) {
    if (absl::StartsWith(it->second.name(), prefix)) {
      it = sources.erase(it);
    } else {
      ++it;
    }
  }
  for (const store::DirectorySource& s : group) sources[KeyOf(s)] = s;
  return sources;
}

absl::StatusOr<std::shared_ptr<const DirectorySnapshot>>
DirectoryStore::CheckGroup(
    const std::string& prefix,
    const std::vector<store::DirectorySource>& sources) const {
  Sources current;
  {
    absl::MutexLock lock(&mu_);
    current = sources_;
  }
  return Build(WithGroup(std::move(current), prefix, sources));
}

absl::StatusOr<DirectoryCounts> DirectoryStore::ReplaceGroup(
    const std::string& prefix,
    const std::vector<store::DirectorySource>& sources, WriteSet extra,
    const std::string& by) {
  absl::MutexLock import_lock(&import_mu_);
  Sources before;
  {
    absl::MutexLock lock(&mu_);
    before = sources_;
  }
  Sources after = WithGroup(before, prefix, sources);
  WF_ASSIGN_OR_RETURN(auto snapshot, Build(after));
  WriteSet writes = std::move(extra);
  for (const auto& [key, s] : before) {
    if (after.count(key) == 0) writes.Delete(Cf::kDirectory, key);
  }
  for (const store::DirectorySource& s : sources) {
    writes.Put(Cf::kDirectory, KeyOf(s), s.SerializeAsString());
  }
  return Commit(std::move(after), std::move(snapshot), std::move(writes), by);
}

std::shared_ptr<const DirectorySnapshot> DirectoryStore::Current() const {
  // Shared: every authenticated call reads it (TokenStore's member check).
  absl::ReaderMutexLock lock(&mu_);
  return current_;
}

DirectoryCounts DirectoryStore::Counts() const {
  auto snapshot = Current();
  return DirectoryCounts{snapshot->tree.units().size(),
                         snapshot->directory.people().size(),
                         snapshot->directory.assignments().size()};
}

}  // namespace wf
