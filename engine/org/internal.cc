// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/internal.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/org/dates.h"
#include "engine/util/text.h"

namespace wf::org::internal {

std::optional<std::string> NameProblem(absl::string_view name) {
  if (name.empty()) return std::string("tên trống");
  if (!IsValidUtf8(name)) {
    return std::string("tên không phải văn bản UTF-8 hợp lệ");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::StrCat("tên có ký tự điều khiển (mã ", int{c}, ")");
    }
  }
  absl::StatusOr<std::string> nfc = ToNfc(name, "name");
  if (!nfc.ok() || *nfc != name) {
    return absl::StrCat("tên '", name, "' chưa được chuẩn hóa NFC");
  }
  return std::nullopt;
}

bool Contains(const Window& window, absl::CivilDay day) {
  return window.from <= day && (!window.to || day <= *window.to);
}

bool Within(const Window& inner, const Window& outer) {
  if (inner.from < outer.from) return false;
  if (!outer.to) return true;
  return inner.to && *inner.to <= *outer.to;
}

bool Overlap(const Window& a, const Window& b) {
  bool a_ends_before_b = a.to && *a.to < b.from;
  bool b_ends_before_a = b.to && *b.to < a.from;
  return !a_ends_before_b && !b_ends_before_a;
}

std::string DescribeWindow(const Window& window) {
  std::string text = absl::StrCat("từ ", FormatDay(window.from));
  if (window.to) absl::StrAppend(&text, " đến ", FormatDay(*window.to));
  return text;
}

}  // namespace wf::org::internal
