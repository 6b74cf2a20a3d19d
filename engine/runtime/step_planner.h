// Copyright the wf-engine authors. Apache-2.0.
//
// The planner: from a decided Step to what the instance, its history event,
// its clocks and timers and its inbox listing become. Pure: it reads no
// store and writes nothing (the deadline `date` function of a Step may run
// Lua), so it can be tested on its own.
#ifndef WF_RUNTIME_STEP_PLANNER_H_
#define WF_RUNTIME_STEP_PLANNER_H_

#include "absl/status/statusor.h"
#include "engine/calendar/work_calendar.h"
#include "engine/runtime/step.h"
#include "wf/options.h"

namespace wf {

// Plans `step`. RESOURCE_EXHAUSTED when the variables would outgrow
// limits.max_variables_bytes; an error of a deadline's `date` function as it
// comes.
absl::StatusOr<StepPlan> PlanStep(const Step& step,
                                  const calendar::WorkCalendar& calendar,
                                  const Limits& limits);

}  // namespace wf

#endif  // WF_RUNTIME_STEP_PLANNER_H_
