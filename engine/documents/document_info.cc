// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/document_info.h"

#include "engine/util/sha256.h"

namespace wf {
namespace {

std::vector<std::string> Lines(
    const google::protobuf::RepeatedPtrField<std::string>& lines) {
  return {lines.begin(), lines.end()};
}

SignerInfo ToSignerInfo(const store::SignerRecord& record) {
  SignerInfo signer;
  signer.form = record.form();
  signer.title_lines = Lines(record.title_lines());
  signer.name = record.name();
  signer.person_id = record.person_id();
  return signer;
}

RecipientInfo ToRecipientInfo(const store::RecipientRecord& record) {
  RecipientInfo recipient;
  recipient.unit_id = record.unit_id();
  recipient.label = record.label();
  recipient.purpose = record.purpose();
  recipient.group = record.group();
  if (record.acknowledged_at_micros() != 0) {
    recipient.acknowledged_at =
        absl::FromUnixMicros(record.acknowledged_at_micros());
  }
  recipient.acknowledged_by = record.acknowledged_by();
  recipient.acknowledged_by_name = record.acknowledged_by_name();
  if (record.recall_confirmed_at_micros() != 0) {
    recipient.recall_confirmed_at =
        absl::FromUnixMicros(record.recall_confirmed_at_micros());
  }
  recipient.recall_confirmed_by = record.recall_confirmed_by();
  return recipient;
}

IssuedInfo ToIssuedInfo(const store::IssuedRecord& record) {
  IssuedInfo issued;
  issued.register_key = record.register_();
  issued.year = record.year();
  issued.number = record.number();
  issued.reference = record.reference();
  issued.date = record.date();
  issued.issued_at = absl::FromUnixMicros(record.issued_at_micros());
  issued.issued_by = record.issued_by();
  issued.event_seq = record.event_seq();
  return issued;
}

}  // namespace

FileVersionInfo ToFileVersionInfo(const store::FileVersionRecord& record) {
  FileVersionInfo file;
  file.version = record.version();
  file.name = record.name();
  file.size = record.size();
  file.media_type = record.media_type();
  file.sha256_hex = ToHex(record.sha256());
  file.added_by = record.added_by();
  file.added_at = absl::FromUnixMicros(record.added_at_micros());
  file.event_seq = record.event_seq();
  return file;
}

DocumentInfo ToDocumentInfo(const std::string& instance_id,
                            const store::DocumentRecord& record) {
  DocumentInfo doc;
  doc.instance_id = instance_id;
  doc.type = record.type();
  doc.trich_yeu = record.trich_yeu();
  doc.issuer_id = record.issuer_id();
  doc.issuer_name = record.issuer_name();
  doc.parent_body = record.parent_body();
  doc.issuer_code = record.issuer_code();
  doc.place = record.place();
  doc.urgency = record.urgency();
  doc.secrecy = record.secrecy();
  doc.signer = ToSignerInfo(record.signer());
  for (const auto& r : record.recipients()) {
    doc.recipients.push_back(ToRecipientInfo(r));
  }
  doc.issued = record.has_issued();
  if (doc.issued) doc.issuance = ToIssuedInfo(record.issued());
  doc.recalled = record.has_recall();
  if (doc.recalled) {
    const store::RecallRecord& r = record.recall();
    doc.recall.at = absl::FromUnixMicros(r.at_micros());
    doc.recall.by = r.by();
    doc.recall.by_name = r.by_name();
    doc.recall.reason = r.reason();
  }
  doc.body_summary = record.body_summary();
  doc.register_key = record.register_();
  for (const auto& s : record.slots()) {
    FileSlotInfo slot;
    slot.slot = s.slot();
    for (const auto& v : s.versions()) {
      slot.versions.push_back(ToFileVersionInfo(v));
    }
    doc.slots.push_back(std::move(slot));
  }
  return doc;
}

}  // namespace wf
