// Copyright the wf-engine authors. Apache-2.0.
//
// Files for tests: the smallest bytes each allowed media type is judged
// from, and zip containers built entry by entry (stored, not deflated: the
// judge reads names, not contents).
#ifndef WF_DOCUMENTS_TEST_FILES_H_
#define WF_DOCUMENTS_TEST_FILES_H_

#include <string>
#include <utility>
#include <vector>

namespace wf::test_files {

inline void Le16(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v & 0xff));
  out->push_back(static_cast<char>((v >> 8) & 0xff));
}
inline void Le32(std::string* out, uint32_t v) {
  Le16(out, v & 0xffff);
  Le16(out, v >> 16);
}

// A zip of (name, content) entries, stored, in order.
inline std::string Zip(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, cd;
  for (const auto& [name, content] : entries) {
    const uint32_t at = out.size();
    Le32(&out, 0x04034b50);
    Le16(&out, 20); Le16(&out, 0); Le16(&out, 0);  // version, flags, stored
    Le16(&out, 0); Le16(&out, 0);                  // time, date
    Le32(&out, 0);                                 // crc (not checked)
    Le32(&out, content.size()); Le32(&out, content.size());
    Le16(&out, name.size()); Le16(&out, 0);
    out += name + content;
    Le32(&cd, 0x02014b50);
    Le16(&cd, 20); Le16(&cd, 20); Le16(&cd, 0); Le16(&cd, 0);
    Le16(&cd, 0); Le16(&cd, 0); Le32(&cd, 0);
    Le32(&cd, content.size()); Le32(&cd, content.size());
    Le16(&cd, name.size()); Le16(&cd, 0); Le16(&cd, 0);
    Le16(&cd, 0); Le16(&cd, 0); Le32(&cd, 0);
    Le32(&cd, at);
    cd += name;
  }
  const uint32_t cd_at = out.size();
  out += cd;
  Le32(&out, 0x06054b50);
  Le16(&out, 0); Le16(&out, 0);
  Le16(&out, entries.size()); Le16(&out, entries.size());
  Le32(&out, cd.size()); Le32(&out, cd_at);
  Le16(&out, 0);
  return out;
}

inline std::string Docx() {
  return Zip({{"[Content_Types].xml", "<Types/>"},
              {"_rels/.rels", "<Relationships/>"},
              {"word/document.xml", "<w:document/>"}});
}
inline std::string Xlsx() {
  return Zip({{"[Content_Types].xml", "<Types/>"},
              {"xl/workbook.xml", "<workbook/>"}});
}
inline std::string Odt() {
  return Zip({{"mimetype", "application/vnd.oasis.opendocument.text"},
              {"content.xml", "<office:document-content/>"}});
}
// A PDF of exactly `size` bytes (at least 5): the magic, then filler.
inline std::string Pdf(size_t size) {
  std::string out = "%PDF-1.7\n";
  out.resize(std::max<size_t>(size, 5), 'x');
  out.resize(size);
  for (size_t i = 9; i < size; ++i) out[i] = static_cast<char>('a' + i * 7 % 26);
  return out;
}

}  // namespace wf::test_files

#endif  // WF_DOCUMENTS_TEST_FILES_H_
