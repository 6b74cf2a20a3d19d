// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/file_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/service/convert.h"
#include "engine/service/status_map.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

void ToProto(const FileVersionInfo& in, v1::FileVersion* out) {
  out->set_version(in.version);
  out->set_name(in.name);
  out->set_size(in.size);
  out->set_media_type(in.media_type);
  out->set_sha256(in.sha256_hex);
  out->set_added_by(in.added_by);
  ToTimestamp(in.added_at, out->mutable_added_at());
  out->set_event_seq(in.event_seq);
}

absl::Status Incomplete(absl::string_view what) {
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected an upload to start with its header and go on "
                     "with chunks of bytes, but ", what, ": nothing was kept")),
                 reason::kUploadIncomplete)
      .Vietnamese("Tệp tải lên chưa đầy đủ; xin tải lại.");
}

// Header, then chunks, then the attach step; the reactor lives until OnDone.
class UploadReactor final
    : public grpc::ServerReadReactor<v1::UploadFileRequest> {
 public:
  UploadReactor(Engine* engine, AuthMode auth,
                grpc::CallbackServerContext* context,
                v1::UploadFileResponse* response)
      : engine_(engine), context_(context), response_(response) {
    auto actor = Caller(engine, auth, context);
    if (!actor.ok()) {
      Reply(ToGrpcStatus(actor.status()));
      return;
    }
    actor_ = *actor;
    NoteActor(context, actor_);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return EndOfStream();
    absl::Status s = UnreadableRequest(request_);
    if (s.ok()) s = upload_ == nullptr ? Begin() : Chunk();
    if (!s.ok()) {
      if (upload_ != nullptr) upload_->Abort();
      Reply(ToGrpcStatus(s));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  // Ends the call's observation, then finishes it.
  void Reply(const grpc::Status& status) {
    EndCall(context_, status);
    Finish(status);
  }

  absl::Status Begin() {
    if (!request_.has_header()) return Incomplete("the first message is bytes");
    const v1::UploadFileHeader& h = request_.header();
    UploadRequest r;
    r.instance_id = h.instance_id();
    r.slot = h.slot();
    r.name = h.name();
    r.sha256_hex = h.sha256();
    if (h.has_size()) r.size = h.size();
    r.idempotency_key = h.idempotency_key();
    NoteInstance(context_, r.instance_id);
    r.actor = actor_;
    grpc::CallbackServerContext* context = context_;
    r.still_wanted = StillWanted(context);
    auto upload = engine_->BeginUpload(r);
    if (!upload.ok()) return upload.status();
    upload_ = *std::move(upload);
    return absl::OkStatus();
  }

  absl::Status Chunk() {
    if (!request_.has_chunk()) return Incomplete("a second header came");
    if (request_.chunk().size() > kFileChunkBytes) {
      return Refusal(absl::InvalidArgumentError(absl::StrCat(
                         "Expected chunks of at most ", kFileChunkBytes,
                         " bytes, but one has ", request_.chunk().size())),
                     reason::kInvalidField)
          .Field("chunk");
    }
    return upload_->Append(request_.chunk());
  }

  // The client half-closed (or went away): attach what came.
  void EndOfStream() {
    if (context_->IsCancelled()) {
      if (upload_ != nullptr) upload_->Abort();
      Reply(grpc::Status(grpc::StatusCode::CANCELLED, "the client cancelled"));
      return;
    }
    if (upload_ == nullptr) {
      Reply(ToGrpcStatus(Incomplete("no header came")));
      return;
    }
    upload_->FinishAsync([this](absl::StatusOr<AttachResult> result) {
      if (result.ok()) {
        ToProto(result->file, response_->mutable_file());
        response_->set_instance_version(result->instance.version);
        response_->set_event_seq(result->event.seq);
        response_->set_replayed(result->replayed);
      }
      Reply(ToGrpcStatus(result.status()));
    });
  }

  Engine* const engine_;
  grpc::CallbackServerContext* const context_;
  v1::UploadFileResponse* const response_;
  Actor actor_;
  v1::UploadFileRequest request_;
  std::unique_ptr<FileUpload> upload_;
};

// The metadata, then each chunk as the client takes the one before.
class DownloadReactor final
    : public grpc::ServerWriteReactor<v1::DownloadFileResponse> {
 public:
  DownloadReactor(Engine* engine, AuthMode auth,
                  grpc::CallbackServerContext* context,
                  const v1::DownloadFileRequest* request)
      : context_(context) {
    absl::Status readable = UnreadableRequest(*request);
    if (!readable.ok()) {
      Reply(ToGrpcStatus(readable));
      return;
    }
    auto actor = Caller(engine, auth, context);
    if (!actor.ok()) {
      Reply(ToGrpcStatus(actor.status()));
      return;
    }
    NoteActor(context, *actor);
    NoteInstance(context, request->instance_id());
    auto download = engine->OpenFile(
        {request->instance_id(), request->slot(), request->version(), *actor});
    if (!download.ok()) {
      Reply(ToGrpcStatus(download.status()));
      return;
    }
    download_ = *std::move(download);
    ToProto(download_->file(), message_.mutable_file());
    StartWrite(&message_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return Reply(grpc::Status::CANCELLED);
    message_.Clear();
    auto more = download_->Next(message_.mutable_chunk());
    if (!more.ok()) return Reply(ToGrpcStatus(more.status()));
    if (!*more) return Reply(grpc::Status::OK);
    StartWrite(&message_);
  }

  void OnDone() override { delete this; }

 private:
  // Ends the call's observation, then finishes it.
  void Reply(const grpc::Status& status) {
    EndCall(context_, status);
    Finish(status);
  }

  grpc::CallbackServerContext* const context_;
  std::unique_ptr<FileDownload> download_;
  v1::DownloadFileResponse message_;
};

}  // namespace

grpc::ServerReadReactor<v1::UploadFileRequest>* FileServiceImpl::UploadFile(
    grpc::CallbackServerContext* context, v1::UploadFileResponse* response) {
  WF_OBSERVE(false);
  return new UploadReactor(engine_, auth_, context, response);
}

grpc::ServerWriteReactor<v1::DownloadFileResponse>*
FileServiceImpl::DownloadFile(grpc::CallbackServerContext* context,
                              const v1::DownloadFileRequest* request) {
  WF_OBSERVE(false);
  return new DownloadReactor(engine_, auth_, context, request);
}

grpc::ServerUnaryReactor* FileServiceImpl::ListFiles(
    grpc::CallbackServerContext* context, const v1::ListFilesRequest* request,
    v1::ListFilesResponse* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  auto slots = engine_->ListFiles(request->instance_id(), actor);
  if (slots.ok()) {
    for (const FileSlotInfo& slot : *slots) {
      v1::FileSlot* out = response->add_slots();
      out->set_slot(slot.slot);
      for (const FileVersionInfo& v : slot.versions) {
        ToProto(v, out->add_versions());
      }
    }
  }
  return Answer(context, slots.status());
}

}  // namespace wf
