// ParseCalendarRules: the JSON data format of docs/calendar.md.
//
// nlohmann::json reports errors by exceptions; they are caught here and
// turned into INVALID_ARGUMENT so that none leaves the module. Everything
// else is checked before it is read, so no accessor below can throw.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/calendar/calendar_rules.h"
#include "engine/calendar/lunar.h"
#include "engine/calendar/vn_date.h"
#include "nlohmann/json.hpp"

namespace wf::calendar {
namespace {

using Json = nlohmann::json;

// A range longer than a year cannot be inside one table's year; refusing it
// early also keeps a typo like 2026..9026 from expanding to millions of days.
constexpr int kMaxRangeDays = 366;

absl::Status FieldError(const std::string& path, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("calendar data: ", path, ": ", reason));
}

// A short quote of a value for an error message, cut on a UTF-8 character
// boundary so that the message stays valid UTF-8.
std::string Describe(const Json& value) {
  std::string text = value.dump();
  if (text.size() <= 40) return text;
  size_t cut = 37;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  return text + "...";
}

absl::Status CheckKeys(const Json& object, const std::string& path,
                       std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) return FieldError(path, "expected an object");
  for (const auto& item : object.items()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || item.key() == key;
    if (!known) {
      return FieldError(absl::StrCat(path, ".", item.key()), "unknown field");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadString(const Json& value,
                                       const std::string& path) {
  if (!value.is_string()) {
    return FieldError(
        path, absl::StrCat("expected a string, found ", Describe(value)));
  }
  return value.get_ref<const std::string&>();
}

absl::StatusOr<absl::CivilDay> ReadDay(const Json& value,
                                       const std::string& path) {
  absl::StatusOr<std::string> text = ReadString(value, path);
  if (!text.ok()) return text.status();
  absl::StatusOr<absl::CivilDay> day = ParseDate(*text);
  if (!day.ok()) return FieldError(path, day.status().message());
  return day;
}

absl::StatusOr<bool> ReadBool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) {
    return FieldError(
        path, absl::StrCat("expected true or false, found ", Describe(value)));
  }
  return value.get<bool>();
}

// Reads one day ("14/02/2026", or {"date": ...}) or an inclusive range
// ({"from": ..., "to": ...}) from an object that may carry other fields.
absl::Status ReadDays(const Json& entry, const std::string& path,
                      std::vector<absl::CivilDay>* days) {
  if (entry.is_string()) {
    absl::StatusOr<absl::CivilDay> day = ReadDay(entry, path);
    if (!day.ok()) return day.status();
    days->push_back(*day);
    return absl::OkStatus();
  }
  if (!entry.is_object()) {
    return FieldError(path,
                      "expected a date or an object with \"date\" or "
                      "\"from\" and \"to\"");
  }
  const bool has_date = entry.contains("date");
  const bool has_range = entry.contains("from") || entry.contains("to");
  if (has_date == has_range) {
    return FieldError(path, "give either \"date\" or \"from\" and \"to\"");
  }
  if (has_date) {
    absl::StatusOr<absl::CivilDay> day =
        ReadDay(entry.at("date"), path + ".date");
    if (!day.ok()) return day.status();
    days->push_back(*day);
    return absl::OkStatus();
  }
  if (!entry.contains("from") || !entry.contains("to")) {
    return FieldError(path, "a range needs both \"from\" and \"to\"");
  }
  absl::StatusOr<absl::CivilDay> from =
      ReadDay(entry.at("from"), path + ".from");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> to = ReadDay(entry.at("to"), path + ".to");
  if (!to.ok()) return to.status();
  if (*to < *from) return FieldError(path + ".to", "is before \"from\"");
  if (*to - *from >= kMaxRangeDays) {
    return FieldError(path, "range longer than a year");
  }
  for (absl::CivilDay day = *from; day <= *to; ++day) days->push_back(day);
  return absl::OkStatus();
}

absl::StatusOr<Holiday> ReadHolidayKey(const std::string& key,
                                       const std::string& path) {
  std::optional<Holiday> holiday = HolidayFromKey(key);
  if (!holiday.has_value()) {
    return FieldError(path,
                      "unknown holiday; expected one of new_year, tet, "
                      "hung_kings, victory_day, labour_day, "
                      "national_day");
  }
  return *holiday;
}

absl::Status ReadHolidays(const Json& holidays, const std::string& path,
                          YearTable* table) {
  if (!holidays.is_object()) return FieldError(path, "expected an object");
  for (const auto& item : holidays.items()) {
    const std::string item_path = absl::StrCat(path, ".", item.key());
    absl::StatusOr<Holiday> holiday = ReadHolidayKey(item.key(), item_path);
    if (!holiday.ok()) return holiday.status();
    if (!item.value().is_array() || item.value().empty()) {
      return FieldError(item_path, "expected a non-empty list of dates");
    }
    std::vector<absl::CivilDay>& days = table->holidays[*holiday];
    for (size_t i = 0; i < item.value().size(); ++i) {
      const Json& entry = item.value()[i];
      const std::string entry_path = absl::StrCat(item_path, "[", i, "]");
      if (entry.is_object()) {
        if (absl::Status s =
                CheckKeys(entry, entry_path, {"date", "from", "to", "note"});
            !s.ok()) {
          return s;
        }
      }
      if (absl::Status s = ReadDays(entry, entry_path, &days); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ReadDayOff(const Json& entry, const std::string& path,
                        YearTable* table) {
  TableDayOff prototype;
  if (entry.is_string()) {  // A bare date: a day in lieu by default name.
    absl::StatusOr<absl::CivilDay> day = ReadDay(entry, path);
    if (!day.ok()) return day.status();
    prototype.day = *day;
    table->days_off.push_back(prototype);
    return absl::OkStatus();
  }
  if (absl::Status s = CheckKeys(
          entry, path, {"date", "from", "to", "name", "in_lieu_of", "note"});
      !s.ok()) {
    return s;
  }
  if (entry.contains("name")) {
    absl::StatusOr<std::string> name =
        ReadString(entry.at("name"), path + ".name");
    if (!name.ok()) return name.status();
    if (name->empty()) return FieldError(path + ".name", "is empty");
    prototype.name = *name;
  }
  if (entry.contains("in_lieu_of")) {
    const std::string key_path = path + ".in_lieu_of";
    absl::StatusOr<std::string> key =
        ReadString(entry.at("in_lieu_of"), key_path);
    if (!key.ok()) return key.status();
    absl::StatusOr<Holiday> holiday = ReadHolidayKey(*key, key_path);
    if (!holiday.ok()) return holiday.status();
    prototype.in_lieu_of = *holiday;
  }
  std::vector<absl::CivilDay> days;
  if (absl::Status s = ReadDays(entry, path, &days); !s.ok()) return s;
  for (absl::CivilDay day : days) {
    prototype.day = day;
    table->days_off.push_back(prototype);
  }
  return absl::OkStatus();
}

absl::Status ReadDaysOff(const Json& list, const std::string& path,
                         YearTable* table) {
  if (!list.is_array()) return FieldError(path, "expected a list");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string entry_path = absl::StrCat(path, "[", i, "]");
    if (absl::Status s = ReadDayOff(list[i], entry_path, table); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ReadWorkingDays(const Json& list, const std::string& path,
                             YearTable* table) {
  if (!list.is_array()) return FieldError(path, "expected a list");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string entry_path = absl::StrCat(path, "[", i, "]");
    if (list[i].is_object()) {
      if (absl::Status s =
              CheckKeys(list[i], entry_path, {"date", "from", "to", "note"});
          !s.ok()) {
        return s;
      }
    }
    if (absl::Status s = ReadDays(list[i], entry_path, &table->working_days);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ReadYear(const Json& value, const std::string& path) {
  if (!value.is_number_integer()) {
    return FieldError(
        path, absl::StrCat("expected a year number, found ", Describe(value)));
  }
  const int64_t year = value.get<int64_t>();
  if (year < kMinLunarYear || year > kMaxLunarYear) {
    return FieldError(path, absl::StrCat("year ", year, " is not in ",
                                         kMinLunarYear, "..", kMaxLunarYear));
  }
  return static_cast<int>(year);
}

absl::StatusOr<YearTable> ReadTable(const Json& entry,
                                    const std::string& path) {
  if (absl::Status s = CheckKeys(entry, path,
                                 {"year", "replace_all", "holidays", "days_off",
                                  "working_days", "note"});
      !s.ok()) {
    return s;
  }
  if (!entry.contains("year")) return FieldError(path, "\"year\" is missing");
  YearTable table;
  absl::StatusOr<int> year = ReadYear(entry.at("year"), path + ".year");
  if (!year.ok()) return year.status();
  table.year = *year;
  if (entry.contains("replace_all")) {
    absl::StatusOr<bool> replace =
        ReadBool(entry.at("replace_all"), path + ".replace_all");
    if (!replace.ok()) return replace.status();
    table.replace_all = *replace;
  }
  absl::Status s;
  if (s.ok() && entry.contains("holidays")) {
    s = ReadHolidays(entry.at("holidays"), path + ".holidays", &table);
  }
  if (s.ok() && entry.contains("days_off")) {
    s = ReadDaysOff(entry.at("days_off"), path + ".days_off", &table);
  }
  if (s.ok() && entry.contains("working_days")) {
    s = ReadWorkingDays(entry.at("working_days"), path + ".working_days",
                        &table);
  }
  if (!s.ok()) return s;
  return table;
}

absl::StatusOr<NationalDayAdjacent> ReadAdjacent(const Json& value,
                                                 const std::string& path) {
  absl::StatusOr<std::string> text = ReadString(value, path);
  if (!text.ok()) return text.status();
  if (*text == "by_weekday") return NationalDayAdjacent::kByWeekday;
  if (*text == "before") return NationalDayAdjacent::kBefore;
  if (*text == "after") return NationalDayAdjacent::kAfter;
  return FieldError(path, "expected \"by_weekday\", \"before\" or \"after\"");
}

absl::StatusOr<CalendarRules> ReadRules(
    const Json& doc, std::initializer_list<std::string_view> top_level) {
  if (absl::Status s = CheckKeys(doc, "(top level)", top_level); !s.ok()) {
    return s;
  }
  CalendarRules rules;
  if (doc.contains("national_day_adjacent")) {
    absl::StatusOr<NationalDayAdjacent> adjacent =
        ReadAdjacent(doc.at("national_day_adjacent"), "national_day_adjacent");
    if (!adjacent.ok()) return adjacent.status();
    rules.national_day_adjacent = *adjacent;
  }
  if (doc.contains("compensate_rest_day_holidays")) {
    absl::StatusOr<bool> compensate = ReadBool(
        doc.at("compensate_rest_day_holidays"), "compensate_rest_day_holidays");
    if (!compensate.ok()) return compensate.status();
    rules.compensate_rest_day_holidays = *compensate;
  }
  if (doc.contains("years")) {
    const Json& years = doc.at("years");
    if (!years.is_array()) return FieldError("years", "expected a list");
    for (size_t i = 0; i < years.size(); ++i) {
      absl::StatusOr<YearTable> table =
          ReadTable(years[i], absl::StrCat("years[", i, "]"));
      if (!table.ok()) return table.status();
      rules.tables.push_back(*std::move(table));
    }
  }
  return rules;
}


absl::StatusOr<CalendarRules> Parse(std::string_view json_text,
                                    std::initializer_list<std::string_view> top_level) {
  Json doc;
  try {
    doc = Json::parse(json_text.begin(), json_text.end());
  } catch (const Json::exception& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line
    // 3, column 5: syntax error while parsing ...; last read: '...'": keep
    // it from "parse", and drop the text last read, which may be invalid
    // UTF-8 that must not travel on in a status message.
    std::string_view what = e.what();
    const size_t start = what.find("] ");
    if (start != std::string_view::npos) what.remove_prefix(start + 2);
    what = what.substr(0, what.find("; last read:"));
    return absl::InvalidArgumentError(absl::StrCat(
        "calendar data: JSON ", absl::string_view(what.data(), what.size())));
  }
  absl::StatusOr<CalendarRules> rules;
  try {
    rules = ReadRules(doc, top_level);
  } catch (const Json::exception& e) {
    // Not expected: every value is checked before it is read.
    return absl::InvalidArgumentError(
        absl::StrCat("calendar data: unexpected ", e.what()));
  }
  if (!rules.ok()) return rules.status();
  if (absl::Status s = ValidateRules(*rules); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("calendar data: ", s.message()));
  }
  return rules;
}

}  // namespace

absl::StatusOr<CalendarRules> ParseCalendarRules(std::string_view json_text) {
  return Parse(json_text, {"national_day_adjacent",
                           "compensate_rest_day_holidays", "years", "note"});
}

absl::StatusOr<CalendarRules> ParseProvinceCalendarRules(
    std::string_view json_text) {
  return Parse(json_text, {"years", "note"});
}

}  // namespace wf::calendar
