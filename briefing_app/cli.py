"""Command line entry point: ``briefing-app [COMMAND]``; with no command it opens the window.

Thin wrappers only: each command parses its options and calls the layer that does the work.
Qt is imported only by the command that opens a window.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NoReturn  # noqa: E402

from . import __version__  # noqa: E402
from .domain import ITEM_KINDS  # noqa: E402

PROG = "briefing-app"


class CommandError(Exception):
    """A user-facing failure: printed as one line on stderr, with an exit status."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (argparse prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _err(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


# -- commands ---------------------------------------------------------------------------------
def cmd_build_db(args: argparse.Namespace) -> int:
    """Build the bundled database from resources/ (sources, records, map data)."""
    import tempfile

    from .dataset.database import build_database, compare_databases
    from .dataset.inputs import BuildError
    from .paths import resources_dir

    if getattr(sys, "frozen", False) and not (args.output or args.check):
        raise CommandError("this is an installed copy of Briefing: its bundled database is "
                           "part of the installation; give --output FILE to build elsewhere", 2)
    resources = Path(args.resources) if args.resources else resources_dir()
    output = Path(args.output) if args.output else resources / "briefing.db"
    started = time.perf_counter()
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "briefing.db"
                build_database(resources, fresh)
                diffs = compare_databases(output, fresh)
            if diffs:
                _err(f"{output} is stale; run `{PROG} build-db` and commit the result:")
                for d in diffs:
                    print(f"  {d}", file=sys.stderr)
                return 1
            print(f"{output} is up to date")
            return 0
        report = build_database(resources, output)
    except BuildError as exc:
        _err(f"build failed, {len(exc.problems)} problem(s); {output} was left untouched:")
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items()))
    print(f"built {report.path} ({report.size / 1024:.0f} KB) in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms: {counts}")
    return 0


def _open_store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .paths import bundled_database
    from .store.briefing import BriefingStore, BundledDataError

    try:
        return BriefingStore(bundled_database(getattr(args, "database", None)))
    except BundledDataError as exc:
        raise CommandError(str(exc)) from exc


def cmd_items(args: argparse.Namespace) -> int:
    """List every item a user can annotate, as KIND:ID<TAB>title."""
    store = _open_store(args)
    for item in store.items(args.kind):
        title = " ".join(item.title.split())
        print(f"{item.ref}\t{title}")
    return 0


def _open_workspace(args: argparse.Namespace, write: bool = True):  # type: ignore[no-untyped-def]
    """The user's workspace; a damaged one is kept aside, reported, and the command stops."""
    from .paths import workspace_dir
    from .store.workspace import WorkspaceError, open_workspace

    try:
        workspace, report = open_workspace(workspace_dir(args.workspace))
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from exc
    if report.moved_aside is not None:
        raise CommandError(" ".join(report.messages))
    if write and workspace.read_only:
        raise CommandError(" ".join(report.messages) or "The workspace is read-only.")
    for message in report.messages:
        _err(message)
    return workspace


def cmd_note(args: argparse.Namespace) -> int:
    """Add, list, export and import your notes (`note ACTION --help` for each)."""
    args.note_parser.print_help(sys.stderr)
    return 2


def cmd_note_add(args: argparse.Namespace) -> int:
    """Add a note to an item (KIND:ID, as `items` lists them), or with --quote to a text."""
    from .domain import ItemRef
    from .store.anchoring import make_anchor

    store = _open_store(args)
    try:
        ref = ItemRef.parse(args.target)
    except ValueError as exc:
        raise CommandError(str(exc), 2) from exc
    if store.item(ref) is None:
        raise CommandError(f"{args.target} is not an item of this briefing; "
                           f"`{PROG} items` lists them", 2)
    anchor = None
    if args.quote is not None:
        source = store.source(ref.id) if ref.kind == "source" else None
        if source is None:
            raise CommandError("--quote needs a source target, e.g. source:ID", 2)
        at = source.text.find(args.quote)
        if not args.quote or at < 0:
            raise CommandError(f"the quote is not in {args.target}; give its exact words", 2)
        anchor = make_anchor(source.id, source.text, at, at + len(args.quote))
    workspace = _open_workspace(args)
    try:
        note = workspace.add_note(args.text, target=None if anchor else ref, anchor=anchor,
                                  tag=args.tag, colour=args.colour)
    except ValueError as exc:
        raise CommandError(str(exc), 2) from exc
    print(note.id)
    return 0


def cmd_note_list(args: argparse.Namespace) -> int:
    """List your notes: ID, target, tag, first line (unanchored notes are marked)."""
    import json

    from .store.anchoring import place_notes
    from .store.bundle import note_to_json

    store = _open_store(args)
    workspace = _open_workspace(args, write=False)
    placements = place_notes(store, workspace.notes())
    if args.json:
        print(json.dumps([note_to_json(p.note) | {"anchored": p.anchored}
                          for p in placements], ensure_ascii=False, indent=2))
        return 0
    for p in placements:
        first = " ".join(p.note.body.split("\n", 1)[0].split())
        mark = "" if p.anchored else " (unanchored)"
        print(f"{p.note.id}\t{p.note.target_label}{mark}\t{p.note.tag}\t{first}")
    return 0


def cmd_note_export(args: argparse.Namespace) -> int:
    """Write every note to a versioned JSON bundle (see docs/NOTES_BUNDLE.md)."""
    from .export.run import ExportError, check_output, explain_os_error, write_atomic
    from .store.bundle import export_bundle

    store = _open_store(args)
    workspace = _open_workspace(args, write=False)
    output = Path(args.file)
    try:
        check_output(output)
        write_atomic(output, export_bundle(workspace, store).encode("utf-8"))
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(explain_os_error(exc, output)) from exc
    print(f"wrote {len(workspace.notes())} notes to {output}")
    return 0


def cmd_note_import(args: argparse.Namespace) -> int:
    """Merge the notes of a bundle into your workspace (notes already present are skipped)."""
    from .store.bundle import BundleError, import_bundle, parse_bundle

    store = _open_store(args)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        notes = parse_bundle(data, store)
    except BundleError as exc:
        raise CommandError(f"{path} was not imported: {exc}. Nothing was changed.") from exc
    workspace = _open_workspace(args)
    report = import_bundle(workspace, notes)
    print(f"{path}: {report.summary()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export the annotated briefing as PDF, HTML, Markdown or DOCX."""
    from .export.model import SECTIONS, ExportOptions
    from .export.run import FORMATS, ExportError, export_briefing

    output = Path(args.output)
    fmt = args.format
    if fmt is None:
        fmt = next((f for f, ext in FORMATS.items() if output.suffix.lower() == ext), None)
        if fmt is None:
            raise CommandError("give --format (pdf, html, md or docx) or an output name ending "
                               "in .pdf, .html, .md or .docx", 2)
    store = _open_store(args)
    workspace = _open_workspace(args, write=False)
    sections = tuple(args.sections.split(",")) if args.sections else tuple(
        s for s, _ in SECTIONS)
    unknown = set(sections) - {s for s, _ in SECTIONS}
    if unknown:
        raise CommandError("unknown sections: " + ", ".join(sorted(unknown)) + "; choose from "
                           + ", ".join(s for s, _ in SECTIONS), 2)
    options = ExportOptions(title=args.title or "", author=args.author or "", sections=sections,
                            include_notes=not args.no_notes,
                            include_checklist=not args.no_checklist,
                            include_charts=not args.no_charts)
    started = time.perf_counter()
    try:
        path = export_briefing(store, workspace, fmt, output, options)
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB) in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the briefing window."""
    from .ui.app import run

    return run(args, started=_T0)


# -- parser -----------------------------------------------------------------------------------
def _add_data_options(p: argparse.ArgumentParser, workspace: bool = True) -> None:
    p.add_argument("--database", metavar="FILE",
                   help="briefing database to read (default: the bundled one; "
                        "env BRIEFING_APP_DATABASE)")
    if workspace:
        p.add_argument("--workspace", metavar="DIR",
                       help="folder for your notes and assessments (default: your user data "
                            "folder; env BRIEFING_APP_WORKSPACE)")


GUI_EXAMPLE = "gui --workspace ~/briefing-work"


def _add_gui_options(p: argparse.ArgumentParser) -> None:
    _add_data_options(p)
    p.add_argument("--smoke", action="store_true",
                   help="open the window, print the time to its first paint, and exit")


def _gui_parser() -> argparse.ArgumentParser:
    """Just the window's options: opening the app does not build every command's parser."""
    p = _Parser(prog=f"{PROG} gui", description=(cmd_gui.__doc__ or "").strip(),
                epilog=f"Example: {PROG} {GUI_EXAMPLE}")
    _add_gui_options(p)
    p.set_defaults(func=cmd_gui)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Offline briefing: the US push for a critical-minerals partnership with "
                    "Pakistan to counter China's dominance of mineral supply chains.",
        epilog=f"With no command, opens the window. Example: {PROG} items --kind event",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, Callable[[argparse.Namespace], int]] = {}

    def add(name: str, func: Callable[[argparse.Namespace], int], example: str,
            ) -> argparse.ArgumentParser:
        doc = (func.__doc__ or "").strip()
        p = sub.add_parser(name, help=doc, description=doc,
                           epilog=f"Example: {PROG} {example}")
        p.set_defaults(func=func)
        commands[name] = func
        return p

    p = add("gui", cmd_gui, GUI_EXAMPLE)
    _add_gui_options(p)

    p = add("build-db", cmd_build_db, "build-db --check")
    p.add_argument("--check", action="store_true",
                   help="build to a temporary file and exit 1, saying what differs, if the "
                        "shipped database is stale")
    p.add_argument("--resources", metavar="DIR",
                   help="folder with sources/, records/ and map/ (default: the bundled one)")
    p.add_argument("--output", metavar="FILE",
                   help="database file to write or check (default: briefing.db in the "
                        "resources folder)")

    p = add("items", cmd_items, "items --kind risk")
    p.add_argument("--kind", choices=ITEM_KINDS, help="list only items of this kind")
    _add_data_options(p, workspace=False)

    p = add("export", cmd_export, "export --format pdf --output briefing.pdf")
    p.add_argument("--format", choices=("pdf", "html", "md", "docx"),
                   help="output format (default: from the output file's extension)")
    p.add_argument("--output", "-o", required=True, metavar="PATH", help="file to write")
    p.add_argument("--no-notes", action="store_true", help="leave your notes out")
    p.add_argument("--no-checklist", action="store_true",
                   help="show the briefing's risk assessment instead of your checklist values")
    p.add_argument("--no-charts", action="store_true", help="leave the charts out")
    p.add_argument("--title", help="title (default: the briefing's)")
    p.add_argument("--author", help="author line")
    p.add_argument("--sections", metavar="LIST",
                   help="comma-separated sections: overview,minerals,timeline,risks,"
                        "source-notes (default: all)")
    _add_data_options(p)

    note = add("note", cmd_note, "note add risk:investment-climate 'Watch the court docket'")
    note_sub = note.add_subparsers(dest="note_command", metavar="ACTION")
    note.set_defaults(note_parser=note)

    def add_note_cmd(name: str, func: Callable[[argparse.Namespace], int],
                     example: str) -> argparse.ArgumentParser:
        doc = (func.__doc__ or "").strip()
        sp = note_sub.add_parser(name, help=doc.split("\n")[0], description=doc,
                                 epilog=f"Example: {PROG} note {example}")
        sp.set_defaults(func=func)
        _add_data_options(sp)
        return sp

    sp = add_note_cmd("add", cmd_note_add, "add event:usgs-2022-list 'Check the list' --tag lists")
    sp.add_argument("target", metavar="TARGET", help="KIND:ID of the item (see `items`)")
    sp.add_argument("text", metavar="TEXT", help="the note (use quotes; \\n not expanded)")
    sp.add_argument("--tag", default="", help="a one-line tag")
    sp.add_argument("--colour", default="", choices=("", "yellow", "green", "blue", "pink",
                                                     "orange"), help="highlight colour")
    sp.add_argument("--quote", help="with a source:ID target: the exact words to attach to")
    sp = add_note_cmd("list", cmd_note_list, "list --json")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp = add_note_cmd("export", cmd_note_export, "export my-notes.json")
    sp.add_argument("file", metavar="FILE.json")
    sp = add_note_cmd("import", cmd_note_import, "import colleague-notes.json")
    sp.add_argument("file", metavar="FILE.json")

    parser.set_defaults(func=cmd_gui, smoke=False, database=None, workspace=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if not words or words[0] == "gui" or words[0] in ("--workspace", "--database", "--smoke"):
        args = _gui_parser().parse_args(words[1:] if words and words[0] == "gui" else words)
    else:
        args = build_parser().parse_args(words)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # inside the try: a closed pipe (`| head`) is not an error
        return status
    except CommandError as exc:
        _err(str(exc))
        return exc.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. `| head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # last resort: one line, never a traceback, unless debugging
        if os.environ.get("BRIEFING_APP_DEBUG"):
            raise
        _err(f"unexpected error: {type(exc).__name__}: {exc} "
             "(set BRIEFING_APP_DEBUG=1 for details)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
