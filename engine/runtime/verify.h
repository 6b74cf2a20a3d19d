// Copyright the wf-engine authors. Apache-2.0.
//
// Verifies an instance in two ways:
//  1. the hash chain: every event's prev_hash is the previous event's hash,
//     and every hash is SHA-256(prev_hash || stored body);
//  2. replay: starting from nothing, every event is run again through the
//     workflow version the instance runs on — with the recorded time, actor,
//     payload and random seed — and must produce the recorded variable
//     changes and effects, ending in the stored state and variables.
#ifndef WF_RUNTIME_VERIFY_H_
#define WF_RUNTIME_VERIFY_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/documents/file_store.h"
#include "engine/plugins/plugin_store.h"
#include "engine/runtime/definition_registry.h"
#include "engine/runtime/reader.h"
#include "wf/types.h"

namespace wf {

class Verifier {
 public:
  // `files` (may be null: attached files are then not checked) holds the
  // bytes of attached files, checked against the digest each attach event
  // recorded.
  // `plugins` (may be null: no plugins deployed) gives the plugin version
  // pinned on a document, which replay sees as ctx.plugin.
  Verifier(Reader* reader, DefinitionRegistry* registry,
           const FileStore* files = nullptr,
           plugins::PluginStore* plugins = nullptr)
      : reader_(reader), registry_(registry), files_(files),
        plugins_(plugins) {}

  absl::StatusOr<VerifyReport> Verify(const std::string& instance_id);

 private:
  Reader* const reader_;
  DefinitionRegistry* const registry_;
  const FileStore* const files_;
  plugins::PluginStore* const plugins_;
};

}  // namespace wf

#endif  // WF_RUNTIME_VERIFY_H_
