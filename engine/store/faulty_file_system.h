// Copyright the wf-engine authors. Apache-2.0.
//
// For fault-injection tests: a RocksDB FileSystem whose write-ahead-log
// appends and syncs fail on demand, as a full or failing disk would.
//
//   auto faulty = std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default());
//   auto env = rocksdb::NewCompositeEnv(faulty);
//   StoreFaults faults{env.get()};
//   options.store.faults = &faults;
//   ...
//   faulty->FailWalWrites(true);
#ifndef WF_STORE_FAULTY_FILE_SYSTEM_H_
#define WF_STORE_FAULTY_FILE_SYSTEM_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "engine/store/store.h"
#include "rocksdb/file_system.h"

namespace wf {

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(const std::shared_ptr<rocksdb::FileSystem>& base)
      : FileSystemWrapper(base), state_(std::make_shared<State>()) {}

  const char* Name() const override { return "FaultyFileSystem"; }
  void FailWalWrites(bool fail) { state_->fail.store(fail); }
  // While held, every WAL sync waits (the write is neither on disk nor in
  // the memtable yet): what a slow disk shows the rest of the engine.
  void HoldWalSyncs(bool hold) { state_->hold.store(hold); }

  rocksdb::IOStatus NewWritableFile(const std::string& name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    auto s = target()->NewWritableFile(name, options, r, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *r = std::make_unique<File>(std::move(*r), state_);
    }
    return s;
  }

  rocksdb::IOStatus ReuseWritableFile(
      const std::string& name, const std::string& old_name,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override {
    auto s = target()->ReuseWritableFile(name, old_name, options, r, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *r = std::make_unique<File>(std::move(*r), state_);
    }
    return s;
  }

 private:
  struct State {
    std::atomic<bool> fail{false};
    std::atomic<bool> hold{false};
  };
  using Flag = std::shared_ptr<State>;

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile>&& base, Flag state)
        : FSWritableFileOwnerWrapper(std::move(base)),
          fail_(std::move(state)) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (fail_->fail.load()) return Injected();
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (fail_->fail.load()) return Injected();
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      Wait();
      if (fail_->fail.load()) return Injected();
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      Wait();
      if (fail_->fail.load()) return Injected();
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    void Wait() const {
      while (fail_->hold.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    static rocksdb::IOStatus Injected() {
      return rocksdb::IOStatus::IOError("injected fault: disk write failed");
    }
    Flag fail_;
  };

  Flag state_;
};

}  // namespace wf

#endif  // WF_STORE_FAULTY_FILE_SYSTEM_H_
