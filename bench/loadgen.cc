// Copyright the wf-engine authors. Apache-2.0.
//
// Load generator: many requests in flight over gRPC (callback API), closed
// loop. Each lane is one in-flight request at a time:
//   --mode=approval  start an instance of phe_duyet_5_buoc with ~2 KB of
//                    variables, fire its five approval steps, then the next
//                    instance; after every write, --reads_per_write inbox
//                    queries as the lane's person
//   --mode=ping      the no-op DiagnosticsService.Ping: the transport floor
//   --mode=issue     start a document of ban_hanh_bench (bench/workflows),
//                    sign it ("ky") and issue it ("ban_hanh"), which takes
//                    the next number of its register in the same write; lane
//                    i issues into register i mod --registers, so with
//                    --registers=1 every issuance conditions on one counter.
//                    Prints issued documents/s beside transitions/s.
//   --mode=campaign  the real plan workflow (workflows/nop_ke_hoach.lua on a
//                    province plugin): each lane owns one unit's document,
//                    already issued to it with its file attached, and
//                    cycles trinh_duyet (the unit's officer), phe_duyet_va_gui
//                    (its head), tra_lai (the standing agency, with a
//                    reason); --people lines are "instance officer_token
//                    head_token receiver_token" (bench/campaign_load.py)
// Prints throughput and p50/p99/p999 latencies, as text and as one JSON line
// (the last line), for bench/run_bench.py to tabulate.
//
//   loadgen --target=127.0.0.1:50051 --people=people.txt --concurrency=64 \
//           --duration_s=20 --mode=approval --reads_per_write=10
// people.txt: one "token unit" per line; lane i acts as line i mod n.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "wf/v1/workflow.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "server address");
ABSL_FLAG(std::string, people, "", "file of 'token unit' lines");
ABSL_FLAG(int, concurrency, 64, "requests in flight (lanes)");
ABSL_FLAG(int, duration_s, 20, "measured seconds");
ABSL_FLAG(int, warmup_s, 3, "seconds before measuring");
ABSL_FLAG(std::string, mode, "approval",
          "approval, ping, inbox (reads only), issue (documents drafted, signed "
          "and numbered) or burst (--count starts at once)");
ABSL_FLAG(int, count, 3321, "burst: how many instances to start at once");
ABSL_FLAG(int, reads_per_write, 10, "inbox queries after each write");
ABSL_FLAG(int, vars_bytes, 2048, "size of an instance's start variables");
ABSL_FLAG(std::string, write_view, "",
          "the view writes ask for (StartInstance, FireEvent): \"\" (unset: "
          "the full instance, as a client that sets nothing gets), full or "
          "basic (no variables back)");
ABSL_FLAG(int, channels, 2, "gRPC channels to spread the lanes over");
ABSL_FLAG(int, registers, 1,
          "issue: how many registers the lanes issue into (lane i: i mod n)");
ABSL_FLAG(std::string, register_prefix, "bench-so-",
          "issue: register keys are this prefix and the register's index");

namespace {

// The view the writes ask for (--write_view).
wf::v1::InstanceView WriteView() {
  const std::string view = absl::GetFlag(FLAGS_write_view);
  return view == "basic"  ? wf::v1::INSTANCE_VIEW_BASIC
         : view == "full" ? wf::v1::INSTANCE_VIEW_FULL
                          : wf::v1::INSTANCE_VIEW_UNSPECIFIED;
}

using Clock = std::chrono::steady_clock;
using wf::v1::WorkflowService;

struct Person {
  std::string token;
  std::string unit;
  // campaign mode: the lane's document and the tokens of its head and of
  // the receiving officer (`token` is the unit's officer).
  std::string instance;
  std::string head_token;
  std::string receiver_token;
};

// Samples of one kind of call, in microseconds.
struct Samples {
  std::vector<double> micros;
  uint64_t errors = 0;
  std::string last_error;
};

struct Shared {
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<int> idle_lanes{0};
  std::atomic<uint64_t> instances_done{0};
};

google::protobuf::Struct StartVariables(size_t bytes, int lane) {
  // Vietnamese text, as a plan's summary would be.
  std::string text;
  const std::string piece =
      "Tăng cường công tác phòng, chống tội phạm, tệ nạn xã hội và xây dựng "
      "phong trào toàn dân bảo vệ an ninh Tổ quốc. ";
  while (text.size() + piece.size() < bytes) text += piece;
  google::protobuf::Struct vars;
  (*vars.mutable_fields())["don_vi"].set_string_value(
      absl::StrCat("Đơn vị ", lane));
  (*vars.mutable_fields())["noi_dung"].set_string_value(text);
  return vars;
}

// issue mode: the document's start variables (ban_hanh_bench.lua): the
// issuing unit, the register, a summary and the same ~2 KB of text.
google::protobuf::Struct IssueVariables(size_t bytes, int lane,
                                        const std::string& unit) {
  google::protobuf::Struct vars = StartVariables(bytes, lane);
  const int registers = std::max(1, absl::GetFlag(FLAGS_registers));
  (*vars.mutable_fields())["co_quan"].set_string_value(unit);
  (*vars.mutable_fields())["so"].set_string_value(absl::StrCat(
      absl::GetFlag(FLAGS_register_prefix), lane % registers));
  (*vars.mutable_fields())["trich_yeu"].set_string_value(
      "Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026");
  return vars;
}

bool IssueMode() { return absl::GetFlag(FLAGS_mode) == "issue"; }
bool CampaignMode() { return absl::GetFlag(FLAGS_mode) == "campaign"; }

class Lane {
 public:
  Lane(int index, WorkflowService::Stub* stub,
       wf::v1::DiagnosticsService::Stub* diagnostics, Person person,
       Shared* shared)
      : index_(index), stub_(stub), diagnostics_(diagnostics),
        person_(std::move(person)), shared_(shared),
        vars_(IssueMode() ? IssueVariables(absl::GetFlag(FLAGS_vars_bytes),
                                           index, person_.unit)
                          : StartVariables(absl::GetFlag(FLAGS_vars_bytes),
                                           index)) {}

  // issue mode: the unit the lane's documents are sent to.
  void SetRecipient(std::string unit) { recipient_ = std::move(unit); }

  void Run() { Next(); }

  Samples writes, reads, pings;
  Samples issues;  // issue mode: the numbering steps alone (also in writes)
  uint64_t instances = 0;

  template <typename Response>
  // The answer is parsed on an arena, as a C++ client that reads many
  // small messages should: one block for an inbox page's ~300 parts.
  struct Call {
    grpc::ClientContext context;
    google::protobuf::Arena arena;
    Response& response =
        *google::protobuf::Arena::CreateMessage<Response>(&arena);
    Clock::time_point started = Clock::now();
  };

  void Authorize(grpc::ClientContext* context) {
    AuthorizeAs(context, person_.token);
  }
  static void AuthorizeAs(grpc::ClientContext* context, const std::string& token) {
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  }

  void Record(Samples* samples, Clock::time_point started,
              const grpc::Status& status) {
    if (!shared_->measuring.load()) return;
    if (!status.ok()) {
      samples->errors++;
      samples->last_error = status.error_message();
      return;
    }
    samples->micros.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - started)
            .count());
  }

  // The lane's loop: one call at a time, each issued from the previous
  // one's callback.
  void Next() {
    if (shared_->stop.load()) {
      shared_->idle_lanes++;
      return;
    }
    if (absl::GetFlag(FLAGS_mode) == "ping") return Ping();
    if (absl::GetFlag(FLAGS_mode) == "inbox") return Read();
    if (CampaignMode()) return Submit();
    if (reads_left_ > 0) {
      reads_left_--;
      return Read();
    }
    if (instance_.empty()) return Start();
    return Approve();
  }

  void Ping() {
    auto* call = new Call<wf::v1::PingResponse>();
    wf::v1::PingRequest request;
    diagnostics_->async()->Ping(&call->context, &request, &call->response,
                                [this, call](grpc::Status s) {
                                  Record(&pings, call->started, s);
                                  delete call;
                                  Next();
                                });
  }

  // Burst mode: one start, then the lane is done.
 public:
  void StartOnce(std::atomic<int>* left) {
    auto* call = new Call<wf::v1::StartInstanceResponse>();
    Authorize(&call->context);
    wf::v1::StartInstanceRequest request;
    request.set_workflow("phe_duyet_5_buoc");
    request.set_unit(person_.unit);
    *request.mutable_variables() = vars_;
    request.set_view(WriteView());
    stub_->async()->StartInstance(&call->context, &request, &call->response,
                                  [this, call, left](grpc::Status s) {
                                    shared_->measuring = true;
                                    Record(&writes, call->started, s);
                                    delete call;
                                    (*left)--;
                                  });
  }

 private:
  void Start() {
    auto* call = new Call<wf::v1::StartInstanceResponse>();
    Authorize(&call->context);
    wf::v1::StartInstanceRequest request;
    request.set_workflow(IssueMode() ? "ban_hanh_bench" : "phe_duyet_5_buoc");
    request.set_unit(person_.unit);
    *request.mutable_variables() = vars_;
    request.set_business_key(absl::StrCat("BENCH-", index_, "-", serial_++));
    request.set_view(WriteView());
    stub_->async()->StartInstance(
        &call->context, &request, &call->response,
        [this, call](grpc::Status s) {
          Record(&writes, call->started, s);
          if (s.ok()) {
            instance_ = call->response.instance().id();
            step_ = 0;
          }
          delete call;
          reads_left_ = absl::GetFlag(FLAGS_reads_per_write);
          Next();
        });
  }

  void Approve() {
    auto* call = new Call<wf::v1::FireEventResponse>();
    Authorize(&call->context);
    wf::v1::FireEventRequest request;
    request.set_instance_id(instance_);
    request.set_view(WriteView());
    // issue mode: sign, then issue (the step that takes the number).
    const bool issuing = IssueMode() && step_ == 1;
    const int steps = IssueMode() ? 2 : 5;
    auto& payload = *request.mutable_payload()->mutable_fields();
    if (!IssueMode()) {
      request.set_event("duyet");
      payload["y_kien"].set_string_value("Đồng ý");
    } else if (!issuing) {
      request.set_event("ky");
    } else {
      request.set_event("ban_hanh");
      if (!recipient_.empty()) {
        payload["xa"].mutable_list_value()->add_values()->set_string_value(
            recipient_);
      }
    }
    stub_->async()->FireEvent(
        &call->context, &request, &call->response,
        [this, call, issuing, steps](grpc::Status s) {
          Record(&writes, call->started, s);
          if (issuing) Record(&issues, call->started, s);
          if (!s.ok() || ++step_ == steps) {
            if (s.ok() && shared_->measuring.load()) {
              instances++;
              shared_->instances_done++;
            }
            instance_.clear();
          }
          delete call;
          reads_left_ = absl::GetFlag(FLAGS_reads_per_write);
          Next();
        });
  }

  // campaign mode: the unit sends its plan, its head approves, the standing
  // agency returns it; then again. Three real transitions a round.
  void Submit() {
    static const char* const kEvents[] = {"trinh_duyet", "phe_duyet_va_gui",
                                          "tra_lai"};
    auto* call = new Call<wf::v1::FireEventResponse>();
    const std::string* tokens[] = {&person_.token, &person_.head_token,
                                   &person_.receiver_token};
    AuthorizeAs(&call->context, *tokens[step_]);
    wf::v1::FireEventRequest request;
    request.set_instance_id(person_.instance);
    request.set_event(kEvents[step_]);
    request.set_view(WriteView());
    if (step_ == 2) {
      (*request.mutable_payload()->mutable_fields())["ly_do"].set_string_value(
          "Bổ sung chỉ tiêu và phân công địa bàn");
    }
    stub_->async()->FireEvent(
        &call->context, &request, &call->response, [this, call](grpc::Status s) {
          Record(&writes, call->started, s);
          // A document left mid-round by an earlier run: a refused step
          // (the wrong state) moves the lane on to the next event, so it
          // finds its place during the warm-up.
          if (s.ok() || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
            step_ = (step_ + 1) % 3;
          }
          if (s.ok() && step_ == 0 && shared_->measuring.load()) {
            instances++;
            shared_->instances_done++;
          }
          delete call;
          Next();
        });
  }

  void Read() {
    auto* call = new Call<wf::v1::GetInboxResponse>();
    Authorize(&call->context);
    wf::v1::GetInboxRequest request;
    request.set_page_size(20);
    stub_->async()->GetInbox(&call->context, &request, &call->response,
                             [this, call](grpc::Status s) {
                               Record(&reads, call->started, s);
                               delete call;
                               Next();
                             });
  }

  const int index_;
  WorkflowService::Stub* const stub_;
  wf::v1::DiagnosticsService::Stub* const diagnostics_;
  const Person person_;
  Shared* const shared_;
  const google::protobuf::Struct vars_;
  std::string instance_;
  std::string recipient_;
  int step_ = 0;
  int reads_left_ = 0;
  uint64_t serial_ = 0;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

std::string Summary(const char* name, Samples& s, double seconds) {
  double rate = s.micros.size() / seconds;
  double p50 = Percentile(s.micros, 0.50), p99 = Percentile(s.micros, 0.99),
         p999 = Percentile(s.micros, 0.999);
  std::printf("%-8s %10.0f /s   p50 %8.0f us   p99 %8.0f us   p999 %8.0f us"
              "   errors %llu%s%s\n",
              name, rate, p50, p99, p999,
              static_cast<unsigned long long>(s.errors),
              s.errors ? "  last: " : "", s.last_error.c_str());
  return absl::StrFormat(
      R"("%s":{"per_s":%.1f,"p50_us":%.0f,"p99_us":%.0f,"p999_us":%.0f,"errors":%d})",
      name, rate, p50, p99, p999, s.errors);
}

std::vector<Person> ReadPeople(const std::string& path) {
  std::vector<Person> people;
  std::ifstream in(path);
  Person p;
  if (CampaignMode()) {
    while (in >> p.instance >> p.token >> p.head_token >> p.receiver_token) {
      people.push_back(p);
    }
    return people;
  }
  while (in >> p.token >> p.unit) people.push_back(p);
  if (people.empty()) people.push_back({"", ""});
  return people;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string view = absl::GetFlag(FLAGS_write_view);
  if (!view.empty() && view != "full" && view != "basic") {
    std::fprintf(stderr, "--write_view: expected full or basic, not '%s'\n",
                 view.c_str());
    return 2;
  }
  const int lanes_count = absl::GetFlag(FLAGS_concurrency);
  std::vector<Person> people = ReadPeople(absl::GetFlag(FLAGS_people));
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<WorkflowService::Stub>> stubs;
  std::vector<std::unique_ptr<wf::v1::DiagnosticsService::Stub>> diagnostics;
  for (int c = 0; c < std::max(1, absl::GetFlag(FLAGS_channels)); ++c) {
    grpc::ChannelArguments args;
    args.SetInt("wf.channel", c);  // distinct channels, not one shared
    channels.push_back(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args));
    stubs.push_back(WorkflowService::NewStub(channels.back()));
    diagnostics.push_back(wf::v1::DiagnosticsService::NewStub(channels.back()));
  }
  Shared shared;
  if (absl::GetFlag(FLAGS_mode) == "burst") {
    // Every start issued at once (one per commune of the country, say),
    // then wait for all the answers.
    const int count = absl::GetFlag(FLAGS_count);
    std::vector<std::unique_ptr<Lane>> lanes;
    std::atomic<int> left{count};
    auto began = Clock::now();
    for (int i = 0; i < count; ++i) {
      size_t c = i % stubs.size();
      lanes.push_back(std::make_unique<Lane>(i, stubs[c].get(), diagnostics[c].get(),
                                             people[i % people.size()], &shared));
      lanes.back()->StartOnce(&left);
    }
    while (left.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    double seconds = std::chrono::duration<double>(Clock::now() - began).count();
    Samples all;
    for (auto& lane : lanes) {
      all.micros.insert(all.micros.end(), lane->writes.micros.begin(),
                        lane->writes.micros.end());
      all.errors += lane->writes.errors;
    }
    std::printf("burst: %d starts at once answered in %.2f s\n", count, seconds);
    std::string start = Summary("start", all, seconds);
    std::printf(R"({"mode":"burst","count":%d,"seconds":%.3f,%s})" "\n", count,
                seconds, start.c_str());
    return all.errors > 0 ? 1 : 0;
  }
  std::vector<std::unique_ptr<Lane>> lanes;
  for (int i = 0; i < lanes_count; ++i) {
    size_t c = i % stubs.size();
    lanes.push_back(std::make_unique<Lane>(i, stubs[c].get(),
                                           diagnostics[c].get(),
                                           people[i % people.size()], &shared));
    // issue mode: each document goes to the next person's unit.
    lanes.back()->SetRecipient(people[(i + 1) % people.size()].unit);
  }
  for (auto& lane : lanes) lane->Run();
  std::this_thread::sleep_for(std::chrono::seconds(absl::GetFlag(FLAGS_warmup_s)));
  shared.measuring = true;
  auto began = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(absl::GetFlag(FLAGS_duration_s)));
  shared.measuring = false;
  double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  shared.stop = true;
  while (shared.idle_lanes.load() < lanes_count) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Samples writes, reads, pings, issues;
  for (auto& lane : lanes) {
    const std::pair<Samples*, Samples*> parts[] = {
        {&writes, &lane->writes}, {&reads, &lane->reads}, {&pings, &lane->pings},
        {&issues, &lane->issues}};
    for (const auto& [into, from] : parts) {
      into->micros.insert(into->micros.end(), from->micros.begin(),
                          from->micros.end());
      into->errors += from->errors;
      if (!from->last_error.empty()) into->last_error = from->last_error;
    }
  }
  std::printf("mode %s, %d in flight, %.1f s measured\n",
              absl::GetFlag(FLAGS_mode).c_str(), lanes_count, seconds);
  std::string json = absl::StrFormat(
      R"({"mode":"%s","concurrency":%d,"seconds":%.2f,"instances_per_s":%.1f,)",
      absl::GetFlag(FLAGS_mode), lanes_count, seconds,
      shared.instances_done.load() / seconds);
  if (absl::GetFlag(FLAGS_mode) == "ping") {
    json += Summary("ping", pings, seconds);
  } else if (absl::GetFlag(FLAGS_mode) == "inbox") {
    json += Summary("inbox", reads, seconds);
  } else if (IssueMode()) {
    const int registers = std::max(1, absl::GetFlag(FLAGS_registers));
    std::printf("issued   %8.1f /s documents numbered (start + ky + ban_hanh "
                "each), %d register%s\n",
                shared.instances_done.load() / seconds, registers,
                registers == 1 ? "" : "s");
    json += absl::StrFormat(R"("registers":%d,"issued_per_s":%.1f,)", registers,
                            shared.instances_done.load() / seconds);
    // "write": every transition (start, ky, ban_hanh); "issue": ban_hanh alone.
    json += Summary("write", writes, seconds) + "," +
            Summary("issue", issues, seconds);
  } else if (CampaignMode()) {
    std::printf("rounds   %8.1f /s (trinh_duyet + phe_duyet_va_gui + tra_lai)\n",
                shared.instances_done.load() / seconds);
    json += Summary("write", writes, seconds);
  } else {
    std::printf("instances %8.1f /s completed (start + 5 approvals each)\n",
                shared.instances_done.load() / seconds);
    json += Summary("write", writes, seconds) + "," +
            Summary("inbox", reads, seconds);
  }
  std::printf("%s}\n", json.c_str());
  return writes.errors + reads.errors + pings.errors > 0 ? 1 : 0;
}
