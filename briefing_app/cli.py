"""Command line entry point: ``briefing-app [COMMAND]``; with no command it opens the window.

Thin wrappers only: each command parses its options and calls the layer that does the work.
Qt is imported only by the command that opens a window.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, NoReturn  # noqa: E402

from . import __version__  # noqa: E402
from .domain import ITEM_KINDS  # noqa: E402

if TYPE_CHECKING:
    import re

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


def _known_failure(exc: Exception) -> str | None:
    """A plain sentence for failures any command can meet: the workspace busy, full or
    read-only while saving; the bundled database damaged after it was opened."""
    import sqlite3

    from .store.briefing import BundledDataError
    from .store.workspace import WorkspaceError

    if isinstance(exc, (WorkspaceError, BundledDataError)):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return (f"the briefing data could not be read ({exc}); the installation may be "
                "damaged: reinstall Briefing (in a source checkout: run "
                f"`{PROG} build-db`)")
    return None


# Characters that must not reach a terminal raw: C0 controls and DEL (ESC starts colour and
# title sequences), C1 controls (U+009B is an 8-bit CSI), line and paragraph separators, the
# bidi overrides and isolates (they reorder the rest of the line), lone surrogates (they
# cannot be encoded for output at all).
_UNPRINTABLE = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"


def _printable(text: str, *, json: bool = False) -> str:
    """``text`` safe for one line of human-readable output: each unprintable character is
    shown escaped, ``\\x1b`` or ``\\u202e``. With ``json=True``, for JSON text from
    json.dumps: the same characters become ``\\uXXXX`` escapes (valid JSON, same value), and
    the newlines of the layout are kept."""
    pattern = _unprintable(json)
    if pattern.search(text) is None:  # the usual case, decided in C
        return text
    if json:
        return pattern.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return pattern.sub(lambda m: (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100
                                  else f"\\u{ord(m[0]):04x}"), text)


@functools.cache
def _unprintable(json: bool) -> re.Pattern[str]:
    import re

    if json:
        return re.compile(f"[\x00-\x09\x0b-\x1f{_UNPRINTABLE}]")
    return re.compile(f"[\x00-\x1f{_UNPRINTABLE}]")


DISK_FULL = "There is not enough space on the disk to save your notes; nothing was changed."


def _disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc``, or what it was raised from, is a full disk (SQLite's SQLITE_FULL,
    "database or disk is full", or ENOSPC)."""
    import errno
    import sqlite3

    while exc is not None:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if isinstance(exc, sqlite3.Error) and (
                ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(exc)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


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
    if not args.check and not output.parent.is_dir():
        # A mistyped --output must not quietly create folders: say so instead.
        raise CommandError(f"The folder {_printable(str(output.parent))} does not exist; "
                           "create it first or choose another --output")
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
    from .paths import bundled_database, cache_dir
    from .store.briefing import BriefingStore, BundledDataError

    try:
        return BriefingStore(bundled_database(getattr(args, "database", None)), cache_dir())
    except BundledDataError as exc:
        raise CommandError(str(exc)) from exc


def cmd_items(args: argparse.Namespace) -> int:
    """List every item a user can annotate, as KIND:ID<TAB>title."""
    store = _open_store(args)
    for item in store.items(args.kind):
        title = " ".join(item.title.split())
        print(f"{_printable(str(item.ref))}\t{_printable(title)}")
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


def _note_text(args: argparse.Namespace) -> str:
    """The note's text: the TEXT argument, or ``--file PATH`` / ``--file -`` (standard
    input), read as UTF-8 up to the workspace's limit (a regular file or a pipe only)."""
    if args.file is None:
        if args.text is None:
            raise CommandError("give the note's TEXT, or --file PATH (- for standard input)", 2)
        return str(args.text)
    if args.text is not None:
        raise CommandError("give the note's TEXT or --file, not both", 2)
    import stat

    from .store.workspace import MAX_NOTE_CHARS

    limit = MAX_NOTE_CHARS * 4 + 1  # UTF-8 takes at most 4 bytes a character
    if args.file == "-":
        data = sys.stdin.buffer.read(limit)
        where = "standard input"
    else:
        path = Path(args.file)
        try:
            st = path.stat()
            if stat.S_ISDIR(st.st_mode) or not (stat.S_ISREG(st.st_mode)
                                               or stat.S_ISFIFO(st.st_mode)):
                raise CommandError(f"{_printable(args.file)} is not a file", 2)
            with path.open("rb") as fh:
                data = fh.read(limit)
        except OSError as exc:
            raise CommandError(f"cannot read {_printable(args.file)}: "
                               f"{exc.strerror or exc}", 2) from exc
        where = _printable(args.file)
    if len(data) >= limit:
        raise CommandError(f"{where} holds more than a note can ({MAX_NOTE_CHARS:,} "
                           "characters)", 2)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{where} is not UTF-8 text", 2) from None
    return text.replace("\r\n", "\n")


def cmd_note_add(args: argparse.Namespace) -> int:
    """Add a note to an item (KIND:ID, as `items` lists them), or with --quote to a text."""
    import sqlite3

    from .domain import ItemRef
    from .store.anchoring import make_anchor
    from .store.workspace import WorkspaceError

    args.text = _note_text(args)
    store = _open_store(args)
    try:
        ref = ItemRef.parse(args.target)
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    if store.item(ref) is None:
        raise CommandError(f"{_printable(args.target)} is not an item of this briefing; "
                           f"`{PROG} items` lists them", 2)
    anchor = None
    if args.quote is not None:
        source = store.source(ref.id) if ref.kind == "source" else None
        if source is None:
            raise CommandError("--quote needs a source target, e.g. source:ID", 2)
        at = source.text.find(args.quote)
        if not args.quote or at < 0:
            raise CommandError(f"the quote is not in {_printable(args.target)}; give its "
                               "exact words", 2)
        anchor = make_anchor(source.id, source.text, at, at + len(args.quote))
    workspace = _open_workspace(args)
    try:
        note = workspace.add_note(args.text, target=None if anchor else ref, anchor=anchor,
                                  tag=args.tag, colour=args.colour)
    except UnicodeEncodeError as exc:  # argv bytes that are not UTF-8 arrive as surrogates
        raise CommandError("the note or its tag holds bytes that are not UTF-8 text; check "
                           "the terminal's encoding", 2) from exc
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        if not _disk_full(exc):
            raise
        raise CommandError(DISK_FULL) from exc
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
        text = json.dumps([note_to_json(p.note) | {"anchored": p.anchored}
                           for p in placements], ensure_ascii=False, indent=2)
        print(_printable(text, json=True))
        return 0
    lines = []
    unprintable = _unprintable(False)
    for p in placements:
        note = p.note
        fields = [note.id, note.target_label, note.tag,
                  " ".join(note.body.split("\n", 1)[0].split())]
        # Every field is the user's or a bundle's text: escaped, so no note can set the
        # terminal's title or colours, or reorder the line (one search decides for all four).
        if unprintable.search("".join(fields)) is not None:
            fields = [_printable(f) for f in fields]
        if not p.anchored:
            fields[1] += " (unanchored)"
        lines.append("\t".join(fields) + "\n")
    sys.stdout.write("".join(lines))  # one write, not one per note
    return 0


def cmd_note_export(args: argparse.Namespace) -> int:
    """Write every note to a versioned JSON bundle (see docs/NOTES_BUNDLE.md).

    Notes that do not fit in one bundle (the most `note import` reads: 64 MB or 100,000
    notes) continue in FILE-2.json, FILE-3.json, ...; each is a complete bundle to import.
    """
    from .export.run import ExportError, check_output, explain_os_error, write_atomic
    from .store.bundle import MAX_BUNDLE_BYTES, MAX_NOTES, SHOWN_IDS, prepare_export

    store = _open_store(args)
    workspace = _open_workspace(args, write=False)
    output = Path(args.file)
    export = prepare_export(workspace, store)
    paths = [output] + [output.with_name(f"{output.stem}-{n}{output.suffix}")
                        for n in range(2, len(export.parts) + 1)]
    written: list[Path] = []
    path = output
    try:
        for path in paths:  # every name is checked before any file is replaced
            check_output(path)
        for path, data in zip(paths, export.bundles(), strict=True):
            write_atomic(path, data)
            written.append(path)
    except ExportError as exc:
        raise CommandError(_printable(str(exc))) from exc
    except OSError as exc:
        done = ""
        if written:
            done = (f" ({', '.join(_printable(str(w)) for w in written)} of the "
                    f"{len(paths)} bundle files {'was' if len(written) == 1 else 'were'} "
                    "written)")
        raise CommandError(_printable(explain_os_error(exc, path)) + done) from exc
    count = export.note_count
    if len(paths) == 1:
        print(f"wrote {count} notes to {_printable(str(output))}")
    else:
        print(f"wrote {count} notes to {len(paths)} bundle files (one bundle holds at most "
              f"{MAX_BUNDLE_BYTES // 1048576} MB and {MAX_NOTES:,} notes): "
              + ", ".join(_printable(str(p)) for p in paths) + "; import each of them")
    stale = output.with_name(f"{output.stem}-{len(paths) + 1}{output.suffix}")
    # Never removed (it is the user's file), but importing it could bring back old notes.
    if stale.exists():
        _err(f"{_printable(str(stale))} is left from an earlier, larger export and is not "
             "part of this one; delete it rather than import it")
    if export.left_out:
        shown = "; ".join(f"{_printable(i)} ({why})" for i, why in
                          export.left_out[:SHOWN_IDS])
        more = len(export.left_out) - SHOWN_IDS
        _err(f"{len(export.left_out)} note{'' if len(export.left_out) == 1 else 's'} "
             f"could not be exported, as `note import` would refuse them: {shown}"
             + (f"; and {more} more" if more > 0 else "")
             + f" (`{PROG} note list` shows them)")
    return 0


def cmd_note_import(args: argparse.Namespace) -> int:
    """Merge the notes of a bundle into your workspace (notes already present are skipped)."""
    import sqlite3

    from .store.bundle import BundleError, import_bundle, read_bundle, read_bundle_file
    from .store.workspace import WorkspaceError

    store = _open_store(args)
    path = Path(args.file)
    shown = _printable(str(path))
    try:
        # Checks the path first: a pipe, device or folder is refused without being opened,
        # and at most the bundle limit (plus one byte) is ever read.
        bundle = read_bundle(read_bundle_file(path), store)
    except OSError as exc:
        raise CommandError(f"cannot read {shown}: {_printable(exc.strerror or str(exc))}"
                           ) from exc
    except BundleError as exc:
        raise CommandError(f"{shown} was not imported: {_printable(str(exc))}. Nothing was "
                           "changed.") from exc
    workspace = _open_workspace(args)
    try:
        report = import_bundle(workspace, bundle)
    except ValueError as exc:  # the workspace's own checks, should they be stricter
        raise CommandError(f"{shown} was not imported: {_printable(str(exc))}. Nothing was "
                           "changed.") from exc
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        if not _disk_full(exc):
            raise
        raise CommandError(DISK_FULL) from exc
    print(f"{shown}: {report.summary()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export the annotated briefing as PDF, HTML, Markdown or DOCX."""
    from .export.model import DEFAULT_MARKING, SECTIONS, ExportOptions
    from .export.run import FORMATS, ExportError, export_briefing, export_bytes

    to_stdout = args.output == "-"  # a file really named "-" is still ./-
    output = Path(args.output)
    fmt = args.format
    if fmt is None:
        if to_stdout:
            raise CommandError("give --format with --output - (standard output has no file "
                               "extension to tell the format by)", 2)
        fmt = next((f for f, ext in FORMATS.items() if output.suffix.lower() == ext), None)
        if fmt is None:
            raise CommandError("give --format (pdf, html, md or docx) or an output name ending "
                               "in .pdf, .html, .md or .docx", 2)
    if to_stdout and fmt in ("pdf", "docx") and sys.stdout.isatty():
        # Binary bytes would garble the terminal; as pandoc does, only a redirect gets them.
        raise CommandError(f"{fmt.upper()} is not written to a terminal: redirect standard "
                           f"output (> briefing.{fmt}) or give a file name with --output", 2)
    known = [s for s, _ in SECTIONS]
    sections = tuple(known)
    if args.sections is not None:
        sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
        if not sections:  # "" would otherwise quietly mean every section
            raise CommandError("give at least one section: " + ", ".join(known), 2)
    unknown = set(sections) - set(known)
    if unknown:
        raise CommandError("unknown sections: " + ", ".join(sorted(unknown)) + "; choose from "
                           + ", ".join(known), 2)
    as_of = _as_of(args.as_of)
    if args.notes_as_comments and fmt != "docx":
        raise CommandError("--notes-as-comments is for DOCX (Word comments)", 2)
    store = _open_store(args)
    workspace = _open_workspace(args, write=False)
    options = ExportOptions(title=args.title or "", author=args.author or "",
                            organisation=args.organisation or "",
                            marking=DEFAULT_MARKING if args.marking is None else args.marking,
                            as_of=as_of, sections=sections,
                            include_notes=not args.no_notes,
                            include_checklist=not args.no_checklist,
                            include_charts=not args.no_charts,
                            notes_as_comments=args.notes_as_comments)
    started = time.perf_counter()
    report: list[str] = []
    try:
        if not to_stdout:
            path = export_briefing(store, workspace, fmt, output, options, report=report)
        else:
            data = export_bytes(store, workspace, fmt, options, report=report)
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    # What the export left out goes to stderr, one line each: never silently dropped.
    for line in report:
        _err(_printable(line))
    if not to_stdout:
        pages = ""
        if fmt == "pdf":
            from .export.typst_pdf import page_count

            pages = f", {page_count(path.read_bytes())} pages"
        print(f"wrote {_printable(str(path))} ({path.stat().st_size / 1024:.0f} KB{pages}) in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        return 0
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise  # the reader stopped early (`| head`): main() treats that as no error
    except OSError as exc:
        raise CommandError(f"standard output could not be written: {exc.strerror or exc}"
                           ) from exc
    # The summary goes to stderr: stdout holds the document.
    print(f"wrote {fmt.upper()} to standard output ({len(data) / 1024:.0f} KB) in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms", file=sys.stderr)
    return 0


def _as_of(text: str | None) -> str:
    """``--as-of``: an ISO date at the precision known (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if not text:
        return ""
    import datetime as dt

    parts = text.split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            dt.date(int(parts[0]), 1, 1)
        elif len(parts) == 2:
            dt.date(int(parts[0]), int(parts[1]), 1)
        else:
            dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date: YYYY, YYYY-MM or YYYY-MM-DD (got "
                           f"{_printable(text)!r})", 2) from None
    return text


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
    p.add_argument("--output", "-o", required=True, metavar="PATH",
                   help="file to write; - writes to standard output (HTML; Markdown with "
                        "--no-charts; PDF and DOCX only when redirected)")
    p.add_argument("--no-notes", action="store_true", help="leave your notes out")
    p.add_argument("--no-checklist", action="store_true",
                   help="show the briefing's risk assessment instead of your checklist values")
    p.add_argument("--no-charts", action="store_true", help="leave the charts out")
    p.add_argument("--title", help="title (default: the briefing's)")
    p.add_argument("--author", metavar="NAME", help="who prepared it (the title page's "
                   "\"Prepared by\")")
    p.add_argument("--organisation", metavar="NAME", help="the preparing organisation")
    p.add_argument("--marking", metavar="TEXT",
                   help="handling marking printed on every page (default: \"Unclassified "
                        "\u2014 open sources\"; \"\" for none)")
    p.add_argument("--as-of", metavar="DATE",
                   help="\"information as of\" date, YYYY[-MM[-DD]] (default: the newest "
                        "dated fact in the data)")
    p.add_argument("--notes-as-comments", action="store_true",
                   help="DOCX: write your notes as Word comments on what they annotate")
    p.add_argument("--sections", metavar="LIST",
                   help="comma-separated sections, at least one: overview,minerals,timeline,"
                        "risks,actors,source-notes (default: all)")
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
    sp.add_argument("text", metavar="TEXT", nargs="?",
                    help="the note (use quotes; \\n not expanded); or give --file")
    sp.add_argument("--file", metavar="PATH",
                    help="read the note's text from a UTF-8 file, or - for standard input "
                         "(for notes longer than a shell argument)")
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
    for option in ("workspace", "database"):
        if getattr(args, option, None) == "":
            # An empty value would silently mean "the default": say so instead.
            _err(f"--{option} needs a path, not an empty string (see `{PROG} --help`)")
            return 2
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
        message = _known_failure(exc)
        if message is not None:
            _err(message)
            return 1
        if os.environ.get("BRIEFING_APP_DEBUG"):
            raise
        _err(f"unexpected error: {type(exc).__name__}: {exc} "
             "(set BRIEFING_APP_DEBUG=1 for details)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
