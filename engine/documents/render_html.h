// Copyright the wf-engine authors. Apache-2.0.
//
// A document as an HTML page, laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I)
// lays out an administrative document, for a web console and for printing
// on A4. docs/documents.md, "Rendering".
//
// The page is self-contained (UTF-8, inline CSS, no scripts, nothing
// fetched) and every text of the document is HTML-escaped. Rendering never
// fails: a document that is not issued yet comes out as a draft ("DỰ THẢO",
// "Số: ..../KH-BCĐ", a blank day).
//
// The names of the types ("KH" -> "KẾ HOẠCH") are data, not code: the caller
// reads plugins/vn/document_types.json (or a province's own) once and parses
// it with ParseDocumentTypeNames.
//
// Example:
//   absl::StatusOr<DocumentTypeNames> names =
//       ParseDocumentTypeNames(contents_of_document_types_json);
//   if (!names.ok()) return names.status();
//   RenderOptions options;
//   options.type_names = *std::move(names);
//   std::string html = RenderDocumentHtml(doc, options);
#ifndef WF_DOCUMENTS_RENDER_HTML_H_
#define WF_DOCUMENTS_RENDER_HTML_H_

#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "wf/types.h"

namespace wf {

// A type's abbreviation, as in the số, ký hiệu ("KH", "QĐ", "TTr"), to its
// name in full as the type line writes it ("KẾ HOẠCH"). An empty name marks
// a công văn: no type line, the trích yếu goes under the number as
// "V/v <trích yếu>", and a draft's ký hiệu has no type part.
using DocumentTypeNames = std::map<std::string, std::string, std::less<>>;

struct RenderOptions {
  // A type missing here is written as its abbreviation, so that the gap is
  // seen on the page rather than hidden.
  DocumentTypeNames type_names;
};

// Parses the type-name data: a JSON object whose "types" member maps each
// abbreviation to its name ({"types": {"KH": "KẾ HOẠCH", "CV": ""}}); other
// members (a "note") are ignored. INVALID_ARGUMENT, saying what is wrong,
// for text that is not JSON, a missing or non-object "types", an empty
// abbreviation or a name that is not a string.
absl::StatusOr<DocumentTypeNames> ParseDocumentTypeNames(
    absl::string_view json);

// The document as a complete HTML5 page (UTF-8). In order: a "DỰ THẢO" mark
// if not issued; the header table (issuer with "Số:", độ mật and độ khẩn on
// the left; quốc hiệu, tiêu ngữ and the place-and-date line on the right);
// the type and trích yếu; the body summary, one paragraph per non-empty
// line; Nơi nhận on the left beside the signer block on the right.
//
// The number is doc.issuance.reference when doc.issued and it is set, else
// dots; the date is doc.issuance.date (YYYY-MM-DD) when issued, written as
// FormatPlaceAndDate does ("ngày 05 tháng 02 năm 2026"), else left blank.
// The signer's form ("KT.", "TM."...) is put before the first title line
// unless that line already starts with it. Each recipient is a line
// "- label (purpose);", the last ending with "." instead; recipients of a
// group print one line, "- group (purpose);", where the group's first is.
std::string RenderDocumentHtml(const DocumentInfo& doc,
                               const RenderOptions& options);

}  // namespace wf

#endif  // WF_DOCUMENTS_RENDER_HTML_H_
