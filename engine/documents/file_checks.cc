// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/file_checks.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/util/refusal.h"
#include "engine/util/text.h"

namespace wf {
namespace {

absl::Status BadName(absl::string_view problem, absl::string_view vietnamese) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected `name` to be a file name (no folder), but ",
                     problem)),
                 reason::kFileNameInvalid)
      .With("problem", problem)
      .Field("name")
      .Vietnamese(absl::StrCat("Tên tệp không hợp lệ: ", vietnamese, "."));
}

}  // namespace

absl::StatusOr<std::string> CheckFileName(const std::string& name) {
  if (name.empty()) return BadName("it is empty", "tên tệp trống");
  if (name.size() > kMaxFileNameBytes) {
    return BadName(absl::StrCat("it is ", name.size(), " bytes long (at most ",
                                kMaxFileNameBytes, ")"),
                   "tên tệp quá dài");
  }
  if (!IsValidUtf8(name)) return BadName("it is not UTF-8", "sai mã ký tự");
  for (unsigned char c : name) {
    if (c == '/' || c == '\\') {
      return BadName("it holds a path separator (/ or \\)",
                     "tên tệp không được chứa / hoặc \\");
    }
    if (c < 0x20 || c == 0x7f) {
      return BadName("it holds a control character",
                     "tên tệp chứa ký tự điều khiển");
    }
  }
  if (name == "." || name == "..") {
    return BadName("it names a folder", "tên tệp không được là . hoặc ..");
  }
  auto nfc = ToNfc(name, "name");
  if (!nfc.ok()) return BadName("it is not UTF-8", "sai mã ký tự");
  if (nfc->size() > kMaxFileNameBytes) {
    return BadName("it is too long once normalised", "tên tệp quá dài");
  }
  return *std::move(nfc);
}

absl::Status CheckSlot(const std::string& slot) {
  if (IsIdentifier(slot)) return absl::OkStatus();
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected `slot` to be a name of lower-case letters, "
                     "digits and _ starting with a letter (at most 64), but "
                     "got '", absl::CHexEscape(slot.substr(0, 80)), "'")),
                 reason::kFileSlotInvalid)
      .With("slot", slot.substr(0, 80))
      .Field("slot")
      .Vietnamese("Tên thành phần hồ sơ không hợp lệ.");
}

absl::StatusOr<std::string> ParseSha256Hex(const std::string& hex,
                                           const std::string& field) {
  bool ok = hex.size() == 64;
  for (char c : hex) ok = ok && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  if (!ok) {
    return Refusal(absl::InvalidArgumentError(absl::StrCat(
                       "Expected `", field, "` to be a SHA-256 digest in 64 ",
                       "hex digits, but got ", hex.size(), " characters")),
                   reason::kInvalidField)
        .Field(field);
  }
  return absl::HexStringToBytes(hex);
}

}  // namespace wf
