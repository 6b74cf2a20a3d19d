// The real gRPC server on a free loopback port, called through the generated
// client: what an integrator's program sees, codes and messages included.
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "engine/service/server.h"
#include "engine/service/status_map.h"
#include "engine/store/faulty_file_system.h"
#include "engine/util/refusal.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
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

// What a client finds in a refusal's grpc-status-details-bin trailer.
struct Details {
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad_request;
  google::rpc::PreconditionFailure precondition;
  std::string vietnamese;
  int error_infos = 0;
};

// Decodes the details of a non-OK status, checking what every refusal
// must have: a google.rpc.Status matching the call's own code and message,
// and exactly one ErrorInfo of domain "wf.engine" with a reason.
Details Decode(const grpc::Status& s) {
  Details d;
  EXPECT_FALSE(s.ok());
  google::rpc::Status status;
  EXPECT_TRUE(status.ParseFromString(s.error_details()))
      << "no details: " << s.error_message();
  EXPECT_EQ(status.code(), static_cast<int>(s.error_code()));
  EXPECT_EQ(status.message(), s.error_message());
  for (const auto& any : status.details()) {
    if (any.UnpackTo(&d.info)) {
      ++d.error_infos;
    } else if (any.UnpackTo(&d.bad_request) ||
               any.UnpackTo(&d.precondition)) {
    } else {
      google::rpc::LocalizedMessage localized;
      EXPECT_TRUE(any.UnpackTo(&localized)) << any.type_url();
      EXPECT_EQ(localized.locale(), "vi-VN");
      d.vietnamese = localized.message();
    }
  }
  EXPECT_EQ(d.error_infos, 1) << s.error_message();
  EXPECT_EQ(d.info.domain(), "wf.engine");
  EXPECT_FALSE(d.info.reason().empty());
  v1::ErrorReason declared;
  EXPECT_TRUE(v1::ErrorReason_Parse(d.info.reason(), &declared))
      << d.info.reason();
  return d;
}

std::string Meta(const Details& d, const std::string& key) {
  auto it = d.info.metadata().find(key);
  return it == d.info.metadata().end() ? "<none>" : it->second;
}

std::string FirstField(const Details& d) {
  if (d.bad_request.field_violations().empty()) return "<none>";
  return d.bad_request.field_violations(0).field();
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
    channel_ = grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()),
        grpc::InsecureChannelCredentials());
    stub_ = v1::WorkflowService::NewStub(channel_);
    diagnostics_ = v1::DiagnosticsService::NewStub(channel_);
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

  void Deploy(const std::string& file) { DeploySource(ReadTestdata(file), file); }

  void DeploySource(const std::string& source, const std::string& file) {
    v1::DeployWorkflowRequest request;
    request.set_source(source);
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
    (*request.mutable_variables()->mutable_fields())["don_vi"]
        .set_string_value("UBND xã Đại Sơn");
    request.set_business_key("KH-07/2026");
    v1::StartInstanceResponse response;
    grpc::Status s = stub_->StartInstance(Context("can-bo.dai-son").get(),
                                          request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.instance().id();
  }

  // `payload` is written as JSON for readability and sent as a Struct.
  grpc::Status Fire(const std::string& id, const std::string& event,
                    const std::string& payload = "",
                    v1::FireEventResponse* response = nullptr) {
    v1::FireEventRequest request;
    request.set_instance_id(id);
    request.set_event(event);
    if (!payload.empty()) {
      auto parsed = google::protobuf::util::JsonStringToMessage(
          payload, request.mutable_payload());
      EXPECT_TRUE(parsed.ok()) << parsed.ToString();
    }
    v1::FireEventResponse ignored;
    return stub_->FireEvent(Context("chu-tich.dai-son").get(), request,
                            response != nullptr ? response : &ignored);
  }

  // Sends `bytes` as the one request message of `method`
  // ("/wf.v1.WorkflowService/FireEvent") with `person`'s token, as a client
  // with a broken encoder would, and reads the answer to its end.
  grpc::Status SendRaw(const std::string& method, const std::string& bytes,
                       const std::string& person = "chu-tich.dai-son") {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue queue;
    auto context = Context(person);
    auto call = stub.PrepareCall(context.get(), method, &queue);
    void* tag = nullptr;
    bool ok = false;
    call->StartCall(&queue);
    queue.Next(&tag, &ok);
    grpc::Slice slice(bytes.data(), bytes.size());
    call->WriteLast(grpc::ByteBuffer(&slice, 1), grpc::WriteOptions(), &queue);
    queue.Next(&tag, &ok);
    grpc::ByteBuffer answer;
    do {
      call->Read(&answer, &queue);
      queue.Next(&tag, &ok);
    } while (ok);
    grpc::Status status;
    call->Finish(&status, &queue);
    queue.Next(&tag, &ok);
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status;
  }

  // Set before SetUp by a fixture that wants another disk.
  std::unique_ptr<rocksdb::Env> env_;
  StoreFaults faults_;
  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
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
  EXPECT_EQ(Fire(id, "trinh", R"({"so": 1e300})").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Bigger than the server's 4 MiB message limit: refused by gRPC itself.
  EXPECT_EQ(Fire(id, "trinh", absl::StrCat(R"({"x":")",
                                           std::string(5 << 20, ' '), "\"}"))
                .error_code(),
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

// Times are Timestamps holding exactly the engine's times; values are
// Structs and typed messages.
TEST_F(ServerTest, TimesAndValuesComeBackTyped) {
  using google::protobuf::util::TimeUtil;
  Deploy("phe_duyet.lua");
  std::string id = Start();
  v1::FireEventResponse fired;
  ASSERT_TRUE(Fire(id, "trinh", R"({"noi_dung":"Kế hoạch","so":3,"ti_le":0.5})",
                   &fired).ok());
  ASSERT_TRUE(Fire(id, "duyet", "", &fired).ok());

  auto engine_instance = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(engine_instance.ok());
  const v1::Instance& instance = fired.instance();
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(instance.created_at()),
            absl::ToUnixMicros(engine_instance->created_at));
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(instance.updated_at()),
            absl::ToUnixMicros(engine_instance->updated_at));
  EXPECT_GT(instance.updated_at().seconds(), 1700000000);
  EXPECT_EQ(instance.variables().fields().at("don_vi").string_value(),
            "UBND xã Đại Sơn");
  EXPECT_EQ(instance.variables().fields().at("lan_tra_lai").number_value(), 0);

  auto engine_history = engine_->GetHistory(id, Actor::Embedder(), 0, 10);
  ASSERT_TRUE(engine_history.ok());
  v1::GetHistoryRequest history_request;
  history_request.set_instance_id(id);
  v1::GetHistoryResponse history;
  ASSERT_TRUE(stub_->GetHistory(Context().get(), history_request, &history).ok());
  ASSERT_EQ(history.events_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(TimeUtil::TimestampToMicroseconds(history.events(i).at()),
              absl::ToUnixMicros((*engine_history)[i].at));
  }
  const v1::HistoryEvent& trinh = history.events(1);
  EXPECT_EQ(trinh.payload().fields().at("so").number_value(), 3);
  EXPECT_EQ(trinh.payload().fields().at("ti_le").number_value(), 0.5);
  EXPECT_EQ(trinh.changes().set().fields().at("noi_dung").string_value(),
            "Kế hoạch");
  const v1::HistoryEvent& duyet = history.events(2);
  ASSERT_EQ(duyet.effects_size(), 1);
  EXPECT_EQ(duyet.effects(0).kind(), "thong_bao");
  EXPECT_EQ(duyet.effects(0).data().fields().at("den").string_value(),
            "UBND xã Đại Sơn");

  auto engine_workflow = engine_->GetWorkflow("phe_duyet", 1);
  ASSERT_TRUE(engine_workflow.ok());
  v1::GetWorkflowRequest get_workflow;
  get_workflow.set_name("phe_duyet");
  v1::Workflow workflow;
  ASSERT_TRUE(stub_->GetWorkflow(Context().get(), get_workflow, &workflow).ok());
  EXPECT_EQ(TimeUtil::TimestampToMicroseconds(workflow.deployed_at()),
            absl::ToUnixMicros(engine_workflow->deployed_at));
}

// An integer a double cannot hold exactly is refused, naming the field, and
// changes nothing; one a workflow computes comes back as its digits.
TEST_F(ServerTest, IntegersBeyondTwoToThe53AreNeverRounded) {
  Deploy("phe_duyet.lua");
  std::string id = Start();
  // 2^53 + 1: JSON parsing gives the double 2^53, which is refused too.
  grpc::Status refused =
      Fire(id, "trinh", R"({"noi_dung":"x","so_tien":9007199254740993})");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("payload.so_tien"), std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("send it as a string"),
            std::string::npos);
  auto after = engine_->GetInstance(id, Actor::Embedder());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->version, 1u);
  EXPECT_EQ(after->state, "du_thao");

  v1::StartInstanceRequest start;
  start.set_workflow("phe_duyet");
  start.set_unit("07627");
  (*start.mutable_variables()->mutable_fields())["don_vi"].set_string_value("x");
  (*start.mutable_variables()->mutable_fields())["so"].set_number_value(-1e17);
  v1::StartInstanceResponse started;
  grpc::Status start_refused = stub_->StartInstance(
      Context("can-bo.dai-son").get(), start, &started);
  EXPECT_EQ(start_refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(start_refused.error_message().find("variables.so"),
            std::string::npos) << start_refused.error_message();
  v1::ListInstancesRequest list_request;
  v1::ListInstancesResponse list;
  ASSERT_TRUE(stub_->ListInstances(Context().get(), list_request, &list).ok());
  EXPECT_EQ(list.instances_size(), 1);

  DeploySource(R"(workflow "lon" { initial = "a", who = { role = "*", unit = "same_unit" },
  start = function(ctx) ctx.vars.lon = 1 << 60; ctx.vars.vua = (1 << 53) - 1 end }
state "a" {}
state "b" { final = true }
transition "xong" { from = "a", to = "b" }
)", "lon.lua");
  v1::StartInstanceRequest lon;
  lon.set_workflow("lon");
  lon.set_unit("07627");
  ASSERT_TRUE(stub_->StartInstance(Context("can-bo.dai-son").get(), lon,
                                   &started).ok());
  const auto& vars = started.instance().variables().fields();
  EXPECT_EQ(vars.at("lon").string_value(), "1152921504606846976");
  EXPECT_EQ(vars.at("vua").number_value(), 9007199254740991.0);
}

// A list screen's workflow: a document with a subject line (trích yếu) when
// started with one, a deadline in its first state, and variables to leave out.
constexpr char kVanBan[] = R"(workflow "van_ban" {
  title = "Văn bản", initial = "soan",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.ghi_chu = "ghi chú nội bộ"
    if ctx.vars.trich_yeu then
      ctx.document.set{ trich_yeu = ctx.vars.trich_yeu }
    end
  end,
}
state "soan" { title = "Soạn thảo", deadline = { minutes = 600, fire = "qua_han" } }
state "xong" { title = "Hoàn thành", final = true }
transition "gui" { title = "Gửi đi", from = "soan", to = "xong" }
transition "qua_han" { from = "soan", to = "xong", who = "system" }
)";

class ViewsTest : public ServerTest {
 protected:
  // Starts a "van_ban" with `trich_yeu` ("" for none); its id.
  std::string StartVanBan(const std::string& business_key,
                          const std::string& trich_yeu) {
    v1::StartInstanceRequest request;
    request.set_workflow("van_ban");
    request.set_unit("07627");
    request.set_business_key(business_key);
    if (!trich_yeu.empty()) {
      (*request.mutable_variables()->mutable_fields())["trich_yeu"]
          .set_string_value(trich_yeu);
    }
    v1::StartInstanceResponse response;
    grpc::Status s = stub_->StartInstance(Context("can-bo.dai-son").get(),
                                          request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.instance().id();
  }

  v1::GetInboxResponse Inbox(v1::InstanceView view) {
    v1::GetInboxRequest request;
    request.set_view(view);
    v1::GetInboxResponse response;
    grpc::Status s = stub_->GetInbox(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  v1::ListInstancesResponse List(v1::InstanceView view) {
    v1::ListInstancesRequest request;
    request.set_workflow("van_ban");
    request.set_view(view);
    v1::ListInstancesResponse response;
    grpc::Status s = stub_->ListInstances(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  v1::Instance Get(const std::string& id) {
    v1::GetInstanceRequest request;
    request.set_instance_id(id);
    v1::Instance instance;
    grpc::Status s = stub_->GetInstance(Context().get(), request, &instance);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return instance;
  }

  // What a list screen shows of one instance, and nothing of its variables.
  void ExpectListFields(const v1::Instance& i, const std::string& title) {
    EXPECT_FALSE(i.has_variables()) << i.id();
    EXPECT_EQ(i.title(), title);
    EXPECT_EQ(i.workflow(), "van_ban");
    EXPECT_EQ(i.workflow_version(), 1u);
    EXPECT_EQ(i.state(), "soan");
    EXPECT_EQ(i.state_title(), "Soạn thảo");
    EXPECT_EQ(i.unit(), "07627");
    EXPECT_EQ(i.unit_name(), "Xã Đại Sơn");
    EXPECT_EQ(i.version(), 1u);
    EXPECT_EQ(i.created_by(), "can-bo.dai-son");
    EXPECT_TRUE(i.has_created_at());
    EXPECT_TRUE(i.has_updated_at());
    ASSERT_EQ(i.clocks_size(), 1);
    EXPECT_TRUE(i.clocks(0).has_due());
    EXPECT_FALSE(i.finished());
  }

  static constexpr char kTrichYeu[] =
      "Kế hoạch phòng, chống thiên tai năm 2026";
};

TEST_F(ViewsTest, ListsAnswerListFieldsWithoutVariablesByDefault) {
  DeploySource(kVanBan, "van_ban.lua");
  const std::string with_subject = StartVanBan("VB-1", kTrichYeu);
  const std::string without = StartVanBan("VB-2", "");
  const std::map<std::string, std::string> titles = {
      {with_subject, kTrichYeu}, {without, "Soạn thảo"}};

  v1::GetInboxResponse inbox = Inbox(v1::INSTANCE_VIEW_UNSPECIFIED);
  ASSERT_EQ(inbox.items_size(), 2);
  for (const v1::InboxItem& item : inbox.items()) {
    ASSERT_TRUE(titles.count(item.instance().id())) << item.instance().id();
    ExpectListFields(item.instance(), titles.at(item.instance().id()));
    EXPECT_EQ(item.due(), item.instance().clocks(0).due());
    ASSERT_EQ(item.events_size(), 1);
    EXPECT_EQ(item.events(0).event(), "gui");
    EXPECT_EQ(item.events(0).title(), "Gửi đi");
  }

  v1::ListInstancesResponse list = List(v1::INSTANCE_VIEW_BASIC);
  ASSERT_EQ(list.instances_size(), 2);
  for (const v1::Instance& i : list.instances()) {
    ASSERT_TRUE(titles.count(i.id())) << i.id();
    ExpectListFields(i, titles.at(i.id()));
  }
  EXPECT_EQ(list.instances(0).business_key(), "VB-1");
  EXPECT_EQ(list.instances(1).business_key(), "VB-2");
}

TEST_F(ViewsTest, TheFullViewEqualsGetInstance) {
  DeploySource(kVanBan, "van_ban.lua");
  StartVanBan("VB-1", kTrichYeu);
  StartVanBan("VB-2", "");
  const v1::GetInboxResponse inbox = Inbox(v1::INSTANCE_VIEW_FULL);
  const v1::ListInstancesResponse list = List(v1::INSTANCE_VIEW_FULL);
  std::vector<v1::Instance> listed;
  for (const v1::InboxItem& item : inbox.items()) {
    listed.push_back(item.instance());
  }
  listed.insert(listed.end(), list.instances().begin(), list.instances().end());
  ASSERT_EQ(listed.size(), 4u);
  for (const v1::Instance& i : listed) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(i, Get(i.id())))
        << i.DebugString();
    EXPECT_EQ(i.variables().fields().at("ghi_chu").string_value(),
              "ghi chú nội bộ");
  }
  // GetInstance carries the display title too.
  EXPECT_EQ(Get(listed[0].id()).title(), listed[0].title());
}

TEST_F(ViewsTest, AnUnknownViewIsRefused) {
  DeploySource(kVanBan, "van_ban.lua");
  v1::GetInboxRequest inbox;
  inbox.set_view(static_cast<v1::InstanceView>(7));
  v1::GetInboxResponse inbox_response;
  grpc::Status refused =
      stub_->GetInbox(Context().get(), inbox, &inbox_response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("Expected `view`"), std::string::npos)
      << refused.error_message();
  v1::ListInstancesRequest list;
  list.set_view(static_cast<v1::InstanceView>(-1));
  v1::ListInstancesResponse list_response;
  EXPECT_EQ(stub_->ListInstances(Context().get(), list, &list_response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
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

TEST_F(ServerTest, RefusalsOfFireCarryReasonsAndMetadata) {
  Deploy("phe_duyet.lua");
  const std::string id = Start();

  Details d = Decode(Fire("wi-000000000099", "trinh"));
  EXPECT_EQ(d.info.reason(), "INSTANCE_NOT_FOUND");
  EXPECT_EQ(Meta(d, "instance_id"), "wi-000000000099");
  EXPECT_EQ(d.vietnamese, "Không tìm thấy hồ sơ «wi-000000000099».");

  d = Decode(Fire(id, "duyet"));
  EXPECT_EQ(d.info.reason(), "EVENT_NOT_ALLOWED");
  EXPECT_EQ(Meta(d, "state"), "du_thao");
  EXPECT_EQ(Meta(d, "allowed_events"), "trinh,boc_tham,loi,lap,bom,phong_to");
  ASSERT_EQ(d.precondition.violations_size(), 1);
  EXPECT_EQ(d.precondition.violations(0).type(), "EVENT_NOT_ALLOWED");
  EXPECT_EQ(d.precondition.violations(0).subject(), "instance/" + id);
  EXPECT_NE(d.vietnamese.find("«Dự thảo»"), std::string::npos) << d.vietnamese;

  d = Decode(Fire(id, "trinh"));
  EXPECT_EQ(d.info.reason(), "GUARD_REFUSED");
  EXPECT_EQ(Meta(d, "event"), "trinh");
  EXPECT_EQ(d.vietnamese, "Chưa có nội dung kế hoạch");

  d = Decode(Fire(id, "khong_co"));
  EXPECT_EQ(d.info.reason(), "EVENT_UNKNOWN");
  EXPECT_EQ(FirstField(d), "event");
  EXPECT_EQ(d.vietnamese, "Quy trình không có thao tác «khong_co».");

  d = Decode(Fire(id, "loi"));
  EXPECT_EQ(d.info.reason(), "SCRIPT_FAILED");

  d = Decode(Fire(id, "lap"));
  EXPECT_EQ(d.info.reason(), "BUDGET_EXCEEDED");
  EXPECT_EQ(Meta(d, "budget").rfind("lua_", 0), 0u) << Meta(d, "budget");
  EXPECT_FALSE(d.vietnamese.empty());

  d = Decode(Fire(id, "trinh", R"({"ho_so": {"so": 1e300}})"));
  EXPECT_EQ(d.info.reason(), "INVALID_FIELD");
  EXPECT_EQ(FirstField(d), "payload.ho_so.so");
  EXPECT_EQ(Decode(Fire(id, "trinh",
                        absl::StrCat(R"({"x": ")", std::string(100 << 10, 'a'),
                                     R"("})")))
                .info.reason(),
            "PAYLOAD_TOO_LARGE");
  d = Decode(Fire("", "trinh"));
  EXPECT_EQ(d.info.reason(), "FIELD_REQUIRED");
  EXPECT_EQ(FirstField(d), "instance_id");

  v1::FireEventRequest stale;
  stale.set_instance_id(id);
  stale.set_event("boc_tham");
  stale.set_expected_version(7);
  v1::FireEventResponse fired;
  d = Decode(stub_->FireEvent(Context().get(), stale, &fired));
  EXPECT_EQ(d.info.reason(), "VERSION_MISMATCH");
  EXPECT_EQ(Meta(d, "expected_version"), "7");
  EXPECT_EQ(Meta(d, "current_version"), "1");
  EXPECT_EQ(d.precondition.violations(0).type(), "VERSION_MISMATCH");

  stale.set_expected_version(0);
  stale.set_idempotency_key("k-1");
  ASSERT_TRUE(stub_->FireEvent(Context().get(), stale, &fired).ok());
  (*stale.mutable_payload()->mutable_fields())["khac"].set_number_value(1);
  d = Decode(stub_->FireEvent(Context().get(), stale, &fired));
  EXPECT_EQ(d.info.reason(), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(Meta(d, "idempotency_key"), "k-1");
  EXPECT_NE(d.vietnamese.find("đã được dùng cho một thao tác khác"),
            std::string::npos)
      << d.vietnamese;

  ASSERT_TRUE(Fire(id, "trinh", R"({"noi_dung":"Kế hoạch"})").ok());
  d = Decode(Fire(id, "tra_lai"));
  EXPECT_EQ(d.info.reason(), "FIELD_REQUIRED");
  EXPECT_EQ(FirstField(d), "payload.ly_do");
  ASSERT_TRUE(Fire(id, "duyet").ok());
  d = Decode(Fire(id, "duyet"));
  EXPECT_EQ(d.info.reason(), "INSTANCE_FINISHED");
  EXPECT_EQ(Meta(d, "state"), "da_duyet");
  EXPECT_NE(d.vietnamese.find("«Đã duyệt»"), std::string::npos);
}

TEST_F(ServerTest, RefusalsOfOtherCallsCarryReasons) {
  Deploy("phe_duyet.lua");
  Deploy("duyet_chu_tich.lua");
  v1::StartInstanceRequest start;
  start.set_workflow("duyet_chu_tich");
  start.set_unit("07627");
  v1::StartInstanceResponse started;
  ASSERT_TRUE(stub_->StartInstance(Context("can-bo.dai-son").get(), start,
                                   &started)
                  .ok());
  v1::FireEventRequest approve;
  approve.set_instance_id(started.instance().id());
  approve.set_event("duyet");
  v1::FireEventResponse fired;
  Details d = Decode(
      stub_->FireEvent(Context("can-bo.dai-son").get(), approve, &fired));
  EXPECT_EQ(d.info.reason(), "ROLE_REQUIRED");
  EXPECT_EQ(Meta(d, "role"), "chu_tich");
  EXPECT_EQ(Meta(d, "relation"), "same_unit");
  EXPECT_EQ(Meta(d, "unit"), "07627");
  EXPECT_EQ(Meta(d, "person"), "can-bo.dai-son");
  EXPECT_FALSE(d.vietnamese.empty());
  // English message, Vietnamese beside it.
  EXPECT_EQ(d.vietnamese.find("Expected"), std::string::npos);

  start.set_unit("99999");
  d = Decode(stub_->StartInstance(Context("can-bo.dai-son").get(), start,
                                  &started));
  EXPECT_EQ(d.info.reason(), "UNIT_NOT_FOUND");
  EXPECT_EQ(Meta(d, "unit"), "99999");
  start.set_workflow("khong_co");
  d = Decode(stub_->StartInstance(Context("can-bo.dai-son").get(), start,
                                  &started));
  EXPECT_EQ(d.info.reason(), "WORKFLOW_NOT_FOUND");
  EXPECT_EQ(Meta(d, "workflow"), "khong_co");

  v1::DeployWorkflowRequest bad;
  bad.set_source("workflow \"x\" { initial = }");
  bad.set_file_name("x.lua");
  v1::DeployWorkflowResponse deployed;
  d = Decode(stub_->DeployWorkflow(Context("admin").get(), bad, &deployed));
  EXPECT_EQ(d.info.reason(), "DEFINITION_INVALID");
  EXPECT_EQ(Meta(d, "file_name"), "x.lua");
  d = Decode(
      stub_->DeployWorkflow(Context("can-bo.dai-son").get(), bad, &deployed));
  EXPECT_EQ(d.info.reason(), "ADMIN_REQUIRED");

  v1::GetHistoryRequest history;
  history.set_instance_id("wi-000000000001");
  history.set_page_token("not-a-token");
  v1::GetHistoryResponse page;
  d = Decode(stub_->GetHistory(Context().get(), history, &page));
  EXPECT_EQ(d.info.reason(), "INVALID_FIELD");
  EXPECT_EQ(FirstField(d), "page_token");
}

// `request` as a client sends it, with `placeholder` (five bytes) swapped
// for "Phòng" in Windows-1258, text that is not UTF-8.
std::string WithLegacyText(const google::protobuf::Message& request,
                           const std::string& placeholder = "XXXXX") {
  std::string bytes = request.SerializeAsString();
  bytes.replace(bytes.find(placeholder), placeholder.size(), "Ph\xF2ng");
  return bytes;
}

// A client that sends Vietnamese in TCVN3 or VNI, or whose encoder is
// broken: its request does not decode. gRPC alone answers UNIMPLEMENTED
// with no message before any handler runs; the answer says what is wrong,
// for unary and streaming methods alike, and nothing is written.
TEST_F(ServerTest, RequestsThatDoNotDecodeAreRefusedWithWords) {
  Deploy("phe_duyet.lua");
  const std::string id = Start();
  v1::GetInstanceRequest get;
  get.set_instance_id(id);
  v1::Instance before;
  ASSERT_TRUE(stub_->GetInstance(Context().get(), get, &before).ok());

  v1::FireEventRequest fire;
  fire.set_instance_id(id);
  fire.set_event("trinh");
  (*fire.mutable_payload()->mutable_fields())["noi_dung"].set_string_value(
      "XXXXX");
  grpc::Status s =
      SendRaw("/wf.v1.WorkflowService/FireEvent", WithLegacyText(fire));
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  Details d = Decode(s);
  EXPECT_EQ(d.info.reason(), "INVALID_FIELD");
  EXPECT_EQ(FirstField(d), "payload.fields[\"noi_dung\"].string_value");
  EXPECT_NE(d.vietnamese.find("UTF-8"), std::string::npos);
  v1::Instance after;
  ASSERT_TRUE(stub_->GetInstance(Context().get(), get, &after).ok());
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(after.state(), before.state());

  s = SendRaw("/wf.v1.WorkflowService/GetInstance", "\x0a\x05\xff\xff\xff");
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("wf.v1.GetInstanceRequest"),
            std::string::npos);
  EXPECT_EQ(Decode(s).info.reason(), "INVALID_FIELD");

  // GetInbox decodes its own request; the words are the same.
  v1::GetInboxRequest inbox;
  inbox.set_page_token("XXXXX");
  s = SendRaw("/wf.v1.WorkflowService/GetInbox", WithLegacyText(inbox));
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FirstField(Decode(s)), "page_token");

  // A server stream, and a client stream's first message.
  v1::WatchRequest watch;
  watch.set_cursor("XXXXX");
  s = SendRaw("/wf.v1.FeedService/Watch", WithLegacyText(watch), "admin");
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FirstField(Decode(s)), "cursor");
  v1::UploadFileRequest upload;
  upload.mutable_header()->set_instance_id(id);
  upload.mutable_header()->set_slot("XXXXX");
  s = SendRaw("/wf.v1.FileService/UploadFile", WithLegacyText(upload));
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FirstField(Decode(s)), "header.slot");
}

TEST_F(ServerTest, UnauthenticatedSaysWhatIsWrongWithTheToken) {
  v1::GetInstanceRequest get;
  get.set_instance_id("wi-000000000001");
  v1::Instance instance;
  Details d = Decode(stub_->GetInstance(Context("").get(), get, &instance));
  EXPECT_EQ(d.info.reason(), "UNAUTHENTICATED");
  EXPECT_EQ(Meta(d, "problem"), "missing");
  d = Decode(stub_->GetInstance(Context("forged").get(), get, &instance));
  EXPECT_EQ(Meta(d, "problem"), "unknown");

  // The token alone, without the "Bearer " scheme: told so.
  grpc::ClientContext bare;
  bare.AddMetadata("authorization", tokens_["chu-tich.dai-son"]);
  grpc::Status s = stub_->GetInstance(&bare, get, &instance);
  d = Decode(s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Meta(d, "problem"), "not_bearer");
  EXPECT_NE(s.error_message().find("does not start with \"Bearer \""),
            std::string::npos)
      << s.error_message();
}

TEST(StatusMapTest, EveryReasonTheEngineGivesIsDeclaredInTheProto) {
  for (const std::string& reason : AllReasons()) {
    v1::ErrorReason declared;
    EXPECT_TRUE(v1::ErrorReason_Parse(reason, &declared)) << reason;
  }
  for (int code = 1; code <= 16; ++code) {
    v1::ErrorReason declared;
    EXPECT_TRUE(v1::ErrorReason_Parse(
        GenericReason(static_cast<absl::StatusCode>(code)), &declared))
        << code;
  }
}

TEST(StatusMapTest, AStatusWithoutARefusalGetsTheGenericReason) {
  google::rpc::Status rpc = ToRpcStatus(absl::OutOfRangeError("x"));
  ASSERT_EQ(rpc.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(rpc.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "OTHER_OUT_OF_RANGE");
  EXPECT_EQ(info.domain(), "wf.engine");
  // A reason the proto does not declare is not sent as such.
  rpc = ToRpcStatus(Refusal(absl::NotFoundError("x"), "NO_SUCH_REASON"));
  ASSERT_TRUE(rpc.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "OTHER_NOT_FOUND");
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_details(), "");
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
  EXPECT_EQ(Decode(refused).info.reason(), "STORE_UNAVAILABLE");
  // The store's own text (RocksDB's) stays in the server's log.
  EXPECT_EQ(refused.error_message().find("IO error"), std::string::npos)
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

// AdminService.VerifyAll over gRPC: progress, then one summary, then OK;
// refused to a person and to no one, before anything is streamed.
TEST_F(ServerTest, VerifyAllStreamsProgressThenASummary) {
  Deploy("phe_duyet.lua");
  for (int i = 0; i < 3; ++i) Start();
  auto admin = v1::AdminService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server_->port()),
      grpc::InsecureChannelCredentials()));
  auto read_all = [&](const std::string& person,
                      std::vector<v1::VerifyAllUpdate>* updates) {
    auto context = Context(person);
    auto reader = admin->VerifyAll(context.get(), v1::VerifyAllRequest());
    v1::VerifyAllUpdate update;
    while (reader->Read(&update)) updates->push_back(update);
    return reader->Finish();
  };
  std::vector<v1::VerifyAllUpdate> updates;
  grpc::Status s = read_all("admin", &updates);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(updates.size(), 2u);
  const v1::VerifyAllUpdate& last = updates.back();
  ASSERT_TRUE(last.has_summary());
  EXPECT_EQ(last.summary().total(), 3u);
  EXPECT_EQ(last.summary().verified(), 3u);
  EXPECT_EQ(last.summary().failed(), 0u);
  const v1::VerifyAllUpdate& before = updates[updates.size() - 2];
  ASSERT_TRUE(before.has_progress());
  EXPECT_EQ(before.progress().done(), 3u);
  EXPECT_EQ(before.progress().total(), 3u);
  for (const v1::VerifyAllUpdate& u : updates) EXPECT_FALSE(u.has_failure());

  std::vector<v1::VerifyAllUpdate> none;
  EXPECT_EQ(read_all("can-bo.dai-son", &none).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(read_all("", &none).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace wf
