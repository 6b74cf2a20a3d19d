// Documents through the public header (docs/documents.md): metadata set by
// scripts, official numbers per register and year (NĐ 30: gapless, unique,
// restarting at 00:00 on 1 January in Vietnam), issuance to recipient
// units, their incoming lists and acknowledgements, registers, children's
// states, and replay of all of it.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/calendar/vn_date.h"
#include "engine/documents/issuance.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/util/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_directory.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using Json = nlohmann::json;
using Code = absl::StatusCode;

constexpr char kDaiSon[] = "07627";
constexpr char kTayYenTu[] = "07616";
constexpr char kIssuerUnit[] = "phong_tham_muu";
constexpr char kRegister[] = "bcd-138-bac-ninh";

absl::Time VietnamTime(int y, int m, int d, int hour, int minute) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hour, minute, 0),
                         absl::FixedTimeZone(7 * 3600));
}

std::string ReasonOf(const absl::Status& status) {
  auto refusal = ReadRefusal(status);
  return refusal.has_value() ? refusal->reason : "";
}

class DocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshDir("wf_document_test");
    EngineOptions options;
    options.data_dir = dir_;
    options.clock = &clock_;
    options.run_timers = false;
    options.worker_threads = 4;
    options.document_types_json = R"({"types": {"KH": "KẾ HOẠCH"}})";
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
    for (const char* file : {"ke_hoach_bcd.lua", "bao_cao_con.lua",
                             "ke_hoach_cha.lua", "ho_so_duy_nhat.lua"}) {
      auto deployed = engine_->Deploy(
          {test_support::ReadTestdata(file), file, Actor::Embedder()});
      ASSERT_TRUE(deployed.ok()) << deployed.status();
    }
  }

  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A signed plan, ready to issue.
  std::string Signed(const std::string& co_quan = "bcd_bac_ninh",
                     bool with_subject = true) {
    StartRequest start;
    start.workflow = "ke_hoach_bcd";
    Json vars = {{"co_quan", co_quan}};
    if (with_subject) {
      vars["trich_yeu"] = "Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026";
    }
    start.variables_json = vars.dump();
    start.unit = kIssuerUnit;
    start.actor = Actor::Embedder();
    auto started = engine_->Start(start);
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return "";
    EXPECT_TRUE(Fire(started->instance.id, "ky").ok());
    return started->instance.id;
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& event,
                                  const Json& payload = Json::object()) {
    FireRequest request;
    request.instance_id = id;
    request.event = event;
    request.payload_json = payload.dump();
    request.actor = Actor::Embedder();
    return engine_->Fire(request);
  }

  absl::StatusOr<FireResult> Issue(const std::string& id,
                                   Json communes = {kDaiSon, kTayYenTu}) {
    return Fire(id, "ban_hanh", {{"xa", communes}});
  }

  DocumentInfo Document(const std::string& id,
                        const Actor& actor = Actor::Embedder()) {
    auto doc = engine_->GetDocument(id, actor);
    EXPECT_TRUE(doc.ok()) << doc.status();
    return doc.ok() ? *doc : DocumentInfo();
  }

  std::vector<RegisterEntryInfo> Register(const std::string& key, int year,
                                          const Actor& actor = Actor::Embedder()) {
    RegisterRequest request;
    request.register_key = key;
    request.year = year;
    request.page_size = 1000;
    request.actor = actor;
    auto page = engine_->ReadRegister(request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<RegisterEntryInfo>();
  }

  absl::StatusOr<AcknowledgeResult> Ack(const std::string& id,
                                        const std::string& person) {
    AcknowledgeRequest request;
    request.instance_id = id;
    request.actor = Actor::Person(person);
    return engine_->AcknowledgeDocument(request);
  }

  std::vector<IncomingInfo> Incoming(const std::string& person,
                                     bool only_unacknowledged = false) {
    IncomingRequest request;
    request.actor = Actor::Person(person);
    request.only_unacknowledged = only_unacknowledged;
    auto page = engine_->ListIncoming(request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->documents : std::vector<IncomingInfo>();
  }

  void ExpectVerifies(const std::string& id) {
    auto report = engine_->Verify(id, Actor::Embedder());
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok) << id << ": " << report->problem;
  }

  std::string dir_;
  ManualClock clock_{VietnamTime(2026, 1, 16, 9, 0)};
  std::unique_ptr<Engine> engine_;
};

TEST(DocumentFormatTest, ReferencesPadNumbersBelowTen) {
  EXPECT_EQ(documents::FormatReference(5, "KH", "BCĐ"), "05/KH-BCĐ");
  EXPECT_EQ(documents::FormatReference(10, "KH", "BCĐ"), "10/KH-BCĐ");
  EXPECT_EQ(documents::FormatReference(100, "QĐ", "UBND"), "100/QĐ-UBND");
  EXPECT_EQ(documents::FormatReference(1157, "QĐ", "BCĐ"), "1157/QĐ-BCĐ");
}

TEST_F(DocumentTest, IssuingTakesTheNextNumberOfTheIssuersRegister) {
  std::string id = Signed();
  auto issued = Issue(id);
  ASSERT_TRUE(issued.ok()) << issued.status();
  Json vars = Json::parse(issued->instance.variables_json);
  EXPECT_EQ(vars["so"], "01/KH-BCĐ");
  EXPECT_EQ(vars["ngay"], "Bắc Ninh, ngày 16 tháng 01 năm 2026");
  DocumentInfo doc = Document(id);
  ASSERT_TRUE(doc.issued);
  EXPECT_EQ(doc.issuance.register_key, kRegister);
  EXPECT_EQ(doc.issuance.year, 2026);
  EXPECT_EQ(doc.issuance.number, 1);
  EXPECT_EQ(doc.issuance.date, "2026-01-16");
  EXPECT_EQ(doc.issuance.event_seq, issued->event.seq);
  EXPECT_EQ(doc.type, "KH");
  EXPECT_EQ(doc.issuer_id, kIssuerUnit);
  EXPECT_EQ(doc.signer.form, "KT.");
  EXPECT_EQ(doc.signer.title_lines,
            (std::vector<std::string>{"TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"}));
  ASSERT_EQ(doc.recipients.size(), 3u);  // two communes and "Lưu: VT"
  EXPECT_EQ(doc.recipients[0].unit_id, kDaiSon);
  EXPECT_EQ(doc.recipients[0].group, "BCĐ 138 cấp xã");
  EXPECT_EQ(doc.recipients[1].group, "BCĐ 138 cấp xã");
  EXPECT_EQ(doc.recipients[2].unit_id, "");
  EXPECT_EQ(doc.recipients[2].group, "");
  // The number is a value the step took: recorded for replay.
  Json taken = Json::parse(issued->event.taken_json);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0]["call"], "issue");
  EXPECT_EQ(taken[0]["key"], kRegister);
  auto entries = Register(kRegister, 2026);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].number, 1);
  EXPECT_EQ(entries[0].reference, "01/KH-BCĐ");
  EXPECT_EQ(entries[0].instance_id, id);
  EXPECT_EQ(entries[0].signer_name, "Nguyễn Văn Khải");
  ExpectVerifies(id);
  // Other systems hear of it on the feed, after the transition that issued it.
  FeedRequest feed;
  feed.actor = Actor::Embedder();
  feed.kinds = {"document_issued"};
  auto items = engine_->ReadFeed(feed);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->items.size(), 1u);
  EXPECT_EQ(items->items[0].instance_id, id);
  EXPECT_EQ(items->items[0].seq, issued->event.seq);
  Json item = Json::parse(items->items[0].data_json);
  EXPECT_EQ(item["reference"], "01/KH-BCĐ");
  EXPECT_EQ(item["register"], kRegister);
  // The next plan of the same BCĐ gets 02; another issuer starts at 01.
  ASSERT_TRUE(Issue(Signed()).ok());
  EXPECT_EQ(Register(kRegister, 2026).back().reference, "02/KH-BCĐ");
  ASSERT_TRUE(Issue(Signed("ubnd_thanh_hoa")).ok());
  EXPECT_EQ(Register("ubnd-thanh-hoa", 2026).back().reference, "01/KH-UBND");
}

TEST_F(DocumentTest, RendersADraftThenTheIssuedDocument) {
  std::string id = Signed();
  auto draft = engine_->RenderDocument(id, Actor::Embedder());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_THAT(*draft, HasSubstr("DỰ THẢO"));
  ASSERT_TRUE(Issue(id).ok());
  auto issued = engine_->RenderDocument(id, Actor::Embedder());
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_THAT(*issued, Not(HasSubstr("DỰ THẢO")));
  EXPECT_THAT(*issued, HasSubstr("Số: 01/KH-BCĐ"));
  EXPECT_THAT(*issued, HasSubstr("KẾ HOẠCH"));  // the name, from the options
  EXPECT_THAT(*issued, HasSubstr("Bắc Ninh, ngày 16 tháng 01 năm 2026"));
  EXPECT_THAT(*issued, HasSubstr("Nguyễn Văn Khải"));
  // Read as GetDocument: a stranger is told it does not exist.
  EXPECT_EQ(engine_->RenderDocument(id, Actor::Person("chuyen-vien.noi-vu"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(DocumentTypesTest, MalformedTypeNamesStopTheEngineFromOpening) {
  EngineOptions options;
  options.data_dir = test_support::FreshDir("wf_document_types_test");
  options.run_timers = false;
  options.document_types_json = R"({"types": {"KH": 5}})";
  EXPECT_EQ(Engine::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::filesystem::remove_all(options.data_dir);
}

TEST_F(DocumentTest, GuardsReadTheDocument) {
  std::string id = Signed();
  ASSERT_TRUE(Issue(id, Json::array()).ok());
  auto chased = Fire(id, "doc_thuc");
  ASSERT_TRUE(chased.ok()) << chased.status();
  EXPECT_EQ(Json::parse(chased->instance.variables_json)["tien_do"]["tong"], 0);
}

TEST_F(DocumentTest, IssuingTwiceIsRefusedNamingTheReference) {
  std::string id = Signed();
  ASSERT_TRUE(Issue(id).ok());
  auto again = Fire(id, "cap_so_lai");
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition) << again.status();
  EXPECT_EQ(ReasonOf(again.status()), reason::kDocumentAlreadyIssued);
  EXPECT_NE(again.status().message().find("01/KH-BCĐ"), std::string::npos)
      << again.status();
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, 3u);
  EXPECT_EQ(Register(kRegister, 2026).size(), 1u);
  // No number was used up by the refusal.
  ASSERT_TRUE(Issue(Signed()).ok());
  EXPECT_EQ(Register(kRegister, 2026).back().number, 2);
}

TEST_F(DocumentTest, MissingMetadataIsRefusedNamingTheField) {
  std::string id = Signed("bcd_bac_ninh", /*with_subject=*/false);
  auto refused = Issue(id);
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition)
      << refused.status();
  EXPECT_EQ(ReasonOf(refused.status()), reason::kDocumentIncomplete);
  auto refusal = ReadRefusal(refused.status());
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->metadata["field"], "trich_yeu");
  EXPECT_FALSE(refusal->vietnamese.empty());
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->state, "cho_ban_hanh");
  EXPECT_FALSE(Document(id).issued);
  EXPECT_TRUE(Register(kRegister, 2026).empty());
  // Once set, it issues, with the register's first number.
  StartRequest start;
  ASSERT_TRUE(Issue(Signed()).ok());
  EXPECT_EQ(Register(kRegister, 2026).front().number, 1);
}

TEST_F(DocumentTest, SetRefusesUnknownFieldsAndWrongTypes) {
  StartRequest start;
  start.workflow = "ke_hoach_bcd";
  start.unit = kIssuerUnit;
  start.actor = Actor::Embedder();
  auto started = engine_->Start(start);
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  auto unknown = Fire(id, "sua", {{"truong", {{"tieu_de", "X"}}}});
  EXPECT_EQ(unknown.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("unknown field 'tieu_de'"),
            std::string::npos) << unknown.status();
  auto wrong = Fire(id, "sua", {{"truong", {{"urgency", 5}}}});
  EXPECT_EQ(wrong.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(wrong.status().message().find("'urgency' must be text"),
            std::string::npos) << wrong.status();
  // A refused set changes nothing, even the fields that were good.
  auto mixed = Fire(id, "sua", {{"truong", {{"urgency", "Khẩn"}, {"x", "y"}}}});
  EXPECT_FALSE(mixed.ok());
  EXPECT_EQ(Document(id).urgency, "");
  ASSERT_TRUE(Fire(id, "sua", {{"truong", {{"urgency", "Khẩn"}}}}).ok());
  EXPECT_EQ(Document(id).urgency, "Khẩn");
  ExpectVerifies(id);
}

TEST_F(DocumentTest, YearRollsOverAtMidnightVietnamTime) {
  clock_.Set(VietnamTime(2026, 12, 31, 23, 59));
  std::string last = Signed();
  ASSERT_TRUE(Issue(last).ok());
  clock_.Set(VietnamTime(2027, 1, 1, 0, 0));  // 31/12 17:00 in UTC
  std::string first = Signed();
  ASSERT_TRUE(Issue(first).ok());
  DocumentInfo old_year = Document(last);
  EXPECT_EQ(old_year.issuance.year, 2026);
  EXPECT_EQ(old_year.issuance.date, "2026-12-31");
  DocumentInfo new_year = Document(first);
  EXPECT_EQ(new_year.issuance.year, 2027);
  EXPECT_EQ(new_year.issuance.number, 1);
  EXPECT_EQ(new_year.issuance.reference, "01/KH-BCĐ");
  EXPECT_EQ(new_year.issuance.date, "2027-01-01");
  EXPECT_EQ(Register(kRegister, 2026).size(), 1u);
  EXPECT_EQ(Register(kRegister, 2027).size(), 1u);
  ExpectVerifies(first);
}

// 1,000 documents of each of two issuers, issued from 8 threads at once:
// each register holds 1..1000, once each, each number its document's.
TEST_F(DocumentTest, ConcurrentIssuancesAreGaplessAndUniquePerRegister) {
  constexpr int kPerRegister = test_support::StepsToTake(1000, 250);
  constexpr int kThreads = 8;
  std::vector<std::string> ids(2 * kPerRegister);
  std::atomic<int> next{0};
  auto prepare = [&] {
    for (int i = next++; i < 2 * kPerRegister; i = next++) {
      ids[i] = Signed(i % 2 == 0 ? "bcd_bac_ninh" : "ubnd_thanh_hoa");
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(prepare);
  for (auto& t : threads) t.join();
  threads.clear();
  std::atomic<int> failures{0};
  next = 0;
  auto issue = [&] {
    for (int i = next++; i < 2 * kPerRegister; i = next++) {
      if (!Issue(ids[i], Json::array({kDaiSon})).ok()) ++failures;
    }
  };
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(issue);
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  for (const char* key : {kRegister, "ubnd-thanh-hoa"}) {
    auto entries = Register(key, 2026);
    ASSERT_EQ(entries.size(), static_cast<size_t>(kPerRegister)) << key;
    std::set<std::string> documents;
    for (int n = 1; n <= kPerRegister; ++n) {
      const RegisterEntryInfo& e = entries[n - 1];
      ASSERT_EQ(e.number, n) << key;
      documents.insert(e.instance_id);
      EXPECT_EQ(Document(e.instance_id).issuance.number, n);
    }
    EXPECT_EQ(documents.size(), static_cast<size_t>(kPerRegister));
  }
  ExpectVerifies(ids[0]);
  ExpectVerifies(ids[2 * kPerRegister - 1]);
}

TEST_F(DocumentTest, RecipientsAcknowledgeOncePerUnit) {
  std::string id = Signed();
  // Before issuance: a recipient cannot see it; a reader cannot acknowledge.
  EXPECT_EQ(Ack(id, "can-bo.dai-son").status().code(), Code::kNotFound);
  auto early = Ack(id, "chuyen-vien.tham-muu");
  EXPECT_EQ(early.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(early.status()), reason::kDocumentNotIssued);
  ASSERT_TRUE(Issue(id).ok());

  auto first = Ack(id, "can-bo.dai-son");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->event.event, "wf.acknowledge");
  EXPECT_EQ(first->event.actor_unit, kDaiSon);
  const RecipientInfo& line = first->document.recipients[0];
  EXPECT_EQ(line.acknowledged_by, "can-bo.dai-son");
  EXPECT_EQ(line.acknowledged_by_name, "Nguyễn Văn An");
  EXPECT_EQ(line.acknowledged_at, clock_.Now());
  EXPECT_EQ(first->document.recipients[1].acknowledged_at, absl::InfinitePast());

  // Another person of the same unit: the first answer, nothing written.
  const uint64_t version = engine_->GetInstance(id, Actor::Embedder())->version;
  clock_.Advance(absl::Hours(1));
  auto second = Ack(id, "chu-tich.dai-son");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->event.seq, first->event.seq);
  EXPECT_EQ(second->document.recipients[0].acknowledged_by, "can-bo.dai-son");
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, version);

  // A reader of the issuing unit is no recipient; a stranger sees nothing.
  auto reader = Ack(id, "chuyen-vien.tham-muu");
  EXPECT_EQ(reader.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(ReasonOf(reader.status()), reason::kNotARecipient);
  EXPECT_EQ(Ack(id, "chuyen-vien.noi-vu").status().code(), Code::kNotFound);
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, version);

  // The issuer sees who has and has not acknowledged.
  DocumentInfo seen = Document(id, Actor::Person("chuyen-vien.tham-muu"));
  EXPECT_NE(seen.recipients[0].acknowledged_at, absl::InfinitePast());
  EXPECT_EQ(seen.recipients[1].acknowledged_at, absl::InfinitePast());
  // Recipients may read the document; strangers may not.
  EXPECT_TRUE(engine_->GetDocument(id, Actor::Person("can-bo.tay-yen-tu")).ok());
  EXPECT_EQ(engine_->GetDocument(id, Actor::Person("chuyen-vien.noi-vu"))
                .status().code(), Code::kNotFound);
  ASSERT_TRUE(Ack(id, "can-bo.tay-yen-tu").ok());
  ExpectVerifies(id);
}

// NĐ 30, Điều 18.4: the issuer recalls an issued document; each recipient
// unit confirms the recall, with receipt if it had not acknowledged yet.
TEST_F(DocumentTest, ARecalledDocumentIsConfirmedByEachRecipient) {
  std::string id = Signed();
  auto early = Fire(id, "thu_hoi_tai_cho");
  EXPECT_EQ(early.status().code(), Code::kFailedPrecondition) << early.status();
  EXPECT_NE(early.status().message().find("not issued"), std::string::npos)
      << early.status();
  ASSERT_TRUE(Issue(id).ok());
  auto received = Ack(id, "can-bo.dai-son");
  ASSERT_TRUE(received.ok()) << received.status();

  clock_.Advance(absl::Hours(2));
  auto recalled = Fire(id, "thu_hoi", {{"ly_do", "Ban hành nhầm đối tượng"}});
  ASSERT_TRUE(recalled.ok()) << recalled.status();
  DocumentInfo doc = Document(id);
  ASSERT_TRUE(doc.recalled);
  EXPECT_EQ(doc.recall.reason, "Ban hành nhầm đối tượng");
  EXPECT_EQ(doc.recall.at, clock_.Now());
  EXPECT_EQ(doc.recall.by, "embedder");  // who fired the step
  EXPECT_EQ(doc.issuance.reference, "01/KH-BCĐ");  // the number stays taken
  auto entries = Register("bcd-138-bac-ninh", 2026);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].recalled_at, clock_.Now());
  EXPECT_EQ(entries[0].recall_reason, "Ban hành nhầm đối tượng");

  // Both units have something to do: confirm the recall, or receipt too.
  for (const char* person : {"can-bo.dai-son", "can-bo.tay-yen-tu"}) {
    auto waiting = Incoming(person, /*only_unacknowledged=*/true);
    ASSERT_EQ(waiting.size(), 1u) << person;
    EXPECT_TRUE(waiting[0].recalled);
    EXPECT_EQ(waiting[0].recall_reason, "Ban hành nhầm đối tượng");
    EXPECT_FALSE(waiting[0].recall_confirmed);
  }

  clock_.Advance(absl::Hours(1));
  auto confirmed = Ack(id, "can-bo.dai-son");
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_FALSE(confirmed->replayed);
  EXPECT_GT(confirmed->event.seq, received->event.seq);
  const RecipientInfo& line = confirmed->document.recipients[0];
  EXPECT_EQ(line.acknowledged_at, clock_.Now() - absl::Hours(3));  // kept
  EXPECT_EQ(line.recall_confirmed_at, clock_.Now());
  EXPECT_EQ(line.recall_confirmed_by, "can-bo.dai-son");
  // Once confirmed, asking again answers with the confirmation.
  auto again = Ack(id, "chu-tich.dai-son");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->event.seq, confirmed->event.seq);
  EXPECT_TRUE(Incoming("can-bo.dai-son", true).empty());
  EXPECT_TRUE(Incoming("can-bo.dai-son")[0].recall_confirmed);

  // A unit that had not acknowledged receipt does both in one event.
  auto both = Ack(id, "can-bo.tay-yen-tu");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->document.recipients[1].acknowledged_at, clock_.Now());
  EXPECT_EQ(both->document.recipients[1].recall_confirmed_at, clock_.Now());
  EXPECT_TRUE(Incoming("can-bo.tay-yen-tu", true).empty());
  ExpectVerifies(id);
}

TEST_F(DocumentTest, ADocumentIsRecalledOnce) {
  std::string id = Signed();
  ASSERT_TRUE(Issue(id).ok());
  auto first = Fire(id, "thu_hoi_tai_cho", {{"ly_do", "Sai số liệu"}});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Json::parse(first->instance.variables_json)["da_thu_hoi"], true);
  const uint64_t version = first->instance.version;
  auto second = Fire(id, "thu_hoi_tai_cho", {{"ly_do", "Lần nữa"}});
  EXPECT_EQ(second.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("recalled already"),
            std::string::npos) << second.status();
  EXPECT_EQ(Document(id).recall.reason, "Sai số liệu");
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, version);
  auto no_reason = Fire(Signed(), "thu_hoi_tai_cho", {{"ly_do", " "}});
  EXPECT_FALSE(no_reason.ok());
  ExpectVerifies(id);
}

TEST_F(DocumentTest, IncomingListsShowWhatEachUnitReceived) {
  std::string a = Signed();
  ASSERT_TRUE(Issue(a).ok());
  clock_.Advance(absl::Hours(1));
  std::string b = Signed();
  ASSERT_TRUE(Issue(b, {kDaiSon}).ok());
  auto dai_son = Incoming("can-bo.dai-son");
  ASSERT_EQ(dai_son.size(), 2u);
  EXPECT_EQ(dai_son[0].instance_id, b);  // newest first
  EXPECT_EQ(dai_son[0].reference, "02/KH-BCĐ");
  EXPECT_EQ(dai_son[1].reference, "01/KH-BCĐ");
  EXPECT_EQ(dai_son[1].purpose, "để t/hiện");
  EXPECT_EQ(dai_son[1].unit, kDaiSon);
  EXPECT_EQ(dai_son[1].date, "2026-01-16");
  EXPECT_FALSE(dai_son[1].acknowledged);
  ASSERT_EQ(Incoming("can-bo.tay-yen-tu").size(), 1u);
  ASSERT_TRUE(Ack(a, "can-bo.dai-son").ok());
  auto waiting = Incoming("can-bo.dai-son", /*only_unacknowledged=*/true);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].instance_id, b);
  EXPECT_TRUE(Incoming("can-bo.dai-son")[1].acknowledged);
  // Pages.
  IncomingRequest paged;
  paged.actor = Actor::Person("can-bo.dai-son");
  paged.page_size = 1;
  auto page1 = engine_->ListIncoming(paged);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->documents.size(), 1u);
  ASSERT_FALSE(page1->next_page_token.empty());
  paged.page_token = page1->next_page_token;
  auto page2 = engine_->ListIncoming(paged);
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->documents.size(), 1u);
  EXPECT_EQ(page2->documents[0].instance_id, a);
  // Another unit's list: refused to a person, given to an administrator.
  IncomingRequest other;
  other.actor = Actor::Person("can-bo.dai-son");
  other.unit = kTayYenTu;
  EXPECT_EQ(engine_->ListIncoming(other).status().code(),
            Code::kPermissionDenied);
  other.actor = Actor::Admin("quan-tri");
  EXPECT_EQ(engine_->ListIncoming(other)->documents.size(), 1u);
  other.unit = "";
  EXPECT_EQ(engine_->ListIncoming(other).status().code(),
            Code::kInvalidArgument);
}

TEST_F(DocumentTest, RegistersAreReadByTheIssuingUnitAndAdministrators) {
  ASSERT_TRUE(Issue(Signed()).ok());
  ASSERT_TRUE(Issue(Signed()).ok());
  EXPECT_EQ(Register(kRegister, 2026, Actor::Admin("quan-tri")).size(), 2u);
  EXPECT_EQ(Register(kRegister, 2026, Actor::Person("chuyen-vien.tham-muu"))
                .size(), 2u);
  EXPECT_TRUE(Register(kRegister, 2026, Actor::Person("can-bo.dai-son")).empty());
  RegisterRequest bad;
  bad.actor = Actor::Embedder();
  bad.year = 2026;
  EXPECT_EQ(engine_->ReadRegister(bad).status().code(), Code::kInvalidArgument);
  bad.register_key = kRegister;
  bad.year = 0;
  EXPECT_EQ(engine_->ReadRegister(bad).status().code(), Code::kInvalidArgument);
}

TEST_F(DocumentTest, AParentCountsItsChildrenByState) {
  std::string id = Signed();
  auto issued = Fire(id, "ban_hanh",
                     {{"xa", {kDaiSon, kTayYenTu}}, {"giao_bao_cao", true}});
  ASSERT_TRUE(issued.ok()) << issued.status();
  ListInstancesRequest children;
  children.parent = id;
  children.actor = Actor::Embedder();
  auto listed = engine_->ListInstances(children);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->instances.size(), 2u);
  EXPECT_EQ(listed->instances[0].parent_id, id);
  EXPECT_EQ(listed->instances[0].unit, kDaiSon);
  ASSERT_TRUE(Fire(listed->instances[1].id, "nop").ok());
  auto counted = Fire(id, "doc_thuc");
  ASSERT_TRUE(counted.ok()) << counted.status();
  Json progress = Json::parse(counted->instance.variables_json)["tien_do"];
  EXPECT_EQ(progress["tong"], 2);
  EXPECT_EQ(progress["da_nop"], 1);
  EXPECT_EQ(progress["tre"], 0);
  // Replay answers from the record, whatever the children do next.
  ASSERT_TRUE(Fire(listed->instances[0].id, "nop").ok());
  ExpectVerifies(id);
}

// Thanh Hóa's 166 communes: a plan whose 166th child is refused starts
// none of them and takes no number.
TEST_F(DocumentTest, ARefused166thChildStartsNone) {
  StartRequest start;
  start.workflow = "ke_hoach_cha";
  start.actor = Actor::Embedder();
  auto plan = engine_->Start(start);
  ASSERT_TRUE(plan.ok()) << plan.status();
  Json units = Json::array();
  for (int i = 1; i <= 165; ++i) units.push_back(absl::StrCat("Xã số ", i));
  units.push_back(nullptr);  // the 166th has no name: its start is refused
  auto refused = Fire(plan->instance.id, "ban_hanh", {{"don_vi", units}});
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument) << refused.status();
  ListInstancesRequest reports;
  reports.workflow = "bao_cao_con";
  reports.actor = Actor::Embedder();
  EXPECT_TRUE(engine_->ListInstances(reports)->instances.empty());
  units[165] = "Xã số 166";
  ASSERT_TRUE(Fire(plan->instance.id, "ban_hanh", {{"don_vi", units}}).ok());
  reports.page_size = 1000;
  EXPECT_EQ(engine_->ListInstances(reports)->instances.size(), 166u);
  ListInstancesRequest children;
  children.parent = plan->instance.id;
  children.page_size = 1000;
  children.actor = Actor::Embedder();
  EXPECT_EQ(engine_->ListInstances(children)->instances.size(), 166u);
}

}  // namespace
}  // namespace wf
