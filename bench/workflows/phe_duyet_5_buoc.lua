-- The benchmark's approval workflow: five review steps, each with a guard,
-- an action and a working-day deadline, over variables of about 2 KB (the
-- load generator's start variables). Shaped like the real ones: a unit
-- drafts, reviewers check and sign off, the standing agency receives.

local buoc = { "soan_thao", "kiem_tra", "tham_dinh", "phe_duyet", "ban_hanh" }

workflow "phe_duyet_5_buoc" {
  title = "Phê duyệt 5 bước (đo hiệu năng)",
  initial = "soan_thao",
  requires = { "don_vi", "noi_dung" },
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.so_buoc = 0
    ctx.vars.nhat_ky = wf.array()
  end,
}

for i, ten in ipairs(buoc) do
  state(ten) {
    title = "Bước " .. i .. ": " .. ten,
    deadline = { working_days = 5, fire = "qua_han" },
  }
  local tiep = buoc[i + 1] or "hoan_thanh"
  transition("duyet") {
    from = ten, to = tiep,
    guard = function(ctx)
      if #ctx.vars.noi_dung < 100 then return false, "Nội dung quá ngắn" end
      if ctx.vars.so_buoc ~= i - 1 then return false, "Sai thứ tự bước" end
      return true
    end,
    action = function(ctx)
      ctx.vars.so_buoc = i
      local nhat_ky = ctx.vars.nhat_ky
      nhat_ky[#nhat_ky + 1] = { buoc = ten, nguoi = ctx.actor.id, ngay = ctx.today }
      ctx.vars.y_kien = ctx.payload.y_kien
    end,
  }
end

state "hoan_thanh" { title = "Hoàn thành", final = true }

transition "qua_han" {
  from = buoc, stay = true, who = "system",
  action = function(ctx) ctx.vars.tre_han = true end,
}
