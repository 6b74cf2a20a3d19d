// Copyright the wf-engine authors. Apache-2.0.
//
// The durability floor: raw RocksDB synced WriteBatches, nothing else — the
// same store (column families and options as the engine's, engine/store),
// batches of the same number of puts and bytes as one transition writes
// (bench/run_bench.py measures those from the engine), written by
// --threads threads at once with sync = true (RocksDB groups them itself).
//
//   raw_floor --threads=64 --ops=9 --bytes=6000 --duration_s=20
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/store/store.h"

ABSL_FLAG(int, threads, 64, "writers at once");
ABSL_FLAG(int, ops, 9, "puts per batch");
ABSL_FLAG(int, bytes, 6000, "bytes (keys and values) per batch");
ABSL_FLAG(int, duration_s, 20, "measured seconds");
ABSL_FLAG(int, warmup_s, 3, "seconds before measuring");
ABSL_FLAG(std::string, dir, "", "database folder (default: a temp folder)");

namespace {

using Clock = std::chrono::steady_clock;

// Spread over the engine's busiest column families, as a transition is.
constexpr wf::Cf kFamilies[] = {wf::Cf::kInstances, wf::Cf::kHistory,
                                wf::Cf::kIndexes, wf::Cf::kTimers,
                                wf::Cf::kInbox};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() /
           absl::StrCat("wf_raw_floor_", ::getpid()))
              .string();
  }
  std::filesystem::remove_all(dir);
  auto store = wf::Store::Open(dir, wf::StoreOptions());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const int ops = std::max(1, absl::GetFlag(FLAGS_ops));
  const int value_bytes =
      std::max(1, absl::GetFlag(FLAGS_bytes) / ops - 24);
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(absl::GetFlag(FLAGS_threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < absl::GetFlag(FLAGS_threads); ++t) {
    threads.emplace_back([&, t] {
      const std::string value(value_bytes, 'v');
      for (uint64_t n = 0; !stop.load(); ++n) {
        rocksdb::WriteBatch batch;
        wf::WriteSet set;
        for (int i = 0; i < ops; ++i) {
          set.Put(kFamilies[i % 5], absl::StrFormat("k%04d-%012d-%02d", t, n, i),
                  value);
        }
        (*store)->AppendTo(set, &batch);
        auto began = Clock::now();
        absl::Status s = (*store)->WriteSynced(&batch);
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          std::exit(1);
        }
        if (measuring.load()) {
          latencies[t].push_back(
              std::chrono::duration<double, std::micro>(Clock::now() - began)
                  .count());
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(absl::GetFlag(FLAGS_warmup_s)));
  measuring = true;
  auto began = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(absl::GetFlag(FLAGS_duration_s)));
  measuring = false;
  double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  double rate = all.size() / seconds;
  double p50 = Percentile(all, 0.5), p99 = Percentile(all, 0.99),
         p999 = Percentile(all, 0.999);
  std::printf("raw synced batches: %d writers, %d puts, ~%d bytes each\n",
              absl::GetFlag(FLAGS_threads), ops, ops * (value_bytes + 24));
  std::printf("batches  %10.0f /s   p50 %8.0f us   p99 %8.0f us   p999 %8.0f us\n",
              rate, p50, p99, p999);
  std::printf(
      R"({"mode":"raw_rocksdb","concurrency":%d,"batch":{"per_s":%.1f,"p50_us":%.0f,"p99_us":%.0f,"p999_us":%.0f}})"
      "\n",
      absl::GetFlag(FLAGS_threads), rate, p50, p99, p999);
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
