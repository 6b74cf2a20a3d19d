// Copyright the wf-engine authors. Apache-2.0.
#include "engine/store/store.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/write_buffer_manager.h"

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
  return cf;
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
  if (options.env != nullptr) db.env = options.env;
  return db;
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
    case Cf::kCount: break;
  }
  return "?";
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view doing) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("Store failed while ", doing, ": ",
                                     s.ToString());
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

void WriteSet::Put(Cf cf, std::string key, std::string value) {
  bytes_ += key.size() + value.size();
  ops_.push_back({cf, false, std::move(key), std::move(value)});
}

void WriteSet::Delete(Cf cf, std::string key) {
  bytes_ += key.size();
  ops_.push_back({cf, true, std::move(key), {}});
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const std::string& data_dir, const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected to create the data folder '", data_dir, "', but ",
        ec.message()));
  }
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::ColumnFamilyOptions cf_options = FamilyOptions(options, cache);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (size_t i = 0; i < static_cast<size_t>(Cf::kCount); ++i) {
    families.emplace_back(CfName(static_cast<Cf>(i)), cf_options);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(DatabaseOptions(options),
                                        data_dir, families, &handles, &raw);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening the database in '", data_dir,
                                     "' (is another server using it?)"));
  }
  std::unique_ptr<Store> store(new Store());
  store->db_.reset(raw);
  for (size_t i = 0; i < handles.size(); ++i) store->handles_[i] = handles[i];
  return store;
}

Store::~Store() { Close().IgnoreError(); }

absl::Status Store::Close() {
  if (!db_) return absl::OkStatus();
  for (auto*& h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    h = nullptr;
  }
  rocksdb::Status s = db_->Close();
  db_.reset();
  return FromRocks(s, "closing the database");
}

absl::StatusOr<std::optional<std::string>> Store::Get(
    Cf cf, absl::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(cf),
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", CfName(cf)));
  return value;
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(Cf cf) const {
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(rocksdb::ReadOptions(), handle(cf)));
}

void Store::AppendTo(const WriteSet& set, rocksdb::WriteBatch* batch) const {
  for (const WriteSet::Op& op : set.ops_) {
    if (op.is_delete) {
      batch->Delete(handle(op.cf), op.key);
    } else {
      batch->Put(handle(op.cf), op.key, op.value);
    }
  }
}

absl::Status Store::WriteSynced(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Write(options, batch), "writing a synced batch");
}

}  // namespace wf
