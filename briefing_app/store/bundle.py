"""Note bundles: the analyst's notes as versioned JSON, to move between workspaces.

The format is documented in docs/NOTES_BUNDLE.md. Import checks the whole bundle before writing
anything; a malformed, truncated or hostile bundle is refused with one plain message and the
workspace is left as it was. Notes already present (same id) are not duplicated.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from ..domain import ItemRef
from .briefing import BriefingStore
from .workspace import MAX_NOTE_CHARS, MAX_TAG_CHARS, NOTE_COLOURS, Note, TextAnchor, Workspace

FORMAT = "briefing-notes"
VERSION = 1
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_NOTES = 100_000
NOTE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
NOTE_KEYS = {"id", "target", "anchor", "text", "tag", "colour", "created_at", "updated_at"}
ANCHOR_KEYS = {"source", "start", "end", "quote", "prefix", "suffix"}


class BundleError(Exception):
    """The bundle cannot be imported; the message says why."""


@dataclass(frozen=True)
class ImportReport:
    added: int
    already_present: int

    def summary(self) -> str:
        return (f"added {self.added} note{'s' if self.added != 1 else ''}; "
                f"{self.already_present} already present")


def note_to_json(note: Note) -> dict[str, Any]:
    anchor = None
    if note.anchor is not None:
        a = note.anchor
        anchor = {"source": a.source_id, "start": a.start, "end": a.end, "quote": a.quote,
                  "prefix": a.prefix, "suffix": a.suffix}
    return {"id": note.id, "target": str(note.target) if note.target else None,
            "anchor": anchor, "text": note.body, "tag": note.tag, "colour": note.colour,
            "created_at": note.created_at, "updated_at": note.updated_at}


def export_bundle(workspace: Workspace, store: BriefingStore,
                  now: dt.datetime | None = None) -> str:
    """Every live note (not the trash) as a bundle, JSON text."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bundle = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": stamp,
        "briefing": {"content_hash": store.content_hash()},
        "notes": [note_to_json(n) for n in workspace.notes()],
    }
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"


def _fail(where: str, why: str) -> BundleError:
    return BundleError(f"{where}: {why}" if where else why)


def _text(value: Any, where: str, name: str, limit: int, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"{name} must be text")
    if len(value) > limit:
        raise _fail(where, f"{name} is longer than {limit:,} characters")
    if not allow_empty and not value.strip():
        raise _fail(where, f"{name} must not be empty")
    return value


def _int(value: Any, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**8:
        raise _fail(where, f"{name} must be a whole number from 0 to 100000000")
    return value


def parse_bundle(data: bytes, store: BriefingStore) -> list[Note]:
    """Check a bundle completely and return its notes; raise BundleError if anything is off."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"the file is larger than {MAX_BUNDLE_BYTES // 1048576} MB; "
                          "it is not a note bundle")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleError("the file is not UTF-8 text; it is not a note bundle") from None
    except RecursionError:
        raise BundleError("the file is nested too deeply; it is not a note bundle") from None
    except json.JSONDecodeError as exc:
        raise BundleError(f"the file is not valid JSON (line {exc.lineno}, column "
                          f"{exc.colno}: {exc.msg})") from None
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
        raise BundleError("the bundle has unknown fields: " + ", ".join(sorted(map(str,
                                                                                    unknown))))
    notes_raw = raw.get("notes")
    if not isinstance(notes_raw, list):
        raise BundleError("the bundle has no \"notes\" list")
    if len(notes_raw) > MAX_NOTES:
        raise BundleError(f"the bundle holds more than {MAX_NOTES:,} notes")
    items = {(i.ref.kind, i.ref.id) for i in store.items()}
    sources = {s.id: s.text for s in store.sources()}
    notes: list[Note] = []
    seen: set[str] = set()
    for n, entry in enumerate(notes_raw, start=1):
        where = f"note {n}"
        if not isinstance(entry, dict):
            raise _fail(where, "must be an object")
        extra = set(entry) - NOTE_KEYS
        if extra:
            raise _fail(where, "unknown fields: " + ", ".join(sorted(map(str, extra))))
        ident = entry.get("id")
        if not isinstance(ident, str) or not NOTE_ID.match(ident):
            raise _fail(where, "id must be 1-64 letters, digits, '-' or '_'")
        if ident in seen:
            raise _fail(where, f"duplicate id {ident}")
        seen.add(ident)
        where = f"note {n} ({ident})"
        body = _text(entry.get("text"), where, "text", MAX_NOTE_CHARS, allow_empty=False)
        tag = _text(entry.get("tag", ""), where, "tag", MAX_TAG_CHARS)
        if "\n" in tag:
            raise _fail(where, "tag must be one line")
        colour = entry.get("colour", "")
        if colour not in NOTE_COLOURS:
            raise _fail(where, "colour must be one of: " + ", ".join(c or '""'
                                                                    for c in NOTE_COLOURS))
        stamps = []
        for name in ("created_at", "updated_at"):
            value = entry.get(name)
            if not isinstance(value, str) or not TIMESTAMP.match(value):
                raise _fail(where, f"{name} must be a UTC time such as 2025-01-31T12:00:00Z")
            stamps.append(value)
        target, anchor = entry.get("target"), entry.get("anchor")
        if (target is None) == (anchor is None):
            raise _fail(where, "needs exactly one of \"target\" (an item) or \"anchor\" "
                               "(a text range)")
        ref = None
        text_anchor = None
        if target is not None:
            if not isinstance(target, str):
                raise _fail(where, "target must be text such as risk:security-in-mineral-areas")
            try:
                ref = ItemRef.parse(target)
            except ValueError as exc:
                raise _fail(where, str(exc)) from None
            if (ref.kind, ref.id) not in items:
                raise _fail(where, f"target {target} is not an item of this briefing")
        else:
            if not isinstance(anchor, dict) or set(anchor) - ANCHOR_KEYS:
                raise _fail(where, "anchor must be an object with source, start, end, quote, "
                                   "prefix and suffix")
            source = anchor.get("source")
            if not isinstance(source, str) or source not in sources:
                raise _fail(where, f"anchor source {source!r} is not a source document of "
                                   "this briefing")
            start = _int(anchor.get("start"), where, "anchor start")
            end = _int(anchor.get("end"), where, "anchor end")
            if end <= start:
                raise _fail(where, "anchor end must be after its start")
            quote = _text(anchor.get("quote"), where, "anchor quote", MAX_NOTE_CHARS,
                          allow_empty=False)
            prefix = _text(anchor.get("prefix", ""), where, "anchor prefix", 1000)
            suffix = _text(anchor.get("suffix", ""), where, "anchor suffix", 1000)
            text_anchor = TextAnchor(source, start, end, quote, prefix, suffix)
        notes.append(Note(ident, body, ref, text_anchor, tag, colour, stamps[0], stamps[1]))
    return notes


def import_bundle(workspace: Workspace, notes: list[Note]) -> ImportReport:
    """Add the bundle's notes that are not already in the workspace, in one transaction."""
    added = workspace.import_notes(notes)
    return ImportReport(added, len(notes) - added)
