// Copyright the wf-engine authors. Apache-2.0.
//
// The cost of Engine::GetProgress for a campaign sent to every commune of
// the country, in process: a directory of --children communes (3,321, the
// country's count after 01/07/2025) under one province, a parent that
// starts one report per commune (at most 1000 children per step, so in
// several steps), every third report submitted and every seventh one late,
// then --queries progress queries, counts only and with the units listed.
// For comparison it also times reading every child's instance record (a
// ListInstances of the parent's children, page after page), which is what
// a progress built from the records would cost at least.
//
//   build/bench/progress_bench --children=3321 --queries=200
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "wf/clock.h"
#include "wf/engine.h"

ABSL_FLAG(int, children, 3321, "children of the campaign (one per commune)");
ABSL_FLAG(int, queries, 200, "progress queries timed, per kind");

namespace {

constexpr char kCampaign[] = R"lua(
workflow "chien_dich" { initial = "dang_giao", who = { role = "*", unit = "same_unit" } }
state "dang_giao" { title = "Đang giao" }
state "xong" { title = "Xong", final = true }
transition "giao" {
  from = "dang_giao", stay = true, who = { role = "*", unit = "same_unit" },
  action = function(ctx)
    for i = ctx.payload.tu, ctx.payload.den do
      ctx.start("bao_cao", { stt = i }, { unit = string.format("%05d", 10000 + i),
                                          business_key = "bc-" .. i })
    end
  end,
}
transition "ket_thuc" { from = "dang_giao", to = "xong", who = { role = "*", unit = "same_unit" } }
)lua";

constexpr char kReport[] = R"lua(
workflow "bao_cao" { initial = "chua_nop", who = { role = "*", unit = "same_unit" } }
state "chua_nop" { title = "Chưa nộp", deadline = { days = 10, fire = "qua_han" } }
state "da_nop" { title = "Đã nộp" }
state "da_duyet" { title = "Đã duyệt", final = true }
transition "qua_han" { from = "chua_nop", stay = true, who = "system" }
transition "nop" { from = "chua_nop", to = "da_nop" }
transition "duyet" { from = "da_nop", to = "da_duyet" }
)lua";

// One province and `n` communes directly under it.
std::string Communes(int n) {
  std::string csv = "id,name,kind,parent,valid_from,valid_to,tags\n"
                    "vn_thu,Tỉnh Thử,tinh,,01/07/2025,,\n";
  for (int i = 1; i <= n; ++i) {
    absl::StrAppend(&csv, absl::StrFormat("%05d,Xã Thử %04d,xa,vn_thu,"
                                          "01/07/2025,,\n", 10000 + i, i));
  }
  return csv;
}

void Check(const absl::Status& status, const char* what) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

absl::Status Fire(wf::Engine& engine, const std::string& id,
                  const std::string& event, const std::string& payload = "") {
  wf::FireRequest fire;
  fire.instance_id = id;
  fire.event = event;
  fire.payload_json = payload;
  fire.actor = wf::Actor::Embedder();
  return engine.Fire(fire).status();
}

// Milliseconds of each of `n` runs of `run`, sorted.
std::vector<double> Time(int n, const std::function<void()>& run) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

void Print(const char* what, const std::vector<double>& ms) {
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf("%-40s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu runs)\n",
              what, at(0.50), at(0.99), ms.back(), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_children);
  const int queries = absl::GetFlag(FLAGS_queries);
  const std::string dir = (std::filesystem::temp_directory_path() /
                           absl::StrCat("wf_progress_bench_", ::getpid()))
                              .string();
  wf::ManualClock clock(absl::FromUnixSeconds(1768525200));  // 16/01/2026
  wf::EngineOptions options;
  options.data_dir = dir;
  options.clock = &clock;
  options.run_timers = false;
  auto opened = wf::Engine::Open(options);
  Check(opened.status(), "open");
  wf::Engine& engine = **opened;
  Check(engine.ImportDirectory(wf::Actor::Embedder(),
                               {"xa", "units", Communes(n)}).status(),
        "import");
  Check(engine.Deploy({kReport, "bao_cao.lua", wf::Actor::Embedder()}).status(),
        "deploy");
  Check(engine.Deploy({kCampaign, "chien_dich.lua", wf::Actor::Embedder()})
            .status(), "deploy");
  wf::StartRequest start;
  start.workflow = "chien_dich";
  start.unit = "vn_thu";
  start.actor = wf::Actor::Embedder();
  auto parent = engine.Start(start);
  Check(parent.status(), "start");
  const std::string id = parent->instance.id;

  auto t0 = std::chrono::steady_clock::now();
  for (int from = 1; from <= n; from += 1000) {
    Check(Fire(engine, id, "giao", absl::StrCat(R"({"tu":)", from, R"(,"den":)",
                                                std::min(n, from + 999), "}")),
          "giao");
  }
  std::printf("started %d children in %.1f s\n", n,
              std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            t0).count());
  // Every third child submitted, every ninth approved; the rest late.
  wf::ListInstancesRequest list;
  list.actor = wf::Actor::Embedder();
  list.parent = id;
  list.page_size = 1000;
  list.with_variables = false;
  std::vector<std::string> children;
  do {
    auto page = engine.ListInstances(list);
    Check(page.status(), "list");
    for (const auto& child : page->instances) children.push_back(child.id);
    list.page_token = page->next_page_token;
  } while (!list.page_token.empty());
  for (size_t i = 0; i < children.size(); i += 3) {
    Check(Fire(engine, children[i], "nop"), "nop");
    if (i % 9 == 0) Check(Fire(engine, children[i], "duyet"), "duyet");
  }
  clock.Advance(absl::Hours(24 * 20));
  auto fired = engine.FireDueTimers();
  Check(fired.status(), "timers");

  wf::ProgressRequest request{id, "", false, wf::Actor::Embedder()};
  auto progress = engine.GetProgress(request);
  Check(progress.status(), "progress");
  std::printf("%lld children, %lld late:", static_cast<long long>(progress->total),
              static_cast<long long>(progress->late_count));
  for (const auto& state : progress->states) {
    std::printf(" %s %lld", state.state.c_str(),
                static_cast<long long>(state.count));
  }
  std::printf("\n");
  Print("GetProgress (counts)", Time(queries, [&] {
          Check(engine.GetProgress(request).status(), "progress");
        }));
  request.with_units = true;
  Print("GetProgress (with units)", Time(queries, [&] {
          Check(engine.GetProgress(request).status(), "progress");
        }));
  list.page_token.clear();
  Print("every child record (ListInstances)", Time(std::max(1, queries / 10), [&] {
          do {
            auto page = engine.ListInstances(list);
            Check(page.status(), "list");
            list.page_token = page->next_page_token;
          } while (!list.page_token.empty());
        }));
  opened->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
