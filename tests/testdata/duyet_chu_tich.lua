-- Only the chairman of the document's unit approves (the delegation test:
-- the vice-chairman can approve only while acting for the chairman).
workflow "duyet_chu_tich" {
  title = "Chủ tịch phê duyệt",
  initial = "cho_duyet",
  started_by = { role = "can_bo", unit = "same_unit" },
}
state "cho_duyet" { title = "Chờ Chủ tịch phê duyệt" }
state "da_duyet"  { title = "Đã phê duyệt", final = true }
transition "duyet" {
  from = "cho_duyet", to = "da_duyet",
  who = { role = "chu_tich", unit = "same_unit" },
}
