// Copyright the wf-engine authors. Apache-2.0.
//
// The org directory the engine serves: imported files ("sources") kept in
// the `directory` column family, combined into one immutable snapshot (the
// org tree and the people with their roles). An import replaces one source;
// the union of all sources must validate, or nothing changes. Readers hold a
// snapshot (shared_ptr) for as long as they need it; an import swaps in a new
// one.
//
// Sources combine in this order: official commune lists and the 2024
// district list (each brings its province unit), then general unit files in
// name order (parents may be units of earlier sources), then people files.
#ifndef WF_AUTH_DIRECTORY_STORE_H_
#define WF_AUTH_DIRECTORY_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/org/org_tree.h"
#include "engine/org/people.h"
#include "engine/store/committer.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"

namespace wf {

struct DirectorySnapshot {
  org::OrgTree tree;
  org::Directory directory;
  // Unique to each snapshot built in this process: what was read from one
  // directory can be told from what another would give (the inbox's
  // answers are kept while the directory stays the same).
  uint64_t version = 0;
};

struct DirectoryCounts {
  size_t units = 0;
  size_t people = 0;
  size_t assignments = 0;
  // The ids of the people the write took out of the directory.
  std::vector<std::string> people_removed;
};

class DirectoryStore {
 public:
  DirectoryStore(Store* store, Committer* committer)
      : store_(store), committer_(committer) {}

  // Reads every stored source and builds the snapshot. A store whose
  // sources no longer build (they did when imported) is DATA_LOSS.
  absl::Status Load();

  // Adds or replaces `source` (by format class and name); an empty csv
  // removes it. INVALID_ARGUMENT, naming the source, line and reason, when
  // the result does not validate: then nothing is written.
  absl::StatusOr<DirectoryCounts> Import(store::DirectorySource source);

  // Province plugins (docs/plugins.md) own a group of sources, those whose
  // names start with `prefix` ("bac_ninh/"). CheckGroup answers the
  // snapshot the directory would be with that group replaced by `sources`,
  // or the problem (INVALID_ARGUMENT naming the source and line); nothing
  // is written.
  absl::StatusOr<std::shared_ptr<const DirectorySnapshot>> CheckGroup(
      const std::string& prefix,
      const std::vector<store::DirectorySource>& sources) const;
  // Checks as CheckGroup, then writes the replacement and `extra` (the
  // plugin's record) in one write.
  // Plugins write their group as `by`.
  absl::StatusOr<DirectoryCounts> ReplaceGroup(
      const std::string& prefix,
      const std::vector<store::DirectorySource>& sources, WriteSet extra,
      const std::string& by);

  // How a write that takes people out of the directory commits: `commit`
  // gets the write, the ids of the people it removes and who makes it, and
  // adds what must go with it (the engine revokes those people's tokens and
  // sessions and removes their passwords: docs/security.md, "People who
  // leave"). Without one, or when nobody leaves, the write commits as it is.
  // Set once, before the first import.
  using RemovalCommit = std::function<absl::Status(
      WriteSet writes, const std::vector<std::string>& removed,
      const std::string& by)>;
  void OnPeopleRemoved(RemovalCommit commit) {
    removal_commit_ = std::move(commit);
  }

  std::shared_ptr<const DirectorySnapshot> Current() const;
  DirectoryCounts Counts() const;

 private:
  using Sources = std::map<std::string, store::DirectorySource>;
  static std::string KeyOf(const store::DirectorySource& source);
  static absl::StatusOr<std::shared_ptr<const DirectorySnapshot>> Build(
      const Sources& sources);
  static Sources WithGroup(Sources sources, const std::string& prefix,
                           const std::vector<store::DirectorySource>& group);
  // Commits `writes` (through removal_commit_ when people leave), then
  // serves `snapshot`, built from `sources`. Holding import_mu_.
  absl::StatusOr<DirectoryCounts> Commit(
      Sources sources, std::shared_ptr<const DirectorySnapshot> snapshot,
      WriteSet writes, const std::string& by);

  Store* const store_;
  Committer* const committer_;
  RemovalCommit removal_commit_;
  absl::Mutex import_mu_;  // one import at a time
  mutable absl::Mutex mu_;
  Sources sources_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const DirectorySnapshot> current_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<DirectorySnapshot>();
};

}  // namespace wf

#endif  // WF_AUTH_DIRECTORY_STORE_H_
