// Copyright the wf-engine authors. Apache-2.0.
//
// ctx and ctx.vars are lazy tables (lazy_table.h, lazy_json.h, call_context.h):
// a script must not be able to tell them from plain tables, and an action's
// result must be the input with exactly what the action changed.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/lua/workflow_script.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

SandboxOptions Limits() {
  SandboxOptions limits;
  limits.instructions_per_call = 200'000;
  limits.memory_bytes = 16 << 20;
  return limits;
}

// A workflow with one transition "t" whose guard and action bodies are
// given (function(ctx) <body> end); `prelude` is top-level code before it.
std::unique_ptr<WorkflowScript> Load(const std::string& guard,
                                     const std::string& action,
                                     const SandboxOptions& limits = Limits(),
                                     const std::string& prelude = "") {
  std::string source = absl::StrCat(
      "workflow \"w\" { initial = \"a\" }\nstate \"a\" {}\n", prelude,
      "\ntransition \"t\" { from = \"a\", to = \"a\"");
  if (!guard.empty()) {
    absl::StrAppend(&source, ", guard = function(ctx) ", guard, " end");
  }
  if (!action.empty()) {
    absl::StrAppend(&source, ", action = function(ctx) ", action, " end");
  }
  absl::StrAppend(&source, " }\n");
  auto script = WorkflowScript::Load(source, "w.lua", limits);
  EXPECT_TRUE(script.ok()) << script.status();
  return script.ok() ? *std::move(script) : nullptr;
}

CallInput Input(const Json& vars, const Json& payload) {
  CallInput in;
  in.vars = &vars;
  in.payload = &payload;
  in.event = "t";
  in.actor = "can-bo.xa-tien-du";
  in.now = absl::FromUnixSeconds(1768525200);  // 2026-01-16 08:00 +07
  return in;
}

const Json kVars = {
    {"ten", "Xã Tiên Du"},
    {"so", 3},
    {"ty_le", 0.5},
    {"xong", false},
    {"ghi_chu", nullptr},
    {"ds", {1, 2, 3}},
    {"nguoi", {{"ho", "Nguyễn"}, {"tuoi", 40}}},
};
const Json kNoPayload = Json::object();

TEST(LazyVarsTest, GuardReadsFieldsOfEveryKind) {
  auto script = Load(
      "return false, ctx.vars.ten .. '|' .. ctx.vars.so .. '|' .. "
      "ctx.vars.ty_le .. '|' .. tostring(ctx.vars.xong) .. '|' .. "
      "tostring(ctx.vars.ghi_chu == wf.null) .. '|' .. ctx.vars.ds[2] .. "
      "'|' .. ctx.vars.nguoi.ho .. '|' .. tostring(ctx.vars.khong_co)",
      "");
  ASSERT_NE(script, nullptr);
  auto guard = script->RunGuard(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(guard.ok()) << guard.status();
  EXPECT_EQ(guard->reason, "Xã Tiên Du|3|0.5|false|true|2|Nguyễn|nil");
}

// pairs and next give the fields a plain table with the same contents
// gives, in the same (sorted) order, whether read before or not; rawget
// sees fields not read yet; # and ipairs of the table itself are those of
// a table of named fields.
TEST(LazyVarsTest, TraversalsMatchAPlainTable) {
  auto script = Load("", R"(
    local raw = rawget(ctx.vars, "ten")  -- a field not made yet
    local _ = ctx.vars.so  -- one field made before the traversal
    local function walk(t)
      local out = {}
      for k, v in pairs(t) do out[#out + 1] = k .. "=" .. type(v) end
      return table.concat(out, ",")
    end
    local function walk_next(t)
      local out, k = {}, nil
      repeat k = next(t, k); out[#out + 1] = k until k == nil
      return table.concat(out, ",")
    end
    local plain = {}
    for k, v in pairs(ctx.vars) do plain[k] = v end
    local seen, by_next, n = walk(ctx.vars), walk_next(ctx.vars), 0
    for _ in ipairs(ctx.vars) do n = n + 1 end
    ctx.vars.pairs = seen
    ctx.vars.plain = walk(plain)
    ctx.vars.next = by_next
    ctx.vars.raw = raw
    ctx.vars.len = #ctx.vars + n
    ctx.vars.meta = tostring(getmetatable(ctx.vars))
  )");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["pairs"],
            "ds=table,ghi_chu=userdata,nguoi=table,so=number,ten=string,"
            "ty_le=number,xong=boolean");
  EXPECT_EQ(r->vars["plain"], r->vars["pairs"]);
  EXPECT_EQ(r->vars["next"], "ds,ghi_chu,nguoi,so,ten,ty_le,xong");
  EXPECT_EQ(r->vars["raw"], "Xã Tiên Du");
  EXPECT_EQ(r->vars["len"], 0);
  EXPECT_EQ(r->vars["meta"], "nil");
}

TEST(LazyVarsTest, ChangesAreInTheResultAndTheRestIsKept) {
  auto script = Load("", R"(
    ctx.vars.ds[#ctx.vars.ds + 1] = 4       -- a list changed in place
    local nguoi = ctx.vars.nguoi
    nguoi.tuoi = nguoi.tuoi + 1             -- an object changed in place
    ctx.vars.moi = { a = 1 }                -- added
    ctx.vars.xong = nil                     -- deleted before being read
    local _ = ctx.vars.ghi_chu
    ctx.vars.ghi_chu = nil                  -- deleted after being read
    ctx.vars.so = ctx.vars.so               -- set to the same value
    rawset(ctx.vars, "qua_rawset", true)    -- rawset is recorded too
  )");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  Json expected = kVars;
  expected["ds"] = {1, 2, 3, 4};
  expected["nguoi"]["tuoi"] = 41;
  expected["moi"] = {{"a", 1}};
  expected["qua_rawset"] = true;
  expected.erase("xong");
  expected.erase("ghi_chu");
  EXPECT_EQ(r->vars, expected) << r->vars.dump();
}

// A deleted field stays deleted: neither a second read nor a traversal
// brings it back from the input.
TEST(LazyVarsTest, DeletedFieldsStayDeleted) {
  auto script = Load("", R"(
    ctx.vars.ten = nil
    local _ = ctx.vars.so
    ctx.vars.so = nil
    local names = {}
    for k in pairs(ctx.vars) do names[#names + 1] = k end
    ctx.vars.names = table.concat(names, ",")
    ctx.vars.again = tostring(ctx.vars.ten) .. tostring(ctx.vars.so)
  )");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["names"], "ds,ghi_chu,nguoi,ty_le,xong");
  EXPECT_EQ(r->vars["again"], "nilnil");
  EXPECT_FALSE(r->vars.contains("ten"));
  EXPECT_FALSE(r->vars.contains("so"));
}

// Fields the action did not change come back exactly as they came in,
// even where converting them through Lua would not give the same JSON (a
// number above Lua's integers, text not in NFC from an older engine).
TEST(LazyVarsTest, UntouchedFieldsAreByteIdentical) {
  auto script = Load("", "local _ = ctx.vars.decomposed; ctx.vars.n = 1");
  ASSERT_NE(script, nullptr);
  Json vars = kVars;
  vars["big"] = uint64_t{18446744073709551615u};
  vars["decomposed"] = "Tie\xcc\x82n";  // e + U+0302: not NFC
  auto r = script->RunAction(0, Input(vars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  Json expected = vars;
  expected["n"] = 1;
  EXPECT_EQ(r->vars.dump(), expected.dump());
  EXPECT_TRUE(r->vars["big"].is_number_unsigned());
}

TEST(LazyVarsTest, ReplacingVarsWholesaleWorksAsBefore) {
  auto script = Load("", R"(
    if ctx.payload.cach == "bang" then ctx.vars = { chi = "moi", ds = ctx.vars.ds }
    elseif ctx.payload.cach == "so" then ctx.vars = 5
    else ctx.vars = { 1, 2 } end
  )");
  ASSERT_NE(script, nullptr);
  Json payload = {{"cach", "bang"}};
  auto r = script->RunAction(0, Input(kVars, payload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars, Json({{"chi", "moi"}, {"ds", {1, 2, 3}}}));

  payload["cach"] = "so";
  r = script->RunAction(0, Input(kVars, payload));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("replaced ctx.vars with a non-table"),
            std::string::npos)
      << r.status();

  payload["cach"] = "ds";
  r = script->RunAction(0, Input(kVars, payload));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("turned ctx.vars into a list"),
            std::string::npos)
      << r.status();
}

TEST(LazyVarsTest, LengthAndIpairsOfAListField) {
  auto script = Load("", R"(
    local sum = 0
    for i, v in ipairs(ctx.vars.ds) do sum = sum + i * v end
    ctx.vars.n = #ctx.vars.ds
    ctx.vars.sum = sum
    table.insert(ctx.vars.ds, 9)
  )");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["n"], 3);
  EXPECT_EQ(r->vars["sum"], 1 * 1 + 2 * 2 + 3 * 3);
  EXPECT_EQ(r->vars["ds"], Json({1, 2, 3, 9}));
}

// A table field the action read is converted back, but the tables inside
// it that still equal the input's are reused from the input: the same JSON
// as converting them, to the byte (text not in NFC stays as it came, like
// an untouched field), while what changed is converted.
const Json kLog = {
    {"log",
     {{{"buoc", "a"}, {"n", 1}, {"ghi_chu", "Tie\xcc\x82n"}},  // not NFC
      {{"buoc", "b"}, {"n", 2}, {"ds", Json::array()}, {"o", Json::object()}}}},
};

// The variables `action` leaves, run over `vars`.
Json RunOn(const Json& vars, const std::string& action) {
  auto script = Load("", action);
  if (script == nullptr) return nullptr;
  auto r = script->RunAction(0, Input(vars, kNoPayload));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->vars : Json();
}

Json RunOnLog(const std::string& action) { return RunOn(kLog, action); }

TEST(LazyVarsTest, AppendedListKeepsItsOldItems) {
  Json vars = RunOnLog(R"(
    local log = ctx.vars.log
    log[#log + 1] = { buoc = "c", ghi_chu = "Tie\u{302}n", ds = wf.array() }
  )");
  Json expected = kLog;
  expected["log"].push_back(
      {{"buoc", "c"}, {"ghi_chu", "Ti\xc3\xaan"}, {"ds", Json::array()}});
  EXPECT_EQ(vars.dump(), expected.dump());
}

TEST(LazyVarsTest, OldItemChangedInPlaceIsWrittenBack) {
  Json vars = RunOnLog("ctx.vars.log[2].n = 3; ctx.vars.log[2].ds[1] = 'x'");
  Json expected = kLog;
  expected["log"][1]["n"] = 3;
  expected["log"][1]["ds"] = {"x"};
  EXPECT_EQ(vars.dump(), expected.dump());

  vars = RunOnLog("ctx.vars.log[1].n = nil; ctx.vars.log[2].o.k = true");
  expected = kLog;
  expected["log"][0].erase("n");
  expected["log"][0]["ghi_chu"] = "Ti\xc3\xaan";  // converted: in NFC
  expected["log"][1]["o"] = {{"k", true}};
  EXPECT_EQ(vars.dump(), expected.dump());
}

TEST(LazyVarsTest, ShortenedOrReplacedListIsWrittenBack) {
  Json vars = RunOnLog("local log = ctx.vars.log; log[#log] = nil");
  EXPECT_EQ(vars["log"], Json::array({kLog["log"][0]}));

  vars = RunOnLog("ctx.vars.log = { x = ctx.vars.log[1].buoc }");
  EXPECT_EQ(vars["log"], Json({{"x", "a"}}));

  // An item replaced by an equal plain table: the same JSON.
  vars = RunOnLog(
      "ctx.vars.log[2] = { buoc = 'b', n = 2, ds = wf.array(), o = {} }");
  EXPECT_EQ(vars.dump(), kLog.dump());

  // An empty list given as a plain {} becomes an object, as before.
  vars = RunOnLog("ctx.vars.log[2].ds = {}");
  EXPECT_EQ(vars["log"][1]["ds"], Json::object());

  // An item that became a list, and a float where an integer was.
  vars = RunOnLog("ctx.vars.log[1] = { 'a' }; ctx.vars.log[2].n = 2.0");
  EXPECT_EQ(vars["log"][0], Json::array({"a"}));
  EXPECT_TRUE(vars["log"][1]["n"].is_number_float());
}

// Past the comparisons one conversion may make (64k values), the rest is
// converted: the same result.
TEST(LazyVarsTest, LongListPastTheComparisonLimit) {
  auto script = Load("", R"(
    local ds = ctx.vars.ds
    ds[#ds + 1] = { n = #ds + 1 }
  )");
  ASSERT_NE(script, nullptr);
  Json vars = {{"ds", Json::array()}};
  for (int i = 1; i <= 70000; ++i) vars["ds"].push_back({{"n", i}});
  auto r = script->RunAction(0, Input(vars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  Json expected = vars;
  expected["ds"].push_back({{"n", 70001}});
  EXPECT_EQ(r->vars, expected);
}

TEST(LazyVarsTest, OldItemsStillGoThroughTheChecks) {
  auto script = Load("", "ctx.vars.log[1][1] = true");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kLog, kNoPayload));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                "ctx.vars.log[1] mixes list items and named fields"),
            std::string::npos)
      << r.status();
}

// ctx.vars handed to a function that converts tables (ctx.emit) is
// converted whole, like a plain table.
TEST(LazyVarsTest, PassedOnItIsConvertedWhole) {
  auto script = Load("", "ctx.emit('ban_sao', ctx.vars)");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->effects.size(), 1u);
  EXPECT_EQ(r->effects[0]["data"], kVars);
}

TEST(LazyVarsTest, OutputBudgetCountsTheWholeResult) {
  SandboxOptions limits = Limits();
  limits.max_output_bytes = 300;
  auto script = Load("", "ctx.vars.them = string.rep('x', ctx.payload.n)",
                     limits);
  ASSERT_NE(script, nullptr);
  // 200 bytes the action does not touch, and what it adds.
  Json vars = {{"cu", std::string(200, 'y')}};
  Json payload = {{"n", 50}};
  auto fits = script->RunAction(0, Input(vars, payload));
  ASSERT_TRUE(fits.ok()) << fits.status();
  payload["n"] = 120;  // alone within the budget, not with the rest
  auto over = script->RunAction(0, Input(vars, payload));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("300 bytes"), std::string::npos)
      << over.status();
}

// A field's value still goes through the checks of ToJson.
TEST(LazyVarsTest, BadValuesAreRefusedWithTheirPath) {
  auto script = Load("", "ctx.vars.nguoi.f = print");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ctx.vars.nguoi.f holds a function"),
            std::string::npos)
      << r.status();
}

// A list field is a lazy list (lazy_list.h): appending makes none of its
// items, and everything else a script can do with a list gives what it
// gives with a plain one.
Json RunOnList(const std::string& action) { return RunOn(kVars, action); }

TEST(LazyVarsTest, AListAppendedToGivesItsItemsAndTheNewOnes) {
  Json vars = RunOnList(R"(
    local ds = ctx.vars.ds
    ds[#ds + 1] = 4
    table.insert(ds, { n = 5 })
    ctx.vars.n = #ds
  )");
  Json expected = kVars;
  expected["ds"] = Json::array({1, 2, 3, 4, {{"n", 5}}});
  expected["n"] = 5;
  EXPECT_EQ(vars.dump(), expected.dump());

  // Appended, then taken off again: the list as it came.
  vars = RunOnList(R"(
    local ds = ctx.vars.ds
    ds[#ds + 1] = 4
    ds[#ds] = nil
    ctx.vars.n = #ds
  )");
  expected = kVars;
  expected["n"] = 3;
  EXPECT_EQ(vars.dump(), expected.dump());
}

// Appended one by one, then the last taken off: # follows every change.
TEST(LazyVarsTest, AListAppendedToManyTimes) {
  Json vars = RunOnList(R"(
    local ds = ctx.vars.ds
    for i = 1, 10000 do ds[#ds + 1] = i end
    ds[#ds] = nil
    ds[#ds] = nil
    ctx.vars.n = #ds
  )");
  ASSERT_EQ(vars["ds"].size(), 3u + 9998u);
  EXPECT_EQ(vars["ds"].back(), 9998);
  EXPECT_EQ(vars["n"], 3 + 9998);
}

TEST(LazyVarsTest, AListReadsAsAPlainList) {
  Json vars = RunOnList(R"(
    local ds = ctx.vars.ds
    ctx.vars.meta = getmetatable(ds)
    ctx.vars.raw_n = rawlen(ctx.vars.ds)
    local keys = {}
    for k, v in pairs(ds) do keys[#keys + 1] = k .. "=" .. v end
    ctx.vars.keys = table.concat(keys, ",")
    ctx.vars.first = rawget(ds, 1)
    ctx.vars.next_key = next(ds)
  )");
  EXPECT_EQ(vars["meta"], "array");
  EXPECT_EQ(vars["raw_n"], 3);
  EXPECT_EQ(vars["keys"], "1=1,2=2,3=3");
  EXPECT_EQ(vars["first"], 1);
  EXPECT_EQ(vars["next_key"], 1);
  EXPECT_EQ(vars["ds"], kVars["ds"]);

  vars = RunOnList(R"(
    local ds = ctx.vars.ds
    ds[#ds + 1] = 4
    ctx.vars.joined = table.concat(ds, ",")
    table.remove(ds, 1)
    ctx.vars.last = ds[#ds]
  )");
  EXPECT_EQ(vars["joined"], "1,2,3,4");
  EXPECT_EQ(vars["ds"], Json::array({2, 3, 4}));
  EXPECT_EQ(vars["last"], 4);
}

TEST(LazyVarsTest, AListWrittenAnywhereButItsEndIsWrittenBack) {
  EXPECT_EQ(RunOnList("ctx.vars.ds[1] = 'a'")["ds"],
            Json::array({"a", 2, 3}));
  EXPECT_EQ(RunOnList("local ds = ctx.vars.ds; ds[#ds + 1] = 4; ds[2] = 0")
                ["ds"],
            Json::array({1, 0, 3, 4}));
  // The same list under a second name: both are the whole list.
  Json vars = RunOnList(
      "ctx.vars.ban_sao = ctx.vars.ds; table.insert(ctx.vars.ban_sao, 4)");
  EXPECT_EQ(vars["ds"], Json::array({1, 2, 3, 4}));
  EXPECT_EQ(vars["ban_sao"], Json::array({1, 2, 3, 4}));
}

TEST(LazyVarsTest, AListWithAHoleOrANamedFieldIsRefusedAsBefore) {
  const char* kCases[][2] = {
      {"local ds = ctx.vars.ds; ds[#ds + 1] = 4; ds[#ds + 1] = 5; ds[4] = nil",
       "ctx.vars.ds is a list with holes"},
      {"ctx.vars.ds[5] = 1", "ctx.vars.ds is a list with holes"},
      {"ctx.vars.ds.x = 1", "ctx.vars.ds is a list (wf.array) but has text"},
      {"ctx.emit('ds', ctx.vars.ds)", "must be a table of named fields"},
  };
  for (const auto& [action, message] : kCases) {
    auto script = Load("", action);
    ASSERT_NE(script, nullptr);
    auto r = script->RunAction(0, Input(kVars, kNoPayload));
    ASSERT_FALSE(r.ok()) << action;
    EXPECT_NE(r.status().message().find(message), std::string::npos)
        << action << ": " << r.status();
  }
}

// A list put inside another table that is compared with the input's: its
// items are its source's, not the none it holds itself.
TEST(LazyVarsTest, AListInsideAComparedTableKeepsItsItems) {
  auto script = Load("", "ctx.vars.c = { inner = ctx.vars.ds }");
  ASSERT_NE(script, nullptr);
  Json vars = kVars;
  vars["c"] = {{"inner", Json::array()}};
  auto r = script->RunAction(0, Input(vars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["c"], Json({{"inner", {1, 2, 3}}}));
}

// ctx, or a list of ctx.vars, kept past its call (in an upvalue) cannot
// reach its call's data.
TEST(LazyVarsTest, CtxOrAListKeptForALaterCallRaises) {
  const char* kCases[][2] = {{"ctx", "kept.vars.ten"},
                             {"ctx.vars.ds", "#kept"}};
  for (const auto& [keep, use] : kCases) {
    auto script = Load("",
                       absl::StrCat("if kept == nil then kept = ", keep,
                                    "; return end ctx.vars.x = ", use),
                       Limits(), "local kept");
    ASSERT_NE(script, nullptr);
    ASSERT_TRUE(script->RunAction(0, Input(kVars, kNoPayload)).ok()) << keep;
    auto r = script->RunAction(0, Input(kVars, kNoPayload));
    ASSERT_FALSE(r.ok()) << keep;
    EXPECT_NE(r.status().message().find("belong to the call"),
              std::string::npos)
        << r.status();
  }
}

// ctx's own fields are made when read, and a traversal sees all of them.
TEST(LazyVarsTest, CtxHasEveryFieldInTraversals) {
  const std::string walk =
      "local out = {} for k in pairs(ctx) do out[#out + 1] = k end ";
  auto script = Load(walk + "return false, table.concat(out, ',')",
                     walk + "ctx.vars.fields = table.concat(out, ',') "
                            "ctx.vars.hom_nay = ctx.today");
  ASSERT_NE(script, nullptr);
  auto guard = script->RunGuard(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(guard.ok()) << guard.status();
  EXPECT_EQ(guard->reason,
            "actor,document,event,files,from,instance,now,payload,to,today,"
            "vars");
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["fields"],
            "actor,document,emit,event,files,from,instance,now,payload,to,"
            "today,vars");
  EXPECT_EQ(r->vars["hom_nay"], "2026-01-16");
}


// The fields ctx has from the start are plain fields; one made when read
// is kept, the same value at the next read.
TEST(LazyVarsTest, CtxOwnFieldsAndMadeFieldsArePlain) {
  auto script = Load("", R"(
    ctx.vars.event = rawget(ctx, "event")
    ctx.vars.now_is_number = math.type(rawget(ctx, "now")) == "integer"
    ctx.vars.same_actor = ctx.actor == ctx.actor and
                          rawget(ctx, "actor") == ctx.actor
    ctx.vars.no_meta = getmetatable(ctx) == nil
    ctx.event = nil
    ctx.vars.event_gone = rawget(ctx, "event") == nil and ctx.event == nil
  )");
  ASSERT_NE(script, nullptr);
  auto r = script->RunAction(0, Input(kVars, kNoPayload));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["event"], "t");
  EXPECT_EQ(r->vars["now_is_number"], true);
  EXPECT_EQ(r->vars["same_actor"], true);
  EXPECT_EQ(r->vars["no_meta"], true);
  EXPECT_EQ(r->vars["event_gone"], true);
}

// math.random is seeded per call: a call in between that draws nothing,
// with another seed, changes nothing (Verify replays with the recorded
// seed).
TEST(LazyVarsTest, RandomDependsOnlyOnTheCallsSeed) {
  auto script = Load("return true", "ctx.vars.r = math.random(1000000000)");
  ASSERT_NE(script, nullptr);
  CallInput in = Input(kVars, kNoPayload);
  in.random_seed = 11;
  auto first = script->RunAction(0, in);
  ASSERT_TRUE(first.ok()) << first.status();
  in.random_seed = 12;
  ASSERT_TRUE(script->RunGuard(0, in).ok());
  auto other = script->RunAction(0, in);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->vars["r"], first->vars["r"]);
  ASSERT_TRUE(script->RunGuard(0, in).ok());
  in.random_seed = 11;
  auto again = script->RunAction(0, in);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->vars["r"], first->vars["r"]);
}

// ctx.actor is kept from one call to the next while the actor and the
// capacity are the same (call_context.cc): so it is read-only, and every
// other actor or capacity gets its own.
TEST(LazyVarsTest, ActorIsReadOnlyAndOwnToItsCapacity) {
  auto script = Load("", R"(
    ctx.vars.id = ctx.actor.id
    ctx.vars.role = ctx.actor.role
    local ok, err = pcall(function() ctx.actor.role = "chu_tich" end)
    ctx.vars.write_refused = not ok and err:find("read%-only") ~= nil
    local fields = {}
    for k in pairs(ctx.actor) do fields[#fields + 1] = k end
    table.sort(fields)
    ctx.vars.fields = table.concat(fields, ",")
    ctx.vars.whole = ctx.actor
  )");
  ASSERT_NE(script, nullptr);
  CallInput in = Input(kVars, kNoPayload);
  in.actor_name = "Nguyễn Thị Lan";
  in.actor_role = "van_thu";
  in.actor_unit = "07627";
  in.actor_unit_name = "Xã Đại Sơn";
  auto run = [&] {
    auto r = script->RunAction(0, in);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->vars : Json();
  };
  Json first = run();
  EXPECT_EQ(first["role"], "van_thu");
  EXPECT_EQ(first["write_refused"], true);
  EXPECT_EQ(first["fields"], "acting_for,id,name,role,unit,unit_name");
  EXPECT_EQ(first["whole"],
            Json({{"id", "can-bo.xa-tien-du"}, {"name", "Nguyễn Thị Lan"},
                  {"role", "van_thu"},
                  {"unit", "07627"}, {"unit_name", "Xã Đại Sơn"},
                  {"acting_for", ""}}));
  in.actor_role = "chu_tich";
  EXPECT_EQ(run()["role"], "chu_tich");
  in.acting_for = "chu-tich.dai-son";
  EXPECT_EQ(run()["whole"]["acting_for"], "chu-tich.dai-son");
  in.actor = "can-bo.khac";
  EXPECT_EQ(run()["id"], "can-bo.khac");
  in.actor_name = "Nguyễn Thị Lan (đổi tên)";  // the directory changed
  EXPECT_EQ(run()["whole"]["name"], "Nguyễn Thị Lan (đổi tên)");
  in.actor_name = "Nguyễn Thị Lan";
  in.actor = "can-bo.xa-tien-du";
  in.actor_role = "van_thu";
  in.acting_for = "";
  EXPECT_EQ(run(), first);
}

// Long texts are kept between calls (lua_json.cc, PushText): each call
// still reads exactly its own text, also when two texts share the length
// and the sampled words of their key, and once more texts were read than
// the table keeps.
TEST(LazyVarsTest, LongTextsReadExactlyAcrossCalls) {
  auto script = Load("", "ctx.vars.copy = ctx.vars.text");
  ASSERT_NE(script, nullptr);
  auto copy_of = [&](const std::string& text) {
    Json vars = {{"text", text}};
    auto r = script->RunAction(0, Input(vars, kNoPayload));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->vars["copy"].get<std::string>() : "";
  };
  const std::string a(1000, 'a');
  const std::string b = [&a] {
    std::string text = a;
    text[100] = 'b';  // the key samples bytes 0-7, 496-503 and 992-999
    return text;
  }();
  for (const std::string* text : {&a, &b, &a, &b}) {
    EXPECT_EQ(copy_of(*text), *text);
  }
  for (int i = 0; i < 600; ++i) {  // 600 KB: more than the table keeps
    const std::string text = absl::StrCat(std::string(996, 'x'), 1000 + i);
    ASSERT_EQ(copy_of(text), text);
  }
  EXPECT_EQ(copy_of(a), a);
}

// ctx.today follows each call's clock, one call to the next.
TEST(LazyVarsTest, TodayIsEachCallsDay) {
  auto script = Load("", "ctx.vars.hom_nay = ctx.today");
  ASSERT_NE(script, nullptr);
  CallInput in = Input(kVars, kNoPayload);
  for (auto [seconds, day] : std::vector<std::pair<int64_t, std::string>>{
           {1768525200, "2026-01-16"},
           {1768525200 + 86400, "2026-01-17"},
           {1768496400 - 1, "2026-01-15"},  // 23:59:59 in Vietnam
           {1768525200, "2026-01-16"}}) {
    in.now = absl::FromUnixSeconds(seconds);
    auto r = script->RunAction(0, in);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->vars["hom_nay"], day) << seconds;
  }
}

// A table whose first key is text is converted in one pass (lua_json.cc);
// one that turns out to hold another key gets the same answer as before,
// whichever key Lua's traversal gives first.
TEST(LazyVarsTest, TablesWithTextKeysConvertInOnePassAndMixedOnesAreRefused) {
  auto convert = [](const std::string& table) {
    auto script = Load("", absl::StrCat("ctx.vars.t = ", table));
    EXPECT_NE(script, nullptr);
    return script->RunAction(0, Input(kVars, kNoPayload));
  };
  auto nested = convert(R"({ a = 1, b = { c = "Tiên", d = { 1, 2 } } })");
  ASSERT_TRUE(nested.ok()) << nested.status();
  EXPECT_EQ(nested->vars["t"],
            Json::parse(R"({"a":1,"b":{"c":"Tiên","d":[1,2]}})"));
  for (const char* mixed :
       {"{ a = 1, [7] = 2 }", "(function() local t = {} t[7] = 2 t.a = 1 "
                              "t.b = 3 return t end)()",
        "{ 1, a = 2 }", "{ z = { 1, a = 2 } }"}) {
    auto r = convert(mixed);
    ASSERT_FALSE(r.ok()) << mixed;
    EXPECT_NE(r.status().message().find("mixes list items and named fields"),
              std::string::npos)
        << mixed << ": " << r.status();
  }
  for (const char* odd : {"{ a = 1, [1.5] = 2 }", "{ a = 1, [true] = 2 }"}) {
    auto r = convert(odd);
    ASSERT_FALSE(r.ok()) << odd;
    EXPECT_NE(r.status().message().find("neither text nor a list index"),
              std::string::npos)
        << odd << ": " << r.status();
  }
}


// A host for ctx.document.set, which records its change without calling it.
class DocumentOnlyHost : public StepHost {
 public:
  absl::StatusOr<Json> Call(const std::string& call, const std::string&,
                            const Json&) override {
    return absl::FailedPreconditionError(
        absl::StrCat("ctx.", call, " is not offered in this test"));
  }
};

// What comparing `before` with `after` finds changed, field by field, in
// name order (as the runtime's Changes does).
FieldChanges Compared(const Json& before, const Json& after) {
  FieldChanges changes;
  for (const auto& [name, value] : after.items()) {
    if (!before.contains(name) || before[name] != value) {
      changes.set.push_back(name);
    }
  }
  for (const auto& [name, value] : before.items()) {
    if (!after.contains(name)) changes.unset.push_back(name);
  }
  return changes;
}

// Given its input to take apart (CallInput::takeable_vars), an action gives
// what it gives on a copy, whatever it does with the list it appended to
// (kept in ctx.vars twice, inside a table, in an effect; the document set)
// or with the other fields, and says what changed as comparing would. A
// refused action leaves the input as it was.
TEST(LazyVarsTest, ATakenInputGivesWhatACopyGives) {
  Json input = kVars;
  input["nk"] = Json::parse(R"([{"b":"x","o":{"k":1}}])");
  input["mot"] = Json::array({"a"});
  const char* kActions[] = {
      "ctx.vars.so = 4",
      "local l = ctx.vars.ds; l[#l + 1] = 4",
      "local l = ctx.vars.ds; l[#l + 1] = 4; ctx.vars.ban_sao = l",
      "local l = ctx.vars.nk; l[#l + 1] = { b = 'y' }; ctx.vars.x = { l, l }",
      "local l = ctx.vars.ds; l[#l + 1] = 4; ctx.emit('thong_bao', { ds = l })",
      "local l = ctx.vars.ds; l[#l + 1] = 4; "
      "ctx.document.set{ trich_yeu = 'Kế hoạch ' .. #l }",
      "local l = ctx.vars.ds; l[#l + 1] = 4; ctx.vars.ds = nil",
      "local l = ctx.vars.ds; l[#l + 1] = 4; l[#l + 1] = ctx.vars.nguoi",
      // One old item, one appended equal to it: still a change.
      "local l = ctx.vars.mot; l[#l + 1] = 'a'",
      "local l = ctx.vars.ds; l[#l + 1] = function() end",  // refused
      "ctx.vars.ten = nil; ctx.vars.ten2 = ctx.vars.xong",
      "ctx.vars.moi = 1; ctx.vars.moi = nil; ctx.vars.ghi_chu = nil",
      "local n = #ctx.vars.ds + #ctx.vars.nk; ctx.vars.so = n",
      "local x = ctx.vars.nguoi; local y = ctx.vars.nk[1]",  // read, kept
      "ctx.vars.nguoi.tuoi = 41; ctx.vars.nk[1].o.k = 2",
      "ctx.vars.so = 3.0; ctx.vars.ty_le = 0.5",
      "ctx.vars = { moi = 1 }",
      "",  // no action
  };
  for (const char* action : kActions) {
    auto script = Load("", action);
    ASSERT_NE(script, nullptr) << action;
    DocumentOnlyHost host;
    CallInput on_copy = Input(input, kNoPayload);
    on_copy.host = &host;
    auto copied = script->RunAction(0, on_copy);
    Json own = input;
    CallInput in = Input(own, kNoPayload);
    in.host = &host;
    in.takeable_vars = &own;
    auto taken = script->RunAction(0, in);
    ASSERT_EQ(taken.ok(), copied.ok()) << action << ": " << taken.status();
    if (!copied.ok()) {
      EXPECT_EQ(taken.status(), copied.status()) << action;
      EXPECT_NE(copied.status().message().find("holds a function"),
                std::string::npos)
          << action << ": only the function is refused: " << copied.status();
      EXPECT_EQ(own, input) << action << ": refused, yet taken apart";
      continue;
    }
    EXPECT_EQ(taken->vars.dump(), copied->vars.dump()) << action;
    EXPECT_EQ(taken->effects, copied->effects) << action;
    EXPECT_EQ(taken->document, copied->document) << action;
    EXPECT_FALSE(copied->changes.has_value()) << action;
    const FieldChanges expected = Compared(input, copied->vars);
    if (std::string(action) == "ctx.vars = { moi = 1 }") {
      // A table put in place of ctx.vars is converted whole, as ever: the
      // runtime compares.
      EXPECT_FALSE(taken->changes.has_value());
      continue;
    }
    ASSERT_TRUE(taken->changes.has_value()) << action;
    EXPECT_EQ(taken->changes->set, expected.set) << action;
    EXPECT_EQ(taken->changes->unset, expected.unset) << action;
    EXPECT_TRUE(own.is_null()) << action << ": the input was copied, not used";
  }
}

// The result is made of the input itself: an untouched field's text is the
// very string the input held.
TEST(LazyVarsTest, ATakenInputBecomesTheResult) {
  Json own = kVars;
  own["dai"] = std::string(5000, 'x');
  const char* text = own["dai"].get_ref<const std::string&>().data();
  auto script = Load("", "ctx.vars.so = 4; ctx.vars.ghi_chu = nil; "
                         "local d = ctx.vars.ds; d[#d + 1] = 4");
  ASSERT_NE(script, nullptr);
  CallInput in = Input(own, kNoPayload);
  in.takeable_vars = &own;
  auto r = script->RunAction(0, in);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vars["dai"].get_ref<const std::string&>().data(), text);
  EXPECT_EQ(r->vars["ds"], Json({1, 2, 3, 4}));
  ASSERT_TRUE(r->changes.has_value());
  EXPECT_EQ(r->changes->set, (std::vector<std::string>{"ds", "so"}));
  EXPECT_EQ(r->changes->unset, (std::vector<std::string>{"ghi_chu"}));
}
}  // namespace
}  // namespace wf
