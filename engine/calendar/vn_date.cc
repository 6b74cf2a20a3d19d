#include "engine/calendar/vn_date.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace wf::calendar {
namespace {

// Debian's abseil has its own absl::string_view, distinct from
// std::string_view; the public API takes the standard one.
absl::string_view Absl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// Nghị định 30/2020/NĐ-CP, Phụ lục I: days below 10 and months 1 and 2 are
// written with a leading zero, other months without.
std::string OfficialMonth(int month) {
  return month <= 2 ? absl::StrFormat("%02d", month) : absl::StrCat(month);
}

absl::Status DateError(absl::string_view text, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(
      "date \"", text, "\": ", reason, " (expected dd/mm/yyyy or yyyy-mm-dd)"));
}

// Parses 1..max_digits ASCII digits; false for anything else.
bool ParseDigits(absl::string_view text, size_t max_digits, int* value) {
  if (text.empty() || text.size() > max_digits) return false;
  int result = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    result = result * 10 + (c - '0');
  }
  *value = result;
  return true;
}

// Builds the day, refusing what absl::CivilDay would silently normalize
// (31/02 would become 03/03).
absl::StatusOr<absl::CivilDay> MakeDay(absl::string_view text, int year,
                                       int month, int day) {
  if (year < 1 || year > 9999) return DateError(text, "year out of range");
  if (month < 1 || month > 12) return DateError(text, "no such month");
  const absl::CivilDay result(year, month, day);
  if (day < 1 || result.day() != day || result.month() != month) {
    return DateError(text, "no such day in that month");
  }
  return result;
}

absl::StatusOr<absl::CivilDay> ParseDayMonthYear(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  int day, month, year;
  if (parts.size() != 3 || !ParseDigits(parts[0], 2, &day) ||
      !ParseDigits(parts[1], 2, &month) || parts[2].size() != 4 ||
      !ParseDigits(parts[2], 4, &year)) {
    return DateError(text, "not a date");
  }
  return MakeDay(text, year, month, day);
}

absl::StatusOr<absl::CivilDay> ParseIso(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int day, month, year;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 ||
      parts[2].size() != 2 || !ParseDigits(parts[0], 4, &year) ||
      !ParseDigits(parts[1], 2, &month) || !ParseDigits(parts[2], 2, &day)) {
    return DateError(text, "not a date");
  }
  return MakeDay(text, year, month, day);
}

}  // namespace

std::string FormatVietnameseDate(absl::CivilDay day) {
  return absl::StrFormat("ngày %02d tháng %s năm %d", day.day(),
                         OfficialMonth(day.month()), day.year());
}

std::string FormatPlaceAndDate(std::string_view place, absl::CivilDay day) {
  return absl::StrCat(Absl(place), ", ", FormatVietnameseDate(day));
}

std::string FormatDayMonthYear(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(Absl(text));
  if (absl::StrContains(trimmed, '/')) return ParseDayMonthYear(trimmed);
  if (absl::StrContains(trimmed, '-')) return ParseIso(trimmed);
  return DateError(trimmed, "not a date");
}

// Made once: FixedTimeZone looks its zone up in a registry under a lock on
// every call, and every read and step asks for the day.
absl::TimeZone VietnamTimeZone() {
  static const absl::TimeZone zone = absl::FixedTimeZone(7 * 60 * 60);
  return zone;
}

absl::CivilDay ToVietnamDay(absl::Time t) {
  return absl::ToCivilDay(t, VietnamTimeZone());
}

absl::Time StartOfVietnamDay(absl::CivilDay day) {
  return absl::FromCivil(day, VietnamTimeZone());
}

absl::Time EndOfVietnamDay(absl::CivilDay day) {
  return StartOfVietnamDay(day + 1);
}

}  // namespace wf::calendar
