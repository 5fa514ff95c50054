"""A workspace written by the previous release opens in this one with nothing lost.

tests/fixtures/workspace-0.1.0.db was made by release 0.1.0 (tests/fixtures/make_fixtures.py,
``make_release_0_1_0``); what it holds is written down there once, as the ``R010_*``
constants, and every test here compares with them, field by field. The .deb upgrade itself
(0.1.0 installed, then this version over it) is checked by packaging/ci.sh.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from briefing_app import __version__
from briefing_app.cli import main as cli_main
from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.view import BriefingView
from briefing_app.store.workspace import KNOWN_MIGRATIONS, WORKSPACE_FILE, Workspace, open_workspace

from .fixtures import make_fixtures as fx

FIXTURE = Path(__file__).parent / "fixtures" / "workspace-0.1.0.db"


@pytest.fixture
def upgraded(tmp_path: Path) -> Workspace:
    """The 0.1.0 workspace, copied and opened by the current code (which migrates it)."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    shutil.copyfile(FIXTURE, folder / WORKSPACE_FILE)
    ws, report = open_workspace(folder)
    assert report.messages == [] and not report.read_only and report.moved_aside is None
    yield ws
    ws.close()


def _fields(obj: object, expected: dict[str, object]) -> dict[str, object]:
    return {name: getattr(obj, name) for name in expected}


def test_the_fixture_was_written_by_release_0_1_0() -> None:
    # immutable: read in place without a -wal or -shm file beside the fixture.
    conn = sqlite3.connect(f"file:{FIXTURE}?mode=ro&immutable=1", uri=True)
    try:
        meta = dict(conn.execute("SELECT key, value FROM workspace_meta"))
        migrations = [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()
    assert meta == {"created_by": fx.R010_VERSION, "last_written_by": fx.R010_VERSION}
    assert __version__ != fx.R010_VERSION, "this test is about opening it in a later release"
    # Every migration the fixture has is one this release still knows, in the same order.
    assert migrations == list(KNOWN_MIGRATIONS[:len(migrations)])
    # Not vacuous: the constants describe every kind of the analyst's work.
    assert len(fx.R010_NOTES) >= 5 and len(fx.R010_CHECKLIST) >= 3
    assert len(fx.R010_SOURCES) >= 2 and len(fx.R010_GRADES) >= 5
    assert {i["kind"] for i in fx.R010_ITEMS} == {"event", "risk", "judgment", "figure", "actor"}


def test_it_opens_migrated_and_stamped_by_this_release(upgraded: Workspace) -> None:
    assert upgraded.integrity_ok()
    conn = upgraded._conn
    assert [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")
            ] == list(KNOWN_MIGRATIONS)
    meta = dict(conn.execute("SELECT key, value FROM workspace_meta").fetchall())
    assert meta == {"created_by": fx.R010_VERSION, "last_written_by": __version__}


def test_every_note_is_intact(upgraded: Workspace) -> None:
    notes = upgraded.notes(include_deleted=True)
    assert [n.id for n in notes] == [n["id"] for n in fx.R010_NOTES]
    for note, expected in zip(notes, fx.R010_NOTES, strict=True):
        assert _fields(note, expected) == expected
    assert [n.id for n in upgraded.trash()] == [
        n["id"] for n in fx.R010_NOTES if n["deleted_at"]]
    # The trash still works: a note from 0.1.0's trash comes back.
    upgraded.restore_note("r010-note-trashed")
    assert upgraded.note("r010-note-trashed").deleted_at == ""  # type: ignore[union-attr]


def test_every_checklist_value_is_intact(upgraded: Workspace) -> None:
    checklist = upgraded.checklist()
    assert sorted(checklist) == sorted(fx.R010_CHECKLIST)
    for risk_id, expected in fx.R010_CHECKLIST.items():
        assert _fields(checklist[risk_id], expected) == expected, risk_id


def test_every_own_source_is_intact_with_its_file_and_passages(upgraded: Workspace) -> None:
    sources = upgraded.own_sources(include_deleted=True)
    assert [s.id for s in sources] == [s["id"] for s in fx.R010_SOURCES]
    files = {fx.R010_SOURCE_ID: fx.R010_WIRE_FILE[1], fx.R010_MEMO_ID: fx.R010_MEMO_FILE[1]}
    for source, expected in zip(sources, fx.R010_SOURCES, strict=True):
        assert _fields(source, expected) == expected
        assert upgraded.own_file(source.sha256) == files[source.id]  # byte for byte
        assert [(p.seq, p.start, p.end, p.role) for p in upgraded.own_passages(source.id)
                ] == fx.R010_PASSAGES[source.id]
    assert [s.id for s in upgraded.own_sources()] == [
        s["id"] for s in fx.R010_SOURCES if not s["deleted_at"]]


def test_every_own_item_and_grade_is_intact(upgraded: Workspace) -> None:
    items = upgraded.own_items(include_deleted=True)
    assert [i.id for i in items] == [i["id"] for i in fx.R010_ITEMS]
    for item, expected in zip(items, fx.R010_ITEMS, strict=True):
        assert _fields(item, expected) == expected, item.id
    assert upgraded.grades() == fx.R010_GRADES


def test_the_briefing_reads_the_old_work(upgraded: Workspace) -> None:
    """Through the view the window and the exports use: own items join the briefing, their
    quotes are still found in their sources, the search index still finds them."""
    view = BriefingView(BriefingStore(bundled_database()), upgraded)
    for item in fx.R010_ITEMS:
        view.check_provenance(list(item["provenance"]))
    risks = {r.id: r for r in view.risks()}
    assert risks[fx.R010_RISK_ID].own and risks[fx.R010_RISK_ID].title == "Refinery site security"
    assert fx.R010_TRASHED_EVENT_ID not in {e.id for e in view.events()}
    assert ItemRef("risk", fx.R010_RISK_ID) in view.claims_on(fx.R010_SOURCE_ID)
    assert any(h.source_id == fx.R010_SOURCE_ID for h in view.search("refinery Karachi"))


def test_the_command_line_lists_every_note(upgraded: Workspace,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert upgraded.path is not None
    folder = str(upgraded.path.parent)
    upgraded.close()
    assert cli_main(["note", "list", "--json", "--workspace", folder]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(n["id"] for n in listed) == sorted(
        n["id"] for n in fx.R010_NOTES if not n["deleted_at"])
    texts = {n["id"]: n["text"] for n in listed}
    assert texts == {n["id"]: n["body"] for n in fx.R010_NOTES if not n["deleted_at"]}
    # Each note still points at what it annotates (the quoted words found where they were).
    assert all(n["anchored"] for n in listed), listed
