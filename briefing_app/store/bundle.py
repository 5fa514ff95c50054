"""Note bundles: the analyst's notes as versioned JSON, to move between workspaces.

The format is documented in docs/NOTES_BUNDLE.md. Import checks the whole bundle before writing
anything; a malformed, truncated or hostile bundle is refused with one plain message and the
workspace is left as it was. Notes already present (same id) are not duplicated, and a
different note under an id the workspace already uses is reported, never overwritten.

Export and import share one set of rules: the exporter checks every note with the importer's
own check and splits the notes over as many bundles as the importer's limits need, so every
bundle the app writes is one the app can read back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import ItemRef
from .anchoring import locate, make_anchor, place_notes
from .briefing import BriefingStore
from .workspace import (
    LINE_BREAKS,
    MAX_NOTE_CHARS,
    MAX_TAG_CHARS,
    NOTE_COLOURS,
    Note,
    TextAnchor,
    Workspace,
)

FORMAT = "briefing-notes"
VERSION = 1
# The importer's limits; the exporter reads the same names, so they cannot drift apart.
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_NOTES = 100_000
MAX_CONTEXT_CHARS = 1000  # an anchor's prefix and suffix
# Longer digit strings would reach Python's int-from-text limit (4,300 digits) inside json.
MAX_NUMBER_DIGITS = 20
# fullmatch and ASCII classes: "$" would accept a trailing newline and "\d" Arabic digits.
NOTE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", re.ASCII)
NOTE_KEYS = {"id", "target", "anchor", "text", "tag", "colour", "created_at", "updated_at"}
ANCHOR_KEYS = {"source", "start", "end", "quote", "prefix", "suffix"}
# json.loads turns "\ud800" into a lone surrogate, which no UTF-8 file or SQLite text can hold.
SURROGATE = re.compile("[\ud800-\udfff]")
SHOWN_IDS = 5  # ids listed in a report line before "and N more"


class BundleError(Exception):
    """The bundle cannot be imported (or exported); the message says why."""


@dataclass(frozen=True)
class Bundle:
    """A checked bundle: its notes, with text anchors already checked against the sources.

    ``moved``: ids of text notes whose quote was found at another place of its source (the
    note is attached there). ``unanchored``: ids of text notes whose quote is not in the
    source (or whose range lies past its end): they are imported *unanchored*, kept with their
    recorded quote and shown apart as such, never attached to text they were not written on.
    """

    notes: list[Note]
    moved: tuple[str, ...] = ()
    unanchored: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """What an import did, note by note: nothing is counted twice."""

    added: int
    already_present: int
    in_trash: int = 0
    conflicts: tuple[str, ...] = ()  # ids the workspace uses for a different note (kept)
    moved: int = 0
    unanchored: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.added + self.already_present + self.in_trash + len(self.conflicts)

    def summary(self) -> str:
        parts = [f"added {self.added} note{_s(self.added)}",
                 f"{self.already_present} already present"]
        if self.in_trash:
            parts.append(f"{self.in_trash} already in your trash, left there (restore "
                         f"{'it' if self.in_trash == 1 else 'them'} in View > All Notes > "
                         "Trash)")
        if self.conflicts:
            n = len(self.conflicts)
            parts.append(f"{n} conflict{_s(n)}: your workspace already has a different note "
                         f"with the same id, and yours was kept ({_ids(self.conflicts)})")
        if self.moved:
            parts.append(f"{self.moved} text note{_s(self.moved)} attached where "
                         f"{'its' if self.moved == 1 else 'their'} quote is now")
        if self.unanchored:
            n = len(self.unanchored)
            parts.append(f"{n} text note{_s(n)} whose quote is not in the source kept as "
                         f"unanchored note{_s(n)} (View > All Notes > Unanchored notes: "
                         f"{_ids(self.unanchored)})")
        return "; ".join(parts)


@dataclass(frozen=True)
class NoteExport:
    """The live notes, split into bundles that each fit the importer's limits."""

    header: dict[str, Any]
    parts: tuple[tuple[dict[str, Any], ...], ...]
    left_out: tuple[tuple[str, str], ...]  # (note id, why the importer would refuse it)

    @property
    def note_count(self) -> int:
        return sum(len(p) for p in self.parts)

    def bundles(self) -> Iterator[bytes]:
        """Each part as the bytes of one complete bundle file (made one at a time)."""
        for part in self.parts:
            yield _assemble(self.header, [_chunk(e) for e in part]).encode("utf-8")


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _ids(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    return shown + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")


def _shown(value: object) -> str:
    """A bundle's value inside a message: repr escapes control and bidi characters; long
    values are cut so a hostile field cannot flood the terminal."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def note_to_json(note: Note) -> dict[str, Any]:
    anchor = None
    if note.anchor is not None:
        a = note.anchor
        anchor = {"source": a.source_id, "start": a.start, "end": a.end, "quote": a.quote,
                  "prefix": a.prefix, "suffix": a.suffix}
    return {"id": note.id, "target": str(note.target) if note.target else None,
            "anchor": anchor, "text": note.body, "tag": note.tag, "colour": note.colour,
            "created_at": note.created_at, "updated_at": note.updated_at}


# -- export -----------------------------------------------------------------------------------
def _chunk(entry: dict[str, Any]) -> str:
    """One note as it sits in the bundle's "notes" list: one line per note, which reads and
    diffs well, and is written by json's fast C encoder (``indent`` would not use it)."""
    return "    " + json.dumps(entry, ensure_ascii=False)


def _assemble(header: dict[str, Any], chunks: list[str]) -> str:
    """The bundle text: ``header``, indented, then the notes, one per line."""
    head = json.dumps(header, ensure_ascii=False, indent=2)[:-2]  # without the final "\n}"
    if not chunks:
        return head + ',\n  "notes": []\n}\n'
    return head + ',\n  "notes": [\n' + ",\n".join(chunks) + "\n  ]\n}\n"


def prepare_export(workspace: Workspace, store: BriefingStore,
                   now: dt.datetime | None = None) -> NoteExport:
    """Every live note (not the trash), checked as the importer will check it and packed,
    in order, into as few bundles as ``MAX_BUNDLE_BYTES`` and ``MAX_NOTES`` allow.

    A text note is written at the place its quote is found now (after a rebuild the stored
    range may be stale); one whose quote is not found is written as it was recorded (the
    importer keeps it unanchored). A note on an item this briefing no longer has would make
    the importer refuse the whole bundle, so it is left out and listed.
    """
    max_bytes, max_notes = MAX_BUNDLE_BYTES, MAX_NOTES
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    header: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": stamp,
                              "briefing": {"content_hash": store.content_hash()}}
    fixed = len(_assemble(header, ["x"]).encode("utf-8")) - 1
    items = {(i.ref.kind, i.ref.id) for i in store.items()}
    sources = {s.id: s.text for s in store.sources()}
    parts: list[tuple[dict[str, Any], ...]] = []
    current: list[dict[str, Any]] = []
    size = fixed
    left_out: list[tuple[str, str]] = []
    for n, placement in enumerate(place_notes(store, workspace.notes()), start=1):
        note = placement.note
        if not placement.anchored and note.target is not None:
            left_out.append((note.id, f"it is unanchored: its item {note.target} is no "
                                      "longer in this briefing"))
            continue
        if note.anchor is not None and placement.anchored:
            note = Note(note.id, note.body, None,
                        make_anchor(note.anchor.source_id, sources[note.anchor.source_id],
                                    placement.start, placement.end),
                        note.tag, note.colour, note.created_at, note.updated_at)
        entry = note_to_json(note)
        try:
            _note_from_json(entry, n, items, sources)
        except BundleError as exc:
            left_out.append((note.id, str(exc).split(": ", 1)[-1]))
            continue
        length = len(_chunk(entry).encode("utf-8"))
        if fixed + length > max_bytes:
            left_out.append((note.id, f"it is too large for a bundle of {max_bytes:,} bytes"))
            continue
        if current and (size + 2 + length > max_bytes or len(current) >= max_notes):
            parts.append(tuple(current))
            current, size = [], fixed
        size += length + (2 if current else 0)  # ",\n" between notes
        current.append(entry)
    parts.append(tuple(current))  # an empty workspace still gives one (empty) bundle
    return NoteExport(header, tuple(parts), tuple(left_out))


def export_bundle(workspace: Workspace, store: BriefingStore,
                  now: dt.datetime | None = None) -> str:
    """Every live note as one bundle, JSON text; BundleError if they need several bundles
    (``prepare_export`` splits them)."""
    export = prepare_export(workspace, store, now)
    if len(export.parts) > 1:
        raise BundleError(f"the notes need {len(export.parts)} bundles (each at most "
                          f"{MAX_BUNDLE_BYTES // 1048576} MB and {MAX_NOTES:,} notes)")
    return next(export.bundles()).decode("utf-8")


# -- reading ----------------------------------------------------------------------------------
def _refuse_non_file(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise BundleError("it is a folder, not a note bundle file")
    if stat.S_ISFIFO(mode):
        raise BundleError("it is a pipe, not a file; save the bundle to a file and import that")
    if stat.S_ISSOCK(mode):
        raise BundleError("it is a socket, not a file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise BundleError("it is a device, not a file")
    if not stat.S_ISREG(mode):
        raise BundleError("it is not a regular file")


def _too_large() -> BundleError:
    return BundleError(f"the file is larger than {MAX_BUNDLE_BYTES // 1048576} MB, the most a "
                       "note bundle holds (`note export` writes more notes as several files)")


def read_bundle_file(path: Path) -> bytes:
    """The bytes of the bundle file at ``path``; BundleError for anything but a regular file
    of at most ``MAX_BUNDLE_BYTES`` (OSError if it cannot be read).

    The path is checked before it is opened, because opening a pipe blocks until someone
    writes and a device may never end; the read stops one byte past the limit, so a file
    that grows, or reports a wrong size, still costs at most that much memory.
    """
    limit = MAX_BUNDLE_BYTES
    info = os.stat(path)
    _refuse_non_file(info.st_mode)
    if info.st_size > limit:
        raise _too_large()
    # O_NONBLOCK: should the path have become a pipe since stat, opening it does not block.
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_BINARY", 0))
    fd = os.open(path, flags)
    try:
        _refuse_non_file(os.fstat(fd).st_mode)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_large()
    return data


def _fail(where: str, why: str) -> BundleError:
    return BundleError(f"{where}: {why}" if where else why)


def _text(value: Any, where: str, name: str, limit: int, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"{name} must be text")
    if len(value) > limit:
        raise _fail(where, f"{name} is longer than {limit:,} characters")
    if not allow_empty and not value.strip():
        raise _fail(where, f"{name} must not be empty")
    if SURROGATE.search(value):
        raise _fail(where, f"{name} holds an invalid character (an unpaired surrogate such as "
                           "\\ud800, which is not text)")
    return value


def _int(value: Any, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**8:
        raise _fail(where, f"{name} must be a whole number from 0 to 100000000")
    return value


def _timestamp(value: Any, where: str, name: str) -> str:
    if not isinstance(value, str) or not TIMESTAMP.fullmatch(value):
        raise _fail(where, f"{name} must be a UTC time such as 2025-01-31T12:00:00Z")
    try:  # the pattern holds ASCII digits only; datetime refuses month 13, 25:00, Feb 30
        dt.datetime(int(value[0:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]),
                    int(value[14:16]), int(value[17:19]))
    except ValueError:
        raise _fail(where, f"{name} {value} is not a real date and time") from None
    return value


def _number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise BundleError(f"the file holds a number of more than {MAX_NUMBER_DIGITS} digits; "
                          "it is not a note bundle")
    return int(digits)


def _load(data: bytes) -> Any:
    if len(data) > MAX_BUNDLE_BYTES:
        raise _too_large()
    try:
        # utf-8-sig: a byte order mark, as some Windows editors write, is not an error.
        return json.loads(data.decode("utf-8-sig"), parse_int=_number)
    except UnicodeDecodeError:
        raise BundleError("the file is not UTF-8 text; it is not a note bundle") from None
    except RecursionError:
        raise BundleError("the file is nested too deeply; it is not a note bundle") from None
    except json.JSONDecodeError as exc:
        raise BundleError(f"the file is not valid JSON (line {exc.lineno}, column "
                          f"{exc.colno}: {exc.msg})") from None
    except ValueError as exc:  # any other limit of the JSON reader: never a raw exception
        raise BundleError(f"the file cannot be read as JSON ({exc})") from None


def _note_from_json(entry: Any, n: int, items: set[tuple[str, str]],
                    sources: dict[str, str]) -> tuple[Note, str]:
    """One bundle note, checked; with "moved" if its anchor was found elsewhere, or
    "unanchored" if its quote is not in the source."""
    where = f"note {n}"
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    extra = set(entry) - NOTE_KEYS
    if extra:
        raise _fail(where, "unknown fields: " + ", ".join(sorted(map(_shown, extra))))
    ident = entry.get("id")
    if not isinstance(ident, str) or not NOTE_ID.fullmatch(ident):
        raise _fail(where, "id must be 1-64 letters, digits, '-' or '_'")
    where = f"note {n} ({ident})"
    body = _text(entry.get("text"), where, "text", MAX_NOTE_CHARS, allow_empty=False)
    tag = _text(entry.get("tag", ""), where, "tag", MAX_TAG_CHARS)
    if any(c in LINE_BREAKS for c in tag):
        raise _fail(where, "tag must be one line (it holds a line break)")
    colour = entry.get("colour", "")
    if colour not in NOTE_COLOURS:
        raise _fail(where, "colour must be one of: " + ", ".join(c or '""'
                                                                for c in NOTE_COLOURS))
    created = _timestamp(entry.get("created_at"), where, "created_at")
    updated = _timestamp(entry.get("updated_at"), where, "updated_at")
    target, anchor = entry.get("target"), entry.get("anchor")
    if (target is None) == (anchor is None):
        raise _fail(where, "needs exactly one of \"target\" (an item) or \"anchor\" "
                           "(a text range)")
    if target is not None:
        if not isinstance(target, str):
            raise _fail(where, "target must be text such as risk:security-in-mineral-areas")
        try:
            ref = ItemRef.parse(target)
        except ValueError:
            raise _fail(where, f"target {_shown(target)} is not an item reference (KIND:ID)"
                        ) from None
        if (ref.kind, ref.id) not in items:
            raise _fail(where, f"target {_shown(target)} is not an item of this briefing")
        return Note(ident, body, ref, None, tag, colour, created, updated), ""
    if not isinstance(anchor, dict) or set(anchor) - ANCHOR_KEYS:
        raise _fail(where, "anchor must be an object with source, start, end, quote, prefix "
                           "and suffix")
    source = anchor.get("source")
    if not isinstance(source, str) or source not in sources:
        raise _fail(where, f"anchor source {_shown(source)} is not a source document of this "
                           "briefing")
    text = sources[source]
    start = _int(anchor.get("start"), where, "anchor start")
    end = _int(anchor.get("end"), where, "anchor end")
    if end <= start:
        raise _fail(where, "anchor end must be after its start")
    quote = _text(anchor.get("quote"), where, "anchor quote", MAX_NOTE_CHARS,
                  allow_empty=False)
    prefix = _text(anchor.get("prefix", ""), where, "anchor prefix", MAX_CONTEXT_CHARS)
    suffix = _text(anchor.get("suffix", ""), where, "anchor suffix", MAX_CONTEXT_CHARS)
    # The bundle's quote is only a claim about the source: find it there. Found, the note is
    # attached to the source's own words (context included); not found (or its range lies
    # past the end of the text), it is kept unanchored with the quote it was written on,
    # which every view shows apart, never as the source's words, and never on other text.
    found = locate(TextAnchor(source, start, end, quote, prefix, suffix), text)
    if found is None:
        return Note(ident, body, None, TextAnchor(source, start, end, quote, prefix, suffix),
                    tag, colour, created, updated), "unanchored"
    how = "" if found == (start, end) else "moved"
    return Note(ident, body, None, make_anchor(source, text, *found), tag, colour, created,
                updated), how


def read_bundle(data: bytes, store: BriefingStore) -> Bundle:
    """Check a bundle completely and return its notes; raise BundleError if anything is off."""
    raw = _load(data)
    if not isinstance(raw, dict):
        raise BundleError("the file is JSON but not a note bundle (expected an object)")
    if raw.get("format") != FORMAT:
        raise BundleError(f"the file is not a note bundle (\"format\" must be \"{FORMAT}\")")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError("the bundle has no valid \"version\"")
    if version > VERSION:
        raise BundleError(f"the bundle is version {version}, newer than this version of "
                          f"Briefing reads ({VERSION}); update Briefing to import it")
    if version < 1:
        raise BundleError(f"the bundle version {version} is not valid")
    unknown = set(raw) - {"format", "version", "exported_at", "briefing", "notes"}
    if unknown:
        raise BundleError("the bundle has unknown fields: " + ", ".join(sorted(map(_shown,
                                                                                    unknown))))
    notes_raw = raw.get("notes")
    if not isinstance(notes_raw, list):
        raise BundleError("the bundle has no \"notes\" list")
    if len(notes_raw) > MAX_NOTES:
        raise BundleError(f"the bundle holds more than {MAX_NOTES:,} notes")
    items = {(i.ref.kind, i.ref.id) for i in store.items()}
    sources = {s.id: s.text for s in store.sources()}
    notes: list[Note] = []
    moved: list[str] = []
    unanchored: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(notes_raw, start=1):
        note, how = _note_from_json(entry, n, items, sources)
        if note.id in seen:
            raise _fail(f"note {n}", f"duplicate id {note.id}")
        seen.add(note.id)
        notes.append(note)
        if how == "moved":
            moved.append(note.id)
        elif how == "unanchored":
            unanchored.append(note.id)
    return Bundle(notes, tuple(moved), tuple(unanchored))


def parse_bundle(data: bytes, store: BriefingStore) -> list[Note]:
    """The checked notes of a bundle (see :func:`read_bundle`)."""
    return read_bundle(data, store).notes


# -- import -----------------------------------------------------------------------------------
def _same_note(a: Note, b: Note) -> bool:
    """The same note in substance: times may differ, and a text note may sit elsewhere."""
    def place(n: Note) -> tuple[str, str] | None:
        return (n.anchor.source_id, n.anchor.quote) if n.anchor else None

    return ((a.body, a.tag, a.colour, a.target, place(a))
            == (b.body, b.tag, b.colour, b.target, place(b)))


def import_bundle(workspace: Workspace, bundle: Bundle | list[Note]) -> ImportReport:
    """Add the bundle's notes that are not already in the workspace, in one transaction.

    A note whose id the workspace already uses is never overwritten: it counts as already
    present (live), in the trash (left there), or as a conflict (different content).
    """
    if not isinstance(bundle, Bundle):
        bundle = Bundle(list(bundle))
    fresh: list[Note] = []
    present = in_trash = 0
    conflicts: list[str] = []
    for note in bundle.notes:
        mine = workspace.note(note.id)
        if mine is None:
            fresh.append(note)
        elif not _same_note(mine, note):
            conflicts.append(note.id)
        elif mine.deleted_at:
            in_trash += 1
        else:
            present += 1
    added = workspace.import_notes(fresh)
    present += len(fresh) - added  # added meanwhile by another window: INSERT OR IGNORE
    new = {n.id for n in fresh}
    return ImportReport(added, present, in_trash, tuple(conflicts),
                        sum(1 for i in bundle.moved if i in new),
                        tuple(i for i in bundle.unanchored if i in new))
