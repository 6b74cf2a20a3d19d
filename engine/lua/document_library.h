// Copyright the wf-engine authors. Apache-2.0.
//
// ctx.document: the document an instance moves (docs/lua.md "Documents").
//
//   ctx.document.type, .trich_yeu, .issuer, ...   readable everywhere
//   ctx.document.set{type = "KH", trich_yeu = "...", issuer_code = "BCĐ"}
//   local so = ctx.document.issue{
//     signer = {form = "KT.", title_lines = {"KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"},
//               name = "Nguyễn Văn A"},
//     recipients = {{unit = "xa-tien-du", label = "BCĐ 138 xã Tiên Du",
//                    purpose = "để t/hiện"},
//                   -- each commune receives it; Nơi nhận prints the group once
//                   {unit = "xa-dai-son", label = "UBND xã Đại Sơn",
//                    group = "UBND các xã, phường"}},
//   }
//   -- so.reference == "05/KH-BCĐ", so.date_line == "Bắc Ninh, ngày ..."
//   ctx.document.recall{reason = "Ban hành nhầm đối tượng"}   -- NĐ 30, Điều 18.4
//
// set, issue and recall exist in start and action functions only. set
// checks every field (a name it does not know, a value that is not text: a
// script error) and changes nothing unless all are good. issue takes the
// next number of the document's register through the step's host (the
// call "issue", recorded for replay), so the number commits with the step
// or not at all. recall marks an issued document recalled, with a reason
// (its recipients then confirm it with AcknowledgeDocument); a document
// not issued, or recalled already, is a script error. What they did is
// collected in a table the caller reads after the function returns
// (ActionResult::document).
#ifndef WF_LUA_DOCUMENT_LIBRARY_H_
#define WF_LUA_DOCUMENT_LIBRARY_H_

#include <lua.hpp>

#include "absl/time/time.h"
#include "engine/lua/step_host.h"
#include "engine/util/json.h"

namespace wf {

// Pushes the ctx.document table made from `view` (documents::ToLuaView;
// null: an empty document). With `changes_index` != 0 (an absolute stack
// index of an empty table) and a host, adds set and issue, which record
// into that table.
void PushDocument(lua_State* L, const Json* view, StepHost* host,
                  absl::Time now, int changes_index);

}  // namespace wf

#endif  // WF_LUA_DOCUMENT_LIBRARY_H_
