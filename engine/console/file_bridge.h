// Copyright the wf-engine authors. Apache-2.0.
//
// Files through the console: an upload's bytes, as the browser sends them
// in one HTTP body, streamed to FileService.UploadFile in chunks of 1 MiB
// with their SHA-256; a download's chunks gathered into one HTTP answer.
//
//   FileBridge files(channel);
//   JsonAnswer a = files.Upload({"wi-000000000001", "to_trinh",
//                                "Tờ trình số 01.pdf", ""}, bytes, token);
//   FileAnswer f = files.Download("wi-000000000001", "to_trinh", 0, token);
#ifndef WF_CONSOLE_FILE_BRIDGE_H_
#define WF_CONSOLE_FILE_BRIDGE_H_

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "engine/console/rpc_bridge.h"

namespace wf::console {

struct UploadTarget {
  std::string instance_id;
  std::string slot;
  std::string name;             // the file's name, as the official has it
  std::string idempotency_key;  // "" : none
};

// A download: the bytes and what to call them, or (ok false) the refusal
// as JSON.
struct FileAnswer {
  bool ok = false;
  JsonAnswer refusal;
  std::string bytes;
  std::string name;
  std::string media_type;
};

class FileBridge {
 public:
  explicit FileBridge(std::shared_ptr<grpc::Channel> channel,
                      absl::Duration deadline = absl::Minutes(5));
  ~FileBridge();

  JsonAnswer Upload(const UploadTarget& target, const std::string& bytes,
                    const std::string& token) const;
  // `version` 0: the latest. At most `max_bytes` are gathered.
  FileAnswer Download(const std::string& instance_id, const std::string& slot,
                      uint32_t version, size_t max_bytes,
                      const std::string& token) const;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  const absl::Duration deadline_;
};

}  // namespace wf::console

#endif  // WF_CONSOLE_FILE_BRIDGE_H_
