// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/definition_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "engine/runtime/refusals.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf {
namespace {

// The name used in messages: the last path component, printable, bounded.
std::string CleanFileName(const std::string& file_name) {
  std::string name = file_name.substr(file_name.find_last_of('/') + 1);
  if (name.empty() || name.size() > 100 || !IsValidUtf8(name)) {
    return "workflow.lua";
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "workflow.lua";
  }
  return name;
}

// A deploy refused for what the source says: DEFINITION_INVALID with the
// file and how many problems it has. A budget the top-level code ran over
// keeps its own reason (BUDGET_EXCEEDED).
absl::Status DefinitionRefused(absl::Status status,
                               const std::string& file_name, size_t problems) {
  if (!absl::IsInvalidArgument(status)) return status;
  status = WithReason(std::move(status), reason::kDefinitionInvalid);
  status = WithMetadata(std::move(status), "file_name", file_name);
  return WithMetadata(std::move(status), "problems", absl::StrCat(problems));
}

// All the library modules together: a folder of shared code, not a
// place for data.
constexpr size_t kLibraryFolderFactor = 4;

// The request's library modules, checked and in NFC.
absl::StatusOr<std::shared_ptr<const LuaLibraries>> CheckLibraries(
    const DeployRequest& request, const Limits& limits) {
  auto libraries = std::make_shared<LuaLibraries>();
  size_t total = 0;
  for (const auto& [name, source] : request.libraries) {
    if (!IsIdentifier(name)) {
      return Refusal(absl::InvalidArgumentError(absl::StrCat(
                         "Expected library module names of lower-case ",
                         "letters, digits and _, starting with a letter ",
                         "(lib/ke_hoach.lua), but one is '", name, "'")),
                     reason::kDefinitionInvalid)
          .Field("libraries");
    }
    total += source.size();
    if (source.size() > limits.max_source_bytes ||
        total > kLibraryFolderFactor * limits.max_source_bytes) {
      return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                         "Expected library modules of at most ",
                         limits.max_source_bytes, " bytes each and ",
                         kLibraryFolderFactor * limits.max_source_bytes,
                         " together, but lib/", name, ".lua goes over")),
                     reason::kPayloadTooLarge)
          .With("field", "libraries")
          .With("limit", limits.max_source_bytes)
          .Field("libraries");
    }
    WF_ASSIGN_OR_RETURN((*libraries)[name],
                        ToNfc(source, absl::StrCat("lib/", name, ".lua")));
  }
  return libraries;
}

// The modules `script` required, as the record pins them (by name).
std::vector<store::LibraryRecord> Pinned(const WorkflowScript& script,
                                         const LuaLibraries& libraries) {
  std::vector<std::string> names = script.required_libraries();
  std::sort(names.begin(), names.end());
  std::vector<store::LibraryRecord> pinned;
  for (const std::string& name : names) {
    store::LibraryRecord& library = pinned.emplace_back();
    library.set_name(name);
    library.set_source(libraries.at(name));
  }
  return pinned;
}

bool SameLibraries(const store::DefinitionRecord& record,
                   const std::vector<store::LibraryRecord>& pinned) {
  if (record.libraries_size() != static_cast<int>(pinned.size())) return false;
  for (size_t i = 0; i < pinned.size(); ++i) {
    const store::LibraryRecord& stored = record.libraries(static_cast<int>(i));
    if (stored.name() != pinned[i].name() ||
        stored.source() != pinned[i].source()) {
      return false;
    }
  }
  return true;
}

}  // namespace

SandboxOptions ToSandboxOptions(const Limits& limits,
                                const calendar::WorkCalendar* calendar) {
  SandboxOptions s;
  s.calendar = calendar;
  s.instructions_per_call = limits.lua_instructions_per_call;
  s.instructions_per_load = limits.lua_instructions_per_load;
  s.memory_bytes = limits.lua_memory_bytes;
  s.time_per_call = absl::Milliseconds(limits.lua_milliseconds_per_call);
  s.time_per_load = absl::Milliseconds(limits.lua_milliseconds_per_load);
  s.max_output_bytes = limits.max_variables_bytes;
  return s;
}

DefinitionRegistry::DefinitionRegistry(Store* store, Committer* committer,
                                       Clock* clock,
                                       const calendar::WorkCalendar* calendar,
                                       const Limits& limits,
                                       ProvinceWords province_words)
    : store_(store),
      committer_(committer),
      clock_(clock),
      sandbox_(ToSandboxOptions(limits, calendar)),
      limits_(limits),
      province_words_(std::move(province_words)) {}

store::DefinitionRecord DefinitionRegistry::NewRecord(
    const std::string& name, uint32_t version, const std::string& source,
    const std::string& sha, const std::string& file_name,
    const WorkflowScript& script, const DeployRequest& request,
    const std::vector<store::LibraryRecord>& pinned) const {
  store::DefinitionRecord record;
  record.set_name(name);
  record.set_version(version);
  record.set_source(source);
  record.set_source_sha256(sha);
  record.set_deployed_at_micros(absl::ToUnixMicros(clock_->Now()));
  record.set_deployed_by(request.actor.id);
  record.set_file_name(file_name);
  record.set_title(script.spec().title);
  for (const store::LibraryRecord& library : pinned) {
    *record.add_libraries() = library;
  }
  return record;
}

absl::StatusOr<DeployResult> DefinitionRegistry::Deploy(
    const DeployRequest& request) {
  if (request.source.size() > limits_.max_source_bytes) {
    return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                       "Expected a workflow source of at most ",
                       limits_.max_source_bytes, " bytes, but it has ",
                       request.source.size())),
                   reason::kPayloadTooLarge)
        .With("field", "source")
        .With("limit", limits_.max_source_bytes)
        .Field("source");
  }
  WF_ASSIGN_OR_RETURN(std::string source, ToNfc(request.source, "source"));
  WF_ASSIGN_OR_RETURN(auto libraries, CheckLibraries(request, limits_));
  std::string file_name = CleanFileName(request.file_name);
  auto loaded = WorkflowScript::Load(source, file_name, sandbox_, libraries);
  if (!loaded.ok()) return DefinitionRefused(loaded.status(), file_name, 1);
  std::unique_ptr<WorkflowScript> script = *std::move(loaded);
  std::vector<std::string> problems = ValidateSpec(script->spec(), file_name);
  if (!problems.empty()) {
    // A file can have thousands of problems: the first ones say enough.
    constexpr size_t kShown = 50;
    size_t shown = std::min(problems.size(), kShown);
    std::string message = absl::StrCat(
        file_name, " does not describe a valid workflow:\n  ",
        absl::StrJoin(problems.begin(), problems.begin() + shown, "\n  "));
    if (problems.size() > shown) {
      absl::StrAppend(&message, "\n  ... and ", problems.size() - shown,
                      " more");
    }
    return DefinitionRefused(absl::InvalidArgumentError(message), file_name,
                             problems.size());
  }
  const std::vector<store::LibraryRecord> pinned =
      Pinned(*script, *libraries);
  if (script->spec().plugin) {
    WF_RETURN_IF_ERROR(CheckNoProvinceData(source, file_name, pinned));
  }
  const std::string name = script->spec().name;
  std::string sha = Sha256(source);

  absl::MutexLock deploy_lock(&deploy_mu_);
  WF_ASSIGN_OR_RETURN(uint32_t latest, LatestVersion(name));
  if (latest > 0) {
    WF_ASSIGN_OR_RETURN(auto current, Get(name, latest));
    if (current->record().source_sha256() == sha &&
        SameLibraries(current->record(), pinned)) {
      return DeployResult{current->Info(true), false};
    }
  }
  if (request.validate_only) {
    store::DefinitionRecord would_be =
        NewRecord(name, latest + 1, source, sha, file_name, *script, request,
                pinned);
    Definition checked(would_be, std::move(script), sandbox_);
    return DeployResult{checked.Info(true), false};
  }
  store::DefinitionRecord record =
      NewRecord(name, latest + 1, source, sha, file_name, *script, request,
                pinned);
  WriteSet writes;
  writes.Put(Cf::kDefinitions, keys::Definition(name, record.version()),
             record.SerializeAsString());
  WF_RETURN_IF_ERROR(committer_->Commit(std::move(writes)));
  auto definition = std::make_shared<const Definition>(
      record, std::move(script), sandbox_);
  {
    absl::MutexLock lock(&mu_);
    cache_[{name, record.version()}] = definition;
  }
  RememberLatest(name, record.version());
  return DeployResult{definition->Info(true), true};
}

// A workflow that reads plugins is shared by every province: what differs
// between them (names, dates, symbols) belongs in the plugins. The shared
// libraries it requires are part of it and are checked the same way.
absl::Status DefinitionRegistry::CheckNoProvinceData(
    const std::string& source, const std::string& file_name,
    const std::vector<store::LibraryRecord>& libraries) const {
  std::vector<plugins::ForbiddenText> words;
  if (province_words_) words = province_words_();
  std::vector<std::string> problems =
      plugins::FindProvinceData(source, file_name, words);
  for (const store::LibraryRecord& library : libraries) {
    std::vector<std::string> more = plugins::FindProvinceData(
        library.source(), absl::StrCat("lib/", library.name(), ".lua"), words);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  if (problems.empty()) return absl::OkStatus();
  std::string message = absl::StrCat(
      file_name, " đọc plugin (plugin = true) nhưng tự viết dữ liệu của ",
      "tỉnh:\n", absl::StrJoin(problems, "\n"));
  return Refusal(absl::InvalidArgumentError(message),
                 reason::kWorkflowHasProvinceData)
      .With("file_name", file_name)
      .With("problems", problems.size())
      .Vietnamese(message);
}

absl::StatusOr<std::shared_ptr<const Definition>> DefinitionRegistry::Get(
    const std::string& name, uint32_t version) {
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find({name, version});
    if (it != cache_.end()) return it->second;
  }
  WF_ASSIGN_OR_RETURN(auto definition, LoadFromStore(name, version));
  absl::MutexLock lock(&mu_);
  // Another thread may have loaded it meanwhile; keep one.
  auto [it, inserted] = cache_.emplace(std::make_pair(name, version),
                                       std::move(definition));
  return it->second;
}

absl::StatusOr<std::shared_ptr<const Definition>> DefinitionRegistry::Latest(
    const std::string& name) {
  WF_ASSIGN_OR_RETURN(uint32_t latest, LatestVersion(name));
  if (latest == 0) {
    return refusals::WorkflowNotFound(name, 0);
  }
  return Get(name, latest);
}

absl::StatusOr<std::vector<std::shared_ptr<const Definition>>>
DefinitionRegistry::ListLatest() {
  std::vector<std::pair<std::string, uint32_t>> latest;
  auto it = store_->NewIterator(Cf::kDefinitions);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string name;
    uint32_t version = 0;
    if (!keys::ParseDefinition(View(it->key()), &name, &version)) {
      continue;
    }
    if (!latest.empty() && latest.back().first == name) {
      latest.back().second = version;  // keys sort by version within a name
    } else {
      latest.emplace_back(name, version);
    }
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing workflows"));
  std::vector<std::shared_ptr<const Definition>> result;
  for (const auto& [name, version] : latest) {
    WF_ASSIGN_OR_RETURN(auto definition, Get(name, version));
    result.push_back(std::move(definition));
  }
  return result;
}

absl::StatusOr<uint32_t> DefinitionRegistry::LatestVersion(
    const std::string& name) {
  if (!IsIdentifier(name)) return 0u;
  {
    absl::MutexLock lock(&mu_);
    auto it = latest_.find(name);
    if (it != latest_.end()) return it->second;
  }
  WF_ASSIGN_OR_RETURN(uint32_t version, StoredLatestVersion(name));
  if (version > 0) RememberLatest(name, version);
  return version;
}

void DefinitionRegistry::RememberLatest(const std::string& name,
                                        uint32_t version) {
  absl::MutexLock lock(&mu_);
  uint32_t& latest = latest_[name];
  latest = std::max(latest, version);
}

absl::StatusOr<uint32_t> DefinitionRegistry::StoredLatestVersion(
    const std::string& name) {
  auto it = store_->NewIterator(Cf::kDefinitions);
  it->SeekForPrev(keys::Definition(name, 0xffffffffu));
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding a workflow"));
  if (!it->Valid()) return 0u;
  std::string found;
  uint32_t version = 0;
  if (!keys::ParseDefinition(View(it->key()), &found, &version) ||
      found != name) {
    return 0u;
  }
  return version;
}

absl::StatusOr<std::shared_ptr<const Definition>>
DefinitionRegistry::LoadFromStore(const std::string& name, uint32_t version) {
  WF_ASSIGN_OR_RETURN(auto value, store_->Get(Cf::kDefinitions,
                                              keys::Definition(name, version)));
  if (!value.has_value()) {
    return refusals::WorkflowNotFound(name, version);
  }
  store::DefinitionRecord record;
  if (!record.ParseFromString(*value)) {
    return absl::DataLossError(absl::StrCat("The stored definition of '", name,
                                            "' version ", version,
                                            " does not parse"));
  }
  // It was validated when deployed; here it only has to load.
  WF_ASSIGN_OR_RETURN(
      std::unique_ptr<WorkflowScript> script,
      WorkflowScript::Load(record.source(), record.file_name(),
                           sandbox_, PinnedLibraries(record)));
  return std::make_shared<const Definition>(std::move(record),
                                            std::move(script),
                                            sandbox_);
}

}  // namespace wf
