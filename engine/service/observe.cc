// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/observe.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>

#include <grpcpp/support/server_interceptor.h>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

#include "absl/strings/ascii.h"
#include "engine/util/log.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace wf {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// The notes of the calls in progress, by server context. gRPC 1.51 offers
// no per-call slot a handler and an interceptor share; a context allocator
// (contexts of our own class) would be one, but with it a call to an
// unknown method crashed the server (a reference counted twice). Sharded:
// every call adds, looks up a few times, and removes.
class CallTable {
 public:
  static CallTable& Process() {
    static CallTable* table = new CallTable();
    return *table;
  }

  void Add(const void* context, CallNotes* notes) {
    Shard& s = ShardOf(context);
    absl::MutexLock lock(&s.mu);
    s.calls[context] = notes;
  }

  void Remove(const void* context) {
    Shard& s = ShardOf(context);
    absl::MutexLock lock(&s.mu);
    s.calls.erase(context);
  }

  // Runs `note` on the call's notes, if the call is observed.
  template <typename Note>
  void With(const void* context, Note note) {
    Shard& s = ShardOf(context);
    absl::MutexLock lock(&s.mu);
    auto it = s.calls.find(context);
    if (it != s.calls.end()) note(it->second);
  }

 private:
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<const void*, CallNotes*> calls ABSL_GUARDED_BY(mu);
  };
  Shard& ShardOf(const void* context) {
    return shards_[(reinterpret_cast<uintptr_t>(context) >> 6) % kShards];
  }
  static constexpr size_t kShards = 16;
  Shard shards_[kShards];
};

// The reason of a refusal (google.rpc.ErrorInfo in the status details):
// stable, and never carries a value from the request.
std::string ReasonOf(const grpc::Status& status) {
  if (status.ok() || status.error_details().empty()) return "";
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

std::string Metadata(grpc::ServerContextBase* context, const char* key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// Codes that say the server failed, not that the request was refused.
bool ServerFailed(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS;
}

class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(ServerRpcInfo* info, const ObserveOptions& options)
      : info_(info),
        options_(options),
        began_(std::chrono::steady_clock::now()) {
    if (options_.access_log) CallTable::Process().Add(context(), &notes_);
  }
  ~CallInterceptor() override { Forget(); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Ended(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  const void* context() const { return info_->server_context(); }

  void Forget() {
    if (options_.access_log && !forgotten_) {
      CallTable::Process().Remove(context());
      forgotten_ = true;
    }
  }

  // A method this server does not have: its name is whatever the client
  // sent, so it is not a label (and not a stable string to key on).
  static bool Unknown(const grpc::Status& status) {
    return status.error_code() == grpc::StatusCode::UNIMPLEMENTED;
  }

  void Ended(const grpc::Status& status) {
    Forget();  // the handler has answered: no more notes
    const double seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - began_)
                               .count();
    const auto code = static_cast<absl::StatusCode>(status.error_code());
    if (options_.metrics != nullptr) {
      options_.metrics->CountCall(Unknown(status) ? kUnknownMethod
                                                  : info_->method(),
                                  code,
                                  info_->type() == ServerRpcInfo::Type::UNARY,
                                  seconds);
    }
    if (options_.access_log) Log(status, code, seconds);
  }

  void Log(const grpc::Status& status, absl::StatusCode code, double seconds) {
    grpc::ServerContextBase* context = info_->server_context();
    std::string trace_id = TraceIdOf(Metadata(context, "traceparent"));
    if (trace_id.empty()) trace_id = NewTraceId();
    const std::string code_name = absl::StatusCodeToString(code);
    const std::string reason = ReasonOf(status);
    AccessRecord record;
    absl::string_view method =
        info_->method() != nullptr ? info_->method() : "";
    record.method = method.substr(0, 128);
    record.code = code_name;
    record.reason = reason;
    record.latency_ms = seconds * 1000;
    record.trace_id = trace_id;
    record.error = ServerFailed(status.error_code());
    record.actor = notes_.actor;
    record.unit = notes_.unit;
    record.instance = notes_.instance;
    record.workflow = notes_.workflow;
    record.event = notes_.event;
    WriteAccessLog(record);
  }

  static constexpr char kUnknownMethod[] = "unknown";

  ServerRpcInfo* const info_;
  const ObserveOptions& options_;
  const std::chrono::steady_clock::time_point began_;
  CallNotes notes_;
  bool forgotten_ = false;
};

class CallObserver final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserver(const ObserveOptions& options) : options_(options) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    return new CallInterceptor(info, options_);
  }

 private:
  const ObserveOptions options_;
};

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

}  // namespace

namespace {

void Keep(std::string* field, absl::string_view value) {
  if (value.empty()) return;
  // Cut on a byte: the log escapes what is left of a broken character.
  field->assign(value.data(), std::min<size_t>(value.size(), 128));
}

}  // namespace

void NoteInstance(grpc::CallbackServerContext* context, absl::string_view id) {
  CallTable::Process().With(
      context, [&](CallNotes* notes) { Keep(&notes->instance, id); });
}

void NoteWorkflow(grpc::CallbackServerContext* context,
                  absl::string_view workflow, absl::string_view event) {
  CallTable::Process().With(context, [&](CallNotes* notes) {
    Keep(&notes->workflow, workflow);
    Keep(&notes->event, event);
  });
}

void NoteUnit(grpc::CallbackServerContext* context, absl::string_view unit) {
  CallTable::Process().With(
      context, [&](CallNotes* notes) { Keep(&notes->unit, unit); });
}

void NoteActor(grpc::CallbackServerContext* context, absl::string_view id) {
  CallTable::Process().With(
      context, [&](CallNotes* notes) { Keep(&notes->actor, id); });
}

void Observe(grpc::ServerBuilder* builder, const ObserveOptions& options) {
  if (options.metrics == nullptr && !options.access_log) return;
  std::vector<std::unique_ptr<
      grpc::experimental::ServerInterceptorFactoryInterface>>
      factories;
  factories.push_back(std::make_unique<CallObserver>(options));
  builder->experimental().SetInterceptorCreators(std::move(factories));
}

std::string TraceIdOf(absl::string_view traceparent) {
  // version "-" trace-id "-" parent-id "-" flags (W3C Trace Context).
  if (traceparent.size() < 55 || traceparent[2] != '-' ||
      traceparent[35] != '-') {
    return "";
  }
  absl::string_view id = traceparent.substr(3, 32);
  if (!IsLowerHex(id) || id == "00000000000000000000000000000000") return "";
  return std::string(id);
}

std::string NewTraceId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  uint64_t bits = random();
  for (int i = 0; i < 32; ++i) {
    if (i == 16) bits = random();
    id[i] = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

}  // namespace wf
