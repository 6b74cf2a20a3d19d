// Copyright the wf-engine authors. Apache-2.0.
//
// The gRPC services: thin. Each method authenticates the caller, converts
// the request, calls the engine, converts the answer; transitions answer
// from the committer thread once their write is synced, without holding a
// gRPC thread meanwhile.
#ifndef WF_SERVICE_WORKFLOW_SERVICE_H_
#define WF_SERVICE_WORKFLOW_SERVICE_H_

#include "engine/service/actor.h"
#include "engine/service/arena_allocator.h"
#include "engine/service/inbox_answers.h"
#include "wf/clock.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

// GetInbox is a raw method: it parses its request itself and answers
// encoded bytes, so that an answer kept (inbox_answers.h) is sent as it
// was encoded.
class WorkflowServiceImpl final
    : public v1::WorkflowService::WithRawCallbackMethod_GetInbox<
          v1::WorkflowService::CallbackService> {
 public:
  using Api = v1::WorkflowService;

  // `inbox_answer_bytes`: how much of inbox answers to keep (0: none).
  WorkflowServiceImpl(Engine* engine, AuthMode auth,
                      const ObserveOptions* observe = nullptr,
                      size_t inbox_answer_bytes = 32 << 20)
      : engine_(engine), auth_(auth), observe_(observe),
        inbox_answers_(inbox_answer_bytes) {
    SetMessageAllocatorFor_ListInstances(&list_messages_);
    SetMessageAllocatorFor_ListDeadlines(&deadline_messages_);
    SetMessageAllocatorFor_StartInstance(&start_messages_);
    SetMessageAllocatorFor_FireEvent(&fire_messages_);
  }

  grpc::ServerUnaryReactor* DeployWorkflow(
      grpc::CallbackServerContext* context,
      const v1::DeployWorkflowRequest* request,
      v1::DeployWorkflowResponse* response) override;
  grpc::ServerUnaryReactor* ListWorkflows(
      grpc::CallbackServerContext* context,
      const v1::ListWorkflowsRequest* request,
      v1::ListWorkflowsResponse* response) override;
  grpc::ServerUnaryReactor* GetWorkflow(grpc::CallbackServerContext* context,
                                        const v1::GetWorkflowRequest* request,
                                        v1::Workflow* response) override;
  grpc::ServerUnaryReactor* StartInstance(
      grpc::CallbackServerContext* context,
      const v1::StartInstanceRequest* request,
      v1::StartInstanceResponse* response) override;
  grpc::ServerUnaryReactor* FireEvent(grpc::CallbackServerContext* context,
                                      const v1::FireEventRequest* request,
                                      v1::FireEventResponse* response) override;
  grpc::ServerUnaryReactor* CancelInstance(
      grpc::CallbackServerContext* context,
      const v1::CancelInstanceRequest* request,
      v1::CancelInstanceResponse* response) override;
  grpc::ServerUnaryReactor* GetProgress(
      grpc::CallbackServerContext* context,
      const v1::GetProgressRequest* request, v1::Progress* response) override;
  grpc::ServerUnaryReactor* GetInstance(grpc::CallbackServerContext* context,
                                        const v1::GetInstanceRequest* request,
                                        v1::Instance* response) override;
  grpc::ServerUnaryReactor* ListInstances(
      grpc::CallbackServerContext* context,
      const v1::ListInstancesRequest* request,
      v1::ListInstancesResponse* response) override;
  grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* context,
                                       const v1::GetHistoryRequest* request,
                                       v1::GetHistoryResponse* response) override;
  grpc::ServerUnaryReactor* VerifyInstance(
      grpc::CallbackServerContext* context,
      const v1::VerifyInstanceRequest* request,
      v1::VerifyInstanceResponse* response) override;
  grpc::ServerUnaryReactor* ListDeadlines(
      grpc::CallbackServerContext* context,
      const v1::ListDeadlinesRequest* request,
      v1::ListDeadlinesResponse* response) override;
  grpc::ServerUnaryReactor* GetInbox(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) override;
  grpc::ServerUnaryReactor* ListNotices(
      grpc::CallbackServerContext* context,
      const v1::ListNoticesRequest* request,
      v1::ListNoticesResponse* response) override;
  grpc::ServerUnaryReactor* MarkNoticesSeen(
      grpc::CallbackServerContext* context,
      const v1::MarkNoticesSeenRequest* request,
      v1::MarkNoticesSeenResponse* response) override;

 private:
  absl::StatusOr<std::shared_ptr<const InboxAnswers::Kept>> InboxAnswer(
      const Actor& actor, const v1::GetInboxRequest& request,
      google::protobuf::Arena* arena);

  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
  // Inbox answers sent again while current.
  InboxAnswers inbox_answers_;
  // The lists: many small fields per answer (arena_allocator.h).
  ArenaAllocator<v1::ListInstancesRequest, v1::ListInstancesResponse>
      list_messages_;
  ArenaAllocator<v1::ListDeadlinesRequest, v1::ListDeadlinesResponse>
      deadline_messages_;
  // A step's answer: the instance's variables as a Struct, a map entry and
  // a Value per field.
  ArenaAllocator<v1::StartInstanceRequest, v1::StartInstanceResponse>
      start_messages_;
  ArenaAllocator<v1::FireEventRequest, v1::FireEventResponse> fire_messages_;
};

class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  using Api = v1::AdminService;

  AdminServiceImpl(Engine* engine, AuthMode auth,
                   const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), observe_(observe) {}

  grpc::ServerUnaryReactor* ImportDirectory(
      grpc::CallbackServerContext* context,
      const v1::ImportDirectoryRequest* request,
      v1::ImportDirectoryResponse* response) override;
  grpc::ServerUnaryReactor* IssueToken(grpc::CallbackServerContext* context,
                                       const v1::IssueTokenRequest* request,
                                       v1::IssueTokenResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(
      grpc::CallbackServerContext* context,
      const v1::RevokeTokenRequest* request,
      v1::RevokeTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context,
                                       const v1::ListTokensRequest* request,
                                       v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* SetPassword(
      grpc::CallbackServerContext* context,
      const v1::SetPasswordRequest* request,
      v1::SetPasswordResponse* response) override;
  grpc::ServerUnaryReactor* CreateBackup(
      grpc::CallbackServerContext* context,
      const v1::CreateBackupRequest* request,
      v1::CreateBackupResponse* response) override;
  grpc::ServerWriteReactor<v1::VerifyAllUpdate>* VerifyAll(
      grpc::CallbackServerContext* context,
      const v1::VerifyAllRequest* request) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
};

// Only registered on a server in simulation mode (a ManualClock).
class SimulationServiceImpl final
    : public v1::SimulationService::CallbackService {
 public:
  using Api = v1::SimulationService;

  SimulationServiceImpl(Engine* engine, AuthMode auth, ManualClock* clock,
                        const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), clock_(clock), observe_(observe) {}

  grpc::ServerUnaryReactor* AdvanceClock(
      grpc::CallbackServerContext* context,
      const v1::AdvanceClockRequest* request,
      v1::AdvanceClockResponse* response) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  ManualClock* const clock_;
  const ObserveOptions* const observe_;
};

class DiagnosticsServiceImpl final
    : public v1::DiagnosticsService::CallbackService {
 public:
  using Api = v1::DiagnosticsService;

  DiagnosticsServiceImpl(Engine* engine, AuthMode auth,
                         const ObserveOptions* observe = nullptr)
      : engine_(engine), auth_(auth), observe_(observe) {}
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const v1::PingRequest* request,
                                 v1::PingResponse* response) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* context,
                                     const v1::GetStatsRequest* request,
                                     v1::GetStatsResponse* response) override;

 private:
  Engine* const engine_;
  const AuthMode auth_;
  const ObserveOptions* const observe_;
};

}  // namespace wf

#endif  // WF_SERVICE_WORKFLOW_SERVICE_H_
