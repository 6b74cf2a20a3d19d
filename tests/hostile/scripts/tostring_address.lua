-- Attack (determinism): tostring of a table and string.format("%p") show a
-- memory address; stored in the variables, replaying the history (which
-- VerifyInstance does) gives another value.
-- Should be: no addresses reach the script. Today: they do (docs/lua.md
-- leaves it to the author).
workflow "h" { initial = "a", who = { role = "*", unit = "same_unit" } }
state "a" {}
state "b" { final = true }

transition "go" {
  from = "a", to = "b",
  action = function(ctx)
    local seen = { tostring({}), tostring(print), tostring(wf.array()) }
    local ok, p = pcall(string.format, "%p", {})
    if ok then seen[#seen + 1] = p end
    ok, p = pcall(string.format, "%s and %5s", {}, print)
    if ok then seen[#seen + 1] = p end
    for _, s in ipairs(seen) do
      if s:find("0x%x%x%x%x") or s:find("%x%x%x%x%x%x%x%x") then
        error("address leaked: " .. s)
      end
    end
    error("no address")
  end,
}

-- Run after the attack on the same pooled sandbox: it must still work.
transition "ok" {
  from = "a", to = "b",
  action = function(ctx) ctx.vars.ok = string.upper("ok") end,
}
