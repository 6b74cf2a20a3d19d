-- Shared code of the plan workflows (ban_hanh_ke_hoach, nop_ke_hoach,
-- bao_cao_dinh_ky, phe_duyet_kinh_phi): reading the province plugin, its
-- deadlines and hooks, and checking who acts for which unit.
--
-- Nothing here names a province, a date or a register: all of that comes
-- from ctx.plugin (docs/plugins.md).

local M = {}

-- `who` rules the workflows share: `roles` held in the unit `relation`
-- names ("same_unit", "standing_agency", "var:noi_nhan_ids"...).
function M.ai(relation, roles)
  local rules = {}
  for i, role in ipairs(roles) do rules[i] = { role = role, unit = relation } end
  return rules
end

-- A unit's officers, who draft; its leaders, who approve and send; the
-- standing agency's officers, who receive and track.
M.can_bo_don_vi = M.ai("same_unit", { "can_bo", "chuyen_vien" })
M.lanh_dao_don_vi = M.ai("same_unit",
                         { "chu_tich", "pho_chu_tich", "giam_doc", "pho_giam_doc", "truong_phong" })
M.thuong_truc = M.ai("standing_agency", { "chuyen_vien", "truong_phong" })

-- The rules of several lists, in order.
function M.gop(...)
  local out = {}
  for _, rules in ipairs({ ... }) do
    for _, rule in ipairs(rules) do out[#out + 1] = rule end
  end
  return out
end

-- The campaign a document belongs to: the plugin's `chien_dich[key]`.
function M.chien_dich(ctx)
  local key = ctx.vars.chien_dich
  local c = ctx.plugin.chien_dich and ctx.plugin.chien_dich[key]
  if c == nil then
    error("plugin '" .. ctx.plugin.name .. "' (phiên bản " .. ctx.plugin.version ..
          ") không có chiến dịch '" .. tostring(key) .. "'", 0)
  end
  return c
end

-- The last day on time for a deadline written "trước ngày X". The plugin's
-- `cach_doc_han` says how the office reads it:
--   "truoc_ngay" (default, the literal reading): the last working day
--                before X — a plan sent on X itself is late;
--   "het_ngay":  X itself counts (the engine moves it off a rest day).
function M.han_cuoi(ctx, x)
  if x == nil then return nil end
  if (ctx.plugin.cach_doc_han or "truoc_ngay") == "het_ngay" then return x end
  return wf.add_workdays(x, -1)
end

-- Calls hook `name` of the plugin when it has one, else `default`.
function M.hook(ctx, name, default, ...)
  local hooks = ctx.plugin.hooks
  local fn = hooks and hooks[name]
  if fn ~= nil then return fn(ctx, ...) end
  return default(ctx, ...)
end

-- True if `list` (an array) holds `value`.
function M.co(list, value)
  for _, v in ipairs(list or {}) do
    if v == value then return true end
  end
  return false
end

-- The ids of `unit` and of its departments and agencies below it (a
-- standing agency's Phòng Tham mưu): whoever sits in one of them acts for
-- `unit`. Not the communes of a district, which act for themselves; a
-- province is only itself (its people act in the province unit, UBND
-- tỉnh, and every other unit of the province is below it).
function M.ca_don_vi_truc_thuoc(ctx, unit)
  local ids = wf.array()
  ids[1] = unit
  if ctx.units{ id = unit }[1].kind == "tinh" then return ids end
  local function phong_ban(parent)
    for _, u in ipairs(ctx.units{ under = parent }) do
      if u.kind == "phong" or u.kind == "co_quan" then
        ids[#ids + 1] = u.id
        phong_ban(u.id)
      end
    end
  end
  phong_ban(unit)
  return ids
end

-- The member of the steering committee overseeing `unit` (the plugin's
-- phan_cong: member unit -> its communes), or nil when none is named.
function M.thanh_vien_phu_trach(ctx, unit)
  for member, communes in pairs((ctx.plugin.phan_cong or {}).thanh_vien or {}) do
    if M.co(communes, unit) then return member end
  end
  return nil
end

-- The units that may receive a document of `unit`: the standing agency,
-- the units above `unit`, and their departments. Who may act on a
-- document follows its variables (var: rules), so a document a person
-- starts directly must not name a receiver of its own choosing.
function M.nhan_hop_le(ctx, unit)
  local ok = {}
  for _, id in ipairs(M.ca_don_vi_truc_thuoc(ctx, ctx.plugin.co_quan_thuong_truc)) do
    ok[id] = true
  end
  local parent = ctx.units{ id = unit }[1].parent
  while parent ~= nil and parent ~= "" do
    for _, id in ipairs(M.ca_don_vi_truc_thuoc(ctx, parent)) do ok[id] = true end
    parent = ctx.units{ id = parent }[1].parent
  end
  return ok
end

-- The receiving side of a document: one unit id or a list of them (a report
-- that goes to UBND tỉnh and to Công an tỉnh). Returns {id, name, ids}: the
-- first unit, the names joined, every unit whose people may receive.
function M.ben_nhan(ctx, units)
  if type(units) ~= "table" then units = { units } end
  local names, ids = {}, wf.array()
  for _, id in ipairs(units) do
    names[#names + 1] = ctx.units{ id = id }[1].name
    for _, x in ipairs(M.ca_don_vi_truc_thuoc(ctx, id)) do ids[#ids + 1] = x end
  end
  return { id = units[1], name = table.concat(names, ", "), ids = ids }
end

-- The names of units, joined: "Công an tỉnh, Sở Nội vụ".
function M.ten_cac_don_vi(ctx, ids)
  local names = {}
  for _, id in ipairs(ids) do names[#names + 1] = ctx.units{ id = id }[1].name end
  return table.concat(names, ", ")
end

-- The units a selector of the plugin names, in force today:
--   { tag = "thanh_vien_bcd" }            every unit of the province with the tag
--   { kinds = {"xa", "phuong"} }          every commune and ward of the province
--   { under = "x", kinds = {...} }        below another unit (a district)
--   { id = "lc_phong_hcqt" }              one unit
function M.chon_don_vi(ctx, selector)
  if selector.id then return ctx.units{ id = selector.id } end
  return ctx.units{ under = selector.under or ctx.plugin.province, depth = "all",
                    kinds = selector.kinds, tagged = selector.tag }
end

-- The units of a list of selectors, each once, in order.
function M.chon_nhieu(ctx, selectors)
  local out, seen = wf.array(), {}
  for _, selector in ipairs(selectors or {}) do
    for _, u in ipairs(M.chon_don_vi(ctx, selector)) do
      if not seen[u.id] then
        seen[u.id] = true
        out[#out + 1] = u
      end
    end
  end
  return out
end

-- Checks that the actor's role is one of `roles` (a list of role names)
-- and, when `units` is given, that the actor acts in one of those units
-- (named `ten` in the message; by default the document's receiver).
-- Returns true, or false and a message saying what was expected.
function M.dung_nguoi(ctx, roles, units, viec, ten)
  if roles and not M.co(roles, ctx.actor.role) then
    return false, viec .. " cần một trong các vai trò: " .. table.concat(roles, ", ") ..
                  " (người thao tác đang giữ '" .. tostring(ctx.actor.role) .. "')"
  end
  if units and not M.co(units, ctx.actor.unit) then
    return false, viec .. " phải do " .. (ten or ctx.vars.ten_noi_nhan or units[1]) ..
                  " thực hiện; '" .. tostring(ctx.actor.unit_name or ctx.actor.unit) ..
                  "' không phải đơn vị đó"
  end
  return true
end

-- The transition a deadline fires (who = "system"): marks the document late
-- and chases its unit with `noi_dung(ctx)`.
--   transition "qua_han" (plan.qua_han(dang_mo, function(ctx) return ... end))
function M.qua_han(from, noi_dung)
  return {
    title = "Quá hạn: đánh dấu trễ hạn và đôn đốc",
    from = from, stay = true, who = "system",
    action = function(ctx)
      ctx.vars.tre_han = true
      ctx.emit("don_doc", { den = ctx.vars.don_vi, noi_dung = noi_dung(ctx) })
    end,
  }
end

-- The date line of today: "<dia_danh>, ngày 16 tháng 01 năm 2026".
function M.dong_ngay(ctx)
  return wf.format_date(ctx.today, ctx.plugin.dia_danh)
end

-- Working days a submission on `ngay` came after the last day `han`.
function M.so_ngay_tre(han, ngay)
  if ngay <= han then return 0 end
  return wf.workdays_between(han, ngay)
end

-- Signing under a delegation (ủy quyền; NĐ 30/2020, Điều 13; docs/org.md,
-- "Delegation"). A delegate signs "TUQ." before the head's title, then
-- their own title, which the directory does not hold: the signing step
-- takes it in its payload (chuc_vu_nguoi_ky). A guard's check: true for
-- whoever signs in their own right, and for a delegate who gave it.
function M.ky_duoc_uy_quyen(ctx)
  if ctx.actor.acting_for == "" then return true end
  local chuc_vu = ctx.payload.chuc_vu_nguoi_ky
  if type(chuc_vu) ~= "string" or chuc_vu:match("^%s*$") then
    return false, "Ký thừa ủy quyền (TUQ.) thay " .. ctx.actor.acting_for ..
                  ": cần ghi chức vụ của người ký (chuc_vu_nguoi_ky), ví dụ \"CHÁNH VĂN PHÒNG\""
  end
  return true
end

-- What the signing step keeps of a delegation, for the signature block
-- (khoi_ky): the delegate's own title, or nil when signing in one's own
-- right.
function M.chuc_vu_uy_quyen(ctx)
  if ctx.actor.acting_for == "" then return nil end
  return ctx.payload.chuc_vu_nguoi_ky
end

-- The signature block `khoi` ({form, title_lines, name, person}) as a
-- delegate signs it: "TUQ." with the head's title (the block's first line),
-- then `chuc_vu`, the delegate's own. Unchanged when `chuc_vu` is nil.
function M.khoi_ky(khoi, chuc_vu)
  if chuc_vu == nil then return khoi end
  return { form = "TUQ.", title_lines = { khoi.title_lines[1], chuc_vu },
           name = khoi.name, person = khoi.person }
end

return M
