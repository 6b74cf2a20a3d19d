-- A waiting state that times out after an hour. Used by the timer scale test.
workflow "hen_gio" {
  title = "Hẹn giờ", initial = "cho", started_by = { role = "*", unit = "same_unit" },
}
state "cho" { title = "Đang chờ", deadline = { minutes = 60, fire = "het_gio" } }
state "het" { title = "Hết giờ", final = true }
transition "het_gio" { from = "cho", to = "het", who = "system" }
