// The lifecycle calls over gRPC, through the generated client: a write whose
// deadline passed before its commit writes nothing, CancelInstance,
// expected_state, starting on a version, unique business keys, empty ids,
// sealed page tokens, and pages of workflows and tokens.
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "engine/service/server.h"
#include "gtest/gtest.h"
#include "tests/test_directory.h"
#include "wf/engine.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {
namespace {

using Code = grpc::StatusCode;

// Its start counts to `n` (as slow as the caller wants); unique keys.
constexpr char kSlow[] = R"(
workflow "cham" {
  title = "Chậm",
  initial = "moi",
  unique_business_key = true,
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    local s = 0
    for i = 1, (ctx.vars.n or 0) do s = s + i end
  end,
}
state "moi"  { title = "Mới" }
state "xong" { title = "Xong", final = true }
transition "xong" { from = "moi", to = "xong" }
)";

class LifecycleServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("wf_lifecycle_server_test_", ::getpid()))
               .string();
    std::filesystem::remove_all(dir_);
    EngineOptions options;
    options.data_dir = dir_;
    options.limits.lua_instructions_per_call = 4'000'000'000;
    // The slow start must be slow, not refused: on a loaded machine the
    // count that took 400 ms alone can take over the default second.
    options.limits.lua_milliseconds_per_call = 60'000;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(testing::ImportTestDirectory(engine_.get()).ok());
    for (const char* person : {"admin", "can-bo.dai-son", "chu-tich.dai-son"}) {
      auto token = engine_->IssueToken(Actor::Embedder(), person,
                                       std::string(person) == "admin",
                                       absl::ZeroDuration(), person);
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[person] = token->token;
    }
    ASSERT_TRUE(engine_->Deploy({kSlow, "cham.lua", Actor::Embedder()}).ok());
    ServerOptions server_options;
    server_options.listen = "127.0.0.1:0";
    auto server = Server::Start(engine_.get(), server_options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()),
        grpc::InsecureChannelCredentials());
    stub_ = v1::WorkflowService::NewStub(channel);
    admin_ = v1::AdminService::NewStub(channel);
  }

  void TearDown() override {
    server_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& person = "can-bo.dai-son") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + tokens_[person]);
    return context;
  }

  grpc::Status Start(grpc::ClientContext* context, const std::string& key,
                     int64_t n = 0, v1::StartInstanceResponse* out = nullptr) {
    v1::StartInstanceRequest request;
    request.set_workflow("cham");
    request.set_unit("07627");
    request.set_business_key(key);
    (*request.mutable_variables()->mutable_fields())["n"].set_number_value(n);
    v1::StartInstanceResponse ignored;
    return stub_->StartInstance(context, request, out ? out : &ignored);
  }

  int Instances() {
    v1::ListInstancesRequest request;
    v1::ListInstancesResponse response;
    EXPECT_TRUE(stub_->ListInstances(Context().get(), request, &response).ok());
    return response.instances_size();
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::WorkflowService::Stub> stub_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(LifecycleServerTest, AStartPastItsDeadlineBeforeCommitWritesNothing) {
  // A count that takes the server at least 400 ms (measured, doubling).
  int64_t n = 10'000'000;
  absl::Duration took;
  for (int i = 0;; ++i) {
    const absl::Time began = absl::Now();
    const grpc::Status started = Start(Context().get(), absl::StrCat("do-", i), n);
    ASSERT_TRUE(started.ok()) << started.error_message();
    took = absl::Now() - began;
    if (took >= absl::Milliseconds(400) || i == 6) break;
    n *= 2;
  }
  ASSERT_GE(took, absl::Milliseconds(400));
  const int before = Instances();

  auto context = Context();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(100));
  EXPECT_EQ(Start(context.get(), "het-han", n).error_code(),
            Code::DEADLINE_EXCEEDED);
  // Wait for the server to finish the script and decide, then look.
  std::this_thread::sleep_for(absl::ToChronoMilliseconds(took * 3));
  EXPECT_EQ(Instances(), before);
  // The key was not taken either: the retry starts it.
  EXPECT_TRUE(Start(Context().get(), "het-han", 0).ok());
  EXPECT_EQ(Instances(), before + 1);
}

TEST_F(LifecycleServerTest, CancelInstanceOverGrpc) {
  v1::StartInstanceResponse started;
  ASSERT_TRUE(Start(Context().get(), "HS-1", 0, &started).ok());
  const std::string id = started.instance().id();
  EXPECT_EQ(Start(Context().get(), "HS-1").error_code(), Code::ALREADY_EXISTS);

  v1::CancelInstanceRequest cancel;
  cancel.set_instance_id(id);
  v1::CancelInstanceResponse cancelled;
  grpc::Status no_reason =
      stub_->CancelInstance(Context().get(), cancel, &cancelled);
  EXPECT_EQ(no_reason.error_code(), Code::INVALID_ARGUMENT);
  cancel.set_reason("Nộp nhầm");
  EXPECT_EQ(stub_->CancelInstance(Context("chu-tich.dai-son").get(), cancel,
                                  &cancelled)
                .error_code(),
            Code::PERMISSION_DENIED);
  grpc::Status s = stub_->CancelInstance(Context().get(), cancel, &cancelled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(cancelled.instance().cancelled());
  EXPECT_TRUE(cancelled.instance().finished());
  EXPECT_EQ(cancelled.instance().cancel_reason(), "Nộp nhầm");
  EXPECT_EQ(cancelled.event().event(), "wf.cancel");
  EXPECT_TRUE(Start(Context().get(), "HS-1").ok());  // the key is free again

  v1::VerifyInstanceRequest verify;
  verify.set_instance_id(id);
  v1::VerifyInstanceResponse verified;
  ASSERT_TRUE(stub_->VerifyInstance(Context().get(), verify, &verified).ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();
}

TEST_F(LifecycleServerTest, ExpectedStateAndVersionOverGrpc) {
  v1::StartInstanceResponse started;
  ASSERT_TRUE(Start(Context().get(), "", 0, &started).ok());
  v1::FireEventRequest fire;
  fire.set_instance_id(started.instance().id());
  fire.set_event("xong");
  fire.set_expected_state("xong");
  v1::FireEventResponse fired;
  grpc::Status s = stub_->FireEvent(Context().get(), fire, &fired);
  EXPECT_EQ(s.error_code(), Code::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("but it is in 'moi'"),
            std::string::npos);
  fire.set_expected_state("moi");
  EXPECT_TRUE(stub_->FireEvent(Context().get(), fire, &fired).ok());

  v1::StartInstanceRequest versioned;
  versioned.set_workflow("cham");
  versioned.set_unit("07627");
  versioned.set_workflow_version(7);
  s = stub_->StartInstance(Context().get(), versioned, &started);
  EXPECT_EQ(s.error_code(), Code::NOT_FOUND);
  EXPECT_NE(s.error_message().find("versions are 1 to 1"), std::string::npos);
}

TEST_F(LifecycleServerTest, EmptyInstanceIdsAreInvalidEverywhere) {
  v1::Instance instance;
  EXPECT_EQ(stub_->GetInstance(Context().get(), {}, &instance).error_code(),
            Code::INVALID_ARGUMENT);
  v1::GetHistoryResponse history;
  EXPECT_EQ(stub_->GetHistory(Context().get(), {}, &history).error_code(),
            Code::INVALID_ARGUMENT);
  v1::VerifyInstanceResponse verified;
  EXPECT_EQ(stub_->VerifyInstance(Context().get(), {}, &verified).error_code(),
            Code::INVALID_ARGUMENT);
  v1::FireEventRequest fire;
  fire.set_event("xong");
  v1::FireEventResponse fired;
  EXPECT_EQ(stub_->FireEvent(Context().get(), fire, &fired).error_code(),
            Code::INVALID_ARGUMENT);
  v1::CancelInstanceRequest cancel;
  cancel.set_reason("x");
  v1::CancelInstanceResponse cancelled;
  EXPECT_EQ(stub_->CancelInstance(Context().get(), cancel, &cancelled)
                .error_code(),
            Code::INVALID_ARGUMENT);
}

TEST_F(LifecycleServerTest, WorkflowsTokensAndHistoryPageWithSealedTokens) {
  for (const char* name : {"b", "c", "d"}) {
    std::string source = kSlow;
    source.replace(source.find("\"cham\""), 6, absl::StrCat("\"", name, "\""));
    ASSERT_TRUE(engine_->Deploy({source, "", Actor::Embedder()}).ok());
  }
  v1::ListWorkflowsRequest request;
  request.set_page_size(3);
  v1::ListWorkflowsResponse page;
  ASSERT_TRUE(stub_->ListWorkflows(Context().get(), request, &page).ok());
  ASSERT_EQ(page.workflows_size(), 3);
  EXPECT_EQ(page.workflows(0).name(), "b");
  ASSERT_FALSE(page.next_page_token().empty());
  // Not the readable base64 of the last name ("c" would be "Yw"): a
  // nonce, the sealed position and a tag.
  EXPECT_GE(page.next_page_token().size(), 38u);
  request.set_page_token(page.next_page_token());
  v1::ListWorkflowsResponse last;
  ASSERT_TRUE(stub_->ListWorkflows(Context().get(), request, &last).ok());
  ASSERT_EQ(last.workflows_size(), 1);
  EXPECT_EQ(last.workflows(0).name(), "d");
  EXPECT_TRUE(last.next_page_token().empty());
  request.set_page_token("ZA");  // base64 of "d": the readable kind
  EXPECT_EQ(stub_->ListWorkflows(Context().get(), request, &last).error_code(),
            Code::INVALID_ARGUMENT);
  request.set_page_size(1001);
  request.clear_page_token();
  EXPECT_EQ(stub_->ListWorkflows(Context().get(), request, &last).error_code(),
            Code::INVALID_ARGUMENT);

  v1::ListTokensRequest tokens;
  tokens.set_page_size(2);
  std::vector<std::string> ids;
  for (int pages = 0; pages < 5; ++pages) {
    v1::ListTokensResponse response;
    ASSERT_TRUE(
        admin_->ListTokens(Context("admin").get(), tokens, &response).ok());
    for (const auto& t : response.tokens()) ids.push_back(t.token_id());
    if (response.next_page_token().empty()) break;
    tokens.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(ids.size(), 3u);  // three tokens, two pages
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));

  v1::StartInstanceResponse started;
  ASSERT_TRUE(Start(Context().get(), "", 0, &started).ok());
  v1::GetHistoryRequest history;
  history.set_instance_id(started.instance().id());
  history.set_page_token("1");  // the old readable form
  v1::GetHistoryResponse events;
  EXPECT_EQ(stub_->GetHistory(Context().get(), history, &events).error_code(),
            Code::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace wf
