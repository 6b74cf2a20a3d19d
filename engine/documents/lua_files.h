// Copyright the wf-engine authors. Apache-2.0.
//
// What a workflow's Lua sees of a document's files (ctx.files, docs/lua.md):
// per slot, its latest version.
#ifndef WF_DOCUMENTS_LUA_FILES_H_
#define WF_DOCUMENTS_LUA_FILES_H_

#include "engine/store/records.pb.h"
#include "engine/util/json.h"

namespace wf {

// {slot: {name, size, media_type, sha256 (hex), version, added_by}} for
// the latest version of every slot.
Json LatestFilesJson(const store::DocumentRecord& document);

}  // namespace wf

#endif  // WF_DOCUMENTS_LUA_FILES_H_
