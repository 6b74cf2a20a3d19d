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

#include <initializer_list>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf::test_support {

// How many steps a concurrency test takes: fewer under the sanitizers,
// which slow every step five- to thirty-fold. Enough to interleave the
// threads many times over either way; the full count is for the release
// build, where it costs seconds.
constexpr int StepsToTake(int release, int sanitized) {
#ifdef WF_SANITIZED
  return sanitized;
#else
  return release;
#endif
}

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

// An engine on a fresh folder with a ManualClock starting at `start`, no
// timer loop, and the given test workflows deployed. Subclasses set
// options_ further in their SetUp before calling Open.
class EngineFixture : public ::testing::Test {
 protected:
  explicit EngineFixture(absl::Time start) : clock_(start) {}

  void Open(const std::string& prefix,
            std::initializer_list<const char*> workflows) {
    dir_ = FreshDir(prefix);
    options_.data_dir = dir_;
    options_.clock = &clock_;
    options_.run_timers = false;
    Reopen();
    for (const char* file : workflows) {
      auto deployed = engine_->Deploy(
          {ReadTestdata(file), file, Actor::Embedder("admin")});
      ASSERT_TRUE(deployed.ok()) << deployed.status();
    }
  }

  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    engine_.reset();
    auto engine = Engine::Open(options_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  std::string dir_;
  ManualClock clock_;
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace wf::test_support

#endif  // WF_RUNTIME_ENGINE_TEST_SUPPORT_H_
