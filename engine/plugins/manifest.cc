// Copyright the wf-engine authors. Apache-2.0.
#include "engine/plugins/manifest.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "engine/org/org_tree.h"
#include "engine/util/text.h"

namespace wf::plugins {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxProblems = 200;

// Path elements that are list positions ("#3") name no key in the text.
bool IsPosition(const std::string& element) {
  return !element.empty() && element[0] == '#';
}

// "org[2].format", "hooks.nguoi_gop_y".
std::string PathText(const std::vector<std::string>& path) {
  std::string text;
  for (const std::string& e : path) {
    if (IsPosition(e)) {
      absl::StrAppend(&text, "[", e.substr(1), "]");
    } else {
      absl::StrAppend(&text, text.empty() ? "" : ".", e);
    }
  }
  return text;
}

// True if `line` assigns `key`: `key =` (not `==`) or `["key"] =`.
bool Assigns(absl::string_view line, const std::string& key) {
  for (const std::string& form : {key, absl::StrCat("[\"", key, "\"]"),
                                  absl::StrCat("['", key, "']")}) {
    size_t at = 0;
    while ((at = line.find(form, at)) != absl::string_view::npos) {
      const bool bare = form == key;
      const bool starts = at == 0 || !(absl::ascii_isalnum(line[at - 1]) ||
                                       line[at - 1] == '_');
      size_t end = at + form.size();
      if (bare && end < line.size() &&
          (absl::ascii_isalnum(line[end]) || line[end] == '_')) {
        at = end;
        continue;
      }
      while (end < line.size() && (line[end] == ' ' || line[end] == '\t')) {
        ++end;
      }
      const bool assigned = end < line.size() && line[end] == '=' &&
                            (end + 1 >= line.size() || line[end + 1] != '=');
      if ((starts || !bare) && assigned) return true;
      at += form.size();
    }
  }
  return false;
}

// Reads the table plugin.lua returned (at the top of the stack) into a
// Manifest, noting every problem.
class Reader {
 public:
  Reader(lua_State* L, absl::string_view source, ManifestCheck* out)
      : L_(L), source_(source), out_(out) {}

  void Read(const std::string& folder) {
    const int t = lua_gettop(L_);
    Manifest& m = out_->manifest;
    RequiredText(t, "name", &m.name,
                 absl::StrCat("tên plugin, trùng tên thư mục '", folder, "'"));
    RequiredText(t, "title", &m.title,
                 "tên hiển thị, ví dụ \"Tỉnh Bắc Ninh\"");
    RequiredText(t, "province", &m.province,
                 "mã đơn vị cấp tỉnh trong cây tổ chức");
    OptionalText(t, "dia_danh", &m.dia_danh);
    if (OptionalText(t, "lich", &m.calendar_file)) {
      m.calendar_line = LineOfKey(source_, {"lich"});
    }
    if (!m.name.empty() && !IsIdentifier(m.name)) {
      Problem({"name"}, absl::StrCat("name '", m.name, "' phải là tên viết ",
                                     "thường [a-z][a-z0-9_]*"));
    } else if (!m.name.empty() && m.name != folder) {
      Problem({"name"}, absl::StrCat("name '", m.name, "' phải trùng tên ",
                                     "thư mục '", folder, "'"));
    }
    if (!m.province.empty() && !org::IsUnitId(m.province)) {
      Problem({"province"}, absl::StrCat("province '", m.province, "' không ",
                                         "phải là mã đơn vị"));
    }
    ReadOrg(t);
    ReadHooks(t);
    std::set<const void*> seen;
    std::vector<std::string> path;
    Walk(t, &path, false, &seen, 0);
  }

 private:
  void Problem(const std::vector<std::string>& path,
               const std::string& message) {
    if (out_->problems.size() >= kMaxProblems) return;
    out_->problems.push_back(absl::StrCat(kManifestFile, ":",
                                          LineOfKey(source_, path), ": ",
                                          message));
  }

  // The field `key` of table `t` as text; false (nothing noted) if absent.
  bool Text(int t, const std::vector<std::string>& path, std::string* out) {
    lua_getfield(L_, t, path.back().c_str());
    bool present = !lua_isnil(L_, -1);
    if (present && lua_type(L_, -1) != LUA_TSTRING) {
      Problem(path, absl::StrCat("trường '", PathText(path), "' phải là ",
                                 "văn bản, không phải ", luaL_typename(L_, -1)));
    } else if (present) {
      out->assign(lua_tostring(L_, -1), lua_rawlen(L_, -1));
    }
    lua_pop(L_, 1);
    return present;
  }

  void RequiredText(int t, const char* key, std::string* out,
                    const std::string& expected) {
    if (!Text(t, {key}, out)) {
      Problem({}, absl::StrCat("thiếu trường '", key, "' (", expected, ")"));
    } else if (out->empty()) {
      Problem({key}, absl::StrCat("trường '", key, "' để trống (", expected,
                                  ")"));
    }
  }

  bool OptionalText(int t, const char* key, std::string* out) {
    return Text(t, {key}, out);
  }

  void ReadOrg(int t) {
    if (lua_getfield(L_, t, "org") == LUA_TNIL) {
      lua_pop(L_, 1);
      return;
    }
    if (!lua_istable(L_, -1)) {
      Problem({"org"}, "trường 'org' phải là danh sách { { file = ..., "
                       "format = ... }, ... }");
      lua_pop(L_, 1);
      return;
    }
    const int list = lua_gettop(L_);
    const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, list));
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L_, list, i);
      ReadOrgEntry(lua_gettop(L_), static_cast<int>(i));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
  }

  void ReadOrgEntry(int e, int i) {
    const std::string where = absl::StrCat("org[", i, "]");
    const std::string pos = absl::StrCat("#", i);
    if (!lua_istable(L_, e)) {
      Problem({"org"}, absl::StrCat(where, " phải là bảng { file = ..., ",
                                    "format = ... }"));
      return;
    }
    OrgFileSpec f;
    Text(e, {"org", pos, "file"}, &f.file);
    Text(e, {"org", pos, "format"}, &f.format);
    Text(e, {"org", pos, "valid_from"}, &f.valid_from);
    Text(e, {"org", pos, "valid_to"}, &f.valid_to);
    Text(e, {"org", pos, "province_name"}, &f.province_name);
    f.line = LineOfKey(source_, {"org"});
    if (!f.file.empty()) {
      int at = LineOfText(absl::StrCat("\"", f.file, "\""), f.line);
      if (at > 0) f.line = at;
    }
    auto problem = [&](const std::string& message) {
      if (out_->problems.size() >= kMaxProblems) return;
      out_->problems.push_back(
          absl::StrCat(kManifestFile, ":", f.line, ": ", where, ": ", message));
    };
    if (f.file.empty()) {
      problem("thiếu file (tên tệp dữ liệu trong thư mục plugin)");
    } else if (absl::StrContains(f.file, "..") || f.file[0] == '/' ||
               !IsValidUtf8(f.file)) {
      problem(absl::StrCat("file '", f.file, "' phải là tên tệp trong thư ",
                           "mục plugin"));
    }
    static const std::set<std::string> kFormats = {"units", "communes",
                                                   "districts", "people"};
    if (kFormats.count(f.format) == 0) {
      problem(absl::StrCat("format '", f.format, "' không có: dùng units, ",
                           "communes, districts hoặc people"));
    }
    if ((f.format == "communes" || f.format == "districts") &&
        f.valid_from.empty()) {
      problem(absl::StrCat("danh sách ", f.format, " cần valid_from (ngày ",
                           "bắt đầu hiệu lực)"));
    }
    out_->manifest.org.push_back(std::move(f));
  }

  void ReadHooks(int t) {
    if (lua_getfield(L_, t, "hooks") == LUA_TNIL) {
      lua_pop(L_, 1);
      return;
    }
    if (!lua_istable(L_, -1)) {
      Problem({"hooks"}, "trường 'hooks' phải là bảng { ten_hook = "
                         "function(ctx, ...) ... end }");
      lua_pop(L_, 1);
      return;
    }
    lua_pushnil(L_);
    while (lua_next(L_, -2) != 0) {
      if (lua_type(L_, -2) != LUA_TSTRING ||
          !IsIdentifier(lua_tostring(L_, -2))) {
        Problem({"hooks"}, "hooks chỉ chứa các hàm có tên (ten_hook = "
                           "function ... end)");
      } else {
        std::string name = lua_tostring(L_, -2);
        if (!lua_isfunction(L_, -1)) {
          Problem({"hooks", name}, absl::StrCat("hook '", name, "' phải là ",
                                                "một hàm, không phải ",
                                                luaL_typename(L_, -1)));
        }
        out_->manifest.hooks.push_back(
            {name, LineOfKey(source_, {"hooks", name})});
      }
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
  }

  // Every value: functions only under `hooks`; dates under han_/ngay_ keys;
  // ky_hieu symbols collected.
  void Walk(int t, std::vector<std::string>* path, bool in_date,
            std::set<const void*>* seen, int depth) {
    if (!seen->insert(lua_topointer(L_, t)).second) return;
    if (depth > kMaxDepth) {
      Problem(*path, absl::StrCat("'", PathText(*path), "' lồng quá ",
                                  kMaxDepth, " tầng"));
      return;
    }
    luaL_checkstack(L_, 4, "plugin.lua nested too deeply");
    lua_pushnil(L_);
    while (lua_next(L_, t) != 0) {
      path->push_back(KeyText());
      Value(lua_gettop(L_), path, in_date, seen, depth);
      path->pop_back();
      lua_pop(L_, 1);
    }
  }

  std::string KeyText() {
    if (lua_type(L_, -2) == LUA_TSTRING) return lua_tostring(L_, -2);
    if (lua_isinteger(L_, -2)) return absl::StrCat("#", lua_tointeger(L_, -2));
    return "?";
  }

  void Value(int v, std::vector<std::string>* path, bool in_date,
             std::set<const void*>* seen, int depth) {
    const std::string& key = path->back();
    const bool date_key = absl::StartsWith(key, "han_") ||
                          absl::StartsWith(key, "ngay_");
    const bool date = in_date || date_key;
    const int type = lua_type(L_, v);
    if (type == LUA_TFUNCTION) {
      if (path->size() != 2 || (*path)[0] != "hooks") {
        Problem(*path, absl::StrCat("'", PathText(*path), "' là một hàm: ",
                                    "hàm chỉ được đặt trong hooks"));
      }
    } else if (type == LUA_TTABLE) {
      Walk(v, path, date, seen, depth + 1);
    } else if (date) {
      CheckDate(v, *path);
    } else if (key == "ky_hieu" && type == LUA_TSTRING) {
      out_->manifest.symbols.emplace_back(lua_tostring(L_, v),
                                          lua_rawlen(L_, v));
    }
  }

  void CheckDate(int v, const std::vector<std::string>& path) {
    if (lua_type(L_, v) == LUA_TSTRING) {
      std::string text(lua_tostring(L_, v), lua_rawlen(L_, v));
      if (IsIsoDate(text)) return;
      Problem(path, absl::StrCat(PathText(path), ": \"", text, "\" không ",
                                 "phải là ngày (cần \"YYYY-MM-DD\")"));
      return;
    }
    Problem(path, absl::StrCat(PathText(path), ": cần một ngày \"YYYY-MM-DD\",",
                               " không phải ", luaL_typename(L_, v)));
  }

  // The first line at or after `from` holding `text`; 0 if none.
  int LineOfText(const std::string& text, int from) const {
    int line = 1;
    for (absl::string_view l : absl::StrSplit(source_, '\n')) {
      if (line >= from && absl::StrContains(l, text)) return line;
      ++line;
    }
    return 0;
  }

  lua_State* L_;
  absl::string_view source_;
  ManifestCheck* out_;
};

}  // namespace

bool IsIsoDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  int p = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) {
      ++p;
      continue;
    }
    if (!absl::ascii_isdigit(text[i])) return false;
    parts[p] = parts[p] * 10 + (text[i] - '0');
  }
  absl::CivilDay day(parts[0], parts[1], parts[2]);
  return day.year() == parts[0] && day.month() == parts[1] &&
         day.day() == parts[2];
}

int LineOfKey(absl::string_view source, const std::vector<std::string>& path) {
  std::vector<absl::string_view> lines = absl::StrSplit(source, '\n');
  // The manifest's fields come after its top-level `return`, not in the
  // locals above it (`local nam = 2026` is not the field `nam`).
  size_t from = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StartsWith(lines[i], "return")) from = i;
  }
  int found = 1;
  for (const std::string& key : path) {
    if (IsPosition(key)) continue;
    size_t i = from;
    while (i < lines.size() && !Assigns(lines[i], key)) ++i;
    if (i == lines.size()) break;
    found = static_cast<int>(i) + 1;
    from = i;
  }
  return found;
}

ManifestCheck CheckManifest(const std::string& source,
                            const std::string& folder,
                            const SandboxOptions& limits) {
  ManifestCheck out;
  auto sandbox = Sandbox::Create(limits);
  if (!sandbox.ok()) {
    out.problems.push_back(absl::StrCat(kManifestFile, ":1: ",
                                        sandbox.status().message()));
    return out;
  }
  (*sandbox)->FreezeGlobals();
  std::string error;
  absl::Status ran = (*sandbox)->Run(
      limits.instructions_per_load,
      [&](lua_State* L) {
        const std::string chunk = absl::StrCat("=", kManifestFile);
        if (luaL_loadbufferx(L, source.data(), source.size(), chunk.c_str(),
                             "t") != LUA_OK ||
            lua_pcall(L, 0, 1, 0) != LUA_OK) {
          error = lua_isstring(L, -1) ? lua_tostring(L, -1) : "lỗi không rõ";
          return;
        }
        if (!lua_istable(L, -1)) {
          error = absl::StrCat(kManifestFile, ":1: plugin.lua phải trả về ",
                               "một bảng (return { name = ..., ... }), không ",
                               "phải ", luaL_typename(L, -1));
          return;
        }
        Reader(L, source, &out).Read(folder);
      },
      absl::StatusCode::kInvalidArgument, kManifestFile);
  if (!ran.ok() && error.empty()) {
    // Over a budget, or a Lua error while reading the table.
    out.problems.push_back(absl::StrCat(kManifestFile, ":1: ", ran.message()));
  } else if (!error.empty()) {
    out.problems.push_back(error);
  }
  return out;
}

}  // namespace wf::plugins
