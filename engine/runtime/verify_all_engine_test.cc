// Copyright the wf-engine authors. Apache-2.0.
//
// Engine::VerifyAll: every instance checked, a tampered one named with its
// first bad event, administrators only, stoppable; ListRegisters.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/engine_test_support.h"
#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "wf/engine.h"

namespace wf {
namespace {

class VerifyAllTest : public test_support::EngineFixture {
 protected:
  VerifyAllTest() : EngineFixture(absl::FromUnixSeconds(1767225600)) {}
  void SetUp() override {
    Open("wf_verify_all_test", {"dem.lua", "vao_so.lua"});
  }

  std::string Start(const std::string& workflow) {
    auto started = engine_->Start({workflow, "", "", "", Actor::Embedder()});
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance.id : "";
  }

  void Fire(const std::string& id, const std::string& event,
            const std::string& payload = "") {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = event;
    fire.payload_json = payload;
    fire.actor = Actor::Embedder();
    auto fired = engine_->Fire(fire);
    ASSERT_TRUE(fired.ok()) << fired.status();
  }

  // Changes event `seq` of `id` behind the engine's back (the engine is
  // closed meanwhile), keeping its stored hash.
  void Tamper(const std::string& id, uint64_t seq) {
    engine_.reset();
    {
      auto store = Store::Open(dir_, StoreOptions());
      ASSERT_TRUE(store.ok()) << store.status();
      const std::string key = keys::History(id, seq);
      auto value = (*store)->Get(Cf::kHistory, key);
      ASSERT_TRUE(value.ok() && value->has_value());
      store::HistoryEventRecord record;
      ASSERT_TRUE(record.ParseFromString(**value));
      store::HistoryEventBody body;
      ASSERT_TRUE(body.ParseFromString(record.body()));
      body.set_payload_json(R"({"key":"sửa lén"})");
      record.set_body(body.SerializeAsString());
      WriteSet set;
      set.Put(Cf::kHistory, key, record.SerializeAsString());
      rocksdb::WriteBatch batch;
      (*store)->AppendTo(set, &batch);
      ASSERT_TRUE((*store)->WriteSynced(&batch).ok());
    }
    Reopen();
  }

  // Five counters, the i-th fired i times.
  std::vector<std::string> FiveCounters() {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
      ids.push_back(Start("dem"));
      for (int n = 0; n < i; ++n) Fire(ids.back(), "tang");
    }
    return ids;
  }
};

TEST_F(VerifyAllTest, EveryInstanceVerifiesWithProgressAfterEach) {
  FiveCounters();
  std::vector<VerifyAllProgress> seen;
  auto summary = engine_->VerifyAll(
      Actor::Embedder(),
      [&](const VerifyAllProgress& p, const VerifyFailure* f) {
        EXPECT_EQ(f, nullptr);
        seen.push_back(p);
        return true;
      });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->total, 5u);
  EXPECT_EQ(summary->verified, 5u);
  EXPECT_EQ(summary->failed, 0u);
  EXPECT_TRUE(summary->failures.empty());
  ASSERT_EQ(seen.size(), 5u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].done, i + 1);
    EXPECT_EQ(seen[i].total, 5u);
  }
}

TEST_F(VerifyAllTest, NamesTheTamperedInstanceAndItsFirstBadEvent) {
  std::vector<std::string> ids = FiveCounters();
  Tamper(ids[3], 2);  // the 4th counter has events 1..4
  std::vector<std::string> failed_in_stream;
  auto summary = engine_->VerifyAll(
      Actor::Admin("quan-tri"),
      [&](const VerifyAllProgress& p, const VerifyFailure* f) {
        if (f != nullptr) failed_in_stream.push_back(f->instance_id);
        return true;
      });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->total, 5u);
  EXPECT_EQ(summary->verified, 4u);
  EXPECT_EQ(summary->failed, 1u);
  ASSERT_EQ(summary->failures.size(), 1u);
  const VerifyFailure& f = summary->failures[0];
  EXPECT_EQ(f.instance_id, ids[3]);
  EXPECT_EQ(f.workflow, "dem");
  EXPECT_EQ(f.failed_event, 2u);
  EXPECT_NE(f.problem.find("event 2: its hash does not match"),
            std::string::npos)
      << f.problem;
  EXPECT_EQ(failed_in_stream, std::vector<std::string>{ids[3]});
  // The single-instance check agrees, event included.
  auto one = engine_->Verify(ids[3], Actor::Embedder());
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->ok);
  EXPECT_EQ(one->failed_event, 2u);
}

TEST_F(VerifyAllTest, APersonIsRefused) {
  FiveCounters();
  auto summary = engine_->VerifyAll(Actor::Person("chuyen-vien.x"), {});
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(VerifyAllTest, TheObserverStopsTheRun) {
  FiveCounters();
  int calls = 0;
  auto summary = engine_->VerifyAll(
      Actor::Embedder(), [&](const VerifyAllProgress& p, const VerifyFailure*) {
        return ++calls < 2;
      });
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 2);
}

TEST_F(VerifyAllTest, AnEmptyStoreHasNothingToVerify) {
  auto summary = engine_->VerifyAll(Actor::Embedder(), {});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->total, 0u);
  EXPECT_EQ(summary->failed, 0u);
}

// Writes go on while it runs, and an instance moved meanwhile still
// verifies: each is read as of one moment, so its record and its history
// agree (read without a snapshot, a step committed between the two reads
// shows a history one event longer than the instance: this test then fails
// within a second).
TEST_F(VerifyAllTest, InstancesMovingDuringTheRunStillVerify) {
  std::vector<std::string> ids = FiveCounters();
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (const std::string& id : ids) {
    writers.emplace_back([&, id] {
      while (!stop) Fire(id, "tang");
    });
  }
  auto versions = [&] {
    std::vector<uint64_t> out;
    for (const std::string& id : ids) {
      out.push_back(engine_->GetInstance(id, Actor::Embedder())->version);
    }
    return out;
  };
  // Rounds until every instance took 500 steps meanwhile, and 12 at least:
  // counted in steps, not seconds, since a slow machine (or a sanitizer)
  // runs fewer rounds a second. The minute is only a bound.
  const std::vector<uint64_t> before = versions();
  auto least_moved = [&] {
    const std::vector<uint64_t> now = versions();
    uint64_t least = UINT64_MAX;
    for (size_t i = 0; i < ids.size(); ++i) {
      least = std::min(least, now[i] - before[i]);
    }
    return least;
  };
  const absl::Time bound = absl::Now() + absl::Minutes(1);
  const uint64_t steps = test_support::StepsToTake(500, 150);
  int rounds = 0;
  while ((rounds < 12 || least_moved() < steps) && absl::Now() < bound) {
    auto summary = engine_->VerifyAll(Actor::Embedder(), {});
    ASSERT_TRUE(summary.ok()) << summary.status();
    ASSERT_EQ(summary->failed, 0u)
        << "round " << rounds << ": " << summary->failures[0].instance_id
        << ": " << summary->failures[0].problem;
    ++rounds;
  }
  const uint64_t moved = least_moved();
  stop = true;
  for (std::thread& w : writers) w.join();
  EXPECT_GE(moved, steps) << "the writers did not move the instances";
}

TEST_F(VerifyAllTest, ListRegistersGivesEveryCounterItsLastNumber) {
  std::string a = Start("vao_so");
  Fire(a, "lay_so");
  Fire(a, "lay_so");
  Fire(a, "lay_so", R"({"so":"so-den/2026"})");
  auto registers = engine_->ListRegisters(Actor::Embedder());
  ASSERT_TRUE(registers.ok()) << registers.status();
  ASSERT_EQ(registers->size(), 2u);
  EXPECT_EQ((*registers)[0].register_name, "so-den/2026");
  EXPECT_EQ((*registers)[0].last_number, 1u);
  EXPECT_EQ((*registers)[1].register_name, "so-di/2026");
  EXPECT_EQ((*registers)[1].last_number, 2u);
  EXPECT_EQ(engine_->ListRegisters(Actor::Person("x")).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace wf
