// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/verify.h"

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/documents/issuance.h"
#include "engine/documents/lua_files.h"
#include "engine/runtime/history.h"
#include "engine/runtime/request_checks.h"
#include "engine/util/sha256.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

// Answers a replayed script's ctx.take_number and the rest from what the
// history event recorded, in order, instead of reading the store (which
// has moved on since): the register's number then, the child's id then.
class RecordedHost : public StepHost {
 public:
  explicit RecordedHost(const store::HistoryEventBody& body) : body_(body) {}

  absl::StatusOr<Json> Call(const std::string& call, const std::string& key,
                            const Json& args) override {
    if (next_ >= body_.externals_size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay asks for ctx.", call, "('", key, "') but the history ",
          "records no more values taken"));
    }
    const store::ExternalValue& v = body_.externals(next_++);
    if (v.call() != call || v.key() != key) {
      return absl::FailedPreconditionError(absl::StrCat(
          "replay asks for ctx.", call, "('", key, "') where the history ",
          "records ctx.", v.call(), "('", v.key(), "')"));
    }
    return ParseStoredJson(v.value_json());
  }

  // Empty when the replay asked for every recorded value.
  std::string Unused() const {
    if (next_ == body_.externals_size()) return "";
    return absl::StrCat("the history records ", body_.externals_size(),
                        " values taken but replay asks for ", next_);
  }

 private:
  const store::HistoryEventBody& body_;
  int next_ = 0;
};

// Replays events one by one and says where the first difference is.
class Replay {
 public:
  Replay(const store::InstanceRecord& instance, const Definition& definition,
         WorkflowScript& script, const FileStore* files,
         const PluginSource* plugin)
      : instance_(instance), def_(definition), script_(script),
        files_(files), plugin_(plugin) {}

  // Empty when event `body` replays as recorded.
  std::string Step(const store::HistoryEventBody& body) {
    std::string where = absl::StrCat("event ", body.seq(), " (", body.event(),
                                     ")");
    if (body.event() == kCancelEvent && body.seq() > 1) {
      return Cancel(body, where);
    }
    if (body.event() == kAcknowledgeEvent && body.seq() > 1) {
      return Acknowledge(body, where);
    }
    if (cancelled_) return absl::StrCat(where, ": it follows the cancel");
    if (body.event() == kAttachEvent && body.seq() > 1) {
      return Attach(body, where);
    }
    auto payload = ParseStoredJson(body.payload_json());
    if (!payload.ok()) return absl::StrCat(where, ": its payload is not JSON");
    CallInput call;
    call.payload = &*payload;
    call.event = body.event();
    call.from = body.from_state();
    call.to = body.to_state();
    call.actor = body.actor();
    call.actor_name = body.actor_name();
    call.actor_role = body.actor_role();
    call.actor_unit = body.actor_unit();
    call.actor_unit_name = body.actor_unit_name();
    call.acting_for = body.acting_for();
    call.instance_id = instance_.id();
    call.business_key = instance_.business_key();
    call.instance_unit = instance_.unit_id();
    call.instance_version = body.seq() - 1;
    call.now = absl::FromUnixMicros(body.at_micros());
    call.random_seed = body.random_seed();
    if (!body.timer().empty()) {
      call.timer = body.timer();
      call.timer_due = absl::FromUnixMicros(body.timer_due_micros());
    }
    RecordedHost host(body);
    call.host = &host;
    const Json document_view = documents::ToLuaView(doc_);
    call.document = &document_view;
    call.files = &files_json_;  // as the step saw them
    call.plugin = plugin_;      // the version pinned at start
    absl::StatusOr<ActionResult> outcome;
    const Json& before = vars_;
    static const Json kNoVars = Json::object();
    if (body.seq() == 1) {
      if (body.event() != "start" || body.to_state() != def_.spec().initial) {
        return absl::StrCat(where, ": the first event must start the instance "
                                   "in '", def_.spec().initial, "'");
      }
      call.vars = &*payload;
      outcome = script_.RunStart(call);
    } else {
      std::string problem = Check(body, where);
      if (!problem.empty()) return problem;
      call.vars = &vars_;
      int t = def_.FindTransition(state_, body.event());
      CallInput guard_call = call;
      guard_call.host = nullptr;  // guards take nothing from outside
      auto guard = script_.RunGuard(t, guard_call);
      if (!guard.ok()) return absl::StrCat(where, ": ", guard.status().message());
      if (!guard->allowed) {
        return absl::StrCat(where, ": the guard now refuses it: ",
                            guard->reason);
      }
      outcome = script_.RunAction(t, call);
    }
    if (!outcome.ok()) return absl::StrCat(where, ": ", outcome.status().message());
    if (!host.Unused().empty()) return absl::StrCat(where, ": ", host.Unused());
    std::string changes =
        DumpJson(Changes(body.seq() == 1 ? kNoVars : before, outcome->vars));
    if (changes != body.changes_json()) {
      return absl::StrCat(where, ": replay changes the variables by ", changes,
                          " but the history records ", body.changes_json());
    }
    if (DumpJson(outcome->effects) != body.effects_json()) {
      return absl::StrCat(where, ": replay emits different effects than ",
                          "the history records");
    }
    std::string problem = ReplayDocument(body, outcome->document, where);
    if (!problem.empty()) return problem;
    vars_ = std::move(outcome->vars);
    state_ = body.to_state();
    return "";
  }

  // The document as replay made it: metadata and number (steps),
  // acknowledgements, files (attach events).
  const store::DocumentRecord& document() const { return doc_; }

  const std::string& state() const { return state_; }
  const Json& vars() const { return vars_; }
  bool cancelled() const { return cancelled_; }

 private:
  // A cancel runs no script: it keeps the state and the variables, emits
  // nothing, says why, and ends the history.
  std::string Cancel(const store::HistoryEventBody& body,
                     const std::string& where) {
    if (cancelled_) return absl::StrCat(where, ": the instance was cancelled "
                                               "already");
    if (body.from_state() != state_ || body.to_state() != state_) {
      return absl::StrCat(where, ": a cancel keeps the state '", state_,
                          "' but it records '", body.from_state(), "' to '",
                          body.to_state(), "'");
    }
    auto payload = ParseStoredJson(body.payload_json());
    if (!payload.ok() || !payload->contains("reason")) {
      return absl::StrCat(where, ": a cancel records its reason");
    }
    if (body.changes_json() != DumpJson(Changes(vars_, vars_)) ||
        body.effects_json() != DumpJson(Json::array())) {
      return absl::StrCat(where, ": a cancel changes no variables and emits "
                                 "no effects, but the history records some");
    }
    cancelled_ = true;
    return "";
  }

  // What the script did to the document matches the record, and so does
  // the number it took (the value recorded for ctx.document.issue).
  std::string ReplayDocument(const store::HistoryEventBody& body,
                             const Json& changes, const std::string& where) {
    const std::string replayed = changes.is_null() ? "" : DumpJson(changes);
    if (replayed != body.document_json()) {
      return absl::StrCat(where, ": replay changes the document by ",
                          replayed, " but the history records ",
                          body.document_json());
    }
    auto issued = documents::IssuedOf(changes, body.actor(),
                                      absl::FromUnixMicros(body.at_micros()),
                                      body.seq());
    if (issued.has_value() != body.has_issued() ||
        (issued.has_value() &&
         issued->SerializeAsString() != body.issued().SerializeAsString())) {
      return absl::StrCat(where, ": replay issues the document otherwise ",
                          "than the history records");
    }
    absl::Status applied = documents::ApplyChanges(changes, &doc_);
    if (!applied.ok()) return absl::StrCat(where, ": ", applied.message());
    if (issued.has_value()) *doc_.mutable_issued() = *issued;
    applied = documents::ApplyRecall(changes, body.actor(), body.actor_name(),
                                     absl::FromUnixMicros(body.at_micros()),
                                     body.seq(), &doc_);
    if (!applied.ok()) return absl::StrCat(where, ": ", applied.message());
    return "";
  }

  // An acknowledgement runs no script: it keeps the state and the
  // variables, emits nothing, and records receipt by a recipient unit.
  std::string Acknowledge(const store::HistoryEventBody& body,
                          const std::string& where) {
    if (cancelled_) return absl::StrCat(where, ": it follows the cancel");
    if (body.from_state() != state_ || body.to_state() != state_) {
      return absl::StrCat(where, ": an acknowledgement keeps the state '",
                          state_, "'");
    }
    auto payload = ParseStoredJson(body.payload_json());
    if (!payload.ok() || !payload->contains("unit")) {
      return absl::StrCat(where, ": an acknowledgement records its unit");
    }
    const std::string unit = payload->value("unit", "");
    if (!doc_.has_issued() || documents::FindRecipient(doc_, unit) == nullptr) {
      return absl::StrCat(where, ": '", unit, "' acknowledges a document ",
                          "not issued to it");
    }
    if (body.changes_json() != DumpJson(Changes(vars_, vars_)) ||
        body.effects_json() != DumpJson(Json::array())) {
      return absl::StrCat(where, ": an acknowledgement changes no variables ",
                          "and emits no effects, but the history records some");
    }
    documents::Acknowledge(&doc_, unit, body.actor(),
                           payload->value("name", ""),
                           absl::FromUnixMicros(body.at_micros()), body.seq());
    return "";
  }

  // An attach runs no script: it keeps the state and the variables, and
  // adds the next version of its slot, which the instance still holds as
  // recorded, with bytes that still hash to the recorded digest.
  std::string Attach(const store::HistoryEventBody& body,
                     const std::string& where) {
    if (body.from_state() != state_ || body.to_state() != state_ ||
        body.changes_json() != DumpJson(Changes(vars_, vars_)) ||
        body.effects_json() != DumpJson(Json::array())) {
      return absl::StrCat(where, ": an attach keeps the state and the "
                                 "variables and emits nothing, but the "
                                 "history records otherwise");
    }
    const store::AttachedFile& a = body.attached();
    const store::FileVersionRecord& file = a.file();
    uint32_t& versions = versions_[a.slot()];
    if (file.version() != versions + 1 || file.event_seq() != body.seq()) {
      return absl::StrCat(where, ": it records version ", file.version(),
                          " of slot '", a.slot(), "' at event ",
                          file.event_seq(), " where version ", versions + 1,
                          " at event ", body.seq(), " comes next");
    }
    ++versions;
    std::string problem = CheckHeld(a, where);
    if (!problem.empty()) return problem;
    if (files_ != nullptr) {
      auto intact = files_->CheckIntact(file.sha256());
      if (!intact.ok()) return absl::StrCat(where, ": ", intact.status().message());
      if (!intact->empty()) {
        return absl::StrCat(where, ": the file '", file.name(), "' (slot '",
                            a.slot(), "' version ", file.version(), "): ",
                            *intact);
      }
    }
    AddToDocument(a);
    return "";
  }

  // The instance holds the version as the event recorded it.
  std::string CheckHeld(const store::AttachedFile& a,
                        const std::string& where) const {
    for (const store::FileSlotRecord& slot : instance_.document().slots()) {
      if (slot.slot() != a.slot()) continue;
      const uint32_t v = a.file().version();
      if (v <= static_cast<uint32_t>(slot.versions_size()) &&
          slot.versions(v - 1).SerializeAsString() ==
              a.file().SerializeAsString()) {
        return "";
      }
    }
    return absl::StrCat(where, ": the instance does not hold version ",
                        a.file().version(), " of slot '", a.slot(),
                        "' as the history records it");
  }

  void AddToDocument(const store::AttachedFile& a) {
    store::FileSlotRecord* slot = nullptr;
    for (store::FileSlotRecord& s : *doc_.mutable_slots()) {
      if (s.slot() == a.slot()) slot = &s;
    }
    if (slot == nullptr) {
      slot = doc_.add_slots();
      slot->set_slot(a.slot());
    }
    *slot->add_versions() = a.file();
    files_json_ = LatestFilesJson(doc_);
  }

  std::string Check(const store::HistoryEventBody& body,
                    const std::string& where) {
    if (body.from_state() != state_) {
      return absl::StrCat(where, ": it leaves '", body.from_state(),
                          "' but replay is in '", state_, "'");
    }
    int t = def_.FindTransition(state_, body.event());
    if (t < 0) {
      return absl::StrCat(where, ": the workflow does not allow it in '",
                          state_, "'");
    }
    const TransitionSpec& spec = def_.spec().transitions[t];
    const std::string& to = spec.stay ? state_ : spec.to;
    if (to != body.to_state()) {
      return absl::StrCat(where, ": it leads to '", body.to_state(),
                          "' but the workflow leads to '", to, "'");
    }
    return "";
  }

  const store::InstanceRecord& instance_;
  const Definition& def_;
  WorkflowScript& script_;
  std::string state_;
  Json vars_ = Json::object();
  bool cancelled_ = false;
  const FileStore* const files_;
  const PluginSource* const plugin_;
  store::DocumentRecord doc_;
  std::map<std::string, uint32_t> versions_;  // per slot, so far
  Json files_json_ = Json::object();          // ctx.files, so far
};

std::string VietnamTime(int64_t micros) {
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMicros(micros),
                          absl::FixedTimeZone(7 * 3600));
}

// Recorded times never decrease within an instance (the engine records an
// event no earlier than the one before it, whatever its clock says): a
// decrease means a history written by something else.
std::string CheckTimeOrder(const store::HistoryEventBody& body,
                           int64_t previous_at) {
  if (body.seq() == 1 || body.at_micros() >= previous_at) return "";
  return absl::StrCat("event ", body.seq(), " (", body.event(),
                      ") is recorded at ", VietnamTime(body.at_micros()),
                      ", before event ", body.seq() - 1, " at ",
                      VietnamTime(previous_at),
                      ": recorded times must not go backwards");
}

}  // namespace

absl::StatusOr<VerifyReport> Verifier::Verify(const std::string& id) {
  // The instance and its history as of one moment: a step committed
  // between the two reads would otherwise look like a history longer than
  // the instance (the server verifies while it serves).
  std::shared_ptr<const rocksdb::Snapshot> at = reader_->store()->Snapshot();
  WF_ASSIGN_OR_RETURN(store::InstanceRecord instance,
                      reader_->LoadInstance(id, at.get()));
  WF_ASSIGN_OR_RETURN(auto records, reader_->LoadHistory(id, 0, 0, at.get()));
  at.reset();
  WF_ASSIGN_OR_RETURN(auto def, registry_->Get(instance.workflow(),
                                               instance.workflow_version()));
  WF_ASSIGN_OR_RETURN(auto script, def->scripts().Acquire());
  std::shared_ptr<const PluginSource> plugin;
  if (!instance.plugin().empty() && plugins_ != nullptr) {
    WF_ASSIGN_OR_RETURN(plugin, plugins_->Source(instance.plugin(),
                                                 instance.plugin_version()));
  }
  VerifyReport report;
  // A problem with the instance record as a whole (failed_event 0).
  auto fail = [&](std::string problem) {
    report.ok = false;
    report.problem = std::move(problem);
    return report;
  };
  // A problem with the event after the last one checked.
  auto fail_event = [&](std::string problem) {
    report.failed_event = report.events_checked + 1;
    return fail(std::move(problem));
  };
  Replay replay(instance, *def, *script, files_, plugin.get());
  std::string prev = ChainAnchor(id);
  int64_t previous_at = 0;
  for (const store::HistoryEventRecord& record : records) {
    uint64_t seq = report.events_checked + 1;
    auto body = OpenEvent(record);
    if (!body.ok())
      return fail_event(absl::StrCat("event ", seq, " does not parse"));
    if (body->seq() != seq) {
      return fail_event(
          absl::StrCat("event ", seq, " says it is event ", body->seq()));
    }
    if (body->prev_hash() != prev) {
      return fail_event(absl::StrCat(
          "event ", seq, ": its prev_hash is not the ",
          "hash of the event before it (the chain is ", "broken)"));
    }
    if (Sha256(prev, record.body()) != record.hash()) {
      return fail_event(absl::StrCat("event ", seq,
                                     ": its hash does not match its ",
                                     "content (it was changed)"));
    }
    prev = record.hash();
    std::string problem = CheckTimeOrder(*body, previous_at);
    if (!problem.empty()) return fail_event(problem);
    previous_at = body->at_micros();
    problem = replay.Step(*body);
    if (!problem.empty()) return fail_event(problem);
    report.events_checked = seq;
  }
  if (report.events_checked != instance.version()) {
    // The first event missing, or the first one past the instance.
    report.failed_event =
        std::min<uint64_t>(report.events_checked, instance.version()) + 1;
    return fail(absl::StrCat("the instance is at version ", instance.version(),
                             " but its history has ", report.events_checked,
                             " events"));
  }
  if (prev != instance.last_hash()) {
    return fail("the instance's last hash is not the hash of its last event");
  }
  if (replay.cancelled() != instance.cancelled()) {
    return fail(absl::StrCat("the history ",
                             replay.cancelled() ? "cancels" : "does not cancel",
                             " the instance but the instance is ",
                             instance.cancelled() ? "" : "not ", "cancelled"));
  }
  if (replay.state() != instance.state()) {
    return fail(absl::StrCat("replay ends in '", replay.state(),
                             "' but the instance is in '", instance.state(),
                             "'"));
  }
  if (DumpJson(replay.vars()) != instance.variables_json()) {
    return fail("replay ends with other variables than the instance holds");
  }
  if (replay.document().SerializeAsString() !=
      instance.document().SerializeAsString()) {
    return fail("replay ends with another document (metadata, number, "
                "acknowledgements or file slots) than the instance holds");
  }
  report.ok = true;
  return report;
}

}  // namespace wf
