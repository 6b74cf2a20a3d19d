// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/store.h"

#include "rocksdb/statistics.h"

#include <malloc.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "engine/store/expiry_filter.h"
#include "engine/util/log.h"
#include "engine/util/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/utilities/table_properties_collectors.h"
#include "rocksdb/write_buffer_manager.h"

// tcmalloc's C interface, when the program is linked with it (the server
// is; tests and tools are not): weak, so that nothing else needs it.
extern "C" int MallocExtension_GetNumericProperty(const char* property,
                                                  size_t* value)
    __attribute__((weak));

namespace wf {
namespace {

// Every column family shares one block cache and one memtable budget, so the
// process's memory is bounded by StoreOptions however many instances exist.
rocksdb::ColumnFamilyOptions FamilyOptions(
    const StoreOptions& options, std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options.write_buffer_bytes;
  cf.max_write_buffer_number = 3;
  cf.compression = rocksdb::kNoCompression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(cache);
  // Index and filter blocks count against the cache instead of growing
  // without bound as the database grows.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_size = 16 << 10;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Timers and inbox entries are written and deleted all day: a file where
  // deletions pile up is compacted early, so scans do not wade through them.
  cf.table_properties_collector_factories.push_back(
      rocksdb::NewCompactOnDeletionCollectorFactory(/*window=*/10000,
                                                    /*deletions=*/5000));
  return cf;
}

// File bytes (engine/documents/file_store.h) go to RocksDB's integrated
// BlobDB: a value of min_blob_size or more is written to a blob file when
// its memtable flushes, and the LSM keeps only a small reference, so
// compactions move references instead of rewriting megabytes of PDF again
// and again. Files are never deleted, but chunks of an upload that was
// refused or stored twice are: blob GC rewrites a blob file's live values
// when compaction sees it is old and mostly dead, and frees the rest. Files
// are mostly compressed already (PDF, JPEG, PNG, zip containers): no
// compression.
void ConfigureBlobs(rocksdb::ColumnFamilyOptions* cf) {
  cf->enable_blob_files = true;
  // The 1 MiB chunks go to blob files; the file and upload records, and the
  // tail chunk of a small file, stay in the LSM where a read is one block.
  cf->min_blob_size = 16 << 10;
  cf->blob_file_size = 256 << 20;
  cf->blob_compression_type = rocksdb::kNoCompression;
  cf->enable_blob_garbage_collection = true;
  cf->blob_garbage_collection_age_cutoff = 0.25;
  cf->blob_garbage_collection_force_threshold = 0.5;
}

rocksdb::DBOptions DatabaseOptions(const StoreOptions& options) {
  rocksdb::DBOptions db;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  db.max_open_files = options.max_open_files;
  db.max_background_jobs = 2;
  // An acknowledged write is in a synced WAL record; a torn record at the end
  // of the log can only be a write nobody was told about, so recovery stops
  // there rather than refusing to open.
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Memtables have their own budget, separate from the block cache, so the
  // process holds at most cache + memtables (plus small change).
  db.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(
      options.total_write_buffer_bytes);
  db.keep_log_file_num = 5;
  // Families written only at set-up never fill a memtable, so they never
  // flush, and RocksDB keeps every WAL file since start-up for their sake.
  // Past this total, the families holding the oldest log are flushed and
  // the log deleted. (RocksDB's default, 4 x every family's memtables,
  // is 2 GB here.) The WAL stays on and synced; only old logs go.
  db.max_total_wal_size = options.max_wal_bytes;
  if (options.faults != nullptr && options.faults->env != nullptr) {
    db.env = options.faults->env;
  }
  return db;
}

// The filter dropping records older than `window`; none without a clock
// or with an infinite window.
std::unique_ptr<rocksdb::CompactionFilter> ExpiryFilterFor(
    const StoreExpiry& expiry, const char* name, RecordTime time,
    absl::Duration window) {
  if (expiry.clock == nullptr || window == absl::InfiniteDuration()) {
    return nullptr;
  }
  return std::make_unique<ExpiryFilter>(name, time, expiry.clock, window);
}

// Opens `dir` with every family in `families`, their handles in that order.
// The families a new folder (or one from an older version) lacks are
// created together after the open: RocksDB's create_missing_column_families
// creates them one at a time and, for each, rewrites its OPTIONS file and
// parses it back to check it. For a new folder that was 16 rounds of option
// parsing, a fifth of a small test's time under the sanitizers.
rocksdb::Status OpenEveryFamily(
    const rocksdb::DBOptions& options, const std::string& dir,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& families,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles, rocksdb::DB** db) {
  std::vector<std::string> stored;
  rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(options, dir, &stored);
  if (!listed.ok()) {
    std::error_code ec;
    if (std::filesystem::exists(dir + "/CURRENT", ec)) {
      // Not readable: the full open reports why, in RocksDB's words.
      return rocksdb::DB::Open(options, dir, families, handles, db);
    }
    stored = {rocksdb::kDefaultColumnFamilyName};  // a new folder
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> present, missing;
  std::vector<size_t> present_at, missing_at;
  for (size_t i = 0; i < families.size(); ++i) {
    bool there = std::find(stored.begin(), stored.end(), families[i].name) !=
                 stored.end();
    (there ? present : missing).push_back(families[i]);
    (there ? present_at : missing_at).push_back(i);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> opened, created;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, present, &opened, db);
  if (!s.ok()) return s;
  if (!missing.empty()) s = (*db)->CreateColumnFamilies(missing, &created);
  if (!s.ok()) {
    opened.insert(opened.end(), created.begin(), created.end());
    for (rocksdb::ColumnFamilyHandle* h : opened) {
      (*db)->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    delete *db;
    *db = nullptr;
    return s;
  }
  handles->assign(families.size(), nullptr);
  for (size_t i = 0; i < opened.size(); ++i) {
    (*handles)[present_at[i]] = opened[i];
  }
  for (size_t i = 0; i < created.size(); ++i) {
    (*handles)[missing_at[i]] = created[i];
  }
  return s;
}

}  // namespace

const char* CfName(Cf cf) {
  switch (cf) {
    case Cf::kDefault: return rocksdb::kDefaultColumnFamilyName.c_str();
    case Cf::kDefinitions: return "definitions";
    case Cf::kInstances: return "instances";
    case Cf::kHistory: return "history";
    case Cf::kIndexes: return "indexes";
    case Cf::kIdempotency: return "idempotency";
    case Cf::kOutbox: return "outbox";
    case Cf::kTimers: return "timers";
    case Cf::kTokens: return "tokens";
    case Cf::kDirectory: return "directory";
    case Cf::kInbox: return "inbox";
    case Cf::kShared: return "shared";
    case Cf::kBlobs: return "blobs";
    case Cf::kRegisters: return "registers";
    case Cf::kFeed: return "feed";
    case Cf::kPlugins: return "plugins";
    case Cf::kPasswords: return "passwords";
    case Cf::kCount: break;
  }
  return "?";
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view doing) {
  if (s.ok()) return absl::OkStatus();
  // RocksDB's own text (file names, errno strings) goes to the server's
  // log, not to clients: they get what failed, in plain words.
  WF_LOG_ERROR("store: ", doing, ": ", s.ToString());
  std::string message = absl::StrCat(
      "Expected the store to finish ", doing, ", but it reported ",
      s.IsCorruption() ? "corrupt data"
      : s.IsIOError()  ? "a disk error"
      : s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()
          ? "that it is busy"
          : "an internal error",
      " (details in the server log)");
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

void WriteSet::Put(Cf cf, std::string key, std::string value) {
  bytes_ += key.size() + value.size();
  ops_.push_back({cf, Kind::kPut, std::move(key), std::move(value)});
}

void WriteSet::Delete(Cf cf, std::string key) {
  bytes_ += key.size();
  ops_.push_back({cf, Kind::kDelete, std::move(key), {}});
}

void WriteSet::SingleDelete(Cf cf, std::string key) {
  bytes_ += key.size();
  ops_.push_back({cf, Kind::kSingleDelete, std::move(key), {}});
}

void WriteSet::Append(WriteSet other) {
  if (ops_.empty()) {
    ops_ = std::move(other.ops_);
  } else {
    for (Op& op : other.ops_) ops_.push_back(std::move(op));
  }
  bytes_ += other.bytes_;
}

size_t WriteSet::SingleDeletes(Cf cf) const {
  size_t n = 0;
  for (const Op& op : ops_) {
    if (op.cf == cf && op.kind == Kind::kSingleDelete) ++n;
  }
  return n;
}

absl::Status Store::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  WF_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw),
                               "preparing a backup"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), "writing a backup");
}

void Store::NoteSingleDeletes(const WriteSet& set) {
  // A flush drops each SingleDelete with the Put it cancels, so inbox reads
  // stop stepping over them. 1024 made inbox queries ~20% faster than 4096
  // under the approval benchmark; the flushes are of a small memtable.
  constexpr size_t kFlushAfter = 1024;
  for (Cf cf : {Cf::kInbox, Cf::kTimers}) {
    size_t& n = single_deletes_[static_cast<size_t>(cf)];
    n += set.SingleDeletes(cf);
    if (n < kFlushAfter) continue;
    n = 0;
    rocksdb::FlushOptions options;
    options.wait = false;  // the flush runs in the background
    options.allow_write_stall = true;
    db_->Flush(options, handle(cf)).PermitUncheckedError();
  }
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const std::string& data_dir, const StoreOptions& options,
    const StoreExpiry& expiry) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected to create the data folder '", data_dir, "', but ",
        ec.message()));
  }
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::ColumnFamilyOptions cf_options = FamilyOptions(options, cache);
  std::unique_ptr<Store> store(new Store());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (size_t i = 0; i < static_cast<size_t>(Cf::kCount); ++i) {
    families.emplace_back(CfName(static_cast<Cf>(i)), cf_options);
  }
  store->idempotency_expiry_ =
      ExpiryFilterFor(expiry, "wf.IdempotencyExpiry", &IdempotencyRecordTime,
                      expiry.idempotency_window);
  families[static_cast<size_t>(Cf::kIdempotency)].options.compaction_filter =
      store->idempotency_expiry_.get();
  store->feed_expiry_ = ExpiryFilterFor(expiry, "wf.FeedExpiry",
                                        &FeedRecordTime, expiry.feed_window);
  families[static_cast<size_t>(Cf::kFeed)].options.compaction_filter =
      store->feed_expiry_.get();
  store->session_expiry_ =
      ExpiryFilterFor(expiry, "wf.SessionExpiry", &EndedSessionTime,
                      expiry.ended_session_window);
  families[static_cast<size_t>(Cf::kTokens)].options.compaction_filter =
      store->session_expiry_.get();
  ConfigureBlobs(&families[static_cast<size_t>(Cf::kBlobs)].options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::DBOptions db_options = DatabaseOptions(options);
  if (options.statistics) {
    // Tickers only: histograms and timers cost on every operation.
    store->statistics_ = rocksdb::CreateDBStatistics();
    store->statistics_->set_stats_level(
        rocksdb::StatsLevel::kExceptHistogramOrTimers);
    db_options.statistics = store->statistics_;
  }
  rocksdb::Status s =
      OpenEveryFamily(db_options, data_dir, families, &handles, &raw);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening the database in '", data_dir,
                                     "' (is another server using it?)"));
  }
  store->db_.reset(raw);
  for (size_t i = 0; i < handles.size(); ++i) store->handles_[i] = handles[i];
  if (options.memory_log_seconds > 0) {
    Store* self = store.get();
    int seconds = options.memory_log_seconds;
    store->reporter_ =
        std::thread([self, seconds] { self->ReportMemory(seconds); });
  }
  return store;
}

Store::~Store() { Close().IgnoreError(); }

absl::Status Store::PutUnsynced(Cf cf, absl::string_view key,
                                absl::string_view value) {
  rocksdb::WriteOptions options;
  options.sync = false;
  return FromRocks(db_->Put(options, handle(cf), rocksdb::Slice(key.data(), key.size()),
                            rocksdb::Slice(value.data(), value.size())),
                   absl::StrCat("writing to ", CfName(cf)));
}

absl::Status Store::DeleteRangeUnsynced(Cf cf, absl::string_view begin,
                                        absl::string_view end,
                                        absl::string_view also) {
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.DeleteRange(
      handle(cf), rocksdb::Slice(begin.data(), begin.size()),
      rocksdb::Slice(end.data(), end.size()));
  if (s.ok() && !also.empty()) {
    s = batch.Delete(handle(cf), rocksdb::Slice(also.data(), also.size()));
  }
  if (s.ok()) s = db_->Write(rocksdb::WriteOptions(), &batch);
  return FromRocks(s, absl::StrCat("deleting a range of ", CfName(cf)));
}

absl::Status Store::Compact(Cf cf) {
  WF_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions(), handle(cf)),
                               absl::StrCat("flushing ", CfName(cf))));
  return FromRocks(
      db_->CompactRange(rocksdb::CompactRangeOptions(), handle(cf), nullptr,
                        nullptr),
      absl::StrCat("compacting ", CfName(cf)));
}

void Store::ReportMemory(int seconds) {
  absl::MutexLock lock(&report_mu_);
  while (!report_mu_.AwaitWithTimeout(absl::Condition(&stop_reporting_),
                                      absl::Seconds(seconds))) {
    WF_LOG_INFO("memory: ", Memory().ToString());
  }
}

void Store::StopReporting() {
  if (!reporter_.joinable()) return;
  {
    absl::MutexLock lock(&report_mu_);
    stop_reporting_ = true;
  }
  reporter_.join();
}

namespace {

std::string Mib(uint64_t bytes) {
  return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
}

}  // namespace

std::string StoreMemory::ToString() const {
  return absl::StrCat(
      "memtables ", Mib(memtables), ", table readers ", Mib(table_readers),
      ", block cache ", Mib(block_cache), " (pinned ", Mib(block_cache_pinned),
      "), ", sst_files, " SST files, WAL ", wal_files, " files ",
      Mib(wal_bytes), ", heap allocated ", Mib(heap_allocated), ", heap free ",
      Mib(heap_free), " (allocator caches ", Mib(heap_caches), ")");
}

StoreMemory Store::Memory() const {
  StoreMemory m;
  if (!db_) return m;
  db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables,
                                &m.memtables);
  db_->GetAggregatedIntProperty(
      rocksdb::DB::Properties::kEstimateTableReadersMem, &m.table_readers);
  // The cache is shared: any one family reports all of it.
  db_->GetIntProperty(handle(Cf::kDefault),
                      rocksdb::DB::Properties::kBlockCacheUsage, &m.block_cache);
  db_->GetIntProperty(handle(Cf::kDefault),
                      rocksdb::DB::Properties::kBlockCachePinnedUsage,
                      &m.block_cache_pinned);
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  m.sst_files = files.size();
  rocksdb::VectorLogPtr logs;
  if (db_->GetSortedWalFiles(logs).ok()) {
    for (const auto& log : logs) {
      if (log->Type() != rocksdb::kAliveLogFile) continue;
      m.wal_files++;
      m.wal_bytes += log->SizeFileBytes();
    }
  }
  size_t value = 0;
  if (MallocExtension_GetNumericProperty != nullptr) {
    if (MallocExtension_GetNumericProperty("generic.current_allocated_bytes",
                                           &value)) {
      m.heap_allocated = value;
    }
    // Mapped, minus returned to the system, minus in use: free spans and
    // the per-thread and central caches.
    size_t heap = 0, unmapped = 0;
    if (MallocExtension_GetNumericProperty("generic.heap_size", &heap) &&
        MallocExtension_GetNumericProperty("tcmalloc.pageheap_unmapped_bytes",
                                           &unmapped) &&
        heap >= unmapped + m.heap_allocated) {
      m.heap_free = heap - unmapped - m.heap_allocated;
    }
    for (const char* cache :
         {"tcmalloc.current_total_thread_cache_bytes",
          "tcmalloc.central_cache_free_bytes",
          "tcmalloc.transfer_cache_free_bytes"}) {
      if (MallocExtension_GetNumericProperty(cache, &value)) {
        m.heap_caches += value;
      }
    }
  } else {
    struct mallinfo2 info = mallinfo2();
    m.heap_allocated = info.uordblks + info.hblkhd;
    m.heap_free = info.fordblks;
  }
  return m;
}

StoreFigures Store::Figures() const {
  StoreFigures f;
  if (!db_) return f;
  db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize,
                                &f.live_sst_bytes);
  db_->GetAggregatedIntProperty(
      rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
      &f.pending_compaction_bytes);
  db_->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped,
                      &f.write_stopped);
  db_->GetIntProperty(rocksdb::DB::Properties::kActualDelayedWriteRate,
                      &f.delayed_write_rate);
  if (statistics_ != nullptr) {
    f.stall_micros = statistics_->getTickerCount(rocksdb::STALL_MICROS);
    f.block_cache_hits = statistics_->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
    f.block_cache_misses =
        statistics_->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  }
  return f;
}

absl::Status Store::Close() {
  StopReporting();
  if (!db_) return absl::OkStatus();
  for (auto*& h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    h = nullptr;
  }
  rocksdb::Status s = db_->Close();
  db_.reset();
  return FromRocks(s, "closing the database");
}

std::shared_ptr<const rocksdb::Snapshot> Store::Snapshot() const {
  rocksdb::DB* db = db_.get();
  return std::shared_ptr<const rocksdb::Snapshot>(
      db->GetSnapshot(),
      [db](const rocksdb::Snapshot* s) { db->ReleaseSnapshot(s); });
}

absl::StatusOr<std::optional<std::string>> Store::Get(
    Cf cf, absl::string_view key, const rocksdb::Snapshot* at) const {
  std::string value;
  rocksdb::ReadOptions options;
  options.snapshot = at;
  rocksdb::Status s = db_->Get(options, handle(cf),
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", CfName(cf)));
  return value;
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(Cf cf) const {
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(rocksdb::ReadOptions(), handle(cf)));
}

namespace {

// An iterator that owns its upper bound (RocksDB keeps only a pointer).
class BoundedIterator : public rocksdb::Iterator {
 public:
  BoundedIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                  std::string upper, const rocksdb::Snapshot* at)
      : upper_(std::move(upper)), upper_slice_(upper_) {
    rocksdb::ReadOptions options;
    options.snapshot = at;
    if (!upper_.empty()) options.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(options, cf));
  }
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(const rocksdb::Slice& k) override { it_->Seek(k); }
  void SeekForPrev(const rocksdb::Slice& k) override { it_->SeekForPrev(k); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  rocksdb::Slice key() const override { return it_->key(); }
  rocksdb::Slice value() const override { return it_->value(); }
  rocksdb::Status status() const override { return it_->status(); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The smallest key greater than every key starting with `prefix`, or "" if
// there is none (a prefix of 0xff bytes).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    if (static_cast<unsigned char>(prefix.back()) != 0xff) {
      prefix.back() = static_cast<char>(prefix.back() + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace

std::unique_ptr<rocksdb::Iterator> Store::NewPrefixIterator(
    Cf cf, const std::string& prefix, const rocksdb::Snapshot* at) const {
  return std::make_unique<BoundedIterator>(db_.get(), handle(cf),
                                           PrefixEnd(prefix), at);
}

void Store::AppendTo(const WriteSet& set, rocksdb::WriteBatch* batch) const {
  for (const WriteSet::Op& op : set.ops()) {
    switch (op.kind) {
      case WriteSet::Kind::kPut:
        batch->Put(handle(op.cf), op.key, op.value);
        break;
      case WriteSet::Kind::kDelete:
        batch->Delete(handle(op.cf), op.key);
        break;
      case WriteSet::Kind::kSingleDelete:
        batch->SingleDelete(handle(op.cf), op.key);
        break;
    }
  }
}

absl::Status Store::WriteSynced(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Write(options, batch), "writing a synced batch");
}

}  // namespace wf
