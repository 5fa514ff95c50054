"""The workspace database: checklist and notes saved per action, migrations, damaged files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_app.domain import ItemRef
from briefing_app.store import workspace as workspace_module
from briefing_app.store.workspace import (
    KNOWN_MIGRATIONS,
    NewerWorkspaceError,
    Note,
    ReadOnlyWorkspaceError,
    TextAnchor,
    open_workspace,
)

from .system import as_ordinary_user


def test_created_on_first_use_with_migrations(tmp_path: Path) -> None:
    ws, report = open_workspace(tmp_path / "ws")
    assert report.messages == [] and not report.read_only
    assert (tmp_path / "ws" / "workspace.db").exists()
    applied = [r[0] for r in sqlite3.connect(tmp_path / "ws" / "workspace.db").execute(
        "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == list(KNOWN_MIGRATIONS)
    mode = ws._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_checklist_fields_round_trip_and_validate(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path)
    before = ws.set_checklist_field("r1", "likelihood", 4)
    assert before.likelihood is None
    ws.set_checklist_field("r1", "next_review", "2026-12-01")
    ws.set_checklist_field("r1", "status", "mitigated")
    e = ws.checklist_entry("r1")
    assert (e.likelihood, e.next_review, e.status) == (4, "2026-12-01", "mitigated")
    for name, bad in (("likelihood", 6), ("status", "done"), ("next_review", "soon"),
                      ("colour", "red")):
        with pytest.raises(ValueError):
            ws.set_checklist_field("r1", name, bad)
    assert ws.checklist_entry("r1") == e
    ws.reset_assessment("r1")
    assert ws.checklist_entry("r1").likelihood is None


def test_saved_changes_are_visible_to_another_connection(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path)
    ws.set_checklist_field("r2", "owner", "Ana")
    other, _ = open_workspace(tmp_path)
    assert other.checklist_entry("r2").owner == "Ana"


def test_notes_add_edit_trash_restore(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path)
    n = ws.add_note("First\nline two", target=ItemRef("risk", "r1"), tag="watch", colour="yellow")
    anchor = TextAnchor("src", 10, 20, "0123456789", "before", "after")
    t = ws.add_note("On a passage", anchor=anchor)
    assert [x.id for x in ws.notes()] == [n.id, t.id]
    assert ws.notes(target=ItemRef("risk", "r1"))[0].body == "First\nline two"
    assert ws.notes(source_id="src")[0].anchor == anchor
    before = ws.update_note(n.id, body="Edited")
    assert before.body == "First\nline two" and ws.note(n.id).body == "Edited"
    ws.delete_note(n.id)
    assert [x.id for x in ws.notes()] == [t.id]
    assert [x.id for x in ws.trash()] == [n.id]
    ws.restore_note(n.id)
    assert len(ws.notes()) == 2
    ws.delete_note(t.id)
    assert ws.empty_trash() == 1
    assert ws.note(t.id) is None
    with pytest.raises(ValueError):
        ws.add_note("   ", target=ItemRef("risk", "r1"))
    with pytest.raises(ValueError):
        ws.add_note("x", target=ItemRef("risk", "r1"), anchor=anchor)


def test_notes_read_in_batches_come_back_whole_in_order_of_creation(tmp_path: Path) -> None:
    """Notes are read some thousands at a time: more than one batch comes back whole, each
    note as it was saved, ordered by creation and, within one second, as they were saved;
    a never-edited note's two stamps are one string, an edited one's stay apart."""
    batch = workspace_module._ROWS_AT_A_TIME
    notes = []
    for i in range(batch + 7):
        created = f"2026-0{1 + i % 3}-0{1 + i % 5}T10:00:00Z"  # many share a second
        updated = created if i % 4 else f"2026-09-0{1 + i % 7}T12:00:00Z"
        ref, anchor = ((ItemRef("risk", f"r{i % 9}"), None) if i % 2 else
                       (None, TextAnchor(f"src{i % 3}", i, i + 4, "quot", "pre", "")))
        notes.append(Note(f"n{i:05d}", f"note {i}", ref, anchor, "tag" if i % 5 else "",
                          "", created, updated))
    ws, _ = open_workspace(tmp_path)
    assert ws.import_notes(notes) == len(notes)
    read = ws.notes()
    assert read == sorted(notes, key=lambda n: n.created_at)  # (a stable sort)
    assert all(n.updated_at is n.created_at for n in read if n.updated_at == n.created_at)
    assert [n.id for n in ws.notes(source_id="src1")] == [
        n.id for n in sorted(notes, key=lambda n: n.created_at)
        if n.anchor and n.anchor.source_id == "src1"]
    ws.close()


@pytest.mark.parametrize("damage", ["truncated", "random", "not-sqlite"])
def test_damaged_workspace_is_kept_aside_and_a_fresh_one_started(tmp_path: Path,
                                                                 damage: str) -> None:
    ws, _ = open_workspace(tmp_path)
    ws.set_checklist_field("r1", "owner", "x")
    ws.close()
    path = tmp_path / "workspace.db"
    for extra in ("workspace.db-wal", "workspace.db-shm"):
        (tmp_path / extra).unlink(missing_ok=True)
    data = path.read_bytes()
    if damage == "truncated":
        damaged = data[: len(data) // 3 + 100]
    elif damage == "random":
        import random
        rnd = random.Random(7)
        damaged = data[:100] + bytes(rnd.randrange(256) for _ in range(len(data) - 100))
    else:
        damaged = b"these are my notes in a text file\n" * 50
    path.write_bytes(damaged)
    fresh, report = open_workspace(tmp_path)
    assert report.moved_aside is not None
    assert report.moved_aside.read_bytes() == damaged
    assert "workspace.damaged-" in report.moved_aside.name
    assert "could not be opened" in report.messages[0]
    assert report.moved_aside.name in report.messages[0]
    assert fresh.checklist() == {}
    fresh.set_checklist_field("r1", "owner", "y")


def test_newer_workspace_is_never_overwritten(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path)
    ws._conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('briefing-workspace', 'm999_future', '2030-01-01')")
    ws.close()
    conn = sqlite3.connect(tmp_path / "workspace.db")
    conn.execute("UPDATE workspace_meta SET value = '9.1.0' WHERE key = 'last_written_by'")
    conn.commit()
    conn.close()
    original = (tmp_path / "workspace.db").read_bytes()
    with pytest.raises(NewerWorkspaceError, match=r"written by Briefing 9\.1\.0, newer"):
        open_workspace(tmp_path)
    # Refused, not moved aside: the newer release finds its workspace where it left it.
    assert (tmp_path / "workspace.db").read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["workspace.db"]


READ_ONLY_CHECK = """
import sys
from pathlib import Path
from briefing_app.store.workspace import ReadOnlyWorkspaceError, open_workspace
ro, report = open_workspace(Path(sys.argv[1]))
assert report.read_only and "read-only" in report.messages[0], report.messages
assert ro.checklist_entry("r1").owner == "kept"
try:
    ro.set_checklist_field("r1", "owner", "lost")
except ReadOnlyWorkspaceError:
    print("refused")
"""


def test_read_only_folder_gives_read_only_workspace(tmp_path: Path) -> None:
    """Checked in a process that obeys file permissions (root's override dropped)."""
    folder = tmp_path / "ro"
    ws, _ = open_workspace(folder)
    ws.set_checklist_field("r1", "owner", "kept")
    ws.close()
    for extra in ("workspace.db-wal", "workspace.db-shm"):
        (folder / extra).unlink(missing_ok=True)
    folder.chmod(0o555)
    try:
        result = subprocess.run([*as_ordinary_user(), sys.executable, "-c", READ_ONLY_CHECK,
                                 str(folder)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "refused"
        assert sorted(p.name for p in folder.iterdir()) == [".workspace.lock", "workspace.db"]
    finally:
        folder.chmod(0o755)


def test_read_only_flag(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path)
    ws.set_checklist_field("r1", "owner", "kept")
    ws.close()
    ro, report = open_workspace(tmp_path, read_only=True)
    assert ro.read_only and report.read_only
    assert ro.checklist_entry("r1").owner == "kept"
    with pytest.raises(ReadOnlyWorkspaceError):
        ro.add_note("x", target=ItemRef("risk", "r1"))
