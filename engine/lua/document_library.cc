// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/document_library.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "engine/lua/lua_json.h"
#include "engine/util/text.h"

namespace wf {
namespace {

// The metadata a script may set, each text, with its size limit.
struct Settable {
  const char* name;
  size_t max_bytes;
};
constexpr Settable kSettable[] = {
    {"type", 20},         {"trich_yeu", 2000},   {"issuer", 200},
    {"issuer_name", 500}, {"parent_body", 500},  {"issuer_code", 50},
    {"place", 200},       {"urgency", 50},       {"secrecy", 50},
    {"body_summary", 20000}, {"register", 200},
};
constexpr const char* kSignerForms[] = {"", "TM.", "KT.", "Q.", "TL.", "TUQ."};
constexpr size_t kMaxRecipients = 2000;
constexpr size_t kMaxRecallReasonBytes = 2000;

const Settable* FindSettable(const std::string& name) {
  for (const Settable& s : kSettable) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string SettableList() {
  std::vector<std::string> names;
  for (const Settable& s : kSettable) names.push_back(s.name);
  return absl::StrJoin(names, ", ");
}

// The fields given to set, checked and normalised to NFC; "" or the error.
std::string CheckSet(const Json& fields,
                     std::vector<std::pair<std::string, std::string>>* out) {
  if (!fields.is_object()) {
    return "ctx.document.set{...} takes a table of named fields such as "
           "{type = \"KH\", trich_yeu = \"...\"}";
  }
  for (const auto& [name, value] : fields.items()) {
    const Settable* s = FindSettable(name);
    if (s == nullptr) {
      return absl::StrCat("ctx.document.set: unknown field '", name,
                          "'; the fields are ", SettableList());
    }
    if (!value.is_string()) {
      return absl::StrCat("ctx.document.set: field '", name,
                          "' must be text, not ", value.type_name());
    }
    auto text = ToNfc(value.get<std::string>(), name);
    if (!text.ok()) {
      return absl::StrCat("ctx.document.set: ", text.status().message());
    }
    if (text->size() > s->max_bytes) {
      return absl::StrCat("ctx.document.set: field '", name, "' has ",
                          text->size(), " bytes; at most ", s->max_bytes);
    }
    out->emplace_back(name, *std::move(text));
  }
  return "";
}

// Only `allowed` keys, each text (or, for a list field, a list of text).
std::string CheckObject(const Json& object, const std::string& what,
                        std::initializer_list<const char*> allowed,
                        const char* list_field = nullptr) {
  if (!object.is_object()) {
    return absl::StrCat(what, " must be a table of named fields");
  }
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) {
      return absl::StrCat(what, ": unknown field '", name, "'; the fields are ",
                          absl::StrJoin(allowed, ", "));
    }
    const bool is_list = list_field != nullptr && name == list_field;
    if (is_list && (value.is_array() || value.empty())) {
      for (const Json& line : value) {
        if (!line.is_string()) return absl::StrCat(what, ".", name,
                                                   " must be a list of text");
      }
    } else if (!value.is_string()) {
      return absl::StrCat(what, ": field '", name, "' must be text, not ",
                          value.type_name());
    }
  }
  return "";
}

std::string CheckIssue(const Json& arg) {
  if (!arg.is_object()) {
    return "ctx.document.issue{...} takes a table of named fields";
  }
  for (const auto& [name, value] : arg.items()) {
    if (name != "signer" && name != "recipients") {
      return absl::StrCat("ctx.document.issue: unknown field '", name,
                          "'; the fields are signer, recipients");
    }
  }
  const Json signer = arg.value("signer", Json::object());
  std::string error = CheckObject(signer, "ctx.document.issue: signer",
                      {"form", "title_lines", "name", "person"}, "title_lines");
  if (!error.empty()) return error;
  const std::string form = signer.value("form", "");
  bool known = false;
  for (const char* f : kSignerForms) known = known || form == f;
  if (!known) {
    return absl::StrCat("ctx.document.issue: signer.form '", form,
                        "' is not one of NĐ 30's forms: \"\" (the head), ",
                        "\"TM.\", \"KT.\", \"Q.\", \"TL.\", \"TUQ.\"");
  }
  const Json recipients = arg.value("recipients", Json::array());
  if (!recipients.is_array() && !recipients.empty()) {
    return "ctx.document.issue: recipients must be a list of "
           "{unit =, label =, purpose =, group =}";
  }
  if (recipients.size() > kMaxRecipients) {
    return absl::StrCat("ctx.document.issue: at most ", kMaxRecipients,
                        " recipients");
  }
  for (size_t i = 0; i < recipients.size(); ++i) {
    const Json& r = recipients[i];
    const std::string what =
        absl::StrCat("ctx.document.issue: recipients[", i + 1, "]");
    error = CheckObject(r, what, {"unit", "label", "purpose", "group"});
    if (!error.empty()) return error;
    if (r.value("unit", "").empty() && r.value("label", "").empty()) {
      return absl::StrCat(what, " needs a unit or a label");
    }
  }
  return "";
}

std::string ViewText(lua_State* L, int view, const char* field) {
  lua_getfield(L, view, field);
  std::string text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return text;
}

// What the host needs to number the document, from the document as the
// script has made it so far.
Json IssueRequest(lua_State* L, int view, const Json& arg, absl::Time now) {
  Json request = Json::object();
  for (const char* f : {"type", "issuer_code", "trich_yeu", "place"}) {
    request[f] = ViewText(L, view, f);
  }
  request["signer_name"] = arg.value("signer", Json::object()).value("name", "");
  lua_getfield(L, view, "issued");
  if (lua_toboolean(L, -1)) {
    request["issued_reference"] = ViewText(L, view, "reference");
  }
  lua_pop(L, 1);
  request["at_micros"] = absl::ToUnixMicros(now);
  return request;
}

// The register numbered in: the document's own, else its issuer's.
std::string RegisterOf(lua_State* L, int view) {
  std::string key = ViewText(L, view, "register");
  return key.empty() ? ViewText(L, view, "issuer") : key;
}

void SetField(lua_State* L, int table, const char* field, const Json& value) {
  PushJson(L, value);
  lua_setfield(L, table, field);
}

// The changes table's "set" subtable, created on first use, on the stack.
void PushSetTable(lua_State* L, int changes) {
  lua_getfield(L, changes, "set");
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, changes, "set");
}

// The work of DocumentSet, with every C++ object gone before an error is
// raised. Returns 0, or -1 with the message pushed.
int SetInner(lua_State* L) {
  Json fields;
  std::string error;
  if (!lua_istable(L, 1)) {
    error = "ctx.document.set{...} takes a table of named fields";
  } else if (ToJson(L, 1, "ctx.document.set's fields", &fields, &error)) {
    if (fields.is_array() && fields.empty()) fields = Json::object();
    std::vector<std::pair<std::string, std::string>> checked;
    error = CheckSet(fields, &checked);
    if (error.empty()) {
      const int view = lua_upvalueindex(1);
      PushSetTable(L, lua_upvalueindex(2));
      for (const auto& [name, text] : checked) {
        lua_pushlstring(L, text.data(), text.size());
        lua_setfield(L, view, name.c_str());
        lua_pushlstring(L, text.data(), text.size());
        lua_setfield(L, -2, name.c_str());
      }
      lua_pop(L, 1);
      return 0;
    }
  }
  lua_pushlstring(L, error.data(), error.size());
  return -1;
}

int DocumentSet(lua_State* L) {
  if (SetInner(L) < 0) return lua_error(L);
  return 0;
}

// Records the issue in the view and the changes; pushes the answer.
void RecordIssue(lua_State* L, const Json& arg, const Json& answer) {
  const int view = lua_upvalueindex(1);
  Json signer = arg.value("signer", Json::object());
  for (const char* f : {"form", "name", "person"}) {
    if (!signer.contains(f)) signer[f] = "";
  }
  if (!signer.contains("title_lines") || signer["title_lines"].empty()) {
    signer["title_lines"] = Json::array();
  }
  Json recipients = Json::array();
  for (const Json& r : arg.value("recipients", Json::array())) {
    recipients.push_back({{"unit", r.value("unit", "")},
                          {"label", r.value("label", "")},
                          {"purpose", r.value("purpose", "")},
                          {"group", r.value("group", "")}});
  }
  Json views = recipients;
  for (Json& r : views) r["acknowledged"] = false;
  SetField(L, view, "signer", signer);
  SetField(L, view, "recipients", views);
  lua_pushboolean(L, 1);
  lua_setfield(L, view, "issued");
  for (const char* f : {"number", "reference", "year", "date", "date_line"}) {
    SetField(L, view, f, answer.value(f, Json()));
  }
  SetField(L, lua_upvalueindex(2), "issue",
           Json{{"signer", signer}, {"recipients", recipients},
                {"taken", answer}});
  PushJson(L, answer);
}

int IssueInner(lua_State* L) {
  Json arg;
  std::string error;
  if (!lua_istable(L, 1)) {
    error = "ctx.document.issue{signer = {...}, recipients = {...}} takes a "
            "table";
  } else if (ToJson(L, 1, "ctx.document.issue's argument", &arg, &error)) {
    if (arg.is_array() && arg.empty()) arg = Json::object();
    error = CheckIssue(arg);
    if (error.empty()) {
      auto* host = static_cast<StepHost*>(lua_touserdata(L, lua_upvalueindex(3)));
      const absl::Time now =
          absl::FromUnixMicros(lua_tointeger(L, lua_upvalueindex(4)));
      const int view = lua_upvalueindex(1);
      absl::StatusOr<Json> answer =
          host->Call("issue", RegisterOf(L, view), IssueRequest(L, view, arg, now));
      if (answer.ok()) {
        RecordIssue(L, arg, *answer);
        return 1;
      }
      error = std::string(answer.status().message());
    }
  }
  lua_pushlstring(L, error.data(), error.size());
  return -1;
}

int DocumentIssue(lua_State* L) {
  int results = IssueInner(L);
  if (results < 0) return lua_error(L);
  return results;
}

// The reason a recall gives, as text, or an error.
std::string RecallReason(lua_State* L, std::string* reason) {
  if (!lua_istable(L, 1)) {
    return "ctx.document.recall{reason = \"...\"} takes a table";
  }
  Json arg;
  std::string error;
  if (!ToJson(L, 1, "ctx.document.recall's argument", &arg, &error)) {
    return error;
  }
  if (arg.is_array() && arg.empty()) arg = Json::object();
  error = CheckObject(arg, "ctx.document.recall", {"reason"});
  if (!error.empty()) return error;
  *reason = arg.value("reason", "");
  if (absl::StripAsciiWhitespace(*reason).empty()) {
    return "ctx.document.recall needs a reason: why the document is recalled";
  }
  if (reason->size() > kMaxRecallReasonBytes) {
    return absl::StrCat("ctx.document.recall: the reason is longer than ",
                        kMaxRecallReasonBytes, " bytes");
  }
  return "";
}

// Records the recall in the view and the changes.
int RecallInner(lua_State* L) {
  const int view = lua_upvalueindex(1);
  std::string reason;
  std::string error = RecallReason(L, &reason);
  if (error.empty()) {
    lua_getfield(L, view, "issued");
    lua_getfield(L, view, "recalled");
    const bool issued = lua_toboolean(L, -2), recalled = lua_toboolean(L, -1);
    lua_pop(L, 2);
    if (!issued) {
      error = "ctx.document.recall: the document is not issued, so there is "
              "nothing to recall (check ctx.document.issued first)";
    } else if (recalled) {
      error = "ctx.document.recall: the document is recalled already (check "
              "ctx.document.recalled first)";
    }
  }
  if (!error.empty()) {
    lua_pushlstring(L, error.data(), error.size());
    return -1;
  }
  lua_pushboolean(L, 1);
  lua_setfield(L, view, "recalled");
  lua_pushlstring(L, reason.data(), reason.size());
  lua_setfield(L, view, "recall_reason");
  SetField(L, lua_upvalueindex(2), "recall", Json{{"reason", reason}});
  return 0;
}

int DocumentRecall(lua_State* L) {
  if (RecallInner(L) < 0) return lua_error(L);
  return 0;
}

}  // namespace

void PushDocument(lua_State* L, const Json* view, StepHost* host,
                  absl::Time now, int changes_index) {
  static const Json* const kEmpty = new Json(Json::object());
  PushJson(L, view != nullptr && view->is_object() ? *view : *kEmpty);
  if (changes_index == 0 || host == nullptr) return;
  const int table = lua_gettop(L);
  lua_pushvalue(L, table);
  lua_pushvalue(L, changes_index);
  lua_pushcclosure(L, &DocumentSet, 2);
  lua_setfield(L, table, "set");
  lua_pushvalue(L, table);
  lua_pushvalue(L, changes_index);
  lua_pushlightuserdata(L, host);
  lua_pushinteger(L, static_cast<lua_Integer>(absl::ToUnixMicros(now)));
  lua_pushcclosure(L, &DocumentIssue, 4);
  lua_setfield(L, table, "issue");
  lua_pushvalue(L, table);
  lua_pushvalue(L, changes_index);
  lua_pushcclosure(L, &DocumentRecall, 2);
  lua_setfield(L, table, "recall");
}

}  // namespace wf
