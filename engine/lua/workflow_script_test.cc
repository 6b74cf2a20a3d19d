#include "engine/lua/workflow_script.h"

#include <map>
#include <optional>
#include <string>

#include "engine/util/refusal.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

constexpr char kWorkflow[] = R"lua(
workflow "nop_ke_hoach" {
  title = "Nộp kế hoạch thực hiện",
  initial = "du_thao",
  start = function(ctx) ctx.vars.lan_nop = 0 end,
}

state "du_thao" { title = "Dự thảo" }
state "da_nop" { title = "Đã nộp" }
state "da_tiep_nhan" { title = "Đã tiếp nhận", final = true }

transition "nop" {
  from = "du_thao", to = "da_nop",
  requires = { "noi_dung" },
  guard = function(ctx)
    if #ctx.payload.noi_dung < 3 then return false, "Nội dung quá ngắn" end
    return true
  end,
  action = function(ctx)
    ctx.vars.lan_nop = ctx.vars.lan_nop + 1
    ctx.vars.noi_dung = ctx.payload.noi_dung
    ctx.vars.ngay_nop = ctx.today
    ctx.emit("thong_bao", { den = "cong_an_tinh" })
  end,
}

transition "tiep_nhan" { from = "da_nop", to = "da_tiep_nhan" }
)lua";

SandboxOptions TestLimits() {
  SandboxOptions limits;
  limits.instructions_per_call = 100'000;
  limits.memory_bytes = 16 << 20;
  return limits;
}

CallInput Input(const Json& vars, const Json& payload) {
  CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  in.event = "nop";
  in.actor = "can-bo.xa-tien-du";
  in.instance_id = "wi-000000000001";
  in.now = absl::FromUnixSeconds(1768525200);  // 2026-01-16 08:00 +07
  return in;
}

TEST(WorkflowScriptTest, ReadsDeclarationsWithLines) {
  auto script = WorkflowScript::Load(kWorkflow, "nop.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  const WorkflowSpec& spec = (*script)->spec();
  EXPECT_TRUE(spec.problems.empty());
  EXPECT_EQ(spec.name, "nop_ke_hoach");
  EXPECT_EQ(spec.title, "Nộp kế hoạch thực hiện");
  EXPECT_EQ(spec.initial, "du_thao");
  EXPECT_TRUE(spec.has_start);
  EXPECT_EQ(spec.line, 2);
  ASSERT_EQ(spec.states.size(), 3u);
  EXPECT_EQ(spec.states[2].name, "da_tiep_nhan");
  EXPECT_TRUE(spec.states[2].final);
  EXPECT_EQ(spec.states[1].line, 9);
  ASSERT_EQ(spec.transitions.size(), 2u);
  EXPECT_EQ(spec.transitions[0].event, "nop");
  EXPECT_EQ(spec.transitions[0].line, 12);
  EXPECT_EQ(spec.transitions[0].requires_fields,
            std::vector<std::string>{"noi_dung"});
  EXPECT_TRUE(spec.transitions[0].has_guard);
  EXPECT_FALSE(spec.transitions[1].has_action);
}

TEST(WorkflowScriptTest, UnknownFieldsAndMissingTablesAreReported) {
  auto script = WorkflowScript::Load(R"(
workflow "w" { initial = "a" }
state "a" { titel = "A" }
state "b"
transition "go" { from = "a", to = "b", gaurd = function() end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  const auto& problems = (*script)->spec().problems;
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_NE(problems[0].find("w.lua:3: unknown field 'titel' in state 'a'"),
            std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("w.lua:5: unknown field 'gaurd'"),
            std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("w.lua:4: state 'b' is declared without its"),
            std::string::npos) << problems[2];
}

TEST(WorkflowScriptTest, FieldsAreReadByNameAndTheirMistakesReported) {
  auto good = WorkflowScript::Load(R"(
workflow "w" { initial = "a", fields = {
  so_tien = { title = "Số tiền", kind = "integer" },
  ly_do = "Lý do",
  xa = { kind = "list" },
} }
state "a" { final = true }
)",
                                   "w.lua", TestLimits());
  ASSERT_TRUE(good.ok()) << good.status();
  const WorkflowSpec& spec = (*good)->spec();
  EXPECT_TRUE(spec.problems.empty());
  ASSERT_EQ(spec.fields.size(), 3u);
  EXPECT_EQ(spec.fields[0].name, "ly_do");
  EXPECT_EQ(spec.fields[0].title, "Lý do");
  EXPECT_EQ(spec.fields[0].kind, FieldKind::kText);
  ASSERT_NE(spec.Field("so_tien"), nullptr);
  EXPECT_EQ(spec.Field("so_tien")->kind, FieldKind::kInteger);
  EXPECT_EQ(spec.Field("xa")->title, "");
  EXPECT_EQ(spec.Field("xa")->kind, FieldKind::kList);
  EXPECT_EQ(spec.Field("han"), nullptr);

  auto bad = WorkflowScript::Load(R"(
workflow "w" { initial = "a", fields = {
  so_tien = { kind = "money" },
  ["Lý do"] = "Lý do",
  han = { title = "Hạn", type = "date" },
  xa = 3,
} }
state "a" { final = true }
)",
                                  "w.lua", TestLimits());
  ASSERT_TRUE(bad.ok()) << bad.status();
  std::string all;
  for (const std::string& p : (*bad)->spec().problems) all += p + "\n";
  EXPECT_NE(all.find("the kind of field 'so_tien' of workflow 'w' must be "
                     "one of text, long_text, integer, number, date, list, "
                     "boolean"), std::string::npos) << all;
  EXPECT_NE(all.find("the fields of workflow 'w' are named like variables"),
            std::string::npos) << all;
  EXPECT_NE(all.find("unknown field 'type' in field 'han' of workflow 'w'"),
            std::string::npos) << all;
  EXPECT_NE(all.find("field 'xa' of workflow 'w' must be its title, or a "
                     "table"), std::string::npos) << all;
  EXPECT_EQ((*bad)->spec().problems.size(), 4u) << all;
  EXPECT_NE(all.find("w.lua:2: "), std::string::npos) << all;
}

TEST(WorkflowScriptTest, GuardRefusesWithItsReason) {
  auto script = WorkflowScript::Load(kWorkflow, "nop.lua", TestLimits());
  ASSERT_TRUE(script.ok());
  Json vars = {{"lan_nop", 0}};
  Json payload = {{"noi_dung", "ab"}};
  auto guard = (*script)->RunGuard(0, Input(vars, payload));
  ASSERT_TRUE(guard.ok()) << guard.status();
  EXPECT_FALSE(guard->allowed);
  EXPECT_EQ(guard->reason, "Nội dung quá ngắn");
  payload["noi_dung"] = "Kế hoạch số 05";
  guard = (*script)->RunGuard(0, Input(vars, payload));
  ASSERT_TRUE(guard.ok());
  EXPECT_TRUE(guard->allowed);
}

TEST(WorkflowScriptTest, ActionChangesVariablesAndEmitsEffects) {
  auto script = WorkflowScript::Load(kWorkflow, "nop.lua", TestLimits());
  ASSERT_TRUE(script.ok());
  Json vars = {{"lan_nop", 1}, {"ghi_chu", nullptr}, {"ds", Json::array()}};
  Json payload = {{"noi_dung", "Kế hoạch số 05"}};
  auto result = (*script)->RunAction(0, Input(vars, payload));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->vars["lan_nop"], 2);
  EXPECT_EQ(result->vars["noi_dung"], "Kế hoạch số 05");
  EXPECT_EQ(result->vars["ngay_nop"], "2026-01-16");
  // null and the empty list survive the round trip through Lua.
  EXPECT_TRUE(result->vars["ghi_chu"].is_null());
  EXPECT_TRUE(result->vars["ds"].is_array());
  ASSERT_EQ(result->effects.size(), 1u);
  EXPECT_EQ(result->effects[0]["kind"], "thong_bao");
  EXPECT_EQ(result->effects[0]["data"]["den"], "cong_an_tinh");
}

TEST(WorkflowScriptTest, StartFunctionRuns) {
  auto script = WorkflowScript::Load(kWorkflow, "nop.lua", TestLimits());
  ASSERT_TRUE(script.ok());
  Json vars = Json::object();
  Json payload = Json::object();
  auto result = (*script)->RunStart(Input(vars, payload));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->vars["lan_nop"], 0);
}

TEST(WorkflowScriptTest, BadOutputsAreScriptErrors) {
  auto script = WorkflowScript::Load(R"(
workflow "w" { initial = "a" }
state "a" {}
transition "fn" { from = "a", to = "a", action = function(ctx) ctx.vars.f = print end }
transition "bytes" { from = "a", to = "a", action = function(ctx) ctx.vars.s = "\xff" end }
transition "holes" { from = "a", to = "a", action = function(ctx) ctx.vars.l = {1, nil, 3} end }
transition "boom" { from = "a", to = "a", action = function(ctx) local x = nil; return x.y end }
transition "global" { from = "a", to = "a", action = function(ctx) leak = 1 end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  Json vars = Json::object(), payload = Json::object();
  auto expect_error = [&](int t, const std::string& fragment) {
    auto r = (*script)->RunAction(t, Input(vars, payload));
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find(fragment), std::string::npos)
        << r.status();
  };
  expect_error(0, "ctx.vars.f holds a function");
  expect_error(1, "ctx.vars.s is not valid UTF-8");
  expect_error(2, "holes");
  expect_error(3, "w.lua:7:");
  expect_error(4, "cannot create the global 'leak'");
}

// A failure of the script's own says where it happened, for a program to
// group failures by; a guard's refusal is not a failure.
TEST(WorkflowScriptTest, ScriptFailuresNameTheirFunction) {
  auto script = WorkflowScript::Load(R"(
workflow "w" {
  initial = "a",
  start = function(ctx) error("start broke") end,
}
state "a" {
  deadline = { date = function(ctx) return "mai" end, fire = "het" },
}
transition "g" { from = "a", to = "a", guard = function(ctx) local x = nil; return x.y end }
transition "bad" { from = "a", to = "a", action = function(ctx) ctx.vars.f = print end }
transition "het" { from = "a", to = "a" }
transition "no" { from = "a", to = "a", guard = function(ctx) return false, "Chưa đủ" end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  ASSERT_TRUE((*script)->spec().problems.empty());
  Json vars = Json::object(), payload = Json::object();
  auto where = [](const absl::Status& status) {
    std::optional<RefusalDetails> details = ReadRefusal(status);
    EXPECT_TRUE(details.has_value()) << status;
    if (!details.has_value()) return std::map<std::string, std::string>();
    EXPECT_EQ(details->reason, "SCRIPT_FAILED") << status;
    return details->metadata;
  };
  using Fields = std::map<std::string, std::string>;
  auto start = (*script)->RunStart(Input(vars, payload));
  ASSERT_FALSE(start.ok());
  EXPECT_EQ(where(start.status()), (Fields{{"workflow", "w"},
                                           {"function", "start"},
                                           {"file", "w.lua"},
                                           {"line", "2"}}));
  auto guard = (*script)->RunGuard(0, Input(vars, payload));
  ASSERT_FALSE(guard.ok());
  EXPECT_EQ(where(guard.status()),
            (Fields{{"workflow", "w"}, {"function", "guard"}, {"event", "g"},
                    {"file", "w.lua"}, {"line", "9"}}));
  auto action = (*script)->RunAction(1, Input(vars, payload));
  ASSERT_FALSE(action.ok());
  EXPECT_EQ(where(action.status()),
            (Fields{{"workflow", "w"}, {"function", "action"}, {"event", "bad"},
                    {"file", "w.lua"}, {"line", "10"}}));
  auto date = (*script)->RunDeadlineDate(0, Input(vars, payload));
  ASSERT_FALSE(date.ok());
  EXPECT_NE(date.status().message().find("'mai'"), std::string::npos);
  EXPECT_EQ(where(date.status()),
            (Fields{{"workflow", "w"}, {"function", "deadline"}, {"state", "a"},
                    {"file", "w.lua"}, {"line", "6"}}));
  auto refused = (*script)->RunGuard(3, Input(vars, payload));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(refused->allowed);
}

// wf.refuse: a refusal with the official's reason from wherever the script
// is, as a guard's `return false, reason`; not a failure of the script.
TEST(WorkflowScriptTest, RefuseEndsTheStepWithTheOfficialsReason) {
  auto script = WorkflowScript::Load(R"(
local function kiem_tra(ctx)
  if ctx.vars.so == nil then wf.refuse("Chưa có số quyết định") end
end
workflow "w" {
  initial = "a",
  start = function(ctx) if ctx.vars.tu_choi then wf.refuse("Không mở được: " .. ctx.vars.tu_choi) end end,
}
state "a" {}
transition "ky" { from = "a", to = "a", action = function(ctx) ctx.vars.da_ky = true; kiem_tra(ctx) end }
transition "g" { from = "a", to = "a", guard = function(ctx) kiem_tra(ctx); return true end }
transition "rong" { from = "a", to = "a", action = function(ctx) wf.refuse("") end }
transition "so" { from = "a", to = "a", action = function(ctx) wf.refuse(7) end }
transition "bat" { from = "a", to = "a", action = function(ctx)
  local ok, err = pcall(wf.refuse, "bắt được")
  ctx.vars.bat = (not ok) and getmetatable(err) == "refusal"
end }
transition "doi" { from = "a", to = "a", action = function(ctx)
  local _, err = pcall(wf.refuse, "bắt được")
  err.reason = {}
  error(err)
end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  Json vars = Json::object(), payload = Json::object();
  CallInput in = Input(vars, payload);
  in.from = "a";
  auto action = (*script)->RunAction(0, in);
  ASSERT_FALSE(action.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(action.status())) << action.status();
  std::optional<RefusalDetails> details = ReadRefusal(action.status());
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->reason, "GUARD_REFUSED");
  EXPECT_EQ(details->vietnamese, "Chưa có số quyết định");
  EXPECT_EQ(details->metadata["event"], "ky");
  EXPECT_EQ(details->metadata["state"], "a");
  EXPECT_EQ(details->metadata["instance_id"], "wi-000000000001");
  EXPECT_NE(action.status().message().find("refused the step with wf.refuse"),
            std::string::npos);
  // Where it has what it needs, the same action goes on.
  Json numbered = {{"so", "01/QĐ-UBND"}};
  auto signed_ = (*script)->RunAction(0, Input(numbered, payload));
  ASSERT_TRUE(signed_.ok()) << signed_.status();
  EXPECT_EQ(signed_->vars["da_ky"], true);

  // In a guard it is the guard's refusal.
  auto guard = (*script)->RunGuard(1, in);
  ASSERT_TRUE(guard.ok()) << guard.status();
  EXPECT_FALSE(guard->allowed);
  EXPECT_EQ(guard->reason, "Chưa có số quyết định");
  // In start too.
  Json start_vars = {{"tu_choi", "thiếu đơn vị"}};
  auto start = (*script)->RunStart(Input(start_vars, payload));
  ASSERT_FALSE(start.ok());
  EXPECT_EQ(ReadRefusal(start.status())->vietnamese,
            "Không mở được: thiếu đơn vị");
  EXPECT_EQ(ReadRefusal(start.status())->metadata["event"], "start");

  // A reason must be text, and say something: otherwise the script failed.
  for (int t : {2, 3}) {
    auto bad = (*script)->RunAction(t, in);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(ReadRefusal(bad.status())->reason, "SCRIPT_FAILED") << bad.status();
    EXPECT_NE(bad.status().message().find("wf.refuse(reason)"), std::string::npos);
  }
  // So is a caught refusal raised again with its reason made a table.
  auto changed = (*script)->RunAction(5, in);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(ReadRefusal(changed.status())->reason, "SCRIPT_FAILED")
      << changed.status();
  // A script may catch it, as any error: then the step goes on.
  auto caught = (*script)->RunAction(4, in);
  ASSERT_TRUE(caught.ok()) << caught.status();
  EXPECT_EQ(caught->vars["bat"], true);
}

TEST(WorkflowScriptTest, EndlessGuardIsResourceExhausted) {
  auto script = WorkflowScript::Load(R"(
workflow "w" { initial = "a" }
state "a" {}
transition "spin" { from = "a", to = "a", guard = function() while true do end end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok());
  Json vars = Json::object(), payload = Json::object();
  auto r = (*script)->RunGuard(0, Input(vars, payload));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("transition 'spin' (w.lua:4)"),
            std::string::npos) << r.status();
}

TEST(WorkflowScriptTest, DeclaringInsideAnActionFails) {
  auto script = WorkflowScript::Load(R"(
workflow "w" { initial = "a" }
state "a" {}
transition "sneaky" { from = "a", to = "a", action = function() state "b" {} end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok());
  Json vars = Json::object(), payload = Json::object();
  auto r = (*script)->RunAction(0, Input(vars, payload));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("top level"), std::string::npos);
}


// Text a script builds is stored as NFC, like text that comes in through the
// API: a decomposed "Tiên" (e + U+0302 + n) built from pieces becomes the
// composed one, in values, keys, effects and guard reasons; and two keys
// that differ only in normalisation are refused rather than both kept.
TEST(WorkflowScriptTest, TextBuiltInLuaIsStoredAsNfc) {
  auto script = WorkflowScript::Load(R"(
workflow "w" { initial = "a" }
state "a" {}
local decomposed = "Tie" .. utf8.char(0x302) .. "n"
transition "build" { from = "a", to = "a", action = function(ctx)
  ctx.vars.ten = decomposed
  ctx.vars[decomposed] = 1
  ctx.emit("thong_bao", { den = decomposed })
end }
transition "twice" { from = "a", to = "a", action = function(ctx)
  ctx.vars["Ti" .. utf8.char(0xEA) .. "n"] = 1
  ctx.vars[decomposed] = 2
end }
transition "refuse" { from = "a", to = "a", guard = function(ctx)
  return false, "Thi" .. "e" .. utf8.char(0x302) .. "u"
end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  const std::string composed = "Ti\xc3\xaan";  // Tiên, NFC
  Json vars = Json::object(), payload = Json::object();
  auto built = (*script)->RunAction(0, Input(vars, payload));
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->vars["ten"], composed);
  EXPECT_TRUE(built->vars.contains(composed)) << built->vars.dump();
  EXPECT_EQ(built->effects[0]["data"]["den"], composed);

  auto twice = (*script)->RunAction(1, Input(vars, payload));
  ASSERT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(twice.status().message().find("has two fields named '" + composed),
            std::string::npos)
      << twice.status();

  auto guard = (*script)->RunGuard(2, Input(vars, payload));
  ASSERT_TRUE(guard.ok()) << guard.status();
  EXPECT_EQ(guard->reason, "Thi\xc3\xaau");  // "Thiêu", composed
}

// An effect's data reaches clients as an object (google.protobuf.Struct):
// a list is refused when emitted, not mangled later. An empty table is an
// empty object.
TEST(WorkflowScriptTest, EmitRefusesAListAsData) {
  auto script = WorkflowScript::Load(R"(
workflow "w" { initial = "a" }
state "a" {}
transition "list" { from = "a", to = "a", action = function(ctx)
  ctx.emit("thong_bao", { "so_noi_vu", "cong_an_tinh" })
end }
transition "marked" { from = "a", to = "a", action = function(ctx)
  ctx.emit("thong_bao", wf.array({}))
end }
transition "empty" { from = "a", to = "a", action = function(ctx)
  ctx.emit("thong_bao", {})
end }
)",
                                     "w.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  Json vars = Json::object(), payload = Json::object();
  for (int list : {0, 1}) {
    auto refused = (*script)->RunAction(list, Input(vars, payload));
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(refused.status().message().find("table of named fields"),
              std::string::npos) << refused.status();
  }
  auto empty = (*script)->RunAction(2, Input(vars, payload));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->effects[0]["data"], Json::object());
}

// Code nested too deeply for Lua's parser: the refusal names the file and
// the line where the nesting goes too deep, not only "C stack overflow".
TEST(WorkflowScriptTest, TooDeepNestingNamesFileAndLine) {
  std::string source =
      "workflow \"w\" { initial = \"a\" }\nstate \"a\" {}\n"
      "local ok = 1\n"
      "local n = " + std::string(100000, '(') + "1" + std::string(100000, ')') +
      "\n";
  auto refused = WorkflowScript::Load(source, "sau.lua", TestLimits());
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
      << refused.status();
  EXPECT_NE(refused.status().message().find("sau.lua:4:"), std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("nested too deeply"),
            std::string::npos)
      << refused.status();
  // Spread over many lines, the line is the one where the limit is passed.
  std::string lines = "workflow \"w\" { initial = \"a\" }\nstate \"a\" {}\nlocal t =\n";
  for (int i = 0; i < 1000; ++i) lines += "{\n";
  auto deep = WorkflowScript::Load(lines, "sau.lua", TestLimits());
  ASSERT_EQ(deep.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(deep.status().message());
  size_t at = message.find("sau.lua:");
  ASSERT_NE(at, std::string::npos) << message;
  int line = std::atoi(message.c_str() + at + 8);
  // Lua allows about 200 levels of C calls: the line is near 3 + 200.
  EXPECT_GT(line, 100) << message;
  EXPECT_LT(line, 300) << message;
}

}  // namespace
}  // namespace wf

namespace wf {
namespace {

// ctx.plugin (docs/plugins.md): the manifest's table, frozen at every
// depth, run once per state and version.
constexpr char kPluginWorkflow[] = R"lua(
workflow "doc" { initial = "a", plugin = true, hooks = { "goi_y" },
  start = function(ctx)
    local keys = {}
    for k in pairs(ctx.plugin.so) do keys[#keys + 1] = k end
    ctx.vars.keys = table.concat(keys, ",")
    ctx.vars.n = #ctx.plugin.list
    ctx.vars.second = ctx.plugin.list[2]
    ctx.vars.version = ctx.plugin.version
    ctx.vars.hook = ctx.plugin.hooks.goi_y(ctx)
  end,
}
state "a" {}
transition "doi" { from = "a", stay = true,
  action = function(ctx) ctx.plugin.so.b = 1 end }
transition "them" { from = "a", stay = true,
  action = function(ctx) rawset(ctx.plugin, "x", 1) end }
)lua";

constexpr char kManifest[] = R"lua(
return { so = { b = 2, a = 1 }, list = { "x", "y", "z" },
         hooks = { goi_y = function(ctx) return "so_noi_vu" end } }
)lua";

TEST(WorkflowScriptPluginTest, PluginIsReadOnlyAtEveryDepth) {
  auto script = WorkflowScript::Load(kPluginWorkflow, "doc.lua", TestLimits());
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_TRUE((*script)->spec().plugin);
  EXPECT_EQ((*script)->spec().hooks, std::vector<std::string>{"goi_y"});
  PluginSource plugin;
  plugin.name = "son_moc";
  plugin.version = 3;
  plugin.manifest = kManifest;
  Json vars = Json::object(), payload = Json::object();
  CallInput in = Input(vars, payload);
  in.plugin = &plugin;
  auto started = (*script)->RunStart(in);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->vars["keys"], "a,b");
  EXPECT_EQ(started->vars["n"], 3);
  EXPECT_EQ(started->vars["second"], "y");
  EXPECT_EQ(started->vars["version"], 3);
  EXPECT_EQ(started->vars["hook"], "so_noi_vu");
  for (int t : {0, 1}) {
    auto changed = (*script)->RunAction(t, in);
    EXPECT_TRUE(absl::IsFailedPrecondition(changed.status()));
    EXPECT_NE(changed.status().message().find(t == 0 ? "ctx.plugin chỉ đọc"
                                                     : "read-only"),
              std::string::npos)
        << changed.status();
  }
  // A call without a plugin sees nil.
  CallInput without = Input(vars, payload);
  EXPECT_FALSE((*script)->RunStart(without).ok());
}

}  // namespace
}  // namespace wf
