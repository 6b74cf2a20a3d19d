// Copyright the wf-engine authors. Apache-2.0.
//
// Fuzzes what deploying a workflow file does, and what a step does with it:
// the input is a Lua source; it goes through the same steps as
// Engine::Deploy before anything is stored (NFC, WorkflowScript::Load in a
// fresh sandbox, ValidateSpec), then every guard, action, start and
// deadline date function the file declared runs once, as in a step, and
// what an action leaves in ctx.vars goes back to JSON.
//
// Never allowed: a crash, a sanitizer report, a leak, a hang (libFuzzer's
// -timeout), or a status code the API does not document for the call.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/lua/workflow_script.h"
#include "engine/runtime/definition.h"
#include "engine/util/json.h"
#include "engine/util/text.h"

namespace {

// Small limits keep each input fast; the mechanisms are the same at any
// size.
wf::SandboxOptions FuzzLimits() {
  wf::SandboxOptions limits;
  limits.instructions_per_call = 20'000;
  limits.instructions_per_load = 200'000;
  limits.memory_bytes = 8 << 20;
  return limits;
}

// Aborts (a finding) when `status` has a code the call may not return.
void ExpectCode(const absl::Status& status, const char* call,
                std::initializer_list<absl::StatusCode> allowed) {
  if (status.ok()) return;
  for (absl::StatusCode code : allowed) {
    if (status.code() == code) return;
  }
  std::fprintf(stderr, "%s returned an undocumented status: %s\n", call,
               status.ToString().c_str());
  std::abort();
}

// What an action returned must serialise and parse back to the same value
// (the history and VerifyInstance rely on it).
void ExpectRoundTrip(const wf::Json& value) {
  std::string dumped = wf::DumpJson(value);
  auto again = wf::ParseStoredJson(dumped);
  if (!again.ok() || *again != value) {
    std::fprintf(stderr, "JSON does not survive a round trip: %s\n",
                 dumped.substr(0, 200).c_str());
    std::abort();
  }
}

wf::CallInput Input(const wf::Json& vars, const wf::Json& payload,
                    const std::string& event) {
  wf::CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  in.event = event;
  in.from = "a";
  in.to = "b";
  in.actor = "fuzz";
  in.instance_id = "wi-000000000001";
  in.business_key = "KH-1";
  in.instance_version = 1;
  in.now = absl::FromUnixSeconds(1768525200);
  in.random_seed = 42;
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Engine::Deploy refuses bigger sources before looking at them.
  if (size > (1 << 20)) return 0;
  auto source = wf::ToNfc(
      absl::string_view(reinterpret_cast<const char*>(data), size), "source");
  if (!source.ok()) return 0;  // Deploy refuses it the same way
  auto script = wf::WorkflowScript::Load(*source, "fuzz.lua", FuzzLimits());
  if (!script.ok()) {
    ExpectCode(script.status(), "WorkflowScript::Load",
               {absl::StatusCode::kInvalidArgument,
                absl::StatusCode::kResourceExhausted});
    return 0;
  }
  const wf::WorkflowSpec& spec = (*script)->spec();
  std::vector<std::string> problems = wf::ValidateSpec(spec, "fuzz.lua");
  for (const std::string& problem : problems) {
    if (problem.rfind("fuzz.lua", 0) != 0) {
      std::fprintf(stderr, "a problem without its file name: %s\n",
                   problem.c_str());
      std::abort();
    }
  }

  const wf::Json vars = {{"don_vi", "Xã Tiên Du"}, {"n", 1},
                         {"ds", wf::Json::array({1, "hai", nullptr})}};
  const wf::Json payload = {{"noi_dung", "Kế hoạch"}, {"so", 2.5}};
  // A file may declare thousands of transitions; a few are enough.
  const size_t n = std::min<size_t>(spec.transitions.size(), 8);
  for (size_t i = 0; i < n; ++i) {
    wf::CallInput in = Input(vars, payload, spec.transitions[i].event);
    auto guard = (*script)->RunGuard(static_cast<int>(i), in);
    ExpectCode(guard.status(), "RunGuard",
               {absl::StatusCode::kFailedPrecondition,
                absl::StatusCode::kResourceExhausted});
    if (guard.ok() && !guard->allowed && !wf::IsValidUtf8(guard->reason)) {
      std::fprintf(stderr, "a guard's reason is not UTF-8\n");
      std::abort();
    }
    auto action = (*script)->RunAction(static_cast<int>(i), in);
    ExpectCode(action.status(), "RunAction",
               {absl::StatusCode::kFailedPrecondition,
                absl::StatusCode::kResourceExhausted});
    if (action.ok()) {
      if (!action->vars.is_object() || !action->effects.is_array()) {
        std::fprintf(stderr, "an action returned malformed results\n");
        std::abort();
      }
      ExpectRoundTrip(action->vars);
      ExpectRoundTrip(action->effects);
    }
  }
  if (spec.has_start) {
    auto started = (*script)->RunStart(Input(payload, payload, "start"));
    ExpectCode(started.status(), "RunStart",
               {absl::StatusCode::kFailedPrecondition,
                absl::StatusCode::kResourceExhausted});
    if (started.ok()) ExpectRoundTrip(started->vars);
  }
  const size_t states = std::min<size_t>(spec.states.size(), 8);
  for (size_t i = 0; i < states; ++i) {
    if (!spec.states[i].has_deadline || !spec.states[i].deadline.has_date) {
      continue;
    }
    auto day = (*script)->RunDeadlineDate(static_cast<int>(i),
                                          Input(vars, payload, "go"));
    ExpectCode(day.status(), "RunDeadlineDate",
               {absl::StatusCode::kFailedPrecondition,
                absl::StatusCode::kResourceExhausted});
  }
  return 0;
}
