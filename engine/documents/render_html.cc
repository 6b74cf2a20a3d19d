// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/render_html.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/calendar/vn_date.h"
#include "nlohmann/json.hpp"

namespace wf {
namespace {

constexpr absl::string_view kQuocHieu = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
constexpr absl::string_view kTieuNgu = "Độc lập - Tự do - Hạnh phúc";
constexpr absl::string_view kDraftMark = "DỰ THẢO";
constexpr absl::string_view kRecalledMark = "ĐÃ THU HỒI";
// What stands for the number and the day until the document is issued.
constexpr absl::string_view kBlank = "....";

// Sizes and margins are those of NĐ 30, Phụ lục I: A4, Times New Roman,
// text 13-14pt, Nơi nhận 11-12pt, margins top/bottom 20-25mm, left 30-35mm,
// right 15-20mm. On screen the page is drawn as a sheet of the same size.
constexpr absl::string_view kStyle = R"css(
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 14pt;
  line-height: 1.25; color: #000; margin: 0; }
@media screen {
  body { background: #eee; }
  .page { background: #fff; width: 165mm; min-height: 257mm; margin: 10mm auto;
    padding: 20mm 15mm 20mm 30mm; box-shadow: 0 0 4px #999; }
}
p { margin: 0; }
table { width: 100%; border-collapse: collapse; }
td { vertical-align: top; padding: 0; }
.draft { text-align: right; }
.draft span { border: 2px solid #000; padding: 1pt 6pt; font-weight: bold; }
.recalled { text-align: right; }
.recalled span { border: 2px solid #000; padding: 1pt 6pt; font-weight: bold; }
.recalled-reason { text-align: right; font-style: italic; }
.header td { text-align: center; }
.issuer { width: 40%; font-size: 13pt; }
.nation { width: 60%; }
.issuer-name, .quoc-hieu, .tieu-ngu, .mark, .type, .trich-yeu,
.signer-title, .signer-name { font-weight: bold; }
.quoc-hieu { font-size: 13pt; }
.tieu-ngu { display: inline-block; border-bottom: 1px solid #000; }
.rule { width: 35%; margin: 1pt auto 0; border-top: 1px solid #000; }
.number { margin-top: 6pt; font-size: 13pt; }
.vv { font-size: 12pt; }
.mark { display: inline-block; margin-top: 6pt; border: 1px solid #000;
  padding: 0 4pt; }
.date { margin-top: 6pt; font-style: italic; }
.title { margin-top: 18pt; text-align: center; }
.body { margin-top: 12pt; }
.body p { text-indent: 1cm; text-align: justify; margin-bottom: 6pt; }
.footer { margin-top: 12pt; page-break-inside: avoid; }
.recipients { width: 50%; font-size: 11pt; }
.recipients-title { font-size: 12pt; font-weight: bold; font-style: italic; }
.signer { width: 50%; text-align: center; }
.signature { height: 25mm; }
)css";

void AppendEscaped(std::string& out, absl::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string Escaped(absl::string_view text) {
  std::string out;
  AppendEscaped(out, text);
  return out;
}

// <tag class="cls">escaped text</tag>, on a line of its own.
std::string Element(absl::string_view tag, absl::string_view cls,
                    absl::string_view text) {
  return absl::StrCat("<", tag, " class=\"", cls, "\">", Escaped(text), "</",
                      tag, ">\n");
}

// The type's name from the data; the abbreviation itself when the data
// lacks it (an empty name is a công văn's: see IsCongVan).
std::string TypeName(const DocumentInfo& doc, const RenderOptions& options) {
  auto it = options.type_names.find(doc.type);
  return it == options.type_names.end() ? doc.type : it->second;
}

bool IsCongVan(const DocumentInfo& doc, const RenderOptions& options) {
  auto it = options.type_names.find(doc.type);
  return it != options.type_names.end() && it->second.empty();
}

bool HasNumber(const DocumentInfo& doc) {
  return doc.issued && !doc.issuance.reference.empty();
}

// "86/KH-BCĐ" once issued; "..../KH-BCĐ" before. A công văn's ký hiệu has
// no type part (NĐ 30, Phụ lục I: "Số: .../UBND-VX").
std::string Reference(const DocumentInfo& doc, const RenderOptions& options) {
  if (HasNumber(doc)) return doc.issuance.reference;
  std::vector<absl::string_view> parts;
  if (!IsCongVan(doc, options) && !doc.type.empty()) parts.push_back(doc.type);
  if (!doc.issuer_code.empty()) parts.push_back(doc.issuer_code);
  return absl::StrCat(kBlank, "/", absl::StrJoin(parts, "-"));
}

// "Bắc Ninh, ngày 05 tháng 11 năm 2025"; the day left blank until issued,
// or if the stored date cannot be read (rendering does not fail).
std::string PlaceAndDate(const DocumentInfo& doc) {
  absl::StatusOr<absl::CivilDay> day = absl::InvalidArgumentError("no date");
  if (doc.issued) day = calendar::ParseDate(doc.issuance.date);
  std::string date = day.ok() ? calendar::FormatVietnameseDate(*day)
                              : absl::StrCat("ngày ", kBlank, " tháng ", kBlank,
                                             " năm ", kBlank);
  if (doc.place.empty()) return date;
  return absl::StrCat(doc.place, ", ", date);
}

std::string Head(const DocumentInfo& doc, const RenderOptions& options) {
  std::string title =
      absl::StrCat(TypeName(doc, options), " ", Reference(doc, options));
  if (!doc.issued) title = absl::StrCat(kDraftMark, " - ", title);
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n",
      "<title>", Escaped(title), "</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<div class=\"page\">\n");
}

// Left of the header: the body above, the issuer, its rule, the number,
// then the marks of secrecy and urgency (NĐ 30 puts them under the number).
std::string IssuerCell(const DocumentInfo& doc, const RenderOptions& options) {
  std::string out = "<td class=\"issuer\">\n";
  if (!doc.parent_body.empty())
    out += Element("p", "parent-body", doc.parent_body);
  out += Element("p", "issuer-name", doc.issuer_name);
  out += "<div class=\"rule\"></div>\n";
  out += Element("p", "number", absl::StrCat("Số: ", Reference(doc, options)));
  if (IsCongVan(doc, options) && !doc.trich_yeu.empty())
    out += Element("p", "vv", absl::StrCat("V/v ", doc.trich_yeu));
  for (const std::string* mark : {&doc.secrecy, &doc.urgency}) {
    if (!mark->empty()) out += Element("p", "mark", *mark);
  }
  return out + "</td>\n";
}

std::string NationCell(const DocumentInfo& doc) {
  return absl::StrCat("<td class=\"nation\">\n",
                      Element("p", "quoc-hieu", kQuocHieu),
                      Element("p", "tieu-ngu", kTieuNgu),
                      Element("p", "date", PlaceAndDate(doc)), "</td>\n");
}

// "ĐÃ THU HỒI", the day and the reason, above a recalled document.
std::string RecalledMark(const DocumentInfo& doc) {
  const absl::CivilDay day = calendar::ToVietnamDay(doc.recall.at);
  return absl::StrCat(
      "<p class=\"recalled\"><span>", kRecalledMark, "</span></p>\n",
      Element("p", "recalled-reason",
              absl::StrCat("Thu hồi ", calendar::FormatVietnameseDate(day),
                           ": ", doc.recall.reason)));
}

std::string Header(const DocumentInfo& doc, const RenderOptions& options) {
  std::string out;
  if (!doc.issued)
    out =
        absl::StrCat("<p class=\"draft\"><span>", kDraftMark, "</span></p>\n");
  if (doc.recalled) out = RecalledMark(doc);
  return absl::StrCat(out, "<table class=\"header\">\n<tr>\n",
                      IssuerCell(doc, options), NationCell(doc),
                      "</tr>\n</table>\n");
}

// The type line and the trích yếu, centred, with a short rule under them.
// A công văn has neither: its trích yếu went under the number.
std::string Title(const DocumentInfo& doc, const RenderOptions& options) {
  if (IsCongVan(doc, options)) return "";
  return absl::StrCat("<div class=\"title\">\n",
                      Element("p", "type", TypeName(doc, options)),
                      Element("p", "trich-yeu", doc.trich_yeu),
                      "<div class=\"rule\"></div>\n</div>\n");
}

std::string Body(const DocumentInfo& doc) {
  std::string paragraphs;
  for (absl::string_view line : absl::StrSplit(doc.body_summary, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) paragraphs += Element("p", "paragraph", line);
  }
  if (paragraphs.empty()) return "";
  return absl::StrCat("<div class=\"body\">\n", paragraphs, "</div>\n");
}

// "- label (purpose);" — the list ends with "." (NĐ 30 ends Nơi nhận with
// "- Lưu: VT, ..."). Punctuation the label already ends with is dropped so
// that it is not doubled.
std::string RecipientLine(absl::string_view text, const std::string& purpose,
                          bool last) {
  absl::string_view label = absl::StripAsciiWhitespace(text);
  while (absl::ConsumeSuffix(&label, ";") || absl::ConsumeSuffix(&label, ".")) {
  }
  std::string line = absl::StrCat("- ", label);
  if (!purpose.empty()) absl::StrAppend(&line, " (", purpose, ")");
  line += last ? "." : ";";
  return Element("p", "recipient", line);
}

// The lines Nơi nhận prints, in order: a recipient's label, or its group's
// where the first recipient of that group and purpose is (a plan goes to
// 99 communes; its Nơi nhận says "UBND các xã, phường" once).
std::vector<std::pair<std::string, std::string>> RecipientLines(
    const std::vector<RecipientInfo>& recipients) {
  std::vector<std::pair<std::string, std::string>> lines;
  absl::flat_hash_set<std::pair<std::string, std::string>> groups;
  for (const RecipientInfo& r : recipients) {
    if (r.group.empty()) {
      lines.emplace_back(r.label, r.purpose);
    } else if (groups.emplace(r.group, r.purpose).second) {
      lines.emplace_back(r.group, r.purpose);
    }
  }
  return lines;
}

std::string RecipientsCell(const DocumentInfo& doc) {
  std::string out = "<td class=\"recipients\">\n";
  const auto lines = RecipientLines(doc.recipients);
  if (!lines.empty()) {
    out += Element("p", "recipients-title", "Nơi nhận:");
    for (size_t i = 0; i < lines.size(); ++i) {
      out += RecipientLine(lines[i].first, lines[i].second,
                           i + 1 == lines.size());
    }
  }
  return out + "</td>\n";
}

// The form goes before the first title line ("KT. CHÁNH VĂN PHÒNG", then
// the deputy's own title), unless the stored line already carries it.
std::vector<std::string> SignerTitleLines(const SignerInfo& signer) {
  std::vector<std::string> lines = signer.title_lines;
  if (signer.form.empty()) return lines;
  if (lines.empty()) return {signer.form};
  if (!absl::StartsWith(lines[0], absl::StrCat(signer.form, " ")))
    lines[0] = absl::StrCat(signer.form, " ", lines[0]);
  return lines;
}

std::string SignerCell(const SignerInfo& signer) {
  std::string out = "<td class=\"signer\">\n";
  for (const std::string& line : SignerTitleLines(signer)) {
    out += Element("p", "signer-title", line);
  }
  // Room for the handwritten signature and the seal.
  out += "<div class=\"signature\"></div>\n";
  out += Element("p", "signer-name", signer.name);
  return out + "</td>\n";
}

std::string Footer(const DocumentInfo& doc) {
  return absl::StrCat("<table class=\"footer\">\n<tr>\n", RecipientsCell(doc),
                      SignerCell(doc.signer), "</tr>\n</table>\n");
}

}  // namespace

absl::StatusOr<DocumentTypeNames> ParseDocumentTypeNames(
    absl::string_view json) {
  nlohmann::json data =
      nlohmann::json::parse(json.data(), json.data() + json.size(), nullptr,
                            /*allow_exceptions=*/false);
  if (data.is_discarded())
    return absl::InvalidArgumentError("document type names: not JSON");
  if (!data.is_object() || !data.contains("types") ||
      !data["types"].is_object()) {
    return absl::InvalidArgumentError(
        "document type names: expected an object with a \"types\" object");
  }
  DocumentTypeNames names;
  for (const auto& [code, name] : data["types"].items()) {
    if (code.empty())
      return absl::InvalidArgumentError(
          "document type names: an empty abbreviation");
    if (!name.is_string())
      return absl::InvalidArgumentError(absl::StrCat(
          "document type names: the name of \"", code, "\" is not a string"));
    names[code] = name.get<std::string>();
  }
  return names;
}

std::string RenderDocumentHtml(const DocumentInfo& doc,
                               const RenderOptions& options) {
  return absl::StrCat(Head(doc, options), Header(doc, options),
                      Title(doc, options), Body(doc), Footer(doc),
                      "</div>\n</body>\n</html>\n");
}

}  // namespace wf
