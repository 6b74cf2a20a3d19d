// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/request_reader.h"

#include <optional>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/util/refusal.h"
#include "engine/util/text.h"

namespace wf {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

// The largest field number protobuf allows; no request declares it. A
// request that did not decode carries it, unknown, holding the path of the
// text that was not UTF-8 (empty if the bytes were malformed otherwise).
constexpr int kUnreadableMark = (1 << 29) - 1;

// Protobuf itself stops at 100 levels; a request is never this deep.
constexpr int kMaxDepth = 64;

// Walks a message's wire bytes as FindTextNotUtf8 says. `found` is set to
// the path of the bad text; false means the bytes are malformed, stop.
class Utf8Walk {
 public:
  explicit Utf8Walk(absl::string_view bytes)
      : in_(reinterpret_cast<const uint8_t*>(bytes.data()),
            static_cast<int>(bytes.size())) {}

  std::optional<std::string> Run(const Descriptor* type) {
    std::optional<std::string> found;
    Message(type, 0, &found);
    return found;
  }

 private:
  // Until the end of the message or its limit, or bad text is found.
  bool Message(const Descriptor* type, int depth,
               std::optional<std::string>* found) {
    if (depth > kMaxDepth) return false;
    absl::flat_hash_map<int, int> seen;  // repeated fields' next index
    while (uint32_t tag = in_.ReadTag()) {
      const FieldDescriptor* field = type->FindFieldByNumber(
          WireFormatLite::GetTagFieldNumber(tag));
      const bool delimited = WireFormatLite::GetTagWireType(tag) ==
                             WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
      if (field == nullptr || !delimited ||
          (field->type() != FieldDescriptor::TYPE_STRING &&
           field->type() != FieldDescriptor::TYPE_MESSAGE)) {
        if (!WireFormatLite::SkipField(&in_, tag)) return false;
        continue;
      }
      std::string name(field->name());
      if (field->is_repeated() && !field->is_map()) {
        absl::StrAppend(&name, "[", seen[field->number()]++, "]");
      }
      if (!Field(field, name, depth, found)) return false;
      if (found->has_value()) return true;
    }
    return true;
  }

  // One string or message field, named `name` in the path.
  bool Field(const FieldDescriptor* field, const std::string& name, int depth,
             std::optional<std::string>* found) {
    uint32_t length = 0;
    if (!in_.ReadVarint32(&length)) return false;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      std::string text;
      if (!in_.ReadString(&text, static_cast<int>(length))) return false;
      if (!IsValidUtf8(text)) *found = name;
      return true;
    }
    const CodedInputStream::Limit limit = in_.PushLimit(static_cast<int>(length));
    const bool ok = field->is_map()
                        ? MapEntry(field->message_type(), name, depth, found)
                        : Message(field->message_type(), depth + 1, found);
    if (!ok) return false;
    if (found->has_value()) {
      if (!field->is_map()) *found = absl::StrCat(name, ".", **found);
      return true;
    }
    if (!in_.ConsumedEntireMessage()) return false;
    in_.PopLimit(limit);
    return true;
  }

  // A map entry: the key, then the value; the path names the key
  // (`fields["ly_do"]`) once it is known to be text.
  bool MapEntry(const Descriptor* entry, const std::string& name, int depth,
                std::optional<std::string>* found) {
    std::string key_path = name;
    while (uint32_t tag = in_.ReadTag()) {
      const int number = WireFormatLite::GetTagFieldNumber(tag);
      const FieldDescriptor* field = entry->FindFieldByNumber(number);
      const bool delimited = WireFormatLite::GetTagWireType(tag) ==
                             WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
      if (field == nullptr || !delimited) {
        if (!WireFormatLite::SkipField(&in_, tag)) return false;
        continue;
      }
      if (number == 1 && field->type() == FieldDescriptor::TYPE_STRING) {
        uint32_t length = 0;
        std::string key;
        if (!in_.ReadVarint32(&length) ||
            !in_.ReadString(&key, static_cast<int>(length))) {
          return false;
        }
        if (!IsValidUtf8(key)) {
          *found = absl::StrCat(name, " (a key)");
          return true;
        }
        key_path = absl::StrCat(name, "[\"", key, "\"]");
        continue;
      }
      if (field->type() != FieldDescriptor::TYPE_STRING &&
          field->type() != FieldDescriptor::TYPE_MESSAGE) {
        if (!WireFormatLite::SkipField(&in_, tag)) return false;
        continue;
      }
      if (!Field(field, key_path, depth + 1, found)) return false;
      if (found->has_value()) return true;
    }
    return true;
  }

  CodedInputStream in_;
};

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

}  // namespace

std::string FindTextNotUtf8(const Descriptor* type, absl::string_view bytes) {
  return Utf8Walk(bytes).Run(type).value_or("");
}

grpc::Status ReadRequest(grpc::ByteBuffer* buffer,
                         google::protobuf::Message* request) {
  if (buffer == nullptr) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "No payload");
  }
  bool decoded = false;
  {
    grpc::ProtoBufferReader reader(buffer);
    decoded = reader.status().ok() && request->ParseFromZeroCopyStream(&reader);
  }
  if (decoded) {
    // A mark the client sent itself means nothing.
    if (!request->GetReflection()->GetUnknownFields(*request).empty()) {
      request->GetReflection()->MutableUnknownFields(request)->DeleteByNumber(
          kUnreadableMark);
    }
  } else {
    const std::string path =
        FindTextNotUtf8(request->GetDescriptor(), Bytes(*buffer));
    request->Clear();
    request->GetReflection()
        ->MutableUnknownFields(request)
        ->AddLengthDelimited(kUnreadableMark, path);
  }
  buffer->Clear();
  return grpc::Status::OK;
}

absl::Status UnreadableRequest(const google::protobuf::Message& request) {
  const google::protobuf::UnknownFieldSet& unknown =
      request.GetReflection()->GetUnknownFields(request);
  if (unknown.empty()) return absl::OkStatus();
  for (int i = 0; i < unknown.field_count(); ++i) {
    const google::protobuf::UnknownField& mark = unknown.field(i);
    if (mark.number() != kUnreadableMark ||
        mark.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    const std::string& path = mark.length_delimited();
    const std::string type(request.GetDescriptor()->full_name());
    if (path.empty()) {
      return Refusal(absl::InvalidArgumentError(absl::StrCat(
                         "Expected a ", type,
                         ", but the request's bytes do not decode as one: "
                         "check that the client sends this method's request")),
                     reason::kInvalidField);
    }
    return Refusal(absl::InvalidArgumentError(absl::StrCat(
                       "Expected every text of a ", type,
                       " to be UTF-8, but `", path,
                       "` is not: convert text from TCVN3, VNI or another "
                       "legacy encoding to UTF-8 before sending it")),
                   reason::kInvalidField)
        .Field(path, "not UTF-8")
        .Vietnamese(absl::StrCat("Trường ", path,
                                 " không phải văn bản UTF-8: hãy chuyển từ "
                                 "TCVN3, VNI hoặc bảng mã khác sang Unicode "
                                 "UTF-8 rồi gửi lại."));
  }
  return absl::OkStatus();
}

}  // namespace wf
