// Copyright the wf-engine authors. Apache-2.0.
//
// Who may act on and read a document, against the org directory:
//  - acting: the step's `who` rules (a role held on that day, in a unit
//    related to the document's unit), with role "*" meaning any role the
//    person holds;
//  - reading: a person reads the documents of the units they hold a role in
//    and of every unit below; the standing agency (and the units inside it)
//    and the province's own unit read the whole province; anyone whose
//    inbox holds a document reads it. Others get NOT_FOUND, exactly as for a
//    document that does not exist (no leaking of what exists);
//  - inbox slots: the (unit, role) pairs whose holders may act on a document
//    in a state — the inbox index is keyed by them.
#ifndef WF_AUTH_ACCESS_H_
#define WF_AUTH_ACCESS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "engine/auth/directory_store.h"
#include "engine/org/relations.h"
#include "engine/store/records.pb.h"
#include "engine/util/json.h"

namespace wf::access {

// A step's `who`, with its relations parsed.
struct CompiledWho {
  bool system_only = false;
  std::vector<org::PermissionRule> rules;
  // Some rule is "var:<name>": it holds only once Resolve has read the
  // document's variables.
  bool names_units = false;
};

// `who` as it stands for a document with variables `vars`: each
// "var:<name>" rule names the units vars[name] holds (a unit id, or a list
// of them; anything else names none). Returns `who` itself when it has no
// such rule (nothing is copied), else `*resolved`, filled. `vars` may be
// null: the rules then name no unit.
const CompiledWho& Resolve(const CompiledWho& who, const Json* vars,
                           CompiledWho* resolved);

// The capacity in which `person` may take a step on a document of `unit`,
// or PERMISSION_DENIED saying (in Vietnamese) what is needed.
absl::StatusOr<org::Grant> MayAct(const DirectorySnapshot& directory,
                                  const std::string& person, absl::CivilDay day,
                                  const std::string& unit,
                                  const CompiledWho& who);

// MayAct's answer when it allows, from the person's roles that day
// (`held`, RolesOn's answer), without building a refusal: what a list asks
// of every item and every step.
std::optional<org::Grant> GrantFor(const DirectorySnapshot& directory,
                                   absl::Span<const org::HeldRole> held,
                                   const std::string& unit,
                                   const CompiledWho& who);

// Whether `person` may read `instance` on `day`: through a role in its unit,
// a unit above it, the province or the standing agency over it, or in a slot the document is listed under, was listed under, or
// acted from (InstanceRecord.reader_slots): an official who was asked to
// act keeps seeing the document after it left their inbox.
bool MayRead(const DirectorySnapshot& directory, const std::string& person,
             absl::CivilDay day, const store::InstanceRecord& instance);

// The (unit, role) pairs whose holders may fire one of `steps` on a document
// of `unit`; role "*" stays "*" (any role of that unit).
// `vars`: the document's variables, for "var:" rules (Resolve).
std::vector<std::pair<std::string, std::string>> Slots(
    const DirectorySnapshot& directory,
    const std::vector<const CompiledWho*>& steps, const std::string& unit,
    const Json* vars);

// The start of a slot's inbox keys: unit \0 role \0.
std::string SlotPrefix(const std::string& unit, const std::string& role);

}  // namespace wf::access

#endif  // WF_AUTH_ACCESS_H_
