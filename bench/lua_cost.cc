// Copyright the wf-engine authors. Apache-2.0.
//
// Lua cost of a transition: runs the guard and the action of the bench
// workflow's five steps, `--transitions` times in all, in one warm sandbox,
// with ~2 KB of variables — what the transition path spends in Lua,
// including the JSON <-> Lua conversions. Run it under callgrind twice
// (bench/run_bench.py does) and divide the difference of the instruction
// counts by the difference of transitions: instructions per transition,
// the same on a busy or an idle machine.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/time.h"
#include "engine/lua/workflow_script.h"

ABSL_FLAG(std::string, workflow, "bench/workflows/phe_duyet_5_buoc.lua", "");
ABSL_FLAG(int, transitions, 100, "");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::ifstream in(absl::GetFlag(FLAGS_workflow));
  std::stringstream source;
  source << in.rdbuf();
  auto script = wf::WorkflowScript::Load(source.str(), "bench.lua",
                                         wf::SandboxOptions());
  if (!script.ok()) {
    std::fprintf(stderr, "%s\n", script.status().ToString().c_str());
    return 1;
  }
  std::string text;
  while (text.size() < 1900) text += "Tăng cường phòng, chống tội phạm. ";
  wf::Json start = {{"don_vi", "Xã Đại Sơn"}, {"noi_dung", text}};
  wf::Json payload = {{"y_kien", "Đồng ý"}};
  wf::CallInput in_call;
  in_call.payload = &payload;
  in_call.actor = "can-bo.dai-son";
  in_call.instance_id = "wi-000000000001";
  in_call.now = absl::FromUnixSeconds(1768525200);
  auto first = (*script)->RunStart([&] { in_call.vars = &start; return in_call; }());
  wf::Json vars = first->vars;
  int done = 0;
  for (int n = 0; n < absl::GetFlag(FLAGS_transitions); ++n) {
    int step = n % 5;
    // Each step takes apart the variables the one before made, as the
    // engine's step does the cached instance's (CallInput::takeable_vars).
    // After the fifth, they are put back as the start left them, a
    // document's life again: the old log freed, as the engine frees a
    // finished instance's variables.
    if (step == 0 && n > 0) {
      vars["so_buoc"] = 0;
      vars["nhat_ky"] = wf::Json::array();
      vars.erase("y_kien");
      if (n == 5 && vars != first->vars) {
        std::fprintf(stderr, "the variables did not go back to the start's\n");
        return 1;
      }
    }
    in_call.vars = &vars;
    in_call.takeable_vars = &vars;
    // Transitions are declared in order: step i's "duyet" is transition i.
    auto guard = (*script)->RunGuard(step, in_call);
    auto action = (*script)->RunAction(step, in_call);
    if (!guard.ok() || !guard->allowed || !action.ok()) {
      std::fprintf(stderr, "step %d failed: %s\n", step,
                   !guard.ok()    ? guard.status().ToString().c_str()
                   : !action.ok() ? action.status().ToString().c_str()
                                  : guard->reason.c_str());
      return 1;
    }
    vars = std::move(action->vars);
    ++done;
  }
  std::printf("%d transitions\n", done);
  return 0;
}
