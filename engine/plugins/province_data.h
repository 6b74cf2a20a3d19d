// Copyright the wf-engine authors. Apache-2.0.
//
// What a workflow that reads plugins (`plugin = true`) must not spell out
// itself, because it belongs in the province's plugin (docs/plugins.md,
// "Province data inside a workflow"): a province's name, a plugin's title
// or place name, a register symbol, a date literal.
//
//   std::vector<ForbiddenText> words = {{"Bắc Ninh", "tên tỉnh"}};
//   FindProvinceData(source, "ke_hoach.lua", words);
//   // {"ke_hoach.lua:3: 'Bắc Ninh' là tên tỉnh: ..."}
#ifndef WF_PLUGINS_PROVINCE_DATA_H_
#define WF_PLUGINS_PROVINCE_DATA_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wf::plugins {

struct ForbiddenText {
  std::string text;  // "Bắc Ninh", "KH-BCĐ-CAT"
  std::string what;  // "tên tỉnh", "ký hiệu sổ của plugin 'bac_ninh'"
};

// Every occurrence, comments included, one problem per line and text:
// "file:line: ..."; also every date literal (2026-02-10, 10/02/2026).
std::vector<std::string> FindProvinceData(
    absl::string_view source, const std::string& file_name,
    const std::vector<ForbiddenText>& words);

// A province unit's name without "Tỉnh " or "Thành phố " in front.
std::string ProvincePlaceName(absl::string_view unit_name);

}  // namespace wf::plugins

#endif  // WF_PLUGINS_PROVINCE_DATA_H_
