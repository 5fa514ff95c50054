"""The user's own work (checklist state, notes) in a workspace database beside the bundled one.

Each user action is one small named function here and one transaction (WAL journal), so what a
function has returned is saved. The schema is managed by sqlite-utils ``Migrations``; a
damaged workspace, or one from a newer version of the app, is kept aside under a clear name and
a fresh one started, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..domain import ItemRef

WORKSPACE_FILE = "workspace.db"
MIGRATION_SET = "briefing-workspace"
STATUSES = ("open", "monitoring", "mitigated", "accepted")
CHECKLIST_FIELDS = ("reviewed", "likelihood", "impact", "owner", "status", "next_review",
                    "rationale")
NOTE_COLOURS = ("", "yellow", "green", "blue", "pink", "orange")
BUSY_TIMEOUT_MS = 10_000


class WorkspaceError(Exception):
    """The workspace cannot be used (for example: its folder cannot be created)."""


class ReadOnlyWorkspaceError(WorkspaceError):
    """A change was attempted on a workspace opened read-only."""


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


@dataclass(frozen=True)
class TextAnchor:
    """A range of a source document, with enough context to find it again after a rebuild."""

    source_id: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Note:
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

    return migrations


KNOWN_MIGRATIONS = ("m001_checklist", "m002_notes")


@dataclass
class OpenReport:
    """What happened while opening a workspace, in words a user can read."""

    messages: list[str] = field(default_factory=list)
    read_only: bool = False
    moved_aside: Path | None = None


class Workspace:
    """One workspace database. Use :func:`open_workspace` to open one safely."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, read_only: bool = False,
                 clock: Callable[[], str] = _now):
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self._clock = clock

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction for one user action; committed before the caller gets control."""
        if self.read_only:
            raise ReadOnlyWorkspaceError(
                "The workspace is open read-only; changes cannot be saved."
            )
        with self._conn:  # BEGIN ... COMMIT, or ROLLBACK on error
            self._conn.execute("BEGIN IMMEDIATE")
            yield self._conn

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
        note = Note(note_id or uuid.uuid4().hex, body, target, anchor, tag, colour,
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
        return note

    def import_notes(self, notes: list[Note]) -> int:
        """Add notes (keeping their ids and times) that are not present yet, all or nothing;
        returns how many were added."""
        for note in notes:
            _check_note_fields(note.body, note.tag, note.colour)
        added = 0
        with self._write() as conn:
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
        return added

    def note(self, note_id: str) -> Note | None:
        row = self._conn.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
        return _note(row) if row else None

    def notes(self, *, include_deleted: bool = False, target: ItemRef | None = None,
              source_id: str | None = None) -> list[Note]:
        sql = "SELECT * FROM notes WHERE 1=1"
        params: list[object] = []
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        if target is not None:
            sql += " AND item_kind = ? AND item_id = ?"
            params += [target.kind, target.id]
        if source_id is not None:
            sql += " AND source_id = ?"
            params.append(source_id)
        sql += " ORDER BY created_at, rowid"
        return [_note(r) for r in self._conn.execute(sql, params).fetchall()]

    def trash(self) -> list[Note]:
        rows = self._conn.execute(
            "SELECT * FROM notes WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id"
        ).fetchall()
        return [_note(r) for r in rows]

    def update_note(self, note_id: str, *, body: str | None = None, tag: str | None = None,
                    colour: str | None = None) -> Note:
        """Change a note's text, tag or colour; returns the note as it was before."""
        before = self.note(note_id)
        if before is None:
            raise KeyError(note_id)
        after = replace(before, body=before.body if body is None else body,
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


def _note(r: sqlite3.Row) -> Note:
    target = ItemRef(r["item_kind"], r["item_id"]) if r["item_kind"] else None
    anchor = (TextAnchor(r["source_id"], r["start"], r["end"], r["quote"], r["prefix"] or "",
                         r["suffix"] or "") if r["source_id"] else None)
    return Note(r["id"], r["body"], target, anchor, r["tag"] or "", r["colour"] or "",
                r["created_at"], r["updated_at"], r["deleted_at"] or "")


MAX_NOTE_CHARS = 2_000_000
MAX_TAG_CHARS = 200


def _check_note_fields(body: str, tag: str, colour: str) -> None:
    if not isinstance(body, str) or not body.strip():
        raise ValueError("a note needs some text")
    if len(body) > MAX_NOTE_CHARS:
        raise ValueError(f"a note can hold at most {MAX_NOTE_CHARS:,} characters")
    if not isinstance(tag, str) or len(tag) > MAX_TAG_CHARS or "\n" in tag:
        raise ValueError(f"a tag is one line of at most {MAX_TAG_CHARS} characters")
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


# -- opening --------------------------------------------------------------------------------
def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                               isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    conn.row_factory = sqlite3.Row
    return conn


def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                       "name='_sqlite_migrations'").fetchone()
    if not has:
        return []
    return [r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,))]


def _problem_with(path: Path, writable: bool) -> str | None:
    """Why an existing workspace file cannot be used, in plain words (None if it can)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header != b"SQLite format 3\x00":
            return "it is not a workspace database (the file is not SQLite)"
        # Read-write when we may: opening then replays a journal left by a killed process.
        # In a read-only folder a WAL database can only be read as immutable (no -shm file).
        target = str(path) if writable else f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(target, uri=not writable, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"it is damaged ({result})"
            applied = _applied_migrations(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"it is damaged ({exc})"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    unknown = [m for m in applied if m not in KNOWN_MIGRATIONS]
    if unknown:
        return ("it was written by a newer version of Briefing (schema steps "
                + ", ".join(unknown) + " are unknown to this version)")
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
    probe = folder / f".write-test-{uuid.uuid4().hex}"
    try:
        probe.touch()
        probe.unlink()
        return True
    except OSError:
        return False


def _empty_memory_workspace() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    _apply_migrations(conn)
    return conn


def _apply_migrations(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    _migrations().apply(db)


@contextmanager
def _opening_lock(folder: Path) -> Iterator[None]:
    """Only one process checks, repairs or migrates a workspace at a time (two windows
    started together on one workspace)."""
    try:
        handle = (folder / ".workspace.lock").open("a+b")
    except OSError:
        yield  # a read-only folder: nothing will be written, so nothing to serialise
        return
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock


def open_workspace(folder: Path, *, read_only: bool = False,
                   clock: Callable[[], str] = _now) -> tuple[Workspace, OpenReport]:
    """Open (creating if needed) the workspace in ``folder``, recovering from damage.

    Never raises for a damaged file: it is moved aside and a fresh workspace started, with a
    message saying so. A folder that cannot be written gives a read-only workspace.
    """
    folder = Path(folder)
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
    with _opening_lock(folder):
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
            kind = "newer" if "newer version" in problem else "damaged"
            aside = _move_aside(path, kind)
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
            conn = _connect(path, read_only=True)
            if _applied_migrations(conn) != list(KNOWN_MIGRATIONS):
                conn.close()
                conn = _empty_memory_workspace()
                report.messages.append("The read-only workspace is from an older version and "
                                       "is shown empty.")
            return Workspace(conn, path, True, clock), report
        return Workspace(_empty_memory_workspace(), None, True, clock), report

    try:
        conn = _connect(path, read_only=False)
        if _applied_migrations(conn) != list(KNOWN_MIGRATIONS):
            _apply_migrations(conn)
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"The workspace {path} cannot be opened: {exc}") from exc
    return Workspace(conn, path, False, clock), report
