// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/keys.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#include <vector>

namespace wf::keys {
namespace {

constexpr char kSep = '\0';
constexpr absl::string_view kIdPrefix = "wi-";
constexpr int kIdDigits = 12;

std::string Join(std::initializer_list<absl::string_view> parts) {
  std::string out;
  bool first = true;
  for (absl::string_view p : parts) {
    if (!first) out.push_back(kSep);
    out.append(p.data(), p.size());
    first = false;
  }
  return out;
}

}  // namespace

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void AppendBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint64_t ReadBigEndian64(absl::string_view b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

uint32_t ReadBigEndian32(absl::string_view b) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

std::string InstanceId(uint64_t number) {
  return absl::StrFormat("%s%0*d", kIdPrefix, kIdDigits, number);
}

std::optional<uint64_t> ParseInstanceId(absl::string_view id) {
  if (!absl::ConsumePrefix(&id, kIdPrefix) || id.size() != kIdDigits) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

std::string Definition(absl::string_view name, uint32_t version) {
  std::string key = DefinitionPrefix(name);
  AppendBigEndian32(&key, version);
  return key;
}

std::string DefinitionPrefix(absl::string_view name) {
  return absl::StrCat(name, absl::string_view("\0", 1));
}

bool ParseDefinition(absl::string_view key, std::string* name,
                     uint32_t* version) {
  size_t sep = key.find(kSep);
  if (sep == absl::string_view::npos || key.size() != sep + 1 + 4) {
    return false;
  }
  *name = std::string(key.substr(0, sep));
  *version = ReadBigEndian32(key.substr(sep + 1));
  return true;
}

std::string Plugin(absl::string_view name, uint32_t version) {
  return Definition(name, version);
}

bool ParsePlugin(absl::string_view key, std::string* name, uint32_t* version) {
  return ParseDefinition(key, name, version);
}

std::string Instance(absl::string_view id) { return std::string(id); }

std::string History(absl::string_view id, uint64_t seq) {
  std::string key = HistoryPrefix(id);
  AppendBigEndian64(&key, seq);
  return key;
}

std::string HistoryPrefix(absl::string_view id) {
  return absl::StrCat(id, absl::string_view("\0", 1));
}

std::string ByWorkflow(absl::string_view workflow, absl::string_view id) {
  return Join({"w", workflow, id});
}
std::string ByWorkflowPrefix(absl::string_view workflow) {
  return Join({"w", workflow, ""});
}
std::string ByState(absl::string_view workflow, absl::string_view state,
                    absl::string_view id) {
  return Join({"s", workflow, state, id});
}
std::string ByStatePrefix(absl::string_view workflow,
                          absl::string_view state) {
  return Join({"s", workflow, state, ""});
}
std::string ByBusinessKey(absl::string_view business_key,
                          absl::string_view id) {
  return Join({"b", business_key, id});
}
std::string ByBusinessKeyPrefix(absl::string_view business_key) {
  return Join({"b", business_key, ""});
}

absl::string_view IdFromIndexKey(absl::string_view key) {
  size_t sep = key.rfind(kSep);
  return sep == absl::string_view::npos ? key : key.substr(sep + 1);
}

std::string Child(absl::string_view parent, absl::string_view child) {
  return Join({"k", parent, child});
}
std::string ChildPrefix(absl::string_view parent) {
  return Join({"k", parent, ""});
}

std::string Counter(absl::string_view name) { return Join({"c", name}); }
std::string Claim(absl::string_view name) { return Join({"u", name}); }
std::string BusinessKeyClaim(absl::string_view workflow,
                             absl::string_view business_key) {
  return Join({"b", workflow, business_key});
}

std::string RegisterCounter(absl::string_view register_key, int32_t year) {
  std::string key = Join({"r", register_key, ""});
  AppendBigEndian32(&key, static_cast<uint32_t>(year));
  return key;
}

std::string RegisterYearPrefix(absl::string_view register_key, int32_t year) {
  std::string key = Join({register_key, ""});
  AppendBigEndian32(&key, static_cast<uint32_t>(year));
  key.push_back(kSep);
  return key;
}

std::string RegisterEntry(absl::string_view register_key, int32_t year,
                          int64_t number) {
  std::string key = RegisterYearPrefix(register_key, year);
  AppendBigEndian64(&key, static_cast<uint64_t>(number));
  return key;
}

std::string IncomingPrefix(absl::string_view unit) {
  return Join({"i", unit, ""});
}

std::string Incoming(absl::string_view unit, int64_t issued_micros,
                     absl::string_view id) {
  std::string key = IncomingPrefix(unit);
  AppendBigEndian64(&key, static_cast<uint64_t>(INT64_MAX - issued_micros));
  key.push_back(kSep);
  key.append(id.data(), id.size());
  return key;
}

std::string NoticesSeen(absl::string_view person) {
  return absl::StrCat("notices_seen/", person);
}

std::string NoticePrefix(absl::string_view recipient) {
  return Join({"n", recipient, ""});
}

std::string Notice(absl::string_view recipient, int64_t at_micros,
                   absl::string_view id, uint64_t seq, uint32_t n) {
  std::string key = NoticePrefix(recipient);
  AppendBigEndian64(&key, static_cast<uint64_t>(INT64_MAX - at_micros));
  key.push_back(kSep);
  key.append(id.data(), id.size());
  key.push_back(kSep);
  AppendBigEndian64(&key, seq);
  AppendBigEndian32(&key, n);
  return key;
}

std::string Late(absl::string_view workflow, absl::string_view id,
                 absl::string_view clock) {
  return Join({"l", workflow, id, clock});
}

std::string LatePrefix(absl::string_view workflow) {
  return workflow.empty() ? Join({"l", ""}) : Join({"l", workflow, ""});
}

bool ParseLate(absl::string_view key, std::string* workflow, std::string* id,
               std::string* clock) {
  std::vector<absl::string_view> parts = absl::StrSplit(key, '\0');
  if (parts.size() != 4 || parts[0] != "l") return false;
  *workflow = std::string(parts[1]);
  *id = std::string(parts[2]);
  *clock = std::string(parts[3]);
  return true;
}

std::string StartIdempotency(absl::string_view actor, absl::string_view key) {
  return Join({"s", actor, key});
}

std::string FireIdempotency(absl::string_view instance_id,
                            absl::string_view key) {
  return Join({"f", instance_id, key});
}

std::string Feed(uint64_t feed_seq) {
  std::string key;
  AppendBigEndian64(&key, feed_seq);
  return key;
}

std::optional<uint64_t> ParseFeed(absl::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return ReadBigEndian64(key);
}

std::string InboxUnit(absl::string_view unit) {
  std::string key(unit);
  key.push_back(kSep);
  return key;
}

std::string InboxSlot(absl::string_view unit, absl::string_view role) {
  std::string key = InboxUnit(unit);
  key.append(role.data(), role.size());
  key.push_back(kSep);
  return key;
}

std::string Inbox(absl::string_view unit, absl::string_view role,
                  int64_t due_micros, int64_t since_micros,
                  absl::string_view id) {
  std::string key = InboxSlot(unit, role);
  AppendBigEndian64(&key, static_cast<uint64_t>(due_micros));
  AppendBigEndian64(&key, static_cast<uint64_t>(since_micros));
  key.append(id.data(), id.size());
  return key;
}

absl::string_view InboxSlotOf(absl::string_view inbox_key) {
  const size_t unit_end = inbox_key.find(kSep);
  if (unit_end == absl::string_view::npos) return {};
  const size_t role_end = inbox_key.find(kSep, unit_end + 1);
  if (role_end == absl::string_view::npos) return {};
  return inbox_key.substr(0, role_end + 1);
}

std::optional<InboxEntry> ParseInboxSuffix(absl::string_view suffix) {
  if (suffix.size() <= 16) return std::nullopt;
  InboxEntry entry;
  entry.due_micros = static_cast<int64_t>(ReadBigEndian64(suffix));
  entry.since_micros = static_cast<int64_t>(ReadBigEndian64(suffix.substr(8)));
  entry.id = std::string(suffix.substr(16));
  return entry;
}

std::string Timer(int64_t due_micros, absl::string_view instance_id,
                  absl::string_view name) {
  std::string key;
  AppendBigEndian64(&key, static_cast<uint64_t>(due_micros));
  key.push_back(kSep);
  key.append(instance_id.data(), instance_id.size());
  key.push_back(kSep);
  key.append(name.data(), name.size());
  return key;
}

std::string BlobFile(absl::string_view sha256) {
  return absl::StrCat("f/", sha256);
}

std::string BlobUpload(absl::string_view upload_id) {
  return absl::StrCat("u/", upload_id);
}

std::string BlobUploadPrefix() { return "u/"; }

std::string BlobChunk(absl::string_view upload_id, uint32_t n) {
  std::string key = BlobChunkPrefix(upload_id);
  AppendBigEndian32(&key, n);
  return key;
}

std::string BlobChunkPrefix(absl::string_view upload_id) {
  return absl::StrCat("c/", upload_id, "/");
}

}  // namespace wf::keys
