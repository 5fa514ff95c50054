"""Command line entry point: ``briefing-app [COMMAND]``; with no command it opens the window.

Thin wrappers only: each command parses its options and calls the layer that does the work.
Qt is imported only by the command that opens a window.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, ClassVar, NoReturn  # noqa: E402

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
    """List every item a user can annotate, as KIND:ID<TAB>title (your own items and
    imported sources too)."""
    store = _existing_view(args, _open_store(args))
    for item in store.items(args.kind):
        title = " ".join(item.title.split())
        print(f"{_printable(str(item.ref))}\t{_printable(title)}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Print every record of the briefing for a reviewer, in one read: what it claims, and
    each thing it rests on: the quoted words inside the paragraph they come from (marked
    with >> <<), or the citation with its fact-base id. Under each quote, ``supports:`` gives
    the record's own words that the quote backs, and those words are marked >> << in the
    record's lines too, so both ends of each anchor can be read together. See
    docs/CONTENT.md."""
    from .store.describe import describe

    def marked(line: str, claims: list[str]) -> str:
        """``line`` with every occurrence of each claim between >> and << (overlapping ones
        merged into one)."""
        spans: list[tuple[int, int]] = []
        for claim in claims:
            at = line.find(claim)
            while claim and at >= 0:
                spans.append((at, at + len(claim)))
                at = line.find(claim, at + 1)
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in reversed(merged):
            line = line[:a] + ">>" + line[a:b] + "<<" + line[b:]
        return line

    store = _open_store(args)
    paragraphs: dict[str, list[tuple[int, int]]] = {}
    out: list[str] = []
    for item in store.items(args.kind):
        if item.ref.kind == "source":
            continue  # a document is what the records rest on, not a claim
        d = describe(store, item.ref)
        if d is None:
            continue
        claims = [" ".join(p.supports.split()) for p in d.provenance
                  if p.kind == "quote" and p.supports.strip()]
        lines = [" ".join(d.title.split())]
        lines += [f"{label}: {' '.join(value.split())}" for label, value in d.fields
                  if value.strip()]
        if d.caveat:
            lines.append(f"Caveat: {' '.join(d.caveat.split())}")
        printed = "\n".join(lines)
        out.append(f"== {item.ref}  {marked(lines[0], claims)}")
        if d.subtitle:
            out.append(f"   {' '.join(d.subtitle.split())}")
        out.extend(f"   {marked(line, claims)}" for line in lines[1:])
        if not d.provenance:
            out.append("   RESTS ON NOTHING")
        for n, p in enumerate(d.provenance, start=1):
            if p.kind == "quote":
                src = store.source(p.source_id)
                text = src.text if src is not None else ""
                if p.source_id not in paragraphs:
                    paragraphs[p.source_id] = _paragraph_spans(text)
                start, end = next(((a, b) for a, b in paragraphs[p.source_id]
                                   if a <= p.start < b), (p.start, p.end))
                context = (text[start:p.start] + ">>" + text[p.start:p.end] + "<<"
                           + text[p.end:end])
                title = src.title if src is not None else p.source_id
                out.append(f"   [{n}] quote from \u201c{title}\u201d: "
                           f"{' '.join(context.split())}")
                claim = " ".join(p.supports.split())
                if not claim:
                    out.append("       supports: NOTHING NAMED")
                else:
                    where = "" if claim in printed else " (in a field not printed here)"
                    out.append(f"       supports: >>{claim}<<{where}")
            elif p.citation is not None:
                fact = f" (fact {p.citation.fact})" if p.citation.fact else ""
                out.append(f"   [{n}] citation{fact}: {' '.join(p.citation.reference().split())}")
            else:
                out.append(f"   [{n}] {p.label()}")
        out.append("")
    sys.stdout.write(_printable("\n".join(out) + "\n", json=True))
    return 0


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph (text between blank lines)."""
    spans, start = [], 0
    for part in text.split("\n\n"):
        spans.append((start, start + len(part)))
        start += len(part) + 2
    return spans


def _open_workspace(args: argparse.Namespace, write: bool = True):  # type: ignore[no-untyped-def]
    """The user's workspace; a damaged one is kept aside, reported, and the command stops."""
    from .paths import workspace_dir
    from .store.workspace import WORKSPACE_FILE, WorkspaceError, empty_workspace, open_workspace

    folder = workspace_dir(args.workspace)
    if not write and not os.path.lexists(folder / WORKSPACE_FILE) and (
            folder.is_dir() or not os.path.lexists(folder)):
        return empty_workspace()  # reading creates nothing: there is nothing of yours yet
    try:
        workspace, report = open_workspace(folder)
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from exc
    if report.moved_aside is not None:
        raise CommandError(" ".join(report.messages))
    if write and workspace.read_only:
        raise CommandError(" ".join(report.messages) or "The workspace is read-only.")
    for message in report.messages:
        _err(message)
    return workspace


def _open_view(args: argparse.Namespace, write: bool = True):  # type: ignore[no-untyped-def]
    """The bundled briefing with the workspace's own work, read as one (so the passages of
    imported sources can be cited and annotated), and the workspace."""
    from .store.view import BriefingView

    store = _open_store(args)
    workspace = _open_workspace(args, write=write)
    return BriefingView(store, workspace), workspace


def _existing_view(args: argparse.Namespace, store):  # type: ignore[no-untyped-def]
    """The briefing with the analyst's own work if a workspace exists; a listing never
    creates one (nor pays for setting one up)."""
    from .paths import workspace_dir
    from .store.workspace import WORKSPACE_FILE

    if not (workspace_dir(args.workspace) / WORKSPACE_FILE).exists():
        return store
    from .store.view import BriefingView

    return BriefingView(store, _open_workspace(args, write=False))


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
    try:
        ref = ItemRef.parse(args.target)
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    # Read with the workspace: a note may be on an own item or a passage of an own source.
    store, workspace = _open_view(args)
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
    from .store.workspace import bulk_objects

    # The cycle collector stays paused until the notes are gone with _note_list's frame:
    # resumed while they live, its first pass would scan every one of them (at 100,000 notes,
    # 2.8 -> 2.45 s). A pause loses nothing: a cycle made meanwhile is collected after it.
    with bulk_objects():
        return _note_list(args)


def _note_list(args: argparse.Namespace) -> int:
    import json

    from .store.anchoring import place_notes
    from .store.bundle import note_to_json

    store, workspace = _open_view(args, write=False)  # notes on own items are anchored
    placements = place_notes(store, workspace.notes())
    if args.json:
        text = json.dumps([note_to_json(p.note) | {"anchored": p.anchored}
                           for p in placements], ensure_ascii=False, indent=2)
        print(_printable(text, json=True))
        return 0
    lines = []
    unprintable = _unprintable(False)
    labels: dict[object, str] = {}  # many notes share an item: its label is made once
    for p in placements:
        note = p.note
        target = note.target
        if target is None:
            label = note.target_label  # a passage: every note's range is its own
        elif (label := labels.get(target)) is None:
            label = labels[target] = note.target_label
        body = note.body
        fields = [note.id, label, note.tag,
                  " ".join((body.split("\n", 1)[0] if "\n" in body else body).split())]
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
    """Write every note, and your own sources, items and grades, to a versioned JSON bundle
    (see docs/NOTES_BUNDLE.md).

    What does not fit in one bundle (the most `note import` reads: 64 MB or 100,000 notes)
    continues in FILE-2.json, FILE-3.json, ...; each is a complete bundle to import, carrying
    the sources and items its entries rest on.
    """
    from .export.run import ExportError, check_output, explain_os_error, write_atomic
    from .store.bundle import MAX_BUNDLE_BYTES, MAX_NOTES, SHOWN_IDS, prepare_export

    store, workspace = _open_view(args, write=False)
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
    what = f"{count} notes"
    if export.source_count or export.item_count or export.grade_count:
        what += (f", {_count(export.source_count, 'source')}, "
                 f"{_count(export.item_count, 'item')} and "
                 f"{_count(export.grade_count, 'grade')}")
    if len(paths) == 1:
        print(f"wrote {what} to {_printable(str(output))}")
    else:
        print(f"wrote {what} to {len(paths)} bundle files (one bundle holds at most "
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
    if export.own_left_out:
        n = len(export.own_left_out)
        shown = "; ".join(f"{_printable(i)} ({_printable(why)})" for i, why in
                          export.own_left_out[:SHOWN_IDS])
        _err(f"{n} of your sources, items or grades could not be exported, as `note import` "
             f"would refuse {'it' if n == 1 else 'them'}: {shown}"
             + (f"; and {n - SHOWN_IDS} more" if n > SHOWN_IDS else ""))
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cmd_note_import(args: argparse.Namespace) -> int:
    """Merge a bundle into your workspace: its notes, and your own sources, items and grades
    it carries (what is already present is skipped)."""
    import sqlite3

    from .store.bundle import BundleError, import_bundle, read_bundle, read_bundle_file
    from .store.workspace import WorkspaceError

    path = Path(args.file)
    shown = _printable(str(path))
    try:
        # Checks the path first: a pipe, device or folder is refused without being opened,
        # and at most the bundle limit (plus one byte) is ever read.
        data = read_bundle_file(path)
    except OSError as exc:
        raise CommandError(f"cannot read {shown}: {_printable(exc.strerror or str(exc))}"
                           ) from exc
    except BundleError as exc:
        raise CommandError(f"{shown} was not imported: {_printable(str(exc))}. Nothing was "
                           "changed.") from exc
    # Checked against the workspace too: the bundle's items may cite sources already
    # imported there, and its notes be on items already there.
    store, workspace = _open_view(args)
    try:
        bundle = read_bundle(data, store)
        report = import_bundle(workspace, bundle)
    except BundleError as exc:
        raise CommandError(f"{shown} was not imported: {_printable(str(exc))}. Nothing was "
                           "changed.") from exc
    except ValueError as exc:  # the workspace's own checks, should they be stricter
        raise CommandError(f"{shown} was not imported: {_printable(str(exc))}. Nothing was "
                           "changed.") from exc
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        if not _disk_full(exc):
            raise
        raise CommandError(DISK_FULL) from exc
    print(f"{shown}: {report.summary()}")
    return 0


# -- the analyst's own sources, items and grades ---------------------------------------------
def cmd_source(args: argparse.Namespace) -> int:
    """Import, list, show and delete source documents of your own (`source ACTION --help`)."""
    args.group_parser.print_help(sys.stderr)
    return 2


def _saving(exc: BaseException) -> CommandError:
    """A failure while saving own work: a full disk in words; anything else goes on to
    main(), which says it in one line."""
    if _disk_full(exc):
        return CommandError(DISK_FULL.replace("your notes", "your work"))
    raise exc


@contextlib.contextmanager
def _storing(what: str) -> Iterator[None]:
    """Saving own work: bytes that are not UTF-8 in ``what`` (an option, a field) and a
    value the store refuses are usage errors (exit 2); a full disk is said in words."""
    import sqlite3

    from .store.workspace import WorkspaceError

    try:
        yield
    except UnicodeEncodeError as exc:
        raise CommandError(f"{what} holds bytes that are not UTF-8 text; check the "
                           "terminal's encoding", 2) from exc
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        raise _saving(exc) from exc


def cmd_source_import(args: argparse.Namespace) -> int:
    """Import a document of your own (.txt, .md, .html, .pdf with a text layer, or .docx):
    its text is kept in numbered passages your items can cite and your notes annotate.
    Prints the new source's id and its number of passages."""

    from .readers import SourceError, read_source

    try:
        read = read_source(Path(args.path))
    except SourceError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    workspace = _open_workspace(args)
    same = next((s for s in workspace.own_sources() if s.sha256 == read.sha256), None)
    if same is not None:  # the state of the workspace, not a mistake in the command
        raise CommandError(f"{_printable(args.path)} is already imported, as "
                           f"\u201c{_printable(same.title)}\u201d ({same.id})")
    with _storing("an option"):
        src = workspace.import_source(read, title=args.title or "",
                                      publisher=args.publisher or "", date=args.date or "",
                                      url=args.url or "")
    count = len(workspace.own_passages(src.id))
    print(f"{src.id}\t{_count(count, 'passage')}\t{_printable(src.title)}")
    return 0


def _grade_label(grade: str) -> str:
    """``B`` -> ``reliability B: usually reliable``; ``2`` -> ``credibility 2: probably
    true``."""
    from .domain import CREDIBILITY, RELIABILITY

    if grade in RELIABILITY:
        return f"reliability {grade}: {RELIABILITY[grade]}"
    if grade in CREDIBILITY:
        return f"credibility {grade}: {CREDIBILITY[grade]}"
    return grade


def cmd_source_list(args: argparse.Namespace) -> int:
    """List every source document, the briefing's and those you imported: ID, title, kind,
    passages, your reliability grade, and where it comes from."""
    import json

    store, _ = _open_view(args, write=False)
    rows = [{"id": s.id, "title": s.title, "kind": s.kind, "passages": len(store.passages(s.id)),
             "grade": store.grade_of(f"source:{s.id}"), "own": s.own,
             "publisher": s.publisher, "date": s.date, "url": s.url}
            for s in store.sources()]
    if args.json:
        print(_printable(json.dumps(rows, ensure_ascii=False, indent=2), json=True))
        return 0
    for r in rows:
        fields = [r["id"], " ".join(r["title"].split()), r["kind"],
                  _count(r["passages"], "passage"),
                  _grade_label(r["grade"]) if r["grade"] else "not graded",
                  "imported by you" if r["own"] else "the briefing's"]
        print("\t".join(_printable(str(f)) for f in fields))
    return 0


def _source_of(store, ident: str):  # type: ignore[no-untyped-def]
    src = store.source(ident)
    if src is None:
        raise CommandError(f"{_printable(ident)} is not a source of this briefing or your "
                           f"workspace; `{PROG} source list` lists them", 2)
    return src


def cmd_source_show(args: argparse.Namespace) -> int:
    """Show a source document: what is known of it, your grade, the items resting on it, and
    its text in numbered passages (the numbers references give)."""
    store, workspace = _open_view(args, write=False)
    src = _source_of(store, args.id)
    grade = store.grade_of(f"source:{src.id}")
    lines = [f"{src.id}: \u201c{' '.join(src.title.split())}\u201d",
             f"kind: {src.kind}",
             f"origin: {'imported by you' if src.own else 'the briefing' + chr(39) + 's'}"
             + (f" ({src.origin})" if src.origin and not src.own else "")]
    for label, value in (("publisher", src.publisher), ("author", src.author),
                         ("date", src.date), ("url", src.url)):
        if value:
            lines.append(f"{label}: {value}")
    if src.own:
        own = workspace.own_source(src.id)
        lines.append(f"file: {own.filename} ({own.size:,} bytes, SHA-256 {own.sha256}); "
                     f"imported {own.imported_at}")
    lines.append(f"grade: {_grade_label(grade) if grade else 'not graded'}")
    claims = store.claims_on(src.id)
    lines.append("items resting on it: " + (", ".join(str(r) for r in claims) or "none"))
    lines.append("passages:")
    for p in store.passages(src.id):
        role = "" if p.role == "body" else f"[{p.role}] "
        lines.append(f"{p.seq:>5}  {role}{' '.join(p.text.split())}")
    sys.stdout.write("".join(_printable(line) + "\n" for line in lines))
    return 0


def cmd_source_delete(args: argparse.Namespace) -> int:
    """Move a source you imported to the trash (refused while your items cite it; the
    briefing's own sources cannot be deleted)."""
    import sqlite3

    from .domain import is_own
    from .store.workspace import WorkspaceError

    store, workspace = _open_view(args)
    src = workspace.own_source(args.id) if is_own(args.id) else None
    if src is None or src.deleted_at:
        if store.source(args.id) is not None:
            raise CommandError(f"{_printable(args.id)} is one of the briefing's sources; only "
                               "sources you imported can be deleted", 2)
        raise CommandError(f"{_printable(args.id)} is not a source you imported; "
                           f"`{PROG} source list` lists them", 2)
    try:
        workspace.delete_own_source(src.id)
    except ValueError as exc:  # your items cite it: the workspace's state, said in words
        raise CommandError(_printable(str(exc))) from exc
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        raise _saving(exc) from exc
    print(f"moved {src.id} (\u201c{_printable(src.title)}\u201d) to the trash")
    return 0


def cmd_item(args: argparse.Namespace) -> int:
    """Add, list, show, edit and delete items of your own: events, risks, judgments, key
    figures and actors, each with its provenance (`item ACTION --help`)."""
    args.group_parser.print_help(sys.stderr)
    return 2


class _ProvenanceOption(argparse.Action):
    """The provenance options, kept in the order given: ``--cite-passage``, ``--cite`` and
    ``--assessment`` each start an entry; ``--quote`` completes the passage before it, and
    ``--publisher``, ``--date``, ``--url`` the citation before them."""

    STARTS: ClassVar[dict[str, tuple[str, str]]] = {
        "--cite-passage": ("passage", "source_id"), "--cite": ("citation", "title"),
        "--assessment": ("assessment", "")}
    COMPLETES: ClassVar[dict[str, tuple[str, str]]] = {
        "--quote": ("passage", "quote"), "--publisher": ("citation", "publisher"),
        "--date": ("citation", "date"), "--url": ("citation", "url")}

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        entries = getattr(namespace, self.dest, None)
        if entries is None:
            entries = []
            setattr(namespace, self.dest, entries)
        option = option_string or ""
        if option in self.STARTS:
            kind, key = self.STARTS[option]
            entries.append({"kind": kind, **({key: values} if key else {})})
            return
        kind, key = self.COMPLETES[option]
        last = entries[-1] if entries else None
        if last is None or last["kind"] != kind or key in last:
            after = "--cite-passage SOURCE_ID" if kind == "passage" else "--cite TITLE"
            parser.error(f"{option} goes after {after} (once for each)")
        last[key] = values


def _fields(kind: str, pairs: list[str] | None) -> dict[str, object]:
    """``--field NAME=VALUE`` options as fields; a list field (indicators, mitigations) takes
    one line per option. Unknown names are passed on for the workspace's check to name."""
    from .store.own import OWN_FIELDS

    specs = {s.name: s for s in OWN_FIELDS[kind]}
    out: dict[str, object] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CommandError(f"--field takes NAME=VALUE (got {_printable(pair)!r})", 2)
        spec = specs.get(name)
        if spec is not None and spec.type == "lines":
            lines = out.setdefault(name, [])
            assert isinstance(lines, list)
            lines.append(value)
        elif name in out:
            raise CommandError(f"--field {_printable(name)} is given twice", 2)
        else:
            out[name] = value
    return out


def _check_item(store, kind: str, fields: dict[str, object]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The fields checked as the workspace will check them, and an event's lane an actor."""
    from .store.own import check_fields

    try:
        checked = check_fields(kind, fields)
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    lane = checked.get("lane")
    if lane and store.actor(lane) is None:
        raise CommandError(f"lane {_printable(str(lane))!r} is not an actor of this briefing or "
                           f"your workspace; `{PROG} items --kind actor` lists them", 2)
    return checked


def _provenance(store, entries: list[dict[str, str]] | None):  # type: ignore[no-untyped-def]
    """The provenance options as the workspace stores them; a quote is looked for, word for
    word, in its source (the briefing's or one you imported)."""
    from .store.own import OwnProvenance

    out = []
    for e in entries or []:
        if e["kind"] == "passage":
            quote = e.get("quote")
            if not quote:
                raise CommandError(f"--cite-passage {_printable(e['source_id'])} needs --quote "
                                   "with the exact words the item rests on", 2)
            src = _source_of(store, e["source_id"])
            at = src.text.find(quote)
            if at < 0:
                raise CommandError(f"the quote is not in \u201c{_printable(src.title)}\u201d "
                                   f"({src.id}); give its exact words (`{PROG} source show "
                                   f"{src.id}` shows its text)", 2)
            out.append(OwnProvenance("passage", src.id, at, at + len(quote), quote))
        elif e["kind"] == "citation":
            out.append(OwnProvenance("citation", title=e["title"],
                                     publisher=e.get("publisher", ""), date=e.get("date", ""),
                                     url=e.get("url", "")))
        else:
            out.append(OwnProvenance("assessment"))
    try:
        store.check_provenance(out)
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    return out


NO_PROVENANCE = ("an item needs provenance: give --cite-passage SOURCE_ID --quote \"exact "
                 "words\", --cite TITLE (with --publisher, --date, --url), or --assessment for "
                 "your own assessment")


def cmd_item_add(args: argparse.Namespace) -> int:
    """Add an item of your own, with its fields (--field NAME=VALUE, repeated) and what it
    rests on: a passage of a source, an outside publication, or your own assessment (at
    least one; repeat them as needed). Prints the new item's id."""


    store, workspace = _open_view(args)
    fields = _fields(args.kind, args.field)
    _check_item(store, args.kind, fields)
    provenance = _provenance(store, args.provenance)
    if not provenance:
        raise CommandError(NO_PROVENANCE, 2)
    with _storing("a field"):
        item = workspace.add_own_item(args.kind, fields, provenance)
    print(item.id)
    return 0


def _own_item(workspace, text: str):  # type: ignore[no-untyped-def]
    """One of the analyst's live items, named ``own-...`` or ``KIND:own-...``."""
    from .domain import is_own

    kind, sep, ident = text.rpartition(":")
    item = workspace.own_item(ident) if is_own(ident) else None
    if item is None or item.deleted_at or (sep and kind != item.kind):
        if not is_own(ident):
            raise CommandError(f"{_printable(text)} is not one of your items (their ids start "
                               "with own-); the briefing's items cannot be changed", 2)
        raise CommandError(f"{_printable(text)} is not one of your items; `{PROG} item list` "
                           "lists them", 2)
    return item


def _provenance_summary(item) -> str:  # type: ignore[no-untyped-def]
    return ", ".join(dict.fromkeys(p.kind for p in item.provenance))


def cmd_item_list(args: argparse.Namespace) -> int:
    """List your own items: KIND:ID, title, what they rest on, your credibility grade."""
    import json

    _, workspace = _open_view(args, write=False)
    grades = workspace.grades()
    items = workspace.own_items(args.kind)
    if args.json:
        rows = [{"id": i.id, "kind": i.kind, "title": i.title, "fields": dict(i.fields),
                 "provenance": [p.to_json() for p in i.provenance],
                 "credibility": grades.get(f"{i.kind}:{i.id}", ""),
                 "created_at": i.created_at, "updated_at": i.updated_at} for i in items]
        print(_printable(json.dumps(rows, ensure_ascii=False, indent=2), json=True))
        return 0
    for i in items:
        grade = grades.get(f"{i.kind}:{i.id}", "")
        fields = [f"{i.kind}:{i.id}", " ".join(i.title.split()), _provenance_summary(i),
                  _grade_label(grade) if grade else "not graded"]
        print("\t".join(_printable(f) for f in fields))
    return 0


def cmd_item_show(args: argparse.Namespace) -> int:
    """Show one of your items: its fields, what it rests on (with the grades of its
    sources), your credibility grade, and how many notes are on it."""
    from .domain import ItemRef
    from .store.own import OWN_FIELDS

    store, workspace = _open_view(args, write=False)
    item = _own_item(workspace, args.id)
    ref = ItemRef(item.kind, item.id)
    lines = [f"{ref}: {' '.join(item.title.split())}"]
    for spec in OWN_FIELDS[item.kind]:
        value = item.fields.get(spec.name)
        if value is None:
            continue
        shown = "; ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"{spec.name}: {' '.join(shown.split())}")
    lines.append("rests on:")
    numbers = store.passage_numbers()
    for n, (p, shown_as) in enumerate(zip(item.provenance, store.provenance(ref),
                                          strict=False), start=1):
        if p.kind == "passage":
            src = store.source(p.source_id)
            title = src.title if src is not None else p.source_id
            grade = store.grade_of(f"source:{p.source_id}")
            seq = numbers.get(shown_as.passage_id, 0)
            where = f"paragraph {seq} of " if seq else ""
            lines.append(f"  {n}. {where}\u201c{title}\u201d ({p.source_id}): "
                         f"\u201c{' '.join(p.quote.split())}\u201d"
                         + (f" [{_grade_label(grade)}]" if grade else ""))
        elif p.kind == "citation" and shown_as.citation is not None:
            grade = store.grade_of(f"citation:{shown_as.citation.id}")
            lines.append(f"  {n}. citation {shown_as.citation.id}: "
                         f"{shown_as.citation.reference().rstrip()}"
                         + (f" [{_grade_label(grade)}]" if grade else ""))
        else:
            lines.append(f"  {n}. your own assessment (no outside source)")
    grade = store.grade_of(str(ref))
    lines.append(f"grade: {_grade_label(grade) if grade else 'not graded'}")
    lines.append(f"notes on it: {len(workspace.notes(target=ref))}")
    lines.append(f"added {item.created_at}, last changed {item.updated_at}")
    sys.stdout.write("".join(_printable(line) + "\n" for line in lines))
    return 0


def cmd_item_edit(args: argparse.Namespace) -> int:
    """Change one of your items: the --field options given replace those fields (an empty
    value clears an optional one), and provenance options, if any, replace what it rests
    on."""


    store, workspace = _open_view(args)
    item = _own_item(workspace, args.id)
    if not args.field and not args.provenance:
        raise CommandError("nothing to change: give --field NAME=VALUE or provenance options "
                           "(--cite-passage, --cite, --assessment)", 2)
    fields = dict(item.fields) | _fields(item.kind, args.field)
    _check_item(store, item.kind, fields)
    provenance = _provenance(store, args.provenance) if args.provenance else item.provenance
    with _storing("a field"):
        workspace.update_own_item(item.id, fields, provenance)
    print(f"updated {item.kind}:{item.id}")
    return 0


def cmd_item_delete(args: argparse.Namespace) -> int:
    """Move one of your items to the trash (the window can restore it); notes on it are
    kept, shown as unanchored."""
    import sqlite3

    from .store.workspace import WorkspaceError

    _, workspace = _open_view(args)
    item = _own_item(workspace, args.id)
    try:
        workspace.delete_own_item(item.id)
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        raise _saving(exc) from exc
    print(f"moved {item.kind}:{item.id} (\u201c{_printable(item.title)}\u201d) to the trash")
    return 0


def _grade_target_exists(store, workspace, target: str) -> bool:  # type: ignore[no-untyped-def]
    from .domain import ItemRef

    kind, sep, ident = target.partition(":")
    if not sep or not ident:
        raise CommandError(f"{_printable(target)} is not a grade target: give source:ID, "
                           f"citation:ID or KIND:ID (see `{PROG} items`)", 2)
    if kind == "source":
        return store.source(ident) is not None
    if kind == "citation":
        own = {c.citation.id for provs in store.all_provenance().values() for c in provs
               if c.citation is not None}
        return ident in own or any(c.id == ident for c in store.citations())
    try:
        ref = ItemRef.parse(target)
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    return store.item(ref) is not None


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade a source or citation's reliability (A-F) or an item's credibility (1-6), on the
    Admiralty scale; "" clears a grade. `grade list` lists your grades."""
    import sqlite3

    from .store.workspace import WorkspaceError

    if args.target == "list" and args.grade is None:
        return _grade_list(args)
    if args.grade is None:
        raise CommandError("give the GRADE: A-F for source:ID or citation:ID, 1-6 for an item "
                           "(KIND:ID); \"\" clears it", 2)
    store, workspace = _open_view(args)
    target = args.target
    clearing = args.grade == "" and target in workspace.grades()
    if not clearing and not _grade_target_exists(store, workspace, target):
        raise CommandError(f"{_printable(target)} is not in this briefing or your workspace "
                           f"(`{PROG} source list`, `{PROG} items` list what can be graded)", 2)
    try:
        before = workspace.set_grade(target, args.grade)
    except ValueError as exc:
        raise CommandError(_printable(str(exc)), 2) from exc
    except (WorkspaceError, OSError, sqlite3.Error) as exc:
        raise _saving(exc) from exc
    was = f" (was {_grade_label(before)})" if before and before != args.grade else ""
    now = _grade_label(args.grade) if args.grade else "grade cleared"
    print(f"{_printable(target)}: {now}{was}")
    return 0


def _grade_list(args: argparse.Namespace) -> int:
    """Every grade you gave: target, grade, what it means, and what it grades."""
    import json

    from .domain import ItemRef

    store, workspace = _open_view(args, write=False)
    citations = {c.citation.id: c.citation.title for provs in store.all_provenance().values()
                 for c in provs if c.citation is not None}
    rows = []
    for target, grade in sorted(workspace.grades().items()):
        kind, _, ident = target.partition(":")
        if kind == "source":
            src = store.source(ident)
            title = src.title if src is not None else ""
        elif kind == "citation":
            title = citations.get(ident, "")
        else:
            try:
                title = store.titles([ItemRef.parse(target)]).get(ItemRef.parse(target), "")
            except ValueError:
                title = ""
        rows.append({"target": target, "grade": grade, "meaning": _grade_label(grade),
                     "title": title})
    if args.json:
        print(_printable(json.dumps(rows, ensure_ascii=False, indent=2), json=True))
        return 0
    for r in rows:
        fields = [r["target"], r["meaning"],
                  " ".join(r["title"].split()) or "(no longer in the briefing)"]
        print("\t".join(_printable(f) for f in fields))
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
    # The analyst's own sources and items are part of the briefing they export.
    store, workspace = _open_view(args, write=False)
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
    _add_data_options(p)

    p = add("review", cmd_review, "review --kind judgment")
    p.add_argument("--kind", choices=ITEM_KINDS, help="review only records of this kind")
    _add_data_options(p)

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

    _add_own_work_commands(add)

    parser.set_defaults(func=cmd_gui, smoke=False, database=None, workspace=None)
    return parser


#: The fields of each kind of own item (``store/own.py`` ``OWN_FIELDS``, which checks them;
#: written out so that building the parser does not import the store. A test keeps the two
#: in step).
ITEM_FIELDS_HELP = """\
Fields (* required; a list field takes one --field per line):
  event     date* (YYYY, YYYY-MM or YYYY-MM-DD), title*, category* (diplomacy,
            investment, policy, security, export-control, legal, trade), summary,
            lane (an actor's id; empty: your own lane), date_note
  risk      title*, description*, likelihood* (1-5), impact* (1-5), justification,
            indicators (list), mitigations (list)
  judgment  text*, estimative* (almost certainly, very likely, likely, roughly even
            chance, unlikely, very unlikely, almost no chance), confidence* (low,
            moderate, high), basis*
  figure    label*, value* (a number), unit*, measures*, value_high, as_of (a date)
  actor     name*, short*, kind* (country, province, multilateral, initiative, company,
            state-body, armed-group), description*"""


def _add_own_work_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """`source`, `item` and `grade`: the analyst's own sources, items and grades."""
    from .domain import OWN_KINDS

    def group(name: str, func: Callable[[argparse.Namespace], int], example: str
              ) -> Callable[..., argparse.ArgumentParser]:
        p = add(name, func, example)
        actions = p.add_subparsers(dest=f"{name}_command", metavar="ACTION")
        p.set_defaults(group_parser=p)

        def action(verb: str, verb_func: Callable[[argparse.Namespace], int], verb_example: str,
                   more: str = "") -> argparse.ArgumentParser:
            import inspect
            import re

            doc = inspect.cleandoc(verb_func.__doc__ or "")
            # The list of actions shows each one's first sentence (or what comes before ":").
            short = re.split(r"\.\s|:\s", " ".join(doc.split()) + " ", maxsplit=1)[0]
            sp = actions.add_parser(
                verb, help=short.rstrip(". "), description=doc,
                epilog=f"Example: {PROG} {name} {verb_example}" + (f"\n\n{more}" if more else ""),
                formatter_class=argparse.RawDescriptionHelpFormatter)
            sp.set_defaults(func=verb_func)
            _add_data_options(sp)
            return sp

        return action

    def provenance_options(sp: argparse.ArgumentParser, title: str) -> None:
        g = sp.add_argument_group(title)
        for flags, meta, text in (
            ("--cite-passage", "SOURCE_ID", "a passage of a source (`source list`); give its "
                                            "words with --quote"),
            ("--quote", "WORDS", "the exact words of the passage cited just before"),
            ("--cite", "TITLE", "an outside publication, by its title"),
            ("--publisher", "NAME", "the publisher of the --cite just before"),
            ("--date", "DATE", "its date, YYYY[-MM[-DD]]"),
            ("--url", "URL", "its address (http:// or https://)"),
        ):
            g.add_argument(flags, metavar=meta, dest="provenance", action=_ProvenanceOption,
                           help=text)
        g.add_argument("--assessment", nargs=0, dest="provenance", action=_ProvenanceOption,
                       help="your own assessment, said as such (no outside source)")

    source = group("source", cmd_source, "source import ~/wire-story.txt --publisher "
                                         "'Wire service' --date 2026-11-30")
    sp = source("import", cmd_source_import, "import ~/wire-story.txt --publisher 'Wire "
                                            "service' --date 2026-11-30")
    sp.add_argument("path", metavar="PATH", help="the file to import")
    sp.add_argument("--title", help="its title (default: the title the file gives, or its "
                                    "name)")
    sp.add_argument("--publisher", help="who published it")
    sp.add_argument("--date", metavar="DATE", help="its date, YYYY[-MM[-DD]]")
    sp.add_argument("--url", help="where it was published (http:// or https://)")
    sp = source("list", cmd_source_list, "list --json")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp = source("show", cmd_source_show, "show us-seeks-pakistan-minerals")
    sp.add_argument("id", metavar="ID", help="the source's id (see `source list`)")
    sp = source("delete", cmd_source_delete, "delete own-3f2a9c0d1e7b4a65")
    sp.add_argument("id", metavar="ID", help="the id of a source you imported")

    item = group("item", cmd_item, "item add judgment --field text='Output will start late' "
                                   "--field estimative=likely --field confidence=low --field "
                                   "basis='Past projects' --assessment")
    sp = item("add", cmd_item_add,
              "add risk --field title='Refinery site security' --field description='A "
              "refinery near Karachi is exposed.' --field likelihood=3 --field impact=4 "
              "--cite-passage own-3f2a9c0d1e7b4a65 --quote 'a rare-earth refinery near "
              "Karachi'", ITEM_FIELDS_HELP)
    sp.add_argument("kind", metavar="KIND", choices=OWN_KINDS,
                    help="one of: " + ", ".join(OWN_KINDS))
    sp.add_argument("--field", metavar="NAME=VALUE", action="append",
                    help="a field of the item (repeat for each; see the list below)")
    provenance_options(sp, "what it rests on (at least one; repeat as needed)")
    sp = item("list", cmd_item_list, "list --kind risk")
    sp.add_argument("--kind", choices=OWN_KINDS, help="list only items of this kind")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp = item("show", cmd_item_show, "show risk:own-8c1d2e3f4a5b6c7d")
    sp.add_argument("id", metavar="ID", help="own-... or KIND:own-... (see `item list`)")
    sp = item("edit", cmd_item_edit, "edit own-8c1d2e3f4a5b6c7d --field likelihood=4",
              ITEM_FIELDS_HELP)
    sp.add_argument("id", metavar="ID", help="own-... or KIND:own-... (see `item list`)")
    sp.add_argument("--field", metavar="NAME=VALUE", action="append",
                    help="a field to change (repeat for each; NAME= clears an optional one)")
    provenance_options(sp, "what it rests on (if given, replaces what it rested on)")
    sp = item("delete", cmd_item_delete, "delete own-8c1d2e3f4a5b6c7d")
    sp.add_argument("id", metavar="ID", help="own-... or KIND:own-... (see `item list`)")

    p = add("grade", cmd_grade, "grade source:us-seeks-pakistan-minerals B")
    p.add_argument("target", metavar="TARGET",
                   help="source:ID or citation:ID (reliability, A-F), or an item as KIND:ID "
                        "(credibility, 1-6); or `list` to list your grades")
    p.add_argument("grade", metavar="GRADE", nargs="?",
                   help="A-F (A completely reliable ... F cannot be judged) or 1-6 (1 "
                        "confirmed ... 6 cannot be judged); \"\" clears the grade")
    p.add_argument("--json", action="store_true", help="with `list`: print JSON")
    _add_data_options(p)


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
