-- Attack: require a module from the start function.
-- Stopped by: package is absent, and the engine's require loads only the
-- deployed library modules, at the top level of the file -> StartInstance
-- refused with FAILED_PRECONDITION, no instance created.
workflow "h" {
  initial = "a",
  who = { role = "*", unit = "same_unit" },
  start = function(ctx)
    ctx.vars.os = require("os").time()
  end,
}
state "a" {}
state "b" { final = true }
transition "go" { from = "a", to = "b" }
