// Copyright the wf-engine authors. Apache-2.0.
//
// Fills a data folder for the scale figures: the test org directory, the
// bench workflow, and --instances started instances spread over the units
// of people.txt — through the embedded engine (no gRPC), many at once.
//
//   populate --data_dir=/tmp/wf_scale --instances=1000000 \
//            --people=people.txt --workflow=bench/workflows/phe_duyet_5_buoc.lua \
//            --org_dir=tests/testdata/org --provinces_dir=../shared/domain/provinces
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "wf/engine.h"

ABSL_FLAG(std::string, data_dir, "", "");
ABSL_FLAG(int, instances, 1000000, "");
ABSL_FLAG(std::string, people, "", "'token unit' lines: the units to use");
ABSL_FLAG(std::string, workflow, "", "");
ABSL_FLAG(std::string, org_dir, "", "tests/testdata/org");
ABSL_FLAG(std::string, people_csv, "", "people file to import");
ABSL_FLAG(std::string, provinces_dir, "", "");
ABSL_FLAG(int, in_flight, 512, "");

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
  wf::EngineOptions options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.run_timers = false;
  auto engine = wf::Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.status().ToString().c_str());
    return 1;
  }
  wf::DirectoryImport communes{"bac_ninh_xa", "communes",
      Read(absl::GetFlag(FLAGS_provinces_dir) + "/bac_ninh_2025.csv"), "bac_ninh",
      "Bắc Ninh", "01/07/2025", ""};
  wf::DirectoryImport agencies{"bac_ninh_co_quan", "units",
      Read(absl::GetFlag(FLAGS_org_dir) + "/bac_ninh_co_quan.csv")};
  wf::DirectoryImport people{"nguoi_dung", "people",
                             Read(absl::GetFlag(FLAGS_people_csv))};
  for (const auto& source : {communes, agencies, people}) {
    auto imported = (*engine)->ImportDirectory(wf::Actor::Embedder(), source);
    if (!imported.ok()) {
      std::fprintf(stderr, "%s\n", imported.status().ToString().c_str());
      return 1;
    }
  }
  auto deployed = (*engine)->Deploy(
      {Read(absl::GetFlag(FLAGS_workflow)), "phe_duyet_5_buoc.lua", wf::Actor::Embedder()});
  if (!deployed.ok()) {
    std::fprintf(stderr, "%s\n", deployed.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> units;
  {
    std::ifstream in(absl::GetFlag(FLAGS_people));
    std::string token, unit;
    while (in >> token >> unit) units.push_back(unit);
  }
  std::string text;
  while (text.size() < 1900) text += "Tăng cường phòng, chống tội phạm. ";
  const int total = absl::GetFlag(FLAGS_instances);
  std::atomic<int> in_flight{0}, failed{0}, done{0};
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < total; ++i) {
    while (in_flight.load() >= absl::GetFlag(FLAGS_in_flight)) {
      std::this_thread::yield();
    }
    in_flight++;
    wf::StartRequest start;
    start.actor = wf::Actor::Embedder();
    start.workflow = "phe_duyet_5_buoc";
    start.unit = units[i % units.size()];
    start.variables_json = absl::StrCat(R"({"don_vi":"x","noi_dung":")", text, R"("})");
    (*engine)->StartAsync(start, [&](absl::StatusOr<wf::StartResult> r) {
      if (!r.ok()) failed++;
      done++;
      in_flight--;
    });
    if (i % 100000 == 99999) std::fprintf(stderr, "  %d started\n", i + 1);
  }
  while (done.load() < total) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("{\"instances\":%d,\"failed\":%d,\"seconds\":%.1f,\"per_s\":%.0f}\n",
              total, failed.load(), seconds, total / seconds);
  return failed.load() == 0 ? 0 : 1;
}
