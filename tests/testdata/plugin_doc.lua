-- A document that reads its province's plugin (docs/plugins.md): the start
-- copies a deadline from ctx.plugin, a step reads it again, the deadline
-- date comes from it, and a step starts a child that inherits the pin.
workflow "plugin_doc" {
  title = "Văn bản đọc plugin",
  initial = "du_thao",
  plugin = true,
  hooks = { "nguoi_gop_y" },
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.han_luc_tao = ctx.plugin.han_nop_ke_hoach
    ctx.vars.phien_ban = ctx.plugin.version
    ctx.vars.gop_y = ctx.plugin.hooks.nguoi_gop_y(ctx)
    ctx.vars.han_la_ngay_lam_viec = wf.is_workday(ctx.vars.han_luc_tao)
  end,
}

state "du_thao" {
  title = "Dự thảo",
  deadline = {
    date = function(ctx) return ctx.plugin.han_nop_ke_hoach end,
    fire = "qua_han",
  },
}
state "da_nop" { title = "Đã nộp" }
state "xong" { title = "Xong", final = true }

transition "nop" {
  from = "du_thao", to = "da_nop",
  action = function(ctx)
    ctx.vars.han_luc_nop = ctx.plugin.han_nop_ke_hoach
    ctx.vars.nop_han_la_ngay_lam_viec = wf.is_workday(ctx.vars.han_luc_nop)
    ctx.vars.ky_hieu = ctx.plugin.so.ke_hoach.ky_hieu
    ctx.vars.so_file_org = #ctx.plugin.org
    ctx.vars.so = ctx.plugin.so
  end,
}

transition "sua_plugin" {
  from = "du_thao", stay = true,
  action = function(ctx) ctx.plugin.han_nop_ke_hoach = "khác" end,
}

transition "giao" {
  from = "da_nop", to = "xong",
  action = function(ctx)
    ctx.vars.con = ctx.start("plugin_con", {})
  end,
}

transition "qua_han" { from = "du_thao", to = "xong", who = "system" }
