// Copyright the wf-engine authors. Apache-2.0.
//
// Requests that do not parse, refused with words.
//
// gRPC 1.51 decodes a typed method's request before any handler runs, and
// answers one that does not decode (bytes that are not protobuf, or a string
// that is not UTF-8, which proto3 forbids) with UNIMPLEMENTED and no
// message. An integrator whose older system sends Vietnamese in TCVN3 or VNI
// would read that as "no such method". So every request type of the API
// decodes through ReadRequest instead: the generated `wf/v1/*.readable.h`
// (cmake/readable_requests.cmake, included by the generated `*.grpc.pb.h`)
// declares WF_READABLE_REQUEST for each, which gives gRPC our
// SerializationTraits for that type. A request that does not decode reaches
// its handler empty and marked with what was wrong; the handler refuses it
// with UnreadableRequest, INVALID_ARGUMENT (INVALID_FIELD) naming the field,
// before it reads anything else: nothing is written.
#ifndef WF_SERVICE_REQUEST_READER_H_
#define WF_SERVICE_REQUEST_READER_H_

#include <string>

#include <google/protobuf/message.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wf {

// Decodes `buffer` into `request`, as gRPC's own traits do, and empties the
// buffer. Always OK: a request that does not decode is left empty and marked
// (ReadRequest's mark, a field number no request uses).
grpc::Status ReadRequest(grpc::ByteBuffer* buffer,
                         google::protobuf::Message* request);

// The path of the first string in `bytes`, a `type` on the wire, that is not
// UTF-8 ("payload.fields[\"ly_do\"].string_value"); empty when there is none
// or the bytes are malformed before one is found.
std::string FindTextNotUtf8(const google::protobuf::Descriptor* type,
                            absl::string_view bytes);

// OK for a request that decoded; for one that did not, INVALID_ARGUMENT
// (INVALID_FIELD) saying why and naming the field when a string was not
// UTF-8.
absl::Status UnreadableRequest(const google::protobuf::Message& request);

// A raw method (GetInbox) decodes its own request.
inline absl::Status UnreadableRequest(const grpc::ByteBuffer&) {
  return absl::OkStatus();
}

}  // namespace wf

// gRPC's traits for the request type `Type`, decoding with wf::ReadRequest.
// Used at global scope, once per type, before any gRPC template that codes
// `Type` is instantiated (the generated `*.readable.h` sees to both).
#define WF_READABLE_REQUEST(Type)                                          \
  namespace grpc {                                                         \
  template <>                                                              \
  class SerializationTraits<Type, void> {                                  \
   public:                                                                 \
    static Status Serialize(const Type& message, ByteBuffer* buffer,      \
                            bool* own_buffer) {                            \
      return GenericSerialize<ProtoBufferWriter, Type>(message, buffer,    \
                                                       own_buffer);        \
    }                                                                      \
    static Status Deserialize(ByteBuffer* buffer, Type* message) {         \
      return ::wf::ReadRequest(buffer, message);                           \
    }                                                                      \
  };                                                                       \
  }

#endif  // WF_SERVICE_REQUEST_READER_H_
