// Copyright the wf-engine authors. Apache-2.0.
//
// Key encodings of every column family (docs/storage.md is the reference).
// Components are joined by a 0 byte; they never contain one (names are
// identifiers, text keys are checked free of control characters). Numbers
// are big-endian so that keys sort in numeric order.
#ifndef WF_STORE_KEYS_H_
#define WF_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace wf::keys {

// Instance ids: "wi-" and 12 decimal digits, so ids sort by creation.
std::string InstanceId(uint64_t number);
std::optional<uint64_t> ParseInstanceId(absl::string_view id);

std::string Definition(absl::string_view name, uint32_t version);
// All versions of one workflow share this prefix.
std::string DefinitionPrefix(absl::string_view name);
// Decodes a definition key into (name, version).
bool ParseDefinition(absl::string_view key, std::string* name,
                     uint32_t* version);

// Column family "plugins": name \0 be32(version), as definitions.
std::string Plugin(absl::string_view name, uint32_t version);
bool ParsePlugin(absl::string_view key, std::string* name, uint32_t* version);

std::string Instance(absl::string_view id);

std::string History(absl::string_view id, uint64_t seq);
std::string HistoryPrefix(absl::string_view id);

// Secondary indexes, all in the "indexes" column family, empty values.
std::string ByWorkflow(absl::string_view workflow, absl::string_view id);
std::string ByWorkflowPrefix(absl::string_view workflow);
std::string ByState(absl::string_view workflow, absl::string_view state,
                    absl::string_view id);
std::string ByStatePrefix(absl::string_view workflow, absl::string_view state);
std::string ByBusinessKey(absl::string_view business_key, absl::string_view id);
std::string ByBusinessKeyPrefix(absl::string_view business_key);
// The instance id is the last component of every index key.
absl::string_view IdFromIndexKey(absl::string_view key);

// The children a step started: "k" \0 parent id \0 child id (indexes).
std::string Child(absl::string_view parent, absl::string_view child);
std::string ChildPrefix(absl::string_view parent);

// Column family "shared": records that belong to no one instance, each a
// SharedRecord with its own version (engine/store/txn.h).
// A counter (a register's last number, a quota's places taken):
// "c" \0 name.
std::string Counter(absl::string_view name);
// A unique claim ("this person, this achievement, this year"), its value
// naming the instance that holds it: "u" \0 name.
std::string Claim(absl::string_view name);
// A workflow's unique business key (`unique_business_key = true`), its
// value naming the instance started with it: "b" \0 workflow \0 key.
std::string BusinessKeyClaim(absl::string_view workflow,
                             absl::string_view business_key);

// Instances whose deadline passed (late), while the clock lasts:
// "l" \0 workflow \0 id \0 clock, value be64(due micros).
std::string Late(absl::string_view workflow, absl::string_view id,
                 absl::string_view clock);
std::string LatePrefix(absl::string_view workflow);  // "" = every workflow
// Parses a late key into (workflow, id, clock).
bool ParseLate(absl::string_view key, std::string* workflow, std::string* id,
               std::string* clock);

// A start's key belongs to the person (or system) who sent it: another
// unit can neither block a predictable key ("KH-2026-DAI-SON") nor learn
// that it was used. "s" \0 actor \0 key.
std::string StartIdempotency(absl::string_view actor, absl::string_view key);
std::string FireIdempotency(absl::string_view instance_id,
                            absl::string_view key);

// Column family "feed": be64(feed seq), so that key order is commit order.
std::string Feed(uint64_t feed_seq);
// The feed seq of a feed key; nullopt for any other key.
std::optional<uint64_t> ParseFeed(absl::string_view key);
// Column family "default": the last feed seq the committer gave, written
// with every group that adds feed items, so that the numbering survives the
// feed's items all expiring.
inline constexpr char kFeedLastSeq[] = "feed/last_seq";

// Column family "default": the key page tokens are sealed under
// (engine/util/page_token.h), drawn when the store is first opened, so that
// a token outlives a restart.
inline constexpr char kPageTokenKey[] = "page_token/key";

// Column family "default": how far a person has seen their notices
// (MarkNoticesSeen), "notices_seen/" person; value be64(micros).
std::string NoticesSeen(absl::string_view person);

// Column family "inbox": a document is listed under every (unit, role) that
// may act on it: unit \0 role \0 be64(earliest due, INT64_MAX without one)
// be64(when it got to its state) id. Empty values.
// The prefix of every slot of `unit`.
std::string InboxUnit(absl::string_view unit);
std::string InboxSlot(absl::string_view unit, absl::string_view role);
std::string Inbox(absl::string_view unit, absl::string_view role,
                  int64_t due_micros, int64_t since_micros,
                  absl::string_view id);
// The slot an inbox key is listed under (its InboxSlot prefix), or empty
// for a key that has none.
absl::string_view InboxSlotOf(absl::string_view inbox_key);
// The part of an inbox key after its slot: (due, since, id).
struct InboxEntry {
  int64_t due_micros = 0;
  int64_t since_micros = 0;
  std::string id;
};
std::optional<InboxEntry> ParseInboxSuffix(absl::string_view suffix);

// Column family "timers": the due-date index, scanned in order by the timer
// loop: be64(due micros) \0 instance id \0 timer name.
std::string Timer(int64_t due_micros, absl::string_view instance_id,
                  absl::string_view name);

// Documents (docs/documents.md).
// A register's counter for one year (shared): "r" \0 register \0 be32(year).
std::string RegisterCounter(absl::string_view register_key, int32_t year);
// Column family "registers": register \0 be32(year) \0 be64(number).
std::string RegisterEntry(absl::string_view register_key, int32_t year,
                          int64_t number);
std::string RegisterYearPrefix(absl::string_view register_key, int32_t year);
// A unit's incoming documents (indexes), newest first:
// "i" \0 unit \0 be64(INT64_MAX - issued micros) \0 id. Empty values.
std::string Incoming(absl::string_view unit, int64_t issued_micros,
                     absl::string_view id);
std::string IncomingPrefix(absl::string_view unit);
// A notice (ctx.emit with `den`) to a unit or person (indexes), newest
// first: "n" \0 recipient \0 be64(INT64_MAX - at micros) \0 id \0
// be64(seq) be32(n: the effect's place in the step). Its value is the
// effect's FeedRecord.
std::string Notice(absl::string_view recipient, int64_t at_micros,
                   absl::string_view id, uint64_t seq, uint32_t n);
std::string NoticePrefix(absl::string_view recipient);
// Column family "blobs" (file bytes, engine/documents/file_store.h):
//   f/ sha256 (32 raw bytes)          a stored file (BlobFileRecord)
//   u/ upload id                      an upload not yet committed (empty)
//   c/ upload id / be32(n)            chunk n of an upload's bytes
// Upload ids are 32 hex digits, so "c/<id>/" prefixes one upload's chunks.
std::string BlobFile(absl::string_view sha256);
std::string BlobUpload(absl::string_view upload_id);
std::string BlobUploadPrefix();
std::string BlobChunk(absl::string_view upload_id, uint32_t n);
std::string BlobChunkPrefix(absl::string_view upload_id);

void AppendBigEndian32(std::string* out, uint32_t v);
void AppendBigEndian64(std::string* out, uint64_t v);
uint64_t ReadBigEndian64(absl::string_view bytes);
uint32_t ReadBigEndian32(absl::string_view bytes);

}  // namespace wf::keys

#endif  // WF_STORE_KEYS_H_
