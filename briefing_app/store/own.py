"""The analyst's own work beyond notes: imported sources, own items and source grades.

Part of the workspace (``Workspace`` takes these methods from ``OwnWork``): each change is one
small named function and one transaction, as for notes. An own source keeps its original file
(by its SHA-256) and its text split into numbered passages, indexed for search. An own item
(event, risk, judgment, key figure, actor) is stored as its fields plus its provenance, which
it must have: a passage of a source, an external citation, or an explicit analyst's
assessment. Grades follow the Admiralty scale: a source's reliability (A-F), an item's
credibility (1-6).

Structural checks are here (fields, scales, dates, provenance present); whether a quoted
passage really is in its source is checked by ``store/view.py``, which sees both the bundled
sources and these.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from ..domain import (
    ACTOR_KINDS,
    CONFIDENCE_LEVELS,
    CREDIBILITY,
    ESTIMATIVE_WORDS,
    EVENT_CATEGORIES,
    OWN_KINDS,
    OWN_PREFIX,
    RELIABILITY,
    SCALE,
)
from ..text import check_date, split_passages

MAX_FIELD_CHARS = 20_000
MAX_PROVENANCE = 50


class OwnProvenance(NamedTuple):
    """What an own item rests on: ``passage`` (a range of a bundled or own source),
    ``citation`` (an outside publication) or ``assessment`` (the analyst's own, said so)."""

    kind: str
    source_id: str = ""
    start: int = 0
    end: int = 0
    quote: str = ""
    title: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self._asdict().items() if v not in ("", 0) or k == "kind"}


class OwnItem(NamedTuple):
    id: str
    kind: str
    fields: Mapping[str, Any]
    provenance: tuple[OwnProvenance, ...]
    created_at: str = ""
    updated_at: str = ""
    deleted_at: str = ""

    @property
    def title(self) -> str:
        f = self.fields
        return str(f.get("title") or f.get("text") or f.get("label") or f.get("name") or "")


class OwnSource(NamedTuple):
    id: str
    title: str
    kind: str  # text, markdown, html, pdf, docx
    text: str
    filename: str
    sha256: str
    size: int
    publisher: str = ""
    date: str = ""
    url: str = ""
    imported_at: str = ""
    deleted_at: str = ""


class OwnPassage(NamedTuple):
    id: str
    source_id: str
    seq: int
    start: int
    end: int
    role: str


class ReadLike(Protocol):
    """What an import needs from a reader's result (``readers.ReadSource``)."""

    text: str
    kind: str
    title: str
    filename: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class FieldSpec:
    """One field of an own item, as the editor and the command line show it."""

    name: str
    label: str
    type: str  # text, long, date, enum, scale, number, lines, actor
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


#: The fields of each kind the analyst can add, in the order an editor shows them.
OWN_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "event": (
        FieldSpec("date", "Date", "date", True, help="YYYY, YYYY-MM or YYYY-MM-DD"),
        FieldSpec("title", "Title", "text", True),
        FieldSpec("summary", "What happened", "long"),
        FieldSpec("category", "Category", "enum", True, EVENT_CATEGORIES),
        FieldSpec("lane", "Actor (timeline lane)", "actor",
                  help="an actor's id; empty: the analyst's own lane"),
        FieldSpec("date_note", "Date note", "text"),
    ),
    "risk": (
        FieldSpec("title", "Title", "text", True),
        FieldSpec("description", "Description", "long", True),
        FieldSpec("likelihood", "Likelihood (1-5)", "scale", True),
        FieldSpec("impact", "Impact (1-5)", "scale", True),
        FieldSpec("justification", "Why these ratings", "long"),
        FieldSpec("indicators", "Indicators to watch (one a line)", "lines"),
        FieldSpec("mitigations", "Possible mitigations (one a line)", "lines"),
    ),
    "judgment": (
        FieldSpec("text", "Judgment", "long", True),
        FieldSpec("estimative", "Likelihood", "enum", True, ESTIMATIVE_WORDS),
        FieldSpec("confidence", "Confidence", "enum", True, CONFIDENCE_LEVELS),
        FieldSpec("basis", "Basis", "long", True),
    ),
    "figure": (
        FieldSpec("label", "Label", "text", True),
        FieldSpec("value", "Value", "number", True),
        FieldSpec("value_high", "Upper value (for a range)", "number"),
        FieldSpec("unit", "Unit", "text", True),
        FieldSpec("measures", "What it measures", "text", True),
        FieldSpec("as_of", "As of", "date", help="YYYY, YYYY-MM or YYYY-MM-DD"),
    ),
    "actor": (
        FieldSpec("name", "Name", "text", True),
        FieldSpec("short", "Short name (timeline lane)", "text", True),
        FieldSpec("kind", "Kind", "enum", True, ACTOR_KINDS),
        FieldSpec("description", "Description", "long", True),
    ),
}
PROVENANCE_KINDS = ("passage", "citation", "assessment")


def new_id() -> str:
    import uuid  # (uuid imports platform: not before the first paint)

    return OWN_PREFIX + uuid.uuid4().hex[:16]


def check_fields(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The item's fields, checked and normalised; ValueError saying what is wrong."""
    if kind not in OWN_FIELDS:
        raise ValueError(f"an own item is one of: {', '.join(OWN_KINDS)} (not {kind!r})")
    specs = {s.name: s for s in OWN_FIELDS[kind]}
    unknown = sorted(set(fields) - set(specs))
    if unknown:
        raise ValueError(f"a {kind} has no field {', '.join(map(repr, unknown))}; its fields: "
                         + ", ".join(specs))
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        value = fields.get(name)
        if value is None or value == "" or value == []:
            if spec.required:
                raise ValueError(f"a {kind} needs {spec.label.lower()} ({name})")
            continue
        out[name] = _check_value(kind, spec, value)
    return out


def _check_value(kind: str, spec: FieldSpec, value: Any) -> Any:
    what = f"{spec.label.lower()} ({spec.name})"
    if spec.type in ("text", "long", "actor"):
        if not isinstance(value, str):
            raise ValueError(f"{what} must be text")
        value = value.strip() if spec.type != "long" else value.strip("\n")
        if len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"{what} is longer than {MAX_FIELD_CHARS:,} characters")
        if spec.type != "long" and "\n" in value:
            raise ValueError(f"{what} must be one line")
        return value
    if spec.type == "lines":
        items = value.splitlines() if isinstance(value, str) else list(value)
        if not all(isinstance(x, str) for x in items):
            raise ValueError(f"{what} must be lines of text")
        return [x.strip() for x in items if x.strip()]
    if spec.type == "date":
        problem = check_date(value)
        if problem is not None:
            raise ValueError(f"{what}: {problem}")
        return value
    if spec.type == "enum":
        if value not in spec.choices:
            raise ValueError(f"{what} must be one of: {', '.join(spec.choices)}")
        return value
    if spec.type == "scale":
        try:
            number = int(value) if not isinstance(value, bool) else -1
        except (TypeError, ValueError):
            number = -1
        if number not in SCALE or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"{what} must be a whole number from 1 to 5")
        return number
    if spec.type == "number":
        try:
            real = float(str(value).replace(",", ""))
        except ValueError:
            raise ValueError(f"{what} must be a number") from None
        if real != real or real in (float("inf"), float("-inf")):
            raise ValueError(f"{what} must be a number")
        return int(real) if real.is_integer() else real
    raise AssertionError(spec.type)


def check_provenance(items: Sequence[OwnProvenance]) -> tuple[OwnProvenance, ...]:
    """At least one entry, each complete for its kind (passages are checked against their
    source's text by the view, which sees every source)."""
    if not items:
        raise ValueError("an item needs provenance: a passage of a source, an external "
                         "citation, or your explicit assessment")
    if len(items) > MAX_PROVENANCE:
        raise ValueError(f"an item can rest on at most {MAX_PROVENANCE} sources")
    out = []
    for p in items:
        if p.kind not in PROVENANCE_KINDS:
            raise ValueError(f"provenance is one of: {', '.join(PROVENANCE_KINDS)}")
        if p.kind == "passage":
            if not p.source_id or p.end <= p.start or p.start < 0 or not p.quote.strip():
                raise ValueError("a cited passage needs its source and the words it quotes")
        elif p.kind == "citation":
            if not p.title.strip():
                raise ValueError("an external citation needs at least its title")
            if p.date:
                problem = check_date(p.date)
                if problem is not None:
                    raise ValueError(f"the citation's date: {problem}")
            if p.url and not p.url.startswith(("http://", "https://")):
                raise ValueError("the citation's URL must start with http:// or https://")
        for value in (p.quote, p.title, p.publisher, p.url):
            if len(value) > MAX_FIELD_CHARS:
                raise ValueError(f"a provenance field is longer than {MAX_FIELD_CHARS:,} "
                                 "characters")
        out.append(p)
    return tuple(out)


def check_grade(target: str, grade: str) -> str:
    """A grade for ``target``: ``source:ID`` or ``citation:ID`` take reliability (A-F),
    ``KIND:ID`` of an item takes credibility (1-6); "" clears it."""
    if not grade:
        return ""
    scale = RELIABILITY if target.split(":", 1)[0] in ("source", "citation") else CREDIBILITY
    if grade not in scale:
        raise ValueError(f"grade must be one of {', '.join(scale)} for {target.split(':')[0]}s")
    return grade


def _source(r: Any) -> OwnSource:
    return OwnSource(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6] or 0), r[7] or "",
                     r[8] or "", r[9] or "", r[10] or "", r[11] or "")


def _prov(row: Any) -> OwnProvenance:
    return OwnProvenance(row[0], row[1] or "", row[2] or 0, row[3] or 0, row[4] or "",
                         row[5] or "", row[6] or "", row[7] or "", row[8] or "")


class _Owner(Protocol):
    """What the mixin needs from the Workspace it is part of."""

    _conn: sqlite3.Connection

    def _clock(self) -> str: ...

    def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...


class OwnWork:
    """The own-work methods of ``Workspace`` (see the module docstring)."""

    # -- sources --------------------------------------------------------------------------
    def import_source(self: _Owner, read: ReadLike, *, title: str = "", publisher: str = "",
                      date: str = "", url: str = "", source_id: str | None = None,
                      imported_at: str | None = None) -> OwnSource:
        """Store a read source: its original file by hash, its text and passages, its search
        index. ValueError if the same file (hash) is already imported."""
        existing = self._conn.execute("SELECT id, title FROM own_sources WHERE sha256 = ? AND "
                                      "deleted_at IS NULL", (read.sha256,)).fetchone()
        if existing is not None:
            raise ValueError(f"this file is already imported, as \u201c{existing[1]}\u201d")
        title = (title or read.title or read.filename).strip()
        if not title:
            raise ValueError("a source needs a title")
        if date:
            problem = check_date(date)
            if problem is not None:
                raise ValueError(f"the source's date: {problem}")
        if url and not url.startswith(("http://", "https://")):
            raise ValueError("a source's URL must start with http:// or https://")
        sid = source_id or new_id()
        now = imported_at or self._clock()
        passages = split_passages(read.text)
        with self._write() as conn:
            for (trashed,) in conn.execute("SELECT id FROM own_sources WHERE sha256 = ? AND "
                                           "deleted_at IS NOT NULL", (read.sha256,)).fetchall():
                _purge_source(conn, trashed)  # the same file again: a fresh import
            conn.execute("INSERT OR IGNORE INTO own_files (sha256, data) VALUES (?, ?)",
                         (read.sha256, read.data))
            conn.execute(
                "INSERT INTO own_sources (id, title, kind, text, filename, sha256, size, "
                "publisher, date, url, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (sid, title, read.kind, read.text, read.filename, read.sha256,
                 len(read.data), publisher, date, url, now))
            conn.executemany(
                "INSERT INTO own_passages (id, source_id, seq, start, end, role) "
                "VALUES (?,?,?,?,?,?)",
                [(f"{sid}/p{p.seq}", sid, p.seq, p.start, p.end, p.role) for p in passages])
            # The index row of each passage has the passage's own row number, so the
            # passages of one source leave the index by key, not by a scan of it.
            conn.execute(
                "INSERT INTO own_passage_search (rowid, body) SELECT p.n, "
                "substr(s.text, p.start + 1, p.end - p.start) FROM own_passages p "
                "JOIN own_sources s ON s.id = p.source_id WHERE p.source_id = ?", (sid,))
        return self.own_source(sid)  # type: ignore[attr-defined, no-any-return]

    def own_sources(self: _Owner, include_deleted: bool = False) -> list[OwnSource]:
        sql = ("SELECT id, title, kind, text, filename, sha256, size, publisher, date, url, "
               "imported_at, deleted_at FROM own_sources")
        if not include_deleted:
            sql += " WHERE deleted_at IS NULL"
        return [_source(r) for r in self._conn.execute(sql + " ORDER BY imported_at, rowid")]

    def own_source(self: _Owner, source_id: str) -> OwnSource | None:
        r = self._conn.execute(
            "SELECT id, title, kind, text, filename, sha256, size, publisher, date, url, "
            "imported_at, deleted_at FROM own_sources WHERE id = ?", (source_id,)).fetchone()
        return _source(r) if r else None

    def own_passages(self: _Owner, source_id: str) -> list[OwnPassage]:
        return [OwnPassage(*r) for r in self._conn.execute(
            "SELECT id, source_id, seq, start, end, role FROM own_passages WHERE source_id = ? "
            "ORDER BY seq", (source_id,))]

    def own_file(self: _Owner, sha256: str) -> bytes:
        row = self._conn.execute("SELECT data FROM own_files WHERE sha256 = ?",
                                 (sha256,)).fetchone()
        return bytes(row[0]) if row else b""

    def update_own_source(self: _Owner, source_id: str, *, title: str, publisher: str,
                          date: str, url: str) -> OwnSource:
        """Change a source's title, publisher, date, URL; returns it as it was before."""
        before = self.own_source(source_id)  # type: ignore[attr-defined]
        if before is None:
            raise KeyError(source_id)
        if not title.strip():
            raise ValueError("a source needs a title")
        if date and check_date(date) is not None:
            raise ValueError(f"the source's date: {check_date(date)}")
        if url and not url.startswith(("http://", "https://")):
            raise ValueError("a source's URL must start with http:// or https://")
        with self._write() as conn:
            conn.execute("UPDATE own_sources SET title = ?, publisher = ?, date = ?, url = ? "
                         "WHERE id = ?", (title.strip(), publisher, date, url, source_id))
        return before  # type: ignore[no-any-return]

    def purge_own_source(self: _Owner, source_id: str) -> None:
        """Remove an imported source for good (the undo of importing it)."""
        with self._write() as conn:
            _purge_source(conn, source_id)

    def delete_own_source(self: _Owner, source_id: str) -> None:
        """Move an imported source to the trash; refused while own items cite it."""
        citing = [r[0] for r in self._conn.execute(
            "SELECT DISTINCT i.id FROM own_provenance p JOIN own_items i ON i.id = p.item_id "
            "WHERE p.source_id = ? AND i.deleted_at IS NULL", (source_id,))]
        if citing:
            raise ValueError(f"{len(citing)} of your items cite this source; change or delete "
                             "them first")
        with self._write() as conn:
            cur = conn.execute("UPDATE own_sources SET deleted_at = ? WHERE id = ? AND "
                               "deleted_at IS NULL", (self._clock(), source_id))
            if cur.rowcount != 1:
                raise KeyError(source_id)

    def restore_own_source(self: _Owner, source_id: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE own_sources SET deleted_at = NULL WHERE id = ?", (source_id,))

    # -- items ----------------------------------------------------------------------------
    def add_own_item(self: _Owner, kind: str, fields: Mapping[str, Any],
                     provenance: Sequence[OwnProvenance], *, item_id: str | None = None,
                     created_at: str | None = None, updated_at: str | None = None) -> OwnItem:
        checked = check_fields(kind, fields)
        prov = check_provenance(provenance)
        iid = item_id or new_id()
        now = self._clock()
        with self._write() as conn:
            conn.execute("INSERT INTO own_items (id, kind, data, created_at, updated_at) "
                         "VALUES (?,?,?,?,?)",
                         (iid, kind, json.dumps(checked, ensure_ascii=False, sort_keys=True),
                          created_at or now, updated_at or created_at or now))
            _write_provenance(conn, iid, prov)
            _index_item(conn, iid, kind, checked)
        item = self.own_item(iid)  # type: ignore[attr-defined]
        assert item is not None
        return item  # type: ignore[no-any-return]

    def own_items(self: _Owner, kind: str | None = None,
                  include_deleted: bool = False) -> list[OwnItem]:
        sql = "SELECT id, kind, data, created_at, updated_at, deleted_at FROM own_items"
        where, params = [], []
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        if not include_deleted:
            where.append("deleted_at IS NULL")
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._conn.execute(sql + " ORDER BY created_at, rowid", params).fetchall()
        prov: dict[str, list[OwnProvenance]] = {}
        for r in self._conn.execute(
                "SELECT item_id, kind, source_id, start, end, quote, title, publisher, date, "
                "url FROM own_provenance ORDER BY item_id, seq"):
            prov.setdefault(r[0], []).append(_prov(r[1:]))
        return [OwnItem(r[0], r[1], json.loads(r[2]), tuple(prov.get(r[0], ())), r[3], r[4],
                        r[5] or "") for r in rows]

    def own_item(self: _Owner, item_id: str) -> OwnItem | None:
        r = self._conn.execute("SELECT id, kind, data, created_at, updated_at, deleted_at "
                               "FROM own_items WHERE id = ?", (item_id,)).fetchone()
        if r is None:
            return None
        prov = tuple(_prov(p) for p in self._conn.execute(
            "SELECT kind, source_id, start, end, quote, title, publisher, date, url FROM "
            "own_provenance WHERE item_id = ? ORDER BY seq", (item_id,)))
        return OwnItem(r[0], r[1], json.loads(r[2]), prov, r[3], r[4], r[5] or "")

    def update_own_item(self: _Owner, item_id: str, fields: Mapping[str, Any],
                        provenance: Sequence[OwnProvenance]) -> OwnItem:
        """Replace an own item's fields and provenance; returns it as it was before."""
        before = self.own_item(item_id)  # type: ignore[attr-defined]
        if before is None:
            raise KeyError(item_id)
        checked = check_fields(before.kind, fields)
        prov = check_provenance(provenance)
        with self._write() as conn:
            conn.execute("UPDATE own_items SET data = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(checked, ensure_ascii=False, sort_keys=True),
                          self._clock(), item_id))
            conn.execute("DELETE FROM own_provenance WHERE item_id = ?", (item_id,))
            _write_provenance(conn, item_id, prov)
            conn.execute("DELETE FROM own_search WHERE ref = ?", (item_id,))
            _index_item(conn, item_id, before.kind, checked)
        return before  # type: ignore[no-any-return]

    def delete_own_item(self: _Owner, item_id: str) -> None:
        with self._write() as conn:
            cur = conn.execute("UPDATE own_items SET deleted_at = ? WHERE id = ? AND "
                               "deleted_at IS NULL", (self._clock(), item_id))
            if cur.rowcount != 1:
                raise KeyError(item_id)
            conn.execute("DELETE FROM own_search WHERE ref = ?", (item_id,))

    def restore_own_item(self: _Owner, item_id: str) -> None:
        item = self.own_item(item_id)  # type: ignore[attr-defined]
        if item is None:
            raise KeyError(item_id)
        with self._write() as conn:
            conn.execute("UPDATE own_items SET deleted_at = NULL WHERE id = ?", (item_id,))
            conn.execute("DELETE FROM own_search WHERE ref = ?", (item_id,))
            _index_item(conn, item_id, item.kind, item.fields)

    def purge_own_item(self: _Owner, item_id: str) -> None:
        """Remove an own item for good (the undo of adding it)."""
        with self._write() as conn:
            conn.execute("DELETE FROM own_search WHERE ref = ?", (item_id,))
            conn.execute("DELETE FROM own_provenance WHERE item_id = ?", (item_id,))
            conn.execute("DELETE FROM own_items WHERE id = ?", (item_id,))

    # -- grades ---------------------------------------------------------------------------
    def set_grade(self: _Owner, target: str, grade: str) -> str:
        """Grade ``target`` (see ``check_grade``); returns the grade it had before."""
        grade = check_grade(target, grade)
        row = self._conn.execute("SELECT grade FROM grades WHERE target = ?",
                                 (target,)).fetchone()
        with self._write() as conn:
            if grade:
                conn.execute("INSERT INTO grades (target, grade, updated_at) VALUES (?,?,?) "
                             "ON CONFLICT(target) DO UPDATE SET grade = excluded.grade, "
                             "updated_at = excluded.updated_at", (target, grade, self._clock()))
            else:
                conn.execute("DELETE FROM grades WHERE target = ?", (target,))
        return str(row[0]) if row else ""

    def grades(self: _Owner) -> dict[str, str]:
        return {r[0]: r[1] for r in self._conn.execute("SELECT target, grade FROM grades")}

    # -- search ---------------------------------------------------------------------------



def _purge_source(conn: sqlite3.Connection, source_id: str) -> None:
    row = conn.execute("SELECT sha256 FROM own_sources WHERE id = ?", (source_id,)).fetchone()
    conn.execute("DELETE FROM own_passage_search WHERE rowid IN (SELECT n FROM own_passages "
                 "WHERE source_id = ?)", (source_id,))
    conn.execute("DELETE FROM own_passages WHERE source_id = ?", (source_id,))
    conn.execute("DELETE FROM own_sources WHERE id = ?", (source_id,))
    if row is not None:
        conn.execute("DELETE FROM own_files WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM "
                     "own_sources WHERE sha256 = ?)", (row[0], row[0]))


def _write_provenance(conn: sqlite3.Connection, item_id: str,
                      prov: Sequence[OwnProvenance]) -> None:
    conn.executemany(
        "INSERT INTO own_provenance (item_id, seq, kind, source_id, start, end, quote, title, "
        "publisher, date, url) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(item_id, n, p.kind, p.source_id or None, p.start if p.kind == "passage" else None,
          p.end if p.kind == "passage" else None, p.quote or None, p.title or None,
          p.publisher or None, p.date or None, p.url or None)
         for n, p in enumerate(prov, start=1)])


def _index_item(conn: sqlite3.Connection, item_id: str, kind: str,
                fields: Mapping[str, Any]) -> None:
    title = str(fields.get("title") or fields.get("text") or fields.get("label")
                or fields.get("name") or "")
    body = "\n".join(str(v) if not isinstance(v, list) else "\n".join(map(str, v))
                     for k, v in sorted(fields.items()))
    conn.execute("INSERT INTO own_search (kind, ref, source_id, start, end, title, body) "
                 "VALUES (?,?,?,?,?,?,?)", (kind, item_id, None, None, None, title, body))


def create_tables(db: Any) -> None:
    """The migration that adds the analyst's own work (called from the workspace's
    migrations; sqlite-utils ``Database``)."""
    db["own_files"].create({"sha256": str, "data": bytes}, pk="sha256")
    db["own_sources"].create(
        {"id": str, "title": str, "kind": str, "text": str, "filename": str, "sha256": str,
         "size": int, "publisher": str, "date": str, "url": str, "imported_at": str,
         "deleted_at": str}, pk="id", not_null={"title", "text", "sha256", "imported_at"})
    db["own_sources"].create_index(["sha256"])
    # ``n``: a stable row number (INTEGER PRIMARY KEY), the passage's row in the search index.
    db["own_passages"].create(
        {"n": int, "id": str, "source_id": str, "seq": int, "start": int, "end": int,
         "role": str}, pk="n", not_null={"id", "source_id"})
    db["own_passages"].create_index(["id"], unique=True)
    db["own_passages"].create_index(["source_id", "seq"])
    db["own_items"].create(
        {"id": str, "kind": str, "data": str, "created_at": str, "updated_at": str,
         "deleted_at": str}, pk="id", not_null={"kind", "data", "created_at", "updated_at"})
    db["own_provenance"].create(
        {"item_id": str, "seq": int, "kind": str, "source_id": str, "start": int, "end": int,
         "quote": str, "title": str, "publisher": str, "date": str, "url": str},
        pk=("item_id", "seq"), not_null={"kind"})
    db["own_provenance"].create_index(["source_id"])
    db["grades"].create({"target": str, "grade": str, "updated_at": str}, pk="target")
    # Own items (a few hundred) and source passages (a hundred thousand) in separate indexes:
    # an item is re-indexed on every edit, which must not scan the passages.
    db.execute("CREATE VIRTUAL TABLE own_search USING fts5(kind UNINDEXED, ref UNINDEXED, "
               "source_id UNINDEXED, start UNINDEXED, end UNINDEXED, title, body, "
               "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')")
    db.execute("CREATE VIRTUAL TABLE own_passage_search USING fts5(body, "
               "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')")
