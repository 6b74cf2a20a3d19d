// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/csv.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"

namespace wf::org {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

absl::Status LineError(int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("dòng ", line, ": ", why));
}

// One pass over the text; `line_` counts every line feed, inside quotes too,
// so that errors name the line an editor shows.
class CsvParser {
 public:
  explicit CsvParser(absl::string_view text) : text_(text) {
    if (absl::StartsWith(text_, kBom)) pos_ = kBom.size();
  }

  absl::StatusOr<std::vector<CsvRecord>> Run() {
    std::vector<CsvRecord> records;
    while (pos_ < text_.size()) {
      CsvRecord record;
      record.line = line_;
      bool blank = false;
      WF_RETURN_IF_ERROR(ReadRecord(&record, &blank));
      if (!blank) records.push_back(std::move(record));
    }
    return records;
  }

 private:
  absl::Status ReadRecord(CsvRecord* record, bool* blank) {
    bool any_quoted = false;
    for (;;) {
      std::string field;
      bool quoted = pos_ < text_.size() && text_[pos_] == '"';
      WF_RETURN_IF_ERROR(quoted ? ReadQuoted(&field) : ReadPlain(&field));
      any_quoted |= quoted;
      record->fields.push_back(std::move(field));
      bool more = false;
      WF_RETURN_IF_ERROR(ReadDelimiter(&more));
      if (!more) break;
    }
    *blank =
        !any_quoted && record->fields.size() == 1 && record->fields[0].empty();
    return absl::OkStatus();
  }

  // After a field: a comma (`more`), the end of the record, or an error.
  absl::Status ReadDelimiter(bool* more) {
    *more = false;
    if (pos_ == text_.size()) return absl::OkStatus();
    char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      *more = true;
      return absl::OkStatus();
    }
    if (c == '\n' || (c == '\r' && Next() == '\n')) {
      pos_ += c == '\r' ? 2 : 1;
      ++line_;
      return absl::OkStatus();
    }
    if (c == '\r') {
      return LineError(line_, "ký tự CR đứng riêng, không có LF theo sau");
    }
    return LineError(line_,
                     "sau dấu ngoặc kép đóng phải là dấu phẩy hoặc xuống "
                     "dòng");
  }

  absl::Status ReadPlain(std::string* field) {
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ',' || c == '\n' || c == '\r') break;
      if (c == '"') {
        return LineError(line_,
                         "dấu ngoặc kép nằm giữa một trường không mở bằng "
                         "ngoặc kép; hãy bao cả trường trong ngoặc kép và "
                         "viết \"\" cho mỗi dấu ngoặc kép bên trong");
      }
      ++pos_;
    }
    field->assign(text_.data() + start, pos_ - start);
    return absl::OkStatus();
  }

  // Requires: text_[pos_] == '"'.
  absl::Status ReadQuoted(std::string* field) {
    int opened_on = line_;
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '"' && Next() == '"') {
        field->push_back('"');
        pos_ += 2;
        continue;
      }
      ++pos_;
      if (c == '"') return absl::OkStatus();
      if (c == '\n') ++line_;
      field->push_back(c);
    }
    return LineError(opened_on, absl::StrCat("dấu ngoặc kép mở ở dòng ",
                                             opened_on, " không được đóng"));
  }

  char Next() const { return pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0'; }

  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

// Trimmed, checked, NFC.
absl::StatusOr<std::string> CleanValue(absl::string_view raw, int line,
                                       absl::string_view column) {
  absl::string_view value = raw;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  std::string where = absl::StrCat("cột '", column, "': ");
  if (!IsValidUtf8(value)) {
    return LineError(line, absl::StrCat(where, "có byte không phải văn bản ",
                                        "UTF-8 hợp lệ"));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      return LineError(
          line, absl::StrCat(where, "có ký tự điều khiển (mã ", int{c}, ")"));
    }
  }
  absl::StatusOr<std::string> nfc = ToNfc(value, column);
  if (!nfc.ok()) {
    return LineError(line, absl::StrCat(where, "không chuẩn hóa NFC được"));
  }
  return nfc;
}

// For each wanted column, its position in the header.
absl::StatusOr<std::vector<size_t>> MapHeader(
    const CsvRecord& header, absl::Span<const absl::string_view> columns) {
  std::string expected = absl::StrJoin(columns, ",");
  std::vector<std::string> names;
  for (const std::string& raw : header.fields) {
    WF_ASSIGN_OR_RETURN(std::string name,
                        CleanValue(raw, header.line, "tiêu đề"));
    names.push_back(std::move(name));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    bool known =
        std::find(columns.begin(), columns.end(), names[i]) != columns.end();
    if (!known) {
      return LineError(header.line,
                       absl::StrCat("cột '", names[i], "' không có trong ",
                                    "định dạng; cần các cột: ", expected));
    }
    if (std::find(names.begin(), names.begin() + i, names[i]) !=
        names.begin() + i) {
      return LineError(header.line,
                       absl::StrCat("cột '", names[i], "' lặp lại"));
    }
  }
  std::vector<size_t> positions;
  for (absl::string_view column : columns) {
    auto it = std::find(names.begin(), names.end(), column);
    if (it == names.end()) {
      return LineError(header.line, absl::StrCat("thiếu cột '", column,
                                                 "'; cần các cột: ", expected));
    }
    positions.push_back(static_cast<size_t>(it - names.begin()));
  }
  return positions;
}

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  return CsvParser(text).Run();
}

absl::StatusOr<std::vector<CsvRow>> ReadCsvTable(
    absl::string_view text, absl::Span<const absl::string_view> columns) {
  WF_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(text));
  if (records.empty()) {
    return LineError(1, absl::StrCat("tệp trống; cần dòng tiêu đề ",
                                     absl::StrJoin(columns, ",")));
  }
  WF_ASSIGN_OR_RETURN(std::vector<size_t> positions,
                      MapHeader(records[0], columns));
  size_t width = records[0].fields.size();
  std::vector<CsvRow> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (record.fields.size() != width) {
      return LineError(record.line,
                       absl::StrCat("có ", record.fields.size(), " cột, cần ",
                                    width, " cột như dòng tiêu đề (",
                                    absl::StrJoin(columns, ","), ")"));
    }
    CsvRow row;
    row.line = record.line;
    for (size_t c = 0; c < columns.size(); ++c) {
      WF_ASSIGN_OR_RETURN(
          std::string value,
          CleanValue(record.fields[positions[c]], record.line, columns[c]));
      row.values.push_back(std::move(value));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace wf::org
