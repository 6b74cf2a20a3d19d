"""Output shared by wfctl's commands: aligned tables for people, JSON for
scripts, and the exit codes.

Widths are counted in terminal columns, not in code points: text is put in
NFC first (so "ệ" is one character, not "e" and two combining marks),
combining marks take no column, and East Asian wide and full-width
characters take two (unicodedata.east_asian_width). Vietnamese with its
diacritics then lines up whether it came composed or not.
"""
import json
import sys
import unicodedata

# Exit codes of every command (wfctl --help, docs/operations.md).
EXIT_OK = 0
EXIT_FAILED = 1       # the server refused, or a check found a problem
EXIT_USAGE = 2        # bad arguments (argparse also exits 2)
EXIT_UNREACHABLE = 3  # no server at the address (or the TLS handshake failed)


def nfc(value):
    return unicodedata.normalize("NFC", str(value))


def width(text):
    """The terminal columns `text` takes."""
    columns = 0
    for ch in nfc(text):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        columns += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return columns


def pad(text, columns, right=False):
    """`text` filled with spaces to `columns` terminal columns."""
    text = nfc(text)
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def cell(value):
    """One value as table text: yes/no in Vietnamese, lists joined, objects
    as one line of JSON."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None:
        return ""
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return nfc(value)


def table(headers, rows, right=()):
    """The lines of an aligned table: the headers, then one line per row.
    Columns whose index is in `right` are right-aligned (numbers); trailing
    spaces are dropped."""
    lines = [[nfc(h) for h in headers]] + [[cell(c) for c in r] for r in rows]
    widths = [max(width(line[i]) for line in lines) for i in range(len(headers))]
    return ["  ".join(pad(c, widths[i], i in right) for i, c in enumerate(line)).rstrip()
            for line in lines]


def fields(pairs):
    """The lines of a two-column table of (label, value), labels aligned."""
    pairs = [(nfc(k), cell(v)) for k, v in pairs]
    label_width = max([width(k) for k, _ in pairs] + [0])
    return [f"{pad(k, label_width)}  {v}".rstrip() for k, v in pairs]


def print_lines(lines, out=None):
    out = out or sys.stdout
    for line in lines:
        print(line, file=out)


def print_json(value):
    """Stable for scripts: keys as the API names them, text as UTF-8."""
    print(json.dumps(value, ensure_ascii=False, indent=2))
