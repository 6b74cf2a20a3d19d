// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/engine_metrics.h"

#include <map>

#include "absl/strings/match.h"

#include "engine/lua/sandbox.h"
#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/util/refusal.h"

namespace wf {
namespace {

void Add(std::vector<Reading>* out, const char* name, const char* help,
         Reading::Kind kind, double value,
         std::vector<std::pair<std::string, std::string>> labels = {}) {
  out->push_back({name, help, kind, value, std::move(labels)});
}

// The events the engine itself names: a start, wf.cancel, wf.acknowledge.
bool IsEngineEvent(const std::string& event) {
  return event == "start" || absl::StartsWith(event, "wf.");
}

}  // namespace

std::string TransitionMetrics::WorkflowOf(const absl::Status& refusal,
                                          const Requested& requested) const {
  if (!requested.workflow.empty()) return requested.workflow;
  if (auto details = ReadRefusal(refusal); details.has_value()) {
    auto it = details->metadata.find("workflow");
    if (it != details->metadata.end()) return it->second;
  }
  if (requested.instance.empty()) return "";
  auto value = store_->Get(Cf::kInstances, keys::Instance(requested.instance));
  store::InstanceRecord record;
  if (!value.ok() || !value->has_value() || !record.ParseFromString(**value)) {
    return "";
  }
  return record.workflow();
}

void TransitionMetrics::Count(const absl::Status& status,
                              const std::string& workflow,
                              const std::string& event,
                              const Requested& requested) {
  if (metrics_ == nullptr) return;
  if (status.ok()) {
    metrics_->CountTransition(workflow, event, status.code());
    return;
  }
  std::string known_workflow = WorkflowOf(status, requested);
  std::string known_event;
  absl::StatusOr<std::shared_ptr<const Definition>> definition =
      absl::NotFoundError("no workflow named");
  if (!known_workflow.empty()) definition = registry_->Latest(known_workflow);
  if (!definition.ok()) {
    known_workflow.clear();
  } else if (IsEngineEvent(requested.event) ||
             (*definition)->HasEvent(requested.event)) {
    known_event = requested.event;
  }
  metrics_->CountTransition(known_workflow, known_event, status.code());
}

void ReadStoreFigures(const Store& store, std::vector<Reading>* out) {
  const StoreFigures f = store.Figures();
  using K = Reading::Kind;
  Add(out, "wf_rocksdb_live_sst_bytes", "Size of the live SST files.",
      K::kGauge, f.live_sst_bytes);
  Add(out, "wf_rocksdb_pending_compaction_bytes",
      "RocksDB's estimate of the bytes compaction has to rewrite.", K::kGauge,
      f.pending_compaction_bytes);
  Add(out, "wf_rocksdb_write_stopped", "1 while RocksDB stops writes.",
      K::kGauge, f.write_stopped);
  Add(out, "wf_rocksdb_delayed_write_rate_bytes",
      "The rate RocksDB slows writes to (bytes/s), 0 when not slowed.",
      K::kGauge, f.delayed_write_rate);
  Add(out, "wf_rocksdb_write_stall_seconds_total",
      "Time writers waited on RocksDB write stalls.", K::kCounter,
      f.stall_micros / 1e6);
  Add(out, "wf_rocksdb_block_cache_hits_total", "Block cache hits.",
      K::kCounter, f.block_cache_hits);
  Add(out, "wf_rocksdb_block_cache_misses_total", "Block cache misses.",
      K::kCounter, f.block_cache_misses);
}

void ReadCommitterFigures(const Committer& committer,
                          std::vector<Reading>* out) {
  const Committer::Stats s = committer.stats();
  using K = Reading::Kind;
  Add(out, "wf_commit_groups_total", "Synced writes (groups).", K::kCounter,
      s.groups);
  Add(out, "wf_commit_transactions_total", "Transactions committed.",
      K::kCounter, s.sets);
  Add(out, "wf_commit_aborted_total",
      "Transactions left out because a condition failed (run again or "
      "answered ABORTED).",
      K::kCounter, s.aborted);
  Add(out, "wf_store_writable",
      "1 while the store accepts writes; 0 after a failed write (restart "
      "needed).",
      K::kGauge, committer.health().ok() ? 1 : 0);
}

void ReadSandboxFigures(std::vector<Reading>* out) {
  const SandboxRefusals r = SandboxRefusalCounts();
  const char* name = "wf_lua_refusals_total";
  const char* help =
      "Lua calls stopped at a limit (RESOURCE_EXHAUSTED), by limit.";
  Add(out, name, help, Reading::Kind::kCounter, r.instructions,
      {{"limit", "instructions"}});
  Add(out, name, help, Reading::Kind::kCounter, r.memory,
      {{"limit", "memory"}});
  Add(out, name, help, Reading::Kind::kCounter, r.time, {{"limit", "time"}});
}

void ReadLateDocuments(const Store& store, std::vector<Reading>* out) {
  std::map<std::string, double> late;  // workflow -> documents
  const std::string prefix = keys::LatePrefix("");
  auto it = store.NewPrefixIterator(Cf::kIndexes, prefix);
  std::string last_workflow, last_id;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string workflow, id, clock;
    if (!keys::ParseLate(View(it->key()), &workflow, &id, &clock)) continue;
    // Keys sort by workflow, then instance: a document with two late
    // clocks counts once.
    if (workflow == last_workflow && id == last_id) continue;
    late[workflow] += 1;
    last_workflow = std::move(workflow);
    last_id = std::move(id);
  }
  const char* name = "wf_late_documents";
  const char* help =
      "Open documents with a deadline passed (the late list), by workflow.";
  // A series without labels, always 0, so that sum() has something to
  // read when nothing is late.
  Add(out, name, help, Reading::Kind::kGauge, 0);
  for (const auto& [workflow, count] : late) {
    Add(out, name, help, Reading::Kind::kGauge, count,
        {{"workflow", workflow}});
  }
}

}  // namespace wf
