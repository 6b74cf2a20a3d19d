// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/actor.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "engine/service/status_map.h"
#include "engine/util/refusal.h"
#include "engine/util/status_macros.h"

namespace wf {
namespace {

std::string Metadata(const grpc::CallbackServerContext* context,
                     const char* key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// A header that holds something but not "Bearer <token>": most often the
// bare token. Say so, rather than "no token was sent".
absl::Status NotBearer() {
  return Refusal(absl::UnauthenticatedError(
                     "Expected the authorization metadata as \"Bearer "
                     "wft_...\", but it does not start with \"Bearer \": "
                     "put the scheme and a space before the token"),
                 reason::kUnauthenticated)
      .With("problem", "not_bearer");
}

// kTrustMetadata: the `wf-actor` entry, as the embedder.
Actor TrustedCaller(const grpc::CallbackServerContext* context) {
  Actor actor = Actor::Embedder();
  std::string id = Metadata(context, "wf-actor");
  if (!id.empty()) actor.id = id;
  return actor;
}

}  // namespace

absl::StatusOr<Actor> Caller(Engine* engine, AuthMode mode,
                             const grpc::CallbackServerContext* context) {
  if (mode == AuthMode::kTrustMetadata) return TrustedCaller(context);
  WF_ASSIGN_OR_RETURN(std::string token, BearerToken(context));
  return engine->Authenticate(token);
}

absl::StatusOr<Actor> CallerBeforePasswordChange(
    Engine* engine, AuthMode mode, const grpc::CallbackServerContext* context) {
  if (mode == AuthMode::kTrustMetadata) return TrustedCaller(context);
  WF_ASSIGN_OR_RETURN(std::string token, BearerToken(context));
  return engine->AuthenticateBeforePasswordChange(token);
}

absl::StatusOr<std::string> BearerToken(
    const grpc::CallbackServerContext* context) {
  const std::string value = Metadata(context, "authorization");
  absl::string_view header = value;
  if (absl::ConsumePrefix(&header, "Bearer ") ||
      absl::ConsumePrefix(&header, "bearer ")) {
    return std::string(absl::StripAsciiWhitespace(header));
  }
  if (!header.empty()) return NotBearer();
  return std::string();
}

grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                 const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FinishCall(context, reactor, status);
  return reactor;
}

void FinishCall(grpc::CallbackServerContext* context,
                grpc::ServerUnaryReactor* reactor, const absl::Status& status) {
  grpc::Status answer = ToGrpcStatus(status);
  EndCall(context, answer);
  reactor->Finish(std::move(answer));
}

void NoteActor(grpc::CallbackServerContext* context, const Actor& actor) {
  NoteActor(context, actor.id);
}

std::function<bool()> StillWanted(grpc::CallbackServerContext* context) {
  return [context] { return !context->IsCancelled(); };
}

}  // namespace wf
