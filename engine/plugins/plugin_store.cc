// Copyright the wf-engine authors. Apache-2.0.
#include "engine/plugins/plugin_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "engine/calendar/calendar_rules.h"
#include "engine/org/org_tree.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf::plugins {
namespace {

// What one plugin folder may hold in all: the org files of a province are
// a few hundred kilobytes.
constexpr size_t kMaxPluginBytes = 16u << 20;

std::string Located(int line, const std::string& message) {
  return absl::StrCat(kManifestFile, ":", line, ": ", message);
}

const PluginFile* FindFile(const PluginDeployRequest& request,
                           const std::string& path) {
  for (const PluginFile& f : request.files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// "dòng 3: ..." of file `file` becomes "don_vi.csv:3: ...".
std::string FileLineProblem(const std::string& file, absl::string_view rest) {
  if (absl::ConsumePrefix(&rest, "dòng ")) {
    size_t digits = 0;
    while (digits < rest.size() && absl::ascii_isdigit(rest[digits])) {
      ++digits;
    }
    if (digits > 0 && rest.substr(digits, 2) == ": ") {
      return absl::StrCat(file, ":", rest.substr(0, digits), ": ",
                          rest.substr(digits + 2));
    }
    return absl::StrCat(file, ": dòng ", rest);
  }
  return absl::StrCat(file, ": ", rest);
}

// The directory import names its source, then one problem a line:
// "nguồn 'bac_ninh/don_vi.csv' (units): dòng 3: ...\ndòng 9: ..." becomes
// "don_vi.csv:3: ..." and "don_vi.csv:9: ...". Other problems (two files
// that disagree) are the manifest's `org` list's.
std::vector<std::string> OrgProblems(const std::string& prefix,
                                     absl::string_view message, int org_line) {
  absl::string_view rest = message;
  const std::string head = absl::StrCat("nguồn '", prefix);
  if (absl::ConsumePrefix(&rest, head)) {
    size_t quote = rest.find('\'');
    size_t colon = rest.find("): ");
    if (quote != absl::string_view::npos && colon != absl::string_view::npos) {
      std::string file(rest.substr(0, quote));
      rest.remove_prefix(colon + 3);
      std::vector<std::string> problems;
      for (absl::string_view line : absl::StrSplit(rest, '\n')) {
        problems.push_back(FileLineProblem(file, line));
      }
      return problems;
    }
  }
  return {Located(org_line, absl::StrCat("cây tổ chức không dựng được với ",
                                         "các tệp của plugin: ", message))};
}

// One digest of every path and file, in the record's order.
std::string DigestOf(const store::PluginRecord& record) {
  Sha256Hasher h;
  for (const store::PluginFileRecord& f : record.files()) {
    h.Update(absl::StrCat(f.path(), std::string(1, '\0'),
                          f.content().size(), std::string(1, '\0')));
    h.Update(f.content());
  }
  return h.Finish();
}

// PLUGIN_INVALID with every problem, one a line.
absl::Status Invalid(const std::string& name,
                     const std::vector<std::string>& problems) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "plugin '", name, "' có ", problems.size(), " lỗi:\n",
                     absl::StrJoin(problems, "\n"))),
                 reason::kPluginInvalid)
      .With("plugin", name)
      .With("problems", problems.size());
}

absl::Status NotFound(const std::string& name, uint32_t version) {
  std::string what = version == 0
                         ? absl::StrCat("plugin '", name, "'")
                         : absl::StrCat("plugin '", name, "' version ", version);
  return Refusal(absl::NotFoundError(absl::StrCat(
                     "Expected a deployed plugin, but ", what,
                     " does not exist")),
                 reason::kPluginNotFound)
      .With("plugin", name)
      .With("version", version);
}

}  // namespace

PluginStore::PluginStore(Store* store, Committer* committer,
                         DirectoryStore* directory, Clock* clock,
                         const SandboxOptions& sandbox,
                         DeclaredHooks declared_hooks)
    : store_(store),
      committer_(committer),
      directory_(directory),
      clock_(clock),
      sandbox_(sandbox),
      declared_hooks_(std::move(declared_hooks)) {}

absl::Status PluginStore::Load() {
  std::map<std::string, uint32_t> versions;
  auto it = store_->NewIterator(Cf::kPlugins);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string name;
    uint32_t version = 0;
    if (keys::ParsePlugin(View(it->key()), &name, &version)) {
      versions[name] = std::max(versions[name], version);
    }
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing plugins"));
  std::map<std::string, Latest> latest;
  for (const auto& [name, version] : versions) {
    WF_ASSIGN_OR_RETURN(store::PluginRecord record, Read(name, version));
    ManifestCheck checked = CheckManifest(
        record.files(0).content(), name, sandbox_);
    latest[name] = {version, record.province(), record.title(),
                    std::move(checked.manifest)};
  }
  absl::MutexLock lock(&mu_);
  latest_ = std::move(latest);
  return absl::OkStatus();
}

void PluginStore::CheckFiles(const PluginDeployRequest& request,
                             Checked* out) const {
  std::set<std::string> paths;
  size_t bytes = 0;
  for (const PluginFile& f : request.files) {
    bytes += f.content.size();
    if (!paths.insert(f.path).second) {
      out->problems.push_back(absl::StrCat(f.path, ": tệp được gửi hai lần"));
    }
  }
  if (bytes > kMaxPluginBytes) {
    out->problems.push_back(absl::StrCat(
        kManifestFile, ":1: các tệp của plugin có ", bytes, " byte, quá giới ",
        "hạn ", kMaxPluginBytes, " byte"));
  }
  if (!IsIdentifier(request.name)) {
    out->problems.push_back(Located(1, absl::StrCat(
        "tên thư mục plugin '", request.name, "' phải là tên viết thường ",
        "[a-z][a-z0-9_]*")));
  }
}

void PluginStore::CheckOrg(const PluginDeployRequest& request,
                           Checked* out) const {
  const Manifest& m = out->manifest;
  std::set<std::string> named = {kManifestFile};
  bool complete = true;
  int first_line = 1;
  for (size_t i = 0; i < m.org.size(); ++i) {
    const OrgFileSpec& spec = m.org[i];
    if (i == 0) first_line = spec.line;
    if (spec.file.empty()) {
      complete = false;
      continue;
    }
    if (!named.insert(spec.file).second) {
      out->problems.push_back(Located(spec.line, absl::StrCat(
          "org[", i + 1, "]: tệp '", spec.file, "' được nêu hai lần")));
      complete = false;
      continue;
    }
    const PluginFile* file = FindFile(request, spec.file);
    if (file == nullptr) {
      out->problems.push_back(Located(spec.line, absl::StrCat(
          "org[", i + 1, "]: tệp '", spec.file, "' không có trong thư mục ",
          "plugin")));
      complete = false;
      continue;
    }
    store::DirectorySource s;
    s.set_name(absl::StrCat(request.name, "/", spec.file));
    s.set_format(spec.format);
    s.set_csv(file->content);
    s.set_province_id(m.province);
    s.set_province_name(spec.province_name.empty()
                            ? ProvincePlaceName(m.title)
                            : spec.province_name);
    s.set_valid_from(spec.valid_from);
    s.set_valid_to(spec.valid_to);
    s.set_imported_at_micros(absl::ToUnixMicros(clock_->Now()));
    s.set_imported_by(request.actor.id);
    out->sources.push_back(std::move(s));
    store::PluginFileRecord* kept = out->record.add_files();
    kept->set_path(spec.file);
    kept->set_content(file->content);
  }
  // Other files of the folder (a README, notes) are neither checked nor
  // stored: wfctl sends the whole folder, without running the manifest.
  if (!complete || m.province.empty()) return;
  const std::string prefix = absl::StrCat(request.name, "/");
  auto snapshot = directory_->CheckGroup(prefix, out->sources);
  if (!snapshot.ok()) {
    for (std::string& p :
         OrgProblems(prefix, snapshot.status().message(), first_line)) {
      out->problems.push_back(std::move(p));
    }
    return;
  }
  const org::OrgUnit* unit = (*snapshot)->tree.Find(m.province);
  if (unit == nullptr || unit->kind != org::kKindTinh) {
    out->problems.push_back(Located(
        LineOfKey(out->record.files(0).content(), {"province"}),
        absl::StrCat("province '", m.province, "' không phải là một tỉnh ",
                     "(đơn vị loại tinh) trong cây tổ chức, kể cả các tệp ",
                     "org của plugin")));
  }
}

// The plugin's `lich`: a file of its folder in the format of
// docs/calendar.md, laid over the national calendar; kept in the record
// beside the org files.
void PluginStore::CheckCalendar(const PluginDeployRequest& request,
                                Checked* out) const {
  const Manifest& m = out->manifest;
  if (m.calendar_file.empty()) return;
  bool taken = m.calendar_file == kManifestFile;
  for (const OrgFileSpec& spec : m.org) {
    taken = taken || spec.file == m.calendar_file;
  }
  if (taken) {
    out->problems.push_back(Located(m.calendar_line, absl::StrCat(
        "lich: tệp '", m.calendar_file, "' đã dùng cho việc khác (plugin.lua ",
        "hoặc org); lịch cần một tệp JSON riêng")));
    return;
  }
  const PluginFile* file = FindFile(request, m.calendar_file);
  if (file == nullptr) {
    out->problems.push_back(Located(m.calendar_line, absl::StrCat(
        "lich: tệp '", m.calendar_file, "' không có trong thư mục plugin")));
    return;
  }
  auto text = ToNfc(file->content, m.calendar_file);
  absl::Status built = text.status();
  if (text.ok()) built = BuildCalendar(*text).status();
  if (!built.ok()) {
    out->problems.push_back(absl::StrCat(
        m.calendar_file, ": lịch riêng của tỉnh không dùng được: ",
        built.message()));
    return;
  }
  store::PluginFileRecord* kept = out->record.add_files();
  kept->set_path(m.calendar_file);
  kept->set_content(*text);
  out->record.set_calendar_file(m.calendar_file);
}

absl::StatusOr<std::shared_ptr<const calendar::WorkCalendar>>
PluginStore::BuildCalendar(absl::string_view json) const {
  WF_ASSIGN_OR_RETURN(calendar::CalendarRules province,
                      calendar::ParseProvinceCalendarRules(
                          std::string_view(json.data(), json.size())));
  const calendar::CalendarRules national =
      sandbox_.calendar != nullptr ? sandbox_.calendar->rules()
                                   : calendar::CalendarRules{};
  WF_ASSIGN_OR_RETURN(
      calendar::WorkCalendar overlaid,
      calendar::WorkCalendar::Create(calendar::OverlayRules(national, province)));
  return std::make_shared<const calendar::WorkCalendar>(std::move(overlaid));
}

absl::StatusOr<std::shared_ptr<const PluginSource>> PluginStore::MakeSource(
    const store::PluginRecord& record) const {
  auto source = std::make_shared<PluginSource>();
  source->name = record.name();
  source->version = record.version();
  source->manifest = record.files(0).content();
  if (record.calendar_file().empty()) return source;
  for (const store::PluginFileRecord& f : record.files()) {
    if (f.path() != record.calendar_file()) continue;
    auto calendar = BuildCalendar(f.content());
    if (!calendar.ok()) {
      return absl::DataLossError(absl::StrCat(
          "plugin '", record.name(), "' version ", record.version(),
          ": its stored calendar no longer builds: ",
          calendar.status().message()));
    }
    source->calendar = *std::move(calendar);
    source->calendar_version =
        absl::StrCat(record.name(), "@", record.version());
  }
  return source;
}

void PluginStore::CheckHooks(Checked* out) const {
  if (out->manifest.hooks.empty()) return;
  auto declared = declared_hooks_();
  if (!declared.ok()) {
    out->problems.push_back(Located(1, std::string(declared.status().message())));
    return;
  }
  std::set<std::string> known(declared->begin(), declared->end());
  const std::string list =
      known.empty() ? "chưa có hook nào" : absl::StrJoin(known, ", ");
  for (const HookSpec& hook : out->manifest.hooks) {
    if (known.count(hook.name) > 0) continue;
    out->problems.push_back(Located(hook.line, absl::StrCat(
        "hook '", hook.name, "' không có workflow nào khai báo (các hook ",
        "đang có: ", list, ")")));
  }
}

// One plugin per province: a document finds its plugin by its province.
void PluginStore::CheckProvince(const std::string& name, Checked* out) {
  absl::MutexLock lock(&mu_);
  for (const auto& [other, latest] : latest_) {
    if (other != name && !out->manifest.province.empty() &&
        latest.province == out->manifest.province) {
      out->problems.push_back(Located(1, absl::StrCat(
          "tỉnh '", latest.province, "' đã có plugin '", other, "': mỗi ",
          "tỉnh một plugin")));
    }
  }
}

PluginStore::Checked PluginStore::Check(const PluginDeployRequest& request) {
  Checked out;
  const PluginFile* manifest = FindFile(request, kManifestFile);
  if (manifest == nullptr) {
    out.problems.push_back(absl::StrCat(
        kManifestFile, ": thiếu tệp plugin.lua (bản khai của plugin)"));
    CheckFiles(request, &out);
    return out;
  }
  auto source = ToNfc(manifest->content, kManifestFile);
  if (!source.ok()) {
    out.problems.push_back(Located(1, "plugin.lua không phải văn bản UTF-8"));
    return out;
  }
  store::PluginFileRecord* kept = out.record.add_files();
  kept->set_path(kManifestFile);
  kept->set_content(*source);
  ManifestCheck checked = CheckManifest(*source, request.name, sandbox_);
  out.problems = std::move(checked.problems);
  out.manifest = std::move(checked.manifest);
  CheckFiles(request, &out);
  CheckOrg(request, &out);
  CheckCalendar(request, &out);
  CheckHooks(&out);
  CheckProvince(request.name, &out);
  out.record.set_name(request.name);
  out.record.set_title(out.manifest.title);
  out.record.set_province(out.manifest.province);
  out.record.set_sha256(DigestOf(out.record));
  return out;
}

absl::StatusOr<PluginDeployResult> PluginStore::Deploy(
    const PluginDeployRequest& request) {
  absl::MutexLock deploy_lock(&deploy_mu_);
  Checked checked = Check(request);
  if (!checked.problems.empty()) {
    return Invalid(request.name, checked.problems);
  }
  store::PluginRecord& record = checked.record;
  WF_ASSIGN_OR_RETURN(uint32_t latest, LatestVersion(request.name));
  if (latest > 0) {
    WF_ASSIGN_OR_RETURN(store::PluginRecord current,
                        Read(request.name, latest));
    if (current.sha256() == record.sha256()) {
      return PluginDeployResult{Info(current, true), false};
    }
  }
  record.set_version(latest + 1);
  record.set_deployed_at_micros(absl::ToUnixMicros(clock_->Now()));
  record.set_deployed_by(request.actor.id);
  if (request.validate_only) {
    return PluginDeployResult{Info(record, true), false};
  }
  WriteSet extra;
  extra.Put(Cf::kPlugins, keys::Plugin(request.name, record.version()),
            record.SerializeAsString());
  auto replaced = directory_->ReplaceGroup(
      absl::StrCat(request.name, "/"), checked.sources, std::move(extra),
      request.actor.id);
  if (!replaced.ok()) {
    if (!absl::IsInvalidArgument(replaced.status())) return replaced.status();
    // The directory changed since the check.
    return Invalid(request.name,
                   OrgProblems(absl::StrCat(request.name, "/"),
                               replaced.status().message(), 1));
  }
  WF_ASSIGN_OR_RETURN(std::shared_ptr<const PluginSource> source,
                      MakeSource(record));
  absl::MutexLock lock(&mu_);
  latest_[request.name] = {record.version(), record.province(),
                           record.title(), checked.manifest};
  sources_[{request.name, record.version()}] = std::move(source);
  return PluginDeployResult{Info(record, true), true};
}

absl::StatusOr<std::vector<PluginInfo>> PluginStore::List() {
  std::vector<std::pair<std::string, uint32_t>> names;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, latest] : latest_) {
      names.emplace_back(name, latest.version);
    }
  }
  std::vector<PluginInfo> result;
  for (const auto& [name, version] : names) {
    WF_ASSIGN_OR_RETURN(store::PluginRecord record, Read(name, version));
    result.push_back(Info(record, false));
  }
  return result;
}

absl::StatusOr<PluginInfo> PluginStore::Get(const std::string& name,
                                            uint32_t version) {
  if (version == 0) {
    WF_ASSIGN_OR_RETURN(version, LatestVersion(name));
    if (version == 0) return NotFound(name, 0);
  }
  WF_ASSIGN_OR_RETURN(store::PluginRecord record, Read(name, version));
  return Info(record, true);
}

absl::StatusOr<std::shared_ptr<const PluginSource>> PluginStore::Source(
    const std::string& name, uint32_t version) {
  {
    absl::MutexLock lock(&mu_);
    auto it = sources_.find({name, version});
    if (it != sources_.end()) return it->second;
  }
  WF_ASSIGN_OR_RETURN(store::PluginRecord record, Read(name, version));
  WF_ASSIGN_OR_RETURN(std::shared_ptr<const PluginSource> source,
                      MakeSource(record));
  absl::MutexLock lock(&mu_);
  return sources_.emplace(std::make_pair(name, version), source).first->second;
}

absl::StatusOr<std::shared_ptr<const PluginSource>> PluginStore::ForProvince(
    const std::string& province_id) {
  std::string name;
  uint32_t version = 0;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [n, latest] : latest_) {
      if (latest.province == province_id) {
        name = n;
        version = latest.version;
      }
    }
  }
  if (version == 0) return std::shared_ptr<const PluginSource>();
  return Source(name, version);
}

std::vector<ForbiddenText> PluginStore::ForbiddenWords() {
  std::vector<ForbiddenText> words;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, latest] : latest_) {
    words.push_back({latest.title, absl::StrCat("tên của plugin '", name,
                                                "' (title)")});
    words.push_back({latest.manifest.dia_danh,
                     absl::StrCat("địa danh của plugin '", name,
                                  "' (dia_danh)")});
    for (const std::string& symbol : latest.manifest.symbols) {
      words.push_back({symbol, absl::StrCat("ký hiệu sổ của plugin '", name,
                                            "' (ky_hieu)")});
    }
  }
  return words;
}

absl::StatusOr<store::PluginRecord> PluginStore::Read(const std::string& name,
                                                      uint32_t version) const {
  if (!IsIdentifier(name)) return NotFound(name, version);
  WF_ASSIGN_OR_RETURN(auto value,
                      store_->Get(Cf::kPlugins, keys::Plugin(name, version)));
  if (!value.has_value()) return NotFound(name, version);
  store::PluginRecord record;
  if (!record.ParseFromString(*value) || record.files_size() == 0) {
    return absl::DataLossError(absl::StrCat("The stored plugin '", name,
                                            "' version ", version,
                                            " does not parse"));
  }
  return record;
}

absl::StatusOr<uint32_t> PluginStore::LatestVersion(
    const std::string& name) const {
  if (!IsIdentifier(name)) return 0u;
  auto it = store_->NewIterator(Cf::kPlugins);
  it->SeekForPrev(keys::Plugin(name, 0xffffffffu));
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding a plugin"));
  if (!it->Valid()) return 0u;
  std::string found;
  uint32_t version = 0;
  if (!keys::ParsePlugin(View(it->key()), &found, &version) || found != name) {
    return 0u;
  }
  return version;
}

PluginInfo PluginStore::Info(const store::PluginRecord& record,
                             bool with_manifest) const {
  PluginInfo info;
  info.name = record.name();
  info.version = record.version();
  info.title = record.title();
  info.province = record.province();
  for (const store::PluginFileRecord& f : record.files()) {
    info.files.push_back(f.path());
  }
  info.sha256 = ToHex(record.sha256());
  info.deployed_at = absl::FromUnixMicros(record.deployed_at_micros());
  info.deployed_by = record.deployed_by();
  if (with_manifest && record.files_size() > 0) {
    info.manifest = record.files(0).content();
  }
  return info;
}

}  // namespace wf::plugins
