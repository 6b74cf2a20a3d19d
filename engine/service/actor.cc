// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/actor.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace wf {
namespace {

std::string Metadata(const grpc::CallbackServerContext* context,
                     const char* key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<Actor> Caller(Engine* engine, AuthMode mode,
                             const grpc::CallbackServerContext* context) {
  if (mode == AuthMode::kTrustMetadata) {
    Actor actor = Actor::Embedder();
    std::string id = Metadata(context, "wf-actor");
    if (!id.empty()) actor.id = id;
    return actor;
  }
  const std::string value = Metadata(context, "authorization");
  absl::string_view header = value;
  std::string token;
  if (absl::ConsumePrefix(&header, "Bearer ") ||
      absl::ConsumePrefix(&header, "bearer ")) {
    token = std::string(absl::StripAsciiWhitespace(header));
  }
  return engine->Authenticate(token);
}

}  // namespace wf
