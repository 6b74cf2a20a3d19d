-- Notices (ListNotices) in the engine's tests: each step sends what its
-- payload says to whom it names (`den`: a unit's or a person's id).

workflow "bao_tin" {
  title = "Gửi thông báo",
  initial = "mo",
  who = { role = "*", unit = "same_unit" },
}

state "mo" { title = "Đang mở" }

transition "gui" {
  title = "Gửi thông báo",
  from = "mo", stay = true,
  requires = { "den" },
  optional = { "loai", "noi_dung", "den_2" },
  action = function(ctx)
    ctx.emit(ctx.payload.loai or "thong_bao",
             { den = ctx.payload.den, noi_dung = ctx.payload.noi_dung })
    if ctx.payload.den_2 then
      ctx.emit("don_doc", { den = ctx.payload.den_2, noi_dung = "Lần hai" })
    end
  end,
}

transition "khong_den" {
  title = "Hiệu ứng không gửi ai",
  from = "mo", stay = true,
  action = function(ctx)
    ctx.emit("ghi_chu", { noi_dung = "Không gửi ai" })
    ctx.emit("thong_bao", { den = 7 })
    ctx.emit("thong_bao", { den = "có\nxuống dòng" })
  end,
}
