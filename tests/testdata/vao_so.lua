-- Shared records from scripts: a register's numbers, a quota's places, a
-- unique claim. Used by the shared-record and crash tests.
workflow "vao_so" {
  title = "Vào sổ văn bản",
  initial = "mo",
  who = { role = "*", unit = "same_unit" },
}

state "mo" { title = "Đang mở" }

-- Takes the next number of a register (the payload may name another one).
transition "lay_so" {
  from = "mo", to = "mo",
  action = function(ctx)
    local n = ctx.take_number(ctx.payload.so or "so-di/2026")
    local list = ctx.vars.so or wf.array()
    list[#list + 1] = n
    ctx.vars.so = list
    if ctx.payload.key then
      local keys = ctx.vars.keys or wf.array()
      keys[#keys + 1] = ctx.payload.key
      ctx.vars.keys = keys
    end
  end,
}

-- Two numbers in one step are two numbers.
transition "lay_hai_so" {
  from = "mo", to = "mo",
  action = function(ctx)
    ctx.vars.dau = ctx.take_number("so-di/2026")
    ctx.vars.cuoi = ctx.take_number("so-di/2026")
  end,
}

-- A place of a quota of `chi_tieu` (default 100).
transition "xin_cho" {
  from = "mo", to = "mo",
  action = function(ctx)
    if ctx.take_place("chi-tieu/2026", ctx.payload.chi_tieu or 100) then
      ctx.vars.cho = (ctx.vars.cho or 0) + 1
    else
      ctx.vars.het_cho = true
    end
  end,
}

-- A place of `chi-tieu/2026` given back (a nominee declined).
transition "tra_cho" {
  from = "mo", to = "mo",
  action = function(ctx)
    ctx.give_place("chi-tieu/2026")
    ctx.vars.cho = (ctx.vars.cho or 0) - 1
  end,
}

-- One nomination per person, achievement and year.
transition "de_nghi" {
  from = "mo", to = "mo",
  action = function(ctx)
    local ok, holder = ctx.claim("bang-khen/" .. ctx.payload.nguoi .. "/2026")
    ctx.vars.duoc_de_nghi = ok
    ctx.vars.da_co = holder
  end,
}

-- The dossier holding a unique business key (ho_so_duy_nhat), if any.
transition "tim" {
  from = "mo", to = "mo",
  action = function(ctx)
    local found = ctx.find("ho_so_duy_nhat", ctx.payload.key)
    ctx.vars.tim_thay = found and { id = found.id, state = found.state } or false
    ctx.vars.khong_co_id = ctx.read_instance("wi-999999999999") == nil
  end,
}

-- A script that catches a refused call and goes on: the call's name is bad.
transition "ten_sai" {
  from = "mo", to = "mo",
  action = function(ctx) ctx.take_number("") end,
}
