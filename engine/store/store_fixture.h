// Copyright the wf-engine authors. Apache-2.0.
//
// A store and its committer in a fresh folder named after the running
// test: the base of the tests of what sits directly on the store.
#ifndef WF_STORE_STORE_FIXTURE_H_
#define WF_STORE_STORE_FIXTURE_H_

#include <memory>

#include "engine/store/committer.h"
#include "engine/store/store.h"
#include "engine/store/test_dirs.h"
#include "gtest/gtest.h"

namespace wf::test_dirs {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* test =
        ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto store = Store::Open(TempDir(test), StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    committer_ = std::make_unique<Committer>(store_.get(), 64);
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Committer> committer_;
};

}  // namespace wf::test_dirs

#endif  // WF_STORE_STORE_FIXTURE_H_
