"""The user's own work (checklist state, notes) in a workspace database beside the bundled one.

Each user action is one small named function here and one transaction (WAL journal), so what a
function has returned is saved. The schema is managed by sqlite-utils ``Migrations``; a
damaged workspace, or one from a newer version of the app, is kept aside under a clear name and
a fresh one started, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from sys import intern
from typing import Any, NamedTuple

from ..domain import ItemRef
from .own import OwnWork

WORKSPACE_FILE = "workspace.db"
MIGRATION_SET = "briefing-workspace"
STATUSES = ("open", "monitoring", "mitigated", "accepted")
CHECKLIST_FIELDS = ("reviewed", "likelihood", "impact", "owner", "status", "next_review",
                    "rationale")
NOTE_COLOURS = ("", "yellow", "green", "blue", "pink", "orange")
BUSY_TIMEOUT_MS = 10_000


class WorkspaceError(Exception):
    """The workspace cannot be used (for example: its folder cannot be created); the message
    is a plain sentence for the user. Nothing was changed."""


class ReadOnlyWorkspaceError(WorkspaceError):
    """A change was attempted on a workspace opened read-only, or its file cannot be written."""


class WorkspaceBusyError(WorkspaceError):
    """Another process holds the workspace longer than we wait; busy is not damaged."""


class WorkspaceFullError(WorkspaceError):
    """The disk is full: the change was not saved."""


class NewerWorkspaceError(WorkspaceError):
    """The workspace was written by a newer version of Briefing; it is left as it is."""


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Pause Python's cycle collector while many small, acyclic objects are made (100,000
    notes and their placements): it would otherwise scan them again and again, which more
    than doubles the time. Nothing made here can form a cycle, so nothing is left to
    collect."""
    import gc

    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ChecklistEntry:
    """The analyst's review of one risk. ``None`` ratings mean "the briefing's assessment"."""

    risk_id: str
    reviewed: bool = False
    likelihood: int | None = None
    impact: int | None = None
    owner: str = ""
    status: str = "open"
    next_review: str = ""
    rationale: str = ""
    updated_at: str = ""


class TextAnchor(NamedTuple):
    """A range of a source document, with enough context to find it again after a rebuild.
    (NamedTuples, like the domain objects: a workspace may hold 100,000 notes.)"""

    source_id: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


class Note(NamedTuple):
    id: str
    body: str
    target: ItemRef | None = None
    anchor: TextAnchor | None = None
    tag: str = ""
    colour: str = ""
    created_at: str = ""
    updated_at: str = ""
    deleted_at: str = ""

    @property
    def target_label(self) -> str:
        if self.target is not None:
            return str(self.target)
        assert self.anchor is not None
        return f"passage:{self.anchor.source_id}@{self.anchor.start}-{self.anchor.end}"


def _migrations() -> Any:
    """The workspace schema, one migration per released change (never edit a released one)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)

    @migrations(name="m001_checklist")
    def m001_checklist(db: Any) -> None:
        db["checklist"].create(
            {"risk_id": str, "reviewed": int, "likelihood": int, "impact": int, "owner": str,
             "status": str, "next_review": str, "rationale": str, "updated_at": str},
            pk="risk_id", not_null={"reviewed", "status"}, defaults={"reviewed": 0,
                                                                     "status": "open"},
        )

    @migrations(name="m002_notes")
    def m002_notes(db: Any) -> None:
        db["notes"].create(
            {"id": str, "item_kind": str, "item_id": str, "source_id": str, "start": int,
             "end": int, "quote": str, "prefix": str, "suffix": str, "body": str, "tag": str,
             "colour": str, "created_at": str, "updated_at": str, "deleted_at": str},
            pk="id", not_null={"body", "created_at", "updated_at"},
        )
        db["notes"].create_index(["item_kind", "item_id"])
        db["notes"].create_index(["source_id"])

    @migrations(name="m003_meta")
    def m003_meta(db: Any) -> None:
        # Which release created the workspace and which last wrote it: a newer workspace can
        # then be refused with the version that wrote it.
        db["workspace_meta"].create({"key": str, "value": str}, pk="key")

    @migrations(name="m004_note_order")
    def m004_note_order(db: Any) -> None:
        # Notes are listed in the order they were written: with 100,000 of them, sorting
        # without an index is a visible part of `note list`.
        db["notes"].create_index(["created_at"])

    @migrations(name="m005_own_work")
    def m005_own_work(db: Any) -> None:
        from .own import create_tables  # the analyst's own sources, items and grades

        create_tables(db)

    @migrations(name="m006_note_search")
    def m006_note_search(db: Any) -> None:
        # Notes are found by search (issue 16): an FTS5 index over their text and tag. It
        # indexes the table's own rows (external content, by rowid), so it costs no second
        # copy of 100,000 notes. New notes are indexed by the code that inserts them, in one
        # statement per import (``_index_new_notes``; a trigger per row was five times
        # slower); SQLite's triggers keep edits and deletions in step. No prefix index: it
        # nearly doubled an import's indexing time, and notes are few beside passages. (The
        # workspace is never VACUUMed, which could renumber rowids; if it ever is, run
        # INSERT INTO note_search(note_search) VALUES('rebuild').)
        db.execute("CREATE VIRTUAL TABLE note_search USING fts5(body, tag, content='notes', "
                   "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')")
        db.execute("CREATE TRIGGER note_search_delete AFTER DELETE ON notes BEGIN "
                   "INSERT INTO note_search (note_search, rowid, body, tag) VALUES "
                   "('delete', old.rowid, old.body, old.tag); END")
        db.execute("CREATE TRIGGER note_search_update AFTER UPDATE OF body, tag ON notes BEGIN "
                   "INSERT INTO note_search (note_search, rowid, body, tag) VALUES "
                   "('delete', old.rowid, old.body, old.tag); "
                   "INSERT INTO note_search (rowid, body, tag) VALUES (new.rowid, new.body, "
                   "new.tag); END")
        db.execute("INSERT INTO note_search (note_search) VALUES ('rebuild')")

    return migrations


KNOWN_MIGRATIONS = ("m001_checklist", "m002_notes", "m003_meta", "m004_note_order",
                    "m005_own_work", "m006_note_search")


@dataclass
class OpenReport:
    """What happened while opening a workspace, in words a user can read."""

    messages: list[str] = field(default_factory=list)
    read_only: bool = False
    moved_aside: Path | None = None


class Workspace(OwnWork):
    """One workspace database. Use :func:`open_workspace` to open one safely. The analyst's
    own sources, items and grades are in ``own.py`` (``OwnWork``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, read_only: bool = False,
                 clock: Callable[[], str] = _now, scratch: Any = None):
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self._clock = clock
        self._scratch = scratch  # a temporary copy this workspace reads, removed on close

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for read-only queries that span stores (``search.search``)."""
        return self._conn

    def close(self) -> None:
        self._conn.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction for one user action; committed before the caller gets control.
        A failure is a WorkspaceError with a plain message, and nothing is changed."""
        if self.read_only:
            raise ReadOnlyWorkspaceError(
                "The workspace is open read-only; changes cannot be saved."
            )
        try:
            with self._conn:  # BEGIN ... COMMIT, or ROLLBACK on error
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
        except sqlite3.Error as exc:
            raise _explain(exc, self.path) from exc

    def integrity_ok(self) -> bool:
        return bool(self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # -- checklist --------------------------------------------------------------------------
    def checklist(self) -> dict[str, ChecklistEntry]:
        rows = self._conn.execute("SELECT * FROM checklist").fetchall()
        return {r["risk_id"]: _entry(r) for r in rows}

    def checklist_entry(self, risk_id: str) -> ChecklistEntry:
        row = self._conn.execute("SELECT * FROM checklist WHERE risk_id = ?",
                                 (risk_id,)).fetchone()
        return _entry(row) if row else ChecklistEntry(risk_id)

    def set_checklist_field(self, risk_id: str, name: str, value: object) -> ChecklistEntry:
        """Set one field of a risk's review; returns the entry as it was before."""
        value = _check_checklist_value(name, value)
        before = self.checklist_entry(risk_id)
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO checklist (risk_id, {name}, updated_at) VALUES (?, ?, ?) "
                f"ON CONFLICT(risk_id) DO UPDATE SET {name} = excluded.{name}, "
                "updated_at = excluded.updated_at",
                (risk_id, value, self._clock()),
            )
        return before

    def restore_checklist_entry(self, entry: ChecklistEntry) -> None:
        """Put a whole entry back as it was (undo of a compound change)."""
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO checklist (risk_id, reviewed, likelihood, impact, owner,"
                " status, next_review, rationale, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (entry.risk_id, int(entry.reviewed), entry.likelihood, entry.impact,
                 entry.owner, entry.status, entry.next_review, entry.rationale, self._clock()),
            )

    def reset_assessment(self, risk_id: str) -> ChecklistEntry:
        """Go back to the briefing's likelihood and impact; returns the entry before."""
        before = self.checklist_entry(risk_id)
        with self._write() as conn:
            conn.execute(
                "UPDATE checklist SET likelihood = NULL, impact = NULL, updated_at = ? "
                "WHERE risk_id = ?", (self._clock(), risk_id))
        return before

    # -- notes ------------------------------------------------------------------------------
    def add_note(self, body: str, *, target: ItemRef | None = None,
                 anchor: TextAnchor | None = None, tag: str = "", colour: str = "",
                 note_id: str | None = None, created_at: str | None = None,
                 updated_at: str | None = None) -> Note:
        if (target is None) == (anchor is None):
            raise ValueError("a note is attached to exactly one item or one text range")
        _check_note_fields(body, tag, colour)
        now = self._clock()
        note = Note(note_id or _new_id(), body, target, anchor, tag, colour,
                    created_at or now, updated_at or created_at or now)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO notes (id, item_kind, item_id, source_id, start, end, quote, "
                "prefix, suffix, body, tag, colour, created_at, updated_at, deleted_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
                (note.id, target.kind if target else None, target.id if target else None,
                 anchor.source_id if anchor else None, anchor.start if anchor else None,
                 anchor.end if anchor else None, anchor.quote if anchor else None,
                 anchor.prefix if anchor else None, anchor.suffix if anchor else None,
                 body, tag, colour, note.created_at, note.updated_at),
            )
            _index_new_notes(conn, "rowid = last_insert_rowid()")
        return note

    def import_notes(self, notes: list[Note]) -> int:
        """Add notes (keeping their ids and times) that are not present yet, all or nothing;
        returns how many were added."""
        for note in notes:
            _check_note_fields(note.body, note.tag, note.colour)
        added = 0
        with self._write() as conn:
            before = conn.execute("SELECT coalesce(max(rowid), 0) FROM notes").fetchall()[0][0]
            for note in notes:
                t, a = note.target, note.anchor
                cur = conn.execute(
                    "INSERT OR IGNORE INTO notes (id, item_kind, item_id, source_id, start, "
                    "end, quote, prefix, suffix, body, tag, colour, created_at, updated_at, "
                    "deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
                    (note.id, t.kind if t else None, t.id if t else None,
                     a.source_id if a else None, a.start if a else None, a.end if a else None,
                     a.quote if a else None, a.prefix if a else None, a.suffix if a else None,
                     note.body, note.tag, note.colour, note.created_at, note.updated_at))
                added += cur.rowcount
            _index_new_notes(conn, f"rowid > {int(before)}")
        return added

    def note(self, note_id: str) -> Note | None:
        row = self._conn.execute(f"SELECT {NOTE_COLUMNS} FROM notes WHERE id = ?",
                                 (note_id,)).fetchone()
        return _note(row) if row else None

    def notes(self, *, include_deleted: bool = False, target: ItemRef | None = None,
              source_id: str | None = None) -> list[Note]:
        sql = f"SELECT {NOTE_COLUMNS} FROM notes WHERE 1=1"
        params: list[object] = []
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        if target is not None:
            sql += " AND item_kind = ? AND item_id = ?"
            params += [target.kind, target.id]
        if source_id is not None:
            sql += " AND source_id = ?"
            params.append(source_id)
        # Read in table order and sorted here by creation (a stable sort keeps the rowid order
        # of notes made in the same second): at 100,000 notes SQLite's ORDER BY, through the
        # index or a sort of its own, took longer than reading the rows.
        sql += " ORDER BY rowid"
        cursor = self._conn.cursor()
        cursor.row_factory = None  # plain tuples: a third faster than sqlite3.Row at 100,000
        with bulk_objects():
            # Read some thousands of rows at a time: the rows of one batch are gone before the
            # next is read, so their memory serves again (at 100,000 notes, 13 MB and an eighth
            # of the page faults less than holding every row until the notes were made).
            notes: list[Note] = []
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(_ROWS_AT_A_TIME):
                notes.extend(map(_note, rows))
            notes.sort(key=_NOTE_CREATED)
            return notes

    def trash(self) -> list[Note]:
        rows = self._conn.execute(
            f"SELECT {NOTE_COLUMNS} FROM notes WHERE deleted_at IS NOT NULL "
            "ORDER BY deleted_at DESC, id"
        ).fetchall()
        return [_note(r) for r in rows]

    def update_note(self, note_id: str, *, body: str | None = None, tag: str | None = None,
                    colour: str | None = None) -> Note:
        """Change a note's text, tag or colour; returns the note as it was before."""
        before = self.note(note_id)
        if before is None:
            raise KeyError(note_id)
        after = before._replace(body=before.body if body is None else body,
                                tag=before.tag if tag is None else tag,
                                colour=before.colour if colour is None else colour)
        _check_note_fields(after.body, after.tag, after.colour)
        with self._write() as conn:
            conn.execute("UPDATE notes SET body = ?, tag = ?, colour = ?, updated_at = ? "
                         "WHERE id = ?",
                         (after.body, after.tag, after.colour, self._clock(), note_id))
        return before

    def delete_note(self, note_id: str) -> None:
        """Move a note to the trash (restorable until the trash is emptied)."""
        with self._write() as conn:
            cur = conn.execute("UPDATE notes SET deleted_at = ? WHERE id = ? AND "
                               "deleted_at IS NULL", (self._clock(), note_id))
            if cur.rowcount != 1:
                raise KeyError(note_id)

    def restore_note(self, note_id: str) -> None:
        with self._write() as conn:
            cur = conn.execute("UPDATE notes SET deleted_at = NULL WHERE id = ?", (note_id,))
            if cur.rowcount != 1:
                raise KeyError(note_id)

    def purge_note(self, note_id: str) -> None:
        """Remove a note for good (used to undo adding it)."""
        with self._write() as conn:
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    def empty_trash(self) -> int:
        with self._write() as conn:
            return conn.execute("DELETE FROM notes WHERE deleted_at IS NOT NULL").rowcount


def _entry(r: sqlite3.Row) -> ChecklistEntry:
    return ChecklistEntry(r["risk_id"], bool(r["reviewed"]), r["likelihood"], r["impact"],
                          r["owner"] or "", r["status"] or "open", r["next_review"] or "",
                          r["rationale"] or "", r["updated_at"] or "")


def _index_new_notes(conn: sqlite3.Connection, rows: str) -> None:
    """Add notes just inserted (``rows``: which, as SQL) to the search index, in one
    statement: a trigger per row made importing 100,000 notes five times slower."""
    conn.execute(f"INSERT INTO note_search (rowid, body, tag) SELECT rowid, body, tag FROM "
                 f"notes WHERE {rows}")


#: The columns ``_note`` reads, in its order (positional access: 100,000 notes load in a
#: fraction of the time that access by name takes).
NOTE_COLUMNS = ("id, body, item_kind, item_id, source_id, start, end, quote, prefix, suffix, "
                "tag, colour, created_at, updated_at, deleted_at")


_NOTE_CREATED = itemgetter(Note._fields.index("created_at"))
_ROWS_AT_A_TIME = 4096


def _new_id() -> str:
    import uuid  # (uuid imports platform: not before the first paint)

    return uuid.uuid4().hex


#: A NamedTuple made from all its fields at once, without the Python-level ``__new__`` that
#: calling the class runs (making 100,000 notes from their rows takes a third less time).
from_fields = tuple.__new__


def _note(r: sqlite3.Row | tuple[Any, ...]) -> Note:
    (nid, body, kind, item_id, source_id, start, end, quote, prefix, suffix, tag, colour,
     created, updated, deleted) = r
    # What many notes repeat is held once: a kind and a source id are interned, and a note
    # never edited keeps one string for both stamps (14 MB less at 100,000 notes).
    target = from_fields(ItemRef, (intern(kind), item_id)) if kind else None
    anchor = (from_fields(TextAnchor, (intern(source_id), start, end, quote, prefix or "",
                                       suffix or "")) if source_id else None)
    return from_fields(Note, (nid, body, target, anchor, tag or "", colour or "", created,
                              created if updated == created else updated, deleted or ""))


#: Every character str.splitlines() breaks at: a one-line tag holds none of them.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_NOTE_CHARS = 2_000_000
MAX_TAG_CHARS = 200


def _check_note_fields(body: str, tag: str, colour: str) -> None:
    if not isinstance(body, str) or not body.strip():
        raise ValueError("a note needs some text")
    if len(body) > MAX_NOTE_CHARS:
        raise ValueError(f"a note can hold at most {MAX_NOTE_CHARS:,} characters")
    if (not isinstance(tag, str) or len(tag) > MAX_TAG_CHARS
            or any(c in LINE_BREAKS for c in tag)):
        raise ValueError(f"a tag is one line of at most {MAX_TAG_CHARS} characters")
    if _SURROGATE.search(body) or _SURROGATE.search(tag):
        # Not text: SQLite could not store it as UTF-8, and no export could show it.
        raise ValueError("the note or its tag holds bytes that are not UTF-8 text (a lone "
                         "surrogate): it cannot be saved; check the terminal's encoding")
    if colour not in NOTE_COLOURS:
        raise ValueError("colour must be one of: " + ", ".join(c or "(none)"
                                                              for c in NOTE_COLOURS))


def _check_checklist_value(name: str, value: object) -> object:
    if name not in CHECKLIST_FIELDS:
        raise ValueError(f"unknown checklist field {name!r}")
    if name == "reviewed":
        return int(bool(value))
    if name in ("likelihood", "impact"):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(f"{name} must be a whole number from 1 to 5")
        return value
    if name == "status":
        if value not in STATUSES:
            raise ValueError("status must be one of: " + ", ".join(STATUSES))
        return value
    if name == "next_review":
        if value:
            try:
                dt.date.fromisoformat(str(value))
            except ValueError as exc:
                raise ValueError("next review must be a date (YYYY-MM-DD)") from exc
        return value or ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    return value


# -- errors in words ------------------------------------------------------------------------
_BUSY, _LOCKED, _READONLY, _CORRUPT, _FULL, _NOTADB = 5, 6, 8, 11, 13, 26


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _is_busy(exc: sqlite3.Error) -> bool:
    return _primary_code(exc) in (_BUSY, _LOCKED)


def _is_damage(exc: sqlite3.Error) -> bool:
    """Only these mean the file itself is bad (and may be moved aside): never busy, locked,
    read-only, full or an I/O error."""
    return _primary_code(exc) in (_CORRUPT, _NOTADB)


def lock_holders(*paths: Path) -> list[int]:
    """The processes holding a lock on any of ``paths`` (Linux: /proc/locks), for messages."""
    wanted = set()
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        wanted.add((os.major(st.st_dev), os.minor(st.st_dev), st.st_ino))
    pids: set[int] = set()
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF" ("->" marks a waiting lock)
        if "->" in parts:
            continue
        try:
            pid = int(parts[4])
            major, minor, inode = parts[5].split(":")
            key = (int(major, 16), int(minor, 16), int(inode))
        except (IndexError, ValueError):
            continue
        if key in wanted and pid > 0 and pid != os.getpid():
            pids.add(pid)
    return sorted(pids)


def _busy_message(path: Path) -> str:
    pids = lock_holders(path, path.with_name(path.name + "-shm"),
                        path.with_name(".workspace.lock"))
    who = (f" (pid {', '.join(map(str, pids))})" if pids else "")
    return (f"The workspace {path} is in use by another process{who}, which has held it "
            f"for more than {BUSY_TIMEOUT_MS // 1000} seconds. Nothing was changed; close the "
            "other program (or wait for it to finish) and try again.")


def _explain(exc: sqlite3.Error, path: Path | None) -> WorkspaceError:
    """A plain sentence for a failed workspace write or read."""
    where = str(path) if path is not None else "the workspace"
    code = _primary_code(exc)
    if _is_busy(exc) and path is not None:
        return WorkspaceBusyError(_busy_message(path))
    if code == _FULL:
        return WorkspaceFullError(f"There is not enough space on the disk to save your work in "
                                  f"{where}; nothing was changed.")
    if code == _READONLY:
        return ReadOnlyWorkspaceError(f"The workspace file {where} cannot be written (it is "
                                      "read-only); nothing was changed.")
    return WorkspaceError(f"The workspace {where} could not be used: {exc}. Nothing was "
                          "changed.")


# -- opening --------------------------------------------------------------------------------
def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.row_factory = sqlite3.Row
    return conn


def _connect_read_only(path: Path) -> tuple[sqlite3.Connection, Any]:
    """Read a workspace we may not write, WAL included: ``mode=ro`` reads the WAL a crash
    left behind (``immutable`` would silently miss what it holds). Where SQLite cannot read
    it in place (a read-only folder without the WAL index), or the schema is older than this
    version's, a private copy is read (and migrated) instead. Returns the connection and the
    temporary folder to remove on close (or None)."""
    wal = path.with_name(path.name + "-wal")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.row_factory = sqlite3.Row
        applied = _applied_migrations(conn)
    except sqlite3.Error as exc:
        if _is_busy(exc) or _is_damage(exc):
            raise
        has_wal = wal.exists() and wal.stat().st_size > 0
        if not has_wal:
            # Nothing outside the main file: reading it as immutable loses nothing.
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            applied = _applied_migrations(conn)
        else:
            return _read_a_copy(path)
    if applied != list(KNOWN_MIGRATIONS):
        conn.close()
        return _read_a_copy(path)
    return conn, None


def _read_a_copy(path: Path) -> tuple[sqlite3.Connection, Any]:
    """A private, migrated copy of a workspace we may not write (with its WAL, so nothing
    saved is missed)."""
    import shutil
    import tempfile

    scratch = tempfile.TemporaryDirectory(prefix="briefing-read-only-")
    copy = Path(scratch.name) / path.name
    try:
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        conn = _connect(copy)  # replays the WAL into the copy
        _apply_migrations(conn)
    except BaseException:
        scratch.cleanup()
        raise
    return conn, scratch


def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                       "name='_sqlite_migrations'").fetchone()
    if not has:
        return []
    return [r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,))]


def _writer_of(conn: sqlite3.Connection) -> str:
    """The release that last wrote this workspace, if it says ("" if not)."""
    try:
        row = conn.execute("SELECT value FROM workspace_meta WHERE key = 'last_written_by'"
                           ).fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row else ""


def _problem_with(path: Path, writable: bool) -> str | None:
    """Why an existing workspace file cannot be used because it is damaged, in plain words
    (None if it is not damaged). Busy, newer and unreadable files raise instead: they are
    never moved aside."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise WorkspaceError(f"The workspace {path} cannot be read "
                             f"({exc.strerror or exc}); it was left as it is.") from exc
    if header != b"SQLite format 3\x00":
        return "it is not a workspace database (the file is not SQLite)"
    scratch = None
    try:
        # Read-write when we may: opening then replays a journal left by a killed process.
        if writable:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            conn, scratch = _connect_read_only(path)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"it is damaged ({result})"
            applied = _applied_migrations(conn)
            writer = _writer_of(conn)
        finally:
            conn.close()
            if scratch is not None:
                scratch.cleanup()
    except sqlite3.Error as exc:
        if _is_damage(exc):
            return f"it is damaged ({exc})"
        raise _explain(exc, path) from exc
    unknown = [m for m in applied if m not in KNOWN_MIGRATIONS]
    if unknown:
        from .. import __version__

        by = f"Briefing {writer}" if writer else "a newer version of Briefing"
        raise NewerWorkspaceError(
            f"Your workspace {path} was written by {by}, newer than this one ({__version__}): "
            f"it has schema steps this version does not know ({', '.join(unknown)}). It was "
            "left exactly as it is; open it with that version or a newer one.")
    return None


def _aside_name(path: Path, reason: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = path.with_name(f"{path.stem}.{reason}-{stamp}{path.suffix}")
    candidate, n = base, 1
    while candidate.exists():
        candidate = base.with_name(f"{base.stem}-{n}{base.suffix}")
        n += 1
    return candidate


def _move_aside(path: Path, reason: str) -> Path:
    """Keep a workspace file we cannot use beside the original, under a clear name."""
    target = _aside_name(path, reason)
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(target.with_name(target.name + suffix))
    return target


def _is_writable_folder(folder: Path) -> bool:
    # A random name, not a note id: uuid would import platform, half a megabyte, at start-up.
    probe = folder / f".write-test-{os.urandom(8).hex()}"
    try:
        probe.touch()
        probe.unlink()
        return True
    except OSError:
        return False


def unavailable_workspace(why: str) -> tuple[Workspace, OpenReport]:
    """An empty, read-only stand-in for a workspace that cannot be opened now (busy, newer),
    with ``why`` and what that means as the report's message."""
    report = OpenReport(read_only=True)
    report.messages.append(f"{why} Briefing is running read-only with an empty workspace: "
                           "your notes and checklist are not shown, and nothing is saved.")
    return Workspace(_empty_memory_workspace(), None, True), report


def empty_workspace() -> Workspace:
    """An empty, read-only workspace in memory: what a listing reads when the user has no
    workspace yet (reading never creates one)."""
    return Workspace(_empty_memory_workspace(), None, True)


def _empty_memory_workspace() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    _apply_migrations(conn)
    return conn


def _apply_migrations(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    _migrations().apply(db)


LOCK_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000


@contextmanager
def _opening_lock(folder: Path, timeout: float) -> Iterator[None]:
    """Only one process checks, repairs or migrates a workspace at a time (two windows
    started together on one workspace). Waits at most ``timeout`` seconds, then says who
    holds the lock."""
    lock = folder / ".workspace.lock"
    try:
        handle = lock.open("a+b")
    except OSError:
        yield  # a read-only folder: nothing will be written, so nothing to serialise
        return
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl
            import time

            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        pids = lock_holders(lock)
                        who = f" (pid {', '.join(map(str, pids))})" if pids else ""
                        raise WorkspaceBusyError(
                            f"The workspace {folder} is being opened by another process{who}, "
                            f"which has held it for more than {timeout:g} seconds. Nothing "
                            "was changed; close the other program and try again.") from None
                    time.sleep(0.05)
        yield
    finally:
        handle.close()  # closing releases the lock


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise WorkspaceError(f"{folder} is a file, not a folder; give a folder for your "
                             "workspace (it is created if it does not exist).")


def open_workspace(folder: Path, *, read_only: bool = False,
                   clock: Callable[[], str] = _now,
                   lock_timeout: float = LOCK_TIMEOUT_S) -> tuple[Workspace, OpenReport]:
    """Open (creating if needed) the workspace in ``folder``, recovering from damage.

    A damaged file (not SQLite, or failing SQLite's check) is moved aside and a fresh
    workspace started, with a message saying so. A folder or file that cannot be written
    gives a read-only workspace. Raises WorkspaceError (nothing changed, nothing moved) when
    the workspace is busy in another process, was written by a newer version, or cannot be
    read at all.
    """
    folder = Path(folder)
    _check_folder(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        report = OpenReport(read_only=True)
        report.messages.append(
            f"Your workspace folder {folder} cannot be created ({exc.strerror or exc}). "
            "Briefing is running read-only: you can read and export, but notes and checklist "
            "changes will not be saved."
        )
        return Workspace(_empty_memory_workspace(), None, True, clock), report
    writable = not read_only and _is_writable_folder(folder)
    if not writable:
        return _open(folder, read_only, writable, clock)
    with _opening_lock(folder, lock_timeout):
        return _open(folder, read_only, writable, clock)


def _open(folder: Path, read_only: bool, writable: bool,
          clock: Callable[[], str]) -> tuple[Workspace, OpenReport]:
    report = OpenReport()
    path = folder / WORKSPACE_FILE
    if path.exists():
        problem = _problem_with(path, writable)
        if problem is not None:
            if not writable:
                report.read_only = True
                report.messages.append(
                    f"Your workspace {path} cannot be used: {problem}. Its folder is "
                    "read-only, so it was left as it is and Briefing is running read-only "
                    "with an empty workspace.")
                return Workspace(_empty_memory_workspace(), None, True, clock), report
            aside = _move_aside(path, "damaged")
            report.moved_aside = aside
            report.messages.append(
                f"Your workspace {path} could not be opened: {problem}. It has been kept, "
                f"unchanged, as {aside.name} in the same folder, and a fresh workspace was "
                "started.")
    if not writable:
        report.read_only = True
        if not read_only:
            report.messages.append(
                f"Your workspace folder {folder} is read-only. Briefing is running read-only: "
                "you can read and export, but notes and checklist changes will not be saved.")
        if path.exists():
            conn, scratch = _connect_read_only(path)
            return Workspace(conn, path, True, clock, scratch), report
        return Workspace(_empty_memory_workspace(), None, True, clock), report

    try:
        conn = _connect(path)
        if _applied_migrations(conn) != list(KNOWN_MIGRATIONS):
            _apply_migrations(conn)
        _stamp_version(conn)
    except sqlite3.Error as exc:
        if _primary_code(exc) == _READONLY:
            # The folder is writable but the file is not (e.g. mode 0444): read-only mode,
            # said plainly, rather than failing at the first save.
            report.read_only = True
            report.messages.append(
                f"Your workspace file {path} is read-only. Briefing is running read-only: you "
                "can read and export, but notes and checklist changes will not be saved.")
            conn, scratch = _connect_read_only(path)
            return Workspace(conn, path, True, clock, scratch), report
        raise _explain(exc, path) from exc
    return Workspace(conn, path, False, clock), report


def _stamp_version(conn: sqlite3.Connection) -> None:
    """Record which release created the workspace and which last opened it to write; also
    proves the file can be written before the user's first change depends on it."""
    from .. import __version__

    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR IGNORE INTO workspace_meta (key, value) VALUES "
                     "('created_by', ?)", (__version__,))
        conn.execute("INSERT INTO workspace_meta (key, value) VALUES ('last_written_by', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (__version__,))
