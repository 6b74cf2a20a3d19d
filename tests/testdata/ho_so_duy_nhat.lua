-- A dossier whose business key is unique in its workflow (one per person
-- and year). Used by the child tests: a plan that starts two for one key.
workflow "ho_so_duy_nhat" {
  title = "Hồ sơ (mỗi người một hồ sơ)",
  initial = "mo",
  unique_business_key = true,
  who = { role = "*", unit = "same_unit" },
}

state "mo"   { title = "Đang mở" }
state "dong" { title = "Đã đóng", final = true }

transition "dong" { from = "mo", to = "dong" }
