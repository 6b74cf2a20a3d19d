// Copyright the wf-engine authors. Apache-2.0.
#include "engine/timers/clocks.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/calendar/vn_date.h"

namespace wf::timers {
namespace {

using store::ClockRecord;
using calendar::EndOfVietnamDay;
using calendar::StartOfVietnamDay;
using calendar::ToVietnamDay;

const StateSpec* FindState(const WorkflowSpec& spec, const std::string& name) {
  for (const StateSpec& s : spec.states) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

absl::Duration DurationOf(TimeUnit unit, int64_t amount) {
  switch (unit) {
    case TimeUnit::kHours: return absl::Hours(amount);
    case TimeUnit::kMinutes: return absl::Minutes(amount);
    case TimeUnit::kSeconds: return absl::Seconds(amount);
    default: return absl::ZeroDuration();
  }
}

absl::Time EndOf(absl::CivilDay day) { return EndOfVietnamDay(day); }

// A period of `days` days from `today`: returns its end, moved off a rest
// day, and remembers the unmoved end in `clock` for a pause.
absl::Time StartDays(const calendar::WorkCalendar& calendar,
                     absl::CivilDay today, int64_t days, ClockRecord& clock) {
  clock.set_period_end_micros(absl::ToUnixMicros(EndOf(today + days)));
  return EndOf(calendar.PeriodEnd(today, static_cast<int>(days)));
}

// The last day of a running `days` period before any rest-day move.
absl::CivilDay UnmovedLastDay(const ClockRecord& clock) {
  const int64_t end = clock.period_end_micros() != 0 ? clock.period_end_micros()
                                                     : clock.due_micros();
  return LastDay(absl::FromUnixMicros(end));
}

absl::Time ReminderDue(const ReminderSpec& r, absl::Time due,
                       const calendar::WorkCalendar& calendar);

// Fixes the due time of each of `state`'s reminders from the clock's due
// time, with the calendar as it is now.
void StampReminders(const StateSpec& state,
                    const calendar::WorkCalendar& calendar,
                    ClockRecord& clock) {
  clock.clear_reminder_due_micros();
  const absl::Time due = absl::FromUnixMicros(clock.due_micros());
  for (const ReminderSpec& r : state.deadline.reminders) {
    clock.add_reminder_due_micros(
        absl::ToUnixMicros(ReminderDue(r, due, calendar)));
  }
}

// A new clock for `state`'s deadline, or nullopt if its date function says
// there is none this time.
absl::StatusOr<std::optional<ClockRecord>> StartClock(const ClockChange& c,
                                                      const StateSpec& state) {
  const DeadlineSpec& d = state.deadline;
  const absl::CivilDay today = ToVietnamDay(c.now);
  ClockRecord clock;
  clock.set_name(d.clock);
  clock.set_state(state.name);
  absl::Time due;
  switch (d.unit) {
    case TimeUnit::kWorkingDays:
      clock.set_unit(ClockRecord::WORKING_DAYS);
      due = EndOf(c.calendar->AddWorkdays(today, static_cast<int>(d.amount)));
      break;
    case TimeUnit::kDays:
      clock.set_unit(ClockRecord::DAYS);
      due = StartDays(*c.calendar, today, d.amount, clock);
      break;
    case TimeUnit::kHours:
    case TimeUnit::kMinutes:
    case TimeUnit::kSeconds:
      clock.set_unit(ClockRecord::DURATION);
      due = c.now + DurationOf(d.unit, d.amount);
      break;
    case TimeUnit::kNone: {
      auto day = c.deadline_date();
      if (!day.ok()) return day.status();
      if (!day->has_value()) return std::optional<ClockRecord>();
      clock.set_unit(ClockRecord::DATE);
      due = EndOf(c.calendar->NextWorkdayOnOrAfter(**day));
      break;
    }
  }
  clock.set_due_micros(absl::ToUnixMicros(due));
  StampReminders(state, *c.calendar, clock);
  return std::optional<ClockRecord>(clock);
}

// Stops a running clock, remembering the time left in its own unit.
void Pause(const ClockChange& c, ClockRecord& clock) {
  const absl::Time due = absl::FromUnixMicros(clock.due_micros());
  const absl::CivilDay today = ToVietnamDay(c.now);
  int64_t remaining = 0;
  switch (clock.unit()) {
    case ClockRecord::WORKING_DAYS:
      remaining = c.calendar->WorkdaysBetween(today, LastDay(due));
      break;
    case ClockRecord::DAYS:
      // Counted to the period's own last day: the days a rest-day move
      // added are not time left (paused Thursday before a period ending on
      // Saturday, moved to Monday, leaves 2 days, not 4).
      remaining = UnmovedLastDay(clock) - today;
      clock.set_period_end_micros(0);
      break;
    case ClockRecord::DURATION:
      remaining = absl::ToInt64Microseconds(due - c.now);
      break;
    default:  // a fixed date does not move
      remaining = clock.due_micros();
  }
  clock.set_paused(true);
  clock.set_remaining(std::max<int64_t>(0, remaining));
}

// Starts a paused clock again with the time it had left: the day it resumes
// is not counted, as for any period.
void Resume(const ClockChange& c, ClockRecord& clock) {
  const absl::CivilDay today = ToVietnamDay(c.now);
  const int64_t left = clock.remaining();
  absl::Time due;
  switch (clock.unit()) {
    case ClockRecord::WORKING_DAYS:
      due = EndOf(c.calendar->AddWorkdays(today, static_cast<int>(left)));
      break;
    case ClockRecord::DAYS:
      due = StartDays(*c.calendar, today, left, clock);
      break;
    case ClockRecord::DURATION:
      due = c.now + absl::Microseconds(left);
      break;
    default:
      due = absl::FromUnixMicros(left);
  }
  clock.set_paused(false);
  clock.set_remaining(0);
  clock.set_due_micros(absl::ToUnixMicros(due));
  if (const StateSpec* state = FindState(*c.spec, clock.state())) {
    StampReminders(*state, *c.calendar, clock);
  }
}

// Marks the fired timer: a reminder is done, a deadline has expired.
void MarkFired(std::vector<ClockRecord>& clocks, const std::string& timer) {
  std::string clock_name = timer;
  int reminder = -1;
  size_t hash = timer.find('#');
  if (hash != std::string::npos) {
    clock_name = timer.substr(0, hash);
    if (!absl::SimpleAtoi(timer.substr(hash + 1), &reminder)) reminder = -1;
  }
  for (ClockRecord& clock : clocks) {
    if (clock.name() != clock_name) continue;
    if (reminder >= 0) {
      clock.add_reminders_fired(reminder);
    } else {
      clock.set_expired(true);
    }
  }
}

// "N working days (days) before" is the start of the day from which N
// working days (days) are left, the deadline's last day counting as one:
// what an official reads as "còn N ngày làm việc". For working days that is
// the N-th working day on or before the last day (the N-th before the day
// after it); N = 0 is the deadline itself.
absl::Time ReminderDue(const ReminderSpec& r, absl::Time due,
                       const calendar::WorkCalendar& calendar) {
  const int n = static_cast<int>(r.amount);
  switch (r.unit) {
    case TimeUnit::kWorkingDays:
      if (n == 0) return due;
      return StartOfVietnamDay(calendar.AddWorkdays(LastDay(due) + 1, -n));
    case TimeUnit::kDays:
      return StartOfVietnamDay(LastDay(due) - (n - 1));
    default:
      return due - DurationOf(r.unit, r.amount);
  }
}

}  // namespace

absl::CivilDay LastDay(absl::Time due) {
  return ToVietnamDay(due - absl::Microseconds(1));
}

absl::StatusOr<std::vector<ClockRecord>> NextClocks(const ClockChange& c) {
  std::vector<ClockRecord> clocks = c.before;
  if (!c.fired_timer.empty()) MarkFired(clocks, c.fired_timer);
  if (!c.from.empty() && c.from == c.to) return clocks;
  const StateSpec* to = FindState(*c.spec, c.to);
  if (to == nullptr) return std::vector<ClockRecord>();
  std::vector<ClockRecord> next;
  for (ClockRecord& clock : clocks) {
    bool runs_here = to->has_deadline && to->deadline.clock == clock.name();
    bool paused_here = std::find(to->pauses.begin(), to->pauses.end(),
                                 clock.name()) != to->pauses.end();
    if (runs_here) {
      const bool moved = clock.state() != to->name;
      clock.set_state(to->name);
      if (clock.paused()) {
        Resume(c, clock);  // stamps the reminders of its new due time
      } else if (moved) {
        // The same clock runs on under another state's declaration: its
        // reminders are that state's now.
        StampReminders(*to, *c.calendar, clock);
      }
      next.push_back(std::move(clock));
    } else if (paused_here) {
      if (!clock.paused() && !clock.expired()) Pause(c, clock);
      next.push_back(std::move(clock));
    }
    // Otherwise the clock ends here.
  }
  bool running = std::any_of(next.begin(), next.end(), [&](const auto& k) {
    return to->has_deadline && k.name() == to->deadline.clock;
  });
  if (to->has_deadline && !running) {
    auto started = StartClock(c, *to);
    if (!started.ok()) return started.status();
    if (started->has_value()) next.push_back(std::move(**started));
  }
  return next;
}

namespace {

// Reminder i's due time as stamped when the clock's due time was set (or
// the clock moved to another state), or, for a clock stored before
// stamping, computed from the calendar now.
absl::Time StampedOrComputed(const ClockRecord& clock, size_t i,
                            const ReminderSpec& reminder,
                            const calendar::WorkCalendar& calendar) {
  if (static_cast<size_t>(clock.reminder_due_micros_size()) > i) {
    return absl::FromUnixMicros(clock.reminder_due_micros(static_cast<int>(i)));
  }
  return ReminderDue(reminder, absl::FromUnixMicros(clock.due_micros()),
                     calendar);
}

}  // namespace

std::vector<PendingTimer> TimersOf(const WorkflowSpec& spec,
                                   const calendar::WorkCalendar& calendar,
                                   const std::vector<ClockRecord>& clocks) {
  std::vector<PendingTimer> timers;
  for (const ClockRecord& clock : clocks) {
    if (clock.paused() || clock.expired()) continue;
    const StateSpec* state = FindState(spec, clock.state());
    if (state == nullptr || !state->has_deadline) continue;
    const absl::Time due = absl::FromUnixMicros(clock.due_micros());
    timers.push_back({clock.name(), state->deadline.fire, due, false});
    const auto& reminders = state->deadline.reminders;
    for (size_t i = 0; i < reminders.size(); ++i) {
      const auto& fired = clock.reminders_fired();
      if (std::find(fired.begin(), fired.end(), static_cast<int>(i)) !=
          fired.end()) {
        continue;
      }
      timers.push_back({absl::StrCat(clock.name(), "#", i), reminders[i].fire,
                        StampedOrComputed(clock, i, reminders[i], calendar),
                        true});
    }
  }
  return timers;
}

}  // namespace wf::timers
