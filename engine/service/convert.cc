// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/convert.h"

namespace wf {

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
  out->set_deployed_at_micros(absl::ToUnixMicros(in.deployed_at));
  out->set_deployed_by(in.deployed_by);
}

void ToProto(const InstanceInfo& in, v1::Instance* out) {
  out->set_id(in.id);
  out->set_unit(in.unit);
  out->set_unit_name(in.unit_name);
  out->set_workflow(in.workflow);
  out->set_workflow_version(in.workflow_version);
  out->set_state(in.state);
  out->set_state_title(in.state_title);
  out->set_finished(in.finished);
  out->set_variables_json(in.variables_json);
  out->set_business_key(in.business_key);
  out->set_version(in.version);
  out->set_created_at_micros(absl::ToUnixMicros(in.created_at));
  out->set_updated_at_micros(absl::ToUnixMicros(in.updated_at));
  out->set_created_by(in.created_by);
  out->set_cancelled(in.cancelled);
  out->set_cancel_reason(in.cancel_reason);
  for (const ClockInfo& c : in.clocks) {
    v1::Clock* clock = out->add_clocks();
    clock->set_name(c.name);
    clock->set_due_micros(absl::ToUnixMicros(c.due));
    clock->set_paused(c.paused);
    clock->set_expired(c.expired);
    clock->set_remaining(c.remaining);
    clock->set_unit(c.unit);
  }
}

void ToProto(const HistoryEntry& in, v1::HistoryEvent* out) {
  out->set_seq(in.seq);
  out->set_event(in.event);
  out->set_from_state(in.from_state);
  out->set_to_state(in.to_state);
  out->set_at_micros(absl::ToUnixMicros(in.at));
  out->set_actor(in.actor);
  out->set_payload_json(in.payload_json);
  out->set_changes_json(in.changes_json);
  out->set_effects_json(in.effects_json);
  out->set_workflow_version(in.workflow_version);
  out->set_prev_hash(in.prev_hash);
  out->set_hash(in.hash);
  out->set_idempotency_key(in.idempotency_key);
  out->set_timer(in.timer);
  if (!in.timer.empty()) {
    out->set_timer_due_micros(absl::ToUnixMicros(in.timer_due));
  }
  out->set_timers_json(in.timers_json);
  out->set_actor_name(in.actor_name);
  out->set_actor_role(in.actor_role);
  out->set_actor_unit(in.actor_unit);
  out->set_actor_unit_name(in.actor_unit_name);
  out->set_acting_for(in.acting_for);
  out->set_acting_for_name(in.acting_for_name);
  out->set_taken_json(in.taken_json);
  out->set_calendar_version(in.calendar_version);
  out->set_parent_id(in.parent_id);
}

void ToProto(const InboxPage& in, v1::GetInboxResponse* out) {
  for (const InboxItem& item : in.items) {
    v1::InboxItem* i = out->add_items();
    ToProto(item.instance, i->mutable_instance());
    for (const InboxEvent& e : item.events) {
      v1::InboxEvent* event = i->add_events();
      event->set_event(e.event);
      event->set_title(e.title);
      event->set_role(e.role);
      event->set_unit(e.unit);
      event->set_acting_for(e.acting_for);
    }
    if (item.due != absl::InfiniteFuture()) {
      i->set_due_micros(absl::ToUnixMicros(item.due));
    }
  }
  out->set_next_page_token(in.next_page_token);
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
  out->set_issued_at_micros(absl::ToUnixMicros(in.issued_at));
  if (in.expires_at != absl::InfiniteFuture()) {
    out->set_expires_at_micros(absl::ToUnixMicros(in.expires_at));
  }
  if (in.revoked_at != absl::InfinitePast()) {
    out->set_revoked_at_micros(absl::ToUnixMicros(in.revoked_at));
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
  out.valid_from = in.valid_from();
  out.valid_to = in.valid_to();
  return out;
}

void ToProto(const DeadlineInfo& in, v1::Deadline* out) {
  out->set_instance_id(in.instance_id);
  out->set_workflow(in.workflow);
  out->set_business_key(in.business_key);
  out->set_state(in.state);
  out->set_state_title(in.state_title);
  out->set_clock(in.clock);
  out->set_event(in.event);
  out->set_due_micros(absl::ToUnixMicros(in.due));
  out->set_late(in.late);
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

StartRequest FromProto(const v1::StartInstanceRequest& in) {
  StartRequest out;
  out.workflow = in.workflow();
  out.unit = in.unit();
  out.variables_json = in.variables_json();
  out.business_key = in.business_key();
  out.idempotency_key = in.idempotency_key();
  out.workflow_version = in.workflow_version();
  return out;
}

FireRequest FromProto(const v1::FireEventRequest& in) {
  FireRequest out;
  out.instance_id = in.instance_id();
  out.event = in.event();
  out.payload_json = in.payload_json();
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
  return out;
}

}  // namespace wf
