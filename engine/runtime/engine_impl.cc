// Copyright the wf-engine authors. Apache-2.0.
//
// Engine::Open wires the parts together; each call is one line into them.
// Writes: transition.cc. Reads: reader.cc. Deploys: definition_registry.cc.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/auth/directory_store.h"
#include "engine/auth/password_store.h"
#include "engine/auth/token_store.h"
#include "engine/calendar/calendar_rules.h"
#include "engine/calendar/vn_date.h"
#include "engine/calendar/work_calendar.h"
#include "engine/lua/script_pool.h"
#include "engine/plugins/plugin_store.h"
#include "engine/plugins/province_data.h"
#include "engine/runtime/definition_registry.h"
#include "engine/documents/render_html.h"
#include "engine/runtime/document_reader.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/feed.h"
#include "engine/runtime/inbox_generations.h"
#include "engine/runtime/reader.h"
#include "engine/runtime/files_engine.h"
#include "engine/util/log.h"
#include "engine/runtime/transition.h"
#include "engine/runtime/verify.h"
#include "engine/runtime/verify_all.h"
#include "engine/store/committer.h"
#include "engine/store/keys.h"
#include "engine/util/sha256.h"
#include "engine/store/store.h"
#include "engine/timers/timer_service.h"
#include "engine/util/keyed_serializer.h"
#include "engine/util/page_token.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"
#include "engine/util/text.h"
#include "wf/clock.h"
#include "wf/engine.h"

namespace wf {
namespace {

// Ids are never reused: the next is one past the highest stored, found
// with one seek — start-up does not scan the instances.
absl::StatusOr<uint64_t> NextInstanceNumber(Store* store) {
  auto it = store->NewIterator(Cf::kInstances);
  it->SeekToLast();
  WF_RETURN_IF_ERROR(FromRocks(it->status(), "finding the last instance"));
  if (!it->Valid()) return 1u;
  auto number = keys::ParseInstanceId(View(it->key()));
  if (!number.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "The last stored instance key is not an instance id: ",
        it->key().ToString()));
  }
  return *number + 1;
}

// Page tokens sealed under the key the store keeps outlive a restart of
// the server (and a restore from its backup). The first open draws it.
absl::Status UseStoredPageTokenKey(Store* store) {
  WF_ASSIGN_OR_RETURN(std::optional<std::string> kept,
                      store->Get(Cf::kDefault, keys::kPageTokenKey));
  if (!kept.has_value()) {
    kept = NewPageTokenKey();
    WriteSet set;
    set.Put(Cf::kDefault, keys::kPageTokenKey, *kept);
    rocksdb::WriteBatch batch;
    store->AppendTo(set, &batch);
    WF_RETURN_IF_ERROR(store->WriteSynced(&batch));
  }
  absl::Status used = UsePageTokenKey(*kept);
  if (!used.ok()) {
    return absl::DataLossError(absl::StrCat(
        "The stored page-token key (column family default, key ",
        keys::kPageTokenKey, ") is damaged: ", used.message(),
        ". Delete that key to have a new one drawn; page tokens handed out "
        "before then stop working"));
  }
  return absl::OkStatus();
}

// The committer wrote the instance record under `key` (`bytes` long):
// the read cache takes what the step attached, and the inbox counts move
// for every slot the record is listed under (after the cache has it). A
// write without an attachment, or one that may not have reached the disk,
// cannot be placed: the record is forgotten and every inbox page looks
// changed.
void InstanceWritten(InstanceCache* cache, InboxGenerations* counts,
                     absl::string_view key, size_t bytes,
                     const std::shared_ptr<const void>* what) {
  if (what == nullptr) {
    if (cache != nullptr) cache->Forget(key);
    counts->WroteUnknown();
    return;
  }
  const auto& written =
      *static_cast<const InstanceCache::Written*>(what->get());
  if (cache != nullptr) cache->Put(key, written, bytes);
  for (const std::string& listed : written.record->inbox_keys()) {
    counts->WroteKey(listed);
  }
}

absl::StatusOr<calendar::WorkCalendar> LoadCalendar(const std::string& json) {
  if (json.empty()) return calendar::WorkCalendar::Default();
  auto rules = calendar::ParseCalendarRules(json);
  if (!rules.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "The calendar rules do not parse: ", rules.status().message()));
  }
  return calendar::WorkCalendar::Create(*std::move(rules));
}

// Names the holiday tables in every history event: the first 16 hex digits
// of their SHA-256, "" for the computed calendar alone.
std::string CalendarVersion(const std::string& rules_json) {
  if (rules_json.empty()) return "";
  return ToHex(Sha256(rules_json)).substr(0, 16);
}

// Where a backup may go, as a clean absolute path: said plainly before
// RocksDB is asked, since its own errors name internal files.
absl::StatusOr<std::string> CheckBackupDir(const std::string& dir) {
  std::filesystem::path path = std::filesystem::path(dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // "/a/b/" is "/a/b"
  if (dir.empty() || !path.is_absolute()) {
    return ForField(absl::InvalidArgumentError(absl::StrCat(
                        "Expected the backup folder as an absolute path on "
                        "the server's machine (e.g. /var/backups/wf/"
                        "2026-11-25), but got '", dir, "'")),
                    "dir", reason::kInvalidField);
  }
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Refusal(absl::AlreadyExistsError(absl::StrCat(
                       "Expected a backup folder that does not exist yet, "
                       "but '", dir, "' does: a backup never overwrites")),
                   reason::kBackupExists)
        .With("dir", dir)
        .Field("dir");
  }
  if (!std::filesystem::is_directory(path.parent_path(), ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Expected the folder '", path.parent_path().string(),
        "' to exist on the server's machine, to hold the backup"));
  }
  return path.string();
}

// The registers' last numbers, in key order: the series of
// ctx.document.issue (shared "r" \0 register \0 be32(year)), then the
// counters of ctx.take_number and ctx.take_place ("c" \0 name; year 0).
absl::StatusOr<std::vector<RegisterYearInfo>> RegisterYears(
    const Store& store) {
  std::vector<RegisterYearInfo> registers;
  for (const std::string& prefix : {std::string("r\0", 2),
                                   std::string("c\0", 2)}) {
    auto it = store.NewPrefixIterator(Cf::kShared, prefix);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      absl::string_view rest = View(it->key()).substr(prefix.size());
      RegisterYearInfo r{std::string(rest), 0, 0};
      const size_t end = rest.find('\0');
      if (prefix[0] == 'r' && end != absl::string_view::npos &&
          rest.size() == end + 5) {
        r.register_name = std::string(rest.substr(0, end));
        r.year = static_cast<int32_t>(keys::ReadBigEndian32(rest.substr(end + 1)));
      }
      store::SharedRecord record;
      if (!record.ParseFromString(it->value().ToString())) {
        return absl::DataLossError(absl::StrCat(
            "The counter of register '", r.register_name, "' does not parse"));
      }
      r.last_number = static_cast<uint64_t>(record.count());
      registers.push_back(std::move(r));
    }
    WF_RETURN_IF_ERROR(FromRocks(it->status(), "listing registers"));
  }
  return registers;
}

// Every call says who it acts as: an Actor left unfilled is no one.
absl::Status Named(const Actor& actor) {
  if (!actor.nobody()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "Expected the call to say who it acts as (Actor::Person, Actor::Admin "
      "or, for the embedding program itself, Actor::Embedder()), but it "
      "names nobody");
}

// The org library explains a file that does not fit the directory in
// Vietnamese, for the official who keeps it (file, line, what to fix): that
// text becomes the LocalizedMessage, beside an English message.
absl::Status DirectoryRefused(absl::Status status, const std::string& source,
                              const std::string& format) {
  if (!absl::IsInvalidArgument(status) || ReadRefusal(status).has_value()) {
    return status;
  }
  return Refusal(absl::InvalidArgumentError(absl::StrCat(
                     "Expected the org directory to build with file '",
                     source, "' (", format, "), but it does not: the problem "
                     "(file, line, what to fix) is in the Vietnamese "
                     "LocalizedMessage of this error")),
                 reason::kDirectoryInvalid)
      .With("source", source)
      .With("format", format)
      .Vietnamese(status.message());
}

absl::Status NeedsAdmin(const Actor& actor, absl::string_view what) {
  WF_RETURN_IF_ERROR(Named(actor));
  if (actor.kind == Actor::Kind::kPerson) {
    return Refusal(absl::PermissionDeniedError(absl::StrCat(
                       "Expected an administrator to ", what, ", but '",
                       actor.id, "' is not one: use an administrator token")),
                   reason::kAdminRequired)
        .With("operation", what)
        .With("person", actor.id);
  }
  return absl::OkStatus();
}

TokenInfo ToTokenInfo(const store::TokenRecord& r) {
  TokenInfo t;
  t.token_id = r.token_id();
  t.person = r.person_id();
  t.admin = r.admin();
  t.issued_at = absl::FromUnixMicros(r.issued_at_micros());
  if (r.expires_at_micros() != 0) {
    t.expires_at = absl::FromUnixMicros(r.expires_at_micros());
  }
  if (r.revoked_at_micros() != 0) {
    t.revoked_at = absl::FromUnixMicros(r.revoked_at_micros());
  }
  t.issued_by = r.issued_by();
  t.note = r.note();
  return t;
}

template <typename T>
absl::StatusOr<T> Wait(
    const std::function<void(Engine::Callback<T>)>& start) {
  absl::Notification done;
  absl::StatusOr<T> result = absl::UnknownError("no answer");
  start([&](absl::StatusOr<T> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

class EngineImpl final : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options) {
    if (options.data_dir.empty()) {
      return absl::InvalidArgumentError(
          "Expected a data folder (EngineOptions::data_dir), but it is empty");
    }
    std::unique_ptr<EngineImpl> engine(new EngineImpl(options));
    IdleBudget::Process()->set_limit(options.limits.lua_idle_memory_bytes);
    WF_ASSIGN_OR_RETURN(calendar::WorkCalendar calendar,
                        LoadCalendar(options.calendar_rules_json));
    if (!options.document_types_json.empty()) {
      WF_ASSIGN_OR_RETURN(engine->render_.type_names,
                          ParseDocumentTypeNames(options.document_types_json));
    }
    engine->calendar_ =
        std::make_unique<calendar::WorkCalendar>(std::move(calendar));
    StoreExpiry expiry;
    expiry.clock = engine->clock_;
    expiry.idempotency_window =
        absl::Seconds(options.limits.idempotency_window_seconds);
    expiry.feed_window = absl::Seconds(options.limits.feed_retention_seconds);
    // Long enough to read who was signed in last month in ListTokens.
    expiry.ended_session_window = absl::Hours(24 * 30);
    StoreOptions store_options = options.store;
    store_options.statistics |= options.metrics != nullptr;
    WF_ASSIGN_OR_RETURN(engine->store_,
                        Store::Open(options.data_dir, store_options, expiry));
    WF_RETURN_IF_ERROR(UseStoredPageTokenKey(engine->store_.get()));
    WF_ASSIGN_OR_RETURN(uint64_t next, NextInstanceNumber(engine->store_.get()));
    WF_RETURN_IF_ERROR(engine->Wire(next));
    return std::unique_ptr<Engine>(std::move(engine));
  }

  ~EngineImpl() override { Close().IgnoreError(); }

  absl::StatusOr<DeployResult> Deploy(const DeployRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(request.actor, "deploy a workflow"));
    return registry_->Deploy(request);
  }

  absl::StatusOr<PluginDeployResult> DeployPlugin(
      const PluginDeployRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(request.actor, "deploy a plugin"));
    return plugins_->Deploy(request);
  }

  absl::StatusOr<std::vector<PluginInfo>> ListPlugins(
      const Actor& by) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "list plugins"));
    return plugins_->List();
  }

  absl::StatusOr<PluginInfo> GetPlugin(const Actor& by, const std::string& name,
                                       uint32_t version) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "read a plugin"));
    return plugins_->Get(name, version);
  }

  absl::StatusOr<std::vector<WorkflowInfo>> ListWorkflows() override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_ASSIGN_OR_RETURN(auto definitions, registry_->ListLatest());
    std::vector<WorkflowInfo> result;
    for (const auto& d : definitions) result.push_back(d->Info(false));
    return result;
  }

  absl::StatusOr<WorkflowInfo> GetWorkflow(const std::string& name,
                                           uint32_t version) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    std::shared_ptr<const Definition> definition;
    if (version == 0) {
      WF_ASSIGN_OR_RETURN(definition, registry_->Latest(name));
    } else {
      WF_ASSIGN_OR_RETURN(definition, registry_->Get(name, version));
    }
    return definition->Info(true);
  }

  absl::StatusOr<StartResult> Start(const StartRequest& request) override {
    return Wait<StartResult>(
        [&](Callback<StartResult> done) { StartAsync(request, done); });
  }

  absl::StatusOr<FireResult> Fire(const FireRequest& request) override {
    return Wait<FireResult>(
        [&](Callback<FireResult> done) { FireAsync(request, done); });
  }

  void StartAsync(const StartRequest& request,
                  Callback<StartResult> done) override {
    if (counting_->on()) done = CountedStart(request.workflow, std::move(done));
    absl::Status named = Named(request.actor);
    if (!named.ok()) return done(named);
    transitions_->Start(request, std::move(done));
  }

  void FireAsync(const FireRequest& request,
                 Callback<FireResult> done) override {
    if (counting_->on()) {
      done = CountedFire({"", request.instance_id, request.event},
                         std::move(done));
    }
    absl::Status named = Named(request.actor);
    if (!named.ok()) return done(named);
    transitions_->Fire(request, std::move(done));
  }

  absl::StatusOr<FireResult> Cancel(const CancelRequest& request) override {
    return Wait<FireResult>(
        [&](Callback<FireResult> done) { CancelAsync(request, done); });
  }

  void CancelAsync(const CancelRequest& request,
                   Callback<FireResult> done) override {
    if (counting_->on()) {
      done = CountedFire({"", request.instance_id, "wf.cancel"},
                         std::move(done));
    }
    absl::Status named = Named(request.actor);
    if (!named.ok()) return done(named);
    transitions_->Cancel(request, std::move(done));
  }

  absl::StatusOr<DocumentInfo> GetDocument(const std::string& id,
                                           const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    WF_RETURN_IF_ERROR(CheckInstanceId(id).status());
    return documents_->Get(id, actor);
  }

  absl::StatusOr<std::string> RenderDocument(const std::string& id,
                                             const Actor& actor) override {
    WF_ASSIGN_OR_RETURN(DocumentInfo doc, GetDocument(id, actor));
    return RenderDocumentHtml(doc, render_);
  }

  absl::StatusOr<AcknowledgeResult> AcknowledgeDocument(
      const AcknowledgeRequest& request) override {
    return Wait<AcknowledgeResult>([&](Callback<AcknowledgeResult> done) {
      AcknowledgeDocumentAsync(request, done);
    });
  }

  // The answer carries the document as it is after the write (or now, for
  // a replayed answer), read once the event is committed.
  void AcknowledgeDocumentAsync(const AcknowledgeRequest& request,
                                Callback<AcknowledgeResult> done) override {
    absl::Status named = Named(request.actor);
    if (!named.ok()) return done(named);
    transitions_->Acknowledge(
        request, [this, request, done](absl::StatusOr<FireResult> fired) {
          const Actor& actor = request.actor;
          CountFired(fired, {"", request.instance_id, "wf.acknowledge"});
          if (!fired.ok()) return done(fired.status());
          AcknowledgeResult result;
          result.event = std::move(fired->event);
          result.replayed = fired->replayed;
          auto doc = documents_->Get(fired->instance.id, actor);
          if (!doc.ok()) return done(doc.status());
          result.document = *std::move(doc);
          done(std::move(result));
        });
  }

  absl::StatusOr<IncomingPage> ListIncoming(
      const IncomingRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    return documents_->Incoming(request);
  }

  absl::StatusOr<NoticePage> ListNotices(
      const NoticeRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    return documents_->Notices(request);
  }

  absl::StatusOr<absl::Time> MarkNoticesSeen(const Actor& actor,
                                             absl::Time up_to) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    if (actor.kind != Actor::Kind::kPerson) {
      return Refusal(absl::PermissionDeniedError(
                         "Expected a person: administrators and the embedder "
                         "have no notices of their own to mark seen"),
                     reason::kRoleRequired)
          .Vietnamese("Chỉ cán bộ có tên trong danh bạ mới có thông báo "
                      "của riêng mình.");
    }
    const absl::Time now = clock_->Now();
    const absl::Time mark =
        up_to == absl::InfinitePast() || up_to > now ? now : up_to;
    // Read, then written only if later: one person's marks in turn, so
    // that two tabs marking at once cannot move it back.
    absl::MutexLock lock(&notices_seen_mu_);
    WF_ASSIGN_OR_RETURN(absl::Time was, documents_->SeenUntil(actor.id));
    if (was >= mark) return was;
    std::string micros;
    keys::AppendBigEndian64(&micros,
                            static_cast<uint64_t>(absl::ToUnixMicros(mark)));
    WriteSet set;
    set.Put(Cf::kDefault, keys::NoticesSeen(actor.id), std::move(micros));
    WF_RETURN_IF_ERROR(committer_->Commit(std::move(set)));
    return mark;
  }

  absl::StatusOr<RegisterPage> ReadRegister(
      const RegisterRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    return documents_->Register(request);
  }

  absl::StatusOr<std::unique_ptr<FileUpload>> BeginUpload(
      const UploadRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    return files_->BeginUpload(request);
  }

  absl::StatusOr<std::unique_ptr<FileDownload>> OpenFile(
      const FileRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    return files_->OpenFile(request);
  }

  absl::StatusOr<std::vector<FileSlotInfo>> ListFiles(
      const std::string& id, const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    return files_->ListFiles(id, actor);
  }

  absl::StatusOr<InstanceInfo> GetInstance(const std::string& id,
                                           const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    WF_RETURN_IF_ERROR(CheckInstanceId(id).status());
    return reader_->GetInstance(id, actor);
  }

  absl::StatusOr<std::vector<InboxEvent>> AvailableEvents(
      const std::string& id, const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    WF_RETURN_IF_ERROR(CheckInstanceId(id).status());
    return reader_->AvailableEvents(id, actor);
  }

  absl::StatusOr<ProgressInfo> GetProgress(
      const ProgressRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    WF_RETURN_IF_ERROR(CheckInstanceId(request.id).status());
    return reader_->Progress(request);
  }

  absl::StatusOr<InstancePage> ListInstances(
      const ListInstancesRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(request.actor));
    return reader_->List(request);
  }

  absl::StatusOr<std::vector<HistoryEntry>> GetHistory(
      const std::string& id, const Actor& actor, uint64_t after_seq,
      uint32_t limit) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    WF_RETURN_IF_ERROR(CheckInstanceId(id).status());
    return reader_->GetHistory(id, actor, after_seq, limit);
  }

  absl::StatusOr<InboxPage> Inbox(const Actor& actor,
                                  const InboxRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    if (options_.metrics == nullptr) return reader_->Inbox(actor, request);
    const absl::Time began = absl::Now();
    auto page = reader_->Inbox(actor, request);
    options_.metrics->ObserveInbox(absl::ToDoubleSeconds(absl::Now() - began));
    return page;
  }

  bool InboxCurrent(const InboxStamp& stamp) override {
    return reader_->InboxCurrent(stamp);
  }

  absl::StatusOr<FeedPage> ReadFeed(const FeedRequest& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(request.actor, "read the feed"));
    return feed_->Read(request);
  }

  absl::StatusOr<uint64_t> FeedHead(const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(actor, "read the feed"));
    return feed_->Head();
  }

  uint64_t WakeOnFeed(uint64_t after, std::function<void()> wake) override {
    return feed_wakes_->Add(after, std::move(wake));
  }

  void CancelFeedWake(uint64_t id) override { feed_wakes_->Cancel(id); }

  absl::StatusOr<Actor> Authenticate(const std::string& token) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_ASSIGN_OR_RETURN(store::TokenRecord record,
                        tokens_->Authenticate(token, clock_->Now()));
    if (record.password_change_required()) {
      return Refusal(absl::FailedPreconditionError(absl::StrCat(
                         "Expected '", record.person_id(), "' to choose their ",
                         "own password first (SessionService.ChangePassword",
                         "): they signed in with one an administrator set")),
                     reason::kPasswordChangeRequired)
          .With("person", record.person_id())
          .Vietnamese("Mật khẩu của tài khoản này do quản trị viên đặt: hãy "
                      "đổi mật khẩu trước khi làm việc khác.");
    }
    return ActorOf(record);
  }

  absl::StatusOr<Actor> AuthenticateBeforePasswordChange(
      const std::string& token) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_ASSIGN_OR_RETURN(store::TokenRecord record,
                        tokens_->Authenticate(token, clock_->Now()));
    return ActorOf(record);
  }

  static Actor ActorOf(const store::TokenRecord& record) {
    return record.admin() ? Actor::Admin(record.person_id())
                          : Actor::Person(record.person_id());
  }

  absl::StatusOr<TokenInfo> IssueToken(const Actor& by,
                                       const std::string& person, bool admin,
                                       absl::Duration valid_for,
                                       const std::string& note) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "issue a token"));
    // An administrator's token may name anyone (an operator, a program).
    WF_ASSIGN_OR_RETURN(std::string id,
                        CheckPerson(person, /*in_directory=*/!admin));
    const absl::Time now = clock_->Now();
    absl::Time expires = valid_for <= absl::ZeroDuration()
                             ? absl::InfiniteFuture()
                             : now + valid_for;
    WF_ASSIGN_OR_RETURN(IssuedToken issued,
                        tokens_->Issue(id, admin, now, expires, by.id, note));
    return InfoOf(issued, id, admin, now, expires, by.id, note);
  }

  static TokenInfo InfoOf(const IssuedToken& issued, const std::string& person,
                          bool admin, absl::Time now, absl::Time expires,
                          const std::string& by, const std::string& note) {
    TokenInfo info;
    info.token = issued.token;
    info.token_id = issued.token_id;
    info.person = person;
    info.admin = admin;
    info.issued_at = now;
    info.expires_at = expires;
    info.issued_by = by;
    info.note = note;
    return info;
  }

  // `person` as a request names it: a key's text, not empty, and with
  // `in_directory` a person of the org directory.
  absl::StatusOr<std::string> CheckPerson(const std::string& person,
                                          bool in_directory = true) {
    WF_ASSIGN_OR_RETURN(std::string id, CheckKeyText(person, "person", 64));
    if (id.empty()) {
      return Refusal(absl::InvalidArgumentError(
                         "Expected `person`, but it is empty"),
                     reason::kFieldRequired)
          .With("field", "person")
          .Field("person");
    }
    if (in_directory &&
        directory_->Current()->directory.FindPerson(id) == nullptr) {
      return Refusal(absl::NotFoundError(absl::StrCat(
                         "Expected a person of the org directory, but '", id,
                         "' is not one: import them first")),
                     reason::kPersonNotFound)
          .With("person", id);
    }
    return id;
  }

  // A session token for `person`, ending after session_duration; opened
  // with the access code `parent` ("": with a password).
  // `must_change`: the session may only change the password (and sign
  // out, ask WhoAmI) until it does.
  absl::StatusOr<SessionInfo> NewSession(const std::string& person, bool admin,
                                         const std::string& parent,
                                         absl::string_view how,
                                         bool must_change = false) {
    const absl::Time now = clock_->Now();
    const absl::Time expires = now + options_.session_duration;
    const std::string note = absl::StrCat("sign-in (", how, ")");
    WF_ASSIGN_OR_RETURN(IssuedToken issued,
                        tokens_->IssueSession(person, admin, now, expires,
                                              parent, note, must_change));
    SessionInfo session;
    session.token = InfoOf(issued, person, admin, now, expires, person, note);
    session.must_change_password = must_change;
    return session;
  }

  absl::Status RevokeToken(const Actor& by,
                           const std::string& token_id) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "revoke a token"));
    return tokens_->Revoke(token_id, clock_->Now(), by.id);
  }

  absl::StatusOr<BackupInfo> Backup(const Actor& by,
                                    const std::string& dir) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "take a backup"));
    WF_ASSIGN_OR_RETURN(std::string clean, CheckBackupDir(dir));
    WF_RETURN_IF_ERROR(store_->Checkpoint(clean));
    BackupInfo info{clean};
    std::error_code ec;  // the backup is taken; its size is only reported
    for (const auto& entry : std::filesystem::directory_iterator(clean, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      const uintmax_t size = entry.file_size(ec);
      info.files++;
      if (!ec) info.bytes += size;
    }
    return info;
  }

  absl::StatusOr<std::vector<TokenInfo>> ListTokens(const Actor& by) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "list tokens"));
    WF_ASSIGN_OR_RETURN(auto records, tokens_->List());
    std::vector<TokenInfo> tokens;
    for (const auto& r : records) tokens.push_back(ToTokenInfo(r));
    return tokens;
  }

  absl::Status SetPassword(const Actor& by, const std::string& person,
                           const std::string& password,
                           bool must_change) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "set a password"));
    WF_ASSIGN_OR_RETURN(std::string id, CheckPerson(person));
    const absl::Time now = clock_->Now();
    // A password set for someone (a first one, a forgotten or a leaked
    // one) ends whatever sessions the person had, in the same write.
    return passwords_->Set(id, password, must_change, by.id, now, "password",
                           [&](WriteSet writes) {
                             return tokens_->EndSessions(id, /*kept=*/"", now,
                                                         by.id,
                                                         std::move(writes));
                           });
  }

  absl::StatusOr<SessionInfo> SignIn(const std::string& person,
                                     const std::string& password,
                                     const std::string& source) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_ASSIGN_OR_RETURN(std::string id, CheckKeyText(person, "person", 64));
    WF_ASSIGN_OR_RETURN(PasswordCheck check, passwords_->Verify(
                                                 id, password, clock_->Now(),
                                                 source));
    // Someone removed from the directory keeps their password record, but
    // signs in no more.
    if (directory_->Current()->directory.FindPerson(id) == nullptr) {
      return PasswordStore::SignInFailed();
    }
    return NewSession(id, /*admin=*/false, "", "password", check.must_change);
  }

  absl::StatusOr<SessionInfo> OpenSession(const std::string& token) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_ASSIGN_OR_RETURN(store::TokenRecord code,
                        tokens_->Authenticate(token, clock_->Now()));
    // A session opening the next one would last for ever.
    if (code.session()) {
      return Refusal(absl::InvalidArgumentError(
                         "Expected an access code to open a session with, "
                         "but this token is a sign-in session's"),
                     reason::kInvalidField)
          .Vietnamese("Đây là mã của một phiên đăng nhập, không phải mã "
                      "truy cập: hãy dùng mã quản trị viên cấp.");
    }
    return NewSession(code.person_id(), code.admin(), code.token_id(),
                      "access code");
  }

  absl::Status SignOut(const std::string& token) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_ASSIGN_OR_RETURN(store::TokenRecord record,
                        tokens_->Authenticate(token, clock_->Now()));
    return tokens_->Revoke(record.token_id(), clock_->Now(),
                           record.person_id());
  }

  using Engine::ChangePassword;
  absl::Status ChangePassword(const Actor& actor, const std::string& current,
                              const std::string& replacement,
                              const std::string& session_token,
                              const std::string& source) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    if (actor.kind != Actor::Kind::kPerson) {
      return absl::InvalidArgumentError(
          "Expected a person of the org directory to change their own "
          "password, but the caller is an administrator or the embedder: "
          "administrators set passwords with SetPassword");
    }
    const absl::Time now = clock_->Now();
    absl::StatusOr<PasswordCheck> checked =
        passwords_->Verify(actor.id, current, now, source);
    if (!checked.ok()) {
      if (!absl::IsUnauthenticated(checked.status())) return checked.status();
      // The caller is signed in: a wrong current password is a wrong
      // field, not a missing sign-in.
      return Refusal(absl::InvalidArgumentError(
                         "Expected `current_password` to be the caller's "
                         "password, but it is not"),
                     reason::kInvalidField)
          .Field("current_password")
          .Vietnamese("Mật khẩu hiện tại không đúng.");
    }
    // The same password typed with its diacritics composed otherwise is
    // the same password.
    auto nfc = [](const std::string& text) {
      absl::StatusOr<std::string> normal = ToNfc(text, "the password");
      return normal.ok() ? *normal : text;
    };
    if (nfc(current) == nfc(replacement)) {
      return Refusal(absl::InvalidArgumentError(
                         "Expected `new_password` to differ from the "
                         "current one, but they are the same"),
                     reason::kInvalidField)
          .Field("new_password")
          .Vietnamese("Mật khẩu mới phải khác mật khẩu hiện tại.");
    }
    // Whoever else signed in with the old password is signed out, in the
    // same write.
    return passwords_->Set(actor.id, replacement, /*must_change=*/false,
                           actor.id, now, "new_password",
                           [&](WriteSet writes) {
                             return tokens_->EndSessions(
                                 actor.id, session_token, now, actor.id,
                                 std::move(writes));
                           });
  }

  absl::StatusOr<bool> HasAdminToken() override {
    WF_RETURN_IF_ERROR(CheckOpen());
    return tokens_->HasAdmin(clock_->Now());
  }

  absl::StatusOr<DirectoryCountsInfo> ImportDirectory(
      const Actor& by, const DirectoryImport& request) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "import the org directory"));
    if (!IsIdentifier(request.source)) {
      return ForField(absl::InvalidArgumentError(absl::StrCat(
                          "Expected `source` to name the file (lower-case "
                          "letters, digits, _), but got '", request.source,
                          "'")),
                      "source", reason::kInvalidField);
    }
    if (request.csv.size() > (16u << 20)) {
      return Refusal(absl::ResourceExhaustedError(absl::StrCat(
                         "Expected a directory file of at most 16 MiB, but "
                         "it has ", request.csv.size(), " bytes")),
                     reason::kPayloadTooLarge)
          .With("field", "csv")
          .With("limit", uint64_t{16} << 20)
          .Field("csv");
    }
    store::DirectorySource source;
    source.set_name(request.source);
    source.set_format(request.format);
    source.set_csv(request.csv);
    source.set_province_id(request.province_id);
    source.set_province_name(request.province_name);
    source.set_valid_from(request.valid_from);
    source.set_valid_to(request.valid_to);
    source.set_imported_at_micros(absl::ToUnixMicros(clock_->Now()));
    source.set_imported_by(by.id);
    auto imported = directory_->Import(std::move(source));
    if (!imported.ok()) {
      return DirectoryRefused(imported.status(), request.source,
                              request.format);
    }
    DirectoryCounts& counts = *imported;
    return DirectoryCountsInfo{counts.units, counts.people, counts.assignments,
                               std::move(counts.people_removed)};
  }

  // People taken out of the directory lose, in the directory's own write,
  // every token and session (an official who left the agency is shut out
  // at once) and their password (whoever is later given the same id, as a
  // successor in the same post often is, does not inherit it).
  absl::Status LeaveDirectory(WriteSet writes,
                              const std::vector<std::string>& removed,
                              const std::string& by) {
    return passwords_->Remove(removed, [&](WriteSet passwords) {
      writes.Append(std::move(passwords));
      return tokens_->RevokePeople(removed, clock_->Now(), by,
                                   std::move(writes));
    });
  }

  absl::StatusOr<WhoAmIInfo> WhoAmI(const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    auto d = directory_->Current();
    WhoAmIInfo info;
    info.person = actor.id;
    info.admin = actor.kind == Actor::Kind::kAdmin;
    if (const org::Person* p = d->directory.FindPerson(actor.id)) {
      info.name = p->name;
    }
    for (const org::HeldRole& held : d->directory.RolesOn(
             actor.id, calendar::ToVietnamDay(clock_->Now()))) {
      const org::OrgUnit* unit = d->tree.Find(held.unit_id);
      info.roles.push_back({held.role, held.unit_id,
                            unit != nullptr ? unit->name : "",
                            held.acting_for});
    }
    return info;
  }

  absl::StatusOr<DeadlinePage> ListDeadlines(
      const DeadlineQuery& query) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(query.actor));
    return reader_->ListDeadlines(query, clock_->Now());
  }

  absl::StatusOr<int> FireDueTimers() override {
    WF_RETURN_IF_ERROR(CheckOpen());
    return timers_->FireDue();
  }

  absl::StatusOr<VerifyReport> Verify(const std::string& id,
                                      const Actor& actor) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(Named(actor));
    WF_RETURN_IF_ERROR(CheckInstanceId(id).status());
    WF_RETURN_IF_ERROR(reader_->LoadReadable(id, actor).status());
    return verifier_->Verify(id);
  }

  absl::StatusOr<VerifyAllSummary> VerifyAll(
      const Actor& by, const VerifyAllObserver& observe) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "verify every instance"));
    // Close waits for the runs in progress, which stop at the next
    // instance: the store must outlive them. Counted under the same lock
    // as the check, so that a Close in between cannot miss this run.
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return Closed();
      ++verify_runs_;
    }
    auto summary = VerifyEveryInstance(
        *store_, *verifier_, [this] { return CheckOpen(); }, observe);
    absl::MutexLock lock(&mu_);
    --verify_runs_;
    return summary;
  }

  absl::StatusOr<std::vector<RegisterYearInfo>> ListRegisters(
      const Actor& by) override {
    WF_RETURN_IF_ERROR(CheckOpen());
    WF_RETURN_IF_ERROR(NeedsAdmin(by, "list the registers"));
    return RegisterYears(*store_);
  }

  EngineStats Stats() override {
    EngineStats stats;
    Committer::Stats c = committer_->stats();
    stats.synced_writes = c.groups;
    stats.write_sets = c.sets;
    stats.write_ops = c.ops;
    stats.write_bytes = c.bytes;
    stats.aborted = c.aborted;
    TimerService::Stats t = timers_->stats();
    stats.timers_fired = t.fired;
    stats.timers_failed = t.failed;
    return stats;
  }

  absl::Status WriteHealth() override { return committer_->health(); }

  absl::Status Close() override {
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return absl::OkStatus();
      closed_ = true;
      mu_.Await(absl::Condition(
          +[](int* runs) { return *runs == 0; }, &verify_runs_));
    }
    // A collection reads the store: none after this returns.
    if (reader_id_ != 0) options_.metrics->RemoveReader(reader_id_);
    if (transitions_ == nullptr) return absl::OkStatus();  // Open failed
    // Feed readers waiting for items wake, read, and are told the engine
    // is closed: a Watch stream ends instead of waiting for ever.
    feed_wakes_->Close();
    // Order matters: stop the timer loop, stop taking transitions and let
    // those in flight reach the disk, then stop the committer, then close
    // the database.
    timers_->Stop();
    transitions_->Close();
    committer_->Stop();
    pool_.reset();
    return store_->Close();
  }

 private:
  explicit EngineImpl(const EngineOptions& options)
      : options_(options),
        clock_(options.clock != nullptr ? options.clock : Clock::System()) {}

  absl::Status Wire(uint64_t next_instance_number) {
    committer_ = std::make_unique<Committer>(
        store_.get(), options_.max_group_size, options_.metrics);
    // Before anything commits: the committer reads the listeners unlocked.
    if (options_.instance_cache_bytes > 0) {
      instances_ =
          std::make_unique<InstanceCache>(options_.instance_cache_bytes);
    }
    committer_->OnInstanceWritten(
        [cache = instances_.get(), counts = &inbox_counts_](
            absl::string_view key, size_t bytes,
            const std::shared_ptr<const void>* what) {
          InstanceWritten(cache, counts, key, bytes, what);
        });
    // A key added is one of the written record's, counted above.
    committer_->OnInboxRemoved([counts = &inbox_counts_](absl::string_view key) {
      counts->WroteKey(key);
    });
    feed_ = std::make_unique<FeedReader>(store_.get(), committer_.get());
    feed_wakes_ =
        std::make_unique<FeedWakes>(committer_->written_feed_seq());
    committer_->OnFeedCommitted(
        [wakes = feed_wakes_.get()](uint64_t cursor) {
          wakes->Committed(cursor);
        });
    tokens_ = std::make_unique<TokenStore>(store_.get(), committer_.get());
    passwords_ =
        std::make_unique<PasswordStore>(store_.get(), committer_.get());
    directory_ = std::make_unique<DirectoryStore>(store_.get(), committer_.get());
    directory_->OnPeopleRemoved(
        [this](WriteSet writes, const std::vector<std::string>& removed,
               const std::string& by) {
          return LeaveDirectory(std::move(writes), removed, by);
        });
    WF_RETURN_IF_ERROR(directory_->Load());
    tokens_->SetMember([directory = directory_.get()](const std::string& id) {
      return directory->Current()->directory.FindPerson(id) != nullptr;
    });
    registry_ = std::make_unique<DefinitionRegistry>(
        store_.get(), committer_.get(), clock_, calendar_.get(),
        options_.limits, [this] { return ProvinceWords(); });
    counting_ = std::make_unique<TransitionMetrics>(
        options_.metrics, registry_.get(), store_.get());
    plugins_ = std::make_unique<plugins::PluginStore>(
        store_.get(), committer_.get(), directory_.get(), clock_,
        ToSandboxOptions(options_.limits, calendar_.get()),
        [this] { return DeclaredHooks(); });
    WF_RETURN_IF_ERROR(plugins_->Load());
    reader_ = std::make_unique<Reader>(store_.get(), registry_.get(),
                                       directory_.get(), clock_,
                                       instances_.get(), &inbox_counts_);
    blobs_ = std::make_unique<FileStore>(store_.get());
    // A crash mid-upload left chunks no file refers to: gone before anyone
    // uploads again.
    WF_ASSIGN_OR_RETURN(int orphans, blobs_->CollectOrphans());
    if (orphans > 0) {
      WF_LOG_INFO("deleted the chunks of ", orphans, " unfinished upload(s)");
    }
    verifier_ = std::make_unique<Verifier>(reader_.get(), registry_.get(),
                                           blobs_.get(), plugins_.get());
    documents_ = std::make_unique<DocumentReader>(reader_.get(),
                                                  directory_.get(), clock_);
    pool_ = std::make_unique<ThreadPool>(std::max(1, options_.worker_threads));
    serializer_ = std::make_unique<KeyedSerializer>(pool_.get());
    Transitioner::Deps deps;
    deps.store = committer_.get();
    deps.registry = registry_.get();
    deps.reader = reader_.get();
    deps.serializer = serializer_.get();
    deps.pool = pool_.get();
    deps.clock = clock_;
    deps.calendar = calendar_.get();
    deps.calendar_version = CalendarVersion(options_.calendar_rules_json);
    deps.directory = directory_.get();
    deps.plugins = plugins_.get();
    deps.limits = options_.limits;
    deps.next_instance_number = next_instance_number;
    transitions_ = std::make_unique<Transitioner>(deps);
    files_ = std::make_unique<FilesEngine>(blobs_.get(), transitions_.get(),
                                           reader_.get(), options_.limits);
    timers_ = std::make_unique<TimerService>(
        store_.get(), clock_,
        [this](const store::TimerRecord& timer, TimerService::FireDone done) {
          transitions_->FireTimer(timer, std::move(done));
        },
        options_.max_timers_in_flight, options_.metrics);
    transitions_->OnTimersWritten([this](absl::Time due) { timers_->Hint(due); });
    if (options_.run_timers) timers_->Start();
    if (options_.metrics != nullptr) {
      reader_id_ = options_.metrics->AddReader(
          [this](std::vector<Reading>* out) { ReadFigures(out); });
    }
    return absl::OkStatus();
  }

  void ReadFigures(std::vector<Reading>* out) {
    ReadStoreFigures(*store_, out);
    ReadCommitterFigures(*committer_, out);
    ReadSandboxFigures(out);
    ReadLateDocuments(*store_, out);
  }

  // `done`, counting the answer first (EngineOptions::metrics).
  Callback<StartResult> CountedStart(const std::string& workflow,
                                     Callback<StartResult> done) {
    return [this, workflow, done = std::move(done)](
               absl::StatusOr<StartResult> result) {
      counting_->Count(result.status(),
                       result.ok() ? result->instance.workflow : "", "start",
                       {workflow, "", "start"});
      done(std::move(result));
    };
  }

  Callback<FireResult> CountedFire(TransitionMetrics::Requested requested,
                                   Callback<FireResult> done) {
    return [this, requested = std::move(requested), done = std::move(done)](
               absl::StatusOr<FireResult> result) {
      CountFired(result, requested);
      done(std::move(result));
    };
  }

  void CountFired(const absl::StatusOr<FireResult>& result,
                  const TransitionMetrics::Requested& requested) {
    if (!counting_->on()) return;
    if (result.ok()) {
      counting_->Count(result.status(), result->instance.workflow,
                       result->event.event, requested);
    } else {
      counting_->Count(result.status(), "", "", requested);
    }
  }

  // The province names of the directory (without "Tỉnh "), and what the
  // plugins hold, for DefinitionRegistry's check of plugin = true files.
  std::vector<plugins::ForbiddenText> ProvinceWords() {
    std::vector<plugins::ForbiddenText> words;
    for (const org::OrgUnit& unit : directory_->Current()->tree.units()) {
      if (unit.kind != org::kKindTinh) continue;
      words.push_back({plugins::ProvincePlaceName(unit.name),
                       absl::StrCat("tên tỉnh (đơn vị '", unit.id, "')")});
    }
    for (plugins::ForbiddenText& w : plugins_->ForbiddenWords()) {
      words.push_back(std::move(w));
    }
    return words;
  }

  // Every hook the latest version of a deployed workflow declares.
  absl::StatusOr<std::vector<std::string>> DeclaredHooks() {
    WF_ASSIGN_OR_RETURN(auto definitions, registry_->ListLatest());
    std::vector<std::string> hooks;
    for (const auto& d : definitions) {
      hooks.insert(hooks.end(), d->spec().hooks.begin(),
                   d->spec().hooks.end());
    }
    return hooks;
  }

  absl::Status CheckOpen() {
    absl::MutexLock lock(&mu_);
    return closed_ ? Closed() : absl::OkStatus();
  }

  static absl::Status Closed() {
    return Refusal(
        absl::UnavailableError("Expected an open engine, but it is closed"),
        reason::kShuttingDown);
  }

  const EngineOptions options_;
  Clock* const clock_;
  std::unique_ptr<Store> store_;
  // Before the committer, so destroyed after it: its answer thread calls in.
  std::unique_ptr<FeedWakes> feed_wakes_;
  // Declared before the committer, which tells it of writes until it stops.
  std::unique_ptr<InstanceCache> instances_;
  InboxGenerations inbox_counts_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<FeedReader> feed_;
  std::unique_ptr<DefinitionRegistry> registry_;
  std::unique_ptr<Reader> reader_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<DocumentReader> documents_;
  RenderOptions render_;  // type names, from EngineOptions
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<KeyedSerializer> serializer_;
  std::unique_ptr<Transitioner> transitions_;
  std::unique_ptr<FileStore> blobs_;
  std::unique_ptr<FilesEngine> files_;
  std::unique_ptr<calendar::WorkCalendar> calendar_;
  std::unique_ptr<TimerService> timers_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<PasswordStore> passwords_;
  std::unique_ptr<DirectoryStore> directory_;
  std::unique_ptr<plugins::PluginStore> plugins_;
  std::unique_ptr<TransitionMetrics> counting_;
  int reader_id_ = 0;  // of options_.metrics, while open
  absl::Mutex notices_seen_mu_;  // MarkNoticesSeen's read and write
  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  int verify_runs_ ABSL_GUARDED_BY(mu_) = 0;  // VerifyAll calls running
};

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  return EngineImpl::Open(options);
}

}  // namespace wf
