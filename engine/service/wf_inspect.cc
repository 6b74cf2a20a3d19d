// Copyright the wf-engine authors. Apache-2.0.
//
// wf_inspect: opens a data folder offline, with the engine embedded (no
// server, no timer loop, no network), verifies every instance and says what
// the folder holds, as one JSON object on stdout. `wfctl restore` runs it on
// the copy of a backup before anyone serves from it.
//
//   wf_inspect --data_dir=/var/lib/wf-restored [--progress]
//
// Exit status: 0 every instance verifies, 1 some do not (they are listed),
// 2 the folder does not open (a message on stderr). Nothing is changed but
// what opening the engine does (the chunks of unfinished uploads go).
#include <iostream>
#include <map>
#include <string>
#include <tuple>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "engine/util/status_macros.h"
#include "nlohmann/json.hpp"
#include "wf/engine.h"

ABSL_FLAG(std::string, data_dir, "", "The data folder to inspect.");
ABSL_FLAG(bool, progress, false,
          "Write \"progress DONE TOTAL FAILED\" lines on stderr while "
          "verifying (at most every 200 ms, and at the end): wfctl draws its "
          "progress bar from them.");

namespace wf {
namespace {

using Json = nlohmann::ordered_json;

Json FailureJson(const VerifyFailure& f) {
  return {{"instance_id", f.instance_id},
          {"workflow", f.workflow},
          {"workflow_version", f.workflow_version},
          {"failed_event", f.failed_event},
          {"problem", f.problem}};
}

Json SummaryJson(const VerifyAllSummary& s) {
  Json failures = Json::array();
  for (const VerifyFailure& f : s.failures) failures.push_back(FailureJson(f));
  return {{"total", s.total},
          {"verified", s.verified},
          {"failed", s.failed},
          {"failures", failures},
          {"seconds", absl::ToDoubleSeconds(s.took)}};
}

// Instances counted by workflow, version and state (ListInstances, every
// page, without variables).
absl::StatusOr<Json> InstanceCounts(Engine& engine) {
  std::map<std::tuple<std::string, uint32_t, std::string>, uint64_t> counts;
  ListInstancesRequest request;
  request.actor = Actor::Embedder("wf_inspect");
  request.page_size = 1000;
  request.with_variables = false;
  do {
    WF_ASSIGN_OR_RETURN(InstancePage page, engine.ListInstances(request));
    for (const InstanceInfo& i : page.instances) {
      ++counts[{i.workflow, i.workflow_version, i.state}];
    }
    request.page_token = page.next_page_token;
  } while (!request.page_token.empty());
  Json out = Json::array();
  for (const auto& [key, n] : counts) {
    out.push_back({{"workflow", std::get<0>(key)},
                   {"workflow_version", std::get<1>(key)},
                   {"state", std::get<2>(key)},
                   {"count", n}});
  }
  return out;
}

absl::StatusOr<Json> Holdings(Engine& engine) {
  const Actor me = Actor::Embedder("wf_inspect");
  Json out;
  WF_ASSIGN_OR_RETURN(out["instances"], InstanceCounts(engine));
  WF_ASSIGN_OR_RETURN(auto registers, engine.ListRegisters(me));
  out["registers"] = Json::array();
  for (const RegisterYearInfo& r : registers) {
    out["registers"].push_back({{"register", r.register_name},
                                {"year", r.year},
                                {"last_number", r.last_number}});
  }
  WF_ASSIGN_OR_RETURN(auto tokens, engine.ListTokens(me));
  uint64_t revoked = 0, admin = 0;
  for (const TokenInfo& t : tokens) {
    revoked += t.revoked_at != absl::InfinitePast();
    admin += t.admin;
  }
  out["tokens"] = {
      {"total", tokens.size()}, {"revoked", revoked}, {"admin", admin}};
  WF_ASSIGN_OR_RETURN(auto workflows, engine.ListWorkflows());
  out["workflows"] = Json::array();
  for (const WorkflowInfo& w : workflows) {
    out["workflows"].push_back({{"name", w.name}, {"version", w.version}});
  }
  WF_ASSIGN_OR_RETURN(auto plugins, engine.ListPlugins(me));
  out["plugins"] = Json::array();
  for (const PluginInfo& p : plugins) {
    out["plugins"].push_back({{"name", p.name}, {"version", p.version}});
  }
  return out;
}

// With --progress, an observer writing how far verification has got.
VerifyAllObserver ProgressLines() {
  if (!absl::GetFlag(FLAGS_progress)) return {};
  return [last = absl::InfinitePast()](const VerifyAllProgress& p,
                                       const VerifyFailure*) mutable {
    const absl::Time now = absl::Now();
    if (now - last >= absl::Milliseconds(200) || p.done == p.total) {
      last = now;
      std::cerr << "progress " << p.done << " " << p.total << " " << p.failed
                << std::endl;
    }
    return true;
  };
}

int Inspect(const std::string& dir) {
  EngineOptions options;
  options.data_dir = dir;
  options.run_timers = false;  // a copy to look at, not to run
  auto engine = Engine::Open(options);
  if (!engine.ok()) {
    std::cerr << "wf_inspect: " << engine.status().message() << "\n";
    return 2;
  }
  auto summary =
      (*engine)->VerifyAll(Actor::Embedder("wf_inspect"), ProgressLines());
  auto holdings = summary.ok() ? Holdings(**engine) : summary.status();
  if (!holdings.ok()) {
    std::cerr << "wf_inspect: " << holdings.status().message() << "\n";
    return 2;
  }
  Json out = {{"data_dir", dir}, {"verify", SummaryJson(*summary)}};
  out.update(*holdings);
  std::cout << out.dump(2) << "\n";
  (*engine)->Close().IgnoreError();
  return summary->failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace wf

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Verifies every instance of a data folder offline and prints what it "
      "holds as JSON.\n  wf_inspect --data_dir=DIR");
  absl::ParseCommandLine(argc, argv);
  const std::string dir = absl::GetFlag(FLAGS_data_dir);
  if (dir.empty()) {
    std::cerr << "wf_inspect: --data_dir is required\n";
    return 2;
  }
  return wf::Inspect(dir);
}
