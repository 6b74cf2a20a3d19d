// Copyright the wf-engine authors. Apache-2.0.
//
// Who is calling: every call but health checking and reflection carries
// `authorization: Bearer wft_...`, which the engine turns into an actor
// (a person of the org directory, or an administrator).
//
// `kTrustMetadata` is for local development and benchmarks only: the actor
// is the `wf-actor` metadata entry, trusted as the embedder is — never use it
// on a network (wf_server refuses it on a non-loopback address).
#ifndef WF_SERVICE_ACTOR_H_
#define WF_SERVICE_ACTOR_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "engine/service/observe.h"
#include "engine/service/request_reader.h"
#include "wf/engine.h"

namespace wf {

enum class AuthMode { kTokens, kTrustMetadata };

absl::StatusOr<Actor> Caller(Engine* engine, AuthMode mode,
                             const grpc::CallbackServerContext* context);
// As Caller, but a session whose person must first replace a password an
// administrator set passes too (Engine::AuthenticateBeforePasswordChange):
// for ChangePassword, SignOut and WhoAmI only.
absl::StatusOr<Actor> CallerBeforePasswordChange(
    Engine* engine, AuthMode mode, const grpc::CallbackServerContext* context);

// The bearer token the call carries ("" when none); UNAUTHENTICATED for an
// authorization header without the Bearer scheme.
absl::StatusOr<std::string> BearerToken(
    const grpc::CallbackServerContext* context);

// Where a sign-in comes from, for its lockout (PasswordStore): the
// caller's address; from a caller on this machine (the console), the
// address it forwards in `x-forwarded-for` (its browser's). "local" for a
// caller on a Unix socket forwarding none.
std::string SignInSource(const grpc::CallbackServerContext* context);
// The same from the peer as gRPC names it ("ipv4:127.0.0.1:5000") and the
// forwarded header's value; an address that is not one is ignored.
std::string SignInSource(absl::string_view peer, absl::string_view forwarded);

// Finishes a unary call at once with `status` (mapped by ToGrpcStatus),
// ending its observation.
grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                 const absl::Status& status);

// Finishes a unary call later (from a completion callback) through its
// `reactor`, ending its observation first.
void FinishCall(grpc::CallbackServerContext* context,
                grpc::ServerUnaryReactor* reactor, const absl::Status& status);

// Asked just before a write commits (wf::StartRequest::still_wanted): a
// call whose client cancelled it or whose deadline passed is not committed.
std::function<bool()> StillWanted(grpc::CallbackServerContext* context);

// Notes who called, for the access log (the id, never the token).
void NoteActor(grpc::CallbackServerContext* context, const Actor& actor);

}  // namespace wf

// In a handler of a service with `observe_` (the server's ObserveOptions)
// and `Api` (its generated service class): begins observing the call under
// the path made of the service's name and the handler's own (__func__).
#define WF_OBSERVE(unary)                                                  \
  static const std::string* const wf_method_path = new std::string(       \
      ::wf::MethodPath(Api::service_full_name(), __func__));               \
  ::wf::BeginCall(observe_, context, wf_method_path->c_str(), unary)

// In a unary handler whose request is `request`: answers a request that did
// not decode (engine/service/request_reader.h) before anything reads it.
#define WF_REQUEST_READABLE()                                             \
  do {                                                                    \
    absl::Status wf_unreadable = ::wf::UnreadableRequest(*request);      \
    if (!wf_unreadable.ok()) return ::wf::Answer(context, wf_unreadable); \
  } while (false)

// In a unary handler of a service with `engine_`, `auth_`, `observe_` and
// `Api`: begins observing the call, then authenticates the caller into
// `actor` (noted for the access log), or answers UNAUTHENTICATED.
#define WF_CALLER(actor) WF_CALLER_BY(actor, ::wf::Caller)

// As WF_CALLER, for the calls a session may make before its person replaces
// a password an administrator set.
#define WF_CALLER_BEFORE_PASSWORD_CHANGE(actor) \
  WF_CALLER_BY(actor, ::wf::CallerBeforePasswordChange)

#define WF_CALLER_BY(actor, authenticate)                             \
  WF_OBSERVE(true);                                                   \
  WF_REQUEST_READABLE();                                              \
  auto actor##_or = authenticate(engine_, auth_, context);            \
  if (!actor##_or.ok()) return ::wf::Answer(context, actor##_or.status()); \
  const ::wf::Actor& actor = *actor##_or;                             \
  ::wf::NoteActor(context, actor)

#endif  // WF_SERVICE_ACTOR_H_
