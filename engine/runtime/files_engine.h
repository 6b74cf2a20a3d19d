// Copyright the wf-engine authors. Apache-2.0.
//
// The engine's file API (wf::FileUpload, wf::FileDownload; engine.h): an
// upload feeds a BlobUpload (engine/documents/file_store.h) and ends in
// the attach step (Transitioner::Attach); a download reads a stored
// version chunk by chunk after the read checks of GetInstance.
#ifndef WF_RUNTIME_FILES_ENGINE_H_
#define WF_RUNTIME_FILES_ENGINE_H_

#include <memory>
#include <vector>

#include "engine/documents/file_store.h"
#include "engine/runtime/reader.h"
#include "engine/runtime/transition.h"
#include "wf/engine.h"

namespace wf {

class FilesEngine {
 public:
  FilesEngine(FileStore* files, Transitioner* transitions, Reader* reader,
              const Limits& limits)
      : files_(files), transitions_(transitions), reader_(reader),
        limits_(limits) {}

  absl::StatusOr<std::unique_ptr<FileUpload>> BeginUpload(
      const UploadRequest& request);
  absl::StatusOr<std::unique_ptr<FileDownload>> OpenFile(
      const FileRequest& request);
  absl::StatusOr<std::vector<FileSlotInfo>> ListFiles(const std::string& id,
                                                      const Actor& actor);

 private:
  FileStore* const files_;
  Transitioner* const transitions_;
  Reader* const reader_;
  const Limits limits_;
};

}  // namespace wf

#endif  // WF_RUNTIME_FILES_ENGINE_H_
