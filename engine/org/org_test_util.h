// Copyright the wf-engine authors. Apache-2.0.
//
// Shared by the tests of engine/org: the official lists and the trees built
// from them.
#ifndef ENGINE_ORG_ORG_TEST_UTIL_H_
#define ENGINE_ORG_ORG_TEST_UTIL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/org/org_tree.h"

namespace wf::org::testing {

// The text of a file of shared/domain/provinces. NOT_FOUND when it cannot
// be read: tests assert on it, so a missing folder fails them.
absl::StatusOr<std::string> ReadProvinceFile(absl::string_view file_name);

// `text` decomposed (NFD), as some keyboards and old files write it.
std::string ToNfd(absl::string_view text);

OrgUnit MakeUnit(std::string id, std::string name, std::string kind,
                 std::string parent_id, absl::CivilDay from,
                 std::optional<absl::CivilDay> to = std::nullopt,
                 std::vector<std::string> tags = {});

// Bắc Ninh from 01/07/2025: the 99 communes of the official list, plus
// Công an tỉnh (standing agency) with its Phòng Tham mưu, Sở Nội vụ with
// a department, Văn phòng UBND tỉnh and Công an xã Đại Sơn (07627).
absl::StatusOr<std::vector<OrgUnit>> BacNinhUnits();

// Tuyên Quang, one province unit from 01/01/2024: the 2024 districts and
// communes (until 30/06/2025), the 2025 communes (from 01/07/2025), and
// Công an tỉnh with Phòng Tham mưu and Sở Nội vụ throughout.
absl::StatusOr<std::vector<OrgUnit>> TuyenQuangUnits();

}  // namespace wf::org::testing

#endif  // ENGINE_ORG_ORG_TEST_UTIL_H_
