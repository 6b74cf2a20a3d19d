// Copyright the wf-engine authors. Apache-2.0.
//
// The values the engine takes and returns. Variables and payloads are JSON
// objects carried as UTF-8 text; times are absl::Time; text is NFC.
#ifndef WF_TYPES_H_
#define WF_TYPES_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json_fwd.hpp"

namespace wf {

// Who makes a request. Recorded on every history event.
//
// The gRPC server makes actors only from authenticated tokens: a person of
// the org directory, whose steps and reads are checked against the
// workflows' `who` rules and the read scope (docs/security.md), or an
// administrator. An embedding program acting for itself says so with
// Actor::Embedder(): it is trusted, recorded as given and not checked.
//
// Safe by default: an Actor nobody filled in (Actor{} or a request whose
// actor was forgotten) is no one, and every call refuses it with
// PERMISSION_DENIED. Trust is spelt out, never assumed.
//
//   engine->GetInstance(id, Actor::Person("can-bo.dai-son"));
//   engine->Start({.workflow = "w", .actor = Actor::Embedder("he-thong-a")});
struct Actor {
  enum class Kind {
    kNobody,    // not filled in: refused everywhere
    kEmbedder,  // the embedding program itself: no checks
    kPerson,    // a person of the org directory: every rule applies
    kAdmin,     // an administrator: deploys, imports, tokens; reads all;
                // takes steps only under the workflows' rules, as a person
  };
  std::string id;  // person id for kPerson and kAdmin; a name for kEmbedder
  Kind kind = Kind::kNobody;

  static Actor Embedder(std::string id = "embedder") {
    return {std::move(id), Kind::kEmbedder};
  }
  static Actor Person(std::string id) { return {std::move(id), Kind::kPerson}; }
  static Actor Admin(std::string id) { return {std::move(id), Kind::kAdmin}; }
  // True unless the embedder acts: the rules apply.
  bool checked() const { return kind != Kind::kEmbedder; }
  bool nobody() const { return kind == Kind::kNobody; }
};

// A deadline or a reminder's distance before it (docs/lua.md, "Deadlines").
// `unit` is "working_days", "days", "hours", "minutes" or "seconds"; for a
// deadline given by a `date` function it is "" and by_date is true.
struct TimerInfo {
  std::string unit;
  int64_t amount = 0;
  std::string fire;  // the event the timer fires
};

struct StateDeadlineInfo {
  std::string clock;
  TimerInfo when;
  bool by_date = false;
  std::vector<TimerInfo> reminders;  // before the deadline
};

struct StateInfo {
  std::string name;
  std::string title;
  bool final = false;
  std::optional<StateDeadlineInfo> deadline;
  std::vector<std::string> pauses;  // clocks that stop while here
};

struct TransitionInfo {
  std::string event;
  std::vector<std::string> from;
  std::string to;
  std::string title;
  std::vector<std::string> requires_fields;
  std::vector<std::string> optional_fields;  // read when given
  bool has_guard = false;
  bool has_action = false;
  bool stay = false;  // the document stays in the state it leaves
  // Who may fire it: (role, unit relation) pairs; or only timers.
  std::vector<std::pair<std::string, std::string>> who;
  bool system_only = false;
};

// A field of a workflow's start variables or payloads, as its `fields`
// declare it: the title officials read, and the kind of value it holds
// ("text", "long_text", "integer", "number", "date", "list", "boolean").
struct FieldInfo {
  std::string name;
  std::string title;
  std::string kind;
};

struct WorkflowInfo {
  std::string name;
  uint32_t version = 0;
  std::string title;
  std::string initial_state;
  std::vector<StateInfo> states;
  std::vector<TransitionInfo> transitions;
  std::string source;  // empty in lists
  std::string source_sha256;  // hex
  // `plugin = true`: documents pin their province's plugin at start.
  bool plugin = false;
  std::vector<std::string> hooks;  // the hooks a plugin may supply
  // The start variables it requires, and who may start a document:
  // (role, unit relation) pairs, as a transition's `who`.
  std::vector<std::string> required_fields;
  std::vector<std::string> optional_fields;  // taken when given
  std::vector<std::pair<std::string, std::string>> started_by;
  std::vector<FieldInfo> fields;  // by name
  absl::Time deployed_at;
  std::string deployed_by;
};

struct DeployRequest {
  std::string source;
  std::string file_name;  // for error messages; optional
  Actor actor;
  // Check everything a deploy checks, store nothing: the answer is the
  // workflow as it would be deployed (its next version), `created` false.
  bool validate_only = false;
  // The workflows' shared library modules (workflows/lib/<name>.lua):
  // name ([a-z][a-z0-9_]*) -> Lua source. Only those the file requires
  // are stored with the version (docs/lua.md "Shared libraries").
  std::map<std::string, std::string> libraries;
};

struct DeployResult {
  WorkflowInfo workflow;
  // False when identical to the latest version, or for validate_only.
  bool created = false;
};

// A deadline clock of an instance (docs/lua.md, "Deadlines").
struct ClockInfo {
  std::string name;
  absl::Time due;          // when running or expired
  bool paused = false;
  bool expired = false;    // the deadline passed: late
  int64_t remaining = 0;   // while paused, in the clock's unit
  std::string unit;        // "working_days", "days", "duration", "date"
};

// A step the caller may take on an instance, and in which capacity.
struct InboxEvent {
  std::string event;
  std::string title;
  std::string role;        // the capacity the caller would act in
  std::string unit;
  std::string acting_for;  // set when through a delegation
};

struct InstanceInfo {
  std::string id;
  std::string unit;       // the org unit the document belongs to
  std::string unit_name;
  std::string workflow;
  uint32_t workflow_version = 0;
  std::string state;
  std::string state_title;
  // A display title for lists: the document's trích yếu if it has one, else
  // `state_title`. Read from the record as is: no JSON parsed.
  std::string title;
  bool finished = false;
  // The variables as a JSON object; empty when a list was asked for without
  // them (`with_variables = false`).
  std::string variables_json;
  // The same variables already parsed, when the engine has them at hand
  // (the answer of a step): a server converts them without parsing the
  // text again. May be null; never differs from `variables_json`.
  std::shared_ptr<const nlohmann::json> parsed_variables;
  std::string business_key;
  uint64_t version = 0;  // number of history events
  absl::Time created_at;
  absl::Time updated_at;
  std::string created_by;
  std::vector<ClockInfo> clocks;
  // Cancelled (Engine::Cancel): finished too, with no clocks or timers.
  bool cancelled = false;
  std::string cancel_reason;
  std::string parent_id;  // the instance whose step started it, if any
  // The province plugin pinned at start (docs/plugins.md); "" and 0 for a
  // workflow without `plugin = true`.
  std::string plugin;
  uint32_t plugin_version = 0;
};

struct HistoryEntry {
  uint64_t seq = 0;
  std::string event;
  std::string from_state;
  std::string to_state;
  absl::Time at;
  std::string actor;
  std::string payload_json;
  std::string changes_json;
  // The same changes already parsed, when the engine has them at hand (the
  // answer of a step): a server converts them without parsing the text
  // again. May be null; never differs from `changes_json`.
  std::shared_ptr<const nlohmann::json> parsed_changes;
  std::string effects_json;
  uint32_t workflow_version = 0;
  std::string prev_hash;  // hex
  std::string hash;       // hex
  std::string idempotency_key;
  std::string timer;        // set when a timer fired the event
  absl::Time timer_due;
  std::string timers_json;  // pending timers after the event
  // Who, in which capacity (as the directory said then).
  std::string actor_name;
  std::string actor_role;
  std::string actor_unit;
  std::string actor_unit_name;
  std::string acting_for;   // delegation: whose role was used
  std::string acting_for_name;
  // What the script took from outside itself, in order, as a JSON array of
  // {"call", "key", "value"} (a number from a register, a quota place, a
  // claim, a child started, another instance read); [] when nothing.
  std::string taken_json;
  std::string calendar_version;  // the holiday tables' version, "" if none
  std::string parent_id;         // a child's start: who started it
  // Taken by another document's step (ctx.fire): that document's id.
  std::string fired_by;
};

// --- Documents (docs/documents.md) ---

// One version of a file in a document's slot.
struct FileVersionInfo {
  uint32_t version = 0;     // 1, 2, ... within the slot
  std::string name;
  uint64_t size = 0;
  std::string media_type;   // judged from the bytes
  std::string sha256_hex;   // 64 lower-case hex digits
  std::string added_by;
  absl::Time added_at;
  uint64_t event_seq = 0;   // the history event that attached it
};

struct FileSlotInfo {
  std::string slot;                       // du_thao, ban_ky, to_trinh...
  std::vector<FileVersionInfo> versions;  // oldest first
};

// The signer block (NĐ 30, Điều 13).
struct SignerInfo {
  std::string form;                      // "", "TM.", "KT.", "Q.", "TL.", "TUQ."
  std::vector<std::string> title_lines;  // without the form: "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG" (printed "KT. CHÁNH VĂN PHÒNG" / "PHÓ CHÁNH VĂN PHÒNG")
  std::string name;
  std::string person_id;
};

// One line of Nơi nhận and its acknowledgement of receipt.
struct RecipientInfo {
  std::string unit_id;  // empty for a line that is no unit ("Lưu: VT")
  std::string label;
  std::string purpose;  // "để b/cáo", "để t/hiện"
  // The line printed for this unit and every other of the same group and
  // purpose ("UBND các xã, phường"); empty: its own line.
  std::string group;
  absl::Time acknowledged_at = absl::InfinitePast();  // InfinitePast: not yet
  std::string acknowledged_by;
  std::string acknowledged_by_name;
  // After a recall: when the unit confirmed it (InfinitePast: not yet).
  absl::Time recall_confirmed_at = absl::InfinitePast();
  std::string recall_confirmed_by;
};

// The recall of an issued document (NĐ 30, Điều 18.4).
struct RecallInfo {
  absl::Time at;
  std::string by;  // person id
  std::string by_name;
  std::string reason;
};

// The number a document took when it was issued.
struct IssuedInfo {
  std::string register_key;
  int year = 0;
  int64_t number = 0;
  std::string reference;  // "05/KH-BCĐ"
  std::string date;       // YYYY-MM-DD, Vietnam time
  absl::Time issued_at;
  std::string issued_by;
  uint64_t event_seq = 0;
};

// The document an instance moves.
struct DocumentInfo {
  std::string instance_id;
  std::string type;  // KH, BC, TTr, QĐ, CV, TB, GM...
  std::string trich_yeu;
  std::string issuer_id;
  std::string issuer_name;
  std::string parent_body;
  std::string issuer_code;
  std::string place;
  std::string urgency;
  std::string secrecy;
  SignerInfo signer;
  std::vector<RecipientInfo> recipients;
  bool issued = false;
  IssuedInfo issuance;  // when issued
  bool recalled = false;
  RecallInfo recall;  // when recalled
  std::string body_summary;
  std::string register_key;
  std::vector<FileSlotInfo> slots;
};

// A recipient unit acknowledges receipt of an issued document
// (Engine::AcknowledgeDocument): a "wf.acknowledge" event on the issuing
// instance, whose payload is {"unit", "name"}.
struct AcknowledgeRequest {
  std::string instance_id;
  // The recipient unit acknowledging; "": the caller's first unit among the
  // recipients. Required for the embedder.
  std::string unit;
  std::string idempotency_key;
  Actor actor;
  std::function<bool()> still_wanted = nullptr;  // as StartRequest's
};

struct AcknowledgeResult {
  DocumentInfo document;  // as it is now
  HistoryEntry event;     // the acknowledgement (the first one if replayed)
  bool replayed = false;  // the unit had acknowledged already
};

// A unit's incoming documents (văn bản đến), newest first.
struct IncomingRequest {
  std::string unit;  // "": every unit the person holds a role in
  bool only_unacknowledged = false;
  uint32_t page_size = 0;  // 0 means 50; over 1000: INVALID_ARGUMENT
  std::string page_token;
  Actor actor;
};

struct IncomingInfo {
  std::string instance_id;
  std::string unit;  // the receiving unit
  std::string reference;
  std::string type;
  std::string trich_yeu;
  std::string issuer_id;
  std::string issuer_name;
  std::string date;  // YYYY-MM-DD
  absl::Time issued_at;
  std::string purpose;
  bool acknowledged = false;
  absl::Time acknowledged_at = absl::InfinitePast();
  std::string acknowledged_by;
  // Recalled by its issuer: the unit confirms it (AcknowledgeDocument).
  bool recalled = false;
  std::string recall_reason;
  bool recall_confirmed = false;
  std::string acknowledged_by_name;  // as the directory names the person
  // The caller may also read the issuing document itself (GetInstance).
  bool readable = false;
};

struct IncomingPage {
  std::vector<IncomingInfo> documents;
  std::string next_page_token;
};

// What steps told a unit or a person (ctx.emit with `den`: a
// notification, a chase), newest first.
struct NoticeRequest {
  // A unit the person holds a role in, or their own id; "": all of them.
  // Administrators and the embedder name one.
  std::string recipient;
  uint32_t page_size = 0;  // 0 means 50; over 1000: INVALID_ARGUMENT
  std::string page_token;
  Actor actor;
};

struct NoticeInfo {
  std::string recipient;       // the unit's or the person's id
  std::string recipient_name;  // as the directory names it
  std::string kind;            // ctx.emit's kind: "thong_bao", "don_doc"...
  std::string text;            // its data's noi_dung ("" if none)
  std::string data_json;       // its data, whole
  std::string instance_id;
  std::string workflow;
  std::string workflow_title;
  std::string unit;            // the document's unit, and its name
  std::string unit_name;
  std::string trich_yeu;       // the document's, if it has one
  std::string event;           // the step that sent it, and its title
  std::string event_title;
  absl::Time at;
  std::string actor;           // who took the step ("system:timer"...)
  std::string actor_name;
  // The caller may open the document (GetInstance).
  bool readable = false;
  // Newer than what the caller had seen (NoticePage::seen_until).
  bool unread = false;
};

struct NoticePage {
  std::vector<NoticeInfo> notices;
  std::string next_page_token;
  // For a person reading their own: how far they had seen their notices
  // (Engine::MarkNoticesSeen; InfinitePast if never), and how many of the
  // notices the request covers are newer, counted up to kMaxUnread (the
  // badge then reads "100+"). Others: InfinitePast and 0.
  static constexpr int kMaxUnread = 100;
  absl::Time seen_until = absl::InfinitePast();
  int unread = 0;
};

// One year of a register (sổ văn bản đi).
struct RegisterRequest {
  std::string register_key;
  int year = 0;
  uint32_t page_size = 0;  // 0 means 50; over 1000: INVALID_ARGUMENT
  std::string page_token;
  Actor actor;
};

struct RegisterEntryInfo {
  int64_t number = 0;
  std::string reference;
  std::string instance_id;
  std::string date;  // YYYY-MM-DD
  std::string type;
  std::string trich_yeu;
  std::string signer_name;
  absl::Time issued_at;
  std::string issuer_id;
  std::string issued_by;
  // InfinitePast: not recalled.
  absl::Time recalled_at = absl::InfinitePast();
  std::string recall_reason;
};

struct RegisterPage {
  std::vector<RegisterEntryInfo> entries;
  std::string next_page_token;
};

struct StartRequest {
  std::string workflow;
  std::string variables_json;  // empty means {}
  std::string business_key;
  std::string idempotency_key;
  Actor actor;
  std::string unit;  // the org unit the document belongs to
  // The deployed version to start on; 0: the latest. NOT_FOUND, naming the
  // versions there are, when it does not exist.
  uint32_t workflow_version = 0;
  // Asked just before the write is committed: false (the caller has gone,
  // e.g. a gRPC call cancelled or past its deadline) answers CANCELLED and
  // writes nothing. Empty: always wanted.
  std::function<bool()> still_wanted = nullptr;
};

struct StartResult {
  InstanceInfo instance;
  bool replayed = false;
};

struct FireRequest {
  std::string instance_id;
  std::string event;
  std::string payload_json;  // empty means {}
  uint64_t expected_version = 0;  // 0: don't check
  std::string idempotency_key;
  Actor actor;
  // Refused FAILED_PRECONDITION unless the instance is in this state; "":
  // don't check. Unlike the version, timers do not move it by themselves.
  std::string expected_state;
  // As StartRequest::still_wanted.
  std::function<bool()> still_wanted = nullptr;
};

// Cancels an instance (Engine::Cancel). Recorded as a history event
// "wf.cancel" whose payload is {"reason": reason}.
struct CancelRequest {
  std::string instance_id;
  std::string reason;  // required: why, for the record
  std::string idempotency_key;
  Actor actor;
  std::function<bool()> still_wanted = nullptr;  // as StartRequest::still_wanted
};

struct FireResult {
  InstanceInfo instance;
  HistoryEntry event;
  bool replayed = false;
};

// Files (docs/documents.md, "Files"): Engine::BeginUpload.
struct UploadRequest {
  std::string instance_id;
  std::string slot;        // du_thao, ban_ky, to_trinh... ([a-z][a-z0-9_]*)
  std::string name;        // the file's name: NFC, no folder
  std::string sha256_hex;  // the digest the bytes must have (64 hex digits)
  // The size the client announces; nullopt: unknown. Over the limit is
  // refused before any byte is stored; fewer bytes is UPLOAD_INCOMPLETE.
  std::optional<uint64_t> size;
  std::string idempotency_key;
  Actor actor;
  std::function<bool()> still_wanted = nullptr;  // as StartRequest's
};

struct AttachResult {
  InstanceInfo instance;  // after the wf.attach event
  FileSlotInfo slot;      // the slot, every version
  FileVersionInfo file;   // the version this upload added
  HistoryEntry event;
  bool replayed = false;
  // False when the same bytes were stored already (by any instance): they
  // are kept once, and this upload's copy was dropped.
  bool new_bytes = false;
};

// Engine::OpenFile: one version of a slot's file. version 0: the latest.
struct FileRequest {
  std::string instance_id;
  std::string slot;
  uint32_t version = 0;
  Actor actor;
};

struct ListInstancesRequest {
  std::string workflow;
  std::string state;  // requires workflow
  std::string business_key;
  uint32_t page_size = 0;  // 0 means 50; over 1000: INVALID_ARGUMENT
  std::string page_token;
  Actor actor;  // reads are scoped to what the actor may read
  std::string unit;  // the unit and every unit below it; empty: all
  std::string parent;  // the children this instance started; empty: all
  // False: each InstanceInfo comes with `variables_json` empty. True keeps
  // what embedders always had; it costs a copy of each instance's JSON but
  // no parse (the engine never parses variables to list them), so the
  // default stays. The gRPC service passes false unless asked for the FULL
  // view: there the cost was building a Struct from each JSON.
  bool with_variables = true;
};

// A campaign's progress (Engine::GetProgress): the children of one parent
// instance by state. Readable by whoever may read the parent.
struct ProgressRequest {
  std::string id;        // the parent instance
  std::string workflow;  // only children of this workflow; empty: all
  bool with_units = false;  // list each child under its state
  Actor actor;
};

// One child, as a progress lists it.
struct ProgressUnit {
  std::string instance_id;
  std::string unit;
  std::string unit_name;
  std::string state;
  bool late = false;  // a deadline clock of the child has expired
  bool finished = false;
  std::string business_key;
};

struct StateProgress {
  std::string state;
  std::string title;
  bool final = false;
  int64_t count = 0;
  std::vector<ProgressUnit> units;  // with_units only; in the order started
};

struct ProgressInfo {
  std::string parent_id;
  int64_t total = 0;
  // Every state of the children's workflows in declaration order (count 0
  // included), then any state no longer declared.
  std::vector<StateProgress> states;
  int64_t late_count = 0;
  std::vector<ProgressUnit> late;  // with_units only
};

struct InstancePage {
  std::vector<InstanceInfo> instances;
  std::string next_page_token;  // empty on the last page
};

// Deadlines that pass within `within_days` days (late = false), or that
// already passed and whose clock still runs (late = true). A DeadlineInfo
// carries no variables, so there is nothing to leave out.
struct DeadlineQuery {
  std::string workflow;  // empty: every workflow
  bool late = false;
  uint32_t within_days = 7;
  uint32_t page_size = 0;  // 0 means 50; over 1000: INVALID_ARGUMENT
  std::string page_token;
  Actor actor;
  std::string unit;      // the unit and every unit below it; empty: all
};

struct DeadlineInfo {
  std::string instance_id;
  std::string workflow;
  std::string business_key;
  std::string state;
  std::string state_title;
  std::string clock;
  std::string event;  // fired when it passes
  absl::Time due;
  bool late = false;
  std::string unit;
  std::string unit_name;
  std::string title;  // as InstanceInfo::title
};

struct DeadlinePage {
  std::vector<DeadlineInfo> deadlines;
  std::string next_page_token;
};

// What the caller can act on now.
struct InboxRequest {
  uint32_t page_size = 0;  // 0 means 50; over 1000: INVALID_ARGUMENT
  std::string page_token;
  // As ListInstancesRequest::with_variables: false leaves each item's
  // `instance.variables_json` empty.
  bool with_variables = true;
};

struct InboxItem {
  InstanceInfo instance;
  std::vector<InboxEvent> events;
  absl::Time due = absl::InfiniteFuture();  // earliest deadline, passed or not
};

// What an inbox page was read from, taken before reading: the directory,
// the Vietnamese day (roles and delegations run by day), and a count of
// the writes to each inbox slot (unit and role) the reader reads.
// Engine::InboxCurrent tells whether the same request would read the same
// page now, so that an answer can be kept and sent again while nothing it
// shows has changed.
struct InboxStamp {
  uint64_t epoch = 0;      // moved by writes the engine cannot place
  uint64_t directory = 0;  // the directory snapshot's version
  int64_t day = 0;         // days since 1970-01-01, Vietnam time
  // (the slot's counter, its count); a counter may be shared by several
  // slots, which only makes a page look changed more often.
  std::vector<std::pair<uint32_t, uint64_t>> slots;
};

// Sorted by deadline, then by how long the item has waited.
struct InboxPage {
  std::vector<InboxItem> items;
  std::string next_page_token;
  InboxStamp stamp;
};

// One file of the org directory (docs/org.md): units, an official commune
// list, the 2024 district list, or people with their roles.
struct DirectoryImport {
  std::string source;   // its name; importing the same name replaces it
  std::string format;   // "units", "communes", "districts" or "people"
  std::string csv;      // empty: remove the source
  std::string province_id;    // communes, districts: the province unit
  std::string province_name;
  std::string valid_from;     // communes, districts: "01/07/2025"
  std::string valid_to;
};

// --- Province plugins (docs/plugins.md) ---

// One file of a plugin folder: "plugin.lua", or a data file it names.
struct PluginFile {
  std::string path;
  std::string content;
};

// Engine::DeployPlugin: the folder `name` with its files.
struct PluginDeployRequest {
  std::string name;  // the folder's name; the manifest's `name` must equal it
  std::vector<PluginFile> files;
  Actor actor;  // an administrator or the embedder
  // Check everything a deploy checks, store nothing: the answer is the
  // plugin as it would be deployed (its next version), `created` false.
  bool validate_only = false;
};

struct PluginInfo {
  std::string name;
  uint32_t version = 0;
  std::string title;
  std::string province;            // the province unit's id
  std::vector<std::string> files;  // paths, plugin.lua first
  std::string sha256;              // hex, of every path and file
  absl::Time deployed_at;
  std::string deployed_by;
  std::string manifest;  // plugin.lua's text (GetPlugin; empty in lists)
};

struct PluginDeployResult {
  PluginInfo plugin;
  // False when identical to the latest version, or for validate_only.
  bool created = false;
};

struct BackupInfo {
  std::string dir;
  uint64_t files = 0;
  uint64_t bytes = 0;
};

struct DirectoryCountsInfo {
  size_t units = 0;
  size_t people = 0;
  size_t assignments = 0;
  // Taken out of the directory by the import: their tokens and sessions
  // revoked, their passwords removed, in the same write.
  std::vector<std::string> people_removed;
};

struct RoleInfo {
  std::string role;
  std::string unit;
  std::string unit_name;
  std::string acting_for;
};

struct WhoAmIInfo {
  std::string person;
  std::string name;
  bool admin = false;
  std::vector<RoleInfo> roles;  // held today
};

struct TokenInfo {
  std::string token;  // only when issued: the secret, shown once
  std::string token_id;
  std::string person;
  bool admin = false;
  absl::Time issued_at;
  absl::Time expires_at = absl::InfiniteFuture();
  absl::Time revoked_at = absl::InfinitePast();  // InfinitePast: not revoked
  std::string issued_by;
  std::string note;
};

// A sign-in (Engine::SignIn, OpenSession): the session's token, and whether
// the person must choose a new password first.
struct SessionInfo {
  TokenInfo token;
  bool must_change_password = false;
};

// Counters since the engine opened (for operators and benchmarks).
struct EngineStats {
  uint64_t synced_writes = 0;  // fsyncs of the write-ahead log
  uint64_t write_sets = 0;     // transitions, deploys, imports written
  uint64_t write_ops = 0;      // puts and deletes in them
  uint64_t write_bytes = 0;
  // Transactions left out of a write because a shared record they read
  // moved first (each then runs again: docs/architecture.md).
  uint64_t aborted = 0;
  uint64_t timers_fired = 0;
  uint64_t timers_failed = 0;
};

// --- The feed (Engine::ReadFeed; docs/documents.md, "The feed (Watch)") ---

// One thing that happened, in commit order. `cursor` numbers every item of
// the engine: strictly increasing in commit order, without gaps.
struct FeedItem {
  uint64_t cursor = 0;
  // "transition" (every history event: starts, children's starts, fires,
  // timers, cancels), "effect" (one per ctx.emit of the event),
  // "document_issued", "document_recalled", "file_attached".
  std::string kind;
  std::string instance_id;
  std::string workflow;
  uint32_t workflow_version = 0;
  std::string unit_id;
  std::string parent_id;  // a child instance's parent
  uint64_t seq = 0;       // the history event's seq within the instance
  std::string event;
  std::string from_state;
  std::string to_state;
  absl::Time at;
  std::string actor;
  // A JSON object: for a transition {"payload": ..., "timer": ...}; for an
  // effect {"kind": ..., "data": ...} as emitted; for an issued document
  // reference, register, number, year, date, issued_by; for a file slot,
  // version, name, size, media_type, sha256, added_by.
  std::string data_json;
};

struct FeedRequest {
  Actor actor;  // an administrator or the embedder
  // The items after this cursor (0: from the oldest item kept).
  uint64_t after = 0;
  // Filters; empty matches all. `kinds` lists the kinds wanted.
  std::string workflow;
  std::string unit_id;
  std::vector<std::string> kinds;
  // Items at most (0: 100; over 1000 is refused).
  uint32_t limit = 0;
};

struct FeedPage {
  std::vector<FeedItem> items;
  // Where the next read starts: the last item looked at, which the filters
  // may have left out (a page can be empty and still move on). Equal to
  // `after` when nothing newer was committed.
  uint64_t next_after = 0;
  // The last cursor committed when the page was read.
  uint64_t head = 0;
};

struct VerifyReport {
  bool ok = false;
  uint64_t events_checked = 0;
  std::string problem;  // the first problem found
  // The seq of the event the problem is in; 0 when it is in the instance
  // record itself (its version, last hash, state or variables disagree
  // with a history whose events all check).
  uint64_t failed_event = 0;
};

// Engine::VerifyAll: how far it has got.
struct VerifyAllProgress {
  uint64_t done = 0;    // instances checked so far
  uint64_t total = 0;   // instances there were when it started
  uint64_t failed = 0;  // of those done
};

// One instance that does not verify.
struct VerifyFailure {
  std::string instance_id;
  std::string workflow;
  uint32_t workflow_version = 0;
  uint64_t failed_event = 0;  // VerifyReport::failed_event
  std::string problem;
};

struct VerifyAllSummary {
  uint64_t total = 0;
  uint64_t verified = 0;
  uint64_t failed = 0;
  // The first kMaxListed failures (`failed` counts them all).
  std::vector<VerifyFailure> failures;
  absl::Duration took;
  static constexpr size_t kMaxListed = 1000;
};

// Called by Engine::VerifyAll after every instance, with the failure of that
// instance (null if it verified). Returning false stops the run (CANCELLED).
using VerifyAllObserver =
    std::function<bool(const VerifyAllProgress&, const VerifyFailure*)>;

// A register's series of one year, or a counter (year 0): ListRegisters.
struct RegisterYearInfo {
  std::string register_name;
  int32_t year = 0;
  uint64_t last_number = 0;
};

}  // namespace wf

#endif  // WF_TYPES_H_
