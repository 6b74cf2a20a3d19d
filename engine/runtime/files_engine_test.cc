// Files through the engine: uploads that attach a version to a slot in one
// "wf.attach" event, byte-exact downloads, bytes stored once, refusals that
// leave no chunk and no record, who may attach, ctx.files in guards, and
// Verify seeing a changed blob.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "engine/documents/test_files.h"
#include "engine/runtime/engine_test_support.h"
#include "engine/store/keys.h"
#include "engine/store/store.h"
#include "engine/util/refusal.h"
#include "engine/util/sha256.h"
#include "gtest/gtest.h"
#include "tests/test_directory.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Code = absl::StatusCode;

constexpr char kDossier[] = R"(
workflow "ho_so_khen" {
  title = "Hồ sơ khen thưởng",
  initial = "moi",
  who = { role = "*", unit = "same_unit" },
}
state "moi"    { title = "Mới" }
state "da_nop" { title = "Đã nộp", final = true }
transition "nop" {
  from = "moi", to = "da_nop",
  guard = function(ctx)
    return wf.require_files(ctx, { {"to_trinh", "tờ trình"},
      {"bao_cao", "báo cáo thành tích"}, {"bien_ban", "biên bản"} })
  end,
  action = function(ctx) ctx.vars.to_trinh = ctx.files.to_trinh.name end,
}
)";

std::string ReasonOf(const absl::Status& s) {
  auto d = ReadRefusal(s);
  return d.has_value() ? d->reason : "";
}

class FilesEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshDir("wf_files_test");
    Open();
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
    for (const std::string& source :
         {testing::ReadFile(std::string(WF_TESTDATA_DIR) +
                            "/nop_ke_hoach.lua"),
          std::string(kDossier)}) {
      ASSERT_TRUE(engine_->Deploy({source, "", Actor::Embedder()}).ok());
    }
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_;
    options.clock = &clock_;
    options.run_timers = false;
    options.limits.max_file_bytes = limit_;
    engine_ = *Engine::Open(options);
  }
  std::string StartPlan(const Actor& actor = Actor::Person("can-bo.dai-son")) {
    StartRequest start;
    start.workflow = "nop_ke_hoach";
    start.unit = "07627";
    start.variables_json =
        R"({"don_vi":"UBND xã Đại Sơn","nam":2026,"han_nop":"2026-02-10"})";
    start.actor = actor;
    return engine_->Start(start)->instance.id;
  }
  UploadRequest Request(const std::string& id, const std::string& bytes,
                        const Actor& actor = Actor::Embedder(),
                        const std::string& slot = "du_thao") {
    UploadRequest r;
    r.instance_id = id;
    r.slot = slot;
    r.name = "Kế hoạch.pdf";
    r.sha256_hex = ToHex(Sha256(bytes));
    r.actor = actor;
    return r;
  }
  absl::StatusOr<AttachResult> Upload(const UploadRequest& r,
                                      const std::string& bytes,
                                      size_t piece = 100000) {
    auto upload = engine_->BeginUpload(r);
    if (!upload.ok()) return upload.status();
    for (size_t at = 0; at < bytes.size(); at += piece) {
      absl::Status s = (*upload)->Append(bytes.substr(at, piece));
      if (!s.ok()) return s;
    }
    return (*upload)->Finish();
  }
  std::string Download(const std::string& id, const std::string& slot,
                       uint32_t version = 0) {
    auto d = engine_->OpenFile({id, slot, version, Actor::Embedder()});
    EXPECT_TRUE(d.ok()) << d.status();
    if (!d.ok()) return "";
    std::string out, chunk;
    while (*(*d)->Next(&chunk)) out += chunk;
    return out;
  }
  // Keys of the blobs column family, read from a checkpoint (the engine
  // holds the database).
  int BlobKeys() {
    const std::string copy = dir_ + "_copy";
    std::filesystem::remove_all(copy);
    EXPECT_TRUE(engine_->Backup(Actor::Embedder(), copy).ok());
    auto store = Store::Open(copy, StoreOptions());
    int n = 0;
    {
      auto it = (*store)->NewIterator(Cf::kBlobs);
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    }
    store->reset();
    std::filesystem::remove_all(copy);
    return n;
  }

  std::string dir_;
  uint64_t limit_ = uint64_t{64} << 20;
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0),
                                     absl::FixedTimeZone(7 * 3600))};
  std::unique_ptr<Engine> engine_;
};

TEST_F(FilesEngineTest, RoundTripsByteExactAndVersionsTheSlot) {
  const std::string id = StartPlan();
  const std::string small = test_files::Pdf(5);
  const std::string odd = test_files::Pdf((1 << 20) + 1);
  const std::string big = test_files::Pdf(size_t{64} << 20);
  uint32_t version = 0;
  for (const std::string* bytes : {&small, &odd, &big}) {
    auto attached = Upload(Request(id, *bytes), *bytes, 1 << 20);
    ASSERT_TRUE(attached.ok()) << attached.status();
    EXPECT_EQ(attached->file.version, ++version);
    EXPECT_EQ(attached->file.size, bytes->size());
    EXPECT_EQ(attached->file.media_type, "application/pdf");
    EXPECT_EQ(attached->event.event, "wf.attach");
    EXPECT_TRUE(attached->new_bytes);
    EXPECT_EQ(attached->instance.state, "du_thao");  // the state stays
    EXPECT_TRUE(Download(id, "du_thao") == *bytes);
  }
  EXPECT_TRUE(Download(id, "du_thao", 1) == small);  // earlier versions stay
  EXPECT_TRUE(Download(id, "du_thao", 2) == odd);
  auto slots = engine_->ListFiles(id, Actor::Embedder());
  ASSERT_EQ(slots->size(), 1u);
  EXPECT_EQ((*slots)[0].versions.size(), 3u);
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
  Open();  // after a restart, too
  EXPECT_TRUE(Download(id, "du_thao", 2) == odd);
  EXPECT_EQ(ReasonOf(engine_->OpenFile({id, "du_thao", 4, Actor::Embedder()})
                         .status()),
            reason::kFileNotFound);
}

TEST_F(FilesEngineTest, TheSameBytesAreStoredOnce) {
  const std::string a = StartPlan(), b = StartPlan();
  const std::string bytes = test_files::Pdf(3 << 20);
  ASSERT_TRUE(Upload(Request(a, bytes), bytes).ok());
  const int keys = BlobKeys();
  auto again = Upload(Request(b, bytes, Actor::Embedder(), "ban_ky"), bytes);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->new_bytes);
  EXPECT_EQ(BlobKeys(), keys);
  EXPECT_TRUE(Download(b, "ban_ky") == bytes);
}

TEST_F(FilesEngineTest, RefusalsLeaveNoChunkAndNoRecord) {
  const std::string id = StartPlan();
  const int keys = BlobKeys();
  const std::string pdf = test_files::Pdf(2 << 20);
  auto expect = [&](absl::Status s, Code code, const char* reason) {
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_EQ(ReasonOf(s), reason) << s;
    EXPECT_EQ(BlobKeys(), keys);
  };
  UploadRequest r = Request(id, pdf);
  r.sha256_hex = ToHex(Sha256("other bytes"));
  expect(Upload(r, pdf).status(), Code::kDataLoss, reason::kFileHashMismatch);
  r = Request(id, pdf);
  r.size = pdf.size() + 10;  // the stream was cut
  expect(Upload(r, pdf).status(), Code::kInvalidArgument,
         reason::kUploadIncomplete);
  r.size = (uint64_t{64} << 20) + 1;
  expect(Upload(r, pdf).status(), Code::kResourceExhausted,
         reason::kFileTooLarge);
  const std::string elf = std::string("\x7f" "ELF", 4) + pdf;
  r = Request(id, elf);
  r.name = "ke_hoach.pdf";
  expect(Upload(r, elf).status(), Code::kInvalidArgument,
         reason::kMediaTypeRefused);
  for (const char* bad : {"", "a/b.pdf", "a\\b.pdf", "a\tb.pdf"}) {
    r = Request(id, pdf);
    r.name = bad;
    expect(Upload(r, pdf).status(), Code::kInvalidArgument,
           reason::kFileNameInvalid);
  }
  r = Request(id, pdf);
  r.slot = "Bản ký";
  expect(Upload(r, pdf).status(), Code::kInvalidArgument,
         reason::kFileSlotInvalid);
  {  // aborted, and dropped half way
    auto upload = *engine_->BeginUpload(Request(id, pdf));
    ASSERT_TRUE(upload->Append(pdf.substr(0, 1500000)).ok());
    upload->Abort();
    EXPECT_FALSE(upload->Finish().ok());
    auto dropped = *engine_->BeginUpload(Request(id, pdf));
    ASSERT_TRUE(dropped->Append(pdf.substr(0, 1500000)).ok());
  }
  EXPECT_EQ(BlobKeys(), keys);
  EXPECT_EQ(engine_->GetInstance(id, Actor::Embedder())->version, 1u);
}

TEST_F(FilesEngineTest, OverTheLimitAsItArrives) {
  limit_ = 3 << 20;
  Open();
  const std::string id = StartPlan();
  const int keys = BlobKeys();
  const std::string pdf = test_files::Pdf((3 << 20) + 1);
  auto s = Upload(Request(id, pdf), pdf, 1 << 20).status();
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_EQ(ReasonOf(s), reason::kFileTooLarge);
  EXPECT_EQ(BlobKeys(), keys);
}

TEST_F(FilesEngineTest, WhoMayAttach) {
  const std::string id = StartPlan();
  const std::string pdf = test_files::Pdf(1000);
  // The starter; an administrator.
  EXPECT_TRUE(Upload(Request(id, pdf, Actor::Person("can-bo.dai-son")), pdf).ok());
  EXPECT_TRUE(Upload(Request(id, pdf, Actor::Admin("quan-tri")), pdf).ok());
  // A leader of the unit acts only once the plan waits for approval.
  auto denied = Upload(Request(id, pdf, Actor::Person("chu-tich.dai-son")), pdf);
  EXPECT_EQ(denied.status().code(), Code::kPermissionDenied);
  // Another unit's officer may not even read it.
  EXPECT_EQ(Upload(Request(id, pdf, Actor::Person("chu-tich.tay-yen-tu")), pdf)
                .status().code(),
            Code::kNotFound);
  FireRequest fire;
  fire.instance_id = id;
  fire.event = "trinh_duyet";
  fire.payload_json = R"({"trich_yeu":"Kế hoạch năm 2026"})";
  fire.actor = Actor::Person("can-bo.dai-son");
  ASSERT_TRUE(engine_->Fire(fire).ok());
  auto leader = Upload(Request(id, pdf, Actor::Person("chu-tich.dai-son")), pdf);
  EXPECT_TRUE(leader.ok()) << leader.status();
  // The history names each person: the starter, who attached as such, and
  // the leader, in the capacity he may act in.
  auto history = engine_->GetHistory(id, Actor::Embedder());
  ASSERT_TRUE(history.ok());
  std::vector<std::pair<std::string, std::string>> attached;
  for (const HistoryEntry& e : *history) {
    if (e.event == "wf.attach") attached.emplace_back(e.actor_name, e.actor_role);
  }
  EXPECT_EQ(attached, (std::vector<std::pair<std::string, std::string>>{
                          {"Nguyễn Văn An", ""}, {"", ""}, {"Trần Thị Bình", "chu_tich"}}));
  CancelRequest cancel{id, "Rút", "", Actor::Embedder()};
  ASSERT_TRUE(engine_->Cancel(cancel).ok());
  EXPECT_EQ(Upload(Request(id, pdf), pdf).status().code(),
            Code::kFailedPrecondition);
}

TEST_F(FilesEngineTest, AGuardNamesTheMissingFilesInVietnamese) {
  StartRequest start;
  start.workflow = "ho_so_khen";
  start.actor = Actor::Embedder("mot-cua");
  const std::string id = engine_->Start(start)->instance.id;
  FireRequest fire;
  fire.instance_id = id;
  fire.event = "nop";
  fire.actor = Actor::Embedder();
  const std::string pdf = test_files::Pdf(100);
  ASSERT_TRUE(Upload(Request(id, pdf, Actor::Embedder(), "bao_cao"), pdf).ok());
  auto refused = engine_->Fire(fire);
  EXPECT_EQ(ReasonOf(refused.status()), reason::kGuardRefused);
  EXPECT_EQ(ReadRefusal(refused.status())->vietnamese,
            "Hồ sơ còn thiếu: tờ trình, biên bản.");
  ASSERT_TRUE(Upload(Request(id, pdf, Actor::Embedder(), "to_trinh"), pdf).ok());
  ASSERT_TRUE(Upload(Request(id, pdf, Actor::Embedder(), "bien_ban"), pdf).ok());
  auto fired = engine_->Fire(fire);
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);  // replays ctx.files
}

TEST_F(FilesEngineTest, VerifySeesAChangedBlob) {
  const std::string id = StartPlan();
  const std::string pdf = test_files::Pdf(5000);
  ASSERT_TRUE(Upload(Request(id, pdf), pdf).ok());
  ASSERT_TRUE(engine_->Verify(id, Actor::Embedder())->ok);
  engine_.reset();
  {  // someone changes a byte on disk
    auto store = *Store::Open(dir_, StoreOptions());
    auto it = store->NewPrefixIterator(Cf::kBlobs, "c/");
    it->Seek("c/");
    ASSERT_TRUE(it->Valid());
    std::string bytes(View(it->value()));
    bytes[10] ^= 1;
    ASSERT_TRUE(store->PutUnsynced(Cf::kBlobs, std::string(View(it->key())),
                                   bytes).ok());
    it.reset();
    ASSERT_TRUE(store->Close().ok());
  }
  Open();
  auto report = engine_->Verify(id, Actor::Embedder());
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok);
  EXPECT_NE(report->problem.find("hash to"), std::string::npos)
      << report->problem;
}

}  // namespace
}  // namespace wf
