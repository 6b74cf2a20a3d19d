// Copyright the wf-engine authors. Apache-2.0.
//
// Reading CSV files as RFC 4180 describes them, as spreadsheets save them:
// fields separated by commas, records by CRLF or LF; a field in double
// quotes may hold commas, line breaks and doubled quotes ("" for ");
// a UTF-8 byte order mark at the start is skipped.
//
// Example:
//   absl::StatusOr<std::vector<CsvRow>> rows =
//       ReadCsvTable(text, {"code", "name", "kind"});
//   // rows->at(0).line == 2, rows->at(0).values == {"07627", "Xã Đại Sơn",
//   // "xa"}: values in the order asked for, whatever the header's order.
//
// Errors are INVALID_ARGUMENT in Vietnamese and start with the line:
// "dòng 5: ...". A record spanning lines is named by its first line.
#ifndef ENGINE_ORG_CSV_H_
#define ENGINE_ORG_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wf::org {

struct CsvRecord {
  int line = 0;                     // where the record starts, from 1
  std::vector<std::string> fields;  // raw bytes, quotes removed
};

// Splits `text` into records. Lines that are entirely empty are skipped.
// Refuses a quote inside an unquoted field, text after a closing quote, a
// quote never closed, and a carriage return not followed by a line feed.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

struct CsvRow {
  int line = 0;
  std::vector<std::string> values;
};

// Reads a file whose first record is a header naming exactly `columns`, in
// any order, each once. Every later record must have as many fields as the
// header. Values are returned in the order of `columns`, with spaces and
// tabs around them removed, checked to be UTF-8 without control characters
// and normalised to NFC.
absl::StatusOr<std::vector<CsvRow>> ReadCsvTable(
    absl::string_view text, absl::Span<const absl::string_view> columns);

}  // namespace wf::org

#endif  // ENGINE_ORG_CSV_H_
