#include "engine/calendar/calendar_rules.h"

#include <string>

#include "absl/status/status.h"
#include "engine/calendar/work_calendar.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf::calendar {
namespace {

using absl::CivilDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The 2026 example of docs/calendar.md.
constexpr char kOfficial2026[] = R"json({
  "years": [
    {
      "year": 2026,
      "note": "Lịch nghỉ Tết Nguyên đán và Giỗ Tổ Hùng Vương 2026",
      "holidays": {
        "tet": [{"from": "14/02/2026", "to": "22/02/2026"}]
      },
      "days_off": [
        {"date": "27/04/2026", "in_lieu_of": "hung_kings",
         "note": "Giỗ Tổ Hùng Vương (26/04) là Chủ nhật"}
      ]
    }
  ]
})json";

TEST(CalendarRulesTest, HolidayKeysAndNames) {
  for (Holiday holiday : kAllHolidays) {
    EXPECT_EQ(HolidayFromKey(HolidayKey(holiday)), holiday);
  }
  EXPECT_EQ(HolidayFromKey("christmas"), std::nullopt);
  EXPECT_EQ(HolidayDisplayName(Holiday::kNewYear), "Tết Dương lịch");
  EXPECT_EQ(HolidayDisplayName(Holiday::kTet), "Tết Nguyên đán");
  EXPECT_EQ(HolidayDisplayName(Holiday::kHungKings), "Giỗ Tổ Hùng Vương");
  EXPECT_EQ(HolidayDisplayName(Holiday::kVictoryDay), "Ngày Chiến thắng");
  EXPECT_EQ(HolidayDisplayName(Holiday::kLabourDay), "Quốc tế Lao động");
  EXPECT_EQ(HolidayDisplayName(Holiday::kNationalDay), "Quốc khánh");
}

TEST(CalendarRulesTest, ParsesOfficial2026Table) {
  absl::StatusOr<CalendarRules> rules = ParseCalendarRules(kOfficial2026);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->national_day_adjacent, NationalDayAdjacent::kByWeekday);
  EXPECT_TRUE(rules->compensate_rest_day_holidays);
  ASSERT_EQ(rules->tables.size(), 1u);
  const YearTable& table = rules->tables[0];
  EXPECT_EQ(table.year, 2026);
  EXPECT_FALSE(table.replace_all);
  ASSERT_EQ(table.holidays.size(), 1u);
  const std::vector<CivilDay>& tet = table.holidays.at(Holiday::kTet);
  ASSERT_EQ(tet.size(), 9u);
  EXPECT_EQ(tet.front(), CivilDay(2026, 2, 14));
  EXPECT_EQ(tet.back(), CivilDay(2026, 2, 22));
  ASSERT_EQ(table.days_off.size(), 1u);
  EXPECT_EQ(table.days_off[0].day, CivilDay(2026, 4, 27));
  EXPECT_EQ(table.days_off[0].name, "Nghỉ bù");
  EXPECT_EQ(table.days_off[0].in_lieu_of, Holiday::kHungKings);
  EXPECT_TRUE(table.working_days.empty());
}

TEST(CalendarRulesTest, ParsesEveryField) {
  absl::StatusOr<CalendarRules> rules = ParseCalendarRules(R"({
    "national_day_adjacent": "after",
    "compensate_rest_day_holidays": false,
    "note": "test",
    "years": [{
      "year": 2024,
      "replace_all": true,
      "holidays": {
        "new_year": ["2024-01-01"],
        "national_day": ["02/09/2024", {"date": "03/09/2024"}]
      },
      "days_off": [
        {"from": "2024-04-29", "to": "2024-04-29", "name": "Nghỉ hoán đổi"}
      ],
      "working_days": ["04/05/2024", {"date": "2024-05-11", "note": "x"}]
    }]
  })");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->national_day_adjacent, NationalDayAdjacent::kAfter);
  EXPECT_FALSE(rules->compensate_rest_day_holidays);
  const YearTable& table = rules->tables.at(0);
  EXPECT_TRUE(table.replace_all);
  EXPECT_THAT(table.holidays.at(Holiday::kNewYear),
              ElementsAre(CivilDay(2024, 1, 1)));
  EXPECT_THAT(table.holidays.at(Holiday::kNationalDay),
              ElementsAre(CivilDay(2024, 9, 2), CivilDay(2024, 9, 3)));
  ASSERT_EQ(table.days_off.size(), 1u);
  EXPECT_EQ(table.days_off[0].name, "Nghỉ hoán đổi");
  EXPECT_EQ(table.days_off[0].in_lieu_of, std::nullopt);
  EXPECT_THAT(table.working_days,
              ElementsAre(CivilDay(2024, 5, 4), CivilDay(2024, 5, 11)));
}

TEST(CalendarRulesTest, EmptyDocumentIsTheDefault) {
  absl::StatusOr<CalendarRules> rules = ParseCalendarRules("{}");
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_TRUE(rules->tables.empty());
}

// Parses `json` and returns the error message, or "OK".
std::string ParseError(const std::string& json) {
  absl::StatusOr<CalendarRules> rules = ParseCalendarRules(json);
  if (rules.ok()) return "OK";
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(rules.status().message());
}

TEST(CalendarRulesTest, SyntaxErrorsNameTheLine) {
  EXPECT_THAT(ParseError("{\n  \"years\": [\n    {\"year\": 2026,}\n  ]\n}"),
              HasSubstr("line 3"));
  EXPECT_THAT(ParseError(""), HasSubstr("JSON"));
  EXPECT_THAT(ParseError("[1, 2]"), HasSubstr("expected an object"));
  // Invalid UTF-8 is reported without being copied into the message.
  const std::string bad_utf8 = ParseError("{\"note\": \"\xff\"}");
  EXPECT_THAT(bad_utf8, HasSubstr("UTF-8"));
  EXPECT_EQ(bad_utf8.find('\xff'), std::string::npos);
}

TEST(CalendarRulesTest, FieldErrorsNameTheFieldAndReason) {
  EXPECT_THAT(
      ParseError(R"({"years": [{"year": 2026, "holidays": {"tet": [
                   {"from": "14/02/2026", "to": "31/02/2026"}]}}]})"),
      HasSubstr("years[0].holidays.tet[0].to: date \"31/02/2026\": no such "
                "day in that month"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "holidays":
                            {"teet": ["17/02/2026"]}}]})"),
              HasSubstr("years[0].holidays.teet: unknown holiday"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "working_day": []}]})"),
              HasSubstr("years[0].working_day: unknown field"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": "2026"}]})"),
              HasSubstr("years[0].year: expected a year number"));
  // Long values are quoted shortly, cut between UTF-8 characters: byte 37
  // of this value is inside the "ì" (C3 AC).
  EXPECT_THAT(ParseError(R"({"years": [{"year":
                 "xxxxBảng nghỉ lễ năm hai nghìn không trăm hai mươi sáu"}]})"),
              HasSubstr("years[0].year: expected a year number, found "
                        "\"xxxxBảng nghỉ lễ năm hai ngh..."));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 1492}]})"),
              HasSubstr("years[0].year: year 1492 is not in"));
  EXPECT_THAT(ParseError(R"({"years": [{}]})"),
              HasSubstr("years[0]: \"year\" is missing"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "days_off": [
                            {"from": "2026-04-28", "to": "2026-04-27"}]}]})"),
              HasSubstr("years[0].days_off[0].to: is before \"from\""));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "days_off": [
                            {"from": "2026-04-28"}]}]})"),
              HasSubstr("years[0].days_off[0]: a range needs both"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "days_off": [
                            {"date": "27/04/2026", "in_lieu_of": "gio_to"}]}]})"),
              HasSubstr("years[0].days_off[0].in_lieu_of: unknown holiday"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "days_off": [
                            {"date": 20260427}]}]})"),
              HasSubstr("years[0].days_off[0].date: expected a string"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "days_off": [
                            {"date": "27/04/2026", "name": ""}]}]})"),
              HasSubstr("years[0].days_off[0].name: is empty"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "holidays":
                            {"tet": []}}]})"),
              HasSubstr("years[0].holidays.tet: expected a non-empty list"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "days_off": [
                            {"from": "01/01/2026", "to": "05/01/2027"}]}]})"),
              HasSubstr("range longer than a year"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "replace_all": 1}]})"),
              HasSubstr("years[0].replace_all: expected true or false"));
  EXPECT_THAT(ParseError(R"({"national_day_adjacent": "sau"})"),
              HasSubstr("national_day_adjacent: expected"));
  EXPECT_THAT(ParseError(R"({"years": {"year": 2026}})"),
              HasSubstr("years: expected a list"));
}

TEST(CalendarRulesTest, ValidationErrors) {
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026,
                            "working_days": ["2025-12-27"]}]})"),
              HasSubstr("calendar table for 2026: working_days: 2025-12-27 "
                        "is not in 2026"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026},{"year": 2026}]})"),
              HasSubstr("calendar table for 2026 is given twice"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026,
                            "days_off": ["2026-04-27"],
                            "working_days": ["2026-04-27"]}]})"),
              HasSubstr("2026-04-27 is also listed as a day off"));
  EXPECT_THAT(ParseError(R"({"years": [{"year": 2026, "holidays":
                            {"tet": [{"from": "2026-12-30",
                                      "to": "2027-01-02"}]}}]})"),
              HasSubstr("holidays.tet: 2027-01-01 is not in 2026"));
}

TEST(CalendarRulesTest, ValidateRulesDirectly) {
  CalendarRules rules;
  YearTable table;
  table.year = 2026;
  table.holidays[Holiday::kTet] = {};
  rules.tables.push_back(table);
  EXPECT_EQ(ValidateRules(rules).code(), absl::StatusCode::kInvalidArgument);
  rules.tables[0].holidays[Holiday::kTet] = {CivilDay(2026, 2, 17)};
  EXPECT_TRUE(ValidateRules(rules).ok());
  TableDayOff unnamed;
  unnamed.day = CivilDay(2026, 5, 4);
  unnamed.name = "";
  rules.tables[0].days_off.push_back(unnamed);
  EXPECT_EQ(ValidateRules(rules).code(), absl::StatusCode::kInvalidArgument);
}

// A province's own days over the national 2026 table: an example swap, the
// Friday after New Year off for a Saturday worked.
constexpr char kProvince2026[] = R"json({
  "note": "Hoán đổi ngày làm việc (ví dụ)",
  "years": [{
    "year": 2026,
    "days_off": [{"date": "02/01/2026", "name": "Nghỉ hoán đổi"}],
    "working_days": ["10/01/2026"]
  }]})json";

WorkCalendar Overlaid(const char* province_json) {
  auto national = ParseCalendarRules(kOfficial2026);
  auto province = ParseProvinceCalendarRules(province_json);
  EXPECT_TRUE(national.ok() && province.ok()) << province.status();
  CalendarRules rules = OverlayRules(*national, *province);
  EXPECT_TRUE(ValidateRules(rules).ok());
  auto calendar = WorkCalendar::Create(rules);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return *calendar;
}

TEST(OverlayRulesTest, ProvinceDaysAddToTheNationalYear) {
  WorkCalendar calendar = Overlaid(kProvince2026);
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 1, 2)));
  EXPECT_EQ(calendar.HolidayName(CivilDay(2026, 1, 2)), "Nghỉ hoán đổi");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 1, 10)));  // a Saturday
  // The national days stay: Tết and the day given back for Giỗ Tổ.
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 2, 16)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 2, 20)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 4, 27)));
  // Thursday 01/01 off, Friday 02/01 off, Saturday 10/01 worked.
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2025, 12, 31), 1),
            CivilDay(2026, 1, 5));
  EXPECT_EQ(calendar.AddWorkdays(CivilDay(2026, 1, 9), 1),
            CivilDay(2026, 1, 10));
}

TEST(OverlayRulesTest, TheProvinceWinsWhereTheTablesDisagree) {
  // The province works the national day given back for Giỗ Tổ, and keeps
  // its own Tết.
  WorkCalendar calendar = Overlaid(R"json({"years": [{"year": 2026,
      "working_days": ["27/04/2026"],
      "holidays": {"tet": [{"from": "16/02/2026", "to": "20/02/2026"}]}}]})json");
  EXPECT_TRUE(calendar.IsWorkday(CivilDay(2026, 4, 27)));
  // Saturday 14/02 is an ordinary weekend now, not Tết.
  EXPECT_EQ(calendar.HolidayName(CivilDay(2026, 2, 14)), std::nullopt);
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 2, 20)));
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 2, 16)));
}

TEST(OverlayRulesTest, YearsOnlyTheProvinceGivesAreTaken) {
  WorkCalendar calendar = Overlaid(R"json({"years": [{"year": 2027,
      "days_off": ["05/03/2027"]}]})json");
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2027, 3, 5)));   // a Friday
  EXPECT_FALSE(calendar.IsWorkday(CivilDay(2026, 2, 18)));  // national Tết
  WorkCalendar all = Overlaid(R"json({"years": [{"year": 2026,
      "replace_all": true, "days_off": ["05/03/2026"]}]})json");
  EXPECT_TRUE(all.IsWorkday(CivilDay(2026, 2, 18)));
  EXPECT_FALSE(all.IsWorkday(CivilDay(2026, 3, 5)));
}

TEST(OverlayRulesTest, AProvinceDoesNotSetTheNationalRules) {
  auto refused = ParseProvinceCalendarRules(
      R"({"national_day_adjacent": "after", "years": []})");
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("national_day_adjacent: unknown field"));
  EXPECT_TRUE(ParseCalendarRules(
      R"({"national_day_adjacent": "after", "years": []})").ok());
}

}  // namespace
}  // namespace wf::calendar
