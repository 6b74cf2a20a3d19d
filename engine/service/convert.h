// Copyright the wf-engine authors. Apache-2.0.
//
// Between the API's protobuf messages (proto/wf/v1) and the engine's C++
// types (engine/include/wf). Field by field, nothing else.
#ifndef WF_SERVICE_CONVERT_H_
#define WF_SERVICE_CONVERT_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "wf/types.h"
#include "wf/v1/workflow.pb.h"

namespace wf {

// Times and lengths of time, at the engine's microsecond precision.
// REQUIRES: a finite time; the engine's infinite "none" (no expiry, no
// deadline) is an unset field, so callers leave the field alone.
void ToTimestamp(absl::Time in, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& in);
void ToDuration(absl::Duration in, google::protobuf::Duration* out);
absl::Duration FromDuration(const google::protobuf::Duration& in);

void ToProto(const WorkflowInfo& in, v1::Workflow* out);
// An instance as lists answer it by default (INSTANCE_VIEW_BASIC): every
// field but `variables`, with no JSON parsed and no Struct built.
void ToBasicProto(const InstanceInfo& in, v1::Instance* out);
// These carry the engine's JSON as Structs: an error only if what the
// engine stored does not parse.
absl::Status ToProto(const InstanceInfo& in, v1::Instance* out);
absl::Status ToProto(const HistoryEntry& in, v1::HistoryEvent* out);
// Each item's instance in full when `full`, else as ToBasicProto.
absl::Status ToProto(const InboxPage& in, bool full, v1::GetInboxResponse* out);
// Whether a list answers FULL instances: UNSPECIFIED and BASIC mean no.
// INVALID_ARGUMENT naming `view` for a value the proto does not declare.
absl::StatusOr<bool> IsFullView(v1::InstanceView view);
// The same for a write's answer, where UNSPECIFIED means FULL.
absl::StatusOr<bool> IsFullWriteView(v1::InstanceView view);
// The instance in full, or as ToBasicProto.
absl::Status ToProto(const InstanceInfo& in, bool full, v1::Instance* out);
void ToProto(const DeadlineInfo& in, v1::Deadline* out);
void ToProto(const ProgressInfo& in, v1::Progress* out);
void ToProto(const WhoAmIInfo& in, v1::WhoAmIResponse* out);
void ToProto(const InboxEvent& in, v1::InboxEvent* out);
void ToProto(const TokenInfo& in, v1::Token* out);

// Documents (docs/documents.md).
void ToProto(const DocumentInfo& in, v1::Document* out);
void ToProto(const IncomingInfo& in, v1::IncomingDocument* out);
void ToProto(const NoticeInfo& in, v1::Notice* out);
void ToProto(const RegisterEntryInfo& in, v1::RegisterEntry* out);

// INVALID_ARGUMENT when the variables or payload hold a number the engine
// cannot keep exactly (engine/service/struct_json.h).
absl::StatusOr<StartRequest> FromProto(const v1::StartInstanceRequest& in);
absl::StatusOr<FireRequest> FromProto(const v1::FireEventRequest& in);
CancelRequest FromProto(const v1::CancelInstanceRequest& in);
ListInstancesRequest FromProto(const v1::ListInstancesRequest& in);
DeadlineQuery FromProto(const v1::ListDeadlinesRequest& in);
DirectoryImport FromProto(const v1::ImportDirectoryRequest& in);
AcknowledgeRequest FromProto(const v1::AcknowledgeDocumentRequest& in);
IncomingRequest FromProto(const v1::ListIncomingRequest& in);
NoticeRequest FromProto(const v1::ListNoticesRequest& in);
RegisterRequest FromProto(const v1::ReadRegisterRequest& in);

}  // namespace wf

#endif  // WF_SERVICE_CONVERT_H_
