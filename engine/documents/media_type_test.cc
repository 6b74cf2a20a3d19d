// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/media_type.h"

#include "engine/documents/test_files.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

absl::StatusOr<std::string> Judge(const std::string& bytes) {
  return JudgeMediaType(bytes.size(), [&](uint64_t at, size_t n) {
    return absl::StatusOr<std::string>(bytes.substr(std::min<uint64_t>(at, bytes.size()), n));
  });
}

std::string ReasonOf(const absl::StatusOr<std::string>& r) {
  auto d = ReadRefusal(r.status());
  return d.has_value() ? d->reason : "";
}

TEST(MediaType, AllowedTypesAreJudgedFromTheirBytes) {
  EXPECT_EQ(*Judge(test_files::Pdf(100)), kMediaPdf);
  EXPECT_EQ(*Judge(std::string("\x89PNG\r\n\x1a\n....", 12)), kMediaPng);
  EXPECT_EQ(*Judge(std::string("\xff\xd8\xff\xe0....", 8)), kMediaJpeg);
  EXPECT_EQ(*Judge(test_files::Docx()), kMediaDocx);
  EXPECT_EQ(*Judge(test_files::Xlsx()), kMediaXlsx);
  EXPECT_EQ(*Judge(test_files::Odt()), kMediaOdt);
}

TEST(MediaType, ExecutablesAndOtherZipsAreRefused) {
  for (const std::string& bytes :
       {std::string("\x7f" "ELF\x02\x01\x01", 7), std::string("MZ\x90\x00", 4),
        std::string(""), std::string("#!/bin/sh\n"), std::string("x"),
        test_files::Zip({{"a.txt", "hello"}}),
        test_files::Zip({{"mimetype",
                          "application/vnd.oasis.opendocument.spreadsheet"}}),
        std::string("PK\x03\x04 cut short", 14)}) {
    auto judged = Judge(bytes);
    EXPECT_EQ(judged.status().code(), absl::StatusCode::kInvalidArgument)
        << bytes.size();
    EXPECT_EQ(ReasonOf(judged), reason::kMediaTypeRefused);
  }
  EXPECT_NE(Judge(std::string("\x7f" "ELF", 4)).status().message().find("ELF"),
            absl::string_view::npos);
}

TEST(MediaType, AZipWithoutItsWordPartIsNoDocx) {
  auto judged = Judge(test_files::Zip({{"[Content_Types].xml", "<Types/>"},
                                       {"word.xml", "x"}}));
  EXPECT_EQ(ReasonOf(judged), reason::kMediaTypeRefused);
}

}  // namespace
}  // namespace wf
