// Copyright the wf-engine authors. Apache-2.0.
//
// Notices (Engine::ListNotices): what steps told a unit or a person
// (ctx.emit with `den`), written with the step, read newest first by the
// people of the unit or the person, and by administrators naming them.
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "wf/engine.h"

namespace wf {
namespace {

using Json = nlohmann::json;

class NoticesTest : public test_support::EngineFixture {
 protected:
  NoticesTest() : EngineFixture(absl::FromUnixSeconds(1768525200)) {}

  void SetUp() override {
    Open("wf_notices", {"bao_tin.lua"});
    Import("don_vi", "units",
           "id,name,kind,parent,valid_from,valid_to,tags\n"
           "bac_ninh,Tỉnh Bắc Ninh,tinh,,01/07/2025,,\n"
           "07627,Xã Đại Sơn,xa,bac_ninh,01/07/2025,,\n"
           "07616,Xã Tây Yên Tử,xa,bac_ninh,01/07/2025,,\n");
    Import("nguoi_dung", "people",
           "person,name,role,unit,valid_from,valid_to,acting_for\n"
           "can-bo.dai-son,Nguyễn Văn An,can_bo,07627,01/07/2025,,\n"
           "chu-tich.dai-son,Trần Văn Hùng,chu_tich,07627,01/07/2025,,\n"
           "can-bo.tay-yen-tu,Lê Thị Bình,can_bo,07616,01/07/2025,,\n");
    StartRequest start;
    start.workflow = "bao_tin";
    start.unit = "07627";
    start.actor = Actor::Person(kOfficer);
    auto started = engine_->Start(start);
    ASSERT_TRUE(started.ok()) << started.status();
    id_ = started->instance.id;
  }

  void Import(const char* source, const char* kind, const char* csv) {
    auto imported = engine_->ImportDirectory(Actor::Embedder(),
                                             DirectoryImport{source, kind, csv});
    ASSERT_TRUE(imported.ok()) << imported.status();
  }

  void Send(const Json& payload, const char* event = "gui") {
    FireRequest fire;
    fire.instance_id = id_;
    fire.event = event;
    fire.payload_json = payload.dump();
    fire.actor = Actor::Person(kOfficer);
    auto fired = engine_->Fire(fire);
    ASSERT_TRUE(fired.ok()) << fired.status();
    clock_.Advance(absl::Minutes(1));
  }

  absl::StatusOr<NoticePage> List(const Actor& actor,
                                  const std::string& recipient = "",
                                  uint32_t page_size = 0,
                                  const std::string& token = "") {
    NoticeRequest request;
    request.actor = actor;
    request.recipient = recipient;
    request.page_size = page_size;
    request.page_token = token;
    return engine_->ListNotices(request);
  }

  static std::string Reason(const absl::Status& status) {
    auto details = ReadRefusal(status);
    return details.has_value() ? details->reason : "";
  }

  const std::string kOfficer = "can-bo.dai-son";
  const std::string kChairman = "chu-tich.dai-son";
  std::string id_;
};

TEST_F(NoticesTest, AUnitsPeopleReadWhatWasSentToItNewestFirst) {
  Send({{"den", "07627"}, {"noi_dung", "Kế hoạch đã được duyệt"}});
  Send({{"den", "07627"}, {"loai", "don_doc"}, {"noi_dung", "Quá hạn nộp"}});
  Send({{"den", "07616"}, {"noi_dung", "Gửi xã khác"}});
  auto page = List(Actor::Person(kChairman));
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->notices.size(), 2u);
  const NoticeInfo& last = page->notices[0];
  EXPECT_EQ(last.kind, "don_doc");
  EXPECT_EQ(last.text, "Quá hạn nộp");
  EXPECT_EQ(last.recipient, "07627");
  EXPECT_EQ(last.recipient_name, "Xã Đại Sơn");
  EXPECT_EQ(last.instance_id, id_);
  EXPECT_EQ(last.workflow, "bao_tin");
  EXPECT_EQ(last.workflow_title, "Gửi thông báo");
  EXPECT_EQ(last.event, "gui");
  EXPECT_EQ(last.event_title, "Gửi thông báo");
  EXPECT_EQ(last.unit_name, "Xã Đại Sơn");
  EXPECT_EQ(last.actor, kOfficer);
  EXPECT_EQ(last.actor_name, "Nguyễn Văn An");
  EXPECT_EQ(Json::parse(last.data_json)["noi_dung"], "Quá hạn nộp");
  EXPECT_TRUE(last.readable);
  EXPECT_EQ(page->notices[1].text, "Kế hoạch đã được duyệt");
  EXPECT_LT(page->notices[1].at, last.at);
  // The other commune reads its own, and may not read Đại Sơn's.
  auto other = List(Actor::Person("can-bo.tay-yen-tu"));
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->notices.size(), 1u);
  EXPECT_EQ(other->notices[0].text, "Gửi xã khác");
  EXPECT_FALSE(other->notices[0].readable);
  auto refused = List(Actor::Person("can-bo.tay-yen-tu"), "07627");
  EXPECT_TRUE(absl::IsPermissionDenied(refused.status())) << refused.status();
  EXPECT_EQ(Reason(refused.status()), "ROLE_REQUIRED");
}

TEST_F(NoticesTest, APersonReadsWhatWasSentToThemAndTheirUnits) {
  Send({{"den", kChairman}, {"noi_dung", "Mời dự hội nghị"},
        {"den_2", "07627"}});
  auto mine = List(Actor::Person(kChairman));
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->notices.size(), 2u);
  // One step, in the order it emitted them.
  EXPECT_EQ(mine->notices[0].recipient, kChairman);
  EXPECT_EQ(mine->notices[0].recipient_name, "Trần Văn Hùng");
  EXPECT_EQ(mine->notices[1].recipient, "07627");
  auto only_mine = List(Actor::Person(kChairman), kChairman);
  ASSERT_TRUE(only_mine.ok());
  EXPECT_EQ(only_mine->notices.size(), 1u);
  // The officer of the same unit reads the unit's, not the chairman's.
  auto officer = List(Actor::Person(kOfficer));
  ASSERT_TRUE(officer.ok());
  ASSERT_EQ(officer->notices.size(), 1u);
  EXPECT_EQ(officer->notices[0].recipient, "07627");
  EXPECT_EQ(Reason(List(Actor::Person(kOfficer), kChairman).status()),
            "ROLE_REQUIRED");
}

TEST_F(NoticesTest, AdministratorsNameTheRecipient) {
  Send({{"den", "07627"}, {"noi_dung", "Một"}});
  auto unnamed = List(Actor::Admin("admin"));
  EXPECT_EQ(Reason(unnamed.status()), "FIELD_REQUIRED") << unnamed.status();
  auto named = List(Actor::Admin("admin"), "07627");
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->notices.size(), 1u);
}

TEST_F(NoticesTest, PagesFollowOnWithoutRepeatsOrGaps) {
  for (int i = 0; i < 5; ++i) {
    Send({{"den", i % 2 == 0 ? "07627" : kChairman},
          {"noi_dung", absl::StrCat("Số ", i)}});
  }
  std::vector<std::string> texts;
  std::string token;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = List(Actor::Person(kChairman), "", 2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const NoticeInfo& n : page->notices) texts.push_back(n.text);
    token = page->next_page_token;
    if (token.empty()) break;
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"Số 4", "Số 3", "Số 2", "Số 1",
                                             "Số 0"}));
  EXPECT_EQ(Reason(List(Actor::Person(kChairman), "", 2, "rác").status()),
            "INVALID_FIELD");
}

// An effect without `den`, or one that names no one a key can hold, goes
// to the feed only.
TEST_F(NoticesTest, EffectsWithoutARecipientAreNoNotice) {
  Send(Json::object(), "khong_den");
  // `den = 7` is not text: not listed under "7" either.
  auto page = List(Actor::Admin("admin"), "7");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->notices.empty());
  // Nor does a step that names no one reach a unit's notices.
  auto unit = List(Actor::Person(kChairman));
  ASSERT_TRUE(unit.ok());
  EXPECT_TRUE(unit->notices.empty());
}

// Unread: what came after the person's mark (MarkNoticesSeen), across
// their units and themselves; the mark outlives a restart and never moves
// back.
TEST_F(NoticesTest, APersonsMarkCountsWhatCameAfterItAsUnread) {
  auto never = List(Actor::Person(kChairman));
  ASSERT_TRUE(never.ok()) << never.status();
  EXPECT_EQ(never->unread, 0);
  EXPECT_EQ(never->seen_until, absl::InfinitePast());
  Send({{"den", "07627"}, {"noi_dung", "Một"}});
  Send({{"den", kChairman}, {"noi_dung", "Hai"}});
  auto before = List(Actor::Person(kChairman));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->unread, 2);
  ASSERT_EQ(before->notices.size(), 2u);
  EXPECT_TRUE(before->notices[0].unread);
  EXPECT_TRUE(before->notices[1].unread);

  // Seen up to the newest shown: "Hai".
  const absl::Time shown = before->notices[0].at;
  auto marked = engine_->MarkNoticesSeen(Actor::Person(kChairman), shown);
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(*marked, shown);
  Send({{"den", "07627"}, {"noi_dung", "Ba"}});
  Reopen();
  auto after = List(Actor::Person(kChairman));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->seen_until, shown);
  EXPECT_EQ(after->unread, 1);
  ASSERT_EQ(after->notices.size(), 3u);
  EXPECT_EQ(after->notices[0].text, "Ba");
  EXPECT_TRUE(after->notices[0].unread);
  EXPECT_FALSE(after->notices[1].unread);
  EXPECT_FALSE(after->notices[2].unread);
  // Only the recipient asked for is counted.
  auto own = List(Actor::Person(kChairman), kChairman);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->unread, 0);
  // The mark is the chairman's: the officer of the same unit has not seen.
  auto officer = List(Actor::Person(kOfficer));
  ASSERT_TRUE(officer.ok());
  EXPECT_EQ(officer->unread, 2);

  // An older mark (another tab) keeps the later one; a mark past now
  // stops at now; none given is now.
  auto older = engine_->MarkNoticesSeen(Actor::Person(kChairman),
                                        shown - absl::Hours(1));
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(*older, shown);
  auto future = engine_->MarkNoticesSeen(Actor::Person(kChairman),
                                         clock_.Now() + absl::Hours(24));
  ASSERT_TRUE(future.ok());
  EXPECT_EQ(*future, clock_.Now());
  auto all = List(Actor::Person(kChairman));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->unread, 0);
  EXPECT_FALSE(all->notices[0].unread);
  auto now = engine_->MarkNoticesSeen(Actor::Person(kOfficer),
                                      absl::InfinitePast());
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(*now, clock_.Now());
}

TEST_F(NoticesTest, UnreadIsCountedUpToAHundred) {
  for (int i = 0; i < NoticePage::kMaxUnread + 5; ++i) {
    Send({{"den", "07627"}, {"noi_dung", absl::StrCat("Số ", i)}});
  }
  auto page = List(Actor::Person(kChairman), "", 3);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->unread, NoticePage::kMaxUnread);
  EXPECT_EQ(page->notices.size(), 3u);
}

TEST_F(NoticesTest, OnlyAPersonHasAMark) {
  Send({{"den", "07627"}, {"noi_dung", "Một"}});
  auto admin = engine_->MarkNoticesSeen(Actor::Admin("admin"),
                                        absl::InfinitePast());
  EXPECT_TRUE(absl::IsPermissionDenied(admin.status())) << admin.status();
  EXPECT_EQ(Reason(admin.status()), "ROLE_REQUIRED");
  EXPECT_TRUE(absl::IsPermissionDenied(
      engine_->MarkNoticesSeen(Actor::Embedder(), absl::InfinitePast())
          .status()));
  // An administrator naming the unit reads no count of anyone's.
  auto named = List(Actor::Admin("admin"), "07627");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->unread, 0);
  EXPECT_FALSE(named->notices[0].unread);
}

}  // namespace
}  // namespace wf
