"""A busy, locked, read-only or newer workspace is never mistaken for a damaged one: it is
left where it is, nothing the user saved is hidden, and the message says what is going on."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_app.domain import ItemRef
from briefing_app.store import workspace as wsmod
from briefing_app.store.workspace import (
    NewerWorkspaceError,
    ReadOnlyWorkspaceError,
    WorkspaceBusyError,
    open_workspace,
)

from .conftest import ROOT, run_cli
from .system import as_ordinary_user

RISK = ItemRef("risk", "investment-climate")

HOLD_SQLITE_LOCK = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE notes SET body = 'written by the other process'")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""

HOLD_FLOCK = r"""
import fcntl, sys
handle = open(sys.argv[1], "a+b")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()
"""


def _holder(script: str, path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    proc.communicate("\n", timeout=60)  # closes both pipes
    assert proc.returncode == 0


def _workspace_with_a_note(folder: Path) -> None:
    ws, _ = open_workspace(folder)
    ws.add_note("precious", target=RISK)
    ws.close()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".db"))


def test_a_workspace_locked_by_another_writer_is_busy_not_damaged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ws"
    _workspace_with_a_note(folder)
    monkeypatch.setattr(wsmod, "BUSY_TIMEOUT_MS", 300)
    holder = _holder(HOLD_SQLITE_LOCK, folder / "workspace.db")
    try:
        with pytest.raises(WorkspaceBusyError) as raised:
            open_workspace(folder)
        assert f"in use by another process (pid {holder.pid})" in str(raised.value)
        assert _files(folder) == ["workspace.db"]  # nothing moved aside
        # The window opens read-only and says why, instead of starting an empty workspace.
        with pytest.raises(WorkspaceBusyError):
            open_workspace(folder, read_only=True)
    finally:
        _release(holder)
    # The other writer's commit landed in the user's workspace, where it belongs.
    ws, report = open_workspace(folder)
    assert report.messages == []
    assert [n.body for n in ws.notes()] == ["written by the other process"]


def test_cli_waits_a_bounded_time_for_the_opening_lock_and_says_who_holds_it(
        tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    _workspace_with_a_note(folder)
    holder = _holder(HOLD_FLOCK, folder / ".workspace.lock")
    try:
        started = time.monotonic()
        listed = run_cli("note", "list", "--workspace", str(folder))
        waited = time.monotonic() - started
    finally:
        _release(holder)
    assert listed.returncode == 1
    assert f"pid {holder.pid}" in listed.stderr and "another process" in listed.stderr
    assert "Traceback" not in listed.stderr and len(listed.stderr.strip().splitlines()) == 1
    assert waited < wsmod.LOCK_TIMEOUT_S + 20  # bounded (generous: a loaded machine)
    assert run_cli("note", "list", "--workspace", str(folder)).returncode == 0


def test_the_opening_lock_timeout_in_process(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    _workspace_with_a_note(folder)
    holder = _holder(HOLD_FLOCK, folder / ".workspace.lock")
    try:
        with pytest.raises(WorkspaceBusyError, match=f"pid {holder.pid}"):
            open_workspace(folder, lock_timeout=0.3)
    finally:
        _release(holder)


WRITE_THEN_DIE = r"""
import os, signal, sys
from pathlib import Path
from briefing_app.domain import ItemRef
from briefing_app.store.workspace import open_workspace
ws, _ = open_workspace(Path(sys.argv[1]))
ws.add_note("saved just before the crash", target=ItemRef("risk", "investment-climate"))
print("saved", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_read_only_mode_reads_what_a_crash_left_in_the_wal(tmp_path: Path) -> None:
    """Killed after a note was reported saved, then the folder becomes read-only: the note
    (still only in the WAL) is listed and exported, not silently missed."""
    folder = tmp_path / "ws"
    _workspace_with_a_note(folder)
    died = subprocess.run([sys.executable, "-c", WRITE_THEN_DIE, str(folder)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert died.stdout.strip() == "saved" and died.returncode == -signal.SIGKILL
    assert (folder / "workspace.db-wal").stat().st_size > 0
    folder.chmod(0o555)
    try:
        prefix = as_ordinary_user()
        env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*prefix, sys.executable, "-m", "briefing_app", *args,
                                   "--workspace", str(folder)], capture_output=True,
                                  text=True, env=env, cwd=ROOT, timeout=300)

        listed = run("note", "list")
        assert listed.returncode == 0, listed.stderr
        assert "precious" in listed.stdout and "saved just before the crash" in listed.stdout
        out = tmp_path / "out.md"
        exported = run("export", "--format", "md", "--no-charts", "--output", str(out))
        assert exported.returncode == 0, exported.stderr
        assert "saved just before the crash" in out.read_text(encoding="utf-8")
    finally:
        folder.chmod(0o755)


def test_a_read_only_workspace_file_gives_read_only_mode_not_a_failed_save(
        tmp_path: Path) -> None:
    """Mode 0444 in a writable folder: said at start, and a save is refused in words."""
    folder = tmp_path / "ws"
    _workspace_with_a_note(folder)
    for extra in ("workspace.db-wal", "workspace.db-shm"):
        (folder / extra).unlink(missing_ok=True)
    (folder / "workspace.db").chmod(0o444)
    prefix = as_ordinary_user()
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "briefing_app", *args,
                               "--workspace", str(folder)], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=300)

    gui = run("gui", "--smoke")
    assert gui.returncode == 0 and "is read-only" in gui.stderr, gui.stderr
    added = run("note", "add", "risk:investment-climate", "lost?")
    assert added.returncode == 1 and "read-only" in added.stderr
    assert "Traceback" not in added.stderr and "unexpected error" not in added.stderr
    listed = run("note", "list")
    assert listed.returncode == 0 and "precious" in listed.stdout


def test_a_newer_workspace_is_refused_and_left_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    _workspace_with_a_note(folder)
    conn = sqlite3.connect(folder / "workspace.db")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
                 "('briefing-workspace', 'm900_future', '2031-01-01')")
    conn.execute("UPDATE workspace_meta SET value = '3.0.0' WHERE key = 'last_written_by'")
    conn.commit()
    conn.close()
    original = (folder / "workspace.db").read_bytes()

    listed = run_cli("note", "list", "--workspace", str(folder))
    assert listed.returncode == 1
    assert "written by Briefing 3.0.0" in listed.stderr and "left exactly as it is" in listed.stderr
    gui = run_cli("gui", "--smoke", "--workspace", str(folder))
    assert gui.returncode == 0 and "first paint after" in gui.stdout
    assert "written by Briefing 3.0.0" in gui.stderr and "read-only" in gui.stderr
    assert _files(folder) == ["workspace.db"]
    assert (folder / "workspace.db").read_bytes() == original
    with pytest.raises(NewerWorkspaceError):
        open_workspace(folder, read_only=True)


def test_the_workspace_records_which_release_wrote_it(tmp_path: Path) -> None:
    from briefing_app import __version__

    _workspace_with_a_note(tmp_path)
    rows = dict(sqlite3.connect(tmp_path / "workspace.db").execute(
        "SELECT key, value FROM workspace_meta"))
    assert rows == {"created_by": __version__, "last_written_by": __version__}


def test_a_full_disk_while_saving_is_said_in_words(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ws, _ = open_workspace(tmp_path)

    class Full(sqlite3.OperationalError):
        sqlite_errorcode = 13  # SQLITE_FULL, as SQLite reports a full disk

    def full(*_a: object, **_k: object) -> None:
        raise Full("database or disk is full")

    monkeypatch.setattr(ws, "_conn", _FailingConnection(ws._conn, full))
    with pytest.raises(wsmod.WorkspaceFullError, match="not enough space"):
        ws.add_note("x", target=RISK)


class _FailingConnection:
    """A connection whose statements fail as SQLite would (BEGIN passes, writes fail)."""

    def __init__(self, conn: sqlite3.Connection, fail):  # type: ignore[no-untyped-def]
        self._conn = conn
        self._fail = fail

    def execute(self, sql: str, *args: object):  # type: ignore[no-untyped-def]
        if sql.startswith("BEGIN"):
            return self._conn.execute(sql, *args)
        return self._fail()

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self._conn.__enter__()

    def __exit__(self, *exc: object):  # type: ignore[no-untyped-def]
        return self._conn.__exit__(*exc)  # type: ignore[arg-type]


@pytest.mark.parametrize("value, says", [("", "needs a path"), ("FILE", "is a file, not a folder")])
def test_workspace_option_must_name_a_folder(tmp_path: Path, value: str, says: str) -> None:
    if value == "FILE":
        value = str(tmp_path / "passwd")
        Path(value).write_text("root:x:0:0\n")
    listed = run_cli("note", "list", "--workspace", value)
    assert listed.returncode in (1, 2)
    assert says in listed.stderr and "Traceback" not in listed.stderr
    gui = run_cli("gui", "--smoke", "--workspace", value)  # refuses, or opens and says why
    assert says in gui.stderr and "Traceback" not in gui.stderr


def test_refused_writes_raise_read_only_error(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path, read_only=True)
    with pytest.raises(ReadOnlyWorkspaceError):
        ws.add_note("x", target=RISK)
