// Copyright the wf-engine authors. Apache-2.0.
//
// The stored document (store::DocumentRecord, on the instance record) as
// the engine's public type (wf::DocumentInfo). One conversion, used by every
// reader of documents: the API, rendering, Lua.
#ifndef WF_DOCUMENTS_DOCUMENT_INFO_H_
#define WF_DOCUMENTS_DOCUMENT_INFO_H_

#include <string>

#include "engine/store/records.pb.h"
#include "wf/types.h"

namespace wf {

FileVersionInfo ToFileVersionInfo(const store::FileVersionRecord& record);
DocumentInfo ToDocumentInfo(const std::string& instance_id,
                            const store::DocumentRecord& record);

}  // namespace wf

#endif  // WF_DOCUMENTS_DOCUMENT_INFO_H_
