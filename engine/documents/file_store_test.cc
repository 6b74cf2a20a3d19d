// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/file_store.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "engine/documents/test_files.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("file_store_", ::getpid(), "_",
                         ::testing::UnitTest::GetInstance()
                             ->current_test_info()->name())).string();
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    files_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    files_.reset();
    store_.reset();
    store_ = *Store::Open(dir_, StoreOptions());
    files_ = std::make_unique<FileStore>(store_.get());
  }
  int BlobKeys() {
    int n = 0;
    auto it = store_->NewIterator(Cf::kBlobs);
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }
  // Uploads `bytes` in pieces of `piece` and commits it as a file.
  std::string Put(const std::string& bytes, size_t piece = 65536) {
    auto upload = *files_->Begin(64 << 20);
    for (size_t at = 0; at < bytes.size(); at += piece) {
      EXPECT_TRUE(upload->Append(bytes.substr(at, piece)).ok());
    }
    EXPECT_TRUE(upload->Seal().ok());
    WriteSet writes;
    upload->CommitInto("application/pdf", &writes);
    rocksdb::WriteBatch batch;
    store_->AppendTo(writes, &batch);
    EXPECT_TRUE(store_->WriteSynced(&batch).ok());
    upload->Committed();
    return upload->sha256();
  }
  std::string Get(const std::string& sha) {
    auto file = files_->Find(sha);
    EXPECT_TRUE(file.ok() && file->has_value());
    std::string out;
    for (uint32_t n = 0; n < (*file)->chunks(); ++n) out += *files_->ReadChunk(**file, n);
    EXPECT_EQ(out.size(), (*file)->size());
    return out;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FileStore> files_;
};

TEST_F(FileStoreTest, RoundTripsByteExactAtChunkBoundaries) {
  for (size_t size : {size_t{0}, size_t{1}, FileStore::kChunkBytes,
                      FileStore::kChunkBytes + 1, size_t{64} << 20}) {
    std::string bytes = test_files::Pdf(size);
    const std::string sha = Put(bytes, size > (8 << 20) ? (1 << 20) : 7777);
    EXPECT_EQ(sha, Sha256(bytes));
    EXPECT_TRUE(Get(sha) == bytes) << size;
    EXPECT_EQ(*files_->CheckIntact(sha), "");
  }
  Reopen();  // and after a restart
  const std::string bytes = test_files::Pdf(FileStore::kChunkBytes + 1);
  EXPECT_TRUE(Get(Sha256(bytes)) == bytes);
}

TEST_F(FileStoreTest, DiscardLeavesNothing) {
  const int before = BlobKeys();
  {
    auto upload = *files_->Begin(64 << 20);
    ASSERT_TRUE(upload->Append(test_files::Pdf(3 << 20)).ok());
    EXPECT_GT(BlobKeys(), before);
    upload->Discard();
  }
  EXPECT_EQ(BlobKeys(), before);
  {  // dropped without a word: the destructor discards
    auto upload = *files_->Begin(64 << 20);
    ASSERT_TRUE(upload->Append(test_files::Pdf(10)).ok());
  }
  EXPECT_EQ(BlobKeys(), before);
}

TEST_F(FileStoreTest, OverTheLimitIsRefusedAndDiscarded) {
  auto upload = *files_->Begin(100);
  ASSERT_TRUE(upload->Append(std::string(60, 'a')).ok());
  absl::Status over = upload->Append(std::string(41, 'a'));
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadRefusal(over)->reason, reason::kFileTooLarge);
  EXPECT_EQ(BlobKeys(), 0);
}

TEST_F(FileStoreTest, AnUploadACrashLeftIsCollectedAtOpen) {
  const std::string kept = Put(test_files::Pdf(5000));
  const int before = BlobKeys();
  auto upload = *files_->Begin(64 << 20);
  ASSERT_TRUE(upload->Append(test_files::Pdf(2 << 20)).ok());
  upload->Committed();  // as if the process died here: nothing discards
  upload.reset();
  Reopen();
  EXPECT_GT(BlobKeys(), before);
  EXPECT_EQ(*files_->CollectOrphans(), 1);
  EXPECT_EQ(BlobKeys(), before);
  EXPECT_TRUE(Get(kept) == test_files::Pdf(5000));
}

TEST_F(FileStoreTest, CheckIntactSeesAChangedChunk) {
  const std::string bytes = test_files::Pdf(3000);
  const std::string sha = Put(bytes);
  auto file = **files_->Find(sha);
  std::string bad = bytes;
  bad[100] ^= 1;
  ASSERT_TRUE(store_->PutUnsynced(Cf::kBlobs, keys::BlobChunk(file.upload_id(), 0), bad).ok());
  EXPECT_NE(files_->CheckIntact(sha)->find("hash to"), std::string::npos);
}

}  // namespace
}  // namespace wf
