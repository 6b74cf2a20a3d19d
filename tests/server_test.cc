// The real gRPC server on a free loopback port, called through the generated
// client: what an integrator's program sees, codes and messages included.
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "engine/service/server.h"
#include "engine/store/faulty_file_system.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/test_directory.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {
namespace {

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(WF_TESTDATA_DIR) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("wf_server_test_", ::getpid()))
               .string();
    std::filesystem::remove_all(dir_);
    EngineOptions options;
    options.data_dir = dir_;
    faults_.env = env_.get();
    options.store.faults = &faults_;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
    for (const char* person :
         {"admin", "can-bo.dai-son", "chu-tich.dai-son", "chu-tich.tay-yen-tu"}) {
      bool admin = std::string(person) == "admin";
      auto token = engine_->IssueToken(Actor::Embedder(), person, admin,
                                       absl::ZeroDuration(), "server_test");
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[person] = token->token;
    }
    ServerOptions server_options;
    server_options.listen = "127.0.0.1:0";
    auto server = Server::Start(engine_.get(), server_options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()),
        grpc::InsecureChannelCredentials());
    stub_ = v1::WorkflowService::NewStub(channel);
    diagnostics_ = v1::DiagnosticsService::NewStub(channel);
  }

  void TearDown() override {
    server_.reset();
    engine_.reset();
    env_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A call made with `person`'s token ("" sends none).
  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& person = "chu-tich.dai-son") {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!person.empty()) {
      std::string token =
          tokens_.count(person) ? tokens_[person] : "wft_" + person;
      context->AddMetadata("authorization", "Bearer " + token);
    }
    return context;
  }

  void Deploy(const std::string& file) {
    v1::DeployWorkflowRequest request;
    request.set_source(ReadTestdata(file));
    request.set_file_name(file);
    v1::DeployWorkflowResponse response;
    grpc::Status s = stub_->DeployWorkflow(Context("admin").get(), request,
                                           &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string Start() {
    v1::StartInstanceRequest request;
    request.set_workflow("phe_duyet");
    request.set_unit("07627");
    request.set_variables_json(R"({"don_vi":"UBND xã Đại Sơn"})");
    request.set_business_key("KH-07/2026");
    v1::StartInstanceResponse response;
    grpc::Status s = stub_->StartInstance(Context("can-bo.dai-son").get(),
                                          request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.instance().id();
  }

  grpc::Status Fire(const std::string& id, const std::string& event,
                    const std::string& payload = "",
                    v1::FireEventResponse* response = nullptr) {
    v1::FireEventRequest request;
    request.set_instance_id(id);
    request.set_event(event);
    request.set_payload_json(payload);
    v1::FireEventResponse ignored;
    return stub_->FireEvent(Context("chu-tich.dai-son").get(), request,
                            response != nullptr ? response : &ignored);
  }

  // Set before SetUp by a fixture that wants another disk.
  std::unique_ptr<rocksdb::Env> env_;
  StoreFaults faults_;
  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::WorkflowService::Stub> stub_;
  std::unique_ptr<v1::DiagnosticsService::Stub> diagnostics_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ServerTest, DrivesAWorkflowOverGrpc) {
  Deploy("phe_duyet.lua");
  std::string id = Start();
  ASSERT_EQ(id, "wi-000000000001");
  v1::FireEventResponse fired;
  ASSERT_TRUE(Fire(id, "trinh", R"({"noi_dung":"Kế hoạch 2026"})", &fired).ok());
  EXPECT_EQ(fired.instance().state(), "cho_duyet");
  EXPECT_EQ(fired.event().actor(), "chu-tich.dai-son");
  EXPECT_EQ(fired.event().actor_name(), "Trần Thị Bình");
  EXPECT_EQ(fired.event().actor_unit_name(), "Xã Đại Sơn");
  ASSERT_TRUE(Fire(id, "duyet", "", &fired).ok());
  EXPECT_TRUE(fired.instance().finished());

  v1::GetHistoryRequest history_request;
  history_request.set_instance_id(id);
  v1::GetHistoryResponse history;
  ASSERT_TRUE(stub_->GetHistory(Context().get(), history_request, &history).ok());
  ASSERT_EQ(history.events_size(), 3);
  EXPECT_EQ(history.events(0).actor(), "can-bo.dai-son");
  EXPECT_EQ(history.events(2).prev_hash(), history.events(1).hash());

  v1::ListInstancesRequest list_request;
  list_request.set_business_key("KH-07/2026");
  v1::ListInstancesResponse list;
  ASSERT_TRUE(stub_->ListInstances(Context().get(), list_request, &list).ok());
  ASSERT_EQ(list.instances_size(), 1);
  EXPECT_EQ(list.instances(0).state_title(), "Đã duyệt");
  EXPECT_EQ(list.instances(0).unit_name(), "Xã Đại Sơn");

  v1::VerifyInstanceRequest verify_request;
  verify_request.set_instance_id(id);
  v1::VerifyInstanceResponse verified;
  ASSERT_TRUE(
      stub_->VerifyInstance(Context().get(), verify_request, &verified).ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();

  v1::GetWorkflowRequest get_workflow;
  get_workflow.set_name("phe_duyet");
  v1::Workflow workflow;
  ASSERT_TRUE(stub_->GetWorkflow(Context().get(), get_workflow, &workflow).ok());
  EXPECT_EQ(workflow.version(), 1u);
  EXPECT_EQ(workflow.deployed_by(), "admin");
  EXPECT_FALSE(workflow.source().empty());
}

TEST_F(ServerTest, RefusalsCarryTheRightCodes) {
  Deploy("phe_duyet.lua");
  std::string id = Start();
  EXPECT_EQ(Fire("wi-000000000099", "trinh").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Fire(id, "duyet").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  grpc::Status guard = Fire(id, "trinh");
  EXPECT_EQ(guard.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(guard.error_message().find("Chưa có nội dung kế hoạch"),
            std::string::npos);
  EXPECT_EQ(Fire(id, "lap").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Fire(id, "trinh", "not json").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Bigger than the server's 4 MiB message limit: refused by gRPC itself.
  EXPECT_EQ(Fire(id, "trinh", std::string(5 << 20, ' ')).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  v1::DeployWorkflowRequest bad;
  bad.set_source("workflow \"x\" { initial = }");
  bad.set_file_name("x.lua");
  v1::DeployWorkflowResponse response;
  grpc::Status s = stub_->DeployWorkflow(Context("admin").get(), bad, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("x.lua:1:"), std::string::npos);

  v1::GetWorkflowRequest missing;
  missing.set_name("khong_co");
  v1::Workflow workflow;
  EXPECT_EQ(stub_->GetWorkflow(Context().get(), missing, &workflow).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::GetInstanceRequest get;
  get.set_instance_id(id);
  v1::Instance instance;
  ASSERT_TRUE(stub_->GetInstance(Context().get(), get, &instance).ok());
  EXPECT_EQ(instance.version(), 1u);
  EXPECT_EQ(instance.state(), "du_thao");
}

TEST_F(ServerTest, EveryCallNeedsAValidToken) {
  Deploy("phe_duyet.lua");
  std::string id = Start();
  v1::GetInstanceRequest get;
  get.set_instance_id(id);
  v1::Instance instance;
  grpc::Status none = stub_->GetInstance(Context("").get(), get, &instance);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(none.error_message().find("authorization: Bearer"),
            std::string::npos);
  EXPECT_EQ(stub_->GetInstance(Context("forged").get(), get, &instance)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Another commune's chairman cannot see it; a person cannot deploy.
  EXPECT_EQ(stub_->GetInstance(Context("chu-tich.tay-yen-tu").get(), get,
                               &instance)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::DeployWorkflowRequest deploy;
  deploy.set_source(ReadTestdata("dem.lua"));
  v1::DeployWorkflowResponse deployed;
  EXPECT_EQ(stub_->DeployWorkflow(Context("can-bo.dai-son").get(), deploy,
                                  &deployed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->GetInstance(Context("can-bo.dai-son").get(), get,
                                 &instance)
                  .ok());
}

TEST_F(ServerTest, PingIsANoOp) {
  v1::PingRequest request;
  v1::PingResponse response;
  EXPECT_TRUE(diagnostics_->Ping(Context().get(), request, &response).ok());
}

TEST_F(ServerTest, ShutdownLetsCallsInFlightFinish) {
  Deploy("dem.lua");
  v1::StartInstanceRequest start;
  start.set_workflow("dem");
  start.set_unit("07627");
  v1::StartInstanceResponse started;
  ASSERT_TRUE(stub_->StartInstance(Context().get(), start, &started).ok());
  const std::string id = started.instance().id();
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        grpc::Status s = Fire(id, "tang");
        if (s.ok()) {
          ok++;
        } else {
          refused++;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server_->Shutdown(absl::Seconds(5));
  for (auto& c : clients) c.join();
  // Everything acknowledged is in the store, and nothing else.
  auto instance = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(instance->version, 1u + ok.load());
  EXPECT_EQ(ok.load() + refused.load(), 200);
}

// A disk that starts failing: the refused write says why, reads go on, and
// the health service tells load balancers and probes to look elsewhere.
class FailingDiskTest : public ServerTest {
 protected:
  void SetUp() override {
    disk_ = std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
    env_ = rocksdb::NewCompositeEnv(disk_);
    ServerTest::SetUp();
    health_ = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        server_->address(), grpc::InsecureChannelCredentials()));
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus Health(
      const std::string& service) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status s = health_->Check(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.status();
  }

  std::shared_ptr<FaultyFileSystem> disk_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

TEST_F(FailingDiskTest, HealthTurnsNotServingWhenTheStoreRefusesWrites) {
  using Status = grpc::health::v1::HealthCheckResponse;
  Deploy("phe_duyet.lua");
  const std::string id = Start();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Health(""), Status::SERVING);
  EXPECT_EQ(Health("wf.v1.WorkflowService"), Status::SERVING);

  disk_->FailWalWrites(true);
  grpc::Status refused = Fire(id, "trinh", R"({"noi_dung":"Kế hoạch 2026"})");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(refused.error_message().find("refuses writes"), std::string::npos)
      << refused.error_message();

  // The watch polls every quarter second.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Health("") != Status::NOT_SERVING &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(Health(""), Status::NOT_SERVING);
  EXPECT_EQ(Health("wf.v1.WorkflowService"), Status::NOT_SERVING);
  EXPECT_EQ(Health("wf.v1.AdminService"), Status::NOT_SERVING);
  EXPECT_EQ(Health("wf.v1.DiagnosticsService"), Status::SERVING);

  // Reads still work, and show the state before the refused write.
  v1::GetInstanceRequest get;
  get.set_instance_id(id);
  v1::Instance got;
  ASSERT_TRUE(stub_->GetInstance(Context().get(), get, &got).ok());
  EXPECT_EQ(got.version(), 1u);
  disk_->FailWalWrites(false);
}

}  // namespace
}  // namespace wf
