// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/observe.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/util/log.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace wf {
namespace {

constexpr char kUnknownMethod[] = "unknown";

// One call being watched, from BeginCall to EndCall.
struct CallRecord {
  const ObserveOptions* options = nullptr;
  const char* method = nullptr;  // the metrics label
  std::string logged_method;     // when the log names another (unknown ones)
  bool unary = true;
  std::chrono::steady_clock::time_point began;
  CallNotes notes;
};

// The calls being watched, by server context. gRPC 1.51 offers no per-call
// slot a handler, its completion callbacks and the end share; a context
// allocator (contexts of our own class) would be one, but with it a call to
// an unknown method crashed the server (a reference counted twice).
// Sharded: every call adds, looks up a few times, and takes out.
class CallTable {
 public:
  static CallTable& Process() {
    static CallTable* table = new CallTable();
    return *table;
  }

  void Add(const void* context, std::unique_ptr<CallRecord> record) {
    Shard& s = ShardOf(context);
    absl::MutexLock lock(&s.mu);
    auto& slot = s.calls[context];
    if (slot == nullptr) live_.fetch_add(1, std::memory_order_relaxed);
    slot = std::move(record);
  }

  std::unique_ptr<CallRecord> Take(const void* context) {
    if (live_.load(std::memory_order_relaxed) == 0) return nullptr;
    Shard& s = ShardOf(context);
    absl::MutexLock lock(&s.mu);
    auto it = s.calls.find(context);
    if (it == s.calls.end()) return nullptr;
    std::unique_ptr<CallRecord> record = std::move(it->second);
    s.calls.erase(it);
    live_.fetch_sub(1, std::memory_order_relaxed);
    return record;
  }

  // Runs `note` on the call's notes, if the call is watched with its
  // access log on.
  template <typename Note>
  void With(const void* context, Note note) {
    if (live_.load(std::memory_order_relaxed) == 0) return;
    Shard& s = ShardOf(context);
    absl::MutexLock lock(&s.mu);
    auto it = s.calls.find(context);
    if (it != s.calls.end() && it->second->options->access_log) {
      note(&it->second->notes);
    }
  }

 private:
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<const void*, std::unique_ptr<CallRecord>> calls
        ABSL_GUARDED_BY(mu);
  };
  Shard& ShardOf(const void* context) {
    return shards_[(reinterpret_cast<uintptr_t>(context) >> 6) % kShards];
  }
  static constexpr size_t kShards = 16;
  Shard shards_[kShards];
  // Calls in the table: with observation off it stays 0, and EndCall and
  // the notes return without taking a lock.
  std::atomic<int64_t> live_{0};
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

void Log(const CallRecord& call, const grpc::Status& status,
         grpc::ServerContextBase* context, double seconds) {
  std::string trace_id = TraceIdOf(Metadata(context, "traceparent"));
  if (trace_id.empty()) trace_id = NewTraceId();
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  const std::string code_name = absl::StatusCodeToString(code);
  const std::string reason = ReasonOf(status);
  AccessRecord record;
  absl::string_view method = call.method;
  if (!call.logged_method.empty()) method = call.logged_method;
  record.method = method.substr(0, 128);
  record.code = code_name;
  record.reason = reason;
  record.latency_ms = seconds * 1000;
  record.trace_id = trace_id;
  record.error = ServerFailed(status.error_code());
  record.actor = call.notes.actor;
  record.unit = call.notes.unit;
  record.instance = call.notes.instance;
  record.workflow = call.notes.workflow;
  record.event = call.notes.event;
  WriteAccessLog(record);
}

std::unique_ptr<CallRecord> NewRecord(const ObserveOptions* options,
                                      const char* method, bool unary) {
  auto record = std::make_unique<CallRecord>();
  record->options = options;
  record->method = method;
  record->unary = unary;
  record->began = std::chrono::steady_clock::now();
  return record;
}

// Refuses a call to a method no service has, as gRPC would, in words.
class UnknownMethodReactor final : public grpc::ServerGenericBidiReactor {
 public:
  explicit UnknownMethodReactor(grpc::GenericCallbackServerContext* context) {
    grpc::Status status(
        grpc::StatusCode::UNIMPLEMENTED,
        absl::StrCat("Expected a method this server has, but '",
                     absl::string_view(context->method()).substr(0, 128),
                     "' is not one: the services are listed by reflection"));
    EndCall(context, status);
    Finish(status);
  }
  void OnDone() override { delete this; }
};

class UnknownMethodService final : public grpc::CallbackGenericService {
 public:
  explicit UnknownMethodService(const ObserveOptions* options)
      : options_(options) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    if (options_ != nullptr && options_->on()) {
      auto record = NewRecord(options_, kUnknownMethod, true);
      record->logged_method = context->method();
      CallTable::Process().Add(context, std::move(record));
    }
    return new UnknownMethodReactor(context);
  }

 private:
  const ObserveOptions* const options_;
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

void BeginCall(const ObserveOptions* options,
               grpc::ServerContextBase* context, const char* method,
               bool unary) {
  if (options == nullptr || !options->on()) return;
  CallTable::Process().Add(context, NewRecord(options, method, unary));
}

void EndCall(grpc::ServerContextBase* context, const grpc::Status& status) {
  std::unique_ptr<CallRecord> call = CallTable::Process().Take(context);
  if (call == nullptr) return;
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - call->began)
                             .count();
  if (call->options->metrics != nullptr) {
    call->options->metrics->CountCall(
        call->method, static_cast<absl::StatusCode>(status.error_code()),
        call->unary, seconds);
  }
  if (call->options->access_log) Log(*call, status, context, seconds);
}

std::string MethodPath(absl::string_view service, absl::string_view method) {
  return absl::StrCat("/", service, "/", method);
}

std::unique_ptr<grpc::CallbackGenericService> UnknownMethods(
    const ObserveOptions* options) {
  return std::make_unique<UnknownMethodService>(options);
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
