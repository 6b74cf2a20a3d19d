// Copyright the wf-engine authors. Apache-2.0.
//
// Helpers shared by the files of engine/org; not part of its API.
#ifndef ENGINE_ORG_INTERNAL_H_
#define ENGINE_ORG_INTERNAL_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace wf::org::internal {

// Why `name` cannot be shown as a name (empty, not UTF-8, control
// characters, not NFC), in Vietnamese; nothing when it is fine.
std::optional<std::string> NameProblem(absl::string_view name);

// A window of days, both ends included; no end means open.
struct Window {
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;
};

bool Contains(const Window& window, absl::CivilDay day);

// Whether `inner` lies entirely within `outer`.
bool Within(const Window& inner, const Window& outer);

bool Overlap(const Window& a, const Window& b);

// "từ 01/07/2025" or "từ 01/07/2025 đến 31/12/2025".
std::string DescribeWindow(const Window& window);

}  // namespace wf::org::internal

#endif  // ENGINE_ORG_INTERNAL_H_
