// Copyright the wf-engine authors. Apache-2.0.
//
// Verifies every instance of the store, one after another, with the
// per-instance Verifier (verify.h), while the engine keeps serving.
//
// No lock is held and no long-lived iterator or snapshot: instance ids are
// read a page at a time with a fresh iterator, and each instance is verified
// as of a snapshot of its own (Verifier::Verify), taken and released around
// its two reads. So writes never wait for it, and RocksDB keeps no old
// values alive for the length of the run. It checks the instances that
// exist when it starts (ids sort by creation: those up to the last id then);
// each one as it is when its turn comes.
#ifndef WF_RUNTIME_VERIFY_ALL_H_
#define WF_RUNTIME_VERIFY_ALL_H_

#include <functional>

#include "absl/status/statusor.h"
#include "engine/runtime/verify.h"
#include "engine/store/store.h"
#include "wf/types.h"

namespace wf {

// `still_open` is asked before each instance: an error (the engine is
// closing) ends the run with it. A failure to read one instance (a record
// that does not parse, a workflow version missing) is that instance's
// failure, not the run's.
absl::StatusOr<VerifyAllSummary> VerifyEveryInstance(
    const Store& store, Verifier& verifier,
    const std::function<absl::Status()>& still_open,
    const VerifyAllObserver& observe);

}  // namespace wf

#endif  // WF_RUNTIME_VERIFY_ALL_H_
