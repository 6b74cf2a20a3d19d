// Copyright the wf-engine authors. Apache-2.0.
#include "engine/runtime/history.h"

#include "absl/strings/str_cat.h"
#include "engine/util/sha256.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace wf {

std::string ChainAnchor(const std::string& instance_id) {
  return Sha256(absl::StrCat("wf-chain", absl::string_view("\0", 1)),
                instance_id);
}

store::HistoryEventRecord SealEvent(const store::HistoryEventBody& body) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    body.SerializeToCodedStream(&out);
  }
  store::HistoryEventRecord record;
  record.set_hash(Sha256(body.prev_hash(), bytes));
  record.set_body(std::move(bytes));
  return record;
}

absl::StatusOr<store::HistoryEventBody> OpenEvent(
    const store::HistoryEventRecord& record) {
  store::HistoryEventBody body;
  if (!body.ParseFromString(record.body())) {
    return absl::DataLossError("A stored history event does not parse");
  }
  return body;
}

HistoryEntry ToHistoryEntry(const store::HistoryEventBody& body,
                            const std::string& hash) {
  HistoryEntry e;
  e.seq = body.seq();
  e.event = body.event();
  e.from_state = body.from_state();
  e.to_state = body.to_state();
  e.at = absl::FromUnixMicros(body.at_micros());
  e.actor = body.actor();
  e.payload_json = body.payload_json();
  e.changes_json = body.changes_json();
  e.effects_json = body.effects_json();
  e.workflow_version = body.workflow_version();
  e.prev_hash = ToHex(body.prev_hash());
  e.hash = ToHex(hash);
  e.idempotency_key = body.idempotency_key();
  e.timer = body.timer();
  e.timer_due = absl::FromUnixMicros(body.timer_due_micros());
  e.timers_json = body.timers_json();
  e.actor_name = body.actor_name();
  e.actor_role = body.actor_role();
  e.actor_unit = body.actor_unit();
  e.actor_unit_name = body.actor_unit_name();
  e.acting_for = body.acting_for();
  e.acting_for_name = body.acting_for_name();
  e.taken_json = "[]";
  if (body.externals_size() > 0) {
    Json taken = Json::array();
    for (const store::ExternalValue& v : body.externals()) {
      auto value = ParseStoredJson(v.value_json());
      taken.push_back({{"call", v.call()},
                       {"key", v.key()},
                       {"value", value.ok() ? *value : Json(nullptr)}});
    }
    e.taken_json = DumpJson(taken);
  }
  e.calendar_version = body.calendar_version();
  e.parent_id = body.parent_id();
  e.fired_by = body.fired_by();
  return e;
}

namespace {

// The fields of `value`, none if it is not an object. (The map itself:
// items() builds two strings per loop.)
const Json::object_t& FieldsOf(const Json& value) {
  static const Json::object_t* none = new Json::object_t();
  return value.is_object() ? value.get_ref<const Json::object_t&>() : *none;
}

}  // namespace

Json Changes(const Json& before, const Json& after) {
  Json set = Json::object();
  Json unset = Json::array();
  const Json::object_t& was = FieldsOf(before);
  const Json::object_t& is = FieldsOf(after);
  for (const auto& [key, value] : is) {
    auto it = was.find(key);
    if (it == was.end() || it->second != value) set[key] = value;
  }
  for (const auto& [key, value] : was) {
    if (is.count(key) == 0) unset.push_back(key);
  }
  return Json{{"set", std::move(set)}, {"unset", std::move(unset)}};
}

Json Changes(const Json& after, absl::Span<const std::string> set,
             absl::Span<const std::string> unset) {
  Json::object_t set_fields;
  const Json::object_t& is = FieldsOf(after);
  for (const std::string& name : set) {
    auto it = is.find(name);
    if (it != is.end()) {
      set_fields.emplace_hint(set_fields.end(), name, it->second);
    }
  }
  Json::array_t unset_names(unset.begin(), unset.end());
  return Json{{"set", std::move(set_fields)},
              {"unset", std::move(unset_names)}};
}

uint64_t RandomSeed(const std::string& instance_id, uint64_t seq) {
  std::string digest = Sha256(instance_id, absl::StrCat(":", seq));
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) {
    seed = (seed << 8) | static_cast<uint8_t>(digest[i]);
  }
  return seed;
}

}  // namespace wf
