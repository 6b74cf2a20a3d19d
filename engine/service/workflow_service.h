// Copyright the wf-engine authors. Apache-2.0.
//
// The gRPC services: thin. Each method converts the request, calls the
// engine, converts the answer; transitions answer from the committer thread
// once their write is synced, without holding a gRPC thread meanwhile.
#ifndef WF_SERVICE_WORKFLOW_SERVICE_H_
#define WF_SERVICE_WORKFLOW_SERVICE_H_

#include "wf/clock.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {

class WorkflowServiceImpl final : public v1::WorkflowService::CallbackService {
 public:
  explicit WorkflowServiceImpl(Engine* engine) : engine_(engine) {}

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

 private:
  Engine* const engine_;
};

// Only registered on a server in simulation mode (a ManualClock).
class SimulationServiceImpl final
    : public v1::SimulationService::CallbackService {
 public:
  SimulationServiceImpl(Engine* engine, ManualClock* clock)
      : engine_(engine), clock_(clock) {}

  grpc::ServerUnaryReactor* AdvanceClock(
      grpc::CallbackServerContext* context,
      const v1::AdvanceClockRequest* request,
      v1::AdvanceClockResponse* response) override;

 private:
  Engine* const engine_;
  ManualClock* const clock_;
};

class DiagnosticsServiceImpl final
    : public v1::DiagnosticsService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context,
                                 const v1::PingRequest* request,
                                 v1::PingResponse* response) override;
};

}  // namespace wf

#endif  // WF_SERVICE_WORKFLOW_SERVICE_H_
