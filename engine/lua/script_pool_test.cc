#include "engine/lua/script_pool.h"

#include <cstdio>
#include <vector>

#include "gtest/gtest.h"

namespace wf {
namespace {

// `an` leaves about 3 MiB of garbage in the state (a thousand-character
// string per element), under the cap; `tran` runs into the cap; `lap` into
// the instruction budget.
constexpr char kHungry[] = R"lua(
workflow "an_bo_nho" { initial = "a" }
state "a" { title = "A" }
state "b" { title = "B", final = true }
transition "an" {
  from = "a", to = "b",
  action = function(ctx)
    local t = {}
    for i = 1, 3000 do t[i] = string.rep("x", 1000) .. i end
    ctx.vars.n = #t
  end,
}
transition "tran" {
  from = "a", to = "b",
  action = function(ctx)
    local t = {}
    for i = 1, 1000000 do t[i] = string.rep("y", 4000) .. i end
  end,
}
transition "lap" {
  from = "a", to = "b",
  action = function(ctx) while true do end end,
}
)lua";

constexpr int kEat = 0, kOverflow = 1, kLoop = 2;
constexpr size_t kMiB = size_t{1} << 20;

SandboxOptions Limits() {
  SandboxOptions limits;
  limits.memory_bytes = 16 * kMiB;
  limits.instructions_per_call = 1'000'000;
  return limits;
}

// Holds `n` leases at once (so the pool has to load `n` states), runs
// `transition` on each, then returns them all.
void RunAtOnce(ScriptPool* pool, int n, int transition) {
  const Json vars = Json::object(), payload = Json::object();
  CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  in.event = "an";
  in.instance_id = "wi-000000000001";
  in.now = absl::FromUnixSeconds(1768525200);
  std::vector<ScriptPool::Lease> leases;
  for (int i = 0; i < n; ++i) {
    auto lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    leases.push_back(std::move(*lease));
  }
  for (auto& lease : leases) lease->RunAction(transition, in).IgnoreError();
}

// Without a budget the test's workload would hold more than it allows; the
// control shows the test can fail.
TEST(ScriptPoolTest, WithoutABoundIdleStatesHoldTheGarbageOfTheirLastCall) {
  IdleBudget unlimited(SIZE_MAX);
  ScriptPool pool(kHungry, "an_bo_nho.lua", Limits(), /*max_idle=*/16,
                  &unlimited);
  RunAtOnce(&pool, 8, kEat);
  std::printf("unbounded: %zu idle states hold %.1f MiB\n", pool.idle(),
              pool.idle_bytes() / double(kMiB));
  EXPECT_EQ(pool.idle(), 8u);
  EXPECT_GT(pool.idle_bytes(), 12 * kMiB);
  EXPECT_EQ(unlimited.used(), pool.idle_bytes());
}

TEST(ScriptPoolTest, IdleStatesOfEveryPoolStayUnderTheSharedBudget) {
  IdleBudget budget(6 * kMiB);
  ScriptPool first(kHungry, "an_bo_nho.lua", Limits(), 16, &budget);
  ScriptPool second(kHungry, "an_bo_nho_2.lua", Limits(), 16, &budget);
  for (int round = 0; round < 5; ++round) {
    RunAtOnce(&first, 8, kEat);
    RunAtOnce(&second, 8, kEat);
    EXPECT_LE(first.idle_bytes() + second.idle_bytes(), budget.limit());
    EXPECT_EQ(budget.used(), first.idle_bytes() + second.idle_bytes());
  }
  std::printf("bounded to 6 MiB: %zu + %zu idle states hold %.1f MiB\n",
              first.idle(), second.idle(), budget.used() / double(kMiB));
  // The budget closes what does not fit; it does not empty the pools.
  EXPECT_GE(first.idle() + second.idle(), 1u);
  EXPECT_LT(first.idle() + second.idle(), 16u);
}

TEST(ScriptPoolTest, StatesStoppedAtALimitAreClosedNotPooled) {
  IdleBudget budget(IdleBudget::kDefaultBytes);
  ScriptPool pool(kHungry, "an_bo_nho.lua", Limits(), 16, &budget);
  RunAtOnce(&pool, 3, kOverflow);
  EXPECT_EQ(pool.idle(), 0u);
  RunAtOnce(&pool, 3, kLoop);
  EXPECT_EQ(pool.idle(), 0u);
  EXPECT_EQ(budget.used(), 0u);
  // A pool that closed its states loads new ones.
  RunAtOnce(&pool, 2, kEat);
  EXPECT_EQ(pool.idle(), 2u);
}

TEST(ScriptPoolTest, ClosingAPoolGivesItsChargeBack) {
  IdleBudget budget(64 * kMiB);
  {
    ScriptPool pool(kHungry, "an_bo_nho.lua", Limits(), 4, &budget);
    RunAtOnce(&pool, 4, kEat);
    EXPECT_GT(budget.used(), 0u);
  }
  EXPECT_EQ(budget.used(), 0u);
}

TEST(IdleBudgetTest, ChargesOnlyWhatFits) {
  IdleBudget budget(10);
  EXPECT_TRUE(budget.TryCharge(6));
  EXPECT_FALSE(budget.TryCharge(5));
  EXPECT_TRUE(budget.TryCharge(4));
  EXPECT_FALSE(budget.TryCharge(1));
  budget.Release(6);
  EXPECT_EQ(budget.used(), 4u);
  EXPECT_FALSE(budget.TryCharge(SIZE_MAX));
  EXPECT_EQ(IdleBudget::Process()->limit(), 256 * kMiB);
}

}  // namespace
}  // namespace wf
