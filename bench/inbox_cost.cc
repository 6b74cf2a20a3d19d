// Copyright the wf-engine authors. Apache-2.0.
//
// The cost of one inbox query, in process: a directory, the bench workflow,
// --items documents waiting in one person's inbox, then --queries inbox
// queries. Run under callgrind to see where an inbox query goes.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "wf/engine.h"

ABSL_FLAG(std::string, workflow, "bench/workflows/phe_duyet_5_buoc.lua", "");
ABSL_FLAG(std::string, org_dir, "tests/testdata/org", "");
ABSL_FLAG(std::string, provinces_dir, "../shared/domain/provinces", "");
ABSL_FLAG(int, items, 20, "");
ABSL_FLAG(int, queries, 200, "");
ABSL_FLAG(int, churn, 0, "documents run through all five steps first");

namespace {
std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string dir = (std::filesystem::temp_directory_path() /
                     absl::StrCat("wf_inbox_cost_", ::getpid())).string();
  wf::EngineOptions options;
  options.data_dir = dir;
  options.run_timers = false;
  auto engine = *wf::Engine::Open(options);
  engine->ImportDirectory(wf::Actor::Embedder(), {"xa", "communes",
      Read(absl::GetFlag(FLAGS_provinces_dir) + "/bac_ninh_2025.csv"),
      "bac_ninh", "Bắc Ninh", "01/07/2025", ""}).IgnoreError();
  engine->ImportDirectory(wf::Actor::Embedder(), {"co_quan", "units",
      Read(absl::GetFlag(FLAGS_org_dir) + "/bac_ninh_co_quan.csv")}).IgnoreError();
  auto people = engine->ImportDirectory(wf::Actor::Embedder(), {"nguoi", "people",
      Read(absl::GetFlag(FLAGS_org_dir) + "/nguoi_dung.csv")});
  auto deployed = engine->Deploy({Read(absl::GetFlag(FLAGS_workflow)), "b.lua", wf::Actor::Embedder()});
  if (!people.ok() || !deployed.ok()) {
    std::fprintf(stderr, "setup failed\n");
    return 1;
  }
  std::string text(1900, 'x');
  for (int i = 0; i < absl::GetFlag(FLAGS_churn); ++i) {
    wf::StartRequest start;
    start.actor = wf::Actor::Embedder();
    start.workflow = "phe_duyet_5_buoc";
    start.unit = "07627";
    start.variables_json = absl::StrCat(R"({"don_vi":"x","noi_dung":")", text, R"("})");
    auto started = engine->Start(start);
    for (int step = 0; step < 5 && started.ok(); ++step) {
      wf::FireRequest fire;
      fire.actor = wf::Actor::Embedder();
      fire.instance_id = started->instance.id;
      fire.event = "duyet";
      if (!engine->Fire(fire).ok()) return 1;
    }
  }
  for (int i = 0; i < absl::GetFlag(FLAGS_items); ++i) {
    wf::StartRequest start;
    start.actor = wf::Actor::Embedder();
    start.workflow = "phe_duyet_5_buoc";
    start.unit = "07627";
    start.variables_json = absl::StrCat(R"({"don_vi":"x","noi_dung":")", text, R"("})");
    if (!engine->Start(start).ok()) return 1;
  }
  auto began = std::chrono::steady_clock::now();
  size_t seen = 0;
  for (int q = 0; q < absl::GetFlag(FLAGS_queries); ++q) {
    auto inbox = engine->Inbox(wf::Actor::Person("can-bo.dai-son"), {20, ""});
    seen += inbox->items.size();
  }
  double us = std::chrono::duration<double, std::micro>(
                  std::chrono::steady_clock::now() - began).count() /
              absl::GetFlag(FLAGS_queries);
  std::printf("%zu items per inbox, %.0f us per inbox query\n",
              seen / absl::GetFlag(FLAGS_queries), us);
  engine.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
