// Copyright the wf-engine authors. Apache-2.0.
//
// What a file is, judged from its bytes, never from its name: a document
// may hold PDF, DOCX, XLSX, ODT, JPEG or PNG, and nothing else. Zip
// containers (DOCX, XLSX, ODT) are told apart by their entries, read from
// the zip's own central directory:
//   ODT   the first entry is "mimetype", stored, holding
//         application/vnd.oasis.opendocument.text (the ODF rule)
//   DOCX  [Content_Types].xml and word/document.xml
//   XLSX  [Content_Types].xml and xl/workbook.xml
//
//   auto type = JudgeMediaType(size, [&](uint64_t at, size_t n) {...});
//   if (!type.ok()) ... MEDIA_TYPE_REFUSED naming what the bytes look like
#ifndef WF_DOCUMENTS_MEDIA_TYPE_H_
#define WF_DOCUMENTS_MEDIA_TYPE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace wf {

inline constexpr char kMediaPdf[] = "application/pdf";
inline constexpr char kMediaDocx[] =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
inline constexpr char kMediaXlsx[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr char kMediaOdt[] = "application/vnd.oasis.opendocument.text";
inline constexpr char kMediaJpeg[] = "image/jpeg";
inline constexpr char kMediaPng[] = "image/png";

// Reads `n` bytes at `at` of the file (fewer at its end only).
using ReadAt = std::function<absl::StatusOr<std::string>(uint64_t at,
                                                         size_t n)>;

// The media type of a file of `size` bytes, or INVALID_ARGUMENT
// (MEDIA_TYPE_REFUSED) saying what it looks like. Reads the first bytes,
// and for a zip its end record and central directory (at most 4 MiB).
absl::StatusOr<std::string> JudgeMediaType(uint64_t size, const ReadAt& read);

}  // namespace wf

#endif  // WF_DOCUMENTS_MEDIA_TYPE_H_
