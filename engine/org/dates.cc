// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/dates.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace wf::org {
namespace {

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Three digit groups of the given widths (0 = one or two digits).
bool SplitDate(absl::string_view text, char separator, const int widths[3],
               int parts[3]) {
  std::vector<absl::string_view> pieces = absl::StrSplit(text, separator);
  if (pieces.size() != 3) return false;
  for (int i = 0; i < 3; ++i) {
    absl::string_view piece = pieces[i];
    bool width_ok = widths[i] == 0 ? (piece.size() == 1 || piece.size() == 2)
                                   : piece.size() == size_t(widths[i]);
    if (!width_ok || !AllDigits(piece)) return false;
    if (!absl::SimpleAtoi(piece, &parts[i])) return false;
  }
  return true;
}

absl::Status BadDay(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("ngày '", text, "' không hợp lệ: ", why));
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text) {
  static constexpr int kDayMonthYear[3] = {0, 0, 4};
  static constexpr int kIso[3] = {4, 2, 2};
  int parts[3];
  int year, month, day;
  if (SplitDate(text, '/', kDayMonthYear, parts)) {
    day = parts[0], month = parts[1], year = parts[2];
  } else if (SplitDate(text, '-', kIso, parts)) {
    year = parts[0], month = parts[1], day = parts[2];
  } else {
    return BadDay(text, "cần dạng dd/mm/yyyy hoặc yyyy-mm-dd");
  }
  // CivilDay normalises 31/02 to 03/03: a day that does not exist comes back
  // different.
  absl::CivilDay civil(year, month, day);
  if (year < 1000 || civil.year() != year || civil.month() != month ||
      civil.day() != day) {
    return BadDay(text, "không có ngày này trong lịch");
  }
  return civil;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

}  // namespace wf::org
