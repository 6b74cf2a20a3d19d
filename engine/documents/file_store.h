// Copyright the wf-engine authors. Apache-2.0.
//
// File bytes, stored once by SHA-256 in the "blobs" column family (RocksDB's
// integrated BlobDB: see ConfigureBlobs in engine/store/store.cc).
//
//   auto upload = files.Begin(max_bytes);          u/<id> marks it open
//   upload->Append(bytes) ...                      c/<id>/<be32 n>, 1 MiB
//                                                  each, unsynced, hashed
//                                                  as they come
//   upload->Seal();                                the last chunk; sha256
//   upload->JudgeMediaType();                      from the stored bytes
//   upload->CommitInto(media_type, &txn.writes())  f/<sha256> + delete u/<id>
//   ... the attach step commits the Txn (one synced write) ...
//   upload->Committed();   or   upload->Discard(); (DeleteRange c/<id>/)
//
// Nothing refers to an upload's chunks until the transaction that writes
// its file record commits, so a half upload is never visible. A refused,
// cancelled or cut upload, and one whose bytes were stored already (same
// SHA-256), discards its chunks at once; a crash leaves the marker u/<id>,
// and Open (CollectOrphans) deletes every upload still marked.
#ifndef WF_DOCUMENTS_FILE_STORE_H_
#define WF_DOCUMENTS_FILE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "engine/util/sha256.h"

namespace wf {

class BlobUpload;

class FileStore {
 public:
  // Stored chunks hold this many bytes (the last one fewer).
  static constexpr size_t kChunkBytes = 1 << 20;

  explicit FileStore(Store* store) : store_(store) {}

  // Deletes the chunks and markers of every upload a crash left unfinished.
  // Returns how many uploads it removed. Run once, at open, before uploads.
  absl::StatusOr<int> CollectOrphans();

  // A new upload of at most `max_bytes`.
  absl::StatusOr<std::unique_ptr<BlobUpload>> Begin(uint64_t max_bytes);

  // The stored file with this digest (32 bytes), if any.
  absl::StatusOr<std::optional<store::BlobFileRecord>> Find(
      const std::string& sha256) const;
  // Chunk `n` of a stored file; DATA_LOSS if it is missing.
  absl::StatusOr<std::string> ReadChunk(const store::BlobFileRecord& file,
                                        uint32_t n) const;
  // The SHA-256 of the bytes stored for `sha256` now, and checks the size:
  // "" when they are intact, else what is wrong (verify's problem text).
  absl::StatusOr<std::string> CheckIntact(const std::string& sha256) const;

  Store* store() const { return store_; }

 private:
  Store* const store_;
};

// One upload in progress. Not thread-safe: one caller feeds it.
// Destroying an upload neither committed nor discarded discards it.
class BlobUpload {
 public:
  BlobUpload(FileStore* files, std::string id, uint64_t max_bytes);
  ~BlobUpload();

  // RESOURCE_EXHAUSTED (FILE_TOO_LARGE) past max_bytes; the upload is then
  // discarded. FAILED_PRECONDITION after Seal.
  absl::Status Append(absl::string_view bytes);
  // Writes the last chunk and finishes the hash.
  absl::Status Seal();
  // After Seal: the type of the stored bytes (media_type.h).
  absl::StatusOr<std::string> JudgeMediaType() const;
  // After Seal: the writes that make these bytes file `sha256()` (when no
  // file has that digest yet): its record, and the end of the marker.
  void CommitInto(const std::string& media_type, WriteSet* writes) const;
  // The transaction with CommitInto's writes committed: keep the chunks.
  void Committed() { done_ = true; }
  // Deletes the chunks and the marker (best effort: what a failure here
  // leaves, the next open collects).
  void Discard();

  const std::string& id() const { return id_; }
  uint64_t size() const { return size_; }
  const std::string& sha256() const { return sha256_; }  // after Seal

 private:
  absl::Status WriteChunk();
  absl::StatusOr<std::string> ReadAt(uint64_t at, size_t n) const;

  FileStore* const files_;
  const std::string id_;
  const uint64_t max_bytes_;
  Sha256Hasher hasher_;
  std::string pending_;  // bytes of the chunk being filled
  uint32_t chunks_ = 0;  // written
  uint64_t size_ = 0;
  std::string sha256_;
  bool sealed_ = false;
  bool done_ = false;  // committed or discarded
};

}  // namespace wf

#endif  // WF_DOCUMENTS_FILE_STORE_H_
