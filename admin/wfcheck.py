"""`wfctl check`, `wfctl plugin check` and `wfctl graph` without a server.

They run wf_check (engine/tools/wf_check.cc): the engine itself, on a data
folder of its own that it removes at exit, with this repository's bundled
workflows, plugins, calendar and document types loaded the way `make run`
loads them — so the checks and their messages are the server's. Found at
$WF_CHECK, else build/engine/tools/wf_check beside this folder.

Exit status of the checks: 0 all good, 1 a file was refused, 2 usage or
I/O error (wf_check's own).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def binary():
    path = os.environ.get("WF_CHECK") or os.path.join(
        ROOT, "build", "engine", "tools", "wf_check")
    if not os.access(path, os.X_OK):
        sys.stderr.write(f"wfctl: the offline checker {path} is missing: build it "
                         "(make build) or set $WF_CHECK; or check on a server "
                         "with --server host:port\n")
        sys.exit(2)
    return path


def context_flags():
    """What `make run` gives the server: the bundled workflows and plugins,
    the official holiday tables and the document type names."""
    flags = [f"--workflows_dir={os.path.join(ROOT, 'workflows')}",
             f"--plugins_dir={os.path.join(ROOT, 'plugins')}"]
    for flag, name in (("--calendar_file", "calendar.json"),
                       ("--document_types_file", "document_types.json")):
        path = os.path.join(ROOT, "plugins", "vn", name)
        if os.path.isfile(path):
            flags.append(f"{flag}={path}")
    return flags


def run(extra, paths, **kwargs):
    """wf_check with the bundle's context, `extra` flags and `paths`."""
    return subprocess.run([binary(), *context_flags(), *extra, *paths], **kwargs)


def check(files, lib=""):
    """wfctl check FILE...: wf_check's exit status."""
    return run([f"--lib={lib}"] if lib else [], files).returncode


def check_plugin(folder):
    """wfctl plugin check DIR."""
    return run(["--plugin"], [folder]).returncode


def describe(path, lib=""):
    """The compiled workflow (describe.h) as a dict; exits as wf_check does
    when the file is refused (its message already on stderr)."""
    done = run(["--describe"] + ([f"--lib={lib}"] if lib else []), [path],
               stdout=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(done.returncode)
    return json.loads(done.stdout.decode("utf-8"))


def draw(args):
    """wfctl graph FILE [--format dot|mermaid|svg] [-o OUT]."""
    import wfgraph
    try:
        picture = wfgraph.render(describe(args.file, args.lib), args.format)
    except wfgraph.GraphError as e:
        sys.exit(f"wfctl: {e}")
    if args.output == "-":
        sys.stdout.write(picture)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(picture)
    return 0


def main(args):
    """wfctl check, plugin check (without --server) and graph; exits with
    wf_check's status."""
    if args.command == "check":
        sys.exit(check(args.files, args.lib))
    if args.command == "plugin":
        if not args.arg:
            print("wfctl: plugin check needs DIR", file=sys.stderr)
            sys.exit(2)
        sys.exit(check_plugin(args.arg))
    sys.exit(draw(args))
