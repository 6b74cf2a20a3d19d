// Imports the test org directory (tests/testdata/org/README.md) into an
// engine: the real Bắc Ninh communes, its agencies, and test people.
#ifndef WF_TESTS_TEST_DIRECTORY_H_
#define WF_TESTS_TEST_DIRECTORY_H_

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "wf/engine.h"

namespace wf::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline absl::Status ImportTestDirectory(Engine* engine) {
  const std::string org = std::string(WF_TESTDATA_DIR) + "/org/";
  DirectoryImport communes;
  communes.source = "bac_ninh_xa";
  communes.format = "communes";
  communes.csv = ReadFile(std::string(WF_PROVINCES_DIR) + "/bac_ninh_2025.csv");
  communes.province_id = "bac_ninh";
  communes.province_name = "Bắc Ninh";
  communes.valid_from = "01/07/2025";
  if (communes.csv.empty()) {
    return absl::NotFoundError("the official Bắc Ninh list is missing: is "
                               "../shared beside the repository?");
  }
  auto imported = engine->ImportDirectory(Actor::Embedder(), communes);
  if (!imported.ok()) return imported.status();
  DirectoryImport agencies{"bac_ninh_co_quan", "units",
                           ReadFile(org + "bac_ninh_co_quan.csv")};
  imported = engine->ImportDirectory(Actor::Embedder(), agencies);
  if (!imported.ok()) return imported.status();
  DirectoryImport people{"nguoi_dung", "people", ReadFile(org + "nguoi_dung.csv")};
  return engine->ImportDirectory(Actor::Embedder(), people).status();
}

}  // namespace wf::testing

#endif  // WF_TESTS_TEST_DIRECTORY_H_
