#include "engine/util/keyed_serializer.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(KeyedSerializerTest, RunsAtOnceWhenFree) {
  ThreadPool pool(1);
  KeyedSerializer serializer(&pool);
  bool ran = false;
  serializer.Run("a", [&] { ran = true; });
  EXPECT_TRUE(ran);
  EXPECT_EQ(serializer.HeldCount(), 1u);
  serializer.Release("a");
  EXPECT_EQ(serializer.HeldCount(), 0u);
}

TEST(KeyedSerializerTest, QueuesWhileHeldAndRunsInOrder) {
  ThreadPool pool(2);
  KeyedSerializer serializer(&pool);
  std::vector<int> order;
  absl::Mutex mu;
  absl::Notification third_done;
  serializer.Run("a", [&] { absl::MutexLock l(&mu); order.push_back(1); });
  serializer.Run("a", [&] {
    { absl::MutexLock l(&mu); order.push_back(2); }
    serializer.Release("a");
  });
  serializer.Run("a", [&] {
    { absl::MutexLock l(&mu); order.push_back(3); }
    serializer.Release("a");
    third_done.Notify();
  });
  {
    absl::MutexLock l(&mu);
    EXPECT_EQ(order, std::vector<int>({1}));  // 2 and 3 wait for the key
  }
  serializer.Release("a");
  third_done.WaitForNotification();
  absl::MutexLock l(&mu);
  EXPECT_EQ(order, std::vector<int>({1, 2, 3}));
}

TEST(KeyedSerializerTest, NeverTwoHoldersOfOneKey) {
  ThreadPool pool(2);
  KeyedSerializer serializer(&pool);
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> done{0};
  constexpr int kPerThread = 2000;
  auto worker = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      serializer.Run("k", [&] {
        if (inside.fetch_add(1) != 0) overlaps++;
        inside.fetch_sub(1);
        done++;
        serializer.Release("k");
      });
    }
  };
  std::thread t1(worker), t2(worker), t3(worker);
  t1.join();
  t2.join();
  t3.join();
  while (done.load() < 3 * kPerThread) std::this_thread::yield();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(serializer.HeldCount(), 0u);
}

}  // namespace
}  // namespace wf
