// Copyright the wf-engine authors. Apache-2.0.
//
// Folders for the store's tests: fresh for each use, and removed when the
// test program ends (ctest runs each test in a program of its own), so
// that test runs do not pile folders up in /tmp.
#ifndef WF_STORE_TEST_DIRS_H_
#define WF_STORE_TEST_DIRS_H_

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace wf::test_dirs {

// The folders made so far; the last static destructors remove them, after
// every test's stores are closed.
class Made {
 public:
  ~Made() {
    for (const std::string& dir : dirs_) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
  void Add(const std::string& dir) { dirs_.push_back(dir); }

 private:
  std::vector<std::string> dirs_;
};

inline Made& AllMade() {
  static Made made;
  return made;
}

// An empty folder path wf_<name>_<pid> under the temporary folder (not
// created: the store creates it).
inline std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             absl::StrCat("wf_", name, "_", ::getpid());
  std::filesystem::remove_all(dir);
  AllMade().Add(dir.string());
  return dir.string();
}

}  // namespace wf::test_dirs

#endif  // WF_STORE_TEST_DIRS_H_
