// Copyright the wf-engine authors. Apache-2.0.
#include "engine/documents/lua_files.h"

#include "engine/util/sha256.h"

namespace wf {

Json LatestFilesJson(const store::DocumentRecord& document) {
  Json files = Json::object();
  for (const store::FileSlotRecord& slot : document.slots()) {
    if (slot.versions().empty()) continue;
    const store::FileVersionRecord& v = *slot.versions().rbegin();
    files[slot.slot()] = Json::object({{"name", v.name()},
                                       {"size", v.size()},
                                       {"media_type", v.media_type()},
                                       {"sha256", ToHex(v.sha256())},
                                       {"version", v.version()},
                                       {"added_by", v.added_by()}});
  }
  return files;
}

}  // namespace wf
