// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/convert.h"

#include <cstdio>

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "engine/service/struct_json.h"
#include "engine/util/json.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

// The stored {"set": {...}, "unset": [...]} of a history event, parsed
// already when the entry is a step's answer.
absl::Status ChangesToProto(const HistoryEntry& in, v1::VariableChanges* out) {
  Json parsed;
  if (in.parsed_changes == nullptr) {
    if (in.changes_json.empty()) return absl::OkStatus();
    WF_ASSIGN_OR_RETURN(parsed, ParseStoredJson(in.changes_json));
  }
  const Json& changes =
      in.parsed_changes != nullptr ? *in.parsed_changes : parsed;
  if (changes.contains("set")) {
    WF_RETURN_IF_ERROR(JsonToStruct(changes["set"], out->mutable_set()));
  }
  for (const Json& name : changes.value("unset", Json::array())) {
    if (name.is_string()) out->add_unset(name.get<std::string>());
  }
  return absl::OkStatus();
}

// The stored [{"kind", "data"}, ...] of a history event.
absl::Status EffectsToProto(const std::string& text,
                            google::protobuf::RepeatedPtrField<v1::Effect>* out) {
  if (text.empty()) return absl::OkStatus();
  WF_ASSIGN_OR_RETURN(Json effects, ParseStoredJson(text));
  for (const Json& e : effects) {
    v1::Effect* effect = out->Add();
    effect->set_kind(e.value("kind", ""));
    WF_RETURN_IF_ERROR(
        JsonToStruct(e.value("data", Json::object()), effect->mutable_data()));
  }
  return absl::OkStatus();
}

// The stored [{"name", "event", "due"}] of a history event, `due` in
// RFC 3339 (as hashed into the event: the text stays as it was).
absl::Status TimersToProto(
    const std::string& text,
    google::protobuf::RepeatedPtrField<v1::PendingTimer>* out) {
  if (text.empty()) return absl::OkStatus();
  WF_ASSIGN_OR_RETURN(Json timers, ParseStoredJson(text));
  for (const Json& t : timers) {
    v1::PendingTimer* timer = out->Add();
    timer->set_name(t.value("name", ""));
    timer->set_event(t.value("event", ""));
    absl::Time due;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, t.value("due", ""), &due,
                         &error)) {
      return absl::InternalError(absl::StrCat(
          "Expected a stored timer's due time in RFC 3339, but ", error));
    }
    ToTimestamp(due, timer->mutable_due());
  }
  return absl::OkStatus();
}

// The stored [{"call", "key", "value"}] of a history event.
absl::Status TakenToProto(
    const std::string& text,
    google::protobuf::RepeatedPtrField<v1::TakenValue>* out) {
  if (text.empty()) return absl::OkStatus();
  WF_ASSIGN_OR_RETURN(Json taken, ParseStoredJson(text));
  for (const Json& t : taken) {
    v1::TakenValue* value = out->Add();
    value->set_call(t.value("call", ""));
    value->set_key(t.value("key", ""));
    JsonToValue(t.value("value", Json(nullptr)), value->mutable_value());
  }
  return absl::OkStatus();
}

// The engine says "none" with an infinite time; the API leaves the field
// unset (calling mutable_*() alone would set it).
bool Finite(absl::Time t) {
  return t != absl::InfiniteFuture() && t != absl::InfinitePast();
}

// "dd/mm/yyyy", the directory's day format; empty for an unset Date.
std::string DayText(const google::type::Date& day) {
  if (day.year() == 0 && day.month() == 0 && day.day() == 0) return "";
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

}  // namespace

void ToTimestamp(absl::Time in, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(in);
  // Floor division: a time before 1970 has nanos in [0, 1e9) as well.
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    seconds -= 1;
    rest += 1000000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& in) {
  return absl::FromUnixSeconds(in.seconds()) +
         absl::Microseconds(in.nanos() / 1000);
}

void ToDuration(absl::Duration in, google::protobuf::Duration* out) {
  const int64_t micros = absl::ToInt64Microseconds(in);
  // Seconds and nanos share the sign, as google.protobuf.Duration requires.
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

absl::Duration FromDuration(const google::protobuf::Duration& in) {
  return absl::Seconds(in.seconds()) + absl::Microseconds(in.nanos() / 1000);
}

v1::FieldKind ToFieldKind(const std::string& kind) {
  static const auto* kinds = new absl::flat_hash_map<std::string, v1::FieldKind>{
      {"text", v1::FIELD_KIND_TEXT},       {"long_text", v1::FIELD_KIND_LONG_TEXT},
      {"integer", v1::FIELD_KIND_INTEGER}, {"number", v1::FIELD_KIND_NUMBER},
      {"date", v1::FIELD_KIND_DATE},       {"list", v1::FIELD_KIND_LIST},
      {"boolean", v1::FIELD_KIND_BOOLEAN}};
  auto it = kinds->find(kind);
  return it == kinds->end() ? v1::FIELD_KIND_UNSPECIFIED : it->second;
}

void ToProto(const WorkflowInfo& in, v1::Workflow* out) {
  out->set_name(in.name);
  out->set_version(in.version);
  out->set_title(in.title);
  out->set_initial_state(in.initial_state);
  for (const StateInfo& s : in.states) {
    v1::State* state = out->add_states();
    state->set_name(s.name);
    state->set_title(s.title);
    state->set_final(s.final);
  }
  for (const TransitionInfo& t : in.transitions) {
    v1::Transition* transition = out->add_transitions();
    transition->set_event(t.event);
    for (const std::string& from : t.from) transition->add_from(from);
    transition->set_to(t.to);
    transition->set_title(t.title);
    for (const std::string& field : t.requires_fields) {
      transition->add_required_fields(field);
    }
    for (const std::string& field : t.optional_fields) {
      transition->add_optional_fields(field);
    }
    transition->set_has_guard(t.has_guard);
    transition->set_has_action(t.has_action);
    transition->set_stay(t.stay);
    for (const auto& [role, unit] : t.who) {
      v1::Rule* rule = transition->add_who();
      rule->set_role(role);
      rule->set_unit(unit);
    }
    transition->set_system_only(t.system_only);
  }
  out->set_source(in.source);
  out->set_source_sha256(in.source_sha256);
  ToTimestamp(in.deployed_at, out->mutable_deployed_at());
  out->set_deployed_by(in.deployed_by);
  out->set_plugin(in.plugin);
  for (const std::string& hook : in.hooks) out->add_hooks(hook);
  for (const std::string& field : in.required_fields) {
    out->add_required_fields(field);
  }
  for (const std::string& field : in.optional_fields) {
    out->add_optional_fields(field);
  }
  for (const auto& [role, unit] : in.started_by) {
    v1::Rule* rule = out->add_started_by();
    rule->set_role(role);
    rule->set_unit(unit);
  }
  for (const FieldInfo& f : in.fields) {
    v1::FieldInfo* field = out->add_fields();
    field->set_name(f.name);
    field->set_title(f.title);
    field->set_kind(ToFieldKind(f.kind));
  }
}

void ToProto(const InboxEvent& in, v1::InboxEvent* out) {
  out->set_event(in.event);
  out->set_title(in.title);
  out->set_role(in.role);
  out->set_unit(in.unit);
  out->set_acting_for(in.acting_for);
}

void ToBasicProto(const InstanceInfo& in, v1::Instance* out) {
  out->set_id(in.id);
  out->set_unit(in.unit);
  out->set_unit_name(in.unit_name);
  out->set_workflow(in.workflow);
  out->set_workflow_version(in.workflow_version);
  out->set_state(in.state);
  out->set_state_title(in.state_title);
  out->set_title(in.title);
  out->set_finished(in.finished);
  out->set_business_key(in.business_key);
  out->set_version(in.version);
  ToTimestamp(in.created_at, out->mutable_created_at());
  ToTimestamp(in.updated_at, out->mutable_updated_at());
  out->set_created_by(in.created_by);
  out->set_cancelled(in.cancelled);
  out->set_cancel_reason(in.cancel_reason);
  out->set_parent_id(in.parent_id);
  out->set_plugin(in.plugin);
  out->set_plugin_version(in.plugin_version);
  for (const ClockInfo& c : in.clocks) {
    v1::Clock* clock = out->add_clocks();
    clock->set_name(c.name);
    ToTimestamp(c.due, clock->mutable_due());
    clock->set_paused(c.paused);
    clock->set_expired(c.expired);
    // The engine counts what is left in the clock's unit: days, or
    // microseconds for a duration; a fixed date counts nothing.
    if (c.paused && c.unit == "duration") {
      ToDuration(absl::Microseconds(c.remaining),
                 clock->mutable_remaining_duration());
    } else if (c.paused && c.unit != "date") {
      clock->set_remaining_days(c.remaining);
    }
    clock->set_unit(c.unit);
  }
}

absl::Status ToProto(const InstanceInfo& in, v1::Instance* out) {
  ToBasicProto(in, out);
  if (in.parsed_variables != nullptr) {
    return JsonToStruct(*in.parsed_variables, out->mutable_variables());
  }
  return JsonTextToStruct(in.variables_json, out->mutable_variables());
}

absl::Status ToProto(const InstanceInfo& in, bool full, v1::Instance* out) {
  if (full) return ToProto(in, out);
  ToBasicProto(in, out);
  return absl::OkStatus();
}

absl::StatusOr<bool> IsFullWriteView(v1::InstanceView view) {
  if (view == v1::INSTANCE_VIEW_UNSPECIFIED) return true;
  return IsFullView(view);
}

absl::StatusOr<bool> IsFullView(v1::InstanceView view) {
  switch (view) {
    case v1::INSTANCE_VIEW_UNSPECIFIED:
    case v1::INSTANCE_VIEW_BASIC:
      return false;
    case v1::INSTANCE_VIEW_FULL:
      return true;
    default:
      return ForField(
          absl::InvalidArgumentError(absl::StrFormat(
              "Expected `view` INSTANCE_VIEW_BASIC (1) or INSTANCE_VIEW_FULL "
              "(2), or unset, but got %d",
              static_cast<int>(view))),
          "view", reason::kInvalidField);
  }
}

absl::Status ToProto(const HistoryEntry& in, v1::HistoryEvent* out) {
  out->set_seq(in.seq);
  out->set_event(in.event);
  out->set_from_state(in.from_state);
  out->set_to_state(in.to_state);
  ToTimestamp(in.at, out->mutable_at());
  out->set_actor(in.actor);
  out->set_workflow_version(in.workflow_version);
  out->set_prev_hash(in.prev_hash);
  out->set_hash(in.hash);
  out->set_idempotency_key(in.idempotency_key);
  out->set_timer(in.timer);
  if (!in.timer.empty()) {
    ToTimestamp(in.timer_due, out->mutable_timer_due());
  }
  out->set_actor_name(in.actor_name);
  out->set_actor_role(in.actor_role);
  out->set_actor_unit(in.actor_unit);
  out->set_actor_unit_name(in.actor_unit_name);
  out->set_acting_for(in.acting_for);
  out->set_acting_for_name(in.acting_for_name);
  out->set_calendar_version(in.calendar_version);
  out->set_parent_id(in.parent_id);
  out->set_fired_by(in.fired_by);
  WF_RETURN_IF_ERROR(JsonTextToStruct(in.payload_json, out->mutable_payload()));
  WF_RETURN_IF_ERROR(ChangesToProto(in, out->mutable_changes()));
  WF_RETURN_IF_ERROR(EffectsToProto(in.effects_json, out->mutable_effects()));
  WF_RETURN_IF_ERROR(TimersToProto(in.timers_json, out->mutable_timers()));
  return TakenToProto(in.taken_json, out->mutable_taken());
}

absl::Status ToProto(const InboxPage& in, bool full,
                     v1::GetInboxResponse* out) {
  for (const InboxItem& item : in.items) {
    v1::InboxItem* i = out->add_items();
    if (full) {
      WF_RETURN_IF_ERROR(ToProto(item.instance, i->mutable_instance()));
    } else {
      ToBasicProto(item.instance, i->mutable_instance());
    }
    for (const InboxEvent& e : item.events) {
      ToProto(e, i->add_events());
    }
    if (Finite(item.due)) ToTimestamp(item.due, i->mutable_due());
  }
  out->set_next_page_token(in.next_page_token);
  return absl::OkStatus();
}

void ToProto(const WhoAmIInfo& in, v1::WhoAmIResponse* out) {
  out->set_person(in.person);
  out->set_name(in.name);
  out->set_admin(in.admin);
  for (const RoleInfo& r : in.roles) {
    v1::HeldRole* role = out->add_roles();
    role->set_role(r.role);
    role->set_unit(r.unit);
    role->set_unit_name(r.unit_name);
    role->set_acting_for(r.acting_for);
  }
}

void ToProto(const TokenInfo& in, v1::Token* out) {
  out->set_token_id(in.token_id);
  out->set_person(in.person);
  out->set_admin(in.admin);
  ToTimestamp(in.issued_at, out->mutable_issued_at());
  if (Finite(in.expires_at)) {
    ToTimestamp(in.expires_at, out->mutable_expires_at());
  }
  if (Finite(in.revoked_at)) {
    ToTimestamp(in.revoked_at, out->mutable_revoked_at());
  }
  out->set_issued_by(in.issued_by);
  out->set_note(in.note);
}

DirectoryImport FromProto(const v1::ImportDirectoryRequest& in) {
  DirectoryImport out;
  out.source = in.source();
  out.format = in.format();
  out.csv = in.csv();
  out.province_id = in.province_id();
  out.province_name = in.province_name();
  out.valid_from = DayText(in.valid_from());
  out.valid_to = DayText(in.valid_to());
  return out;
}

void ToProto(const ProgressUnit& in, v1::ProgressUnit* out) {
  out->set_instance_id(in.instance_id);
  out->set_unit(in.unit);
  out->set_unit_name(in.unit_name);
  out->set_state(in.state);
  out->set_late(in.late);
  out->set_finished(in.finished);
  out->set_business_key(in.business_key);
}

void ToProto(const ProgressInfo& in, v1::Progress* out) {
  out->set_parent_id(in.parent_id);
  out->set_total(in.total);
  out->set_late_count(in.late_count);
  for (const StateProgress& state : in.states) {
    v1::StateProgress* s = out->add_states();
    s->set_state(state.state);
    s->set_title(state.title);
    s->set_final(state.final);
    s->set_count(state.count);
    for (const ProgressUnit& unit : state.units) ToProto(unit, s->add_units());
  }
  for (const ProgressUnit& unit : in.late) ToProto(unit, out->add_late());
}

void ToProto(const DeadlineInfo& in, v1::Deadline* out) {
  out->set_instance_id(in.instance_id);
  out->set_workflow(in.workflow);
  out->set_business_key(in.business_key);
  out->set_state(in.state);
  out->set_state_title(in.state_title);
  out->set_clock(in.clock);
  out->set_event(in.event);
  ToTimestamp(in.due, out->mutable_due());
  out->set_late(in.late);
  out->set_unit(in.unit);
  out->set_unit_name(in.unit_name);
  out->set_title(in.title);
}

DeadlineQuery FromProto(const v1::ListDeadlinesRequest& in) {
  DeadlineQuery out;
  out.workflow = in.workflow();
  out.unit = in.unit();
  out.late = in.late();
  out.within_days = in.within_days();
  out.page_size = in.page_size();
  out.page_token = in.page_token();
  return out;
}

absl::StatusOr<StartRequest> FromProto(const v1::StartInstanceRequest& in) {
  StartRequest out;
  out.workflow = in.workflow();
  out.unit = in.unit();
  WF_ASSIGN_OR_RETURN(out.variables_json,
                      StructToJsonText(in.variables(), "variables"));
  out.business_key = in.business_key();
  out.idempotency_key = in.idempotency_key();
  out.workflow_version = in.workflow_version();
  return out;
}

absl::StatusOr<FireRequest> FromProto(const v1::FireEventRequest& in) {
  FireRequest out;
  out.instance_id = in.instance_id();
  out.event = in.event();
  WF_ASSIGN_OR_RETURN(out.payload_json,
                      StructToJsonText(in.payload(), "payload"));
  out.expected_version = in.expected_version();
  out.idempotency_key = in.idempotency_key();
  out.expected_state = in.expected_state();
  return out;
}

CancelRequest FromProto(const v1::CancelInstanceRequest& in) {
  CancelRequest out;
  out.instance_id = in.instance_id();
  out.reason = in.reason();
  out.idempotency_key = in.idempotency_key();
  return out;
}

ListInstancesRequest FromProto(const v1::ListInstancesRequest& in) {
  ListInstancesRequest out;
  out.workflow = in.workflow();
  out.unit = in.unit();
  out.state = in.state();
  out.business_key = in.business_key();
  out.page_size = in.page_size();
  out.page_token = in.page_token();
  out.parent = in.parent();
  return out;
}

// --- Documents ---

namespace {

// "2026-01-16" as a Date; unset for "" or anything else.
void IsoDateToProto(const std::string& iso, google::type::Date* out) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return;
  out->set_year(y);
  out->set_month(m);
  out->set_day(d);
}

void ToProto(const SignerInfo& in, v1::Signer* out) {
  out->set_form(in.form);
  for (const auto& line : in.title_lines) out->add_title_lines(line);
  out->set_name(in.name);
  out->set_person_id(in.person_id);
}

void ToProto(const RecipientInfo& in, v1::Recipient* out) {
  out->set_unit(in.unit_id);
  out->set_label(in.label);
  out->set_purpose(in.purpose);
  out->set_group(in.group);
  if (Finite(in.acknowledged_at)) {
    ToTimestamp(in.acknowledged_at, out->mutable_acknowledged_at());
  }
  out->set_acknowledged_by(in.acknowledged_by);
  out->set_acknowledged_by_name(in.acknowledged_by_name);
  if (Finite(in.recall_confirmed_at)) {
    ToTimestamp(in.recall_confirmed_at, out->mutable_recall_confirmed_at());
  }
  out->set_recall_confirmed_by(in.recall_confirmed_by);
}

void ToProto(const IssuedInfo& in, v1::Issuance* out) {
  out->set_register_(in.register_key);
  out->set_year(in.year);
  out->set_number(in.number);
  out->set_reference(in.reference);
  IsoDateToProto(in.date, out->mutable_date());
  ToTimestamp(in.issued_at, out->mutable_issued_at());
  out->set_issued_by(in.issued_by);
  out->set_event_seq(in.event_seq);
}

void ToProto(const FileSlotInfo& in, v1::FileSlot* out) {
  out->set_slot(in.slot);
  for (const FileVersionInfo& v : in.versions) {
    v1::FileVersion* file = out->add_versions();
    file->set_version(v.version);
    file->set_name(v.name);
    file->set_size(v.size);
    file->set_media_type(v.media_type);
    file->set_sha256(v.sha256_hex);
    file->set_added_by(v.added_by);
    ToTimestamp(v.added_at, file->mutable_added_at());
    file->set_event_seq(v.event_seq);
  }
}

}  // namespace

void ToProto(const DocumentInfo& in, v1::Document* out) {
  out->set_instance_id(in.instance_id);
  out->set_type(in.type);
  out->set_trich_yeu(in.trich_yeu);
  out->set_issuer(in.issuer_id);
  out->set_issuer_name(in.issuer_name);
  out->set_parent_body(in.parent_body);
  out->set_issuer_code(in.issuer_code);
  out->set_place(in.place);
  out->set_urgency(in.urgency);
  out->set_secrecy(in.secrecy);
  ToProto(in.signer, out->mutable_signer());
  for (const auto& r : in.recipients) ToProto(r, out->add_recipients());
  if (in.issued) ToProto(in.issuance, out->mutable_issuance());
  if (in.recalled) {
    v1::Recall* recall = out->mutable_recall();
    ToTimestamp(in.recall.at, recall->mutable_recalled_at());
    recall->set_recalled_by(in.recall.by);
    recall->set_recalled_by_name(in.recall.by_name);
    recall->set_reason(in.recall.reason);
  }
  out->set_body_summary(in.body_summary);
  out->set_register_(in.register_key);
  for (const auto& slot : in.slots) ToProto(slot, out->add_slots());
}

void ToProto(const IncomingInfo& in, v1::IncomingDocument* out) {
  out->set_instance_id(in.instance_id);
  out->set_unit(in.unit);
  out->set_reference(in.reference);
  out->set_type(in.type);
  out->set_trich_yeu(in.trich_yeu);
  out->set_issuer(in.issuer_id);
  out->set_issuer_name(in.issuer_name);
  IsoDateToProto(in.date, out->mutable_date());
  ToTimestamp(in.issued_at, out->mutable_issued_at());
  out->set_purpose(in.purpose);
  out->set_acknowledged(in.acknowledged);
  if (in.acknowledged && Finite(in.acknowledged_at)) {
    ToTimestamp(in.acknowledged_at, out->mutable_acknowledged_at());
  }
  out->set_acknowledged_by(in.acknowledged_by);
  out->set_recalled(in.recalled);
  out->set_recall_reason(in.recall_reason);
  out->set_recall_confirmed(in.recall_confirmed);
  out->set_acknowledged_by_name(in.acknowledged_by_name);
  out->set_readable(in.readable);
}

void ToProto(const NoticeInfo& in, v1::Notice* out) {
  out->set_recipient(in.recipient);
  out->set_recipient_name(in.recipient_name);
  out->set_kind(in.kind);
  out->set_text(in.text);
  // The engine wrote it from a Lua table: it converts (else left empty).
  JsonTextToStruct(in.data_json, out->mutable_data()).IgnoreError();
  out->set_instance_id(in.instance_id);
  out->set_workflow(in.workflow);
  out->set_workflow_title(in.workflow_title);
  out->set_unit(in.unit);
  out->set_unit_name(in.unit_name);
  out->set_trich_yeu(in.trich_yeu);
  out->set_event(in.event);
  out->set_event_title(in.event_title);
  ToTimestamp(in.at, out->mutable_at());
  out->set_actor(in.actor);
  out->set_actor_name(in.actor_name);
  out->set_readable(in.readable);
  out->set_unread(in.unread);
}

void ToProto(const RegisterEntryInfo& in, v1::RegisterEntry* out) {
  out->set_number(in.number);
  out->set_reference(in.reference);
  out->set_instance_id(in.instance_id);
  IsoDateToProto(in.date, out->mutable_date());
  out->set_type(in.type);
  out->set_trich_yeu(in.trich_yeu);
  out->set_signer_name(in.signer_name);
  ToTimestamp(in.issued_at, out->mutable_issued_at());
  out->set_issuer(in.issuer_id);
  out->set_issued_by(in.issued_by);
  if (Finite(in.recalled_at)) {
    ToTimestamp(in.recalled_at, out->mutable_recalled_at());
  }
  out->set_recall_reason(in.recall_reason);
}

AcknowledgeRequest FromProto(const v1::AcknowledgeDocumentRequest& in) {
  AcknowledgeRequest out;
  out.instance_id = in.instance_id();
  out.unit = in.unit();
  out.idempotency_key = in.idempotency_key();
  return out;
}

IncomingRequest FromProto(const v1::ListIncomingRequest& in) {
  IncomingRequest out;
  out.unit = in.unit();
  out.only_unacknowledged = in.only_unacknowledged();
  out.page_size = in.page_size();
  out.page_token = in.page_token();
  return out;
}

NoticeRequest FromProto(const v1::ListNoticesRequest& in) {
  NoticeRequest out;
  out.recipient = in.recipient();
  out.page_size = in.page_size();
  out.page_token = in.page_token();
  return out;
}

RegisterRequest FromProto(const v1::ReadRegisterRequest& in) {
  RegisterRequest out;
  out.register_key = in.register_();
  out.year = in.year();
  out.page_size = in.page_size();
  out.page_token = in.page_token();
  return out;
}

}  // namespace wf
