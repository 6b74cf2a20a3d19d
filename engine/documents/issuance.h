// Copyright the wf-engine authors. Apache-2.0.
//
// Issuing a document (NĐ 30/2020, Điều 15; docs/documents.md): the checks
// before a number is taken, the reference and date it prints, and the
// changes a step's script makes to the document, applied to the record.
// Pure functions: the number itself comes from the step's transaction
// (engine/runtime/step_host_live.h), so that it is gapless.
//
//   Json request = {{"type", "KH"}, {"issuer_code", "BCĐ"}, ...};
//   WF_RETURN_IF_ERROR(documents::CheckIssuable(request, instance_id));
//   int year = documents::IssueYear(now);                 // Vietnam time
//   int64_t n = take_number(register, year);
//   Json answer = documents::IssueAnswer(register, year, n, request, now);
//   // answer["reference"] == "05/KH-BCĐ"
#ifndef WF_DOCUMENTS_ISSUANCE_H_
#define WF_DOCUMENTS_ISSUANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/store/records.pb.h"
#include "engine/util/json.h"

namespace wf::documents {

// The document as a workflow's script reads it (ctx.document): its fields,
// signer, recipients (with acknowledged = true/false) and, once issued,
// issued = true, number, reference, year, date, date_line.
Json ToLuaView(const store::DocumentRecord& doc);

// "05/KH-BCĐ": the number, padded to two digits (Phụ lục I), then the type
// and the issuer's abbreviation.
std::string FormatReference(int64_t number, std::string_view type,
                            std::string_view issuer_code);

// The year a document issued at `at` is numbered in: Vietnam time (UTC+7),
// so the series restarts at 00:00 on 1 January there.
int IssueYear(absl::Time at);

// What ctx.document.issue asks of the host (as JSON): type, issuer_code,
// trich_yeu, place, signer_name, issued_reference (set when the document
// has its number already). FAILED_PRECONDITION with DOCUMENT_ALREADY_ISSUED
// or DOCUMENT_INCOMPLETE (naming the field) when it cannot be numbered.
absl::Status CheckIssuable(const Json& request, const std::string& register_key,
                           const std::string& instance_id);

// What the script gets back and the history records: {register, year,
// number, reference, date (YYYY-MM-DD), date_line ("Bắc Ninh, ngày 16 tháng
// 01 năm 2026")}.
Json IssueAnswer(const std::string& register_key, int year, int64_t number,
                 const Json& request, absl::Time at);

// Applies a step's changes (HistoryEventBody.document_json) to the record:
// the fields set, and for an issue the signer, the recipients and the
// number taken. INVALID_ARGUMENT for text that is not UTF-8.
absl::Status ApplyChanges(const Json& changes, store::DocumentRecord* doc);

// The issuance a step's changes carry, or nullopt.
std::optional<store::IssuedRecord> IssuedOf(const Json& changes,
                                            const std::string& actor,
                                            absl::Time at, uint64_t seq);

// The recipient line of `unit`, or nullptr.
const store::RecipientRecord* FindRecipient(const store::DocumentRecord& doc,
                                            std::string_view unit);

// Records `unit`'s acknowledgement on each of its lines not yet
// acknowledged and, for a recalled document, its confirmation of the
// recall on each line not yet confirmed.
void Acknowledge(store::DocumentRecord* doc, std::string_view unit,
                 const std::string& person, const std::string& person_name,
                 absl::Time at, uint64_t seq);

// True if `line` has nothing left to acknowledge: its receipt, and the
// recall when the document was recalled.
bool AcknowledgedAll(const store::DocumentRecord& doc,
                     const store::RecipientRecord& line);

// The event that last acknowledged on `line` (the recall's confirmation
// once the document is recalled).
uint64_t LastAcknowledgement(const store::DocumentRecord& doc,
                             const store::RecipientRecord& line);

// Applies a step's recall (changes "recall": {reason}, ctx.document.recall)
// to the record, by `actor` at `at` in event `seq`; nothing without one.
// INVALID_ARGUMENT for a reason that is not UTF-8.
absl::Status ApplyRecall(const Json& changes, const std::string& actor,
                         const std::string& actor_name, absl::Time at,
                         uint64_t seq, store::DocumentRecord* doc);

}  // namespace wf::documents

#endif  // WF_DOCUMENTS_ISSUANCE_H_
