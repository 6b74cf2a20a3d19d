// Copyright the wf-engine authors. Apache-2.0.
//
// The writers: one per concern, each appending to the step's one WriteSet
// what its column family needs (docs/storage.md has every key). Nothing is
// read here: the plan holds everything, the before-image is in the Step.
#ifndef WF_RUNTIME_STEP_WRITERS_H_
#define WF_RUNTIME_STEP_WRITERS_H_

#include "engine/runtime/step.h"

namespace wf {

// Every write of a planned step, in one set: instance, history event,
// indexes, idempotency record, timers, late list, inbox; and the step's
// feed items.
StepWrites WriteStep(const Step& step, const StepPlan& plan);

// The writers WriteStep calls, one concern each.
void WriteInstance(const StepPlan& plan, WriteSet* writes);
void WriteHistory(const StepPlan& plan, WriteSet* writes);
void WriteIndexes(const Step& step, const StepPlan& plan, WriteSet* writes);
void WriteIdempotency(const Step& step, const StepPlan& plan,
                      WriteSet* writes);
// Returns the earliest due time of the timers it adds.
absl::Time WriteTimers(const std::string& id,
                       const std::vector<timers::PendingTimer>& before,
                       const std::vector<timers::PendingTimer>& after,
                       WriteSet* writes);
void WriteLate(const std::string& workflow, const std::string& id,
               const std::vector<store::ClockRecord>& before,
               const std::vector<store::ClockRecord>& after, WriteSet* writes);
void WriteInbox(const Step& step, const StepPlan& plan, WriteSet* writes);
// The step's feed items (store::FeedRecord), numbered at commit: one
// "transition", one "effect" per ctx.emit, "document_issued" when the event
// issued the document, "document_recalled" when it recalled it,
// "file_attached" when it attached a file. (They
// replace the outbox, which nothing read.)
void WriteFeed(const StepPlan& plan, Txn* txn);

// The timer record of a pending timer of instance `id`.
store::TimerRecord ToTimerRecord(const std::string& id,
                                 const timers::PendingTimer& t);

}  // namespace wf

#endif  // WF_RUNTIME_STEP_WRITERS_H_
