// Copyright the wf-engine authors. Apache-2.0.
//
// Options for opening an engine. Every limit has a default that suits a
// province's server; each is checked on the way in and refused with
// RESOURCE_EXHAUSTED when exceeded.
#ifndef WF_OPTIONS_H_
#define WF_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace wf {

class Clock;
// Operational metrics (engine/metrics/metrics.h).
class Metrics;
// Fault injection for the store's own tests (engine/store/store.h).
struct StoreFaults;

struct Limits {
  // Size of a start request's variables or an event's payload, as JSON.
  size_t max_payload_bytes = 64 << 10;
  // Size of an instance's variables after a transition, as JSON.
  size_t max_variables_bytes = 1 << 20;
  // Size of a workflow's Lua source.
  size_t max_source_bytes = 1 << 20;
  size_t max_business_key_bytes = 256;
  size_t max_idempotency_key_bytes = 128;
  // Lua VM instructions one guard or action call may execute.
  uint64_t lua_instructions_per_call = 2'000'000;
  // Instructions the top-level code of a workflow file may execute when it
  // is deployed or loaded.
  uint64_t lua_instructions_per_load = 20'000'000;
  // Memory one Lua state may hold (the workflow's code plus one call's data).
  size_t lua_memory_bytes = 64 << 20;
  // Memory all idle pooled Lua states may hold together, across every
  // workflow: a state that does not fit is closed instead of kept
  // (engine/lua/script_pool.h). Shared by the engines of one process.
  size_t lua_idle_memory_bytes = size_t{256} << 20;
  // Wall-clock time one guard or action call, and one load, may take: a
  // backstop for work the instruction count does not see (one instruction
  // can compare two long strings). Refused with RESOURCE_EXHAUSTED.
  uint32_t lua_milliseconds_per_call = 1000;
  uint32_t lua_milliseconds_per_load = 10000;
  // How long a request's idempotency key is remembered: a retry within the
  // window gets the first answer; after it the key is free again, and the
  // record is dropped when RocksDB next compacts it. A week covers any
  // client's retries, including one stopped over a long holiday weekend.
  int64_t idempotency_window_seconds = 7 * 24 * 3600;
  // How long feed items are kept (Engine::ReadFeed, the Watch stream): a
  // reader that falls further behind is refused FEED_CURSOR_EXPIRED and
  // must catch up another way. Items go when RocksDB next compacts them.
  int64_t feed_retention_seconds = 30 * 24 * 3600;
  // Child instances one step may start (ctx.start): a province plan goes to
  // 166 communes at once; a script looping by mistake stops here.
  size_t max_children_per_step = 1000;
  // Values one step may take from outside its script (ctx.take_number,
  // take_place, claim, start, read_instance, find, together): each is a
  // read, a condition and a line of the history event, so a loop is
  // stopped here (RESOURCE_EXHAUSTED) rather than by the size of the write
  // it makes.
  size_t max_host_calls_per_step = 10000;
  // Times a step whose shared records moved under it (another transition
  // took the same register's number first) is run again before the caller
  // gets ABORTED.
  int max_step_retries = 64;
  // Size of one file attached to a document (docs/documents.md).
  uint64_t max_file_bytes = uint64_t{64} << 20;
};

struct StoreOptions {
  // RocksDB block cache shared by every column family.
  size_t block_cache_bytes = 64 << 20;
  // Memtable size per column family, and the cap on all memtables together
  // (enforced by a shared WriteBufferManager).
  size_t write_buffer_bytes = 16 << 20;
  size_t total_write_buffer_bytes = 128 << 20;
  int max_open_files = 512;
  // Cap on the write-ahead log files kept on disk. A log is deleted only once
  // every column family has flushed what it holds; families written only at
  // set-up (definitions, directory, tokens) would otherwise never flush and
  // keep every log since start-up (1 GB after 5 minutes at full speed, all
  // replayed by the next start). Past this total, RocksDB flushes the
  // families that pin the oldest log. Restart replays at most about this
  // much plus one memtable's worth (docs/storage.md).
  size_t max_wal_bytes = 64 << 20;
  // Every this many seconds, log the memory RocksDB and the allocator hold
  // (memtables, table readers, block cache, WAL on disk, heap). 0: never.
  int memory_log_seconds = 0;
  // RocksDB's ticker statistics (block cache hits and misses, write stall
  // time) for Store::Figures(); the engine turns them on with metrics.
  bool statistics = false;
  // For fault-injection tests only (engine/store/faulty_file_system.h);
  // not owned.
  const StoreFaults* faults = nullptr;
};

struct EngineOptions {
  // Folder of the RocksDB database; created if missing.
  std::string data_dir;
  // Not owned; nullptr means Clock::System().
  Clock* clock = nullptr;
  Limits limits;
  StoreOptions store;
  // Threads that run transitions that had to wait for an earlier transition
  // of the same instance. Transitions normally run on the caller's thread.
  int worker_threads = 2;
  // Largest number of transitions the committer merges into one synced write.
  int max_group_size = 512;
  // Parsed instance records kept in memory for inboxes, lists and steps, at
  // most about this many bytes of stored records (docs/architecture.md,
  // "Reads"). 0 keeps none: every read goes to RocksDB.
  size_t instance_cache_bytes = 32u << 20;
  // The official holiday tables (JSON, docs/calendar.md) on top of the
  // computed Vietnamese calendar; empty means the computed calendar alone.
  std::string calendar_rules_json;
  // The full names of document types for rendering, as JSON {"types":
  // {"KH": "KẾ HOẠCH", ...}} (the bundled plugins/vn/document_types.json);
  // empty: a rendered document shows its type's abbreviation.
  std::string document_types_json;
  // Run the timer loop (deadlines fire on their own). With it off, timers
  // fire only through Engine::FireDueTimers().
  bool run_timers = true;
  // Timers fired at the same time, at most.
  int max_timers_in_flight = 256;
  // Where the engine records its operational metrics (not owned; must
  // outlive the engine). nullptr: none are kept.
  Metrics* metrics = nullptr;
  // How long a sign-in lasts (SignIn, OpenSession): a working day.
  absl::Duration session_duration = absl::Hours(12);
};

}  // namespace wf

#endif  // WF_OPTIONS_H_
