// Copyright the wf-engine authors. Apache-2.0.
//
// A workflow's `fields` (tests/testdata/chi_tra.lua): their titles name
// them in refusals, their kinds refuse values of another kind at start and
// at a step, and the workflow's description carries both (docs/lua.md,
// "Fields").
#include <string>

#include "engine/runtime/engine_test_support.h"
#include "engine/util/json.h"
#include "engine/util/refusal.h"
#include "gtest/gtest.h"
#include "wf/engine.h"

namespace wf {
namespace {


class FieldsTest : public test_support::EngineFixture {
 protected:
  FieldsTest() : EngineFixture(absl::FromUnixSeconds(1768525200)) {}

  void SetUp() override {
    Open("wf_fields", {"chi_tra.lua"});
  }

  absl::StatusOr<StartResult> Start(const std::string& vars) {
    StartRequest start;
    start.workflow = "chi_tra";
    start.variables_json = vars;
    start.actor = Actor::Embedder("ke-toan");
    return engine_->Start(start);
  }

  absl::StatusOr<FireResult> Fire(const std::string& id,
                                  const std::string& payload) {
    FireRequest fire;
    fire.instance_id = id;
    fire.event = "duyet";
    fire.payload_json = payload;
    fire.actor = Actor::Embedder("lanh-dao");
    return engine_->Fire(fire);
  }
};

// The refusal's reason, field violation and Vietnamese message.
void ExpectRefused(const absl::Status& status, const std::string& reason,
                   const std::string& field, const std::string& vietnamese) {
  ASSERT_TRUE(absl::IsInvalidArgument(status)) << status;
  std::optional<RefusalDetails> details = ReadRefusal(status);
  ASSERT_TRUE(details.has_value()) << status;
  EXPECT_EQ(details->reason, reason) << status;
  ASSERT_EQ(details->fields.size(), 1u) << status;
  EXPECT_EQ(details->fields[0].field, field) << status;
  EXPECT_EQ(details->vietnamese, vietnamese) << status;
}

TEST_F(FieldsTest, TheWorkflowDescribesItsFields) {
  auto info = engine_->GetWorkflow("chi_tra", 0);
  ASSERT_TRUE(info.ok()) << info.status();
  ASSERT_EQ(info->fields.size(), 6u);
  // By name, whatever order the file gave.
  EXPECT_EQ(info->fields[0].name, "han");
  EXPECT_EQ(info->fields[0].title, "Hạn chi trả");
  EXPECT_EQ(info->fields[0].kind, "date");
  EXPECT_EQ(info->fields[2].name, "ly_do");
  EXPECT_EQ(info->fields[2].title, "Lý do");
  EXPECT_EQ(info->fields[2].kind, "text");  // a title alone
  EXPECT_EQ(info->fields[3].name, "so_tien");
  EXPECT_EQ(info->fields[3].kind, "integer");
  EXPECT_EQ(info->fields[5].name, "xa");
  EXPECT_EQ(info->fields[5].kind, "list");
  // What forms offer beside the required fields.
  EXPECT_EQ(info->optional_fields, std::vector<std::string>{"ty_le"});
  ASSERT_EQ(info->transitions.size(), 1u);
  EXPECT_EQ(info->transitions[0].optional_fields,
            std::vector<std::string>{"ghi_chu"});
}

TEST_F(FieldsTest, OptionalFieldsMayBeLeftOutAndAreTakenWhenGiven) {
  auto started = Start(R"({"so_tien": 5000000, "han": "2026-02-10"})");
  ASSERT_TRUE(started.ok()) << started.status();
  auto fired = Fire(started->instance.id,
                    R"({"ly_do": "Đủ", "xa": ["07627"], "khan": false,
                        "ghi_chu": "Chuyển khoản"})");
  ASSERT_TRUE(fired.ok()) << fired.status();
  auto vars = ParseStoredJson(fired->instance.variables_json);
  ASSERT_TRUE(vars.ok()) << vars.status();
  EXPECT_EQ((*vars)["ghi_chu"], "Chuyển khoản");
}

TEST_F(FieldsTest, StartRefusesAValueOfAnotherKindNamingItsTitle) {
  ExpectRefused(Start(R"({"so_tien": "năm triệu", "han": "2026-02-10"})")
                    .status(),
                "INVALID_FIELD", "variables_json.so_tien",
                "«Số tiền (đồng)» phải là một số nguyên.");
  ExpectRefused(Start(R"({"so_tien": 5000000.5, "han": "2026-02-10"})")
                    .status(),
                "INVALID_FIELD", "variables_json.so_tien",
                "«Số tiền (đồng)» phải là một số nguyên.");
  const char kNotADay[] =
      "«Hạn chi trả» phải là một ngày có thật, viết dạng 10/02/2026 hoặc "
      "2026-02-10.";
  ExpectRefused(Start(R"({"so_tien": 5000000, "han": "10-02-2026"})").status(),
                "INVALID_FIELD", "variables_json.han", kNotADay);
  // Written right, but no such day.
  ExpectRefused(Start(R"({"so_tien": 5000000, "han": "30/02/2026"})").status(),
                "INVALID_FIELD", "variables_json.han", kNotADay);
  ExpectRefused(Start(R"({"so_tien": 5000000, "han": 20260210})").status(),
                "INVALID_FIELD", "variables_json.han", kNotADay);
  ExpectRefused(Start(R"({"so_tien": 1, "han": "2026-02-10", "xa": "07627"})")
                    .status(),
                "INVALID_FIELD", "variables_json.xa",
                "«Các xã» phải là một danh sách.");
  ExpectRefused(Start(R"({"so_tien": 1, "han": "2026-02-10", "khan": "có"})")
                    .status(),
                "INVALID_FIELD", "variables_json.khan",
                "«Khẩn» phải là có hoặc không (true hoặc false).");
  ExpectRefused(Start(R"({"so_tien": 1, "han": "2026-02-10", "ty_le": "1%"})")
                    .status(),
                "INVALID_FIELD", "variables_json.ty_le",
                "«Tỷ lệ» phải là một số.");
  ListInstancesRequest all;
  all.actor = Actor::Embedder("admin");
  auto listed = engine_->ListInstances(all);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->instances.empty()) << "a refused start wrote nothing";
}

TEST_F(FieldsTest, AMissingFieldIsNamedByItsTitle) {
  ExpectRefused(Start(R"({"han": "2026-02-10"})").status(), "FIELD_REQUIRED",
                "variables_json.so_tien",
                "Chưa nhập «Số tiền (đồng)»: hồ sơ mới bắt buộc phải có.");
  auto started = Start(R"({"so_tien": 5000000, "han": "2026-02-10"})");
  ASSERT_TRUE(started.ok()) << started.status();
  ExpectRefused(Fire(started->instance.id, "{}").status(), "FIELD_REQUIRED",
                "payload_json.ly_do",
                "Chưa nhập «Lý do»: bước này bắt buộc phải có.");
}

TEST_F(FieldsTest, AStepRefusesAValueOfAnotherKindAndChangesNothing) {
  // A whole number sent as a double (as google.protobuf.Struct carries
  // every number) is a whole number.
  auto started = Start(R"({"so_tien": 5000000.0, "han": "2026-02-10",
                           "khan": true, "ty_le": 0.5})");
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = started->instance.id;
  ExpectRefused(
      Fire(id, R"({"ly_do": "Đủ hồ sơ", "xa": "07627", "khan": false})")
          .status(),
                "INVALID_FIELD", "payload_json.xa",
                "«Các xã» phải là một danh sách.");
  ExpectRefused(
      Fire(id, R"({"ly_do": ["Đủ hồ sơ"], "xa": [], "khan": false})")
          .status(),
                "INVALID_FIELD", "payload_json.ly_do",
                "«Lý do» phải là chữ (văn bản).");
  auto still = engine_->GetInstance(id, Actor::Embedder("lanh-dao"));
  ASSERT_TRUE(still.ok()) << still.status();
  EXPECT_EQ(still->state, "de_xuat");
  EXPECT_EQ(still->version, started->instance.version);

  auto fired = Fire(id, R"({"ly_do": "Đủ hồ sơ", "xa": ["07627", "07630"],
                          "khan": true})");
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(fired->instance.state, "da_duyet");
  auto vars = Json::parse(fired->instance.variables_json);
  EXPECT_EQ(vars["xa"], Json::array({"07627", "07630"}));
  // Both ways of writing a day; fields the workflow does not declare are
  // not checked.
  auto other = Start(R"({"so_tien": 1, "han": "31/12/2026", "ghi_chu": 7})");
  EXPECT_TRUE(other.ok()) << other.status();
}

}  // namespace
}  // namespace wf
