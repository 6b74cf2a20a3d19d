---@meta
-- Editor definitions of the workflow Lua API (docs/lua.md), for
-- lua-language-server (LuaLS; VS Code's "Lua" extension by sumneko, Neovim's
-- lua_ls): completion of `ctx.` and `wf.`, the fields of the declarations,
-- and a warning on a misspelt field (`ctx.varz`, `gaurd =`). The engine never
-- loads this file: wf_server deploys only the top-level *.lua of workflows/
-- and the modules of workflows/lib/. tests/admin/lua_annotations_test.py
-- checks that every function the engine registers in `wf` is declared here.

-- ---------------------------------------------------------------------------
-- Declarations: workflow "name" { ... }, state "name" { ... },
-- transition "event" { ... }
-- ---------------------------------------------------------------------------

---Who may take a step: a role held in a unit related to the document's unit.
---@class (exact) wf.Rule
---@field role string a role of the people file (`chu_tich`, `can_bo`…) or "*"
---@field unit "same_unit"|"parent"|"ancestor"|"standing_agency"|"province"|string `tagged:<tag>` and `var:<variable>` too

---A rule, a list of rules (any one suffices), or "system" (only the timers).
---@alias wf.Who wf.Rule|wf.Rule[]|"system"

---A field of the start variables or of payloads: how officials read its
---name, and the kind of value it holds (refused otherwise where it comes in).
---@class (exact) wf.Field
---@field title? string "Lý do"
---@field kind? "text"|"long_text"|"integer"|"number"|"date"|"list"|"boolean"

---@class (exact) wf.WorkflowDecl
---@field title? string the name shown to officials
---@field initial string the state every new document starts in
---@field requires? string|string[] start variables that must be present
---@field optional? string|string[] start variables it takes when given (forms offer them)
---@field fields? table<string, string|wf.Field> titles and kinds of the fields of start variables and payloads
---@field start? fun(ctx: wf.Ctx) run when a document starts; may set ctx.vars
---@field who? wf.Who who may fire the transitions that do not say so
---@field started_by? wf.Who who may start a document; default: `who`
---@field unique_business_key? boolean at most one instance per business key
---@field plugin? boolean the workflow reads its province's plugin (ctx.plugin)
---@field hooks? string[] the hooks a plugin may supply for this workflow

---How long: one of the amounts, or `date` (deadlines only).
---@class (exact) wf.Reminder
---@field working_days? integer
---@field days? integer
---@field hours? integer
---@field minutes? integer
---@field seconds? integer
---@field fire string the event fired; a transition without a guard must take it

---@class (exact) wf.Deadline
---@field working_days? integer ends at the end of the N-th working day after entry
---@field days? integer the N-th day, moved off a rest day (civil code)
---@field hours? integer
---@field minutes? integer
---@field seconds? integer
---@field date? fun(ctx: wf.Ctx): string? a fixed day ("2026-02-10"); nil: no deadline
---@field fire string the event fired when it passes
---@field clock? string its clock's name (default: the state's name)
---@field remind? wf.Reminder|wf.Reminder[] fired that long before the deadline

---@class (exact) wf.StateDecl
---@field title? string the name shown to officials
---@field final? boolean the state ends the process
---@field deadline? wf.Deadline
---@field pauses? string|string[] clocks that stop while the document is here

---A guard returns true, or false and the reason shown to the official.
---@alias wf.Guard fun(ctx: wf.Ctx): boolean, string?

---@class (exact) wf.TransitionDecl
---@field from string|string[] the state(s) it leaves
---@field to? string the state it leads to (or `stay = true`)
---@field stay? boolean the document stays in whichever state it leaves
---@field title? string the name of the step shown to officials
---@field requires? string|string[] payload fields that must be present
---@field optional? string|string[] payload fields it reads when given (forms offer them)
---@field guard? wf.Guard
---@field action? fun(ctx: wf.Ctx) changes ctx.vars, emits effects
---@field who? wf.Who who may fire it (default: the workflow's)

---`workflow "nop_ke_hoach" { initial = "du_thao", ... }`
---@param name string lower-case identifier
---@return fun(decl: wf.WorkflowDecl)
function workflow(name) end

---`state "du_thao" { title = "Đơn vị đang dự thảo" }`
---@param name string lower-case identifier
---@return fun(decl: wf.StateDecl)
function state(name) end

---`transition "gui" { from = "du_thao", to = "da_gui" }`
---@param event string lower-case identifier
---@return fun(decl: wf.TransitionDecl)
function transition(event) end

-- ---------------------------------------------------------------------------
-- ctx: what a guard, an action, `start` and a deadline's `date` receive
-- ---------------------------------------------------------------------------

---@class (exact) wf.Actor
---@field id string a person id, or "system:timer"
---@field name string the person's name as the directory has it ("" for a timer)
---@field role string the role the `who` check matched ("" for a timer)
---@field unit string the unit it is held in
---@field unit_name string
---@field acting_for string the person acted for under delegation, or ""

---@class (exact) wf.Instance
---@field id string
---@field business_key string
---@field version integer
---@field unit string the org unit the document belongs to

---Set in the action of an event a timer fired.
---@class (exact) wf.Timer
---@field name string the clock
---@field due integer milliseconds since 1970
---@field due_date string "2026-03-20", the day it fell due in Vietnam time

---The latest version of a file slot.
---@class (exact) wf.File
---@field name string
---@field size integer
---@field media_type string
---@field sha256 string
---@field version integer
---@field added_by string

---@class (exact) wf.Signer
---@field form ""|"TM."|"KT."|"Q."|"TL."|"TUQ."
---@field title_lines string[] the titles without the form
---@field name string
---@field person? string

---@class (exact) wf.Recipient
---@field unit? string an org unit id: it gets the document in its incoming list
---@field label? string as printed in Nơi nhận
---@field purpose? string
---@field group? string printed once in Nơi nhận for all the units with this group and purpose ("UBND các xã, phường")
---@field acknowledged? boolean (reading only)
---@field recall_confirmed? boolean (reading only) the unit confirmed the recall

---@class (exact) wf.DocumentFields
---@field type? string
---@field trich_yeu? string
---@field issuer? string an org unit id
---@field issuer_name? string
---@field parent_body? string
---@field issuer_code? string
---@field place? string
---@field urgency? string
---@field secrecy? string
---@field body_summary? string
---@field register? string

---@class (exact) wf.Issued
---@field register string
---@field year integer
---@field number integer
---@field reference string "05/KH-BCĐ"
---@field date string
---@field date_line string "Bắc Ninh, ngày 16 tháng 01 năm 2026"

---The document's metadata (NĐ 30/2020); set and issue in actions and start.
---@class (exact) wf.Document: wf.DocumentFields
---@field signer? wf.Signer
---@field recipients? wf.Recipient[]
---@field issued boolean
---@field number? integer once issued
---@field reference? string
---@field year? integer
---@field date? string
---@field date_line? string
---@field recalled boolean
---@field recall_reason? string once recalled
---@field set fun(fields: wf.DocumentFields)
---@field issue fun(issue: {signer: wf.Signer, recipients: wf.Recipient[]}): wf.Issued
---@field recall fun(recall: {reason: string}) NĐ 30, Điều 18.4; recipients confirm it

---An org unit of the directory (ctx.units).
---@class (exact) wf.Unit
---@field id string
---@field name string
---@field kind string
---@field parent string
---@field valid_from string
---@field valid_to string "" for a unit with no end
---@field tags string[]

---@class (exact) wf.UnitsQuery
---@field under? string a unit id: the units below it
---@field depth? "children"|"all"
---@field kinds? string|string[]
---@field tagged? string
---@field on? string the day (default: ctx.today)
---@field id? string just that unit, whatever the day

---@class (exact) wf.InstanceView
---@field id string
---@field workflow string
---@field state string
---@field version integer
---@field finished boolean
---@field unit string
---@field parent string
---@field vars table<string, any>

---@class (exact) wf.Child
---@field id string
---@field workflow string
---@field unit string
---@field business_key string
---@field state string
---@field finished boolean
---@field late boolean

---@class (exact) wf.Children
---@field total integer
---@field by_state table<string, integer>
---@field late integer
---@field list wf.Child[]

---The province plugin's table (plugins/<tỉnh>/plugin.lua), read-only at
---every depth; docs/plugins.md lists its fields.
---@class wf.Plugin
---@field version integer the pinned version
---@field name string
---@field title string
---@field province string
---@field dia_danh? string
---@field cap? string[]
---@field co_quan_thuong_truc? string
---@field cach_doc_han? "truoc_ngay"|"het_ngay"
---@field so_van_ban? table<string, table>
---@field chien_dich? table<string, table>
---@field hooks table<string, function> call as ctx.plugin.hooks.x(ctx, ...)
---@field [string] any

---@class (exact) wf.Ctx
---@field vars table<string, any> the document's variables (actions and start change them)
---@field payload table<string, any> the event's data ({} if none)
---@field event string the event's name ("start" for start)
---@field from string the state being left
---@field to string the state being entered
---@field actor wf.Actor who fired the event, in which capacity
---@field instance wf.Instance the document
---@field now integer the engine's time, milliseconds since 1970 (UTC)
---@field today string today in Vietnam, "2026-01-16"
---@field timer? wf.Timer set when a timer fired the event
---@field files table<string, wf.File> the latest file of each slot
---@field document wf.Document
---@field plugin? wf.Plugin in a `plugin = true` workflow
---@field emit fun(kind: string, data?: table<string, any>) actions and start: record an effect
---@field take_number fun(register: string): integer the register's next number
---@field take_place fun(quota: string, n: integer): boolean
---@field give_place fun(quota: string): boolean
---@field claim fun(name: string): boolean, string?
---@field release fun(name: string): boolean
---@field start fun(workflow: string, vars?: table<string, any>, opts?: {business_key?: string, unit?: string}): string a child document's id
---@field fire fun(id: string, event: string, payload?: table<string, any>): boolean takes the event on another document in the same write, as the same actor
---@field cancel_children fun(reason: string): integer actions and start, once a step: cancels the documents below this one that still run; how many
---@field read_instance fun(id: string): wf.InstanceView?
---@field find fun(workflow: string, business_key: string): wf.InstanceView?
---@field children fun(): wf.Children
---@field units fun(query?: wf.UnitsQuery): wf.Unit[]

-- ---------------------------------------------------------------------------
-- The wf library
-- ---------------------------------------------------------------------------

---@class wflib
wf = {}

---JSON null, stored as null (setting a variable to nil removes it instead).
---@type lightuserdata
wf.null = nil

---Marks a table as a JSON list, so that an empty one stays a list.
---@generic T: table
---@param t? T
---@return T
function wf.array(t) end

---Writes a line to the server log (print does the same).
---@param ... any
function wf.log(...) end

---Refuses the step with `reason`, the text the official reads, as a guard's
---`return false, reason` does (GUARD_REFUSED): from an action or `start`,
---for what only the action can see (ctx.read_instance, ctx.children...).
---Nothing the step did is kept.
---@param reason string
function wf.refuse(reason) end

---The guard "only with these files attached": true, or false and
---"Hồ sơ còn thiếu: <labels>."
---@param ctx wf.Ctx
---@param needed (string|string[])[] slot names, or {slot, label}
---@return boolean ok
---@return string? reason
function wf.require_files(ctx, needed) end

---The n-th working day after `date` ("2026-02-12", 3 → "2026-02-24"); negative counts back.
---@param date string "2026-02-12" or "12/02/2026"
---@param n integer
---@return string
function wf.add_workdays(date, n) end

---Working days after `from`, up to and including `to`.
---@param from string
---@param to string
---@return integer
function wf.workdays_between(from, to) end

---@param date string
---@return boolean
function wf.is_workday(date) end

---The holiday's name ("Tết Nguyên đán"), or nil on an ordinary day.
---@param date string
---@return string?
function wf.holiday(date) end

---@param date string
---@param n integer
---@return string
function wf.add_days(date, n) end

---The end of a period of n days, moved off a rest day (civil code).
---@param date string
---@param n integer
---@return string
function wf.period_end(date, n) end

---"ngày 16 tháng 01 năm 2026", or with a place "Bắc Ninh, ngày 16 tháng 01 năm 2026".
---@param date string
---@param place? string
---@return string
function wf.format_date(date, place) end

---The ISO form of a date ("10/02/2026" → "2026-02-10").
---@param date string
---@return string
function wf.date(date) end
