// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/files_engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/documents/document_info.h"
#include "engine/documents/file_checks.h"
#include "engine/util/refusal.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"

namespace wf {

absl::StatusOr<AttachResult> FileUpload::Finish() {
  absl::Notification done;
  absl::StatusOr<AttachResult> result;
  FinishAsync([&](absl::StatusOr<AttachResult> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

namespace {

absl::Status Incomplete(uint64_t expected, uint64_t received) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected the ", expected, " bytes the upload announced, "
                     "but it ended after ", received, ": nothing was kept")),
                 reason::kUploadIncomplete)
      .With("expected_size", expected)
      .With("received", received)
      .Vietnamese("Tệp tải lên chưa đầy đủ; xin tải lại.");
}

absl::Status HashMismatch(const std::string& expected,
                          const std::string& received, uint64_t size) {
  return Refusal(absl::DataLossError(absl::StrCat(
                     "Expected bytes with SHA-256 ", ToHex(expected),
                     ", but the ", size, " bytes received hash to ",
                     ToHex(received), ": they were damaged or cut on the way; "
                     "nothing was kept, upload again")),
                 reason::kFileHashMismatch)
      .With("expected", ToHex(expected))
      .With("received", ToHex(received))
      .With("size", size)
      .Vietnamese("Tệp nhận được bị lỗi trên đường truyền (mã băm không "
                  "khớp); xin tải lại.");
}

// The version of `slot` that an event recorded, from the instance as it is.
absl::StatusOr<AttachResult> Attached(Reader* reader, const FireResult& fired,
                                      const std::string& slot_name) {
  WF_ASSIGN_OR_RETURN(store::InstanceRecord instance,
                      reader->LoadInstance(fired.instance.id));
  AttachResult result;
  result.instance = fired.instance;
  result.event = fired.event;
  result.replayed = fired.replayed;
  for (const store::FileSlotRecord& slot : instance.document().slots()) {
    if (slot.slot() != slot_name) continue;
    result.slot.slot = slot.slot();
    for (const store::FileVersionRecord& v : slot.versions()) {
      result.slot.versions.push_back(ToFileVersionInfo(v));
      if (v.event_seq() == fired.event.seq) result.file = ToFileVersionInfo(v);
    }
  }
  return result;
}

// An upload's request, checked.
struct FileInput {
  FireInput fire;
  std::string slot;
  std::string name;             // NFC
  std::string expected_sha256;  // 32 bytes
};

class FileUploadImpl final : public FileUpload {
 public:
  FileUploadImpl(FileInput in, std::unique_ptr<BlobUpload> blob,
                 std::optional<uint64_t> size, Transitioner* transitions,
                 FileStore* files, Reader* reader)
      : in_(std::move(in)), blob_(std::move(blob)), announced_(size),
        transitions_(transitions), files_(files), reader_(reader) {}

  absl::Status Append(absl::string_view bytes) override {
    if (!error_.ok()) return error_;
    if (announced_.has_value() && bytes.size() > *announced_ - blob_->size()) {
      error_ = Refusal(absl::InvalidArgumentError(absl::StrCat(
                           "Expected the ", *announced_, " bytes the upload ",
                           "announced, but more arrived: nothing was kept")),
                       reason::kInvalidField)
                   .Field("size");
      blob_->Discard();
      return error_;
    }
    error_ = blob_->Append(bytes);
    return error_;
  }

  void FinishAsync(
      std::function<void(absl::StatusOr<AttachResult>)> done) override {
    absl::Status checked = Check();
    if (!checked.ok()) {
      error_ = checked;
      blob_->Discard();
      return done(checked);
    }
    FireInput in = in_.fire;
    in.attach = attach_;
    transitions_->Attach(in, [this, done](absl::StatusOr<FireResult> fired) {
      done(Conclude(std::move(fired)));
    });
  }

  void Abort() override {
    if (error_.ok()) error_ = absl::CancelledError("The upload was aborted");
    blob_->Discard();
  }

 private:
  // The bytes are all in, of the size and digest announced, of a type we
  // take: then they may be attached.
  absl::Status Check() {
    WF_RETURN_IF_ERROR(error_);
    WF_RETURN_IF_ERROR(blob_->Seal());
    if (announced_.has_value() && blob_->size() != *announced_) {
      return Incomplete(*announced_, blob_->size());
    }
    const std::string& expected = in_.expected_sha256;
    if (blob_->sha256() != expected) {
      return HashMismatch(expected, blob_->sha256(), blob_->size());
    }
    WF_ASSIGN_OR_RETURN(std::string media_type, blob_->JudgeMediaType());
    auto attach = std::make_shared<AttachInput>();
    attach->slot = in_.slot;
    attach->name = in_.name;
    attach->sha256 = blob_->sha256();
    attach->size = blob_->size();
    attach->media_type = media_type;
    blob_->CommitInto(media_type, &attach->store_bytes);
    attach_ = std::move(attach);
    return absl::OkStatus();
  }

  // Keeps this upload's chunks only if its file record is the one stored.
  absl::StatusOr<AttachResult> Conclude(absl::StatusOr<FireResult> fired) {
    bool ours = false;
    if (fired.ok()) {
      auto stored = files_->Find(attach_->sha256);
      ours = stored.ok() && stored->has_value() &&
             (*stored)->upload_id() == blob_->id();
    }
    if (ours) {
      blob_->Committed();
    } else {
      blob_->Discard();
    }
    if (!fired.ok()) return fired.status();
    WF_ASSIGN_OR_RETURN(AttachResult result,
                        Attached(reader_, *fired, in_.slot));
    result.new_bytes = ours;
    return result;
  }

  const FileInput in_;
  std::unique_ptr<BlobUpload> blob_;
  const std::optional<uint64_t> announced_;
  Transitioner* const transitions_;
  FileStore* const files_;
  Reader* const reader_;
  std::shared_ptr<const AttachInput> attach_;
  absl::Status error_;
};

class FileDownloadImpl final : public FileDownload {
 public:
  FileDownloadImpl(FileStore* files, std::string slot, FileVersionInfo info,
                   store::BlobFileRecord record)
      : files_(files), slot_(std::move(slot)), info_(std::move(info)),
        record_(std::move(record)) {}

  const FileVersionInfo& file() const override { return info_; }
  const std::string& slot() const override { return slot_; }
  absl::StatusOr<bool> Next(std::string* chunk) override {
    if (next_ >= record_.chunks()) return false;
    WF_ASSIGN_OR_RETURN(*chunk, files_->ReadChunk(record_, next_));
    ++next_;
    return true;
  }

 private:
  FileStore* const files_;
  const std::string slot_;
  const FileVersionInfo info_;
  const store::BlobFileRecord record_;
  uint32_t next_ = 0;
};

absl::Status NoSuchFile(const std::string& id, const std::string& slot,
                        uint32_t version, int versions) {
  return Refusal(absl::NotFoundError(absl::StrCat(
                     "Expected ", version == 0 ? "a file" :
                     absl::StrCat("version ", version), " in slot '", slot,
                     "' of instance '", id, "', but the slot has ", versions,
                     " version(s)")),
                 reason::kFileNotFound)
      .With("instance_id", id)
      .With("slot", slot)
      .With("version", version)
      .With("versions", versions)
      .Vietnamese("Không tìm thấy tệp này trong hồ sơ.");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FileUpload>> FilesEngine::BeginUpload(
    const UploadRequest& request) {
  WF_ASSIGN_OR_RETURN(FireInput checked, CheckUpload(request, limits_));
  WF_RETURN_IF_ERROR(transitions_->CheckAttachAllowed(checked));
  FileInput in;
  in.fire = std::move(checked);
  in.slot = request.slot;
  in.name = in.fire.payload["name"].get<std::string>();
  in.expected_sha256 = *ParseSha256Hex(request.sha256_hex, "sha256");
  WF_ASSIGN_OR_RETURN(std::unique_ptr<BlobUpload> blob,
                      files_->Begin(limits_.max_file_bytes));
  return std::make_unique<FileUploadImpl>(std::move(in), std::move(blob),
                                          request.size, transitions_, files_,
                                          reader_);
}

absl::StatusOr<std::unique_ptr<FileDownload>> FilesEngine::OpenFile(
    const FileRequest& request) {
  WF_RETURN_IF_ERROR(CheckInstanceId(request.instance_id).status());
  WF_RETURN_IF_ERROR(CheckSlot(request.slot));
  WF_ASSIGN_OR_RETURN(store::InstanceRecord instance,
                      reader_->LoadReadable(request.instance_id,
                                            request.actor));
  for (const store::FileSlotRecord& slot : instance.document().slots()) {
    if (slot.slot() != request.slot) continue;
    const int n = slot.versions_size();
    const uint32_t want = request.version == 0 ? n : request.version;
    if (n == 0 || want > static_cast<uint32_t>(n)) break;
    const store::FileVersionRecord& v = slot.versions(want - 1);
    WF_ASSIGN_OR_RETURN(auto record, files_->Find(v.sha256()));
    if (!record.has_value()) {
      return Refusal(absl::DataLossError(absl::StrCat(
                         "Expected the bytes of file ", ToHex(v.sha256()),
                         " in the store, but they are missing")),
                     reason::kStoredDataCorrupt);
    }
    return std::make_unique<FileDownloadImpl>(files_, slot.slot(),
                                              ToFileVersionInfo(v), *record);
  }
  int versions = 0;
  for (const auto& slot : instance.document().slots()) {
    if (slot.slot() == request.slot) versions = slot.versions_size();
  }
  return NoSuchFile(request.instance_id, request.slot, request.version,
                    versions);
}

absl::StatusOr<std::vector<FileSlotInfo>> FilesEngine::ListFiles(
    const std::string& id, const Actor& actor) {
  WF_RETURN_IF_ERROR(CheckInstanceId(id).status());
  WF_ASSIGN_OR_RETURN(store::InstanceRecord instance,
                      reader_->LoadReadable(id, actor));
  return ToDocumentInfo(id, instance.document()).slots;
}

}  // namespace wf
