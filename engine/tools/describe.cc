// Copyright the wf-engine authors. Apache-2.0.
#include "engine/tools/describe.h"

#include <nlohmann/json.hpp>

namespace wf {
namespace {

using Json = nlohmann::ordered_json;

Json Timer(const TimerInfo& timer) {
  return {{"unit", timer.unit}, {"amount", timer.amount},
          {"fire", timer.fire}};
}

Json Deadline(const StateDeadlineInfo& deadline) {
  Json out = Timer(deadline.when);
  // A `date = function(ctx)` deadline has no amount: "date" says so.
  if (deadline.by_date) out["unit"] = "date";
  out["clock"] = deadline.clock;
  Json reminders = Json::array();
  for (const TimerInfo& r : deadline.reminders) reminders.push_back(Timer(r));
  out["reminders"] = reminders;
  return out;
}

Json State(const StateInfo& state) {
  Json out = {{"name", state.name}, {"title", state.title},
              {"final", state.final}};
  out["deadline"] = state.deadline ? Deadline(*state.deadline) : Json();
  out["pauses"] = state.pauses;
  return out;
}

Json Transition(const TransitionInfo& t) {
  Json who = Json::array();
  for (const auto& [role, unit] : t.who) {
    who.push_back({{"role", role}, {"unit", unit}});
  }
  return {{"event", t.event},       {"title", t.title},
          {"from", t.from},         {"to", t.to},
          {"stay", t.stay},         {"requires", t.requires_fields},
          {"optional", t.optional_fields},
          {"guard", t.has_guard},   {"action", t.has_action},
          {"system_only", t.system_only}, {"who", who}};
}

}  // namespace

std::string DescribeWorkflow(const WorkflowInfo& workflow) {
  Json out = {{"name", workflow.name},
              {"title", workflow.title},
              {"initial", workflow.initial_state},
              {"plugin", workflow.plugin},
              {"hooks", workflow.hooks},
              {"requires", workflow.required_fields},
              {"optional", workflow.optional_fields}};
  Json fields = Json::array();
  for (const FieldInfo& f : workflow.fields) {
    fields.push_back({{"name", f.name}, {"title", f.title}, {"kind", f.kind}});
  }
  out["fields"] = fields;
  Json states = Json::array();
  for (const StateInfo& s : workflow.states) states.push_back(State(s));
  out["states"] = states;
  Json transitions = Json::array();
  for (const TransitionInfo& t : workflow.transitions) {
    transitions.push_back(Transition(t));
  }
  out["transitions"] = transitions;
  return out.dump(2) + "\n";
}

}  // namespace wf
