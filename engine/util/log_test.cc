// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/log.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wf {
namespace {

// What the calls in `body` wrote to stderr.
template <typename Body>
std::string Captured(Body body) {
  char path[] = "/tmp/wf_log_test_XXXXXX";
  int fd = mkstemp(path);
  int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  body();
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  return text.str();
}

TEST(LogTest, EscapesQuotesControlsAndInvalidUtf8) {
  std::string out;
  AppendJsonEscaped("a\"b\\c\n\x01 Hồ sơ \xff", &out);
  EXPECT_EQ(out, "a\\\"b\\\\c\\u000a\\u0001 Hồ sơ \\ufffd");
}

TEST(LogTest, JsonLineHasBothTimesLevelAndMessage) {
  SetLogFormat(LogFormat::kJson);
  std::string line = Captured([] { WF_LOG_ERROR("disk \"full\": ", 3); });
  ASSERT_EQ(line.back(), '\n');
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "ERROR");
  EXPECT_EQ(json["message"], "disk \"full\": 3");
  EXPECT_EQ(json["time"].get<std::string>().substr(23), "+07:00");
  EXPECT_EQ(json["time_utc"].get<std::string>().back(), 'Z');
}

TEST(LogTest, AccessLineLeavesEmptyFieldsOut) {
  SetLogFormat(LogFormat::kJson);
  AccessRecord r;
  r.method = "/wf.v1.WorkflowService/FireEvent";
  r.code = "NOT_FOUND";
  r.reason = "INSTANCE_NOT_FOUND";
  r.latency_ms = 1.25;
  r.actor = "chuyen-vien.a";
  r.instance = "wi-000000000001";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto json = nlohmann::json::parse(Captured([&] {
    WriteAccessLog(r);
    FlushLogs();  // access lines are queued
  }));
  EXPECT_EQ(json["message"], "request");
  EXPECT_EQ(json["code"], "NOT_FOUND");
  EXPECT_EQ(json["reason"], "INSTANCE_NOT_FOUND");
  EXPECT_DOUBLE_EQ(json["latency_ms"].get<double>(), 1.25);
  EXPECT_EQ(json["instance"], "wi-000000000001");
  EXPECT_FALSE(json.contains("workflow"));
  EXPECT_EQ(json["level"], "INFO");
}

// Access lines wait for the writer thread; a line logged after them is
// written after them, and takes them along.
TEST(LogTest, ALaterLineComesAfterTheQueuedAccessLines) {
  SetLogFormat(LogFormat::kJson);
  AccessRecord r;
  r.method = "/wf.v1.WorkflowService/GetInbox";
  r.code = "OK";
  std::string text = Captured([&] {
    for (int i = 0; i < 100; ++i) WriteAccessLog(r);
    WF_LOG_ERROR("after");
  });
  std::vector<nlohmann::json> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(lines.size(), 101u) << text;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(lines[i]["message"], "request");
  EXPECT_EQ(lines[100]["message"], "after");
}

TEST(LogTest, TextFormatIsOneReadableLine) {
  SetLogFormat(LogFormat::kText);
  std::string line = Captured([] { WF_LOG_INFO("listening on ", "x"); });
  SetLogFormat(LogFormat::kJson);
  EXPECT_NE(line.find("Z INFO listening on x\n"), std::string::npos) << line;
}

// Ten lines a minute get through; the rest are counted, and the first line
// of the next minute says how many were held back.
TEST(LogTest, ALimiterLetsABurstThroughAndCountsTheRest) {
  LogLimiter limiter(10, absl::Minutes(1));
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  int64_t held = -1;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.Allow(t0 + absl::Seconds(i), &held)) << i;
    EXPECT_EQ(held, 0);
  }
  for (int i = 0; i < 25; ++i) {
    EXPECT_FALSE(limiter.Allow(t0 + absl::Seconds(30), &held));
  }
  EXPECT_FALSE(limiter.Allow(t0 + absl::Seconds(59), &held));
  ASSERT_TRUE(limiter.Allow(t0 + absl::Seconds(60), &held));
  EXPECT_EQ(held, 26);
  ASSERT_TRUE(limiter.Allow(t0 + absl::Seconds(61), &held));
  EXPECT_EQ(held, 0);
}

}  // namespace
}  // namespace wf
