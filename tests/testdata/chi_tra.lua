-- A test workflow whose fields have titles and kinds (docs/lua.md, "Fields"):
-- a payment proposed with its amount and due date (and a rate, if known),
-- approved with a reason, the communes it covers and whether it is urgent
-- (and a note, if any). `ghi_chu` has no entry in `fields`: forms show it
-- as text. The engine tests check
-- the kinds at the boundary (engine/runtime/fields_engine_test.cc); the
-- console test fills in a box of each kind (tests/node/console.test.mjs).

workflow "chi_tra" {
  title = "Chi trả kinh phí",
  initial = "de_xuat",
  requires = { "so_tien", "han" },
  optional = { "ty_le" },
  who = { role = "*", unit = "same_unit" },
  fields = {
    so_tien = { title = "Số tiền (đồng)", kind = "integer" },
    han = { title = "Hạn chi trả", kind = "date" },
    ty_le = { title = "Tỷ lệ", kind = "number" },
    xa = { title = "Các xã", kind = "list" },
    khan = { title = "Khẩn", kind = "boolean" },
    ly_do = "Lý do",
  },
}

state "de_xuat" { title = "Đề xuất" }
state "da_duyet" { title = "Đã duyệt", final = true }

transition "duyet" {
  title = "Duyệt chi",
  from = "de_xuat", to = "da_duyet", requires = { "ly_do", "xa", "khan" },
  optional = { "ghi_chu" },
  action = function(ctx)
    ctx.vars.ghi_chu = ctx.payload.ghi_chu
    ctx.vars.ly_do = ctx.payload.ly_do
    ctx.vars.xa = ctx.payload.xa
    ctx.vars.khan = ctx.payload.khan
  end,
}
