// Copyright the wf-engine authors. Apache-2.0.
//
// Deadline clocks, as pure functions of a transition (no I/O, no Lua): what
// the clocks of an instance become when it moves from one state to another,
// and which timers they leave pending.
//
// A clock starts when an instance enters a state that declares a deadline.
// It keeps running — same due time — while the instance moves between
// states whose deadlines name the same clock, stops with the time left
// remembered in a state that `pauses` it, resumes with that time left when
// the instance comes back to a state that names it, and ends in any other
// state. A self-transition leaves every clock as it is. When the deadline
// passes, its event fires and the clock is `expired` (the unit is late)
// until it ends.
//
// Days are Vietnam's civil days (UTC+7). A deadline of N working days from
// entry on day D ends at the end of WorkCalendar::AddWorkdays(D, N); of N
// days, at the end of PeriodEnd(D, N) (civil code, Điều 147-148); of hours,
// minutes or seconds, that long after entry; of a date, at the end of that
// day, moved to the next working day if it is a rest day.
#ifndef WF_TIMERS_CLOCKS_H_
#define WF_TIMERS_CLOCKS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/calendar/work_calendar.h"
#include "engine/lua/workflow_spec.h"
#include "engine/store/records.pb.h"

namespace wf::timers {

// A timer a clock leaves pending.
struct PendingTimer {
  std::string name;   // "<clock>" for the deadline, "<clock>#<i>" for reminder i
  std::string event;  // fired when due
  absl::Time due;
  bool reminder = false;

  bool operator==(const PendingTimer& o) const {
    return name == o.name && due == o.due;
  }
};

struct ClockChange {
  const WorkflowSpec* spec = nullptr;
  const calendar::WorkCalendar* calendar = nullptr;
  std::vector<store::ClockRecord> before;
  std::string from;  // empty for the start event
  std::string to;
  absl::Time now;
  std::string fired_timer;  // the timer that fired this event, if any
  // The day the `date` function of `to`'s deadline gives (called only when
  // a new clock starts there).
  std::function<absl::StatusOr<std::optional<absl::CivilDay>>()> deadline_date;
};

// The clocks after the transition.
absl::StatusOr<std::vector<store::ClockRecord>> NextClocks(
    const ClockChange& change);

// The timers pending for `clocks`, deadline first then reminders.
std::vector<PendingTimer> TimersOf(const WorkflowSpec& spec,
                                   const calendar::WorkCalendar& calendar,
                                   const std::vector<store::ClockRecord>& clocks);

// The last day of a deadline that ends at `due` (the end of that day).
absl::CivilDay LastDay(absl::Time due);

}  // namespace wf::timers

#endif  // WF_TIMERS_CLOCKS_H_
