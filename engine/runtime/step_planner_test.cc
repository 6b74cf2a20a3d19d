// Copyright the wf-engine authors. Apache-2.0.
//
// The planner on its own: no store, no engine — a definition, a Step, and
// what the instance, its history event, its clocks and timers become.
#include "engine/runtime/step_planner.h"

#include "absl/strings/str_cat.h"
#include "engine/runtime/history.h"
#include "engine/runtime/step_writers.h"
#include "engine/store/keys.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

constexpr char kSource[] = R"lua(
workflow "cho_duyet" { initial = "cho", who = { role = "*", unit = "same_unit" } }
state "cho" { title = "Chờ duyệt", deadline = { minutes = 60, fire = "het_gio" } }
state "xong" { title = "Xong", final = true }
transition "duyet" { from = "cho", to = "xong",
  action = function(ctx) ctx.vars.ket_qua = "Đồng ý"; ctx.emit("bao", { n = 1 }) end }
transition "het_gio" { from = "cho", to = "xong", who = "system" }
)lua";

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto script = WorkflowScript::Load(kSource, "cho_duyet.lua", {});
    ASSERT_TRUE(script.ok()) << script.status();
    store::DefinitionRecord record;
    record.set_name("cho_duyet");
    record.set_version(3);
    record.set_source(kSource);
    record.set_file_name("cho_duyet.lua");
    definition_ = std::make_unique<Definition>(record, std::move(*script),
                                               SandboxOptions());
  }

  Step StartStep() {
    Step step;
    step.definition = definition_.get();
    step.instance_id = "wi-000000000007";
    step.event = "start";
    step.to = "cho";
    step.payload = &empty_;
    step.vars_before = &empty_;
    step.outcome = &started_;
    step.now = now_;
    step.actor = "can-bo.dai-son";
    step.before.set_unit_id("07627");
    return step;
  }

  std::unique_ptr<Definition> definition_;
  calendar::WorkCalendar calendar_ = calendar::WorkCalendar::Default();
  const Json empty_ = Json::object();
  ActionResult started_{Json{{"nam", 2026}}, Json::array()};
  absl::Time now_ = absl::FromUnixSeconds(1768525200);  // 16/01/2026 08:00
};

TEST_F(PlannerTest, AStartBecomesVersionOneWithItsClockAndTimer) {
  auto plan = PlanStep(StartStep(), calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->seq, 1u);
  EXPECT_EQ(plan->after.id(), "wi-000000000007");
  EXPECT_EQ(plan->after.state(), "cho");
  EXPECT_EQ(plan->after.workflow_version(), 3u);
  EXPECT_EQ(plan->after.version(), 1u);
  EXPECT_EQ(plan->after.variables_json(), R"({"nam":2026})");
  EXPECT_FALSE(plan->after.finished());
  EXPECT_EQ(plan->body.prev_hash(), ChainAnchor("wi-000000000007"));
  EXPECT_EQ(plan->after.last_hash(), plan->sealed.hash());
  ASSERT_EQ(plan->clocks.size(), 1u);
  ASSERT_EQ(plan->timers_after.size(), 1u);
  EXPECT_EQ(plan->timers_after[0].event, "het_gio");
  EXPECT_EQ(plan->timers_after[0].due, now_ + absl::Minutes(60));
  EXPECT_TRUE(plan->timers_before.empty());
  // No directory in the step: no inbox listing.
  EXPECT_TRUE(plan->inbox_keys.empty());
}

TEST_F(PlannerTest, AFinalStepEndsTheClockAndChainsTheEvent) {
  auto start = PlanStep(StartStep(), calendar_, Limits());
  ASSERT_TRUE(start.ok());
  Step step = StartStep();
  step.before = start->after;
  step.event = "duyet";
  step.from = "cho";
  step.to = "xong";
  Json vars = Json::parse(start->after.variables_json());
  step.vars_before = &vars;
  ActionResult approved{Json{{"nam", 2026}, {"ket_qua", "Đồng ý"}},
                        Json::array({{{"kind", "bao"}, {"data", {{"n", 1}}}}})};
  step.outcome = &approved;
  step.now = now_ + absl::Minutes(5);
  auto plan = PlanStep(step, calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->seq, 2u);
  EXPECT_TRUE(plan->after.finished());
  EXPECT_EQ(plan->body.prev_hash(), start->sealed.hash());
  EXPECT_EQ(plan->body.changes_json(),
            R"({"set":{"ket_qua":"Đồng ý"},"unset":[]})");
  EXPECT_TRUE(plan->clocks.empty());
  EXPECT_EQ(plan->timers_before.size(), 1u);
  EXPECT_TRUE(plan->timers_after.empty());

  // The writers turn it into one set: the old timer goes, the state index
  // moves; two feed items, the transition and its effect.
  StepWrites writes = WriteStep(step, *plan);
  EXPECT_EQ(writes.new_timer_due, absl::InfiniteFuture());
  EXPECT_EQ(writes.txn.writes().SingleDeletes(Cf::kTimers), 1u);
  // instance, history, state index delete + put, timer delete.
  EXPECT_EQ(writes.txn.writes().size(), 5u);
  EXPECT_EQ(writes.txn.feed().size(), 2u);
}

TEST_F(PlannerTest, VariablesOverTheLimitAreRefused) {
  Limits limits;
  limits.max_variables_bytes = 10;
  auto plan = PlanStep(StartStep(), calendar_, limits);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(plan.status().message().find("within 10 bytes"), std::string::npos)
      << plan.status();
}

// Reader slots: the slots listed before the step, the actor's capacity,
// sorted and without repeats; a document listed under too many keeps the
// slots it had.
TEST_F(PlannerTest, ReaderSlotsGatherInboxSlotsAndTheActorsCapacity) {
  Step step = StartStep();
  step.before.add_inbox_keys(keys::Inbox("07616", "chu_tich", 0, 1, "x"));
  step.before.add_reader_slots(keys::InboxSlot("07627", "*"));
  step.grant = org::Grant{"can_bo", "07627", ""};
  auto plan = PlanStep(step, calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> slots(plan->after.reader_slots().begin(),
                                 plan->after.reader_slots().end());
  EXPECT_EQ(slots, std::vector<std::string>(
                       {keys::InboxSlot("07616", "chu_tich"),
                        keys::InboxSlot("07627", "*"),
                        keys::InboxSlot("07627", "can_bo")}));

  Step crowded = StartStep();
  crowded.before.add_reader_slots(keys::InboxSlot("07627", "*"));
  for (int i = 0; i < 300; ++i) {
    crowded.before.add_inbox_keys(
        keys::Inbox(absl::StrCat("u", i), "can_bo", 0, 1, "x"));
  }
  plan = PlanStep(crowded, calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->after.reader_slots_size(), 1);
  EXPECT_EQ(plan->after.reader_slots(0), keys::InboxSlot("07627", "*"));
}

// Places held: taken ones count, given ones come off (never below none),
// a place the quota refused does not count; claims as ctx.claim and
// ctx.release answered; a cancel holds nothing after.
TEST_F(PlannerTest, PlacesAndClaimsHeldFollowWhatTheScriptTook) {
  auto external = [](const char* call, const char* key, const char* value) {
    store::ExternalValue v;
    v.set_call(call);
    v.set_key(key);
    v.set_value_json(value);
    return v;
  };
  Step step = StartStep();
  step.externals = {external("take_place", "khen", "true"),
                    external("take_place", "khen", "true"),
                    external("take_place", "khen", "false"),
                    external("give_place", "khen", "true"),
                    external("give_place", "khac", "true"),
                    external("claim", "an", "true"),
                    external("claim", "binh", "\"wi-000000000001\"")};
  auto plan = PlanStep(step, calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->after.places_held_size(), 1);
  EXPECT_EQ(plan->after.places_held(0).quota(), "khen");
  EXPECT_EQ(plan->after.places_held(0).count(), 1);
  ASSERT_EQ(plan->after.claims_held_size(), 1);
  EXPECT_EQ(plan->after.claims_held(0), "an");

  // Released names come off in the order asked: released then claimed
  // again stays held; a release answered false changes nothing.
  Step next = StartStep();
  next.before = plan->after;
  next.externals = {external("claim", "chi", "true"),
                    external("release", "chi", "true"),
                    external("release", "an", "true"),
                    external("claim", "an", "true"),
                    external("claim", "dung", "true"),
                    external("release", "dung", "true"),
                    external("release", "binh", "false")};
  plan = PlanStep(next, calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->after.claims_held_size(), 1);
  EXPECT_EQ(plan->after.claims_held(0), "an");

  Step cancel = StartStep();
  cancel.before = plan->after;
  cancel.cancel = true;
  plan = PlanStep(cancel, calendar_, Limits());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->after.places_held_size(), 0);
  EXPECT_EQ(plan->after.claims_held_size(), 0);
}

}  // namespace
}  // namespace wf
