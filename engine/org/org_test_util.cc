// Copyright the wf-engine authors. Apache-2.0.
#include "engine/org/org_test_util.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/org/csv_import.h"
#include "engine/util/status_macros.h"

namespace wf::org::testing {

absl::StatusOr<std::string> ReadProvinceFile(absl::string_view file_name) {
  std::string path = absl::StrCat(WF_PROVINCES_DIR, "/", file_name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ToNfd(absl::string_view text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(error);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  nfd->normalizeUTF8(0, icu::StringPiece(text.data(), text.size()), sink,
                     nullptr, error);
  return out;
}

OrgUnit MakeUnit(std::string id, std::string name, std::string kind,
                 std::string parent_id, absl::CivilDay from,
                 std::optional<absl::CivilDay> to,
                 std::vector<std::string> tags) {
  return OrgUnit{std::move(id),
                 std::move(name),
                 std::move(kind),
                 std::move(parent_id),
                 std::move(tags),
                 from,
                 to};
}

absl::StatusOr<std::vector<OrgUnit>> BacNinhUnits() {
  const absl::CivilDay from(2025, 7, 1);
  OrgUnit province = MakeUnit("bac_ninh", "Bắc Ninh", kKindTinh, "", from);
  WF_ASSIGN_OR_RETURN(std::string list, ReadProvinceFile("bac_ninh_2025.csv"));
  WF_ASSIGN_OR_RETURN(std::vector<OrgUnit> communes,
                      ImportProvinceListCsv(list, province, from));
  WF_ASSIGN_OR_RETURN(
      std::vector<OrgUnit> agencies,
      ImportOrgCsv(
          "id,name,kind,parent,valid_from,valid_to,tags\n"
          "bn_cong_an_tinh,Công an tỉnh Bắc Ninh,co_quan,bac_ninh,"
          "01/07/2025,,co_quan_thuong_truc\n"
          "bn_phong_tham_muu,Phòng Tham mưu,phong,bn_cong_an_tinh,"
          "01/07/2025,,\n"
          "bn_so_noi_vu,Sở Nội vụ,co_quan,bac_ninh,01/07/2025,,so_noi_vu\n"
          "bn_ban_tdkt,Ban Thi đua - Khen thưởng,phong,bn_so_noi_vu,"
          "01/07/2025,,\n"
          "bn_vp_ubnd,Văn phòng UBND tỉnh,co_quan,bac_ninh,01/07/2025,,"
          "van_thu\n"
          "bn_ca_dai_son,Công an xã Đại Sơn,co_quan,07627,01/07/2025,,\n",
          communes));
  return MergeUnits({communes, agencies});
}

absl::StatusOr<std::vector<OrgUnit>> TuyenQuangUnits() {
  OrgUnit province = MakeUnit("tuyen_quang", "Tuyên Quang", kKindTinh, "",
                              absl::CivilDay(2024, 1, 1));
  WF_ASSIGN_OR_RETURN(std::string old_list,
                      ReadProvinceFile("tuyen_quang_2024_districts.csv"));
  WF_ASSIGN_OR_RETURN(std::string new_list,
                      ReadProvinceFile("tuyen_quang_2025.csv"));
  WF_ASSIGN_OR_RETURN(
      std::vector<OrgUnit> old_units,
      ImportDistrictsCsv(old_list, province, absl::CivilDay(2024, 1, 1)));
  WF_ASSIGN_OR_RETURN(
      std::vector<OrgUnit> new_units,
      ImportProvinceListCsv(new_list, province, absl::CivilDay(2025, 7, 1)));
  WF_ASSIGN_OR_RETURN(
      std::vector<OrgUnit> agencies,
      ImportOrgCsv("id,name,kind,parent,valid_from,valid_to,tags\n"
                   "tq_cong_an_tinh,Công an tỉnh Tuyên Quang,co_quan,"
                   "tuyen_quang,2024-01-01,,co_quan_thuong_truc\n"
                   "tq_phong_tham_muu,Phòng Tham mưu,phong,tq_cong_an_tinh,"
                   "2024-01-01,,\n"
                   "tq_so_noi_vu,Sở Nội vụ,co_quan,tuyen_quang,2024-01-01,,"
                   "so_noi_vu\n",
                   {province}));
  return MergeUnits({old_units, new_units, agencies});
}

}  // namespace wf::org::testing
