// Copyright the wf-engine authors. Apache-2.0.
//
// Between the API's protobuf messages (proto/wf/v1) and the engine's C++
// types (engine/include/wf). Field by field, nothing else.
#ifndef WF_SERVICE_CONVERT_H_
#define WF_SERVICE_CONVERT_H_

#include "wf/types.h"
#include "wf/v1/workflow.pb.h"

namespace wf {

void ToProto(const WorkflowInfo& in, v1::Workflow* out);
void ToProto(const InstanceInfo& in, v1::Instance* out);
void ToProto(const HistoryEntry& in, v1::HistoryEvent* out);
void ToProto(const DeadlineInfo& in, v1::Deadline* out);
void ToProto(const InboxPage& in, v1::GetInboxResponse* out);
void ToProto(const WhoAmIInfo& in, v1::WhoAmIResponse* out);
void ToProto(const TokenInfo& in, v1::Token* out);

StartRequest FromProto(const v1::StartInstanceRequest& in);
FireRequest FromProto(const v1::FireEventRequest& in);
CancelRequest FromProto(const v1::CancelInstanceRequest& in);
ListInstancesRequest FromProto(const v1::ListInstancesRequest& in);
DeadlineQuery FromProto(const v1::ListDeadlinesRequest& in);
DirectoryImport FromProto(const v1::ImportDirectoryRequest& in);

}  // namespace wf

#endif  // WF_SERVICE_CONVERT_H_
