// Copyright the wf-engine authors. Apache-2.0.
//
// Our string.find/match/gmatch/gsub against Lua's own, as the oracle: the
// same generated (subject, pattern) cases run through a plain Lua state
// (luaL_openlibs) and through a Sandbox, and must give the same results,
// or both an error.
#include "engine/lua/lua_patterns.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/lua/sandbox.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

// Defines run(s, p, init): every function on the case, results as text.
constexpr char kRunner[] = R"lua(
local function show(ok, ...)
  if not ok then return "error" end
  local out = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    out[i] = type(v) .. ":" .. tostring(v)
  end
  return table.concat(out, "|")
end
local function each(s, p, init)
  local out = {}
  for a, b in string.gmatch(s, p, init) do
    out[#out + 1] = tostring(a) .. "," .. tostring(b)
    if #out > 40 then break end
  end
  return table.concat(out, ";")
end
local function replace(a, b)
  if a == "a" then return nil end
  if a == "b" then return false end
  return "{" .. tostring(a) .. tostring(b) .. "}"
end
function run(s, p, init)
  return table.concat({
    show(pcall(string.find, s, p)),
    show(pcall(string.find, s, p, init)),
    show(pcall(string.find, s, p, init, true)),
    show(pcall(string.match, s, p)),
    show(pcall(string.match, s, p, init)),
    show(pcall(each, s, p)),
    show(pcall(each, s, p, init)),
    show(pcall(string.gsub, s, p, "<%0>")),
    show(pcall(string.gsub, s, p, "[%1|%%]", 2)),
    show(pcall(string.gsub, s, p, "%2%0", -1 + #s)),
    show(pcall(string.gsub, s, p, 7, 1)),
    show(pcall(string.gsub, s, p, "x%")),
    show(pcall(string.gsub, s, p, replace)),
    show(pcall(string.gsub, s, p, { a = "A", ["()"] = 1, x = false })),
  }, "\n")
end
)lua";

// Lua's own string library, untouched.
class Oracle {
 public:
  Oracle() : L_(luaL_newstate()) {
    luaL_openlibs(L_);
    EXPECT_EQ(luaL_dostring(L_, kRunner), LUA_OK) << lua_tostring(L_, -1);
  }
  ~Oracle() { lua_close(L_); }

  std::string Run(const std::string& s, const std::string& p, int init) {
    lua_settop(L_, 0);
    lua_getglobal(L_, "run");
    lua_pushlstring(L_, s.data(), s.size());
    lua_pushlstring(L_, p.data(), p.size());
    lua_pushinteger(L_, init);
    if (lua_pcall(L_, 3, 1, 0) != LUA_OK) return "oracle failed";
    size_t n;
    const char* out = lua_tolstring(L_, -1, &n);
    return std::string(out, n);
  }

 private:
  lua_State* L_;
};

class Ours {
 public:
  Ours() {
    SandboxOptions limits;
    limits.instructions_per_call = 50'000'000;
    limits.time_per_call = absl::Seconds(60);
    auto sandbox = Sandbox::Create(limits);
    EXPECT_TRUE(sandbox.ok()) << sandbox.status();
    sandbox_ = std::move(*sandbox);
    absl::Status s = sandbox_->RunChunk(kRunner, "runner.lua",
                                        absl::StatusCode::kInternal, "runner");
    EXPECT_TRUE(s.ok()) << s;
  }

  std::string Run(const std::string& s, const std::string& p, int init) {
    std::string out = "sandbox failed";
    absl::Status status = sandbox_->Run(
        sandbox_->limits().instructions_per_call,
        [&](lua_State* L) {
          lua_getglobal(L, "run");
          lua_pushlstring(L, s.data(), s.size());
          lua_pushlstring(L, p.data(), p.size());
          lua_pushinteger(L, init);
          lua_call(L, 3, 1);
          size_t n;
          const char* text = lua_tolstring(L, -1, &n);
          out.assign(text, n);
        },
        absl::StatusCode::kInternal, "case");
    if (!status.ok()) return std::string(status.message());
    return out;
  }

  Sandbox* sandbox() { return sandbox_.get(); }

 private:
  std::unique_ptr<Sandbox> sandbox_;
};

std::string Printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out;
}

class PatternsTest : public ::testing::Test {
 protected:
  void ExpectSame(const std::string& s, const std::string& p, int init) {
    std::string want = oracle_.Run(s, p, init);
    std::string got = ours_.Run(s, p, init);
    EXPECT_EQ(got, want) << "subject \"" << Printable(s) << "\" pattern \""
                         << Printable(p) << "\" init " << init;
  }

  Oracle oracle_;
  Ours ours_;
};

TEST_F(PatternsTest, DocumentedFeaturesAgreeWithLua) {
  const char* subject = "hello world (from) [Lua] 2024-05-06 x=1, y=22; THE END";
  for (const char* p :
       {"", "o", "^h", "^w", "d$", "D$", "l+", "l*", "l-o", "lo?", "%a+",
        "%A+", "%d%d", "%D+", "%s", "%S+", "%w+", "%W", "%p", "%P+", "%l+",
        "%u+", "%x+", "%X", "%c", "%g+", "%z", "%Z+", "[aeiou]", "[^aeiou]+",
        "[a-f]+", "[%d-]+", "[]]", "[^]]+", "[a-]", "[%a_]+", "[%]]", "[%%]",
        "(%a+) (%a+)", "(h)(e)(l)(l)(o)", "()ll()", "(l)%1", "((%a)%2)",
        "%b()", "%b[]", "%bxy", "%f[%a]%a+", "%f[%A]", "%f[%d]%d+",
        "(%d+)-(%d+)-(%d+)", "(%w+)=(%w+)", ".-", ".-$", "^(.-)%s", "(.)%1",
        "%.", "%%", "a.b", "(", ")", "%", "[a", "[^", "%b", "%ba", "%f",
        "%fa", "%1", "(%1)", "%0", "(()", "x(", "q)", "$$", "^$", "a$b",
        "^^", "[a-z]-[A-Z]", "%-", "-", "*", "+a", "?", "%.+%.", "()",
        "(()())", "[%w%s]+", "[%W]", "[^%s]+$"}) {
    for (int init : {1, 5, -4, 0, 100, -100}) ExpectSame(subject, p, init);
  }
}

TEST_F(PatternsTest, EmptyAndZeroBytesAgreeWithLua) {
  std::string zeros("a\0b\0\0c", 6);
  for (std::string p : {std::string("%z"), std::string("%Z+"),
                        std::string("\0", 1), std::string("[\0]+", 4),
                        std::string("%f[%z]"), std::string("b%z"),
                        std::string("%b\0\0", 4), std::string(".")}) {
    ExpectSame(zeros, p, 1);
    ExpectSame("", p, 1);
  }
}

// Generated cases: small subjects over a few characters, patterns built
// from the pieces of the syntax (some malformed on purpose).
TEST_F(PatternsTest, GeneratedCasesAgreeWithLua) {
  std::mt19937 random(20261129);
  const std::vector<std::string> pieces = {
      "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%A", "%p", "[ab]", "[^a]",
      "[a-c]", "[%d_]", "[]a]", "(", ")", "()", "%1", "%2", "%b()", "%bab",
      "%f[%w]", "%f[^a]", "%%", "%.", "%(", "x", " ", "1", "$", "^", "-",
      "[", "%", "%b", "%f", "%0", "\\0"};
  const std::string letters = "aabbc() x1._%[]-";
  auto pick = [&](size_t n) { return random() % n; };
  for (int round = 0; round < 4000; ++round) {
    std::string subject;
    for (size_t k = pick(20); k > 0; --k) {
      subject += pick(40) == 0 ? '\0' : letters[pick(letters.size())];
    }
    std::string pattern;
    if (pick(6) == 0) pattern += '^';
    for (size_t k = 1 + pick(5); k > 0; --k) {
      std::string piece = pieces[pick(pieces.size())];
      if (piece == "\\0") piece = std::string(1, '\0');
      pattern += piece;
      if (piece.size() == 1 && pick(3) == 0) pattern += "*+-?"[pick(4)];
    }
    if (pick(6) == 0) pattern += '$';
    int init = static_cast<int>(pick(16)) - 6;
    ExpectSame(subject, pattern, init);
    if (HasFailure()) break;  // one failure tells enough
  }
}

// Lua 5.4.4 kept a gmatch iterator's recursion counter spent after a
// "pattern too complex" error: the next call recursed without limit and
// crashed the process. Each call of ours starts afresh.
TEST_F(PatternsTest, GmatchIteratorIsSafeToCallAgainAfterAnError) {
  absl::Status s = ours_.sandbox()->RunChunk(R"lua(
    local it = string.gmatch(("a"):rep(1e6), ("a?"):rep(1e6))
    for i = 1, 3 do
      local ok, e = pcall(it)
      assert(not ok and e:find("too complex"), tostring(e))
    end
    -- An iterator stopped by an error in the callback's caller resumes
    -- where it was.
    local words = string.gmatch("one two three", "%a+")
    assert(words() == "one")
    assert(not pcall(error, "in between"))
    assert(words() == "two" and words() == "three" and words() == nil)
    assert(words() == nil)
  )lua", "gmatch.lua", absl::StatusCode::kInvalidArgument, "gmatch");
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(PatternsTest, MalformedPatternsSayWhereAndWhat) {
  struct Case {
    const char* pattern;
    const char* message;
  };
  // Reported when the match reaches the bad spot, as Lua does.
  for (const Case& c : std::vector<Case>{
           {"ab[cd", "the '[' at position 3 has no closing ']'"},
           {"a%", "it ends with '%'"},
           {"a%bx", "'%b' at position 2 needs two characters"},
           {"%fa", "'%f' at position 1 must be followed by a set"},
           {"a).", "the ')' at position 2 closes no capture"},
           {"(a%1)", "'%1' at position 3 refers to no finished capture"},
           {"^(a)%2", "'%2' at position 5 refers to no finished capture"},
           {"(a", "unfinished capture 1"},
       }) {
    absl::Status s = ours_.sandbox()->RunChunk(
        std::string("string.find('abab', '") + c.pattern + "')", "bad.lua",
        absl::StatusCode::kInvalidArgument, "bad");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.pattern;
    EXPECT_NE(s.message().find(c.message), std::string::npos)
        << c.pattern << ": " << s;
  }
}

TEST_F(PatternsTest, TooManyCapturesIsAnError) {
  std::string p;
  for (int k = 0; k < 33; ++k) p += "()";
  EXPECT_EQ(ours_.Run("x", p, 1), oracle_.Run("x", p, 1));
  EXPECT_NE(ours_.Run("x", p, 1).find("error"), std::string::npos);
}

TEST_F(PatternsTest, LongPatternsCompileIntoTheCappedHeap) {
  // 100,000 items do not fit the C++ stack buffer: they go to a userdata.
  std::string p;
  for (int k = 0; k < 100000; ++k) p += "[ab]";
  std::string s(100000, 'a');
  EXPECT_EQ(ours_.Run(s, p, 1), oracle_.Run(s, p, 1));
}

}  // namespace
}  // namespace wf
