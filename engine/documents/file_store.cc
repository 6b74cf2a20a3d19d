// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/file_store.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "engine/documents/media_type.h"
#include "engine/store/keys.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

// 128 random bits: ids of concurrent uploads never meet, and a new upload
// never reuses the chunks of an old one.
std::string NewUploadId() {
  std::random_device random;
  std::string raw;
  for (int i = 0; i < 4; ++i) {
    const uint32_t word = random();
    raw.append(reinterpret_cast<const char*>(&word), sizeof(word));
  }
  return ToHex(raw);
}

// The key just after every key starting with `prefix` (which ends in '/').
std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

absl::Status TooLarge(uint64_t limit, uint64_t size) {
  return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                     "Expected a file of at most ", limit,
                     " bytes, but it has ", size, " or more: nothing was kept")),
                 reason::kFileTooLarge)
      .With("limit", limit)
      .With("size", size)
      .Vietnamese(absl::StrCat("Tệp vượt quá dung lượng cho phép (",
                               limit / (1 << 20), " MiB)."));
}

}  // namespace

absl::StatusOr<int> FileStore::CollectOrphans() {
  const std::string prefix = keys::BlobUploadPrefix();
  std::vector<std::string> ids;
  auto it = store_->NewPrefixIterator(Cf::kBlobs, prefix);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    ids.push_back(std::string(View(it->key()).substr(prefix.size())));
  }
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing unfinished uploads"));
  for (const std::string& id : ids) {
    const std::string chunks = keys::BlobChunkPrefix(id);
    WF_RETURN_IF_ERROR(store_->DeleteRangeUnsynced(
        Cf::kBlobs, chunks, PrefixEnd(chunks), keys::BlobUpload(id)));
  }
  return static_cast<int>(ids.size());
}

absl::StatusOr<std::unique_ptr<BlobUpload>> FileStore::Begin(
    uint64_t max_bytes) {
  std::string id = NewUploadId();
  // The marker goes first: a crash that keeps any chunk keeps it too (the
  // log replays in order), so the next open finds every orphan.
  WF_RETURN_IF_ERROR(store_->PutUnsynced(Cf::kBlobs, keys::BlobUpload(id), ""));
  return std::make_unique<BlobUpload>(this, std::move(id), max_bytes);
}

absl::StatusOr<std::optional<store::BlobFileRecord>> FileStore::Find(
    const std::string& sha256) const {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> value,
                      store_->Get(Cf::kBlobs, keys::BlobFile(sha256)));
  if (!value.has_value()) return std::nullopt;
  store::BlobFileRecord record;
  if (!record.ParseFromString(*value)) {
    return Refusal(absl::DataLossError(absl::StrCat(
                       "Expected the record of file ", ToHex(sha256),
                       " to parse, but it does not")),
                   reason::kStoredDataCorrupt);
  }
  return record;
}

absl::StatusOr<std::string> FileStore::ReadChunk(
    const store::BlobFileRecord& file, uint32_t n) const {
  WF_ASSIGN_OR_RETURN(
      std::optional<std::string> chunk,
      store_->Get(Cf::kBlobs, keys::BlobChunk(file.upload_id(), n)));
  if (!chunk.has_value()) {
    return Refusal(absl::DataLossError(absl::StrCat(
                       "Expected chunk ", n, " of upload ", file.upload_id(),
                       " in the store, but it is missing")),
                   reason::kStoredDataCorrupt);
  }
  return *std::move(chunk);
}

absl::StatusOr<std::string> FileStore::CheckIntact(
    const std::string& sha256) const {
  WF_ASSIGN_OR_RETURN(std::optional<store::BlobFileRecord> file, Find(sha256));
  if (!file.has_value()) return std::string("its bytes are not stored");
  Sha256Hasher hasher;
  uint64_t size = 0;
  for (uint32_t n = 0; n < file->chunks(); ++n) {
    auto chunk = ReadChunk(*file, n);
    if (!chunk.ok()) return absl::StrCat("chunk ", n, " of its bytes is missing");
    hasher.Update(*chunk);
    size += chunk->size();
  }
  if (size != file->size()) {
    return absl::StrCat("its stored bytes are ", size, " long, not ",
                        file->size());
  }
  const std::string now = hasher.Finish();
  if (now != sha256) {
    return absl::StrCat("its stored bytes hash to ", ToHex(now), ", not ",
                        ToHex(sha256), " (they were changed or damaged)");
  }
  return std::string();
}

BlobUpload::BlobUpload(FileStore* files, std::string id, uint64_t max_bytes)
    : files_(files), id_(std::move(id)), max_bytes_(max_bytes) {}

BlobUpload::~BlobUpload() {
  if (!done_) Discard();
}

absl::Status BlobUpload::Append(absl::string_view bytes) {
  if (sealed_ || done_) {
    return absl::FailedPreconditionError(
        "Expected an open upload to append to, but it is finished");
  }
  if (bytes.size() > max_bytes_ - size_) {
    const uint64_t size = size_ + bytes.size();
    Discard();
    return TooLarge(max_bytes_, size);
  }
  hasher_.Update(bytes);
  size_ += bytes.size();
  while (!bytes.empty()) {
    const size_t take =
        std::min(bytes.size(), FileStore::kChunkBytes - pending_.size());
    pending_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (pending_.size() == FileStore::kChunkBytes) {
      absl::Status written = WriteChunk();
      if (!written.ok()) {
        Discard();
        return written;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status BlobUpload::WriteChunk() {
  WF_RETURN_IF_ERROR(files_->store()->PutUnsynced(
      Cf::kBlobs, keys::BlobChunk(id_, chunks_), pending_));
  ++chunks_;
  pending_.clear();
  return absl::OkStatus();
}

absl::Status BlobUpload::Seal() {
  if (sealed_ || done_) {
    return absl::FailedPreconditionError(
        "Expected an open upload to seal, but it is finished");
  }
  // An empty file has no chunk; any other ends with a partial or full one.
  if (!pending_.empty()) WF_RETURN_IF_ERROR(WriteChunk());
  sha256_ = hasher_.Finish();
  sealed_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::string> BlobUpload::ReadAt(uint64_t at, size_t n) const {
  std::string out;
  store::BlobFileRecord self;
  self.set_upload_id(id_);
  while (n > 0 && at < size_) {
    const uint32_t chunk = static_cast<uint32_t>(at / FileStore::kChunkBytes);
    const size_t offset = at % FileStore::kChunkBytes;
    WF_ASSIGN_OR_RETURN(std::string bytes, files_->ReadChunk(self, chunk));
    if (offset >= bytes.size()) break;
    const size_t take = std::min(n, bytes.size() - offset);
    out.append(bytes, offset, take);
    at += take;
    n -= take;
  }
  return out;
}

absl::StatusOr<std::string> BlobUpload::JudgeMediaType() const {
  return wf::JudgeMediaType(
      size_, [this](uint64_t at, size_t n) { return ReadAt(at, n); });
}

void BlobUpload::CommitInto(const std::string& media_type,
                            WriteSet* writes) const {
  store::BlobFileRecord record;
  record.set_size(size_);
  record.set_media_type(media_type);
  record.set_upload_id(id_);
  record.set_chunks(chunks_);
  record.set_chunk_bytes(FileStore::kChunkBytes);
  writes->Put(Cf::kBlobs, keys::BlobFile(sha256_), record.SerializeAsString());
  writes->Delete(Cf::kBlobs, keys::BlobUpload(id_));
}

void BlobUpload::Discard() {
  if (done_) return;
  done_ = true;
  const std::string chunks = keys::BlobChunkPrefix(id_);
  files_->store()
      ->DeleteRangeUnsynced(Cf::kBlobs, chunks, PrefixEnd(chunks),
                            keys::BlobUpload(id_))
      .IgnoreError();  // the next open collects what is left
}

}  // namespace wf
