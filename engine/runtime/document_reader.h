// Copyright the wf-engine authors. Apache-2.0.
//
// The read side of documents (docs/documents.md): an instance's document,
// a unit's incoming list, a register's numbers. Who may read what:
//
//   GetDocument    whoever may read the instance; once issued, also the
//                  people of its recipient units (it was sent to them)
//   ListIncoming   a person: the units they hold a role in today;
//                  administrators and the embedder: the unit they name
//   ReadRegister   administrators and the embedder: every entry; a person:
//                  the entries issued by units they hold a role in
//   Notices        what steps told a unit or a person (ctx.emit with
//                  `den`): a person, theirs and their units'; administrators
//                  and the embedder, the unit or person they name
#ifndef WF_RUNTIME_DOCUMENT_READER_H_
#define WF_RUNTIME_DOCUMENT_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/auth/directory_store.h"
#include "engine/runtime/reader.h"
#include "wf/clock.h"
#include "wf/types.h"

namespace wf {

class DocumentReader {
 public:
  DocumentReader(Reader* reader, const DirectoryStore* directory, Clock* clock)
      : reader_(reader), directory_(directory), clock_(clock) {}

  absl::StatusOr<DocumentInfo> Get(const std::string& id, const Actor& actor);
  absl::StatusOr<IncomingPage> Incoming(const IncomingRequest& request);
  absl::StatusOr<RegisterPage> Register(const RegisterRequest& request);
  absl::StatusOr<NoticePage> Notices(const NoticeRequest& request);
  // How far `person` has seen their notices (InfinitePast if never).
  absl::StatusOr<absl::Time> SeenUntil(const std::string& person) const;

 private:
  // The units `actor` holds a role in today (none for the embedder).
  std::vector<std::string> UnitsOf(const Actor& actor,
                                   const DirectorySnapshot& directory) const;
  // The units whose incoming list the request reads, or the refusal.
  absl::StatusOr<std::vector<std::string>> IncomingUnits(
      const IncomingRequest& request, const DirectorySnapshot& directory) const;
  // Whose notices the request reads (units, and the person's own id), or
  // the refusal.
  absl::StatusOr<std::vector<std::string>> NoticeRecipients(
      const NoticeRequest& request, const DirectorySnapshot& directory) const;
  // Whose list a request reads: a person, the one of `mine` they name
  // (`field`), or all of `mine`; administrators and the embedder, the one
  // they must name. A person naming another is refused (ROLE_REQUIRED,
  // `refusal` in Vietnamese).
  absl::StatusOr<std::vector<std::string>> ListedFor(
      const Actor& actor, const std::string& named, const char* field,
      std::vector<std::string> mine, const char* refusal) const;
  // How many notices of `recipients` are newer than `seen`, counted up to
  // NoticePage::kMaxUnread: each list is newest first, so each is read
  // only as far as `seen`.
  absl::StatusOr<int> Unread(const std::vector<std::string>& recipients,
                             absl::Time seen) const;
  // A stored notice as the API gives it.
  NoticeInfo ToNotice(const std::string& recipient,
                      const store::FeedRecord& record, const Actor& actor,
                      const DirectorySnapshot& directory);

  Reader* const reader_;
  const DirectoryStore* const directory_;
  Clock* const clock_;
};

}  // namespace wf

#endif  // WF_RUNTIME_DOCUMENT_READER_H_
