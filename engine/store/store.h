// Copyright the wf-engine authors. Apache-2.0.
//
// The RocksDB store: one database, a column family per kind of record
// (docs/storage.md). Reads go straight to RocksDB; every write goes through
// the Committer (committer.h), which syncs the write-ahead log before anyone
// is told the write succeeded.
#ifndef WF_STORE_STORE_H_
#define WF_STORE_STORE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rocksdb/compaction_filter.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "wf/clock.h"
#include "wf/options.h"

namespace wf {

// What the store's process holds in memory, and its write-ahead log on disk,
// at one moment (Store::Memory()). RocksDB figures are summed over every
// column family; heap figures come from tcmalloc when the process is linked
// with it (the server is), else from glibc's mallinfo2.
struct StoreMemory {
  uint64_t memtables = 0;      // active and immutable, not yet flushed
  uint64_t table_readers = 0;  // open SST files' readers, outside the cache
  uint64_t block_cache = 0;    // everything charged to the block cache
  uint64_t block_cache_pinned = 0;
  uint64_t sst_files = 0;  // live SST files
  uint64_t wal_files = 0;  // write-ahead log files on disk
  uint64_t wal_bytes = 0;
  uint64_t heap_allocated = 0;  // bytes the program holds from malloc
  uint64_t heap_free = 0;       // held by the allocator, free, not returned
  // The part of heap_free in tcmalloc's per-thread, transfer and central
  // caches (bounded by tcmalloc.max_total_thread_cache_bytes, 32 MiB by
  // default, plus the central caches); the rest is free pages.
  uint64_t heap_caches = 0;
  // One line: "memtables 12.1 MiB, table readers 0.4 MiB, ...".
  std::string ToString() const;
};

// RocksDB's figures an operator watches (Store::Figures()), summed over
// the column families. The ticker counts are 0 without
// StoreOptions::statistics.
struct StoreFigures {
  uint64_t live_sst_bytes = 0;
  uint64_t pending_compaction_bytes = 0;
  uint64_t write_stopped = 0;        // 1 while writes are stopped
  uint64_t delayed_write_rate = 0;   // bytes/s while writes are slowed, else 0
  uint64_t stall_micros = 0;         // time writers waited on stalls
  uint64_t block_cache_hits = 0;
  uint64_t block_cache_misses = 0;
};

// The column families. The names are on disk; the enum order is not.
enum class Cf {
  kDefault,
  kDefinitions,
  kInstances,
  kHistory,
  kIndexes,
  kIdempotency,
  kOutbox,
  kTimers,
  kTokens,
  kDirectory,
  kInbox,
  kShared,  // records of no one instance: counters, claims (txn.h)
  kBlobs,      // file bytes, content-addressed (engine/documents/files)
  kRegisters,  // sổ văn bản: one entry per number issued
  kFeed,       // the ordered feed of what happened (Watch)
  kPlugins,    // province plugins, every version (docs/plugins.md)
  kPasswords,  // officials' password hashes, by person (auth/password_store.h)
  kCount,
};

const char* CfName(Cf cf);

// A set of puts and deletes that commit together or not at all.
class WriteSet {
 public:
  void Put(Cf cf, std::string key, std::string value);
  void Delete(Cf cf, std::string key);
  // For a key put once and deleted once, never overwritten (timer and inbox
  // keys): the put and its delete cancel out when the memtable is flushed,
  // instead of leaving a tombstone that every later scan has to skip.
  void SingleDelete(Cf cf, std::string key);
  // Appends `other`'s operations after this set's.
  void Append(WriteSet other);
  bool empty() const { return ops_.empty(); }
  // Single deletes in this set, per column family.
  size_t SingleDeletes(Cf cf) const;
  size_t size() const { return ops_.size(); }
  size_t ByteSize() const { return bytes_; }

  enum class Kind { kPut, kDelete, kSingleDelete };
  struct Op {
    Cf cf;
    Kind kind;
    std::string key;
    std::string value;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
  size_t bytes_ = 0;
};

// What a fault-injection test puts under the store: a RocksDB Env whose
// file system fails on demand (faulty_file_system.h).
struct StoreFaults {
  rocksdb::Env* env = nullptr;  // not owned
};

// Records the store drops by age when RocksDB compacts them
// (expiry_filter.h). Without a clock nothing expires.
struct StoreExpiry {
  const Clock* clock = nullptr;  // not owned; outlives the store
  absl::Duration idempotency_window = absl::InfiniteDuration();
  // Feed items older than this go (Limits::feed_retention_seconds).
  absl::Duration feed_window = absl::InfiniteDuration();
  // Sign-in sessions this long after they ended go (one is stored per
  // sign-in: without this the tokens would pile up for ever).
  absl::Duration ended_session_window = absl::InfiniteDuration();
};

class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& data_dir, const StoreOptions& options,
      const StoreExpiry& expiry = StoreExpiry());
  ~Store();

  // The whole database as it is now, for reads that must agree with each
  // other while writes go on (an instance and its history: Verify). Held
  // until the last copy goes; hold it briefly, since RocksDB keeps every
  // value it can see.
  std::shared_ptr<const rocksdb::Snapshot> Snapshot() const;
  // nullopt when the key is absent. `at`: read at that snapshot (null: now).
  absl::StatusOr<std::optional<std::string>> Get(
      Cf cf, absl::string_view key,
      const rocksdb::Snapshot* at = nullptr) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(Cf cf) const;
  // An iterator that stays within keys starting with `prefix` (RocksDB
  // stops at the bound instead of walking past it).
  std::unique_ptr<rocksdb::Iterator> NewPrefixIterator(
      Cf cf, const std::string& prefix,
      const rocksdb::Snapshot* at = nullptr) const;

  // Appends `set` to `batch` (the committer merges many sets into one batch).
  void AppendTo(const WriteSet& set, rocksdb::WriteBatch* batch) const;
  // Writes `batch` with a synced write-ahead log.
  absl::Status WriteSynced(rocksdb::WriteBatch* batch);

  // Counts the single deletes of a committed write set, and flushes the
  // memtable of a column family once enough have piled up in it: a flush is
  // where a put and its single delete cancel out, and until then every scan
  // of their range steps over both (the inbox and the timer loop scan
  // exactly the ranges such keys churn in).
  void NoteSingleDeletes(const WriteSet& set);

  // Writes that need no sync of their own and go around the Committer:
  // the chunks of a file being uploaded (engine/documents/file_store.h),
  // which nothing refers to until a committed transaction does. That
  // transaction's synced write also makes them durable (one log, written in
  // order); a crash before it leaves chunks that the next open deletes.
  absl::Status PutUnsynced(Cf cf, absl::string_view key,
                           absl::string_view value);
  // Deletes [begin, end) and, if not empty, the key `also`, in one write.
  absl::Status DeleteRangeUnsynced(Cf cf, absl::string_view begin,
                                   absl::string_view end,
                                   absl::string_view also = {});

  // A consistent copy of the whole database in `dir` (which must not exist),
  // taken while writes go on: SST files are hard-linked where the file
  // system allows, the rest copied. The copy opens as a data folder.
  absl::Status Checkpoint(const std::string& dir);

  // Flushes one column family's memtable and compacts all its files: what
  // a compaction filter drops (expired records) is gone afterwards.
  absl::Status Compact(Cf cf);
  // The memory RocksDB and the heap hold now, and the WAL on disk.
  StoreMemory Memory() const;
  // Sizes, compaction debt, stalls and cache hits: cheap property reads.
  StoreFigures Figures() const;

  // Flushes nothing (the WAL is synced); closes the database cleanly.
  absl::Status Close();

  rocksdb::DB* db() { return db_.get(); }

 private:
  Store() = default;
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const {
    return handles_[static_cast<size_t>(cf)];
  }

  // With StoreOptions::memory_log_seconds: logs Memory() every so often
  // until Close().
  void ReportMemory(int seconds);
  void StopReporting();

  // Declared before db_: the database refers to it until it closes.
  std::unique_ptr<rocksdb::CompactionFilter> idempotency_expiry_;
  std::unique_ptr<rocksdb::CompactionFilter> feed_expiry_;
  std::unique_ptr<rocksdb::CompactionFilter> session_expiry_;
  std::unique_ptr<rocksdb::DB> db_;
  std::shared_ptr<rocksdb::Statistics> statistics_;
  absl::Mutex report_mu_;
  bool stop_reporting_ ABSL_GUARDED_BY(report_mu_) = false;
  std::thread reporter_;
  std::array<size_t, static_cast<size_t>(Cf::kCount)> single_deletes_{};
  std::array<rocksdb::ColumnFamilyHandle*, static_cast<size_t>(Cf::kCount)>
      handles_{};
};

// A RocksDB slice as an absl::string_view (Debian's abseil does not alias
// std::string_view).
inline absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// RocksDB status to absl::Status, naming what was being done.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view doing);

}  // namespace wf

#endif  // WF_STORE_STORE_H_
