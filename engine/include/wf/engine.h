// Copyright the wf-engine authors. Apache-2.0.
//
// The embeddable engine: open it on a data folder, deploy Lua workflows,
// start instances, fire events, read instances and their histories.
// The gRPC server is one client of this header; any C++ program can embed the
// engine without gRPC.
//
//   wf::EngineOptions options;
//   options.data_dir = "/var/lib/wf";
//   auto engine = wf::Engine::Open(options);
//   if (!engine.ok()) return engine.status();
//   auto wf = (*engine)->Deploy({.source = lua_text, .file_name = "ke_hoach.lua"});
//   auto started = (*engine)->Start({.workflow = "ke_hoach",
//                                    .variables_json = R"({"don_vi":"Xã Tiên Du"})"});
//   auto fired = (*engine)->Fire({.instance_id = started->instance.id,
//                                 .event = "trinh_duyet"});
//
// Errors (absl::Status codes, the same as the gRPC codes):
//   INVALID_ARGUMENT    malformed request or Lua
//   NOT_FOUND           unknown workflow, version or instance
//   FAILED_PRECONDITION event not allowed in this state, guard refused,
//                       script failed at run time
//   ABORTED             expected_version mismatch
//   ALREADY_EXISTS      a start's business key is taken (unique keys)
//   PERMISSION_DENIED   the actor may not do this
//   CANCELLED           the request's still_wanted said no before commit
//   RESOURCE_EXHAUSTED  size limit or script budget exceeded
//   UNAVAILABLE         the store refuses writes after a write failure, or
//                       the engine is closing
// A refused call changes nothing.
//
// Durability: Start and Fire answer only after their write is synced to the
// write-ahead log. Concurrent calls share syncs (group commit).
//
// Thread safety: every method may be called from any thread. Transitions of
// one instance are serialised; different instances proceed in parallel.
#ifndef WF_ENGINE_H_
#define WF_ENGINE_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "wf/options.h"
#include "wf/types.h"

namespace wf {

// A file being uploaded (Engine::BeginUpload). Feed it with Append, then
// Finish; one caller at a time. The bytes are stored as they come but
// nothing of them is visible until Finish commits: a refusal, Abort, or
// destroying the object unfinished deletes them.
class FileUpload {
 public:
  virtual ~FileUpload() = default;
  // RESOURCE_EXHAUSTED (FILE_TOO_LARGE) past Limits::max_file_bytes or
  // past the announced size; the upload is then over (aborted).
  virtual absl::Status Append(absl::string_view bytes) = 0;
  // Checks the bytes (announced size: UPLOAD_INCOMPLETE; digest:
  // DATA_LOSS FILE_HASH_MISMATCH; type: MEDIA_TYPE_REFUSED) and attaches
  // the file: one "wf.attach" event through the transition path, in the
  // same synced write as the file's record. `done` runs once, possibly on
  // an engine thread; it must not block; the upload must outlive it. A
  // retry with the same
  // idempotency key gets the first answer (replayed).
  virtual void FinishAsync(
      std::function<void(absl::StatusOr<AttachResult>)> done) = 0;
  absl::StatusOr<AttachResult> Finish();
  // Deletes what was stored. Idempotent; Finish after it is refused.
  virtual void Abort() = 0;
};

// One stored version of a file, read chunk by chunk (Engine::OpenFile).
class FileDownload {
 public:
  virtual ~FileDownload() = default;
  virtual const FileVersionInfo& file() const = 0;
  virtual const std::string& slot() const = 0;
  // The next chunk (at most 1 MiB) into `chunk`; false at the end.
  // DATA_LOSS when a stored chunk is missing.
  virtual absl::StatusOr<bool> Next(std::string* chunk) = 0;
};

class Engine {
 public:
  template <typename T>
  using Callback = std::function<void(absl::StatusOr<T>)>;

  // Opens (creating if needed) the engine's store in options.data_dir.
  // Fails if another process holds the folder (RocksDB's lock).
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options);

  // Closes the store after in-flight transitions finish. Idempotent.
  virtual ~Engine() = default;

  // Validates and stores a new version of the workflow the source declares.
  virtual absl::StatusOr<DeployResult> Deploy(const DeployRequest& request) = 0;
  // Latest version of each workflow, sorted by name, without sources.
  virtual absl::StatusOr<std::vector<WorkflowInfo>> ListWorkflows() = 0;
  // version 0 means the latest.
  virtual absl::StatusOr<WorkflowInfo> GetWorkflow(const std::string& name,
                                                   uint32_t version) = 0;

  // --- Province plugins (docs/plugins.md) ---

  // Checks a plugin folder whole (manifest, org files, hooks) and stores a
  // new version of it with its org files imported into the directory, in
  // one write. Administrators and the embedder only (PERMISSION_DENIED
  // ADMIN_REQUIRED). INVALID_ARGUMENT PLUGIN_INVALID lists every problem,
  // one a line, each "file:line: ..."; nothing is stored then. Identical
  // files to the latest version: that version, `created` false.
  virtual absl::StatusOr<PluginDeployResult> DeployPlugin(
      const PluginDeployRequest& request) = 0;
  // The latest version of each plugin, by name, without the manifest.
  // Administrators and the embedder only, like deploying.
  virtual absl::StatusOr<std::vector<PluginInfo>> ListPlugins(
      const Actor& by) = 0;
  // version 0 means the latest. NOT_FOUND PLUGIN_NOT_FOUND. Administrators
  // and the embedder only.
  virtual absl::StatusOr<PluginInfo> GetPlugin(const Actor& by,
                                               const std::string& name,
                                               uint32_t version) = 0;

  // Starts an instance of request.workflow, on its latest version unless
  // request.workflow_version names one. A workflow declaring
  // `unique_business_key = true` refuses a second start with the same
  // business key ALREADY_EXISTS, naming the instance that has it. A
  // workflow declaring `plugin = true` pins the latest version of the
  // plugin of the unit's province; FAILED_PRECONDITION PLUGIN_NOT_FOUND
  // when that province has none.
  virtual absl::StatusOr<StartResult> Start(const StartRequest& request) = 0;
  // Fires an event: the one transition path (see docs/architecture.md).
  virtual absl::StatusOr<FireResult> Fire(const FireRequest& request) = 0;

  // Asynchronous forms: `done` runs exactly once, on the calling thread or on
  // an engine thread (after the synced write). It must not block.
  virtual void StartAsync(const StartRequest& request,
                          Callback<StartResult> done) = 0;
  virtual void FireAsync(const FireRequest& request,
                         Callback<FireResult> done) = 0;

  // Cancels an instance: one history event "wf.cancel" through the
  // transition path, after which the instance is finished and cancelled;
  // its timers, inbox listing and late-list entries go in the same write,
  // and its unique business key (if any) is free again. Who may cancel:
  // the embedder, an administrator, or the person who started it (others:
  // PERMISSION_DENIED). FAILED_PRECONDITION when it is finished already.
  // The documents below it that still run (what it started, what those
  // started, ...) are cancelled in the same write, each with a "wf.cancel"
  // event of its own naming it ({"reason", "with"}); the instance's own
  // event then records how many ({"reason", "children_cancelled"}). Each
  // gives back the quota places it holds and releases its claims
  // ("places_given", "claims_released").
  // RESOURCE_EXHAUSTED, nothing cancelled, past max_children_per_step.
  virtual void CancelAsync(const CancelRequest& request,
                           Callback<FireResult> done) = 0;
  virtual absl::StatusOr<FireResult> Cancel(const CancelRequest& request) = 0;

  // --- Files (docs/documents.md, "Files") ---

  // Starts an upload to a slot of an instance. Checks what it can before
  // any byte arrives: the request (INVALID_ARGUMENT: FILE_SLOT_INVALID,
  // FILE_NAME_INVALID, the digest; FILE_TOO_LARGE for an announced size),
  // that the caller may read the instance (NOT_FOUND), that it is running
  // (FAILED_PRECONDITION) and that the caller may attach to it
  // (PERMISSION_DENIED): the embedder, an administrator, the person who
  // started it, or a person who may fire one of the events allowed in its
  // current state. Finish checks them again in the transition itself.
  virtual absl::StatusOr<std::unique_ptr<FileUpload>> BeginUpload(
      const UploadRequest& request) = 0;
  // A stored file, with the read checks of GetInstance (NOT_FOUND for an
  // instance the caller may not read); FILE_NOT_FOUND for a slot or
  // version the instance does not have.
  virtual absl::StatusOr<std::unique_ptr<FileDownload>> OpenFile(
      const FileRequest& request) = 0;
  // Every slot of the instance, every version (oldest first).
  virtual absl::StatusOr<std::vector<FileSlotInfo>> ListFiles(
      const std::string& instance_id, const Actor& actor) = 0;

  // Reads are scoped to what `actor` may read (docs/security.md); a
  // document the actor may not read is NOT_FOUND, as if it did not exist.
  virtual absl::StatusOr<InstanceInfo> GetInstance(
      const std::string& id, const Actor& actor) = 0;
  // The steps `actor` may take on the instance now, each with the capacity
  // they would act in: what its inbox item offers. Read-scoped as
  // GetInstance; empty for a finished instance and for the embedder.
  virtual absl::StatusOr<std::vector<InboxEvent>> AvailableEvents(
      const std::string& id, const Actor& actor) = 0;
  virtual absl::StatusOr<InstancePage> ListInstances(
      const ListInstancesRequest& request) = 0;
  // How far a parent's children (a plan sent to every commune) have got:
  // counts per state, late ones, and with `with_units` which child is
  // where. NOT_FOUND when the actor may not read the parent.
  virtual absl::StatusOr<ProgressInfo> GetProgress(
      const ProgressRequest& request) = 0;
  // The events after `after_seq`, at most `limit` of them (0: all).
  virtual absl::StatusOr<std::vector<HistoryEntry>> GetHistory(
      const std::string& id, const Actor& actor, uint64_t after_seq = 0,
      uint32_t limit = 0) = 0;
  // Deadlines coming up, or passed (the standing agency's "who is late").
  virtual absl::StatusOr<DeadlinePage> ListDeadlines(
      const DeadlineQuery& query) = 0;

  // --- Documents (docs/documents.md) ---

  // The instance's document. Read-scoped like GetInstance; once issued,
  // people of its recipient units may read it too. NOT_FOUND otherwise.
  virtual absl::StatusOr<DocumentInfo> GetDocument(const std::string& id,
                                                   const Actor& actor) = 0;
  // The document as an HTML page laid out in NĐ 30's order, for the screen
  // and for printing (a draft, marked so, before issuance). Readable by
  // whoever may GetDocument.
  virtual absl::StatusOr<std::string> RenderDocument(const std::string& id,
                                                     const Actor& actor) = 0;
  // A person of a recipient unit records receipt of the issued document: a
  // "wf.acknowledge" event through the transition path (no script). The
  // same unit again: the first answer, nothing written. NOT_FOUND as
  // GetDocument; FAILED_PRECONDITION before issuance (DOCUMENT_NOT_ISSUED)
  // or after a cancel; PERMISSION_DENIED for someone of no recipient unit.
  virtual void AcknowledgeDocumentAsync(const AcknowledgeRequest& request,
                                        Callback<AcknowledgeResult> done) = 0;
  virtual absl::StatusOr<AcknowledgeResult> AcknowledgeDocument(
      const AcknowledgeRequest& request) = 0;
  // A unit's incoming documents, newest first. People list the units they
  // hold a role in; administrators and the embedder name a unit.
  virtual absl::StatusOr<IncomingPage> ListIncoming(
      const IncomingRequest& request) = 0;
  // What steps told the caller's units and the caller (ctx.emit with
  // `den`), newest first. People read their units' and their own;
  // administrators and the embedder name a unit or a person.
  virtual absl::StatusOr<NoticePage> ListNotices(
      const NoticeRequest& request) = 0;
  // Records that `actor`, a person, has seen their notices up to `up_to`
  // (the time of the newest one shown; InfinitePast: up to now): ListNotices
  // then counts only later ones as unread. The mark never moves back, nor
  // past now. Returns it. Durable before it returns.
  virtual absl::StatusOr<absl::Time> MarkNoticesSeen(const Actor& actor,
                                                     absl::Time up_to) = 0;
  // A register's numbers for a year, in order. Administrators and the
  // embedder read all of it; a person reads the entries issued by units
  // they hold a role in.
  virtual absl::StatusOr<RegisterPage> ReadRegister(
      const RegisterRequest& request) = 0;

  // Fires every timer due by the engine's clock now, and what that makes
  // due, waits for them, and returns how many fired. The timer loop does
  // this by itself; tests and simulations call it after moving a ManualClock.
  virtual absl::StatusOr<int> FireDueTimers() = 0;

  // Checks the hash chain and replays the history; problems are reported in
  // the VerifyReport, errors only for an unknown instance or a failed read.
  virtual absl::StatusOr<VerifyReport> Verify(const std::string& id,
                                              const Actor& actor) = 0;

  // What `actor` can act on now, with the events they may fire, sorted by
  // deadline then age. Kept in the same write as every transition.
  virtual absl::StatusOr<InboxPage> Inbox(const Actor& actor,
                                          const InboxRequest& request) = 0;
  // Whether the request that read a page with `stamp` (InboxPage::stamp)
  // would read the same page now: no write has touched the inbox slots its
  // reader reads, the directory and the day are the same. A page
  // still current can be answered again as it was.
  virtual bool InboxCurrent(const InboxStamp& stamp) = 0;

  // --- The feed (docs/documents.md, "The feed (Watch)") ---
  //
  // Every transition, effect, issued document and attached file, in commit
  // order, each with a cursor. Administrators and the embedder read it
  // (integrations use an administrator's token); a person is refused
  // PERMISSION_DENIED (ADMIN_REQUIRED): the feed spans every unit.

  // The items after request.after that pass the filters. OUT_OF_RANGE
  // FEED_CURSOR_EXPIRED when items after the cursor have expired
  // (metadata oldest_cursor: the cursor to read on from); OUT_OF_RANGE
  // FEED_CURSOR_AHEAD for a cursor past the last committed (a feed restored
  // from an older backup). An item is readable once its write is synced.
  virtual absl::StatusOr<FeedPage> ReadFeed(const FeedRequest& request) = 0;
  // The last cursor committed (0: none yet): where "from now on" starts.
  virtual absl::StatusOr<uint64_t> FeedHead(const Actor& actor) = 0;
  // Calls `wake` once, on an engine thread, when an item after `after` is
  // committed (soon, if one is already), or when the engine closes; then
  // read with ReadFeed. Returns an id for CancelFeedWake, after which `wake`
  // is not called (unless it is running already). `wake` must not block.
  virtual uint64_t WakeOnFeed(uint64_t after, std::function<void()> wake) = 0;
  virtual void CancelFeedWake(uint64_t id) = 0;

  // --- Identity and the org directory (docs/security.md, docs/org.md) ---

  // The actor a bearer token stands for. UNAUTHENTICATED when the token is
  // missing, unknown, revoked or expired; FAILED_PRECONDITION
  // (PASSWORD_CHANGE_REQUIRED) for a session opened with a password an
  // administrator set, until the person chooses their own.
  virtual absl::StatusOr<Actor> Authenticate(const std::string& token) = 0;
  // As Authenticate, but such a session passes too: for the calls it may
  // make before the change (ChangePassword, SignOut, WhoAmI).
  virtual absl::StatusOr<Actor> AuthenticateBeforePasswordChange(
      const std::string& token) = 0;
  // Administrators (and the embedder) only, else PERMISSION_DENIED.
  // `valid_for` zero: the token does not expire.
  virtual absl::StatusOr<TokenInfo> IssueToken(const Actor& by,
                                               const std::string& person,
                                               bool admin,
                                               absl::Duration valid_for,
                                               const std::string& note) = 0;
  virtual absl::Status RevokeToken(const Actor& by,
                                   const std::string& token_id) = 0;
  virtual absl::StatusOr<std::vector<TokenInfo>> ListTokens(const Actor& by) = 0;

  // --- Passwords and sign-in sessions (docs/security.md, "Passwords") ---

  // Sets a person's password (administrators and the embedder only), and
  // ends their sign-in sessions: `must_change` asks them to choose their
  // own at their next sign-in.
  // NOT_FOUND (PERSON_NOT_FOUND) for someone not in the org directory.
  virtual absl::Status SetPassword(const Actor& by, const std::string& person,
                                   const std::string& password,
                                   bool must_change) = 0;
  // A person signs in with their password: a session token for them, valid
  // for EngineOptions::session_duration. UNAUTHENTICATED (SIGN_IN_FAILED)
  // for a wrong pair, RESOURCE_EXHAUSTED (SIGN_IN_LOCKED) after too many
  // from `source` (the client's address: the service passes it; "" when
  // unknown), or from everywhere together (docs/security.md).
  virtual absl::StatusOr<SessionInfo> SignIn(const std::string& person,
                                             const std::string& password,
                                             const std::string& source) = 0;
  absl::StatusOr<SessionInfo> SignIn(const std::string& person,
                                     const std::string& password) {
    return SignIn(person, password, "");
  }
  // A session token for whoever `token` stands for (a person, or an
  // administrator with an administrator's session): what a console gives a
  // browser instead of a long-lived access code. Revoking `token` ends the
  // session too. UNAUTHENTICATED for a token that does not authenticate,
  // INVALID_ARGUMENT for a session's own token (a session would then last
  // for ever).
  virtual absl::StatusOr<SessionInfo> OpenSession(const std::string& token) = 0;
  // Ends the session `token` is (revokes it); OK if already ended.
  virtual absl::Status SignOut(const std::string& token) = 0;
  // A person changes their own password, giving the current one. The
  // session `session_token` (the caller's token; "" for none) stays open
  // and may do anything again; the person's other sessions end. A wrong
  // current password counts as a wrong sign-in from `source` (as SignIn):
  // a stolen session cannot guess on without the person being locked.
  virtual absl::Status ChangePassword(const Actor& actor,
                                      const std::string& current,
                                      const std::string& replacement,
                                      const std::string& session_token,
                                      const std::string& source) = 0;
  absl::Status ChangePassword(const Actor& actor, const std::string& current,
                              const std::string& replacement,
                              const std::string& session_token) {
    return ChangePassword(actor, current, replacement, session_token, "");
  }
  // True if a valid administrator token exists.
  virtual absl::StatusOr<bool> HasAdminToken() = 0;
  // Replaces one source of the org directory; all-or-nothing.
  virtual absl::StatusOr<DirectoryCountsInfo> ImportDirectory(
      const Actor& by, const DirectoryImport& request) = 0;
  virtual absl::StatusOr<WhoAmIInfo> WhoAmI(const Actor& actor) = 0;

  // --- Operations ---

  // Administrators only. A consistent copy of everything stored, taken while
  // the engine keeps working, in `dir`: an absolute path on the server's
  // machine whose parent exists and which itself does not. To restore, start
  // a server with `--data_dir` set to the copy (or a copy of it).
  virtual absl::StatusOr<BackupInfo> Backup(const Actor& by,
                                            const std::string& dir) = 0;

  // Administrators only. Verifies every instance (as Verify does each), the
  // one after the other, while the engine keeps serving: no lock is held,
  // and each instance is read as of a snapshot of its own. `observe` (may be
  // empty) is called after each instance, on the calling thread; returning
  // false stops the run (CANCELLED). A failed instance is reported in the
  // summary, not as an error; errors: PERMISSION_DENIED, UNAVAILABLE (the
  // engine is closing), a failed scan of the store.
  virtual absl::StatusOr<VerifyAllSummary> VerifyAll(
      const Actor& by, const VerifyAllObserver& observe) = 0;

  // Administrators only. The last number of every register: each series of
  // ctx.document.issue by register and year, then each counter of
  // ctx.take_number and ctx.take_place (year 0; their names carry the year
  // if they have one). What a restored copy holds.
  virtual absl::StatusOr<std::vector<RegisterYearInfo>> ListRegisters(
      const Actor& by) = 0;

  virtual EngineStats Stats() = 0;
  // OK while the store accepts writes; after a write failed (the disk's
  // state unknown), the UNAVAILABLE error every write now gets. Reads go on.
  virtual absl::Status WriteHealth() = 0;

  // Stops accepting requests, waits for in-flight transitions, closes the
  // store. Further calls return UNAVAILABLE.
  virtual absl::Status Close() = 0;
};

}  // namespace wf

#endif  // WF_ENGINE_H_
