"""Faults the app must survive: killed mid-work, damaged files, read-only places, full disks,
two processes on one workspace, old workspaces. Each scenario is in docs/RELIABILITY.md."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database, checksum_file
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import open_workspace

from .conftest import ROOT, run_cli
from .system import as_ordinary_user, need_root, need_tool, unavailable

FIXTURES = Path(__file__).resolve().parent / "fixtures"

WRITER = r"""
import sys
from pathlib import Path
from briefing_app.domain import ItemRef
from briefing_app.store.workspace import open_workspace
ws, _ = open_workspace(Path(sys.argv[1]))
run, count = sys.argv[2], int(sys.argv[3])
for i in range(count):
    ws.add_note(f"note {run}-{i}", target=ItemRef("risk", "r%d" % (i % 3)),
                note_id=f"{run}-{i}")
    print(f"note {run}-{i}", flush=True)
    ws.set_checklist_field("r%d" % (i % 3), "owner", f"{run}-{i}")
    print(f"owner r{i % 3} {run}-{i}", flush=True)
    ws.update_note(f"{run}-{i}", body=f"edited {run}-{i}")
    print(f"edit {run}-{i}", flush=True)
"""


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


@pytest.mark.slow
def test_killed_mid_work_loses_nothing_that_was_saved(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    rnd = random.Random(20261128)
    saved_notes: dict[str, str] = {}
    last_owner: dict[str, tuple[int, int]] = {}
    for run in range(50):
        proc = subprocess.Popen(_python(WRITER, str(folder), str(run), "100000"),
                                stdout=subprocess.PIPE, text=True, cwd=ROOT)
        time.sleep(rnd.uniform(0.15, 0.6))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        for line in out.splitlines():
            kind, *rest = line.split()
            if kind == "note":
                saved_notes.setdefault(rest[0], f"note {rest[0]}")
            elif kind == "edit":
                saved_notes[rest[0]] = f"edited {rest[0]}"
            elif kind == "owner":
                r, i = rest[1].split("-")
                last_owner[rest[0]] = (int(r), int(i))
    assert len(saved_notes) > 100, "the writer should get some work done between kills"
    ws, report = open_workspace(folder)
    assert report.messages == []
    assert ws.integrity_ok()
    bodies = {n.id: n.body for n in ws.notes()}
    for note_id, body in saved_notes.items():
        assert note_id in bodies, f"saved note {note_id} was lost"
        # A later, unreported edit may have landed too; never an earlier state.
        assert bodies[note_id] in (body, f"edited {note_id}")
    for risk, (r, i) in last_owner.items():
        owner = ws.checklist_entry(risk).owner
        got = tuple(int(x) for x in owner.split("-"))
        assert got >= (r, i), f"{risk}: saved owner {r}-{i} was overwritten by older {owner}"


def test_two_processes_on_one_workspace_lose_no_update(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    procs = [subprocess.Popen(_python(WRITER, str(folder), name, "120"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT) for name in ("a", "b")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    ws, _ = open_workspace(folder)
    ids = {n.id for n in ws.notes()}
    assert {f"{r}-{i}" for r in ("a", "b") for i in range(120)} <= ids
    assert all(n.body.startswith("edited") for n in ws.notes())


def _corrupt(folder: Path, kind: str) -> bytes:
    ws, _ = open_workspace(folder)
    ws.add_note("precious", target=ItemRef("risk", "investment-climate"))
    ws.close()
    for extra in ("workspace.db-wal", "workspace.db-shm"):
        (folder / extra).unlink(missing_ok=True)
    path = folder / "workspace.db"
    data = path.read_bytes()
    damaged = {"truncated": data[: len(data) // 2],
               "random": data[:100] + random.Random(3).randbytes(len(data) - 100),
               "not-sqlite": b"%PDF-1.4 this is not a database\n" * 40}[kind]
    path.write_bytes(damaged)
    return damaged


@pytest.mark.parametrize("kind", ["truncated", "random", "not-sqlite"])
def test_damaged_workspace_window_starts_cli_refuses(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "ws"
    damaged = _corrupt(folder, kind)
    gui = run_cli("gui", "--smoke", "--workspace", str(folder))
    assert gui.returncode == 0, gui.stderr
    assert "first paint after" in gui.stdout
    assert "has been kept, unchanged, as workspace." in gui.stderr
    assert "Traceback" not in gui.stderr
    kept = [p for p in folder.iterdir() if p.name.startswith("workspace.") and
            p.name.endswith(".db") and p.name != "workspace.db"]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert (folder / "workspace.db").exists()  # the fresh workspace
    # The CLI says the same and exits non-zero; the kept file is never overwritten.
    (folder / "workspace.db").write_bytes(damaged)
    cli = run_cli("note", "list", "--workspace", str(folder))
    assert cli.returncode == 1
    assert "could not be opened" in cli.stderr and "Traceback" not in cli.stderr
    assert kept[0].read_bytes() == damaged


@pytest.mark.parametrize("state", ["missing", "garbage", "empty-sqlite"])
def test_missing_or_damaged_bundled_database(tmp_path: Path, state: str) -> None:
    db = tmp_path / "briefing.db"
    if state == "garbage":
        db.write_bytes(b"\x00garbage" * 500)
    elif state == "empty-sqlite":
        sqlite3.connect(db).execute("CREATE TABLE x (y)").connection.close()
    for args in (["gui", "--smoke"], ["items"], ["export", "-o", str(tmp_path / "x.md")]):
        result = run_cli(*args, env={"BRIEFING_APP_DATABASE": str(db)})
        assert result.returncode == 1, (args, result.stderr)
        assert str(db) in result.stderr and "Reinstall Briefing" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_read_only_workspace_folder_gives_read_only_mode(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    assert run_cli("note", "add", "risk:investment-climate", "kept",
                   "--workspace", str(folder)).returncode == 0
    folder.chmod(0o555)
    try:
        prefix = as_ordinary_user()
        env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*prefix, sys.executable, "-m", "briefing_app", *args,
                                   "--workspace", str(folder)], capture_output=True,
                                  text=True, env=env, cwd=ROOT, timeout=300)

        gui = run("gui", "--smoke")
        assert gui.returncode == 0 and "read-only" in gui.stderr
        listed = run("note", "list")
        assert listed.returncode == 0 and "kept" in listed.stdout
        out = tmp_path / "export.html"
        exported = run("export", "--output", str(out))
        assert exported.returncode == 0, exported.stderr
        assert "kept" in out.read_text(encoding="utf-8")
        added = run("note", "add", "risk:investment-climate", "lost")
        assert added.returncode == 1 and "read-only" in added.stderr
        assert "Traceback" not in added.stderr
    finally:
        folder.chmod(0o755)


def test_read_only_install_location_is_the_normal_case(tmp_path: Path) -> None:
    install = tmp_path / "opt"
    install.mkdir()
    shutil.copy2(bundled_database(), install / "briefing.db")
    shutil.copy2(checksum_file(bundled_database()), install / "briefing.db.sha256")
    (install / "briefing.db").chmod(0o444)
    install.chmod(0o555)
    try:
        prefix = as_ordinary_user()
        env = os.environ | {"BRIEFING_APP_DATABASE": str(install / "briefing.db"),
                            "QT_QPA_PLATFORM": "offscreen"}
        for args in (["items", "--kind", "risk"], ["gui", "--smoke"]):
            result = subprocess.run([*prefix, sys.executable, "-m", "briefing_app", *args],
                                    capture_output=True, text=True, env=env, cwd=ROOT,
                                    timeout=300)
            assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in install.iterdir()) == ["briefing.db", "briefing.db.sha256"]
    finally:
        install.chmod(0o755)


def test_export_without_permission_fails_cleanly(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        prefix = as_ordinary_user()
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "briefing_app", "export", "--output",
             str(locked / "b.pdf"), "--workspace", str(tmp_path / "ws")],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
            env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
        assert result.returncode == 1
        assert "do not have permission" in result.stderr
        assert "Traceback" not in result.stderr
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_export_to_a_full_disk_leaves_nothing(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    need_root("mounts a small tmpfs as a full disk")
    mount = need_tool("mount", "mount")
    mounted = subprocess.run([mount, "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(small)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        unavailable(f"cannot mount a tmpfs here ({mounted.stderr.strip()})",
                    "run the tests as root on a machine that allows mounts (CI does)")
    try:
        result = run_cli("export", "--format", "pdf", "--output", str(small / "b.pdf"),
                         "--workspace", str(tmp_path / "ws"))
        assert result.returncode == 1
        assert "not enough space" in result.stderr
        assert list(small.iterdir()) == []
    finally:
        subprocess.run([need_tool("umount", "mount"), str(small)], check=True)


def test_first_released_workspace_opens_intact(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy2(FIXTURES / "workspace-v1.db", folder / "workspace.db")
    ws, report = open_workspace(folder)
    assert report.messages == []
    e = ws.checklist_entry("security-in-mineral-areas")
    assert (e.reviewed, e.likelihood, e.owner, e.status, e.next_review, e.rationale) == (
        True, 4, "Regional desk", "monitoring", "2026-12-15", "Line one.\nLine two.")
    notes = {n.id: n for n in ws.notes(include_deleted=True)}
    assert notes["fixture-note-1"].body == "A note on a risk.\nWith two lines."
    assert (notes["fixture-note-1"].tag, notes["fixture-note-1"].colour) == ("legal", "yellow")
    assert notes["fixture-note-2"].anchor is not None
    assert notes["fixture-note-2"].anchor.quote == "US Seeks"
    assert notes["fixture-note-3"].deleted_at
    from briefing_app.store.anchoring import place_notes
    placed = place_notes(BriefingStore(bundled_database()), ws.notes())
    assert all(p.anchored for p in placed)


def test_workspace_from_before_notes_is_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "older"
    folder.mkdir()
    shutil.copy2(FIXTURES / "workspace-m001.db", folder / "workspace.db")
    ws, report = open_workspace(folder)
    assert report.messages == []
    e = ws.checklist_entry("investment-climate")
    assert (e.impact, e.owner) == (2, "Legal desk")
    ws.add_note("now with notes", target=ItemRef("risk", "investment-climate"))
    assert len(ws.notes()) == 1


def test_two_processes_creating_one_workspace_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    code = ("import sys; from pathlib import Path; "
            "from briefing_app.store.workspace import open_workspace; "
            "ws, r = open_workspace(Path(sys.argv[1])); "
            "ws.set_checklist_field('r1', 'owner', sys.argv[2]); print('ok')")
    procs = [subprocess.Popen(_python(code, str(folder), str(n)), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for n in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err
