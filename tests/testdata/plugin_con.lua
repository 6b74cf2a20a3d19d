-- A child of plugin_doc.lua: it reads the plugin version its parent pinned.
workflow "plugin_con" {
  title = "Việc con đọc plugin",
  initial = "mo",
  plugin = true,
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.han = ctx.plugin.han_nop_ke_hoach
    ctx.vars.phien_ban = ctx.plugin.version
  end,
}

state "mo" { title = "Mở" }
state "dong" { title = "Đóng", final = true }
transition "dong" { from = "mo", to = "dong" }
