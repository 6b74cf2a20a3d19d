// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/request_reader.h"

#include <string>

#include <gtest/gtest.h>

#include "engine/util/refusal.h"
#include "wf/v1/workflow.grpc.pb.h"

namespace wf {
namespace {

const std::string kNotUtf8 = "Ph\xF2ng";  // "Phòng" in Windows-1258 bytes

// `request` as a client sends it, with the text of `field` swapped for
// bytes that are not UTF-8 (protobuf will not serialize such text itself).
std::string WithBadText(const google::protobuf::Message& request,
                        const std::string& placeholder) {
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find(placeholder);
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(placeholder.size(), kNotUtf8.size());
  bytes.replace(at, placeholder.size(), kNotUtf8);
  return bytes;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

TEST(RequestReaderTest, NamesTheTextThatIsNotUtf8) {
  v1::FireEventRequest fire;
  fire.set_instance_id("XXXXX");
  fire.set_event("duyet");
  EXPECT_EQ(FindTextNotUtf8(fire.GetDescriptor(), WithBadText(fire, "XXXXX")),
            "instance_id");

  v1::FireEventRequest payload;
  payload.set_instance_id("wi-1");
  auto& fields = *payload.mutable_payload()->mutable_fields();
  fields["so"].set_number_value(3);
  fields["ly_do"].set_string_value("XXXXX");
  EXPECT_EQ(FindTextNotUtf8(payload.GetDescriptor(),
                            WithBadText(payload, "XXXXX")),
            "payload.fields[\"ly_do\"].string_value");

  v1::FireEventRequest key;
  (*key.mutable_payload()->mutable_fields())["XXXXX"].set_bool_value(true);
  EXPECT_EQ(FindTextNotUtf8(key.GetDescriptor(), WithBadText(key, "XXXXX")),
            "payload.fields (a key)");

  v1::StartInstanceRequest list;
  auto* values = (*list.mutable_variables()->mutable_fields())["ds"]
                     .mutable_list_value();
  values->add_values()->set_string_value("Xã Đại Sơn");
  values->add_values()->set_string_value("XXXXX");
  EXPECT_EQ(FindTextNotUtf8(list.GetDescriptor(), WithBadText(list, "XXXXX")),
            "variables.fields[\"ds\"].list_value.values[1].string_value");
}

TEST(RequestReaderTest, FindsNothingInGoodOrBrokenBytes) {
  v1::FireEventRequest fire;
  fire.set_instance_id("wi-1");
  (*fire.mutable_payload()->mutable_fields())["ly_do"].set_string_value(
      "Đề nghị làm rõ");
  const std::string good = fire.SerializeAsString();
  EXPECT_EQ(FindTextNotUtf8(fire.GetDescriptor(), good), "");
  EXPECT_EQ(FindTextNotUtf8(fire.GetDescriptor(), good.substr(0, 9)), "");
  EXPECT_EQ(FindTextNotUtf8(fire.GetDescriptor(), "\xff\xff\xff"), "");
}

TEST(RequestReaderTest, AGoodRequestDecodesAsGrpcWould) {
  v1::FireEventRequest sent;
  sent.set_instance_id("wi-000000000001");
  sent.set_event("trinh");
  (*sent.mutable_payload()->mutable_fields())["noi_dung"].set_string_value(
      "Kế hoạch 2026");
  grpc::ByteBuffer buffer = Buffer(sent.SerializeAsString());
  v1::FireEventRequest read;
  ASSERT_TRUE(ReadRequest(&buffer, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), sent.SerializeAsString());
  EXPECT_TRUE(UnreadableRequest(read).ok());
  EXPECT_EQ(buffer.Length(), 0u);
}

TEST(RequestReaderTest, ARequestWithTextNotUtf8IsRefusedNamingTheField) {
  v1::FireEventRequest sent;
  sent.set_instance_id("wi-000000000001");
  sent.set_event("tra_lai");
  (*sent.mutable_payload()->mutable_fields())["ly_do"].set_string_value(
      "XXXXX");
  grpc::ByteBuffer buffer = Buffer(WithBadText(sent, "XXXXX"));
  v1::FireEventRequest read;
  ASSERT_TRUE(ReadRequest(&buffer, &read).ok());
  // Nothing of it is left for a handler to act on.
  EXPECT_EQ(read.instance_id(), "");
  EXPECT_EQ(read.event(), "");
  EXPECT_FALSE(read.has_payload());
  absl::Status refused = UnreadableRequest(read);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("wf.v1.FireEventRequest"),
            std::string::npos);
  auto details = ReadRefusal(refused);
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->reason, reason::kInvalidField);
  ASSERT_EQ(details->fields.size(), 1u);
  EXPECT_EQ(details->fields[0].field, "payload.fields[\"ly_do\"].string_value");
  EXPECT_NE(details->vietnamese.find("UTF-8"), std::string::npos);
}

TEST(RequestReaderTest, BytesThatAreNotTheMessageAreRefused) {
  grpc::ByteBuffer buffer = Buffer("\x0a\x05\xff\xff\xff");
  v1::GetInstanceRequest read;
  ASSERT_TRUE(ReadRequest(&buffer, &read).ok());
  absl::Status refused = UnreadableRequest(read);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("do not decode"), std::string::npos);
  auto details = ReadRefusal(refused);
  ASSERT_TRUE(details.has_value());
  EXPECT_TRUE(details->fields.empty());
}

TEST(RequestReaderTest, AMarkTheClientSentMeansNothing) {
  // Field 536870911 (ReadRequest's mark) sent by a client, holding "x".
  const std::string bytes("\x0a\x04wi-1\xfa\xff\xff\xff\x0f\x01x", 13);
  grpc::ByteBuffer buffer = Buffer(bytes);
  v1::GetInstanceRequest read;
  ASSERT_TRUE(ReadRequest(&buffer, &read).ok());
  EXPECT_EQ(read.instance_id(), "wi-1");
  EXPECT_TRUE(UnreadableRequest(read).ok());
}

// The generated headers give gRPC our decoding for every request type, so
// it is what the server's handlers get.
TEST(RequestReaderTest, GrpcDecodesTheApisRequestsThroughTheReader) {
  v1::StartInstanceRequest sent;
  sent.set_workflow("XXXXX");
  grpc::ByteBuffer buffer = Buffer(WithBadText(sent, "XXXXX"));
  v1::StartInstanceRequest read;
  grpc::Status decoded =
      grpc::SerializationTraits<v1::StartInstanceRequest>::Deserialize(
          &buffer, &read);
  EXPECT_TRUE(decoded.ok());
  EXPECT_EQ(UnreadableRequest(read).code(), absl::StatusCode::kInvalidArgument);

  grpc::ByteBuffer upload = Buffer("\x0a\x05\xff\xff\xff");
  v1::UploadFileRequest part;
  EXPECT_TRUE(grpc::SerializationTraits<v1::UploadFileRequest>::Deserialize(
                  &upload, &part)
                  .ok());
  EXPECT_FALSE(UnreadableRequest(part).ok());
}

}  // namespace
}  // namespace wf
