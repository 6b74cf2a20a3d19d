// Copyright the wf-engine authors. Apache-2.0.
//
// Days as administrators write them in the org and people files.
//
//   ParseDay("01/07/2025") and ParseDay("2025-07-01") both give
//   absl::CivilDay(2025, 7, 1); FormatDay(absl::CivilDay(2025, 6, 30)) is
//   "30/06/2025", the way dates appear in every message of this module.
#ifndef ENGINE_ORG_DATES_H_
#define ENGINE_ORG_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace wf::org {

// Parses "dd/mm/yyyy" (day and month of one or two digits) or "yyyy-mm-dd".
// INVALID_ARGUMENT, in Vietnamese and quoting the text, for any other shape
// and for a day that does not exist ("31/02/2026"). The year has four digits.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text);

// "30/06/2025".
std::string FormatDay(absl::CivilDay day);

}  // namespace wf::org

#endif  // ENGINE_ORG_DATES_H_
