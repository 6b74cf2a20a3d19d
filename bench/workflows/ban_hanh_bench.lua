-- Benchmark workflow (loadgen --mode=issue): a plan drafted, signed, then
-- issued with the next number of a register: the test workflow
-- tests/testdata/ke_hoach_bcd.lua reshaped for the load generator. The
-- issuing unit and the register come
-- from the start variables, so that the load generator chooses how many
-- registers its lanes contend on:
--   co_quan   the issuing unit (an org unit id: the lane's commune)
--   so        the register key ("bench-so-0", ...)
--   trich_yeu the document's summary
--   noi_dung  ~2 KB of text, as in the approval benchmark
-- Three synced writes per document: start, "ky" and "ban_hanh" (which takes
-- the number and sends the document to the unit in the payload's "xa").

workflow "ban_hanh_bench" {
  title = "Kế hoạch (benchmark ban hành)",
  initial = "du_thao",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.document.set{
      type = "KH",
      issuer = ctx.vars.co_quan, issuer_name = "BAN CHỈ ĐẠO 138 XÃ",
      parent_body = "UBND TỈNH BẮC NINH",
      issuer_code = "BCĐ", place = "Bắc Ninh", register = ctx.vars.so,
      trich_yeu = ctx.vars.trich_yeu,
    }
  end,
}

state "du_thao"      { title = "Dự thảo" }
state "cho_ban_hanh" { title = "Đã ký, chờ ban hành" }
state "da_ban_hanh"  { title = "Đã ban hành", final = true }

transition "ky" {
  from = "du_thao", to = "cho_ban_hanh",
  action = function(ctx)
    ctx.vars.nguoi_ky = ctx.payload.nguoi_ky or "Nguyễn Văn Khải"
  end,
}

transition "ban_hanh" {
  from = "cho_ban_hanh", to = "da_ban_hanh",
  action = function(ctx)
    local noi_nhan = wf.array()
    for _, xa in ipairs(ctx.payload.xa or {}) do
      noi_nhan[#noi_nhan + 1] = { unit = xa, label = "BCĐ 138 xã " .. xa,
                                  purpose = "để t/hiện" }
    end
    noi_nhan[#noi_nhan + 1] = { label = "Lưu: VT" }
    local so = ctx.document.issue{
      signer = { form = "KT.", title_lines = { "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN" },
                 name = ctx.vars.nguoi_ky },
      recipients = noi_nhan,
    }
    ctx.vars.so_hieu = so.reference
    ctx.vars.ngay = so.date_line
  end,
}
