-- A plan issued to units: issuing starts one report per unit in the same
-- write; summing up reads the reports' states. Used by the child tests.
workflow "ke_hoach_cha" {
  title = "Kế hoạch gửi các đơn vị",
  initial = "du_thao",
  who = { role = "*", unit = "same_unit" },
}

state "du_thao"   { title = "Dự thảo" }
state "ban_hanh"  { title = "Đã ban hành" }
state "tong_hop"  { title = "Đã tổng hợp", final = true }

transition "ban_hanh" {
  from = "du_thao", to = "ban_hanh",
  requires = { "don_vi" },
  action = function(ctx)
    ctx.vars.so = ctx.take_number("so-ke-hoach/2026")
    local ids = wf.array()
    for i, ten in ipairs(ctx.payload.don_vi) do
      ids[#ids + 1] = ctx.start("bao_cao_con", { ten = ten, thu_tu = i },
                                { business_key = ctx.instance.id .. "/" .. i })
    end
    ctx.vars.bao_cao = ids
  end,
}

-- One dossier per person: the payload's list may name a person twice.
transition "lap_ho_so" {
  from = "du_thao", to = "ban_hanh",
  action = function(ctx)
    local ids = wf.array()
    for _, nguoi in ipairs(ctx.payload.nguoi) do
      ids[#ids + 1] = ctx.start("ho_so_duy_nhat", { nguoi = nguoi },
                                { business_key = nguoi .. "/2026" })
    end
    ctx.vars.bao_cao = ids
  end,
}

transition "tong_hop" {
  from = "ban_hanh", to = "tong_hop",
  action = function(ctx)
    local da_nop = 0
    for _, id in ipairs(ctx.vars.bao_cao) do
      local r = ctx.read_instance(id)
      if r and r.state == "da_nop" then da_nop = da_nop + 1 end
    end
    ctx.vars.da_nop = da_nop
  end,
}
