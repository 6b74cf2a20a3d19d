// Copyright the wf-engine authors. Apache-2.0.
#include "engine/metrics/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, TransitionsAreCountedPerWorkflowEventAndCode) {
  Metrics metrics;
  std::string workflow = "phe_duyet";  // the map must keep its own copy
  metrics.CountTransition(workflow, "gui", absl::StatusCode::kOk);
  metrics.CountTransition(workflow, "gui", absl::StatusCode::kOk);
  metrics.CountTransition(workflow, "gui",
                          absl::StatusCode::kFailedPrecondition);
  workflow = "changed";
  const std::string text = metrics.Text();
  EXPECT_THAT(text, HasSubstr("wf_transitions_total{code=\"OK\",event=\"gui\","
                              "workflow=\"phe_duyet\"} 2"));
  EXPECT_THAT(text, HasSubstr("wf_transitions_total{code=\"FAILED_"
                              "PRECONDITION\",event=\"gui\",workflow="
                              "\"phe_duyet\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("workflow=\"changed\"")));
}

TEST(MetricsTest, CallsAreCountedByCodeAndUnaryOnesTimed) {
  Metrics metrics;
  static const char kFire[] = "/wf.v1.WorkflowService/FireEvent";
  static const char kWatch[] = "/wf.v1.FeedService/Watch";
  metrics.CountCall(kFire, absl::StatusCode::kOk, true, 0.002);
  metrics.CountCall(kFire, absl::StatusCode::kNotFound, true, 0.001);
  metrics.CountCall(kWatch, absl::StatusCode::kCancelled, false, 60);
  const std::string text = metrics.Text();
  EXPECT_THAT(text, HasSubstr("wf_grpc_requests_total{code=\"NOT_FOUND\","
                              "method=\"/wf.v1.WorkflowService/FireEvent\"} 1"));
  EXPECT_THAT(text, HasSubstr("wf_grpc_request_duration_seconds_count{method="
                              "\"/wf.v1.WorkflowService/FireEvent\"} 2"));
  EXPECT_THAT(text, Not(HasSubstr("wf_grpc_request_duration_seconds_count{"
                                  "method=\"/wf.v1.FeedService/Watch\"}")));
}

TEST(MetricsTest, ReadersRunOnCollectionUntilRemoved) {
  Metrics metrics;
  int calls = 0;
  int id = metrics.AddReader([&calls](std::vector<Reading>* out) {
    ++calls;
    out->push_back({"wf_test_figure", "A figure.", Reading::Kind::kCounter, 7,
                    {{"cf", "timers"}}});
  });
  EXPECT_THAT(metrics.Text(), HasSubstr("wf_test_figure{cf=\"timers\"} 7"));
  metrics.RemoveReader(id);
  EXPECT_THAT(metrics.Text(), Not(HasSubstr("wf_test_figure")));
  EXPECT_EQ(calls, 1);
}

TEST(MetricsTest, ResidentMemoryIsReported) {
  EXPECT_GT(ResidentBytes(), 0u);
  EXPECT_THAT(Metrics().Text(), HasSubstr("wf_process_resident_memory_bytes"));
}

}  // namespace
}  // namespace wf
