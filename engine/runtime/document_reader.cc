// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/document_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/calendar/vn_date.h"
#include "engine/documents/document_info.h"
#include "engine/documents/issuance.h"
#include "engine/store/keys.h"
#include "engine/util/json.h"
#include "engine/util/page_token.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf {
namespace {

absl::Status BadField(absl::string_view field, absl::string_view message) {
  return ForField(absl::InvalidArgumentError(message), field,
                  reason::kInvalidField);
}

absl::Status BadToken() {
  return BadField("page_token",
                  "Expected a page token from an earlier answer to this same "
                  "query, but this one does not belong to it");
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Once issued, a document was sent to its recipient units: their people
// may read it.
bool IsRecipient(const store::DocumentRecord& doc,
                 const std::vector<std::string>& units) {
  if (!doc.has_issued()) return false;
  for (const auto& r : doc.recipients()) {
    if (!r.unit_id().empty() && Contains(units, r.unit_id())) return true;
  }
  return false;
}

IncomingInfo ToIncoming(const std::string& unit,
                        const store::InstanceRecord& record) {
  const store::DocumentRecord& doc = record.document();
  IncomingInfo info;
  info.instance_id = record.id();
  info.unit = unit;
  info.reference = doc.issued().reference();
  info.type = doc.type();
  info.trich_yeu = doc.trich_yeu();
  info.issuer_id = doc.issuer_id();
  info.issuer_name = doc.issuer_name();
  info.date = doc.issued().date();
  info.issued_at = absl::FromUnixMicros(doc.issued().issued_at_micros());
  if (const auto* line = documents::FindRecipient(doc, unit)) {
    info.purpose = line->purpose();
    info.acknowledged = line->acknowledged_at_micros() != 0;
    if (info.acknowledged) {
      info.acknowledged_at = absl::FromUnixMicros(line->acknowledged_at_micros());
      info.acknowledged_by = line->acknowledged_by();
    }
    info.recall_confirmed = line->recall_confirmed_at_micros() != 0;
  }
  info.recalled = doc.has_recall();
  if (info.recalled) info.recall_reason = doc.recall().reason();
  return info;
}

RegisterEntryInfo ToEntry(int64_t number, const store::RegisterEntryRecord& r) {
  RegisterEntryInfo e;
  e.number = number;
  e.reference = r.reference();
  e.instance_id = r.instance_id();
  e.date = r.date();
  e.type = r.type();
  e.trich_yeu = r.trich_yeu();
  e.signer_name = r.signer_name();
  e.issued_at = absl::FromUnixMicros(r.issued_at_micros());
  e.issuer_id = r.issuer_id();
  e.issued_by = r.issued_by();
  if (r.recalled_at_micros() != 0) {
    e.recalled_at = absl::FromUnixMicros(r.recalled_at_micros());
    e.recall_reason = r.recall_reason();
  }
  return e;
}

}  // namespace

std::vector<std::string> DocumentReader::UnitsOf(
    const Actor& actor, const DirectorySnapshot& directory) const {
  std::vector<std::string> units;
  if (!actor.checked() || actor.nobody()) return units;
  for (const auto& held : directory.directory.RolesOn(
           actor.id, calendar::ToVietnamDay(clock_->Now()))) {
    if (!Contains(units, held.unit_id)) units.push_back(held.unit_id);
  }
  return units;
}

absl::StatusOr<DocumentInfo> DocumentReader::Get(const std::string& id,
                                                 const Actor& actor) {
  WF_ASSIGN_OR_RETURN(store::InstanceRecord record, reader_->LoadInstance(id));
  auto directory = directory_->Current();
  if (!reader_->MayRead(actor, *directory, record, clock_->Now()) &&
      !IsRecipient(record.document(), UnitsOf(actor, *directory))) {
    return reader_->NoSuchInstance(id);
  }
  return ToDocumentInfo(id, record.document());
}

absl::StatusOr<std::vector<std::string>> DocumentReader::IncomingUnits(
    const IncomingRequest& request, const DirectorySnapshot& directory) const {
  return ListedFor(request.actor, request.unit, "unit",
                   UnitsOf(request.actor, directory),
                   "Bạn không thuộc đơn vị này nên không xem được văn bản "
                   "đến của đơn vị.");
}

absl::StatusOr<std::vector<std::string>> DocumentReader::ListedFor(
    const Actor& actor, const std::string& named, const char* field,
    std::vector<std::string> mine, const char* refusal) const {
  if (actor.nobody()) {
    return absl::PermissionDeniedError("Expected an actor, but none was given");
  }
  WF_ASSIGN_OR_RETURN(std::string name, CheckKeyText(named, field, 200));
  if (actor.kind != Actor::Kind::kPerson) {
    if (name.empty()) {
      return Refusal(absl::InvalidArgumentError(absl::StrCat(
                         "Expected `", field, "`: administrators and the "
                         "embedder name the ", field, " whose list they ",
                         "read")),
                     reason::kFieldRequired)
          .With("field", field)
          .Field(field);
    }
    return std::vector<std::string>{name};
  }
  if (name.empty()) return mine;
  if (!Contains(mine, name)) {
    return Refusal(absl::PermissionDeniedError(absl::StrCat(
                       "Expected a ", field, " that '", actor.id, "' holds a ",
                       "role in, but they hold none in '", name, "'")),
                   reason::kRoleRequired)
        .With("person", actor.id)
        .With("unit", name)
        .Vietnamese(refusal);
  }
  return std::vector<std::string>{name};
}

// The units' lists merged, newest first. Each entry's position is its key
// without the unit (time, id) then the unit: a page token holds the last
// one given. A unit's list is read whole for each page; a unit receives
// hundreds of documents a year, not millions.
absl::StatusOr<IncomingPage> DocumentReader::Incoming(
    const IncomingRequest& request) {
  WF_ASSIGN_OR_RETURN(uint32_t page_size,
                      Reader::CheckPageSize(request.page_size));
  auto directory = directory_->Current();
  WF_ASSIGN_OR_RETURN(std::vector<std::string> units,
                      IncomingUnits(request, *directory));
  std::string after;
  if (!request.page_token.empty()) {
    auto opened = OpenPageToken("incoming", request.page_token);
    if (!opened.ok()) return BadToken();
    after = *opened;
  }
  struct Found {
    std::string position;
    std::string unit;
    std::string id;
  };
  std::vector<Found> found;
  for (const std::string& unit : units) {
    const std::string prefix = keys::IncomingPrefix(unit);
    auto it = reader_->store()->NewPrefixIterator(Cf::kIndexes, prefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      std::string rest(View(it->key()).substr(prefix.size()));
      std::string id(keys::IdFromIndexKey(View(it->key())));
      found.push_back({absl::StrCat(rest, std::string(1, '\0'), unit), unit,
                       std::move(id)});
    }
    WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing incoming documents"));
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.position < b.position; });
  const absl::Time now = clock_->Now();
  IncomingPage page;
  for (const Found& f : found) {
    if (!after.empty() && f.position <= after) continue;
    if (page.documents.size() == page_size) {
      page.next_page_token = SealPageToken("incoming", after);
      break;
    }
    auto record = reader_->LoadInstance(f.id);
    if (!record.ok()) continue;
    IncomingInfo info = ToIncoming(f.unit, *record);
    if (const org::Person* p =
            directory->directory.FindPerson(info.acknowledged_by)) {
      info.acknowledged_by_name = p->name;
    }
    info.readable = reader_->MayRead(request.actor, *directory, *record, now);
    after = f.position;
    const bool waiting =
        !info.acknowledged || (info.recalled && !info.recall_confirmed);
    if (request.only_unacknowledged && !waiting) continue;
    page.documents.push_back(std::move(info));
  }
  return page;
}

absl::StatusOr<std::vector<std::string>> DocumentReader::NoticeRecipients(
    const NoticeRequest& request, const DirectorySnapshot& directory) const {
  std::vector<std::string> mine = UnitsOf(request.actor, directory);
  if (request.actor.kind == Actor::Kind::kPerson) mine.push_back(request.actor.id);
  return ListedFor(request.actor, request.recipient, "recipient",
                   std::move(mine),
                   "Bạn không thuộc đơn vị này nên không xem được thông "
                   "báo gửi đơn vị.");
}

NoticeInfo DocumentReader::ToNotice(const std::string& recipient,
                                    const store::FeedRecord& record,
                                    const Actor& actor,
                                    const DirectorySnapshot& directory) {
  NoticeInfo info;
  info.recipient = recipient;
  if (const org::OrgUnit* u = directory.tree.Find(recipient)) {
    info.recipient_name = u->name;
  } else if (const org::Person* p = directory.directory.FindPerson(recipient)) {
    info.recipient_name = p->name;
  }
  // {"kind": ..., "data": {...}}, as the step wrote it (step_writers.cc).
  absl::StatusOr<Json> effect = ParseStoredJson(record.data_json());
  if (effect.ok() && effect->is_object()) {
    info.kind = effect->value("kind", "");
    const Json data = effect->value("data", Json::object());
    info.data_json = DumpJson(data);
    if (data.is_object() && data.contains("noi_dung") &&
        data["noi_dung"].is_string()) {
      info.text = data["noi_dung"].get<std::string>();
    }
  }
  info.instance_id = record.instance_id();
  info.workflow = record.workflow();
  info.event = record.event();
  info.at = absl::FromUnixMicros(record.at_micros());
  info.actor = record.actor();
  if (const org::Person* p = directory.directory.FindPerson(info.actor)) {
    info.actor_name = p->name;
  }
  info.unit = record.unit_id();
  if (const org::OrgUnit* u = directory.tree.Find(info.unit)) {
    info.unit_name = u->name;
  }
  auto def = reader_->registry()->Get(record.workflow(),
                                      record.workflow_version());
  if (def.ok()) {
    info.workflow_title = (*def)->spec().title;
    for (const TransitionSpec& t : (*def)->spec().transitions) {
      if (t.event == info.event && !t.title.empty()) {
        info.event_title = t.title;
        break;
      }
    }
  }
  auto instance = reader_->LoadInstance(info.instance_id);
  if (instance.ok()) {
    info.trich_yeu = instance->document().trich_yeu();
    info.readable =
        reader_->MayRead(actor, directory, *instance, clock_->Now());
  }
  return info;
}

// The recipients' notices merged, newest first. Each one's position is its
// key after the recipient, then the recipient: a page token holds the last
// one given. Each recipient's list is read from there, one page at most.
absl::StatusOr<NoticePage> DocumentReader::Notices(
    const NoticeRequest& request) {
  WF_ASSIGN_OR_RETURN(uint32_t page_size,
                      Reader::CheckPageSize(request.page_size));
  auto directory = directory_->Current();
  WF_ASSIGN_OR_RETURN(std::vector<std::string> recipients,
                      NoticeRecipients(request, *directory));
  std::string after;
  if (!request.page_token.empty()) {
    auto opened = OpenPageToken("notices", request.page_token);
    if (!opened.ok()) return BadToken();
    after = *opened;
  }
  const std::string after_key = after.substr(0, after.rfind('\0'));
  struct Found {
    std::string position;
    std::string recipient;
    store::FeedRecord record;
  };
  std::vector<Found> found;
  for (const std::string& recipient : recipients) {
    const std::string prefix = keys::NoticePrefix(recipient);
    auto it = reader_->store()->NewPrefixIterator(Cf::kIndexes, prefix);
    size_t taken = 0;
    for (it->Seek(prefix + after_key);
         it->Valid() && it->key().starts_with(prefix) && taken <= page_size;
         it->Next()) {
      std::string position = absl::StrCat(
          View(it->key()).substr(prefix.size()), std::string(1, '\0'),
          recipient);
      if (!after.empty() && position <= after) continue;
      Found f{std::move(position), recipient, {}};
      if (!f.record.ParseFromArray(it->value().data(),
                                   static_cast<int>(it->value().size()))) {
        continue;
      }
      found.push_back(std::move(f));
      ++taken;
    }
    WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing notices"));
  }
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.position < b.position; });
  NoticePage page;
  if (request.actor.kind == Actor::Kind::kPerson) {
    WF_ASSIGN_OR_RETURN(page.seen_until, SeenUntil(request.actor.id));
    WF_ASSIGN_OR_RETURN(page.unread, Unread(recipients, page.seen_until));
  }
  for (const Found& f : found) {
    if (page.notices.size() == page_size) {
      page.next_page_token = SealPageToken("notices", after);
      break;
    }
    NoticeInfo& n = page.notices.emplace_back(
        ToNotice(f.recipient, f.record, request.actor, *directory));
    n.unread = page.unread > 0 && n.at > page.seen_until;
    after = f.position;
  }
  return page;
}

absl::StatusOr<absl::Time> DocumentReader::SeenUntil(
    const std::string& person) const {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> value,
                      reader_->store()->Get(Cf::kDefault,
                                            keys::NoticesSeen(person)));
  if (!value.has_value() || value->size() != 8) return absl::InfinitePast();
  return absl::FromUnixMicros(
      static_cast<int64_t>(keys::ReadBigEndian64(*value)));
}

absl::StatusOr<int> DocumentReader::Unread(
    const std::vector<std::string>& recipients, absl::Time seen) const {
  const int64_t seen_micros =
      seen == absl::InfinitePast() ? INT64_MIN : absl::ToUnixMicros(seen);
  int count = 0;
  for (const std::string& recipient : recipients) {
    const std::string prefix = keys::NoticePrefix(recipient);
    auto it = reader_->store()->NewPrefixIterator(Cf::kIndexes, prefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) &&
                           count < NoticePage::kMaxUnread;
         it->Next()) {
      const absl::string_view rest = View(it->key()).substr(prefix.size());
      if (rest.size() < 8) continue;
      const int64_t at =
          INT64_MAX - static_cast<int64_t>(keys::ReadBigEndian64(rest));
      if (at <= seen_micros) break;
      ++count;
    }
    WF_RETURN_IF_ERROR(FromRocks(it->status(), "counting unread notices"));
  }
  return count;
}

absl::StatusOr<RegisterPage> DocumentReader::Register(
    const RegisterRequest& request) {
  const Actor& actor = request.actor;
  if (actor.nobody()) {
    return absl::PermissionDeniedError("Expected an actor, but none was given");
  }
  WF_ASSIGN_OR_RETURN(std::string register_key,
                      CheckKeyText(request.register_key, "register", 200));
  if (register_key.empty()) {
    return Refusal(absl::InvalidArgumentError(
                       "Expected `register`: the register's key, as the "
                       "workflow numbers in it (e.g. \"bcd-bac-ninh\")"),
                   reason::kFieldRequired)
        .With("field", "register")
        .Field("register");
  }
  if (request.year < 1 || request.year > 9999) {
    return BadField("year", absl::StrCat("Expected `year` from 1 to 9999, ",
                                         "but got ", request.year));
  }
  WF_ASSIGN_OR_RETURN(uint32_t page_size,
                      Reader::CheckPageSize(request.page_size));
  const std::string prefix =
      keys::RegisterYearPrefix(register_key, request.year);
  std::string start = prefix;
  if (!request.page_token.empty()) {
    auto opened = OpenPageToken("register", request.page_token);
    if (!opened.ok() || !absl::StartsWith(*opened, prefix)) return BadToken();
    start = *opened;
  }
  const bool everything = actor.kind != Actor::Kind::kPerson;
  const std::vector<std::string> units =
      UnitsOf(actor, *directory_->Current());
  RegisterPage page;
  auto it = reader_->store()->NewPrefixIterator(Cf::kRegisters, prefix);
  it->Seek(start);
  if (start != prefix && it->Valid() && View(it->key()) == start) it->Next();
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (page.entries.size() == page_size) {
      page.next_page_token =
          SealPageToken("register", keys::RegisterEntry(
                                        register_key, request.year,
                                        page.entries.back().number));
      break;
    }
    store::RegisterEntryRecord entry;
    if (!entry.ParseFromString(it->value().ToString())) {
      return absl::DataLossError("A stored register entry does not parse");
    }
    if (!everything && !Contains(units, entry.issuer_id())) continue;
    const int64_t number = static_cast<int64_t>(
        keys::ReadBigEndian64(View(it->key()).substr(prefix.size())));
    page.entries.push_back(ToEntry(number, entry));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "reading a register"));
  return page;
}

}  // namespace wf
