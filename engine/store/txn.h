// Copyright the wf-engine authors. Apache-2.0.
//
// The transaction interface the runtime writes through. It names no storage
// engine: the embedded RocksDB store implements it (committer.h), and a
// replicated store with compare-and-swap on key revisions could implement it
// without the runtime changing (docs/architecture.md).
//
// A transition reads what it needs, noting the version of each key it
// depends on, then hands one Txn to the store: its writes, and the
// conditions they depend on. The store checks every condition at the
// transaction's turn in the commit order and writes all or nothing. A
// condition that no longer holds aborts the transaction (ABORTED, nothing
// written); the runtime then runs the step again on fresh reads
// (optimistic concurrency, docs/architecture.md "Shared keys").
//
// Versions. Only two column families carry them: an instance's version is
// its record's `version` (its number of history events); a shared record's
// is SharedRecord.version, one more at each write. Version 0 means absent.
#ifndef WF_STORE_TXN_H_
#define WF_STORE_TXN_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/store/store.h"

namespace wf {

// A key's value and version as one read saw them.
struct Versioned {
  std::optional<std::string> value;  // nullopt: absent
  uint64_t version = 0;              // 0: absent
};

// The version a stored value carries (see above): 0 for nullopt, 1 for a
// present value of a column family without versions.
uint64_t VersionOf(Cf cf, const std::optional<std::string>& value);

// What must hold when the transaction commits.
struct Condition {
  enum class Kind {
    kAt,     // the key is at `version` (0: absent)
    kBelow,  // the shared counter at the key is below `limit`
  };
  Kind kind = Kind::kAt;
  Cf cf = Cf::kShared;
  std::string key;
  uint64_t version = 0;
  int64_t limit = 0;
};

class Txn {
 public:
  Txn() = default;
  explicit Txn(WriteSet writes) : writes_(std::move(writes)) {}

  // The commit holds only while `key` is at `version` (0: still absent).
  void ExpectAt(Cf cf, std::string key, uint64_t version);
  // The commit holds only while the shared counter at `key` is below
  // `limit` (an absent counter is 0).
  void ExpectBelow(std::string key, int64_t limit);
  // Adds `delta` to the shared counter at `key` at commit time, whatever
  // its value then: increments that commute need not see each other, so
  // many transitions can take quota places without aborting each other.
  void Add(std::string key, int64_t delta);

  WriteSet& writes() { return writes_; }
  const WriteSet& writes() const { return writes_; }
  const std::vector<Condition>& conditions() const { return conditions_; }
  struct Delta {
    std::string key;
    int64_t delta = 0;
  };
  const std::vector<Delta>& deltas() const { return deltas_; }
  // A serialised store::FeedRecord, written to the "feed" column family
  // under the next feed seq when the committer accepts the transaction
  // (items keep the order they were added in; an aborted transaction takes
  // no seq).
  void AddFeed(std::string record) { feed_.push_back(std::move(record)); }
  const std::vector<std::string>& feed() const { return feed_; }

  // An object to hand, once the transaction is on disk, to whoever the
  // committer tells of writes to `key` (Committer::OnInstanceWritten): the
  // engine gives its read cache the instance it wrote, as parsed, so that
  // the next step does not read and parse it again. Opaque to the store.
  void Attach(std::string key, std::shared_ptr<const void> object);
  // What was attached to `key`, or null.
  const std::shared_ptr<const void>* Attached(absl::string_view key) const;

  // Appends another transaction's writes, conditions, deltas, feed items
  // and attachments (a child instance started in the same step).
  void Absorb(Txn other);

 private:
  WriteSet writes_;
  std::vector<Condition> conditions_;
  std::vector<Delta> deltas_;
  std::vector<std::string> feed_;
  std::vector<std::pair<std::string, std::shared_ptr<const void>>> attached_;
};

// The storage-neutral store a transition commits through.
class TxnStore {
 public:
  using Done = std::function<void(absl::Status)>;
  virtual ~TxnStore() = default;

  // The key's value and version now, counting transactions the store has
  // accepted but not yet made durable (they commit before any later one):
  // a counter read just after another transition took a number sees that
  // number taken, without waiting for the disk.
  virtual absl::StatusOr<Versioned> Read(Cf cf,
                                         absl::string_view key) const = 0;

  // Commits `txn` if every condition holds at its turn. `done` runs once:
  // OK after the writes are durable; ABORTED when a condition failed
  // (nothing written; read again and retry); UNAVAILABLE when the store
  // refuses writes. `done` must not block.
  virtual void Commit(Txn txn, Done done) = 0;
};

}  // namespace wf

#endif  // WF_STORE_TXN_H_
