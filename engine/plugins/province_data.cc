// Copyright the wf-engine authors. Apache-2.0.
#include "engine/plugins/province_data.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"

namespace wf::plugins {
namespace {

// Digits from `at`, between `min` and `max` of them; how many, or 0.
size_t Digits(absl::string_view s, size_t at, size_t min, size_t max) {
  size_t n = 0;
  while (at + n < s.size() && n < max && absl::ascii_isdigit(s[at + n])) ++n;
  return n >= min ? n : 0;
}

// The first date literal in `line` (\d{4}-\d{2}-\d{2} or
// \d{1,2}/\d{1,2}/\d{4}), or "".
std::string DateLiteral(absl::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (!absl::ascii_isdigit(line[i])) continue;
    if (Digits(line, i, 4, 4) == 4 && i + 10 <= line.size() &&
        line[i + 4] == '-' && Digits(line, i + 5, 2, 2) == 2 &&
        line[i + 7] == '-' && Digits(line, i + 8, 2, 2) == 2) {
      return std::string(line.substr(i, 10));
    }
    size_t d = Digits(line, i, 1, 2);
    if (d == 0 || i + d >= line.size() || line[i + d] != '/') continue;
    size_t m = Digits(line, i + d + 1, 1, 2);
    size_t at = i + d + 1 + m;
    if (m == 0 || at >= line.size() || line[at] != '/') continue;
    if (Digits(line, at + 1, 4, 4) == 4) {
      return std::string(line.substr(i, at + 5 - i));
    }
  }
  return "";
}

}  // namespace

std::string ProvincePlaceName(absl::string_view unit_name) {
  for (absl::string_view prefix : {"Tỉnh ", "Thành phố ", "tỉnh ",
                                   "thành phố "}) {
    if (absl::ConsumePrefix(&unit_name, prefix)) break;
  }
  return std::string(unit_name);
}

std::vector<std::string> FindProvinceData(
    absl::string_view source, const std::string& file_name,
    const std::vector<ForbiddenText>& words) {
  std::vector<std::string> problems;
  int n = 0;
  for (absl::string_view line : absl::StrSplit(source, '\n')) {
    ++n;
    for (const ForbiddenText& w : words) {
      if (w.text.empty() || !absl::StrContains(line, w.text)) continue;
      problems.push_back(absl::StrCat(
          file_name, ":", n, ": '", w.text, "' là ", w.what, ": dữ liệu của ",
          "tỉnh thuộc về plugin, workflow đọc nó qua ctx.plugin"));
    }
    std::string date = DateLiteral(line);
    if (!date.empty()) {
      problems.push_back(absl::StrCat(
          file_name, ":", n, ": '", date, "' là một ngày viết sẵn: hạn và ",
          "ngày của đợt thuộc về plugin (ctx.plugin.han_..., ngay_...)"));
    }
  }
  return problems;
}

}  // namespace wf::plugins
