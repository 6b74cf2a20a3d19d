// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/workflow_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/calendar/vn_date.h"
#include "engine/service/convert.h"
#include "engine/service/status_map.h"
#include "engine/service/verify_all_reactor.h"
#include "engine/util/refusal.h"
#include "engine/util/page_token.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

absl::Status AdminRequired(const Actor& actor, absl::string_view what) {
  return Refusal(absl::PermissionDeniedError(absl::StrCat(
                     "Expected an administrator to ", what, ", but '",
                     actor.id, "' is not one: use an administrator token")),
                 reason::kAdminRequired)
      .With("operation", what)
      .With("person", actor.id);
}

// Where AdvanceClock moves the clock: `by` ahead, `until` a time, or to
// the start of `until_day` (midnight Vietnam time). Never backwards.
absl::StatusOr<absl::Time> SimulationTarget(
    absl::Time now, const v1::AdvanceClockRequest& request) {
  absl::Time target = now;
  switch (request.target_case()) {
    case v1::AdvanceClockRequest::kBy:
      target = now + FromDuration(request.by());
      break;
    case v1::AdvanceClockRequest::kUntil:
      target = FromTimestamp(request.until());
      break;
    case v1::AdvanceClockRequest::kUntilDay: {
      const google::type::Date& d = request.until_day();
      const absl::CivilDay day(d.year(), d.month(), d.day());
      if (day.year() != d.year() || day.month() != d.month() ||
          day.day() != d.day()) {
        return ForField(absl::InvalidArgumentError(absl::StrCat(
                            "Expected `until_day` to be a calendar day, but ",
                            d.year(), "-", d.month(), "-", d.day(),
                            " is not one")),
                        "until_day", reason::kInvalidField);
      }
      target = calendar::StartOfVietnamDay(day);
      break;
    }
    default:
      return Refusal(absl::InvalidArgumentError(
                         "Expected `by`, `until` or `until_day` to say how "
                         "far to move the clock, but none was given"),
                     reason::kFieldRequired)
          .Field("by");
  }
  if (target < now) {
    return ForField(absl::InvalidArgumentError(
                        "Expected a time later than the simulation's clock, "
                        "but it is earlier: time only moves forward"),
                    request.target_case() == v1::AdvanceClockRequest::kBy
                        ? "by"
                        : "until",
                    reason::kInvalidField);
  }
  return target;
}

// The page of `items` (sorted by `key`) after the position `token` holds,
// for the lists the engine hands over whole (workflows, tokens): at most
// `page_size` (0: 50, over 1000 refused), and the token of the next page.
template <typename T, typename Key>
absl::StatusOr<std::vector<const T*>> PageOf(const std::vector<T>& items,
                                             Key key, absl::string_view kind,
                                             uint32_t page_size,
                                             const std::string& token,
                                             std::string* next_token) {
  if (page_size > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected `page_size` of at most 1000 (0 for 50), but got ",
        page_size, ": ask for the next page with `page_token`"));
  }
  const uint32_t size = page_size == 0 ? 50 : page_size;
  std::string after;
  if (!token.empty()) {
    auto opened = OpenPageToken(kind, token);
    if (!opened.ok()) return opened.status();
    after = *std::move(opened);
  }
  std::vector<const T*> page;
  for (const T& item : items) {
    if (!token.empty() && key(item) <= after) continue;
    if (page.size() == size) {
      *next_token = SealPageToken(kind, key(*page.back()));
      break;
    }
    page.push_back(&item);
  }
  return page;
}

}  // namespace

grpc::ServerUnaryReactor* WorkflowServiceImpl::DeployWorkflow(
    grpc::CallbackServerContext* context,
    const v1::DeployWorkflowRequest* request,
    v1::DeployWorkflowResponse* response) {
  WF_CALLER(actor);
  DeployRequest deploy{request->source(), request->file_name(), actor,
                       request->validate_only()};
  for (const v1::LuaLibrary& library : request->libraries()) {
    deploy.libraries[library.name()] = library.source();
  }
  auto result = engine_->Deploy(deploy);
  if (result.ok()) {
    ToProto(result->workflow, response->mutable_workflow());
    response->set_created(result->created);
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::ListWorkflows(
    grpc::CallbackServerContext* context,
    const v1::ListWorkflowsRequest* request,
    v1::ListWorkflowsResponse* response) {
  WF_CALLER(actor);
  auto result = engine_->ListWorkflows();
  if (!result.ok()) return Answer(context, result.status());
  auto page = PageOf(
      *result, [](const WorkflowInfo& w) { return w.name; }, "workflows",
      request->page_size(), request->page_token(),
      response->mutable_next_page_token());
  if (page.ok()) {
    for (const WorkflowInfo* w : *page) ToProto(*w, response->add_workflows());
  }
  return Answer(context, page.status());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::GetWorkflow(
    grpc::CallbackServerContext* context, const v1::GetWorkflowRequest* request,
    v1::Workflow* response) {
  WF_CALLER(actor);
  auto result = engine_->GetWorkflow(request->name(), request->version());
  if (result.ok()) ToProto(*result, response);
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::StartInstance(
    grpc::CallbackServerContext* context,
    const v1::StartInstanceRequest* request,
    v1::StartInstanceResponse* response) {
  WF_CALLER(actor);
  NoteWorkflow(context, request->workflow(), "start");
  NoteUnit(context, request->unit());
  absl::StatusOr<bool> full = IsFullWriteView(request->view());
  if (!full.ok()) return Answer(context, full.status());
  auto start = FromProto(*request);
  if (!start.ok()) return Answer(context, start.status());
  start->actor = actor;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  start->still_wanted = StillWanted(context);
  engine_->StartAsync(*start, [context, reactor, response, full = *full](
                                  absl::StatusOr<StartResult> result) {
    absl::Status status = result.status();
    if (result.ok()) {
      NoteInstance(context, result->instance.id);
      NoteUnit(context, result->instance.unit);
      status = ToProto(result->instance, full, response->mutable_instance());
      response->set_replayed(result->replayed);
    }
    FinishCall(context, reactor, status);
  });
  return reactor;
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::FireEvent(
    grpc::CallbackServerContext* context, const v1::FireEventRequest* request,
    v1::FireEventResponse* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  NoteWorkflow(context, "", request->event());
  absl::StatusOr<bool> full = IsFullWriteView(request->view());
  if (!full.ok()) return Answer(context, full.status());
  auto fire = FromProto(*request);
  if (!fire.ok()) return Answer(context, fire.status());
  fire->actor = actor;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  fire->still_wanted = StillWanted(context);
  engine_->FireAsync(*fire, [context, reactor, response, full = *full](
                                absl::StatusOr<FireResult> result) {
    absl::Status status = result.status();
    if (result.ok()) {
      NoteWorkflow(context, result->instance.workflow, "");
      NoteUnit(context, result->instance.unit);
      status = ToProto(result->instance, full, response->mutable_instance());
      if (status.ok()) status = ToProto(result->event, response->mutable_event());
      response->set_replayed(result->replayed);
    }
    FinishCall(context, reactor, status);
  });
  return reactor;
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::CancelInstance(
    grpc::CallbackServerContext* context,
    const v1::CancelInstanceRequest* request,
    v1::CancelInstanceResponse* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  NoteWorkflow(context, "", "wf.cancel");
  absl::StatusOr<bool> full = IsFullWriteView(request->view());
  if (!full.ok()) return Answer(context, full.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  CancelRequest cancel = FromProto(*request);
  cancel.actor = actor;
  cancel.still_wanted = StillWanted(context);
  engine_->CancelAsync(cancel, [context, reactor, response, full = *full](
                                   absl::StatusOr<FireResult> result) {
    absl::Status status = result.status();
    if (result.ok()) {
      NoteWorkflow(context, result->instance.workflow, "");
      NoteUnit(context, result->instance.unit);
      status = ToProto(result->instance, full, response->mutable_instance());
      if (status.ok()) status = ToProto(result->event, response->mutable_event());
      response->set_replayed(result->replayed);
    }
    FinishCall(context, reactor, status);
  });
  return reactor;
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::GetInstance(
    grpc::CallbackServerContext* context, const v1::GetInstanceRequest* request,
    v1::Instance* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  auto result = engine_->GetInstance(request->instance_id(), actor);
  if (!result.ok()) return Answer(context, result.status());
  absl::Status converted = ToProto(*result, response);
  if (converted.ok() && request->with_events()) {
    auto events = engine_->AvailableEvents(request->instance_id(), actor);
    if (!events.ok()) return Answer(context, events.status());
    for (const InboxEvent& e : *events) ToProto(e, response->add_events());
  }
  return Answer(context, converted);
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::GetProgress(
    grpc::CallbackServerContext* context,
    const v1::GetProgressRequest* request, v1::Progress* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  auto result = engine_->GetProgress({request->instance_id(),
                                      request->workflow(),
                                      request->with_units(), actor});
  if (!result.ok()) return Answer(context, result.status());
  ToProto(*result, response);
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::ListInstances(
    grpc::CallbackServerContext* context,
    const v1::ListInstancesRequest* request,
    v1::ListInstancesResponse* response) {
  WF_CALLER(actor);
  absl::StatusOr<bool> full = IsFullView(request->view());
  if (!full.ok()) return Answer(context, full.status());
  ListInstancesRequest list = FromProto(*request);
  list.actor = actor;
  list.with_variables = *full;
  auto result = engine_->ListInstances(list);
  if (!result.ok()) return Answer(context, result.status());
  for (const InstanceInfo& i : result->instances) {
    absl::Status status = ToProto(i, *full, response->add_instances());
    if (!status.ok()) return Answer(context, status);
  }
  response->set_next_page_token(result->next_page_token);
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::GetHistory(
    grpc::CallbackServerContext* context, const v1::GetHistoryRequest* request,
    v1::GetHistoryResponse* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  uint64_t after = 0;
  if (!request->page_token().empty()) {
    auto position = OpenPageToken("history", request->page_token());
    if (!position.ok()) return Answer(context, position.status());
    if (!absl::SimpleAtoi(*position, &after)) {
      return Answer(context,
                    ForField(absl::InvalidArgumentError(
                                 "Expected a page token from an earlier "
                                 "GetHistory answer, but this one is not"),
                             "page_token", reason::kInvalidField));
    }
  }
  if (request->page_size() > 1000) {
    return Answer(context,
                  ForField(absl::InvalidArgumentError(absl::StrCat(
                               "Expected `page_size` of at most 1000 events ",
                               "(0 for 500), but got ", request->page_size(),
                               ": ask for the next page with `page_token`")),
                           "page_size", reason::kInvalidField));
  }
  const uint32_t size = request->page_size() == 0 ? 500 : request->page_size();
  // One more than the page says whether another page follows.
  auto result =
      engine_->GetHistory(request->instance_id(), actor, after, size + 1);
  if (!result.ok()) return Answer(context, result.status());
  for (size_t i = 0; i < result->size() && i < size; ++i) {
    absl::Status status = ToProto((*result)[i], response->add_events());
    if (!status.ok()) return Answer(context, status);
  }
  if (result->size() > size) {
    response->set_next_page_token(
        SealPageToken("history", absl::StrCat((*result)[size - 1].seq)));
  }
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::VerifyInstance(
    grpc::CallbackServerContext* context,
    const v1::VerifyInstanceRequest* request,
    v1::VerifyInstanceResponse* response) {
  WF_CALLER(actor);
  NoteInstance(context, request->instance_id());
  auto result = engine_->Verify(request->instance_id(), actor);
  if (result.ok()) {
    response->set_ok(result->ok);
    response->set_events_checked(result->events_checked);
    response->set_problem(result->problem);
    response->set_failed_event(result->failed_event);
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::ListDeadlines(
    grpc::CallbackServerContext* context,
    const v1::ListDeadlinesRequest* request,
    v1::ListDeadlinesResponse* response) {
  WF_CALLER(actor);
  DeadlineQuery query = FromProto(*request);
  query.actor = actor;
  auto result = engine_->ListDeadlines(query);
  if (result.ok()) {
    for (const DeadlineInfo& d : result->deadlines) {
      ToProto(d, response->add_deadlines());
    }
    response->set_next_page_token(result->next_page_token);
  }
  return Answer(context, result.status());
}

// The answer kept for the same reader and request while the page it was
// read from is current; else the page read and encoded, and kept.
absl::StatusOr<std::shared_ptr<const InboxAnswers::Kept>>
WorkflowServiceImpl::InboxAnswer(const Actor& actor,
                                 const v1::GetInboxRequest& request,
                                 google::protobuf::Arena* arena) {
  WF_ASSIGN_OR_RETURN(const bool full, IsFullView(request.view()));
  const std::string key = InboxAnswers::KeyOf(
      actor, request.page_size(), request.page_token(), full);
  std::shared_ptr<const InboxAnswers::Kept> kept = inbox_answers_.Find(key);
  if (kept != nullptr && engine_->InboxCurrent(kept->stamp)) {
    if (observe_ != nullptr && observe_->metrics != nullptr) {
      observe_->metrics->InboxAnswerKept();
    }
    return kept;
  }
  WF_ASSIGN_OR_RETURN(
      InboxPage page,
      engine_->Inbox(actor, {request.page_size(), request.page_token(), full}));
  auto* response =
      google::protobuf::Arena::CreateMessage<v1::GetInboxResponse>(arena);
  WF_RETURN_IF_ERROR(ToProto(page, full, response));
  auto fresh = std::make_shared<InboxAnswers::Kept>();
  fresh->stamp = std::move(page.stamp);
  response->SerializeToString(&fresh->bytes);
  inbox_answers_.Keep(key, fresh);
  return fresh;
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::GetInbox(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response_bytes) {
  WF_CALLER(actor);
  google::protobuf::Arena arena;
  auto* inbox =
      google::protobuf::Arena::CreateMessage<v1::GetInboxRequest>(&arena);
  grpc::ByteBuffer shared(*request);  // shares the slices, copies no bytes
  ReadRequest(&shared, inbox);
  absl::Status readable = UnreadableRequest(*inbox);
  if (!readable.ok()) return Answer(context, readable);
  auto answer = InboxAnswer(actor, *inbox, &arena);
  if (!answer.ok()) return Answer(context, answer.status());
  grpc::Slice slice((*answer)->bytes.data(), (*answer)->bytes.size());
  *response_bytes = grpc::ByteBuffer(&slice, 1);
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::ListNotices(
    grpc::CallbackServerContext* context,
    const v1::ListNoticesRequest* request,
    v1::ListNoticesResponse* response) {
  WF_CALLER(actor);
  NoticeRequest list = FromProto(*request);
  list.actor = actor;
  auto result = engine_->ListNotices(list);
  if (!result.ok()) return Answer(context, result.status());
  for (const NoticeInfo& n : result->notices) {
    ToProto(n, response->add_notices());
  }
  response->set_next_page_token(result->next_page_token);
  response->set_unread(static_cast<uint32_t>(result->unread));
  if (result->seen_until != absl::InfinitePast()) {
    ToTimestamp(result->seen_until, response->mutable_seen_until());
  }
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::MarkNoticesSeen(
    grpc::CallbackServerContext* context,
    const v1::MarkNoticesSeenRequest* request,
    v1::MarkNoticesSeenResponse* response) {
  WF_CALLER(actor);
  const absl::Time up_to = request->has_up_to()
                               ? FromTimestamp(request->up_to())
                               : absl::InfinitePast();
  auto seen = engine_->MarkNoticesSeen(actor, up_to);
  if (!seen.ok()) return Answer(context, seen.status());
  ToTimestamp(*seen, response->mutable_seen_until());
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::WhoAmI(
    grpc::CallbackServerContext* context, const v1::WhoAmIRequest* request,
    v1::WhoAmIResponse* response) {
  WF_CALLER_BEFORE_PASSWORD_CHANGE(actor);
  auto result = engine_->WhoAmI(actor);
  if (!result.ok()) return Answer(context, result.status());
  ToProto(*result, response);
  // What the stricter check says of the same token (kept in memory: no
  // second read of the store).
  const auto refusal = ReadRefusal(Caller(engine_, auth_, context).status());
  response->set_must_change_password(
      refusal.has_value() && refusal->reason == reason::kPasswordChangeRequired);
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminServiceImpl::ImportDirectory(
    grpc::CallbackServerContext* context,
    const v1::ImportDirectoryRequest* request,
    v1::ImportDirectoryResponse* response) {
  WF_CALLER(actor);
  auto result = engine_->ImportDirectory(actor, FromProto(*request));
  if (result.ok()) {
    response->set_units(result->units);
    response->set_people(result->people);
    response->set_assignments(result->assignments);
    for (const std::string& id : result->people_removed) {
      response->add_people_removed(id);
    }
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* AdminServiceImpl::IssueToken(
    grpc::CallbackServerContext* context, const v1::IssueTokenRequest* request,
    v1::IssueTokenResponse* response) {
  WF_CALLER(actor);
  const absl::Duration valid_for = FromDuration(request->valid_for());
  if (valid_for < absl::ZeroDuration()) {
    return Answer(context,
                  ForField(absl::InvalidArgumentError(
                               "Expected `valid_for` to be positive, or unset "
                               "for a token that does not expire, but it is "
                               "negative"),
                           "valid_for", reason::kInvalidField));
  }
  auto result = engine_->IssueToken(actor, request->person(), request->admin(),
                                    valid_for, request->note());
  if (result.ok()) {
    response->set_token(result->token);
    ToProto(*result, response->mutable_info());
  }
  return Answer(context, result.status());
}

grpc::ServerUnaryReactor* AdminServiceImpl::SetPassword(
    grpc::CallbackServerContext* context, const v1::SetPasswordRequest* request,
    v1::SetPasswordResponse* response) {
  WF_CALLER(actor);
  return Answer(context,
                engine_->SetPassword(actor, request->person(),
                                     request->password(),
                                     request->must_change()));
}

grpc::ServerUnaryReactor* AdminServiceImpl::RevokeToken(
    grpc::CallbackServerContext* context, const v1::RevokeTokenRequest* request,
    v1::RevokeTokenResponse* response) {
  WF_CALLER(actor);
  return Answer(context, engine_->RevokeToken(actor, request->token_id()));
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateBackup(
    grpc::CallbackServerContext* context,
    const v1::CreateBackupRequest* request,
    v1::CreateBackupResponse* response) {
  WF_CALLER(actor);
  auto result = engine_->Backup(actor, request->dir());
  if (result.ok()) {
    response->set_dir(result->dir);
    response->set_files(result->files);
    response->set_bytes(result->bytes);
  }
  return Answer(context, result.status());
}

grpc::ServerWriteReactor<v1::VerifyAllUpdate>* AdminServiceImpl::VerifyAll(
    grpc::CallbackServerContext* context, const v1::VerifyAllRequest* request) {
  WF_OBSERVE(false);
  absl::Status readable = UnreadableRequest(*request);
  if (!readable.ok()) return StartVerifyAll(engine_, context, readable);
  auto caller = Caller(engine_, auth_, context);
  if (caller.ok()) NoteActor(context, *caller);
  return StartVerifyAll(engine_, context, caller);
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListTokens(
    grpc::CallbackServerContext* context, const v1::ListTokensRequest* request,
    v1::ListTokensResponse* response) {
  WF_CALLER(actor);
  auto result = engine_->ListTokens(actor);
  if (!result.ok()) return Answer(context, result.status());
  std::sort(result->begin(), result->end(),
            [](const TokenInfo& a, const TokenInfo& b) {
              return a.token_id < b.token_id;
            });
  auto page = PageOf(
      *result, [](const TokenInfo& t) { return t.token_id; }, "tokens",
      request->page_size(), request->page_token(),
      response->mutable_next_page_token());
  if (page.ok()) {
    for (const TokenInfo* t : *page) ToProto(*t, response->add_tokens());
  }
  return Answer(context, page.status());
}

grpc::ServerUnaryReactor* SimulationServiceImpl::AdvanceClock(
    grpc::CallbackServerContext* context,
    const v1::AdvanceClockRequest* request,
    v1::AdvanceClockResponse* response) {
  WF_CALLER(actor);
  if (actor.kind == Actor::Kind::kPerson) {
    return Answer(context, AdminRequired(actor, "move the simulation's clock"));
  }
  auto target = SimulationTarget(clock_->Now(), *request);
  if (!target.ok()) return Answer(context, target.status());
  // Counted from before the move: the timer loop wakes when the clock
  // jumps and may fire some of them before FireDueTimers starts counting.
  const uint64_t fired_before = engine_->Stats().timers_fired;
  clock_->Set(*target);
  auto fired = engine_->FireDueTimers();
  if (fired.ok()) {
    ToTimestamp(clock_->Now(), response->mutable_now());
    response->set_timers_fired(static_cast<uint32_t>(
        engine_->Stats().timers_fired - fired_before));
  }
  return Answer(context, fired.status());
}

grpc::ServerUnaryReactor* DiagnosticsServiceImpl::Ping(
    grpc::CallbackServerContext* context, const v1::PingRequest* request,
    v1::PingResponse* response) {
  // No authentication: the transport floor of the benchmarks; it reads and
  // changes nothing.
  WF_OBSERVE(true);
  WF_REQUEST_READABLE();
  return Answer(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* DiagnosticsServiceImpl::GetStats(
    grpc::CallbackServerContext* context, const v1::GetStatsRequest* request,
    v1::GetStatsResponse* response) {
  WF_CALLER(actor);
  if (actor.kind == Actor::Kind::kPerson) {
    return Answer(context, AdminRequired(actor, "read the server's counters"));
  }
  EngineStats stats = engine_->Stats();
  response->set_synced_writes(stats.synced_writes);
  response->set_write_sets(stats.write_sets);
  response->set_write_ops(stats.write_ops);
  response->set_write_bytes(stats.write_bytes);
  response->set_timers_fired(stats.timers_fired);
  response->set_timers_failed(stats.timers_failed);
  return Answer(context, absl::OkStatus());
}

}  // namespace wf
