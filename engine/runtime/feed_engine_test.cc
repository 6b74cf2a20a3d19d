// Copyright the wf-engine authors. Apache-2.0.
//
// The feed through the public header: every transition, child start, timer
// and effect in commit order; filters; who may read; expiry of old items;
// waking readers. And the feed writer on an event that issued a document or
// attached a file (step_writers.h).
#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/runtime/feed.h"
#include "engine/runtime/step_writers.h"
#include "engine/store/committer.h"
#include "engine/store/keys.h"
#include "engine/store/store.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Json = nlohmann::json;
using test_support::ReadTestdata;

class FeedEngineTest : public test_support::EngineFixture {
 protected:
  FeedEngineTest() : EngineFixture(absl::FromUnixSeconds(1768525200)) {}

  void SetUp() override {
    Open("wf_feed_test", {"phe_duyet.lua", "bao_cao_con.lua",
                          "ke_hoach_cha.lua", "hen_nhanh.lua"});
  }

  std::string Start(const std::string& workflow, const Json& vars) {
    StartRequest start;
    start.workflow = workflow;
    start.variables_json = vars.dump();
    start.actor = Actor::Embedder("can-bo");
    auto started = engine_->Start(start);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->instance.id : "";
  }

  void Fire(const std::string& id, const std::string& event,
            const Json& payload = Json::object()) {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = event;
    fire.payload_json = payload.dump();
    fire.actor = Actor::Embedder("lanh-dao");
    auto fired = engine_->Fire(fire);
    ASSERT_TRUE(fired.ok()) << fired.status();
  }

  std::vector<FeedItem> ReadAll(FeedRequest request = {}) {
    request.actor = Actor::Embedder();
    std::vector<FeedItem> items;
    for (;;) {
      auto page = engine_->ReadFeed(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || page->next_after == request.after) return items;
      items.insert(items.end(), page->items.begin(), page->items.end());
      request.after = page->next_after;
    }
  }

};

std::string Reason(const absl::Status& status) {
  auto details = ReadRefusal(status);
  return details.has_value() ? details->reason : "";
}

TEST_F(FeedEngineTest, TransitionsAndEffectsInCommitOrder) {
  const std::string id = Start("phe_duyet", {{"don_vi", "Xã Tiên Du"}});
  Fire(id, "trinh", {{"noi_dung", "Kế hoạch"}});
  Fire(id, "duyet");  // emits thong_bao
  std::vector<FeedItem> items = ReadAll();
  ASSERT_EQ(items.size(), 4u);
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].cursor, i + 1);
    EXPECT_EQ(items[i].instance_id, id);
    EXPECT_EQ(items[i].workflow, "phe_duyet");
    EXPECT_EQ(items[i].workflow_version, 1u);
  }
  EXPECT_EQ(items[0].kind, "transition");
  EXPECT_EQ(items[0].seq, 1u);
  EXPECT_EQ(items[0].to_state, "du_thao");
  EXPECT_EQ(items[0].actor, "can-bo");
  EXPECT_EQ(items[1].event, "trinh");
  EXPECT_EQ(items[1].from_state, "du_thao");
  EXPECT_EQ(items[1].to_state, "cho_duyet");
  EXPECT_EQ(Json::parse(items[1].data_json)["payload"]["noi_dung"], "Kế hoạch");
  // Compact, as every JSON the engine writes.
  EXPECT_EQ(items[1].data_json, R"({"payload":{"noi_dung":"Kế hoạch"}})");
  EXPECT_EQ(items[2].kind, "transition");
  EXPECT_EQ(items[2].event, "duyet");
  EXPECT_EQ(items[2].seq, 3u);
  EXPECT_EQ(items[2].actor, "lanh-dao");
  EXPECT_EQ(items[2].at, clock_.Now());
  EXPECT_EQ(items[3].kind, "effect");
  EXPECT_EQ(items[3].seq, 3u);  // the effect of the same event
  Json effect = Json::parse(items[3].data_json);
  EXPECT_EQ(effect["kind"], "thong_bao");
  EXPECT_EQ(effect["data"]["den"], "Xã Tiên Du");
  EXPECT_EQ(engine_->FeedHead(Actor::Embedder()).value_or(0), 4u);
}

// Children started in a step follow the parent's transition, in the same
// write, each naming its parent.
TEST_F(FeedEngineTest, ChildStartsFollowTheirParentsTransition) {
  const std::string plan = Start("ke_hoach_cha", Json::object());
  Fire(plan, "ban_hanh", {{"don_vi", {"Xã A", "Xã B", "Xã C"}}});
  std::vector<FeedItem> items = ReadAll();
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[1].instance_id, plan);
  EXPECT_EQ(items[1].event, "ban_hanh");
  for (int i = 2; i < 5; ++i) {
    EXPECT_EQ(items[i].kind, "transition");
    EXPECT_EQ(items[i].workflow, "bao_cao_con");
    EXPECT_EQ(items[i].parent_id, plan);
    EXPECT_EQ(items[i].seq, 1u);
    EXPECT_EQ(items[i].to_state, "dang_lam");
  }
}

TEST_F(FeedEngineTest, TimersAndCancelsAreTransitionsToo) {
  const std::string waiting = Start("hen_nhanh", Json::object());
  const std::string cancelled = Start("phe_duyet", {{"don_vi", "Xã A"}});
  clock_.Advance(absl::Seconds(3));
  ASSERT_EQ(engine_->FireDueTimers().value_or(0), 1);
  CancelRequest cancel;
  cancel.instance_id = cancelled;
  cancel.reason = "nhầm";
  cancel.actor = Actor::Embedder();
  ASSERT_TRUE(engine_->Cancel(cancel).ok());
  std::vector<FeedItem> items = ReadAll();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[2].instance_id, waiting);
  EXPECT_EQ(items[2].event, "het_gio");
  EXPECT_EQ(items[2].actor, "system:timer");
  EXPECT_EQ(Json::parse(items[2].data_json)["timer"], "cho");
  EXPECT_EQ(items[2].data_json, R"({"payload":{},"timer":"cho"})");
  EXPECT_EQ(items[3].instance_id, cancelled);
  EXPECT_EQ(items[3].event, "wf.cancel");
}

TEST_F(FeedEngineTest, FiltersAndPages) {
  const std::string a = Start("phe_duyet", {{"don_vi", "Xã A"}});
  Start("hen_nhanh", Json::object());
  Fire(a, "trinh", {{"noi_dung", "x"}});
  Fire(a, "duyet");
  FeedRequest by_workflow;
  by_workflow.workflow = "hen_nhanh";
  std::vector<FeedItem> items = ReadAll(by_workflow);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].cursor, 2u);
  FeedRequest effects;
  effects.kinds = {"effect"};
  items = ReadAll(effects);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].cursor, 5u);
  // A page of two, then the rest from its next_after.
  FeedRequest page_of_two;
  page_of_two.actor = Actor::Embedder();
  page_of_two.limit = 2;
  auto page = engine_->ReadFeed(page_of_two);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->next_after, 2u);
  EXPECT_EQ(page->head, 5u);
  page_of_two.after = page->next_after;
  page = engine_->ReadFeed(page_of_two);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.front().cursor, 3u);
}

TEST_F(FeedEngineTest, OnlyAdministratorsAndTheEmbedderRead) {
  Start("hen_nhanh", Json::object());
  FeedRequest request;
  request.actor = Actor::Person("can-bo");
  auto refused = engine_->ReadFeed(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(refused.status()), "ADMIN_REQUIRED");
  EXPECT_EQ(engine_->FeedHead(Actor::Person("can-bo")).status().code(),
            absl::StatusCode::kPermissionDenied);
  request.actor = Actor::Admin("quan-tri");
  EXPECT_EQ(engine_->ReadFeed(request).value_or(FeedPage()).items.size(), 1u);
  request.limit = 1001;
  EXPECT_EQ(engine_->ReadFeed(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.limit = 0;
  request.kinds = {"transitions"};
  auto bad_kind = engine_->ReadFeed(request);
  EXPECT_EQ(bad_kind.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_kind.status().message().find("'transitions'"),
            std::string::npos);
}

TEST_F(FeedEngineTest, ACursorPastTheHeadIsRefused) {
  Start("hen_nhanh", Json::object());
  FeedRequest request;
  request.actor = Actor::Embedder();
  request.after = 1;
  EXPECT_TRUE(engine_->ReadFeed(request).ok());  // the head itself: nothing new
  request.after = 7;
  auto ahead = engine_->ReadFeed(request);
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Reason(ahead.status()), "FEED_CURSOR_AHEAD");
  EXPECT_EQ(ReadRefusal(ahead.status())->metadata["head"], "1");
}

// An item is readable a moment before the committer counts it in the
// head. A watcher that read it and comes back with its cursor must be let
// on, not told it is ahead (seen in CI after a restart).
TEST(FeedReaderTest, ACursorTheStoreHoldsIsNotAheadOfALaggingHead) {
  const auto dir = std::filesystem::temp_directory_path() /
                   absl::StrCat("wf_feed_lag_", ::getpid());
  std::filesystem::remove_all(dir);
  auto store = Store::Open(dir.string(), StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  Committer committer(store->get(), 1);
  store::FeedRecord record;
  record.set_kind("transition");
  ASSERT_TRUE((*store)
                  ->PutUnsynced(Cf::kFeed, keys::Feed(1),
                                record.SerializeAsString())
                  .ok());
  FeedReader reader(store->get(), &committer);
  ASSERT_EQ(reader.Head(), 0u);  // the committer has not counted it
  FeedRequest request;
  auto all = reader.Read(request);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->items.size(), 1u);
  request.after = 1;
  auto caught_up = reader.Read(request);
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
  EXPECT_TRUE(caught_up->items.empty());
  request.after = 2;
  EXPECT_EQ(Reason(reader.Read(request).status()), "FEED_CURSOR_AHEAD");
  committer.Stop();
  store->reset();
  std::filesystem::remove_all(dir);
}

// Items older than the retention go at compaction; a reader whose next
// item went is told so, with the cursor to read on from. The numbering
// goes on after a reopen.
TEST_F(FeedEngineTest, ExpiredItemsRefuseOldCursors) {
  options_.limits.feed_retention_seconds = 24 * 3600;
  Reopen();
  Start("hen_nhanh", Json::object());       // cursor 1
  Start("hen_nhanh", Json::object());       // cursor 2
  clock_.Advance(absl::Hours(30));
  Start("phe_duyet", {{"don_vi", "Xã A"}});  // cursor 3, kept
  engine_.reset();
  {
    StoreExpiry expiry;
    expiry.clock = &clock_;
    expiry.feed_window = absl::Hours(24);
    auto store = Store::Open(dir_, StoreOptions(), expiry);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Compact(Cf::kFeed).ok());
  }
  Reopen();
  FeedRequest request;
  request.actor = Actor::Embedder();
  request.after = 1;
  auto expired = engine_->ReadFeed(request);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Reason(expired.status()), "FEED_CURSOR_EXPIRED");
  EXPECT_EQ(ReadRefusal(expired.status())->metadata["oldest_cursor"], "2");
  request.after = 2;
  auto page = engine_->ReadFeed(request);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].cursor, 3u);
  request.after = 0;  // from the oldest kept: never refused
  EXPECT_EQ(engine_->ReadFeed(request).value_or(FeedPage()).items.size(), 1u);
  Start("hen_nhanh", Json::object());
  EXPECT_EQ(ReadAll().back().cursor, 4u);
}

TEST_F(FeedEngineTest, WaitersWakeOnCommitAndOnClose) {
  absl::Notification woke;
  engine_->WakeOnFeed(0, [&] { woke.Notify(); });
  EXPECT_FALSE(woke.HasBeenNotified());
  Start("hen_nhanh", Json::object());
  woke.WaitForNotification();  // hangs (test timeout) if never woken
  absl::Notification cancelled_woke, closed_woke;
  const uint64_t id =
      engine_->WakeOnFeed(1, [&] { cancelled_woke.Notify(); });
  engine_->CancelFeedWake(id);
  engine_->WakeOnFeed(1, [&] { closed_woke.Notify(); });
  ASSERT_TRUE(engine_->Close().ok());
  closed_woke.WaitForNotification();
  EXPECT_FALSE(cancelled_woke.HasBeenNotified());
}

// The writer reads what the step recorded: an issued number and an
// attached file become items of their own, after the transition.
TEST(FeedWriterTest, IssuedDocumentsAndAttachedFilesGetItems) {
  StepPlan plan;
  plan.seq = 4;
  plan.after.set_id("wi-000000000007");
  plan.after.set_workflow("cong_van");
  plan.after.set_unit_id("xa-tien-du");
  plan.body.set_event("ban_hanh");
  plan.body.set_effects_json("[]");
  store::IssuedRecord* issued = plan.body.mutable_issued();
  issued->set_reference("05/KH-BCĐ");
  issued->set_register_("bcd-tiendu/KH");
  issued->set_number(5);
  issued->set_year(2026);
  issued->set_date("2026-01-16");
  store::AttachedFile* attached = plan.body.mutable_attached();
  attached->set_slot("ban_ky");
  attached->mutable_file()->set_name("ke-hoach.pdf");
  attached->mutable_file()->set_version(2);
  attached->mutable_file()->set_sha256(std::string(32, '\x01'));
  Txn txn;
  WriteFeed(plan, &txn);
  ASSERT_EQ(txn.feed().size(), 3u);
  store::FeedRecord records[3];
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(records[i].ParseFromString(txn.feed()[i]));
    EXPECT_EQ(records[i].instance_id(), "wi-000000000007");
    EXPECT_EQ(records[i].unit_id(), "xa-tien-du");
    EXPECT_EQ(records[i].seq(), 4u);
  }
  EXPECT_EQ(records[0].kind(), "transition");
  EXPECT_EQ(records[1].kind(), "document_issued");
  Json data = Json::parse(records[1].data_json());
  EXPECT_EQ(data["reference"], "05/KH-BCĐ");
  EXPECT_EQ(data["register"], "bcd-tiendu/KH");
  EXPECT_EQ(data["number"], 5);
  EXPECT_EQ(data["date"], "2026-01-16");
  EXPECT_EQ(records[2].kind(), "file_attached");
  data = Json::parse(records[2].data_json());
  EXPECT_EQ(data["slot"], "ban_ky");
  EXPECT_EQ(data["name"], "ke-hoach.pdf");
  EXPECT_EQ(data["version"], 2);
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "01";
  EXPECT_EQ(data["sha256"], hex);
}

}  // namespace
}  // namespace wf
