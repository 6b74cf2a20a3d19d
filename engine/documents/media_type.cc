// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/media_type.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

constexpr char kAllowed[] = "PDF, DOCX, XLSX, ODT, JPEG, PNG";
// A central directory larger than this is no office document of ours.
constexpr uint64_t kMaxCentralDirectory = 4 << 20;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kEntrySignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;

uint32_t Le16(const std::string& b, size_t at) {
  return static_cast<uint8_t>(b[at]) | (static_cast<uint8_t>(b[at + 1]) << 8);
}
uint32_t Le32(const std::string& b, size_t at) {
  return Le16(b, at) | (Le16(b, at + 2) << 16);
}

absl::Status Refused(absl::string_view found) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected a file of an allowed type (", kAllowed,
                     "), judged from its bytes, but it is ", found)),
                 reason::kMediaTypeRefused)
      .With("allowed", kAllowed)
      .With("found", found)
      .Vietnamese(absl::StrCat("Tệp không thuộc định dạng được phép (",
                               kAllowed,
                               "); định dạng tệp được xác định theo nội "
                               "dung, không theo tên tệp."));
}

// What a file that is none of ours looks like, for the message.
std::string Describe(const std::string& head) {
  if (head.empty()) return "empty";
  if (absl::StartsWith(head, "\x7f" "ELF")) return "an ELF executable";
  if (absl::StartsWith(head, "MZ")) return "a Windows executable";
  if (absl::StartsWith(head, "#!")) return "a script";
  if (absl::StartsWith(head, "PK")) return "a zip archive of another kind";
  return "of an unknown kind";
}

// The names in the zip's central directory, in order.
absl::StatusOr<std::vector<std::string>> ZipEntries(uint64_t size,
                                                    const ReadAt& read) {
  const uint64_t tail_size = std::min<uint64_t>(size, 22 + 65535);
  WF_ASSIGN_OR_RETURN(std::string tail, read(size - tail_size, tail_size));
  if (tail.size() < 22) return Refused("a damaged zip archive");
  size_t end = tail.size() - 22;
  while (Le32(tail, end) != kEndSignature) {
    if (end == 0) return Refused("a damaged zip archive");
    --end;
  }
  const uint64_t entries = Le16(tail, end + 10);
  const uint64_t cd_size = Le32(tail, end + 12);
  const uint64_t cd_at = Le32(tail, end + 16);
  if (cd_size > kMaxCentralDirectory || cd_at + cd_size > size) {
    return Refused("a damaged or oversized zip archive");
  }
  WF_ASSIGN_OR_RETURN(std::string cd, read(cd_at, cd_size));
  std::vector<std::string> names;
  size_t at = 0;
  for (uint64_t i = 0; i < entries; ++i) {
    if (at + 46 > cd.size() || Le32(cd, at) != kEntrySignature) {
      return Refused("a damaged zip archive");
    }
    const size_t name_len = Le16(cd, at + 28);
    const size_t skip = name_len + Le16(cd, at + 30) + Le16(cd, at + 32);
    if (at + 46 + name_len > cd.size()) return Refused("a damaged zip archive");
    names.push_back(cd.substr(at + 46, name_len));
    at += 46 + skip;
  }
  return names;
}

// ODF: the first local entry is "mimetype", stored uncompressed.
absl::StatusOr<bool> IsOdt(const ReadAt& read) {
  WF_ASSIGN_OR_RETURN(std::string local, read(0, 30 + 8 + 64));
  if (local.size() < 38 || Le32(local, 0) != kLocalSignature) return false;
  const size_t name_len = Le16(local, 26);
  const size_t extra_len = Le16(local, 28);
  if (Le16(local, 8) != 0 || name_len != 8 ||
      local.compare(30, 8, "mimetype") != 0) {
    return false;
  }
  const size_t data_len = Le32(local, 18);
  WF_ASSIGN_OR_RETURN(std::string data, read(38 + extra_len, data_len));
  return data == kMediaOdt;
}

absl::StatusOr<std::string> JudgeZip(uint64_t size, const ReadAt& read) {
  WF_ASSIGN_OR_RETURN(std::vector<std::string> names, ZipEntries(size, read));
  auto has = [&](absl::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (!names.empty() && names.front() == "mimetype") {
    WF_ASSIGN_OR_RETURN(bool odt, IsOdt(read));
    if (odt) return std::string(kMediaOdt);
    return Refused("an OpenDocument file other than a text (ODT)");
  }
  if (has("[Content_Types].xml") && has("word/document.xml")) {
    return std::string(kMediaDocx);
  }
  if (has("[Content_Types].xml") && has("xl/workbook.xml")) {
    return std::string(kMediaXlsx);
  }
  return Refused("a zip archive that is no DOCX, XLSX or ODT");
}

}  // namespace

absl::StatusOr<std::string> JudgeMediaType(uint64_t size, const ReadAt& read) {
  WF_ASSIGN_OR_RETURN(std::string head, read(0, std::min<uint64_t>(size, 16)));
  if (absl::StartsWith(head, "%PDF-")) return std::string(kMediaPdf);
  if (absl::StartsWith(head, "\x89PNG\r\n\x1a\n")) {
    return std::string(kMediaPng);
  }
  if (absl::StartsWith(head, "\xff\xd8\xff")) return std::string(kMediaJpeg);
  if (absl::StartsWith(head, "PK\x03\x04")) return JudgeZip(size, read);
  return Refused(Describe(head));
}

}  // namespace wf
