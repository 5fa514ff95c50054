"""The analyst's own sources, items and grades: stored with their provenance, checked in words,
read back as part of the briefing, kept apart from the bundled data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.readers import read_source
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.own import OwnProvenance
from briefing_app.store.view import BriefingView
from briefing_app.store.workspace import KNOWN_MIGRATIONS, open_workspace

STORE = BriefingStore(bundled_database())
WIRE = ("Pakistan and US sign minerals refinery deal\n\n"
        "Islamabad agreed on Monday to let a US firm build a rare-earth refinery near Karachi.\n\n"
        "Officials said output would start in 2029.\n")
ASSESSMENT = OwnProvenance("assessment")


def _wire(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "wire.txt"
    path.write_text(WIRE, encoding="utf-8")
    return read_source(path)


def test_import_a_source_with_passages_and_its_file(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    read = _wire(tmp_path)
    src = ws.import_source(read, publisher="Wire service", date="2026-11-30",
                           url="https://example.org/wire")
    assert src.id.startswith("own-") and src.title == "Pakistan and US sign minerals refinery deal"
    assert [p.seq for p in ws.own_passages(src.id)] == [1, 2, 3]
    assert ws.own_file(src.sha256) == read.data
    with pytest.raises(ValueError, match="already imported"):
        ws.import_source(read)
    view = BriefingView(STORE, ws)
    mine = view.source(src.id)
    assert mine is not None and mine.own and mine.publisher == "Wire service"
    assert [s.id for s in view.sources()][-1] == src.id
    assert view.passages(src.id)[1].text.startswith("Islamabad agreed on Monday")
    hits = view.search("refinery Karachi")
    assert any(h.source_id == src.id for h in hits)


def test_an_own_risk_cites_a_passage_and_joins_the_checklist(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    src = ws.import_source(_wire(tmp_path))
    view = BriefingView(STORE, ws)
    quote = "let a US firm build a rare-earth refinery near Karachi"
    at = src.text.index(quote)
    cite = OwnProvenance("passage", src.id, at, at + len(quote), quote)
    view.check_provenance([cite])
    risk = ws.add_own_item("risk", {
        "title": "Refinery site security", "description": "A refinery near Karachi is exposed.",
        "likelihood": "3", "impact": 4, "indicators": "Attacks near Karachi\n\nThreats"}, [cite])
    view.refresh()
    risks = view.risks()
    assert risks[-1].own and risks[-1].title == "Refinery site security"
    assert (risks[-1].likelihood, risks[-1].indicators) == (3, ("Attacks near Karachi",
                                                                 "Threats"))
    assert risks[-1].seq == len(STORE.risks()) + 1
    [prov] = view.provenance(ItemRef("risk", risk.id))
    assert prov.kind == "quote" and prov.quote == quote and prov.passage_id == f"{src.id}/p2"
    assert ItemRef("risk", risk.id) in view.claims_on(src.id)
    assert view.titles([ItemRef("risk", risk.id)]) == {ItemRef("risk", risk.id):
                                                       "Refinery site security"}
    # Bundled items are untouched; a wrong quote is refused in words.
    assert STORE.risks() == risks[:-1]
    with pytest.raises(ValueError, match="not in"):
        view.check_provenance([OwnProvenance("passage", src.id, at, at + 5, "wrong")])


@pytest.mark.parametrize("kind, fields, says", [
    ("risk", {"description": "x", "likelihood": 3, "impact": 3}, "needs title"),
    ("risk", {"title": "t", "description": "x", "likelihood": 7, "impact": 3},
     "whole number from 1 to 5"),
    ("event", {"date": "last week", "title": "t", "category": "policy"}, "not a date"),
    ("event", {"date": "2026-02-30", "title": "t", "category": "policy"}, "not a valid date"),
    ("judgment", {"text": "t", "estimative": "probably", "confidence": "high", "basis": "b"},
     "must be one of"),
    ("figure", {"label": "l", "value": "lots", "unit": "t", "measures": "m"}, "a number"),
    ("actor", {"name": "n", "short": "s", "kind": "club", "description": "d"}, "one of"),
    ("event", {"date": "2026", "title": "t", "category": "policy", "colour": "red"}, "no field"),
    ("rumour", {"title": "t"}, "one of"),
])
def test_bad_items_are_refused_in_words_and_nothing_is_stored(tmp_path: Path, kind: str,
                                                              fields: dict, says: str) -> None:  # type: ignore[type-arg]
    ws, _ = open_workspace(tmp_path / "ws")
    with pytest.raises(ValueError, match=says):
        ws.add_own_item(kind, fields, [ASSESSMENT])
    assert ws.own_items() == []


@pytest.mark.parametrize("provenance, says", [
    ([], "needs provenance"),
    ([OwnProvenance("citation")], "needs at least its title"),
    ([OwnProvenance("citation", title="t", url="ftp://x")], "http"),
    ([OwnProvenance("citation", title="t", date="May")], "not a date"),
    ([OwnProvenance("passage", "own-x", 5, 5, "")], "source and the words"),
    ([OwnProvenance("hearsay")], "one of"),
])
def test_an_item_needs_real_provenance(tmp_path: Path, provenance: list, says: str) -> None:  # type: ignore[type-arg]
    ws, _ = open_workspace(tmp_path / "ws")
    with pytest.raises(ValueError, match=says):
        ws.add_own_item("event", {"date": "2026-11", "title": "t", "category": "trade"},
                        provenance)
    assert ws.own_items() == []


def test_edit_delete_restore_and_purge(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    item = ws.add_own_item("event", {"date": "2026-11-30", "title": "Deal signed",
                                     "category": "investment"},
                           [OwnProvenance("citation", title="Wire", publisher="Agency",
                                          date="2026-11-30", url="https://example.org")])
    before = ws.update_own_item(item.id, {"date": "2026-11-29", "title": "Deal signed",
                                          "category": "investment"}, [ASSESSMENT])
    assert before.fields["date"] == "2026-11-30"
    now = ws.own_item(item.id)
    assert now is not None and now.fields["date"] == "2026-11-29"
    assert now.provenance == (ASSESSMENT,)
    ws.delete_own_item(item.id)
    assert ws.own_items() == [] and ws.own_items(include_deleted=True)[0].deleted_at
    ws.restore_own_item(item.id)
    assert [i.id for i in ws.own_items()] == [item.id]
    ws.purge_own_item(item.id)
    assert ws.own_item(item.id) is None


def test_an_own_event_without_an_actor_has_the_analysts_lane(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_own_item("event", {"date": "2026-11-30", "title": "Wire: refinery deal",
                              "category": "investment"}, [ASSESSMENT])
    view = BriefingView(STORE, ws)
    event = view.events()[-1]
    assert event.own and event.lane == "own-analyst"
    assert view.actor("own-analyst") is not None  # so the timeline can draw its lane


def test_grades_on_the_admiralty_scale(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    src = STORE.sources()[0]
    assert ws.set_grade(f"source:{src.id}", "B") == ""
    assert ws.set_grade(f"source:{src.id}", "C") == "B"
    ws.set_grade("risk:investment-climate", "2")
    assert ws.grades() == {f"source:{src.id}": "C", "risk:investment-climate": "2"}
    with pytest.raises(ValueError, match="A, B, C, D, E, F"):
        ws.set_grade(f"source:{src.id}", "7")
    with pytest.raises(ValueError, match="1, 2, 3, 4, 5, 6"):
        ws.set_grade("risk:investment-climate", "A")
    ws.set_grade(f"source:{src.id}", "")
    assert f"source:{src.id}" not in ws.grades()


def test_a_source_cited_by_an_item_cannot_be_deleted(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    src = ws.import_source(_wire(tmp_path))
    quote = "Officials said output would start in 2029."
    at = src.text.index(quote)
    ws.add_own_item("figure", {"label": "Refinery output start", "value": 2029, "unit": "year",
                               "measures": "first output"},
                    [OwnProvenance("passage", src.id, at, at + len(quote), quote)])
    with pytest.raises(ValueError, match="1 of your items cite"):
        ws.delete_own_source(src.id)


def test_a_workspace_from_before_own_work_is_migrated_with_its_notes(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "old"
    folder.mkdir()
    fixtures = Path(__file__).parent / "fixtures"
    shutil.copy2(fixtures / "workspace-v1.db", folder / "workspace.db")
    ws, report = open_workspace(folder)
    assert report.messages == []
    assert ws.notes() and ws.own_items() == []
    applied = [r[0] for r in sqlite3.connect(folder / "workspace.db").execute(
        "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == list(KNOWN_MIGRATIONS)


def test_search_leaves_out_trashed_sources_and_a_fresh_import_replaces_the_trashed(
        tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    read = _wire(tmp_path)
    src = ws.import_source(read)
    view = BriefingView(STORE, ws)
    assert [h.id for h in view.search("Karachi refinery") if h.source_id == src.id] == [
        f"{src.id}/p2"]
    ws.delete_own_source(src.id)
    assert not [h for h in view.search("Karachi refinery") if h.source_id == src.id]
    again = ws.import_source(read)  # the trashed copy goes for good, with its index rows
    assert ws.own_source(src.id) is None and again.id != src.id
    rows = ws._conn.execute("SELECT count(*) FROM own_passage_search").fetchone()[0]
    assert rows == len(ws.own_passages(again.id)) == 3
    assert [h.source_id for h in view.search("Karachi refinery") if h.kind == "passage"] == [
        again.id]


def test_a_broad_query_lists_passages_in_order_and_says_so(tmp_path: Path,
                                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from briefing_app.store import search as own

    ws, _ = open_workspace(tmp_path / "ws")
    src = ws.import_source(_wire(tmp_path))
    view = BriefingView(STORE, ws)
    ranked = [h.id for h in view.search("refinery") if h.source_id == src.id]
    assert ranked and not view.search_broad
    monkeypatch.setattr(own, "RANK_AT_MOST", 1)
    text = [h.id for h in view.search("o") if h.source_id == src.id]  # matches every passage
    assert view.search_broad and text == sorted(text)
    monkeypatch.setattr(own, "RANK_AT_MOST", 2000)
    view.search("o")
    assert not view.search_broad
