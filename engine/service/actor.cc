// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/actor.h"

#include <string>

#include "absl/strings/ascii.h"
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

namespace {

// The host of a gRPC peer ("ipv4:10.0.0.7:5000", "ipv6:[::1]:5000", with
// the brackets as %5B %5D in some versions), or "local" for a Unix socket.
std::string PeerHost(absl::string_view peer) {
  if (absl::StartsWith(peer, "unix")) return "local";
  absl::string_view host = peer;
  if (absl::ConsumePrefix(&host, "ipv6:")) {
    if (absl::ConsumePrefix(&host, "[") || absl::ConsumePrefix(&host, "%5B")) {
      host = host.substr(0, host.find_first_of("]%"));
      absl::ConsumePrefix(&host, "::ffff:");  // an IPv4 client of [::]
      return std::string(host);
    }
  } else {
    absl::ConsumePrefix(&host, "ipv4:");
  }
  return std::string(host.substr(0, host.rfind(':')));
}

bool IsLoopback(absl::string_view host) {
  return host == "local" || host == "::1" || absl::StartsWith(host, "127.");
}

// An IPv4 or IPv6 address as text: hex digits, dots and colons.
bool LooksLikeAddress(absl::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(c) && c != '.' && c != ':') return false;
  }
  return true;
}

}  // namespace

std::string SignInSource(absl::string_view peer, absl::string_view forwarded) {
  std::string host = PeerHost(peer);
  if (!IsLoopback(host)) return host;
  // The client nearest the console comes first.
  absl::string_view first = forwarded.substr(0, forwarded.find(','));
  first = absl::StripAsciiWhitespace(first);
  return LooksLikeAddress(first) ? std::string(first) : host;
}

std::string SignInSource(const grpc::CallbackServerContext* context) {
  return SignInSource(context->peer(), Metadata(context, "x-forwarded-for"));
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
