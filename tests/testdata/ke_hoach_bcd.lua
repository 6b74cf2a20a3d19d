-- A plan of a steering committee (seed 000, Bắc Ninh) or of a province's
-- UBND (seed 003, Thanh Hóa): drafted, signed, then issued by the clerical
-- office with the next number of the issuer's own register, to a few
-- communes, each of which gets a report to send back. The issuers'
-- abbreviations and registers are data of this file, not of the engine.
local CO_QUAN = {
  bcd_bac_ninh = {
    don_vi = "phong_tham_muu",       -- where its văn thư works (org unit)
    ten = "BAN CHỈ ĐẠO 138",
    cap_tren = "UBND TỈNH BẮC NINH",
    viet_tat = "BCĐ",
    dia_danh = "Bắc Ninh",
    so = "bcd-138-bac-ninh",         -- NĐ 30: a BCĐ keeps its own series
  },
  ubnd_thanh_hoa = {
    don_vi = "cong_an_tinh",
    ten = "ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
    cap_tren = "",
    viet_tat = "UBND",
    dia_danh = "Thanh Hóa",
    so = "ubnd-thanh-hoa",
  },
}

workflow "ke_hoach_bcd" {
  title = "Kế hoạch của Ban Chỉ đạo",
  initial = "du_thao",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    local cq = CO_QUAN[ctx.vars.co_quan or "bcd_bac_ninh"]
    ctx.document.set{
      type = "KH",
      issuer = cq.don_vi, issuer_name = cq.ten, parent_body = cq.cap_tren,
      issuer_code = cq.viet_tat, place = cq.dia_danh, register = cq.so,
    }
    if ctx.vars.trich_yeu then
      ctx.document.set{ trich_yeu = ctx.vars.trich_yeu }
    end
  end,
}

state "du_thao"      { title = "Dự thảo" }
state "cho_ban_hanh" { title = "Đã ký, chờ ban hành" }
state "da_ban_hanh"  { title = "Đã ban hành" }
state "da_thu_hoi"   { title = "Đã thu hồi", final = true }

-- Any change of metadata the payload asks for (tests of set's checks).
transition "sua" {
  from = "du_thao", to = "du_thao",
  action = function(ctx) ctx.document.set(ctx.payload.truong) end,
}

transition "ky" {
  from = "du_thao", to = "cho_ban_hanh",
  action = function(ctx)
    ctx.vars.nguoi_ky = ctx.payload.nguoi_ky or "Nguyễn Văn Khải"
  end,
}

-- Issues to the communes of the payload; each gets its plan to send back.
transition "ban_hanh" {
  from = "cho_ban_hanh", to = "da_ban_hanh",
  action = function(ctx)
    local noi_nhan = wf.array()
    for _, xa in ipairs(ctx.payload.xa or {}) do
      noi_nhan[#noi_nhan + 1] = { unit = xa, label = "BCĐ 138 xã " .. xa,
                                  purpose = "để t/hiện", group = "BCĐ 138 cấp xã" }
    end
    noi_nhan[#noi_nhan + 1] = { label = "Lưu: VT, PV01" }
    local so = ctx.document.issue{
      signer = { form = "KT.", title_lines = { "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN" },
                 name = ctx.vars.nguoi_ky },
      recipients = noi_nhan,
    }
    ctx.vars.so = so.reference
    ctx.vars.ngay = so.date_line
    if ctx.payload.giao_bao_cao then
      for i, xa in ipairs(ctx.payload.xa or {}) do
        ctx.start("bao_cao_con", { ten = xa, thu_tu = i }, { unit = xa })
      end
    end
  end,
}

-- The issuer recalls the plan (NĐ 30, Điều 18.4); its recipients confirm.
transition "thu_hoi" {
  from = "da_ban_hanh", to = "da_thu_hoi",
  action = function(ctx) ctx.document.recall{ reason = ctx.payload.ly_do } end,
}

-- A recall where the state stays: before issuance, or a second one
-- (tests of recall's checks).
transition "thu_hoi_tai_cho" {
  from = { "cho_ban_hanh", "da_ban_hanh" }, stay = true,
  action = function(ctx)
    ctx.document.recall{ reason = ctx.payload.ly_do or "Thử" }
    ctx.vars.da_thu_hoi = ctx.document.recalled
  end,
}

-- A second number for the same document: refused.
transition "cap_so_lai" {
  from = "da_ban_hanh", to = "da_ban_hanh",
  action = function(ctx)
    ctx.document.issue{ signer = { name = ctx.vars.nguoi_ky } }
  end,
}

-- Guards read the document: only an issued one can be chased up.
transition "doc_thuc" {
  from = "da_ban_hanh", to = "da_ban_hanh",
  guard = function(ctx)
    return ctx.document.issued, "Văn bản chưa ban hành"
  end,
  action = function(ctx)
    local c = ctx.children()
    ctx.vars.tien_do = { tong = c.total, tre = c.late,
                         da_nop = c.by_state.da_nop or 0 }
  end,
}
