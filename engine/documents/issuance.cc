// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/issuance.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/calendar/vn_date.h"
#include "engine/util/refusal.h"
#include "engine/util/text.h"

namespace wf::documents {
namespace {

// Text fields of the metadata: the name ctx.document uses, and the record's
// accessors. `issuer` is the unit id (issuer_id in the record).
struct TextField {
  const char* name;
  const std::string& (store::DocumentRecord::*get)() const;
  void (store::DocumentRecord::*set)(const std::string&);
};

const std::array<TextField, 11>& TextFields() {
  using R = store::DocumentRecord;
  static const std::array<TextField, 11> kFields = {{
      {"type", &R::type, &R::set_type},
      {"trich_yeu", &R::trich_yeu, &R::set_trich_yeu},
      {"issuer", &R::issuer_id, &R::set_issuer_id},
      {"issuer_name", &R::issuer_name, &R::set_issuer_name},
      {"parent_body", &R::parent_body, &R::set_parent_body},
      {"issuer_code", &R::issuer_code, &R::set_issuer_code},
      {"place", &R::place, &R::set_place},
      {"urgency", &R::urgency, &R::set_urgency},
      {"secrecy", &R::secrecy, &R::set_secrecy},
      {"body_summary", &R::body_summary, &R::set_body_summary},
      {"register", &R::register_, &R::set_register_},
  }};
  return kFields;
}

Json SignerView(const store::SignerRecord& s) {
  Json lines = Json::array();
  for (const auto& line : s.title_lines()) lines.push_back(line);
  return {{"form", s.form()},
          {"title_lines", std::move(lines)},
          {"name", s.name()},
          {"person", s.person_id()}};
}

Json RecipientView(const store::RecipientRecord& r) {
  Json view = {{"unit", r.unit_id()},
               {"label", r.label()},
               {"purpose", r.purpose()},
               {"group", r.group()},
               {"acknowledged", r.acknowledged_at_micros() != 0},
               {"recall_confirmed", r.recall_confirmed_at_micros() != 0}};
  if (r.acknowledged_at_micros() != 0) {
    view["acknowledged_by"] = r.acknowledged_by();
  }
  return view;
}

absl::Status Refuse(absl::string_view field, absl::string_view english,
                    absl::string_view vietnamese) {
  return Refusal(absl::FailedPreconditionError(absl::StrCat(
                     "Expected the document to have its ", english,
                     " before it is issued, but it is empty (set it with ",
                     "ctx.document.set or in the issue call)")),
                 reason::kDocumentIncomplete)
      .With("field", field)
      .Vietnamese(absl::StrCat("Văn bản chưa có ", vietnamese,
                               " nên chưa thể cấp số và ban hành."));
}

std::string Text(const Json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::StatusOr<std::string> Nfc(const Json& object, const char* field) {
  return ToNfc(Text(object, field), field);
}

absl::Status ApplySigner(const Json& signer, store::SignerRecord* out) {
  out->Clear();
  auto form = Nfc(signer, "form");
  auto name = Nfc(signer, "name");
  if (!form.ok()) return form.status();
  if (!name.ok()) return name.status();
  out->set_form(*form);
  out->set_name(*name);
  out->set_person_id(Text(signer, "person"));
  for (const Json& line : signer.value("title_lines", Json::array())) {
    if (!line.is_string()) continue;
    auto text = ToNfc(line.get<std::string>(), "title_lines");
    if (!text.ok()) return text.status();
    out->add_title_lines(*text);
  }
  return absl::OkStatus();
}

absl::Status ApplyRecipients(const Json& list, store::DocumentRecord* doc) {
  doc->clear_recipients();
  for (const Json& r : list) {
    store::RecipientRecord* out = doc->add_recipients();
    out->set_unit_id(Text(r, "unit"));
    auto label = Nfc(r, "label");
    auto purpose = Nfc(r, "purpose");
    auto group = Nfc(r, "group");
    if (!label.ok()) return label.status();
    if (!purpose.ok()) return purpose.status();
    if (!group.ok()) return group.status();
    out->set_label(*label);
    out->set_purpose(*purpose);
    out->set_group(*group);
  }
  return absl::OkStatus();
}

}  // namespace

Json ToLuaView(const store::DocumentRecord& doc) {
  Json view = Json::object();
  for (const TextField& f : TextFields()) view[f.name] = (doc.*f.get)();
  view["signer"] = SignerView(doc.signer());
  Json recipients = Json::array();
  for (const auto& r : doc.recipients()) recipients.push_back(RecipientView(r));
  view["recipients"] = std::move(recipients);
  view["issued"] = doc.has_issued();
  if (doc.has_issued()) {
    const store::IssuedRecord& i = doc.issued();
    view["number"] = i.number();
    view["reference"] = i.reference();
    view["year"] = i.year();
    view["date"] = i.date();
    auto day = calendar::ParseDate(i.date());
    view["date_line"] =
        day.ok() ? calendar::FormatPlaceAndDate(doc.place(), *day) : "";
  }
  view["recalled"] = doc.has_recall();
  if (doc.has_recall()) view["recall_reason"] = doc.recall().reason();
  return view;
}

std::string FormatReference(int64_t number, std::string_view type,
                            std::string_view issuer_code) {
  return absl::StrFormat("%02d/%s-%s", number, type, issuer_code);
}

int IssueYear(absl::Time at) {
  return static_cast<int>(calendar::ToVietnamDay(at).year());
}

absl::Status CheckIssuable(const Json& request, const std::string& register_key,
                           const std::string& instance_id) {
  const std::string issued = Text(request, "issued_reference");
  if (!issued.empty()) {
    return Refusal(absl::FailedPreconditionError(absl::StrCat(
                       "Expected instance '", instance_id, "' to issue its ",
                       "document once, but it was issued already as ", issued)),
                   reason::kDocumentAlreadyIssued)
        .With("instance_id", instance_id)
        .With("reference", issued)
        .Vietnamese(absl::StrCat("Văn bản đã được ban hành với số ", issued,
                                 "; không thể cấp số lần nữa."));
  }
  if (Text(request, "type").empty()) {
    return Refuse("type", "type (KH, QĐ, BC...)", "tên loại văn bản");
  }
  if (Text(request, "issuer_code").empty()) {
    return Refuse("issuer_code", "issuer's abbreviation (issuer_code)",
                  "chữ viết tắt của cơ quan ban hành");
  }
  if (Text(request, "trich_yeu").empty()) {
    return Refuse("trich_yeu", "subject line (trich_yeu)", "trích yếu");
  }
  if (Text(request, "signer_name").empty()) {
    return Refuse("signer.name", "signer's name (signer.name)",
                  "họ tên người ký");
  }
  if (register_key.empty()) {
    return Refuse("register", "register (register, or issuer as default)",
                  "sổ đăng ký văn bản");
  }
  return absl::OkStatus();
}

Json IssueAnswer(const std::string& register_key, int year, int64_t number,
                 const Json& request, absl::Time at) {
  const absl::CivilDay day = calendar::ToVietnamDay(at);
  return {{"register", register_key},
          {"year", year},
          {"number", number},
          {"reference", FormatReference(number, Text(request, "type"),
                                        Text(request, "issuer_code"))},
          {"date", calendar::FormatIsoDate(day)},
          {"date_line",
           calendar::FormatPlaceAndDate(Text(request, "place"), day)}};
}

absl::Status ApplyChanges(const Json& changes, store::DocumentRecord* doc) {
  if (!changes.is_object()) return absl::OkStatus();
  const Json set = changes.value("set", Json::object());
  for (const TextField& f : TextFields()) {
    if (!set.contains(f.name)) continue;
    auto text = Nfc(set, f.name);
    if (!text.ok()) return text.status();
    (doc->*f.set)(*text);
  }
  auto issue = changes.find("issue");
  if (issue == changes.end() || !issue->is_object()) return absl::OkStatus();
  absl::Status signed_by =
      ApplySigner(issue->value("signer", Json::object()), doc->mutable_signer());
  if (!signed_by.ok()) return signed_by;
  return ApplyRecipients(issue->value("recipients", Json::array()), doc);
}

std::optional<store::IssuedRecord> IssuedOf(const Json& changes,
                                            const std::string& actor,
                                            absl::Time at, uint64_t seq) {
  if (!changes.is_object() || !changes.contains("issue")) return std::nullopt;
  const Json taken = changes["issue"].value("taken", Json::object());
  store::IssuedRecord issued;
  issued.set_register_(Text(taken, "register"));
  issued.set_year(taken.value("year", 0));
  issued.set_number(taken.value("number", int64_t{0}));
  issued.set_reference(Text(taken, "reference"));
  issued.set_date(Text(taken, "date"));
  issued.set_issued_at_micros(absl::ToUnixMicros(at));
  issued.set_issued_by(actor);
  issued.set_event_seq(seq);
  return issued;
}

const store::RecipientRecord* FindRecipient(const store::DocumentRecord& doc,
                                            std::string_view unit) {
  if (unit.empty()) return nullptr;
  for (const auto& r : doc.recipients()) {
    if (r.unit_id() == unit) return &r;
  }
  return nullptr;
}

void Acknowledge(store::DocumentRecord* doc, std::string_view unit,
                 const std::string& person, const std::string& person_name,
                 absl::Time at, uint64_t seq) {
  const int64_t micros = absl::ToUnixMicros(at);
  for (auto& r : *doc->mutable_recipients()) {
    if (r.unit_id() != unit) continue;
    if (r.acknowledged_at_micros() == 0) {
      r.set_acknowledged_at_micros(micros);
      r.set_acknowledged_by(person);
      r.set_acknowledged_by_name(person_name);
      r.set_acknowledged_seq(seq);
    }
    if (doc->has_recall() && r.recall_confirmed_at_micros() == 0) {
      r.set_recall_confirmed_at_micros(micros);
      r.set_recall_confirmed_by(person);
      r.set_recall_confirmed_seq(seq);
    }
  }
}

bool AcknowledgedAll(const store::DocumentRecord& doc,
                     const store::RecipientRecord& line) {
  return line.acknowledged_at_micros() != 0 &&
         (!doc.has_recall() || line.recall_confirmed_at_micros() != 0);
}

uint64_t LastAcknowledgement(const store::DocumentRecord& doc,
                             const store::RecipientRecord& line) {
  return doc.has_recall() ? line.recall_confirmed_seq()
                          : line.acknowledged_seq();
}

absl::Status ApplyRecall(const Json& changes, const std::string& actor,
                         const std::string& actor_name, absl::Time at,
                         uint64_t seq, store::DocumentRecord* doc) {
  if (!changes.is_object()) return absl::OkStatus();
  auto recall = changes.find("recall");
  if (recall == changes.end() || !recall->is_object()) return absl::OkStatus();
  auto reason = Nfc(*recall, "reason");
  if (!reason.ok()) return reason.status();
  store::RecallRecord* out = doc->mutable_recall();
  out->set_at_micros(absl::ToUnixMicros(at));
  out->set_by(actor);
  out->set_by_name(actor_name);
  out->set_reason(*reason);
  out->set_event_seq(seq);
  return absl::OkStatus();
}

}  // namespace wf::documents
