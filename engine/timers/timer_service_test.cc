#include "engine/timers/timer_service.h"

#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/committer.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

class TimerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("wf_timer_service_", ::getpid()))
               .string();
    std::filesystem::remove_all(dir_);
    store_ = *Store::Open(dir_, StoreOptions());
    committer_ = std::make_unique<Committer>(store_.get(), 512);
  }
  void TearDown() override {
    committer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // `n` timers, one a second from t0, written in a scrambled order.
  void WriteTimers(int n) {
    WriteSet set;
    for (int i = 0; i < n; ++i) {
      int k = (i * 7919) % n;
      store::TimerRecord t;
      t.set_instance_id(absl::StrCat("wi-", k));
      t.set_name("han");
      t.set_event("qua_han");
      t.set_due_micros(absl::ToUnixMicros(t0_ + absl::Seconds(k)));
      set.Put(Cf::kTimers, TimerKey(t), t.SerializeAsString());
    }
    ASSERT_TRUE(committer_->Commit(std::move(set)).ok());
  }

  // Deletes the timer's key as the transition path does: true, it fired.
  absl::StatusOr<bool> Consume(const store::TimerRecord& t) {
    WriteSet set;
    set.Delete(Cf::kTimers, TimerKey(t));
    absl::Status committed = committer_->Commit(std::move(set));
    if (!committed.ok()) return committed;
    return true;
  }

  std::string dir_;
  absl::Time t0_ = absl::FromUnixSeconds(1780000000);
  ManualClock clock_{t0_ - absl::Hours(1)};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Committer> committer_;
};

TEST_F(TimerServiceTest, FiresDueTimersInDueOrderAndReadsOneKeyWhenNoneIsDue) {
  constexpr int kTimers = 10000;
  WriteTimers(kTimers);
  std::vector<int64_t> fired;
  // Consumes each timer as the transition path would: delete it, then done.
  TimerService timers(
      store_.get(), &clock_,
      [&](const store::TimerRecord& t, TimerService::FireDone done) {
        fired.push_back(t.due_micros());
        done(Consume(t));
      },
      /*max_in_flight=*/1);
  auto count = timers.FireDue();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
  EXPECT_EQ(timers.stats().keys_read, 1u);  // not 10,000

  clock_.Set(t0_ + absl::Seconds(kTimers / 2) - absl::Milliseconds(1));
  count = timers.FireDue();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, kTimers / 2);
  ASSERT_EQ(fired.size(), static_cast<size_t>(kTimers / 2));
  for (size_t i = 0; i < fired.size(); ++i) {
    ASSERT_EQ(fired[i], absl::ToUnixMicros(t0_ + absl::Seconds(i))) << i;
  }
}

TEST_F(TimerServiceTest, AFailingTimerIsRetriedLaterNotInALoop) {
  WriteTimers(1);
  int attempts = 0;
  TimerService timers(
      store_.get(), &clock_,
      [&](const store::TimerRecord& t, TimerService::FireDone done) {
        ++attempts;
        done(absl::FailedPreconditionError("script error"));
      },
      8);
  clock_.Set(t0_ + absl::Seconds(1));
  EXPECT_EQ(timers.FireDue().value_or(-1), 0);
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(timers.FireDue().value_or(-1), 0);
  EXPECT_EQ(attempts, 1);  // backing off
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(timers.FireDue().value_or(-1), 0);
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(timers.stats().failed, 2u);
}

// A pass reads keys from a snapshot; a key removed after the snapshot (by
// a firing that completed meanwhile, or here by the first firing) must not
// be fired again: that second attempt was counted as a firing and made
// AdvanceClock and GetStats over-count.
TEST_F(TimerServiceTest, AKeyRemovedDuringAPassIsNotFiredAgain) {
  WriteTimers(3);  // wi-0, wi-1, wi-2, due one a second from t0
  std::vector<std::string> fired;
  TimerService timers(
      store_.get(), &clock_,
      [&](const store::TimerRecord& t, TimerService::FireDone done) {
        fired.push_back(t.instance_id());
        if (t.instance_id() == "wi-0") {
          // Its transition also ended wi-1's clock, removing wi-1's key.
          store::TimerRecord other = t;
          other.set_instance_id("wi-1");
          other.set_due_micros(absl::ToUnixMicros(t0_ + absl::Seconds(1)));
          ASSERT_TRUE(Consume(other).ok());
        }
        done(Consume(t));
      },
      /*max_in_flight=*/8);
  clock_.Set(t0_ + absl::Seconds(10));
  EXPECT_EQ(timers.FireDue().value_or(-1), 2);
  EXPECT_EQ(fired, (std::vector<std::string>{"wi-0", "wi-2"}));
  EXPECT_EQ(timers.stats().fired, 2u);
}

// A timer consumed without an event (its clock ended after the key was
// read) is not a firing.
TEST_F(TimerServiceTest, StaleTimersAreNotCountedAsFired) {
  WriteTimers(2);
  TimerService timers(
      store_.get(), &clock_,
      [&](const store::TimerRecord& t, TimerService::FireDone done) {
        absl::StatusOr<bool> consumed = Consume(t);
        if (consumed.ok() && t.instance_id() == "wi-1") consumed = false;
        done(consumed);
      },
      /*max_in_flight=*/8);
  clock_.Set(t0_ + absl::Seconds(10));
  EXPECT_EQ(timers.FireDue().value_or(-1), 1);
  EXPECT_EQ(timers.stats().fired, 1u);
  EXPECT_EQ(timers.stats().stale, 1u);
}

}  // namespace
}  // namespace wf
