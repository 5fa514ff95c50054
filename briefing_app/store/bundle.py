"""Note bundles: the analyst's notes and own work as versioned JSON, to move between workspaces.

The format is documented in docs/NOTES_BUNDLE.md. Version 2 carries, besides the notes, the
analyst's imported sources (their metadata and text, not the original files), own items (fields
and provenance) and grades; version 1 bundles (notes only) still import. Import checks the
whole bundle before writing anything; a malformed, truncated or hostile bundle is refused with
one plain message and the workspace is left as it was. What is already present (same id; for
a source, the same file) is not duplicated, and a different note, item or grade under an id
the workspace already uses is reported, never overwritten.

Export and import share one set of rules: the exporter checks every entry with the importer's
own check and splits them over as many bundles as the importer's limits need, each bundle
carrying what its entries rest on, so every bundle the app writes is one the app can read back
on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..domain import ITEM_KINDS, OWN_KINDS, ItemRef, is_own
from ..readers import KINDS as READER_KINDS
from ..readers import MAX_SOURCE_CHARS
from ..text import check_date
from .anchoring import locate, make_anchor, place_notes
from .briefing import BriefingStore
from .own import (
    MAX_FIELD_CHARS,
    OwnItem,
    OwnProvenance,
    OwnSource,
    check_fields,
    check_grade,
    check_provenance,
)
from .view import BriefingView
from .workspace import (
    LINE_BREAKS,
    MAX_NOTE_CHARS,
    MAX_TAG_CHARS,
    NOTE_COLOURS,
    Note,
    TextAnchor,
    Workspace,
)

#: What a bundle is read against: the bundled briefing, or the analyst's view of it (the
#: bundled briefing with the workspace's own sources and items).
Briefing = BriefingStore | BriefingView

FORMAT = "briefing-notes"
VERSION = 2
# The importer's limits; the exporter reads the same names, so they cannot drift apart.
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_NOTES = 100_000
MAX_SOURCES = 10_000
MAX_ITEMS = 100_000
MAX_GRADES = 100_000
MAX_CONTEXT_CHARS = 1000  # an anchor's prefix and suffix
# Longer digit strings would reach Python's int-from-text limit (4,300 digits) inside json.
MAX_NUMBER_DIGITS = 20
# fullmatch and ASCII classes: "$" would accept a trailing newline and "\d" Arabic digits.
NOTE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
# The analyst's sources and items: the prefix is how every view tells them from bundled ones.
OWN_ID = re.compile(r"own-[A-Za-z0-9_-]{1,60}", re.ASCII)
SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", re.ASCII)
NOTE_KEYS = {"id", "target", "anchor", "text", "tag", "colour", "created_at", "updated_at"}
ANCHOR_KEYS = {"source", "start", "end", "quote", "prefix", "suffix"}
SOURCE_KEYS = {"id", "title", "kind", "filename", "sha256", "size", "publisher", "date", "url",
               "imported_at", "text"}
ITEM_KEYS = {"id", "kind", "fields", "provenance", "created_at", "updated_at"}
PROVENANCE_KEYS = {"kind", "source_id", "start", "end", "quote", "title", "publisher", "date",
                   "url"}
GRADE_KEYS = {"target", "grade"}
TOP_KEYS = {1: {"format", "version", "exported_at", "briefing", "notes"},
            2: {"format", "version", "exported_at", "briefing", "sources", "items", "grades",
                "notes"}}
SOURCE_KINDS = frozenset(READER_KINDS.values())
# json.loads turns "\ud800" into a lone surrogate, which no UTF-8 file or SQLite text can hold.
SURROGATE = re.compile("[\ud800-\udfff]")
# A reader never keeps these in a source's text (tab and newline it keeps).
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SHOWN_IDS = 5  # ids listed in a report line before "and N more"


class BundleError(Exception):
    """The bundle cannot be imported (or exported); the message says why."""


@dataclass
class CarriedSource:
    """An imported source as a bundle carries it: its metadata and its text, which is what an
    import needs (``own.ReadLike``); never the original file, which stays in the workspace it
    was first imported into."""

    id: str
    title: str
    kind: str
    text: str
    filename: str
    sha256: str
    size: int
    publisher: str = ""
    date: str = ""
    url: str = ""
    imported_at: str = ""
    data: bytes = b""


@dataclass(frozen=True)
class Bundle:
    """A checked bundle: its notes, with text anchors already checked against the sources, and
    the analyst's own work it carries, every reference resolved.

    ``moved``: ids of text notes whose quote was found at another place of its source (the
    note is attached there). ``unanchored``: ids of text notes whose quote is not in the
    source (or whose range lies past its end): they are imported *unanchored*, kept with their
    recorded quote and shown apart as such, never attached to text they were not written on.

    ``sources``: the sources to add; a source whose file the workspace already holds (same
    id, or the same SHA-256 under another id) is not among them, and whatever in the bundle
    rests on it now names the workspace's copy. ``restore``: sources in the workspace's trash
    that the bundle's items or notes rest on. ``items`` and ``grades``: all the bundle's
    (``import_bundle`` skips those already present, and reports conflicts).
    """

    notes: list[Note]
    moved: tuple[str, ...] = ()
    unanchored: tuple[str, ...] = ()
    sources: tuple[CarriedSource, ...] = ()
    restore: tuple[str, ...] = ()
    items: tuple[OwnItem, ...] = ()
    grades: tuple[tuple[str, str], ...] = ()
    sources_present: int = 0
    sources_in_trash: int = 0
    source_conflicts: tuple[str, ...] = ()
    own_entries: int = 0  # sources, items and grades in the file
    # What it was checked against: importing into another workspace checks it again there.
    raw: Any = field(default=None, repr=False, compare=False)
    store: BriefingStore | None = field(default=None, repr=False, compare=False)
    workspace: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ImportReport:
    """What an import did, entry by entry: nothing is counted twice."""

    added: int
    already_present: int
    in_trash: int = 0
    conflicts: tuple[str, ...] = ()  # ids the workspace uses for a different note (kept)
    moved: int = 0
    unanchored: tuple[str, ...] = ()
    own_work: bool = False  # the bundle carried sources, items or grades
    sources_added: int = 0
    sources_present: int = 0  # the same file is in the workspace (under its id or another)
    sources_restored: int = 0  # from the trash: the bundle's items or notes rest on them
    sources_in_trash: int = 0
    source_conflicts: tuple[str, ...] = ()
    items_added: int = 0
    items_present: int = 0
    items_in_trash: int = 0
    item_conflicts: tuple[str, ...] = ()
    grades_added: int = 0
    grades_present: int = 0
    grade_conflicts: tuple[str, ...] = ()  # targets the workspace grades differently (kept)

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
        if self.own_work:
            parts.extend(self._own_summary())
        return "; ".join(parts)

    def _own_summary(self) -> list[str]:
        s, i, g = self.sources_added, self.items_added, self.grades_added
        present = self.sources_present + self.items_present + self.grades_present
        parts = [f"own work: added {s} source{_s(s)}, {i} item{_s(i)} and {g} grade{_s(g)}",
                 f"{present} already present"]
        if self.sources_restored:
            n = self.sources_restored
            parts.append(f"{n} source{_s(n)} in your trash restored, as the bundle's items "
                         "or notes rest on " + ("it" if n == 1 else "them"))
        trash = self.sources_in_trash + self.items_in_trash
        if trash:
            parts.append(f"{trash} source{_s(trash)} or item{_s(trash)} already in your "
                         "trash, left there")
        for what, ids, kept in (("source", self.source_conflicts, "a different source"),
                                ("item", self.item_conflicts, "a different item")):
            if ids:
                parts.append(f"{len(ids)} {what} conflict{_s(len(ids))}: your workspace "
                             f"already has {kept} with the same id, and yours was kept "
                             f"({_ids(ids)})")
        if self.grade_conflicts:
            n = len(self.grade_conflicts)
            parts.append(f"{n} grade conflict{_s(n)}: you grade {'it' if n == 1 else 'them'} "
                         f"differently, and your grade{_s(n)} {'was' if n == 1 else 'were'} "
                         f"kept ({_ids(self.grade_conflicts)})")
        return parts


#: The lists of a version 2 bundle, in the order they are written (what the later ones rest
#: on comes first).
SECTIONS = ("sources", "items", "grades", "notes")


@dataclass(frozen=True)
class NoteExport:
    """The live notes and own work, split into bundles that each fit the importer's limits
    and each carry what their entries rest on (an item's own sources, a note's own item)."""

    header: dict[str, Any]
    parts: tuple[tuple[dict[str, Any], ...], ...]  # the notes of each bundle
    left_out: tuple[tuple[str, str], ...]  # (note id, why the importer would refuse it)
    # The sources, items and grades of each bundle, as the JSON lines written.
    own: tuple[Mapping[str, tuple[str, ...]], ...] = ()
    own_left_out: tuple[tuple[str, str], ...] = ()  # ("item own-...", why)
    source_count: int = 0
    item_count: int = 0
    grade_count: int = 0

    @property
    def note_count(self) -> int:
        return sum(len(p) for p in self.parts)

    def bundles(self) -> Iterator[bytes]:
        """Each part as the bytes of one complete bundle file (made one at a time)."""
        for n, part in enumerate(self.parts):
            own = self.own[n] if n < len(self.own) else {}
            yield _assemble(self.header, {**own, "notes": [_chunk(e) for e in part]}
                            ).encode("utf-8")


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


def source_to_json(src: OwnSource) -> dict[str, Any]:
    """An imported source as a bundle carries it (its text last: the metadata reads first)."""
    return {"id": src.id, "title": src.title, "kind": src.kind, "filename": src.filename,
            "sha256": src.sha256, "size": src.size, "publisher": src.publisher,
            "date": src.date, "url": src.url, "imported_at": src.imported_at,
            "text": src.text}


def item_to_json(item: OwnItem) -> dict[str, Any]:
    return {"id": item.id, "kind": item.kind, "fields": dict(item.fields),
            "provenance": [p.to_json() for p in item.provenance],
            "created_at": item.created_at, "updated_at": item.updated_at}


# -- export -----------------------------------------------------------------------------------
def _chunk(entry: dict[str, Any]) -> str:
    """One entry as it sits in one of the bundle's lists: one line per entry, which reads and
    diffs well, and is written by json's fast C encoder (``indent`` would not use it)."""
    return "    " + json.dumps(entry, ensure_ascii=False)


def _assemble(header: dict[str, Any], lists: Mapping[str, Sequence[str]]) -> str:
    """The bundle text: ``header``, indented, then each list, one entry per line."""
    text = json.dumps(header, ensure_ascii=False, indent=2)[:-2]  # without the final "\n}"
    for name in SECTIONS:
        chunks = lists.get(name, ())
        if chunks:
            text += f',\n  "{name}": [\n' + ",\n".join(chunks) + "\n  ]"
        else:
            text += f',\n  "{name}": []'
    return text + "\n}\n"


@dataclass(frozen=True)
class _Entry:
    """One entry to export, with the keys of the entries it rests on (which every bundle that
    holds it must hold too)."""

    section: str
    key: str  # "source:ID", "item:ID", "grade:TARGET", "note:ID"
    order: int
    chunk: str
    size: int  # the chunk's bytes and the ",\n" after it
    deps: tuple[str, ...] = ()
    note: dict[str, Any] | None = None


class _Part:
    """One bundle being filled."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.entries: list[_Entry] = []
        self.size = 0
        self.counts = dict.fromkeys(SECTIONS, 0)

    def fits(self, entries: list[_Entry], room: int, limits: Mapping[str, int]) -> bool:
        if self.size + sum(e.size for e in entries) > room:
            return False
        return all(self.counts[s] + sum(1 for e in entries if e.section == s) <= limits[s]
                   for s in SECTIONS)

    def add(self, entries: list[_Entry]) -> None:
        for e in entries:
            self.keys.add(e.key)
            self.entries.append(e)
            self.size += e.size
            self.counts[e.section] += 1

    def lists(self) -> dict[str, tuple[str, ...]]:
        ordered = sorted(self.entries, key=lambda e: e.order)
        return {s: tuple(e.chunk for e in ordered if e.section == s) for s in SECTIONS[:3]}


def _entry(section: str, key: str, order: int, data: dict[str, Any],
           deps: tuple[str, ...] = (), note: bool = False) -> _Entry:
    chunk = _chunk(data)
    return _Entry(section, key, order, chunk, len(chunk.encode("utf-8")) + 2, deps,
                  data if note else None)


def _why(exc: BundleError) -> str:
    return str(exc).split(": ", 1)[-1]


def prepare_export(workspace: Workspace, store: Briefing,
                   now: dt.datetime | None = None) -> NoteExport:
    """Every live note, source, item and grade (not the trash), checked as the importer will
    check it and packed, in order, into as few bundles as ``MAX_BUNDLE_BYTES`` and the count
    limits allow; a bundle holding an entry also holds what it rests on (an item's own
    sources; a note's or a grade's own item or source), so each bundle imports on its own.

    A text note is written at the place its quote is found now (after a rebuild the stored
    range may be stale); one whose quote is not found is written as it was recorded (the
    importer keeps it unanchored). An entry the importer would refuse (a note on an item this
    briefing no longer has, an item quoting words no longer in its source) is left out and
    listed, and so is whatever rests on it.
    """
    max_bytes = MAX_BUNDLE_BYTES
    limits = {"sources": MAX_SOURCES, "items": MAX_ITEMS, "grades": MAX_GRADES,
              "notes": MAX_NOTES}
    view = store if isinstance(store, BriefingView) else BriefingView(store, workspace)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    header: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": stamp,
                              "briefing": {"content_hash": view.content_hash()}}
    # Each list that has entries takes two bytes more than an empty one ("[]" against
    # "[\n" ... "\n  ]", less the last entry's ",\n"): counted for all four.
    room = max_bytes - len(_assemble(header, {}).encode("utf-8")) - 2 * len(SECTIONS)
    entries = _own_entries(workspace, view)
    left_out: list[tuple[str, str]] = []
    own_left_out = list(entries.left_out)
    by_key = {e.key: e for e in entries.entries}
    order = len(entries.entries)
    items = {(i.ref.kind, i.ref.id) for i in view.items()}
    sources = {s.id: s.text for s in view.sources()}
    notes: list[_Entry] = []
    for n, placement in enumerate(place_notes(cast(BriefingStore, view), workspace.notes()),
                                  start=1):
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
        deps = _note_deps(note)
        missing = [d for d in deps if d not in by_key]
        if missing:
            left_out.append((note.id, f"it is on your own {missing[0].split(':', 1)[0]} "
                                      f"{missing[0].split(':', 1)[1]}, which could not be "
                                      "exported"))
            continue
        entry = note_to_json(note)
        try:
            _note_from_json(entry, n, items, sources)
        except BundleError as exc:
            left_out.append((note.id, _why(exc)))
            continue
        order += 1
        notes.append(_entry("notes", f"note:{note.id}", order, entry, deps, note=True))
    parts, too_large = _pack([*entries.entries, *notes], by_key, room, limits, max_bytes)
    for e, why in too_large:
        if e.section == "notes":
            left_out.append((e.key.split(":", 1)[1], why))
        else:
            own_left_out.append((e.key.replace(":", " ", 1), why))
    placed = {k for p in parts for k in p.keys}
    return NoteExport(
        header,
        tuple(tuple(e.note for e in p.entries if e.note is not None) for p in parts),
        tuple(left_out), tuple(p.lists() for p in parts), tuple(own_left_out),
        sum(1 for k in placed if k.startswith("source:")),
        sum(1 for k in placed if k.startswith("item:")),
        sum(1 for k in placed if k.startswith("grade:")))


def _note_deps(note: Note) -> tuple[str, ...]:
    """The own source or item a note rests on: a bundle that holds the note must hold it."""
    deps = []
    if note.target is not None and is_own(note.target.id):
        kind = "source" if note.target.kind == "source" else "item"
        deps.append(f"{kind}:{note.target.id}")
    if note.anchor is not None and is_own(note.anchor.source_id):
        deps.append(f"source:{note.anchor.source_id}")
    return tuple(deps)


@dataclass(frozen=True)
class _OwnEntries:
    entries: list[_Entry]
    left_out: list[tuple[str, str]]


def _own_entries(workspace: Workspace, view: BriefingView) -> _OwnEntries:
    """The workspace's live sources, items and grades as bundle entries, each checked as the
    importer will check it; one that would be refused is left out, with whatever rests on
    it."""
    entries: list[_Entry] = []
    left: list[tuple[str, str]] = []
    texts = {s.id: s.text for s in view.sources()}
    titles = {s.id: s.title for s in view.sources()}
    keys: set[str] = set()
    for n, src in enumerate(workspace.own_sources(), start=1):
        data = source_to_json(src)
        try:
            _source_from_json(data, n)
        except BundleError as exc:
            left.append((f"source {src.id}", _why(exc)))
            continue
        entries.append(_entry("sources", f"source:{src.id}", len(entries), data))
        keys.add(f"source:{src.id}")
    citations = {c.id for c in view.citations()}
    for n, item in enumerate(workspace.own_items(), start=1):
        where = f"item {n} ({item.id})"
        try:
            parsed = _item_from_json(item_to_json(item), n)
            provenance = _placed(parsed.provenance, where, texts, titles, {}, set())
        except BundleError as exc:
            left.append((f"item {item.id}", _why(exc)))
            continue
        cited = tuple(dict.fromkeys(f"source:{p.source_id}" for p in provenance
                                    if p.kind == "passage" and is_own(p.source_id)))
        missing = [d for d in cited if d not in keys]
        if missing:
            left.append((f"item {item.id}", f"it cites your source {missing[0][7:]}, which "
                                            "could not be exported"))
            continue
        data = item_to_json(parsed._replace(provenance=provenance))
        entries.append(_entry("items", f"item:{item.id}", len(entries), data, cited))
        keys.add(f"item:{item.id}")
        citations.update(_citation_ids([parsed]))
    known = {(i.ref.kind, i.ref.id) for i in view.items()}
    for n, (target, grade) in enumerate(sorted(workspace.grades().items()), start=1):
        data = {"target": target, "grade": grade}
        try:
            _grade_from_json(data, n)
        except BundleError as exc:
            left.append((f"grade {target}", _why(exc)))
            continue
        kind, _, ident = target.partition(":")
        if is_own(ident):
            dep = (f"source:{ident}" if kind == "source"
                   else f"item:{ident.split('#', 1)[0]}")
            if dep not in keys or (kind == "citation" and ident not in citations):
                left.append((f"grade {target}", "what it grades is not in your workspace "
                                                "(or could not be exported)"))
                continue
            deps: tuple[str, ...] = (dep,)
        else:
            found = (ident in texts if kind == "source" else ident in citations
                     if kind == "citation" else (kind, ident) in known)
            if not found:
                left.append((f"grade {target}", "what it grades is no longer in this "
                                                "briefing"))
                continue
            deps = ()
        entries.append(_entry("grades", f"grade:{target}", len(entries), data, deps))
    return _OwnEntries(entries, left)


def _pack(entries: list[_Entry], by_key: dict[str, _Entry], room: int,
          limits: Mapping[str, int], max_bytes: int
          ) -> tuple[list[_Part], list[tuple[_Entry, str]]]:
    """Entries, in order, into as few parts as fit; each part also gets what its entries rest
    on (repeated in a later part when an entry there needs it again)."""
    parts: list[_Part] = []
    current = _Part()
    refused: list[tuple[_Entry, str]] = []
    failed: set[str] = set()

    def closure(e: _Entry) -> list[_Entry]:
        out: list[_Entry] = []
        for d in e.deps:
            out.extend(x for x in closure(by_key[d]) if x not in out)
        return [*out, e]

    for e in entries:
        if e.key in current.keys:
            continue
        lost = [d for d in e.deps if d in failed]
        if lost:
            refused.append((e, f"it rests on {lost[0].replace(':', ' ', 1)}, which is too "
                               "large to export"))
            failed.add(e.key)
            continue
        need = [x for x in closure(e) if x.key not in current.keys]
        if not current.fits(need, room, limits):
            if current.entries:
                parts.append(current)
                current = _Part()
                need = closure(e)
            if not current.fits(need, room, limits):
                what = " with what it rests on" if len(need) > 1 else ""
                refused.append((e, f"it is too large for a bundle of {max_bytes:,} "
                                   f"bytes{what}"))
                failed.add(e.key)
                continue
        current.add(need)
    parts.append(current)  # an empty workspace still gives one (empty) bundle
    return parts, refused


def export_bundle(workspace: Workspace, store: Briefing,
                  now: dt.datetime | None = None) -> str:
    """Every live note and the own work as one bundle, JSON text; BundleError if they need
    several bundles (``prepare_export`` splits them)."""
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


def _no_surrogates(value: Any, where: str, name: str) -> None:
    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, str) and SURROGATE.search(text):
            raise _fail(where, f"{name} holds an invalid character (an unpaired surrogate "
                               "such as \\ud800, which is not text)")


def _source_from_json(entry: Any, n: int) -> CarriedSource:
    """One carried source, checked (its text as a reader would have made it)."""
    where = f"source {n}"
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    extra = set(entry) - SOURCE_KEYS
    if extra:
        raise _fail(where, "unknown fields: " + ", ".join(sorted(map(_shown, extra))))
    ident = entry.get("id")
    if not isinstance(ident, str) or not OWN_ID.fullmatch(ident):
        raise _fail(where, "id must be \"own-\" and 1-60 letters, digits, '-' or '_'")
    where = f"source {n} ({ident})"
    title = _text(entry.get("title"), where, "title", MAX_FIELD_CHARS, allow_empty=False)
    if any(c in LINE_BREAKS for c in title):
        raise _fail(where, "title must be one line")
    kind = entry.get("kind")
    if kind not in SOURCE_KINDS:
        raise _fail(where, "kind must be one of: " + ", ".join(sorted(SOURCE_KINDS)))
    text = _text(entry.get("text"), where, "text", MAX_SOURCE_CHARS, allow_empty=False)
    if TEXT_CONTROLS.search(text):
        raise _fail(where, "text holds control characters, which no imported source keeps")
    sha = entry.get("sha256")
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        raise _fail(where, "sha256 must be the file's SHA-256: 64 lowercase hexadecimal "
                           "digits")
    date = _text(entry.get("date", ""), where, "date", 10)
    problem = check_date(date) if date else None
    if problem is not None:
        raise _fail(where, f"date {problem}")
    url = _text(entry.get("url", ""), where, "url", MAX_FIELD_CHARS)
    if url and not url.startswith(("http://", "https://")):
        raise _fail(where, "url must start with http:// or https://")
    return CarriedSource(
        ident, title, str(kind), text,
        _text(entry.get("filename", ""), where, "filename", 1000), sha,
        _int(entry.get("size", 0), where, "size"),
        _text(entry.get("publisher", ""), where, "publisher", MAX_FIELD_CHARS), date, url,
        _timestamp(entry.get("imported_at"), where, "imported_at"))


def _provenance_from_json(entry: Any, where: str) -> OwnProvenance:
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    extra = set(entry) - PROVENANCE_KEYS
    if extra:
        raise _fail(where, "unknown fields: " + ", ".join(sorted(map(_shown, extra))))

    def text(name: str, limit: int = MAX_FIELD_CHARS) -> str:
        return _text(entry.get(name, ""), where, name, limit)

    return OwnProvenance(text("kind", 20), text("source_id", 200),
                         _int(entry.get("start", 0), where, "start"),
                         _int(entry.get("end", 0), where, "end"), text("quote"), text("title"),
                         text("publisher"), text("date", 10), text("url"))


def _item_from_json(entry: Any, n: int) -> OwnItem:
    """One own item, checked with the workspace's own checks (its provenance's passages are
    checked against their sources by ``_placed``)."""
    where = f"item {n}"
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    extra = set(entry) - ITEM_KEYS
    if extra:
        raise _fail(where, "unknown fields: " + ", ".join(sorted(map(_shown, extra))))
    ident = entry.get("id")
    if not isinstance(ident, str) or not OWN_ID.fullmatch(ident):
        raise _fail(where, "id must be \"own-\" and 1-60 letters, digits, '-' or '_'")
    where = f"item {n} ({ident})"
    kind = entry.get("kind")
    if kind not in OWN_KINDS:
        raise _fail(where, "kind must be one of: " + ", ".join(OWN_KINDS))
    fields = entry.get("fields")
    if not isinstance(fields, dict):
        raise _fail(where, "fields must be an object")
    for name, value in fields.items():
        ok = (isinstance(value, str | int) or (isinstance(value, float) and value == value
                                                  and abs(value) != float("inf"))
              or (isinstance(value, list) and all(isinstance(x, str) for x in value)))
        if not ok:
            raise _fail(where, f"field {_shown(name)} must be text, a number or a list of "
                               "lines")
        _no_surrogates(value, where, f"field {_shown(name)}")
    try:
        checked = check_fields(str(kind), fields)
    except ValueError as exc:
        raise _fail(where, str(exc)) from None
    raw = entry.get("provenance")
    if not isinstance(raw, list):
        raise _fail(where, "provenance must be a list")
    provenance = [_provenance_from_json(p, f"{where}, provenance {k}")
                  for k, p in enumerate(raw, start=1)]
    for p in provenance:
        for value in p:
            _no_surrogates(value, where, "provenance")
    try:
        checked_provenance = check_provenance(provenance)
    except ValueError as exc:
        raise _fail(where, str(exc)) from None
    return OwnItem(ident, str(kind), checked, checked_provenance,
                   _timestamp(entry.get("created_at"), where, "created_at"),
                   _timestamp(entry.get("updated_at"), where, "updated_at"))


def _grade_from_json(entry: Any, n: int) -> tuple[str, str]:
    where = f"grade {n}"
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    extra = set(entry) - GRADE_KEYS
    if extra:
        raise _fail(where, "unknown fields: " + ", ".join(sorted(map(_shown, extra))))
    target = _text(entry.get("target"), where, "target", 300, allow_empty=False)
    kind, sep, ident = target.partition(":")
    if not sep or not ident.strip() or kind not in ("citation", *ITEM_KINDS):
        raise _fail(where, f"target {_shown(target)} must be source:ID, citation:ID or "
                           "KIND:ID")
    grade = _text(entry.get("grade"), where, "grade", 1, allow_empty=False)
    try:
        check_grade(target, grade)
    except ValueError as exc:
        raise _fail(where, str(exc)) from None
    return target, grade


def _find(text: str, start: int, end: int, quote: str) -> int | None:
    """Where ``quote`` is in ``text``: at ``start`` if it is still there, else the place
    nearest to it (any place holds the same words; the nearest keeps its paragraph)."""
    if text[start:end] == quote:
        return start
    found = []
    at = text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return min(found, key=lambda h: abs(h - start)) if found else None


def _placed(provenance: Sequence[OwnProvenance], where: str, texts: Mapping[str, str],
            titles: Mapping[str, str], remap: Mapping[str, str], used: set[str]
            ) -> tuple[OwnProvenance, ...]:
    """An item's provenance with each cited passage checked against the text it will rest on
    (the bundle's source, the workspace's copy of the same file, or the bundled briefing's),
    and placed where its words are in that text. A source found nowhere, or words not in it,
    refuses the bundle: an item is never shown resting on words its source does not hold."""
    out = []
    for p in provenance:
        if p.kind == "passage":
            sid = remap.get(p.source_id, p.source_id)
            text = texts.get(sid)
            if text is None:
                raise _fail(where, f"it cites the source {_shown(p.source_id)}, which the "
                                   "bundle does not carry and neither this briefing nor your "
                                   "workspace has")
            at = _find(text, p.start, p.end, p.quote)
            if at is None:
                raise _fail(where, f"the words it quotes are not in the source "
                                   f"{_shown(titles.get(sid, sid))}")
            p = p._replace(source_id=sid, start=at, end=at + len(p.quote))
            used.add(sid)
        out.append(p)
    return tuple(out)


def _citation_ids(items: Sequence[OwnItem]) -> set[str]:
    """The ids under which the view shows own items' external citations (``ITEM#N``)."""
    return {f"{i.id}#{k}" for i in items for k, p in enumerate(i.provenance, start=1)
            if p.kind == "citation"}


def _list(raw: dict[str, Any], name: str, limit: int) -> list[Any]:
    value = raw.get(name, [])
    if not isinstance(value, list):
        raise BundleError(f"the bundle's \"{name}\" must be a list")
    if len(value) > limit:
        raise BundleError(f"the bundle holds more than {limit:,} {name}")
    return value


def _remapped(entry: Any, remap: Mapping[str, str]) -> Any:
    """A note entry naming a carried source by the workspace's id for the same file."""
    if not isinstance(entry, dict):
        return entry
    out = dict(entry)
    target = out.get("target")
    if isinstance(target, str) and target.startswith("source:") and target[7:] in remap:
        out["target"] = f"source:{remap[target[7:]]}"
    anchor = out.get("anchor")
    if (isinstance(anchor, dict) and isinstance(anchor.get("source"), str)
            and anchor["source"] in remap):
        out["anchor"] = {**anchor, "source": remap[anchor["source"]]}
    return out


def read_bundle(data: bytes, store: Briefing) -> Bundle:
    """Check a bundle completely and return what it holds; raise BundleError if anything is
    off.

    Read against a ``BriefingView`` (the bundled briefing with the workspace's own work), the
    bundle's items, grades and notes may rest on the workspace's own sources and items, and
    its sources are matched with those already imported; against the bundled store alone,
    on the bundle and the bundled briefing only (``import_bundle`` then checks a bundle that
    carries own work again, against the workspace it imports into).
    """
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
    return _read(raw, store)


def _read(raw: dict[str, Any], store: Briefing) -> Bundle:
    version = raw["version"]
    unknown = set(raw) - TOP_KEYS[version]
    if unknown:
        raise BundleError("the bundle has unknown fields: " + ", ".join(sorted(map(_shown,
                                                                                    unknown))))
    notes_raw = raw.get("notes")
    if not isinstance(notes_raw, list):
        raise BundleError("the bundle has no \"notes\" list")
    if len(notes_raw) > MAX_NOTES:
        raise BundleError(f"the bundle holds more than {MAX_NOTES:,} notes")
    sources_raw = _list(raw, "sources", MAX_SOURCES)
    items_raw = _list(raw, "items", MAX_ITEMS)
    grades_raw = _list(raw, "grades", MAX_GRADES)
    view = store if isinstance(store, BriefingView) else BriefingView(store, None)
    workspace = view.workspace
    texts = {s.id: s.text for s in view.sources()}
    titles = {s.id: s.title for s in view.sources()}
    known = {(i.ref.kind, i.ref.id) for i in view.items()}

    # Sources: a file the workspace already holds is matched, under its id or another.
    carried: list[CarriedSource] = []
    files: dict[str, int] = {}
    for n, entry in enumerate(sources_raw, start=1):
        src = _source_from_json(entry, n)
        if any(c.id == src.id for c in carried):
            raise _fail(f"source {n}", f"duplicate id {src.id}")
        if src.sha256 in files:
            raise _fail(f"source {n} ({src.id})", f"it is the same file as source "
                                                  f"{files[src.sha256]}")
        files[src.sha256] = n
        carried.append(src)
    mine = {s.id: s for s in view.own_sources()}
    by_file = {s.sha256: s.id for s in mine.values()}
    remap: dict[str, str] = {}
    to_add: list[CarriedSource] = []
    trashed: list[str] = []
    conflicts: list[str] = []
    present = 0
    for src in carried:
        if src.id in mine:
            if mine[src.id].sha256 == src.sha256:
                present += 1
            else:  # kept as it is; what the bundle rests on it is checked against it
                conflicts.append(src.id)
        elif src.sha256 in by_file:
            remap[src.id] = by_file[src.sha256]
            present += 1
        else:
            old = workspace.own_source(src.id) if workspace is not None else None
            if old is None:
                to_add.append(src)
                texts[src.id], titles[src.id] = src.text, src.title
            elif old.sha256 == src.sha256:  # in the trash: restored if anything rests on it
                trashed.append(src.id)
                texts[src.id], titles[src.id] = old.text, old.title
            else:
                conflicts.append(src.id)
            known.add(("source", src.id))

    # Items: every cited passage must be in the text it will rest on.
    used: set[str] = set()
    items: list[OwnItem] = []
    for n, entry in enumerate(items_raw, start=1):
        item = _item_from_json(entry, n)
        if any(i.id == item.id for i in items):
            raise _fail(f"item {n}", f"duplicate id {item.id}")
        where = f"item {n} ({item.id})"
        items.append(item._replace(provenance=_placed(item.provenance, where, texts, titles,
                                                      remap, used)))
        known.add((item.kind, item.id))

    # Grades: of something this briefing, the workspace or the bundle has.
    citations = {c.id for c in view.citations()} | _citation_ids(items)
    if workspace is not None:
        citations |= _citation_ids(workspace.own_items())
    grades: list[tuple[str, str]] = []
    for n, entry in enumerate(grades_raw, start=1):
        target, grade = _grade_from_json(entry, n)
        kind, _, ident = target.partition(":")
        if kind == "source":
            ident = remap.get(ident, ident)
            target = f"source:{ident}"
            found = ident in texts
            if found:
                used.add(ident)
        else:
            found = ident in citations if kind == "citation" else (kind, ident) in known
        if not found:
            raise _fail(f"grade {n}", f"target {_shown(target)} is not in this briefing, your "
                                      "workspace or the bundle")
        if any(t == target for t, _ in grades):
            raise _fail(f"grade {n}", f"{_shown(target)} is graded twice")
        grades.append((target, grade))

    notes: list[Note] = []
    moved: list[str] = []
    unanchored: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(notes_raw, start=1):
        note, how = _note_from_json(_remapped(entry, remap) if remap else entry, n, known,
                                    texts)
        if note.id in seen:
            raise _fail(f"note {n}", f"duplicate id {note.id}")
        seen.add(note.id)
        notes.append(note)
        if note.anchor is not None:
            used.add(note.anchor.source_id)
        elif note.target is not None and note.target.kind == "source":
            used.add(note.target.id)
        if how == "moved":
            moved.append(note.id)
        elif how == "unanchored":
            unanchored.append(note.id)
    restore = tuple(s for s in trashed if s in used)
    own = len(sources_raw) + len(items_raw) + len(grades_raw)
    return Bundle(notes, tuple(moved), tuple(unanchored), tuple(to_add), restore,
                  tuple(items), tuple(grades), present, len(trashed) - len(restore),
                  tuple(conflicts), own, raw if own else None, view.store, workspace)


def parse_bundle(data: bytes, store: Briefing) -> list[Note]:
    """The checked notes of a bundle (see :func:`read_bundle`)."""
    return read_bundle(data, store).notes


# -- import -----------------------------------------------------------------------------------
def _same_note(a: Note, b: Note) -> bool:
    """The same note in substance: times may differ, and a text note may sit elsewhere."""
    def place(n: Note) -> tuple[str, str] | None:
        return (n.anchor.source_id, n.anchor.quote) if n.anchor else None

    return ((a.body, a.tag, a.colour, a.target, place(a))
            == (b.body, b.tag, b.colour, b.target, place(b)))


def _same_item(a: OwnItem, b: OwnItem) -> bool:
    """The same item in substance: times may differ."""
    return ((a.kind, dict(a.fields), tuple(a.provenance))
            == (b.kind, dict(b.fields), tuple(b.provenance)))


@contextmanager
def _one_transaction(workspace: Workspace) -> Iterator[sqlite3.Connection]:
    """One transaction around several of the workspace's named changes, so that a bundle is
    saved whole or not at all. Each change opens its own transaction (``Workspace._write``);
    while this is open they join this one instead, and any failure rolls all of them back."""
    with workspace._write() as conn:
        joined = vars(workspace)
        joined["_write"] = lambda: nullcontext(conn)  # shadows the method, on this object only
        try:
            yield conn
        finally:
            del joined["_write"]


def import_bundle(workspace: Workspace, bundle: Bundle | list[Note]) -> ImportReport:
    """Add what the bundle holds and the workspace does not, all in one transaction: its
    sources, then its items, grades and notes.

    An entry whose id the workspace already uses is never overwritten: it counts as already
    present (live), in the trash (left there), or as a conflict (different content); so does
    a grade the workspace already gives. A bundle that carries own work but was checked
    without this workspace is checked again against it first.
    """
    if not isinstance(bundle, Bundle):
        bundle = Bundle(list(bundle))
    if (bundle.own_entries and bundle.raw is not None and bundle.store is not None
            and bundle.workspace is not workspace):
        bundle = _read(bundle.raw, BriefingView(bundle.store, workspace))
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
    new_items: list[OwnItem] = []
    items_present = items_in_trash = 0
    item_conflicts: list[str] = []
    for item in bundle.items:
        own = workspace.own_item(item.id)
        if own is None:
            new_items.append(item)
        elif not _same_item(own, item):
            item_conflicts.append(item.id)
        elif own.deleted_at:
            items_in_trash += 1
        else:
            items_present += 1
    graded = workspace.grades()
    new_grades = [(t, g) for t, g in bundle.grades if t not in graded]
    grade_conflicts = tuple(t for t, g in bundle.grades if t in graded and graded[t] != g)
    with _one_transaction(workspace) as conn:
        for src in bundle.sources:
            workspace.import_source(src, title=src.title, publisher=src.publisher,
                                    date=src.date, url=src.url, source_id=src.id,
                                    imported_at=src.imported_at)
            # The bundle carries the file's size but not the file: record the size, and no
            # empty stand-in for the file (importing the real file later keeps its bytes).
            conn.execute("UPDATE own_sources SET size = ? WHERE id = ?", (src.size, src.id))
            conn.execute("DELETE FROM own_files WHERE sha256 = ? AND length(data) = 0",
                         (src.sha256,))
        for source_id in bundle.restore:
            workspace.restore_own_source(source_id)
        for item in new_items:
            workspace.add_own_item(item.kind, item.fields, item.provenance, item_id=item.id,
                                   created_at=item.created_at, updated_at=item.updated_at)
        for target, grade in new_grades:
            workspace.set_grade(target, grade)
        added = workspace.import_notes(fresh)
    present += len(fresh) - added  # added meanwhile by another window: INSERT OR IGNORE
    new = {n.id for n in fresh}
    return ImportReport(
        added, present, in_trash, tuple(conflicts), sum(1 for i in bundle.moved if i in new),
        tuple(i for i in bundle.unanchored if i in new), bundle.own_entries > 0,
        len(bundle.sources), bundle.sources_present, len(bundle.restore),
        bundle.sources_in_trash, bundle.source_conflicts, len(new_items), items_present,
        items_in_trash, tuple(item_conflicts), len(new_grades),
        len(bundle.grades) - len(new_grades) - len(grade_conflicts), grade_conflicts)
