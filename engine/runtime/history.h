// Copyright the wf-engine authors. Apache-2.0.
//
// The history of an instance is an append-only chain of events. Each event's
// body is serialised once and stored as those exact bytes, with
//   hash = SHA-256(prev_hash || body)
// where prev_hash is the previous event's hash, and for the first event the
// chain's anchor SHA-256("wf-chain" \0 instance_id) — so events cannot be
// moved between instances, reordered, changed or dropped without the chain
// showing it.
#ifndef WF_RUNTIME_HISTORY_H_
#define WF_RUNTIME_HISTORY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/store/records.pb.h"
#include "engine/util/json.h"
#include "wf/types.h"

namespace wf {

std::string ChainAnchor(const std::string& instance_id);

// Serialises `body` and computes its hash (body.prev_hash must be set).
store::HistoryEventRecord SealEvent(const store::HistoryEventBody& body);

// DATA_LOSS if the stored bytes do not parse.
absl::StatusOr<store::HistoryEventBody> OpenEvent(
    const store::HistoryEventRecord& record);

HistoryEntry ToHistoryEntry(const store::HistoryEventBody& body,
                            const std::string& hash);

// What changed between two variable objects, at the top level:
// {"set": {name: value, ...}, "unset": [name, ...]}.
Json Changes(const Json& before, const Json& after);
// The same, for the fields known set and unset (ActionResult::changes, in
// name order), the values from `after`.
Json Changes(const Json& after, absl::Span<const std::string> set,
             absl::Span<const std::string> unset);

// The seed of math.random for event `seq` of an instance.
uint64_t RandomSeed(const std::string& instance_id, uint64_t seq);

}  // namespace wf

#endif  // WF_RUNTIME_HISTORY_H_
