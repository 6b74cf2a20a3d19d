// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/refusal.h"

#include <set>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(RefusalTest, CarriesReasonMetadataFieldsAndVietnamese) {
  absl::Status s =
      Refusal(absl::FailedPreconditionError("Expected X, but Y"),
              reason::kEventNotAllowed)
          .With("state", "cho_duyet")
          .With("version", uint64_t{7})
          .Field("event")
          .Vietnamese("Văn bản đang chờ duyệt");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "Expected X, but Y");
  auto d = ReadRefusal(s);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->reason, "EVENT_NOT_ALLOWED");
  EXPECT_EQ(d->metadata.at("state"), "cho_duyet");
  EXPECT_EQ(d->metadata.at("version"), "7");
  ASSERT_EQ(d->fields.size(), 1u);
  EXPECT_EQ(d->fields[0].field, "event");
  EXPECT_EQ(d->fields[0].description, "Expected X, but Y");
  EXPECT_EQ(d->vietnamese, "Văn bản đang chờ duyệt");
}

TEST(RefusalTest, ConvertsToStatusOr) {
  auto refuse = []() -> absl::StatusOr<int> {
    return Refusal(absl::NotFoundError("none"), reason::kInstanceNotFound);
  };
  absl::StatusOr<int> r = refuse();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ReadRefusal(r.status())->reason, "INSTANCE_NOT_FOUND");
}

TEST(RefusalTest, OkStaysOkWithoutPayload) {
  absl::Status s = Refusal(absl::OkStatus(), reason::kInvalidField);
  EXPECT_TRUE(s.ok());
  EXPECT_FALSE(ReadRefusal(s).has_value());
  EXPECT_TRUE(ForField(absl::OkStatus(), "x", reason::kInvalidField).ok());
}

TEST(RefusalTest, PlainStatusHasNone) {
  EXPECT_FALSE(ReadRefusal(absl::InternalError("boom")).has_value());
}

TEST(RefusalTest, WithReasonKeepsTheInnermostReason) {
  absl::Status inner = Refusal(absl::ResourceExhaustedError("too big"),
                               reason::kPayloadTooLarge);
  EXPECT_EQ(ReadRefusal(WithReason(inner, reason::kInvalidField))->reason,
            "PAYLOAD_TOO_LARGE");
  absl::Status plain = absl::InvalidArgumentError("bad");
  EXPECT_EQ(ReadRefusal(WithReason(plain, reason::kInvalidField))->reason,
            "INVALID_FIELD");
}

TEST(RefusalTest, WithMetadataAddsToAnExistingRefusal) {
  absl::Status s = Refusal(absl::AbortedError("moved"), reason::kContention)
                       .With("attempts", "3");
  s = WithMetadata(s, "attempts", "4");
  s = WithMetadata(s, "instance_id", "wi-1");
  auto d = ReadRefusal(s);
  EXPECT_EQ(d->reason, "CONTENTION");
  EXPECT_EQ(d->metadata.at("attempts"), "4");
  EXPECT_EQ(d->metadata.at("instance_id"), "wi-1");
}

TEST(RefusalTest, ForFieldNamesTheFieldAndKeepsEarlierDetails) {
  absl::Status s = ForField(absl::InvalidArgumentError("Expected JSON"),
                            "payload_json", reason::kInvalidField);
  s = ForField(s, "event", reason::kFieldRequired);
  auto d = ReadRefusal(s);
  EXPECT_EQ(d->reason, "INVALID_FIELD");
  ASSERT_EQ(d->fields.size(), 2u);
  EXPECT_EQ(d->fields[0].field, "payload_json");
  EXPECT_EQ(d->fields[0].description, "Expected JSON");
  EXPECT_EQ(d->fields[1].field, "event");
}

TEST(RefusalTest, SurvivesCopiesAndReasonsAreDistinct) {
  absl::Status s = Refusal(absl::UnavailableError("down"),
                           reason::kStoreUnavailable);
  absl::StatusOr<int> wrapped = s;
  absl::Status copy = wrapped.status();
  EXPECT_EQ(ReadRefusal(copy)->reason, "STORE_UNAVAILABLE");
  std::set<std::string> names(AllReasons().begin(), AllReasons().end());
  EXPECT_EQ(names.size(), AllReasons().size());
}

}  // namespace
}  // namespace wf
