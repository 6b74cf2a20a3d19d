"""`wfctl graph FILE`: a picture of a workflow, for the officials who
approve it and the administrators who write it.

The structure comes from the engine (wf_check --describe: the workflow as
loaded and checked, shared libraries included), never from reading the Lua
here. Drawn: the states (the initial one with an arrow in, final ones with
a double border), every transition with its title and event, who may fire
it, the deadlines, reminders and pauses of each state; events that a timer
fires are dashed.

  render(describe_dict, "dot")      Graphviz DOT (the default)
  render(describe_dict, "mermaid")  a Mermaid flowchart (Markdown, GitLab)
  render(describe_dict, "svg")      DOT drawn by Graphviz's `dot`
"""
import json
import shutil
import subprocess

FORMATS = ("dot", "mermaid", "svg")

UNITS = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ",
         "minutes": "phút", "seconds": "giây"}


class GraphError(Exception):
    """A picture that cannot be made (no `dot` for svg)."""


def amount(timer):
    return f"{timer['amount']} {UNITS.get(timer['unit'], timer['unit'])}"


def state_lines(state):
    """The state's title, name, and its clocks, one a line."""
    lines = [state["title"]]
    if state["title"] != state["name"]:
        lines.append(f"({state['name']})")
    deadline = state.get("deadline")
    if deadline:
        when = ("ngày do workflow tính" if deadline["unit"] == "date"
                else amount(deadline))
        lines.append(f"Hạn [{deadline['clock']}]: {when} → {deadline['fire']}")
        for r in deadline["reminders"]:
            lines.append(f"Nhắc: {amount(r)} trước hạn → {r['fire']}")
    if state["pauses"]:
        lines.append("Tạm dừng: " + ", ".join(state["pauses"]))
    return lines


def timer_events(workflow):
    """state -> {event: "hết hạn" | "nhắc hạn"} of the events its timers fire."""
    fired = {}
    for state in workflow["states"]:
        deadline = state.get("deadline")
        if not deadline:
            continue
        events = {r["fire"]: "nhắc hạn" for r in deadline["reminders"]}
        events[deadline["fire"]] = "hết hạn"
        fired[state["name"]] = events
    return fired


def who_lines(transition):
    """Who may fire it, one line per unit relation: "ai: chu_tich,
    pho_chu_tich (same_unit)"."""
    if transition["system_only"]:
        return ["ai: chỉ hệ thống"]
    roles = {}
    for rule in transition["who"]:
        roles.setdefault(rule["unit"], []).append(rule["role"])
    return [f"ai: {', '.join(r)} ({unit})" for unit, r in roles.items()]


def edges(workflow):
    """(from, to, lines, timed) for every transition, one per state it
    leaves; `timed` when a timer fires it. Transitions between the same two
    states drawn the same way share one arrow, their texts one under the
    other: Graphviz piles the labels of several loops on a state on top of
    each other."""
    fired = timer_events(workflow)
    merged = {}
    for t in workflow["transitions"]:
        for source in t["from"]:
            target = source if t["stay"] else t["to"]
            timer = fired.get(source, {}).get(t["event"], "")
            lines = [t["title"] if t["title"] == t["event"]
                     else f"{t['title']} ({t['event']})"]
            lines += [f"tự động: {timer}"] if timer else who_lines(t)
            merged.setdefault((source, target, bool(timer)), []).extend(lines)
    return [(s, t, lines, timed) for (s, t, timed), lines in merged.items()]


# --- Graphviz DOT ---

def dot_quote(text):
    """A DOT string: backslashes and quotes escaped (a lone backslash would
    start an escape such as \\N), one line per \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def to_dot(workflow):
    font = 'fontname="DejaVu Sans"'
    out = [f"digraph {dot_quote(workflow['name'])} {{",
           f"  graph [label={dot_quote(workflow['title'] + chr(10) + '(' + workflow['name'] + ')')}, "
           f"labelloc=t, {font}];",
           f"  node [shape=box, style=rounded, {font}];",
           f"  edge [{font}, fontsize=10];",
           '  "__start" [shape=point, width=0.15, label=""];',
           f"  \"__start\" -> {dot_quote(workflow['initial'])};"]
    for s in workflow["states"]:
        extra = ", peripheries=2, style=\"rounded,bold\"" if s["final"] else ""
        out.append(f"  {dot_quote(s['name'])} [label={dot_quote(chr(10).join(state_lines(s)))}{extra}];")
    for source, target, lines, timer in edges(workflow):
        style = ", style=dashed" if timer else ""
        out.append(f"  {dot_quote(source)} -> {dot_quote(target)} "
                   f"[label={dot_quote(chr(10).join(lines))}{style}];")
    out.append("}")
    return "\n".join(out) + "\n"


# --- Mermaid ---

def mermaid_text(text):
    """A Mermaid label: its entity codes for the characters that end or
    mark up a quoted label, <br/> for a new line."""
    for plain, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"),
                        (">", "#gt;")):
        text = text.replace(plain, code)
    return '"' + text.replace("\n", "<br/>") + '"'


def mermaid_id(name):
    # Prefixed: a state called `end` would close Mermaid's flowchart.
    return "s_" + name


def to_mermaid(workflow):
    out = ["---", f"title: {json.dumps(workflow['title'], ensure_ascii=False)}", "---",
           "flowchart TD", "  start_((\" \"))",
           f"  start_ --> {mermaid_id(workflow['initial'])}"]
    for s in workflow["states"]:
        label = mermaid_text("\n".join(state_lines(s)))
        shape = f"((({label})))" if s["final"] else f"({label})"
        out.append(f"  {mermaid_id(s['name'])}{shape}")
    for source, target, lines, timer in edges(workflow):
        arrow = "-.->" if timer else "-->"
        out.append(f"  {mermaid_id(source)} {arrow}|{mermaid_text(chr(10).join(lines))}| "
                   f"{mermaid_id(target)}")
    return "\n".join(out) + "\n"


def to_svg(workflow):
    dot = shutil.which("dot")
    if dot is None:
        raise GraphError("graph --format svg needs Graphviz's dot: apt-get install "
                         "graphviz (or use --format dot and draw it elsewhere)")
    done = subprocess.run([dot, "-Tsvg"], input=to_dot(workflow).encode("utf-8"),
                          capture_output=True)
    if done.returncode != 0:
        raise GraphError("dot -Tsvg failed: " + done.stderr.decode("utf-8", "replace"))
    return done.stdout.decode("utf-8")


def render(workflow, fmt):
    return {"dot": to_dot, "mermaid": to_mermaid, "svg": to_svg}[fmt](workflow)
