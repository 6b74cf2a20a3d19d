// Copyright the wf-engine authors. Apache-2.0.
//
// Fuzzes the API's requests the way the server receives them: the first
// byte chooses what the rest is,
//   0  a wf.v1.FireEventRequest      (protobuf wire format)
//   1  a wf.v1.StartInstanceRequest
//   2  a wf.v1.DeployWorkflowRequest
//   3  raw text for the JSON boundary (wf::ParseJsonObject) and the text
//      checks (engine/util/text.h)
// and requests are fed to one in-process engine (opened once per process on
// an in-memory RocksDB Env, with a small workflow deployed and an instance
// started), through the same checks and transition path as gRPC calls.
//
// Never allowed: a crash, a sanitizer report, a status code the API does
// not document, a refused call that changes the instance, or a history that
// no longer verifies.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/util/json.h"
#include "engine/util/text.h"
#include "google/protobuf/stubs/logging.h"
#include "engine/service/convert.h"
#include "engine/store/store.h"
#include "rocksdb/env.h"
#include "wf/clock.h"
#include "wf/engine.h"
#include "wf/v1/workflow.pb.h"

namespace {

// Fields taken from the payload, a guard on a required field, an effect:
// enough for fuzzed payloads to reach the Lua conversion both ways.
constexpr char kWorkflow[] = R"lua(
workflow "fuzz" {
  initial = "mo",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx) ctx.vars.n = 0 end,
}
state "mo"   { title = "Mở" }
state "cho"  { title = "Chờ" }
state "xong" { title = "Xong", final = true }
transition "ghi" {
  from = { "mo", "cho" }, stay = true,
  action = function(ctx)
    for k, v in pairs(ctx.payload) do ctx.vars[k] = v end
    ctx.vars.n = (ctx.vars.n or 0) + 1
  end,
}
transition "gui" {
  from = "mo", to = "cho", requires = { "noi_dung" },
  guard = function(ctx)
    return type(ctx.payload.noi_dung) == "string", "noi_dung must be text"
  end,
}
transition "tra_lai" {
  from = "cho", to = "mo",
  action = function(ctx) ctx.vars.ly_do = ctx.payload.ly_do end,
}
transition "dong" {
  from = "cho", to = "xong",
  action = function(ctx) ctx.emit("thong_bao", { du_lieu = ctx.payload }) end,
}
)lua";

// Reopened every kInputsPerEngine inputs so that memory stays bounded.
constexpr int kInputsPerEngine = 20000;

struct Fixture {
  std::unique_ptr<rocksdb::Env> env;
  wf::StoreFaults faults;  // carries `env` to the store
  std::unique_ptr<wf::ManualClock> clock;
  std::unique_ptr<wf::Engine> engine;
  std::string dir;
  std::string instance;  // the latest instance started
  int inputs = 0;
};

Fixture* fixture = nullptr;

[[noreturn]] void Finding(const std::string& what) {
  std::fprintf(stderr, "request_fuzzer: %s\n", what.c_str());
  std::abort();
}

void ExpectCode(const absl::Status& status, const char* call,
                std::initializer_list<absl::StatusCode> allowed) {
  if (status.ok()) return;
  for (absl::StatusCode code : allowed) {
    if (status.code() == code) return;
  }
  Finding(absl::StrCat(call, " returned an undocumented status: ",
                       status.ToString()));
}

void OpenEngine() {
  fixture->engine.reset();
  fixture->env.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  wf::EngineOptions options;
  options.data_dir = fixture->dir;
  options.clock = fixture->clock.get();
  options.run_timers = false;
  options.worker_threads = 1;
  fixture->faults.env = fixture->env.get();
  options.store.faults = &fixture->faults;
  options.store.block_cache_bytes = 1 << 20;
  options.store.write_buffer_bytes = 1 << 20;
  options.store.total_write_buffer_bytes = 8 << 20;
  options.limits.lua_instructions_per_call = 20'000;
  options.limits.lua_instructions_per_load = 200'000;
  options.limits.lua_memory_bytes = 8 << 20;
  options.limits.max_variables_bytes = 16 << 10;
  auto engine = wf::Engine::Open(options);
  if (!engine.ok()) Finding(engine.status().ToString());
  fixture->engine = std::move(*engine);
  wf::DeployRequest deploy;
  deploy.source = kWorkflow;
  deploy.file_name = "fuzz.lua";
  deploy.actor = wf::Actor::Embedder();
  auto deployed = fixture->engine->Deploy(deploy);
  if (!deployed.ok()) Finding(deployed.status().ToString());
  wf::StartRequest start;
  start.actor = wf::Actor::Embedder();
  start.workflow = "fuzz";
  auto started = fixture->engine->Start(start);
  if (!started.ok()) Finding(started.status().ToString());
  fixture->instance = started->instance.id;
}

// The text checks on any string the fuzzer made.
void CheckText(const std::string& text) {
  bool utf8 = wf::IsValidUtf8(text);
  auto nfc = wf::ToNfc(text, "text");
  if (nfc.ok() != utf8) Finding("ToNfc and IsValidUtf8 disagree");
  if (nfc.ok()) {
    if (!wf::IsValidUtf8(*nfc)) Finding("ToNfc returned invalid UTF-8");
    auto twice = wf::ToNfc(*nfc, "text");
    if (!twice.ok() || *twice != *nfc) Finding("ToNfc is not idempotent");
  } else {
    ExpectCode(nfc.status(), "ToNfc", {absl::StatusCode::kInvalidArgument});
  }
  if (wf::IsIdentifier(text)) {
    bool ok = !text.empty() && text.size() <= 64 && text[0] >= 'a' &&
              text[0] <= 'z';
    for (char c : text) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_');
    }
    if (!ok) Finding(absl::StrCat("IsIdentifier accepted '", text, "'"));
  }
  auto key = wf::CheckKeyText(text, "key", 256);
  if (key.ok()) {
    if (key->size() > 256 || !wf::IsValidUtf8(*key)) {
      Finding("CheckKeyText accepted a bad key");
    }
    for (unsigned char c : *key) {
      if (c < 0x20 || c == 0x7f) Finding("CheckKeyText let a control through");
    }
  } else {
    ExpectCode(key.status(), "CheckKeyText",
               {absl::StatusCode::kInvalidArgument,
                absl::StatusCode::kResourceExhausted});
  }
}

void CheckJson(const std::string& text) {
  auto parsed = wf::ParseJsonObject(text, "payload_json", 64 << 10);
  if (!parsed.ok()) {
    ExpectCode(parsed.status(), "ParseJsonObject",
               {absl::StatusCode::kInvalidArgument,
                absl::StatusCode::kResourceExhausted});
    return;
  }
  if (!parsed->is_object()) Finding("ParseJsonObject returned a non-object");
  // What the engine stores must read back as the same value.
  std::string dumped = wf::DumpJson(*parsed);
  auto again = wf::ParseJsonObject(dumped, "payload_json", 16 << 20);
  if (!again.ok() || *again != *parsed) {
    Finding(absl::StrCat("JSON does not survive a round trip: ",
                         dumped.substr(0, 200)));
  }
}

const std::initializer_list<absl::StatusCode> kDocumented = {
    absl::StatusCode::kInvalidArgument, absl::StatusCode::kNotFound,
    absl::StatusCode::kFailedPrecondition, absl::StatusCode::kAborted,
    absl::StatusCode::kResourceExhausted};

void FuzzFire(const wf::v1::FireEventRequest& proto) {
  // The server's own conversion (the payload Struct to JSON text): a
  // number it cannot keep exactly is its refusal to make.
  auto converted = wf::FromProto(proto);
  if (!converted.ok()) {
    ExpectCode(converted.status(), "FromProto",
               {absl::StatusCode::kInvalidArgument});
    return;
  }
  wf::FireRequest request = *std::move(converted);
  // An empty id targets the fixture's instance, so that mutations reach the
  // transition path without guessing ids.
  if (request.instance_id.empty()) request.instance_id = fixture->instance;
  request.actor = wf::Actor::Embedder("fuzz");
  CheckText(proto.event());
  CheckText(proto.idempotency_key());
  if (!request.payload_json.empty()) CheckJson(request.payload_json);
  auto before = fixture->engine->GetInstance(request.instance_id, wf::Actor::Embedder());
  auto fired = fixture->engine->Fire(request);
  ExpectCode(fired.status(), "Fire", kDocumented);
  if (!before.ok()) return;
  auto after = fixture->engine->GetInstance(request.instance_id, wf::Actor::Embedder());
  if (!after.ok()) Finding("an instance disappeared");
  if (!fired.ok()) {
    if (after->version != before->version ||
        after->variables_json != before->variables_json ||
        after->state != before->state) {
      Finding(absl::StrCat("a refused Fire changed the instance: ",
                           fired.status().ToString()));
    }
    return;
  }
  if (!fired->replayed && after->version != before->version + 1) {
    Finding("Fire did not add exactly one event");
  }
  // Replaying the whole history costs one Lua call per event: keep it to
  // young instances.
  if (after->version <= 32) {
    auto report = fixture->engine->Verify(request.instance_id, wf::Actor::Embedder());
    if (!report.ok() || !report->ok) {
      Finding(absl::StrCat("the history no longer verifies: ",
                           report.ok() ? report->problem
                                       : report.status().ToString()));
    }
  }
}

void FuzzStart(const wf::v1::StartInstanceRequest& proto) {
  auto converted = wf::FromProto(proto);
  if (!converted.ok()) {
    ExpectCode(converted.status(), "FromProto",
               {absl::StatusCode::kInvalidArgument});
    return;
  }
  wf::StartRequest request = *std::move(converted);
  if (request.workflow.empty()) request.workflow = "fuzz";
  request.actor = wf::Actor::Embedder("fuzz");
  CheckText(proto.business_key());
  CheckText(proto.workflow());
  if (!request.variables_json.empty()) CheckJson(request.variables_json);
  auto started = fixture->engine->Start(request);
  ExpectCode(started.status(), "Start", kDocumented);
  if (started.ok() && !started->replayed) {
    if (started->instance.version != 1) Finding("a new instance not at 1");
    fixture->instance = started->instance.id;
  }
}

void FuzzDeploy(const wf::v1::DeployWorkflowRequest& proto) {
  wf::DeployRequest request;
  request.source = proto.source();
  request.file_name = proto.file_name();
  request.actor = wf::Actor::Embedder("fuzz");
  CheckText(proto.file_name());
  auto deployed = fixture->engine->Deploy(request);
  ExpectCode(deployed.status(), "Deploy",
             {absl::StatusCode::kInvalidArgument,
              absl::StatusCode::kResourceExhausted});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // Invalid UTF-8 in a proto3 string makes the parser log an error for
  // every such input; the parse failing is what matters.
  google::protobuf::SetLogHandler(nullptr);
  fixture = new Fixture();
  char dir[] = "/tmp/wf_request_fuzzer_XXXXXX";
  if (::mkdtemp(dir) == nullptr) Finding("mkdtemp failed");
  fixture->dir = dir;
  // The store lives in memory; only the empty folder is on disk.
  std::atexit([] { ::rmdir(fixture->dir.c_str()); });
  fixture->clock = std::make_unique<wf::ManualClock>(
      absl::FromUnixSeconds(1768525200));
  OpenEngine();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (++fixture->inputs % kInputsPerEngine == 0) OpenEngine();
  const char* body = reinterpret_cast<const char*>(data) + 1;
  const int n = static_cast<int>(size - 1);
  switch (data[0] % 4) {
    case 0: {
      wf::v1::FireEventRequest request;
      if (request.ParseFromArray(body, n)) FuzzFire(request);
      break;
    }
    case 1: {
      wf::v1::StartInstanceRequest request;
      if (request.ParseFromArray(body, n)) FuzzStart(request);
      break;
    }
    case 2: {
      wf::v1::DeployWorkflowRequest request;
      if (request.ParseFromArray(body, n)) FuzzDeploy(request);
      break;
    }
    default: {
      std::string text(body, static_cast<size_t>(n));
      CheckText(text);
      CheckJson(text);
      break;
    }
  }
  // Time passes between requests (timers, dates in ctx).
  fixture->clock->Advance(absl::Seconds(1));
  return 0;
}
