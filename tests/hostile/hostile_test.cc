// Copyright the wf-engine authors. Apache-2.0.
//
// The hostile-input suite (docs/hostile_input.md): every file in scripts/ is
// a small workflow whose top-level code, guard, action, start function or
// deadline attacks the Lua sandbox. Each runs through the embeddable engine
// (wf::Engine, the API the gRPC server uses) with small limits, and the test
// checks, for every attack:
//   - the call is refused with the expected code and message;
//   - nothing was written: no workflow version (deploy), no instance
//     (start), or the instance unchanged — version, state, variables — and
//     its history no longer (fire);
//   - the same pooled sandbox still runs a normal step afterwards, and its
//     history still verifies by replay;
//   - the engine still starts and fires a normal workflow.
// No call may take more than 10 s: a hang detector, not a speed test.
//
// Several attacks hit a weakness the suite found (F1-F12 in
// docs/hostile_input.md), fixed since; each script's header says which.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/lua/workflow_script.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

using Json = nlohmann::json;
using Code = absl::StatusCode;

// Where the attack runs: the file's top-level code (deploy), the workflow's
// start function, or a guard, action or deadline of the event "go".
enum class Where { kDeploy, kStart, kGuard, kAction };

struct Attack {
  const char* script;    // file in scripts/
  Where where;
  Code code;             // the refusal expected
  const char* fragment;  // must appear in the message
};

// Status messages go back to gRPC clients (in trailers) and into logs.
constexpr size_t kMaxMessageBytes = 64 << 10;
// A call slower than this is taken for a hang.
constexpr auto kHangSeconds = std::chrono::seconds(10);

// Fragments of the engine's messages.
constexpr char kBudget[] = "budget";
constexpr char kMemory[] = "of memory";
// The variables limit, as the transition path or the Lua -> JSON conversion
// says it.
constexpr char kVarsLimit[] = "65536 bytes";
// Messages of the fixes for F1-F12 (docs/hostile_input.md).
constexpr char kAsJson[] = "as JSON";
constexpr char kEffectsLimit[] = "effects";
constexpr char kReadOnly[] = "read-only";
constexpr char kOverTime[] = "time limit";

const Attack kAttacks[] = {
    // --- Endless loops ---------------------------------------------------
    {"loop_plain_guard", Where::kGuard, Code::kResourceExhausted, kBudget},
    {"loop_pcall_swallow", Where::kAction, Code::kResourceExhausted, kBudget},
    {"loop_catch_and_continue", Where::kAction, Code::kResourceExhausted,
     kBudget},
    {"loop_xpcall_handler", Where::kAction, Code::kResourceExhausted, kBudget},
    {"loop_xpcall_budget_handler", Where::kGuard, Code::kResourceExhausted,
     kBudget},
    {"loop_goto_toplevel", Where::kDeploy, Code::kResourceExhausted, kBudget},
    {"loop_close_variable", Where::kAction, Code::kResourceExhausted, kBudget},
    {"loop_start_function", Where::kStart, Code::kResourceExhausted, kBudget},
    {"loop_deadline_date", Where::kAction, Code::kResourceExhausted, kBudget},
    {"loop_index_chain", Where::kGuard, Code::kFailedPrecondition,
     "stack overflow"},
    {"loop_index_table_cycle", Where::kAction, Code::kFailedPrecondition,
     "'__index' chain too long"},
    {"loop_error_tostring", Where::kAction, Code::kFailedPrecondition,
     "an error object of type table"},
    // --- Memory bombs ----------------------------------------------------
    {"memory_string_rep", Where::kAction, Code::kResourceExhausted, kMemory},
    // table.move and utf8.char are charged per element: these floods now
    // reach the budget before the memory cap.
    {"memory_table_growth", Where::kGuard, Code::kResourceExhausted, kBudget},
    {"memory_concat_doubling", Where::kAction, Code::kResourceExhausted,
     kMemory},
    {"memory_table_concat", Where::kAction, Code::kResourceExhausted, kMemory},
    {"memory_format_width", Where::kAction, Code::kResourceExhausted, kMemory},
    {"memory_utf8_flood", Where::kAction, Code::kResourceExhausted, kBudget},
    {"memory_gsub_expansion", Where::kAction, Code::kResourceExhausted,
     kMemory},
    {"memory_toplevel", Where::kDeploy, Code::kResourceExhausted, kMemory},
    // --- Deep recursion --------------------------------------------------
    {"recursion_plain", Where::kAction, Code::kResourceExhausted, kBudget},
    {"recursion_pcall_tree", Where::kGuard, Code::kResourceExhausted, kBudget},
    {"recursion_tostring_metamethod", Where::kAction,
     Code::kFailedPrecondition, "stack overflow"},
    {"recursion_gsub_callback", Where::kAction, Code::kFailedPrecondition,
     "stack overflow"},
    // --- Sizes of what is stored -----------------------------------------
    {"vars_huge_string", Where::kAction, Code::kResourceExhausted, kVarsLimit},
    {"vars_huge_table", Where::kAction, Code::kResourceExhausted, kVarsLimit},
    {"vars_shared_references", Where::kAction, Code::kResourceExhausted,
     kAsJson},
    {"vars_shared_dag", Where::kAction, Code::kResourceExhausted, kAsJson},
    {"effects_huge", Where::kAction, Code::kResourceExhausted, kEffectsLimit},
    {"effects_many", Where::kAction, Code::kResourceExhausted, kEffectsLimit},
    {"error_message_huge", Where::kAction, Code::kFailedPrecondition,
     "xxxxxxxx"},
    // --- Values that cannot be stored ------------------------------------
    {"vars_nan", Where::kAction, Code::kFailedPrecondition, "NaN"},
    {"vars_infinity", Where::kAction, Code::kFailedPrecondition, "infinity"},
    {"vars_invalid_utf8_value", Where::kAction, Code::kFailedPrecondition,
     "not valid UTF-8"},
    {"vars_invalid_utf8_key", Where::kAction, Code::kFailedPrecondition,
     "field name that is not valid UTF-8"},
    {"vars_function", Where::kAction, Code::kFailedPrecondition,
     "ctx.vars.f.g holds a function"},
    {"vars_self_reference", Where::kAction, Code::kFailedPrecondition,
     "nested deeper"},
    {"vars_replaced", Where::kAction, Code::kFailedPrecondition,
     "replaced ctx.vars"},
    {"effects_bad_kind", Where::kAction, Code::kFailedPrecondition,
     "must be a lower-case name"},
    // --- Absent libraries ------------------------------------------------
    {"forbidden_globals", Where::kDeploy, Code::kInvalidArgument,
     "none reachable"},
    {"coroutine_absent", Where::kAction, Code::kFailedPrecondition,
     "global 'coroutine'"},
    {"os_execute", Where::kAction, Code::kFailedPrecondition, "global 'os'"},
    {"io_open_guard", Where::kGuard, Code::kFailedPrecondition, "global 'io'"},
    {"load_string", Where::kAction, Code::kFailedPrecondition,
     "global 'load'"},
    {"require_in_start", Where::kStart, Code::kFailedPrecondition,
     "require(\"os\") outside the top level"},
    {"string_dump", Where::kAction, Code::kFailedPrecondition,
     "field 'dump'"},
    // --- Metatables, globals, libraries ----------------------------------
    {"string_metatable_index", Where::kAction, Code::kFailedPrecondition,
     "attempt to index a string value"},
    {"string_metatable_toplevel", Where::kDeploy, Code::kInvalidArgument,
     "string metatable is locked: read-only"},
    {"string_metatable_replace", Where::kGuard, Code::kFailedPrecondition,
     "table expected"},
    {"library_modify", Where::kAction, Code::kFailedPrecondition,
     "cannot change string.upper"},
    {"library_saved_reference", Where::kAction, Code::kFailedPrecondition,
     kReadOnly},
    {"global_change", Where::kAction, Code::kFailedPrecondition,
     "global 'counter'"},
    {"rawset_global", Where::kGuard, Code::kFailedPrecondition, kReadOnly},
    {"gc_finaliser", Where::kAction, Code::kFailedPrecondition,
     "finalisers (__gc) are not allowed"},
    {"gc_finaliser_late", Where::kAction, Code::kFailedPrecondition,
     "no finaliser ran"},
    {"array_metatable_gc", Where::kAction, Code::kFailedPrecondition,
     "attempt to index a string value"},
    {"guard_mutates_vars", Where::kGuard, Code::kFailedPrecondition,
     "vars clean"},
    {"guard_emits", Where::kGuard, Code::kFailedPrecondition,
     "field 'emit'"},
    {"guard_reason_cut", Where::kGuard, Code::kFailedPrecondition,
     "ệệệệệệệệ"},
    {"tostring_address", Where::kAction, Code::kFailedPrecondition,
     "no address"},
    // --- C functions the count hook does not see -------------------------
    {"pattern_backtracking", Where::kGuard, Code::kResourceExhausted, kBudget},
    {"pattern_gsub_backtracking", Where::kAction, Code::kResourceExhausted,
     kBudget},
    {"pattern_gmatch_reuse", Where::kAction, Code::kFailedPrecondition,
     "reused after an error: false false false"},
    {"pattern_gmatch_resume", Where::kAction, Code::kFailedPrecondition,
     "complex: false false (too complex); resumed: hai,ba,bon"},
    {"pattern_plain_find", Where::kAction, Code::kResourceExhausted, kBudget},
    {"string_rep_empty", Where::kAction, Code::kResourceExhausted, kBudget},
    {"table_move_range", Where::kAction, Code::kResourceExhausted, kBudget},
    {"long_string_compare", Where::kAction, Code::kResourceExhausted,
     kOverTime},
    // --- Shared records and children (docs/lua.md) -------------------------
    {"host_calls_flood", Where::kAction, Code::kResourceExhausted,
     "at most 10000 values from outside its script"},
    {"children_flood", Where::kAction, Code::kResourceExhausted,
     "at most 1000 child instances"},
    // --- The source itself -----------------------------------------------
    {"bytecode_chunk", Where::kDeploy, Code::kInvalidArgument,
     "binary chunk"},
    {"source_over_limit", Where::kDeploy, Code::kResourceExhausted,
     "at most 1048576 bytes"},
    {"source_at_limit", Where::kGuard, Code::kResourceExhausted, kBudget},
    {"nested_tables_source", Where::kDeploy, Code::kInvalidArgument,
     "overflow"},
    {"nested_expression_source", Where::kDeploy, Code::kInvalidArgument,
     "overflow"},
    {"source_invalid_utf8", Where::kDeploy, Code::kInvalidArgument,
     "UTF-8"},
    {"declarations_amplified", Where::kDeploy, Code::kResourceExhausted,
     "declarations"},
    {"declarations_flood", Where::kDeploy, Code::kResourceExhausted,
     "declarations"},
    {"deadline_amount_huge", Where::kDeploy, Code::kInvalidArgument,
     "a century"},
};

// Names the row in test output (ctest shows GetParam()).
void PrintTo(const Attack& attack, std::ostream* out) { *out << attack.script; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Expands the markers that keep generated text out of the repository:
//   @@REPEAT n text@@  `text` n times
//   @@BYTE hh@@        one byte given in hex (ESC, bytes that are not UTF-8)
//   @@PAD n@@          comment lines, so that the whole file is n bytes
std::string Expand(const std::string& text) {
  std::string out;
  size_t pad_at = std::string::npos, pad_to = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("@@", i);
    if (open == std::string::npos) break;
    size_t close = text.find("@@", open + 2);
    if (close == std::string::npos) break;
    out.append(text, i, open - i);
    std::string marker = text.substr(open + 2, close - open - 2);
    size_t space = marker.find(' ');
    std::string verb = marker.substr(0, space);
    std::string rest = space == std::string::npos ? "" : marker.substr(space + 1);
    if (verb == "REPEAT") {
      size_t sep = rest.find(' ');
      int n = 0;
      EXPECT_TRUE(absl::SimpleAtoi(rest.substr(0, sep), &n)) << marker;
      std::string unit = rest.substr(sep + 1);
      for (int k = 0; k < n; ++k) out += unit;
    } else if (verb == "BYTE") {
      int byte = 0;
      EXPECT_TRUE(absl::SimpleHexAtoi(rest, &byte)) << marker;
      out += static_cast<char>(byte);
    } else if (verb == "PAD") {
      EXPECT_TRUE(absl::SimpleAtoi(rest, &pad_to)) << marker;
      pad_at = out.size();
    } else {
      ADD_FAILURE() << "unknown marker @@" << marker << "@@";
    }
    i = close + 2;
  }
  out.append(text, std::min(i, text.size()), std::string::npos);
  if (pad_at != std::string::npos) {
    EXPECT_GE(pad_to, out.size()) << "the file is already longer than PAD";
    size_t need = pad_to > out.size() ? pad_to - out.size() : 0;
    std::string filler;
    while (need - filler.size() >= 80) {
      filler += "--" + std::string(77, 'x') + "\n";
    }
    filler.append(need - filler.size(), ' ');
    out.insert(pad_at, filler);
  }
  return out;
}

// A normal workflow, to check the engine still works after an attack.
constexpr char kNormalWorkflow[] = R"lua(
workflow "binh_thuong" {
  initial = "du_thao",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx) ctx.vars.lan = 0 end,
}
state "du_thao" { title = "Dự thảo" }
state "xong" { title = "Xong", final = true }
transition "xong" {
  from = "du_thao", to = "xong",
  action = function(ctx)
    local keys = {}
    for k in pairs(ctx.vars) do keys[#keys + 1] = k end
    ctx.vars.lan = ctx.vars.lan + 1
    ctx.vars.khoa = table.concat(keys, ",")
    ctx.vars.hoa = string.upper("xong")
    ctx.emit("thong_bao", { den = ctx.vars.don_vi })
  end,
}
)lua";

constexpr char kStartVariables[] = R"({"don_vi":"Xã Tiên Du"})";

std::string Describe(const absl::Status& status) {
  std::string message(status.message().substr(0, 300));
  if (status.message().size() > 300) {
    absl::StrAppend(&message, "... (", status.message().size(), " bytes)");
  }
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", message);
}

class HostileTest : public ::testing::TestWithParam<Attack> {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("wf_hostile_", ::getpid(), "_", GetParam().script))
               .string();
    std::filesystem::remove_all(dir_);
    EngineOptions options;
    options.data_dir = dir_;
    options.clock = &clock_;
    options.run_timers = false;
    options.worker_threads = 1;
    // Small limits so that every attack is stopped quickly.
    options.limits.lua_instructions_per_call = 200'000;
    options.limits.lua_instructions_per_load = 2'000'000;
    options.limits.lua_memory_bytes = 16 << 20;
    options.limits.max_variables_bytes = 64 << 10;
    options.store.block_cache_bytes = 1 << 20;
    options.store.write_buffer_bytes = 1 << 20;
    options.store.total_write_buffer_bytes = 8 << 20;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    DeployRequest normal;
    normal.source = kNormalWorkflow;
    normal.file_name = "binh_thuong.lua";
    normal.actor = Actor::Embedder();
    auto deployed = engine_->Deploy(normal);
    ASSERT_TRUE(deployed.ok()) << deployed.status();
  }

  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs `call` and remembers the slowest call (checked against
  // kHangSeconds by ExpectNoHang).
  template <typename Call>
  auto Timed(const char* what, Call call) {
    auto start = std::chrono::steady_clock::now();
    auto result = call();
    auto took = std::chrono::steady_clock::now() - start;
    if (took > slowest_) {
      slowest_ = took;
      slowest_call_ = what;
    }
    return result;
  }

  void ExpectNoHang() {
    EXPECT_LT(slowest_, kHangSeconds)
        << slowest_call_ << " took "
        << std::chrono::duration<double>(slowest_).count()
        << " s: the attack was not stopped in time";
  }

  absl::StatusOr<DeployResult> Deploy(const std::string& source,
                                      const std::string& file) {
    DeployRequest request;
    request.source = source;
    request.file_name = file;
    request.actor = Actor::Embedder("quan-tri");
    return Timed("Deploy", [&] { return engine_->Deploy(request); });
  }

  absl::StatusOr<StartResult> Start(const std::string& workflow) {
    StartRequest request;
    request.workflow = workflow;
    request.variables_json = kStartVariables;
    request.actor = Actor::Embedder("can-bo.xa-tien-du");
    return Timed("Start", [&] { return engine_->Start(request); });
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& event) {
    FireRequest request;
    request.instance_id = id;
    request.event = event;
    request.actor = Actor::Embedder("chu-tich.xa-tien-du");
    return Timed("Fire", [&] { return engine_->Fire(request); });
  }

  size_t InstancesOf(const std::string& workflow) {
    ListInstancesRequest request;
    request.actor = Actor::Embedder();
    request.workflow = workflow;
    request.page_size = 1000;
    auto page = engine_->ListInstances(request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->instances.size() : 0;
  }

  std::string Versions() {
    auto list = engine_->ListWorkflows();
    EXPECT_TRUE(list.ok()) << list.status();
    std::string out;
    if (list.ok()) {
      for (const WorkflowInfo& w : *list) {
        absl::StrAppend(&out, w.name, "@", w.version, " ");
      }
    }
    return out;
  }

  // Runs the attack of GetParam(); returns the status of the attacking call
  // and records in `unchanged_` whether everything stayed as it was.
  absl::Status RunAttack() {
    const Attack& attack = GetParam();
    std::string source = Expand(ReadFile(
        absl::StrCat(WF_HOSTILE_SCRIPTS_DIR, "/", attack.script, ".lua")));
    EXPECT_FALSE(source.empty()) << attack.script;
    std::string file = absl::StrCat(attack.script, ".lua");
    if (attack.where == Where::kDeploy) {
      std::string before = Versions();
      auto deployed = Deploy(source, file);
      unchanged_ = Versions() == before;
      return deployed.status();
    }
    auto deployed = Deploy(source, file);
    if (!deployed.ok()) {
      ADD_FAILURE() << "the attack must deploy: " << deployed.status();
      return deployed.status();
    }
    workflow_ = deployed->workflow.name;
    if (attack.where == Where::kStart) {
      auto started = Start(workflow_);
      unchanged_ = InstancesOf(workflow_) == 0;
      return started.status();
    }
    auto started = Start(workflow_);
    if (!started.ok()) {
      ADD_FAILURE() << "the attacked workflow must start: " << started.status();
      return started.status();
    }
    instance_ = started->instance.id;
    auto before = engine_->GetInstance(instance_, Actor::Embedder());
    auto history_before = engine_->GetHistory(instance_, Actor::Embedder());
    EXPECT_TRUE(before.ok() && history_before.ok());
    auto fired = Fire(instance_, "go");
    auto after = engine_->GetInstance(instance_, Actor::Embedder());
    auto history_after = engine_->GetHistory(instance_, Actor::Embedder());
    EXPECT_TRUE(after.ok() && history_after.ok());
    unchanged_ = before.ok() && after.ok() && history_before.ok() &&
                 history_after.ok() && after->version == before->version &&
                 after->state == before->state &&
                 after->variables_json == before->variables_json &&
                 history_after->size() == history_before->size();
    return fired.status();
  }

  // The attacked sandbox (back in its pool) and the engine still work.
  void CheckStillWorks() {
    const Attack& attack = GetParam();
    if (attack.where == Where::kGuard || attack.where == Where::kAction) {
      auto ok = Fire(instance_, "ok");
      ASSERT_TRUE(ok.ok()) << "a normal step after the attack: " << ok.status();
      EXPECT_EQ(Json::parse(ok->instance.variables_json).value("ok", ""), "OK");
      auto report = engine_->Verify(instance_, Actor::Embedder());
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->ok) << report->problem;
    }
    auto started = Start("binh_thuong");
    ASSERT_TRUE(started.ok()) << started.status();
    auto fired = Fire(started->instance.id, "xong");
    ASSERT_TRUE(fired.ok()) << fired.status();
    Json vars = Json::parse(fired->instance.variables_json);
    EXPECT_EQ(vars["lan"], 1);
    EXPECT_EQ(vars["khoa"], "don_vi,lan");
    EXPECT_EQ(vars["hoa"], "XONG");
    auto report = engine_->Verify(started->instance.id, Actor::Embedder());
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok) << report->problem;
  }

  std::string dir_;
  // 16/01/2026 08:00 in Vietnam.
  ManualClock clock_{absl::FromUnixSeconds(1768525200)};
  std::unique_ptr<Engine> engine_;
  std::string workflow_;
  std::string instance_;
  bool unchanged_ = false;
  std::chrono::steady_clock::duration slowest_{};
  const char* slowest_call_ = "";
};

TEST_P(HostileTest, IsRefusedAndChangesNothing) {
  const Attack& attack = GetParam();
  absl::Status status = RunAttack();
  // The weaknesses the suite found are fixed (docs/hostile_input.md): a
  // regression fails here, it is not skipped.
  EXPECT_EQ(status.code(), attack.code) << Describe(status);
  bool named = absl::StrContains(status.message(), attack.fragment);
  // An attack on the instruction budget that also costs much wall-clock
  // time per instruction (recursion_pcall_tree: each level raises and
  // catches) can reach the time limit first on a busy machine (it did under
  // a load of 4 on 2 cores). Either limit stops it: both are the refusal
  // this asserts, and which comes first is the machine's speed, not the
  // engine's.
  named = named ||
          (absl::string_view(attack.fragment) == kBudget &&
           attack.code == absl::StatusCode::kResourceExhausted &&
           absl::StrContains(status.message(), "time limit"));
#ifdef WF_SANITIZED
  // Sanitizers slow Lua several-fold, so a memory bomb can reach the
  // wall-clock limit before the memory cap; either stops it.
  named = named || (attack.code == absl::StatusCode::kResourceExhausted &&
                    absl::StrContains(status.message(), "time limit"));
#endif
  EXPECT_TRUE(named) << "expected '" << attack.fragment << "' in "
                     << Describe(status);
  EXPECT_LE(status.message().size(), kMaxMessageBytes);
  EXPECT_TRUE(unchanged_) << "the refused call changed something";
  CheckStillWorks();
  ExpectNoHang();
}

std::string TestName(const ::testing::TestParamInfo<Attack>& info) {
  return info.param.script;
}

INSTANTIATE_TEST_SUITE_P(Scripts, HostileTest, ::testing::ValuesIn(kAttacks),
                         TestName);

// Every script has its row in kAttacks, and every row its script.
TEST(HostileSuite, EveryScriptIsInTheTable) {
  std::set<std::string> files, rows;
  for (const auto& entry :
       std::filesystem::directory_iterator(WF_HOSTILE_SCRIPTS_DIR)) {
    if (entry.path().extension() == ".lua") {
      files.insert(entry.path().stem().string());
    }
  }
  for (const Attack& attack : kAttacks) {
    EXPECT_TRUE(rows.insert(attack.script).second)
        << attack.script << " is listed twice";
  }
  EXPECT_EQ(files, rows);
  EXPECT_GE(files.size(), 30u);
}

TEST(HostileSuite, ExpandMarkers) {
  EXPECT_EQ(Expand("a@@REPEAT 3 {@@b"), "a{{{b");
  EXPECT_EQ(Expand("@@BYTE 1b@@Lua"), "\x1bLua");
  std::string padded = Expand("x\n@@PAD 300@@");
  EXPECT_EQ(padded.size(), 300u);
  EXPECT_EQ(padded.rfind("x\n--", 0), 0u);
}

// --- Determinism --------------------------------------------------------
// VerifyInstance replays a history in whichever pooled sandbox is free, or
// in a fresh one after a restart: a step must give the same result in every
// sandbox. Each probe is one action, run with the same input in two
// sandboxes alive at the same time (so with different Lua hash seeds and
// addresses).

struct Probe {
  const char* name;
  const char* action;  // body of function(ctx)
};

const Probe kProbes[] = {
    {"pairs_order",
     "local o = {} for k in pairs(ctx.payload) do o[#o + 1] = k end "
     "ctx.vars.r = table.concat(o, ',')"},
    {"math_random", "ctx.vars.r = math.random(1, 1 << 40)"},
    {"next_order",
     "local o, k = {}, nil "
     "repeat k = next(ctx.payload, k); o[#o + 1] = k until k == nil "
     "ctx.vars.r = table.concat(o, ',')"},
    {"tostring_address",
     "ctx.vars.r = tostring({}) .. ' ' .. tostring(print) .. ' ' .. "
     "string.format('%s', {})"},
};

void PrintTo(const Probe& probe, std::ostream* out) { *out << probe.name; }

class DeterminismTest : public ::testing::TestWithParam<Probe> {};

TEST_P(DeterminismTest, SameStepSameResultInEverySandbox) {
  const Probe& probe = GetParam();
  std::string source = absl::StrCat(
      "workflow \"p\" { initial = \"a\", who = { role = \"*\", unit = "
      "\"same_unit\" } }\n"
      "state \"a\" {}\nstate \"b\" { final = true }\n"
      "transition \"go\" { from = \"a\", to = \"b\", action = "
      "function(ctx) ",
      probe.action, " end }\n");
  SandboxOptions limits;
  limits.instructions_per_call = 200'000;
  limits.memory_bytes = 16 << 20;
  auto first = WorkflowScript::Load(source, "p.lua", limits);
  auto second = WorkflowScript::Load(source, "p.lua", limits);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  Json vars = Json::object();
  Json payload = Json::object();
  for (const char* key : {"don_vi", "han_nop", "nam", "so_lieu", "ly_do",
                          "noi_dung", "trich_yeu", "nguoi_ky", "so_van_ban",
                          "ngay_ky", "co_quan", "ghi_chu"}) {
    payload[key] = key;
  }
  CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  in.event = "go";
  in.now = absl::FromUnixSeconds(1768525200);
  in.random_seed = 20260116;
  auto a = (*first)->RunAction(0, in);
  auto b = (*second)->RunAction(0, in);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  // And the same sandbox again, as a warm pooled one would be.
  auto again = (*first)->RunAction(0, in);
  ASSERT_TRUE(again.ok()) << again.status();
  bool same = a->vars == b->vars && a->vars == again->vars;
  EXPECT_TRUE(same) << a->vars.dump() << " vs " << b->vars.dump();
  EXPECT_EQ(a->vars, b->vars);
  EXPECT_EQ(a->vars, again->vars);
}

INSTANTIATE_TEST_SUITE_P(
    Probes, DeterminismTest, ::testing::ValuesIn(kProbes),
    [](const ::testing::TestParamInfo<Probe>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace wf
