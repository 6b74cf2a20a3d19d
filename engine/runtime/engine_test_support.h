// Copyright the wf-engine authors. Apache-2.0.
//
// What the engine's tests share: a fresh data folder per test, and the
// workflow files of tests/testdata.
#ifndef WF_RUNTIME_ENGINE_TEST_SUPPORT_H_
#define WF_RUNTIME_ENGINE_TEST_SUPPORT_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wf::test_support {

// An empty folder for the running test: <tmp>/<prefix>_<pid>_<test name>.
inline std::string FreshDir(const std::string& prefix) {
  std::string dir =
      (std::filesystem::temp_directory_path() /
       absl::StrCat(prefix, "_", ::getpid(), "_",
                    ::testing::UnitTest::GetInstance()
                        ->current_test_info()
                        ->name()))
          .string();
  std::filesystem::remove_all(dir);
  return dir;
}

// A file of tests/testdata (WF_TESTDATA_DIR), whole.
inline std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(WF_TESTDATA_DIR) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace wf::test_support

#endif  // WF_RUNTIME_ENGINE_TEST_SUPPORT_H_
