// Copyright the wf-engine authors. Apache-2.0.
//
// The read side: instances, histories and lists, straight from the store.
// Reads see only committed (synced) writes.
#ifndef WF_RUNTIME_READER_H_
#define WF_RUNTIME_READER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "engine/auth/directory_store.h"
#include "engine/runtime/definition_registry.h"
#include "engine/runtime/inbox_generations.h"
#include "engine/runtime/instance_cache.h"
#include "wf/clock.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"
#include "wf/types.h"

namespace wf {

class Reader {
 public:
  // `cache` (not owned, may be null) keeps parsed records between reads;
  // `inbox_counts` (not owned, may be null: no page is ever current) are
  // the counts inbox pages are stamped with.
  Reader(Store* store, DefinitionRegistry* registry,
         const DirectoryStore* directory, Clock* clock,
         InstanceCache* cache = nullptr,
         const InboxGenerations* inbox_counts = nullptr)
      : store_(store), registry_(registry), directory_(directory),
        clock_(clock), cache_(cache), inbox_counts_(inbox_counts) {}

  // NOT_FOUND for an unknown id. `at`: as of a Store::Snapshot (null: now).
  absl::StatusOr<store::InstanceRecord> LoadInstance(
      const std::string& id, const rocksdb::Snapshot* at = nullptr);
  // The same, now, shared with the cache rather than copied: what lists
  // read for every item.
  absl::StatusOr<InstanceCache::Record> LoadShared(const std::string& id);
  // `record`'s variables parsed: kept with it in the cache, so that the
  // next step on the instance does not parse them again.
  absl::StatusOr<std::shared_ptr<const Json>> Vars(
      const InstanceCache::Record& record);
  // `vars` (from Vars(record)) for a step that will replace them, to take
  // apart (CallInput::takeable_vars): writable if the step is left their
  // only holder, the cache forgetting them; else null, and they must be
  // read only.
  Json* TakeVars(const InstanceCache::Record& record,
                 const std::shared_ptr<const Json>& vars);
  // Events after `after_seq`, at most `limit` (0: all).
  absl::StatusOr<std::vector<store::HistoryEventRecord>> LoadHistory(
      const std::string& id, uint64_t after_seq = 0, uint32_t limit = 0,
      const rocksdb::Snapshot* at = nullptr);
  absl::StatusOr<store::HistoryEventRecord> LoadEvent(const std::string& id,
                                                      uint64_t seq);
  // The idempotency record under `key` (keys::StartIdempotency or
  // keys::FireIdempotency), nullopt if none; DATA_LOSS if it does not parse.
  absl::StatusOr<std::optional<store::IdempotencyRecord>> LoadIdempotency(
      const std::string& key);
  // Whether the due-date index holds `key` (keys::Timer).
  absl::StatusOr<bool> HasTimer(const std::string& key);

  // The instance if `actor` may read it, else NOT_FOUND (as if missing).
  absl::StatusOr<store::InstanceRecord> LoadReadable(const std::string& id,
                                                     const Actor& actor);
  absl::StatusOr<InstanceInfo> GetInstance(const std::string& id,
                                           const Actor& actor);
  // Engine::AvailableEvents.
  absl::StatusOr<std::vector<InboxEvent>> AvailableEvents(
      const std::string& id, const Actor& actor);
  absl::StatusOr<std::vector<HistoryEntry>> GetHistory(const std::string& id,
                                                       const Actor& actor,
                                                       uint64_t after_seq = 0,
                                                       uint32_t limit = 0);
  absl::StatusOr<InboxPage> Inbox(const Actor& actor,
                                  const InboxRequest& request);
  bool InboxCurrent(const InboxStamp& stamp) const;
  bool MayRead(const Actor& actor, const DirectorySnapshot& directory,
               const store::InstanceRecord& instance, absl::Time now) const;
  absl::Status NoSuchInstance(const std::string& id) const;
  absl::StatusOr<InstancePage> List(const ListInstancesRequest& request);
  absl::StatusOr<DeadlinePage> ListDeadlines(const DeadlineQuery& query,
                                             absl::Time now);

  // Engine::GetProgress (progress.cc).
  absl::StatusOr<ProgressInfo> Progress(const ProgressRequest& request);

  // The ids of the children `parent` started, in the order started.
  absl::StatusOr<std::vector<std::string>> ChildIds(const std::string& parent);
  // A request's page size: 0 means 50; over 1000 INVALID_ARGUMENT.
  static absl::StatusOr<uint32_t> CheckPageSize(uint32_t requested);

  // The public view of a record (adds the state's title, the unit's name and
  // the display title). Without `with_variables`, `variables_json` stays
  // empty: lists then copy no JSON they will not answer.
  InstanceInfo ToInfo(const store::InstanceRecord& record,
                      bool with_variables = true);
  // The same with the directory and the definition (null if unknown) at
  // hand: what a list already holds for every item.
  InstanceInfo ToInfo(const store::InstanceRecord& record, bool with_variables,
                      const DirectorySnapshot& directory,
                      const Definition* definition);

  Store* store() const { return store_; }
  DefinitionRegistry* registry() const { return registry_; }

 private:
  // The steps `roles` may take on `instance` now (Inbox, GetInstance).
  std::vector<InboxEvent> EventsFor(const Definition& def,
                                    const InstanceCache::Record& instance,
                                    const DirectorySnapshot& directory,
                                    const std::vector<org::HeldRole>& roles);
  // The stamp of an inbox page reading `slots` (unit prefix -> its slot
  // prefixes), before anything is read; empty without inbox counts.
  InboxStamp StampOf(
      uint64_t directory_version, absl::CivilDay today,
      const std::map<std::string, std::set<std::string>>& slots) const;
  // ListDeadlines with late = true: from the late index, earliest first.
  absl::StatusOr<DeadlinePage> ListLate(const DeadlineQuery& query,
                                        absl::Time now, uint32_t page_size);
  bool FillDeadline(const DeadlineQuery& query,
                    const DirectorySnapshot& directory, absl::Time now,
                    DeadlineInfo* d);

  // The unit filter of lists: the unit itself and every unit below.
  bool InUnit(const DirectorySnapshot& directory,
              const store::InstanceRecord& instance,
              const std::string& unit) const;

  // Each child of `parent` (of `workflow` if not empty) with its summary,
  // in the order started.
  absl::StatusOr<std::vector<std::pair<std::string, store::ChildSummary>>>
  ChildSummaries(const std::string& parent, const std::string& workflow);

  Store* const store_;
  DefinitionRegistry* const registry_;
  const DirectoryStore* const directory_;
  Clock* const clock_;
  InstanceCache* const cache_;
  const InboxGenerations* const inbox_counts_;
};

}  // namespace wf

#endif  // WF_RUNTIME_READER_H_
