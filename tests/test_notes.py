"""Notes: anchors survive a rebuild, lost anchors are kept apart, bundles move notes around."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_app.dataset.database import build_database
from briefing_app.domain import ItemRef, Passage
from briefing_app.export.run import export_briefing
from briefing_app.paths import bundled_database
from briefing_app.store.anchoring import (
    GRAM,
    Placement,
    _Finder,
    _place,
    _positions,
    locate,
    make_anchor,
    place_notes,
)
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.bundle import BundleError, export_bundle, import_bundle, parse_bundle
from briefing_app.store.workspace import Note, TextAnchor, open_workspace

from .conftest import run_cli

SOURCE = "sources/us-seeks-pakistan-minerals.txt"
QUOTE = "Environmental concerns surrounding mineral extraction"


def test_locate_uses_context_and_refuses_to_guess() -> None:
    text = "alpha beta gamma. alpha beta delta."
    first = make_anchor("s", text, 0, 10)  # "alpha beta" followed by " gamma"
    second = make_anchor("s", text, 18, 28)  # followed by " delta"
    moved = "INSERTED " + text
    assert locate(first, moved) == (9, 19)
    assert locate(second, moved) == (27, 37)
    blind = TextAnchor("s", 0, 10, "alpha beta", "", "")
    assert locate(blind, moved) is None  # repeated, no context: do not attach anywhere
    assert locate(first, "nothing here") is None


def test_notes_and_placements_hold_every_field(tmp_path: Path) -> None:
    """Notes and placements are made from all their fields at once (not through their
    constructors, for speed): each kind has every field, with the constructor's defaults."""
    store = BriefingStore(bundled_database())
    src = store.sources()[0]
    at = src.text.index(QUOTE)
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_note("On an item.", target=next(i.ref for i in store.items() if i.ref.kind == "risk"))
    ws.add_note("On a passage.", anchor=make_anchor(src.id, src.text, at, at + len(QUOTE)))
    ws.add_note("Gone.", anchor=TextAnchor(src.id, 0, 5, "no such words here", "", ""))
    ws.add_note("Elsewhere.", anchor=TextAnchor("no-such-source", 0, 5, "words", "", ""))
    notes = ws.notes()
    placements = place_notes(store, notes)
    assert len(placements) == 4
    for n in notes:
        assert len(n) == len(Note._fields) and n == Note(*n)
        for part in (n.target, n.anchor):
            assert part is None or part == type(part)(*part)
    for p in placements:
        assert len(p) == len(Placement._fields) and p == Placement(*p)
    item, passage, gone, elsewhere = placements
    assert item == Placement(item.note, True, item.note.target, item.item_title)
    assert passage.anchored and passage.passage_seq > 0
    assert gone == Placement(gone.note, False, source_id=src.id)
    assert elsewhere == Placement(elsewhere.note, False, source_id="no-such-source")


@settings(max_examples=300, deadline=None)
@given(st.text("ab a.\n", max_size=300), st.lists(st.text("ab a.\n", max_size=14),
                                                   max_size=12), st.integers(0, 40))
def test_quotes_found_by_index_are_found_by_search(text: str, quotes: list[str],
                                                   searched: int) -> None:
    """The index of a text's pieces finds every position of a quote a search finds (repeats,
    overlaps, quotes shorter than a piece, at the text's end), before and after it is built."""
    finder = _Finder(text)
    finder.searches = searched  # the index is built after SEARCHES_BEFORE_INDEX searches
    # Pieces of the text, and pieces of it that go on differently (found by their start only).
    for quote in [*quotes, text[-GRAM - 3:], text[:GRAM], text[1:GRAM + 1], text[:GRAM] + "#",
                  text[2:GRAM + 4] + "#"]:
        if quote:
            assert finder(quote) == _positions(text, quote), quote


def _full_context_at(text: str, anchor: TextAnchor) -> list[int]:
    """Where ``anchor``'s quote stands in ``text`` with all of its context around it."""
    q, pre, suf = anchor.quote, anchor.prefix, anchor.suffix
    return [h for h in _positions(text, q)
            if text[max(0, h - len(pre)):h] == pre and text[h + len(q):].startswith(suf)]


@settings(max_examples=500, deadline=None)
@given(st.text("ab", min_size=30, max_size=200),  # two letters: many repeats to choose from
       st.lists(st.tuples(st.integers(0, 199), st.integers(1, 12)), min_size=5, max_size=20),
       st.lists(st.tuples(st.integers(0, 200), st.text("ab", max_size=9),
                          st.integers(0, 6)), min_size=1, max_size=2))
def test_moved_notes_are_placed_where_locate_places_them(
        text: str, ranges: list[tuple[int, int]], edits: list[tuple[int, str, int]]) -> None:
    """After edits before, among or after the notes (text added or taken away, so notes
    moved by different amounts), placing a moved note by the shift of the note before it
    gives what ``locate`` gives for each alone; they differ only where ``locate`` refuses to
    choose between two places that hold the same words with the same context (the shift
    then chooses)."""
    new = text
    for cut, inserted, removed in sorted(edits, reverse=True):  # the later edit first
        cut = min(cut, len(new))
        new = new[:cut] + inserted + new[cut + removed:]
    notes = []
    for i, (start, length) in enumerate(ranges):
        start = min(start, len(text) - 1)
        anchor = make_anchor("s", text, start, min(start + length, len(text)))
        notes.append(Note(str(i), "n", None, anchor))
    passage = Passage("p", "s", 1, 0, len(new), "body", new)
    placed = _place(notes, {"s": new}, {"s": [passage]}, {"s": [0]}, {})
    for note, p in zip(notes, placed, strict=True):
        assert note.anchor is not None
        alone = locate(note.anchor, new)
        if alone is not None:
            assert p.anchored and (p.start, p.end) == alone, note.anchor
        elif p.anchored:  # a tie locate would not break: the words and context hold here
            assert len(_full_context_at(new, note.anchor)) >= 2, note.anchor
            assert p.start in _full_context_at(new, note.anchor), note.anchor


def _rebuilt_store(resources: Path, tmp: Path, change) -> BriefingStore:  # type: ignore[no-untyped-def]
    path = resources / SOURCE
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp / "rebuilt.db"
    build_database(resources, out)
    return BriefingStore(out)


def test_text_note_survives_a_rebuild_that_moves_its_passage(resources_copy: Path,
                                                            tmp_path: Path) -> None:
    store = BriefingStore(bundled_database())
    src = store.sources()[0]
    at = src.text.index(QUOTE)
    ws, _ = open_workspace(tmp_path / "ws")
    note = ws.add_note("Watch the EIA.", anchor=make_anchor(src.id, src.text, at,
                                                            at + len(QUOTE)))
    added = "An extra opening paragraph added by a later edition of the source.\n\n"
    rebuilt = _rebuilt_store(resources_copy, tmp_path,
                             lambda t: t.replace("In a significant", added + "In a significant"))
    [placement] = place_notes(rebuilt, ws.notes())
    assert placement.anchored and placement.note.id == note.id
    new_text = rebuilt.sources()[0].text
    assert new_text[placement.start:placement.end] == QUOTE
    assert placement.start == at + len(added)


def test_note_on_removed_passage_is_unanchored_not_lost(resources_copy: Path,
                                                        tmp_path: Path) -> None:
    store = BriefingStore(bundled_database())
    src = store.sources()[0]
    at = src.text.index(QUOTE)
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_note("Watch the EIA.", anchor=make_anchor(src.id, src.text, at, at + len(QUOTE)))
    ws.add_note("Ask the desk.", target=ItemRef("risk", "no-longer-a-risk"))
    # A later edition rewords the passage (and the record quoting it follows suit).
    reworded = "Environmental worries about extraction"
    risks = resources_copy / "records" / "risks.toml"
    risks.write_text(risks.read_text(encoding="utf-8").replace(QUOTE, reworded),
                     encoding="utf-8")
    rebuilt = _rebuilt_store(resources_copy, tmp_path, lambda t: t.replace(QUOTE, reworded))
    placements = place_notes(rebuilt, ws.notes())
    assert [p.anchored for p in placements] == [False, False]
    out = export_briefing(rebuilt, ws, "md", tmp_path / "u.md")
    md = out.read_text(encoding="utf-8")
    # The last annex; "Unanchored notes" also appears earlier, in the contents and index.
    head = md[:md.rindex("Unanchored notes")]
    unanchored = md[md.rindex("Unanchored notes"):]
    assert "Watch the EIA." in unanchored and QUOTE in unanchored
    assert "Watch the EIA." not in head
    assert "Ask the desk." in unanchored


def test_bundle_round_trip_gives_the_same_export(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for args in (["risk:investment-climate", "Court docket.\nSecond line.", "--tag", "legal"],
                 ["source:us-seeks-pakistan-minerals", "No source given.", "--quote",
                  "approximately 90%"],
                 ["event:" + BriefingStore(bundled_database()).events()[3].id, "Dated?"]):
        result = run_cli("note", "add", *args, "--workspace", str(a))
        assert result.returncode == 0, result.stderr
    bundle = tmp_path / "notes.json"
    assert run_cli("note", "export", str(bundle), "--workspace", str(a)).returncode == 0
    data = json.loads(bundle.read_text(encoding="utf-8"))
    assert data["format"] == "briefing-notes" and data["version"] == 2
    assert len(data["notes"]) == 3
    first = run_cli("note", "import", str(bundle), "--workspace", str(b))
    assert first.returncode == 0 and "added 3 notes; 0 already present" in first.stdout
    again = run_cli("note", "import", str(bundle), "--workspace", str(b))
    assert "added 0 notes; 3 already present" in again.stdout
    outs = []
    for ws in (a, b):
        out = tmp_path / f"{ws.name}.html"
        assert run_cli("export", "--output", str(out), "--workspace", str(ws)).returncode == 0
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    listing = run_cli("note", "list", "--workspace", str(b)).stdout
    assert "risk:investment-climate\tlegal\tCourt docket." in listing


@pytest.mark.parametrize(("bundle", "message"), [
    (b"not json", "not valid JSON"),
    (b"[]", "not a note bundle"),
    (b'{"format": "briefing-notes", "version": 9, "notes": []}', "newer than"),
    (b'{"format": "briefing-notes", "version": 1}', "no \\\"notes\\\" list"),
    (b'{"format": "briefing-notes", "version": 1, "notes": [{"id": "x"}]}', "text must be"),
])
def test_malformed_bundle_is_refused_without_writing(tmp_path: Path, bundle: bytes,
                                                     message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(bundle)
    ws = tmp_path / "ws"
    assert run_cli("note", "add", "risk:investment-climate", "keep me", "--workspace",
                   str(ws)).returncode == 0
    result = run_cli("note", "import", str(path), "--workspace", str(ws))
    assert result.returncode == 1
    assert "Nothing was changed" in result.stderr
    assert message.replace("\\", "") in result.stderr
    assert "Traceback" not in result.stderr
    assert len(open_workspace(ws)[0].notes()) == 1


def test_parse_bundle_rejects_unknown_targets(tmp_path: Path) -> None:
    store = BriefingStore(bundled_database())
    ws, _ = open_workspace(tmp_path)
    ws.add_note("x", target=ItemRef("risk", "investment-climate"))
    data = json.loads(export_bundle(ws, store))
    data["notes"][0]["target"] = "risk:atlantis"
    with pytest.raises(BundleError, match="not an item of this briefing"):
        parse_bundle(json.dumps(data).encode(), store)
    data["notes"][0]["target"] = "risk:investment-climate"
    notes = parse_bundle(json.dumps(data).encode(), store)
    other, _ = open_workspace(tmp_path / "other")
    assert import_bundle(other, notes).added == 1


def test_cli_note_errors_are_one_line(tmp_path: Path) -> None:
    for args, fragment in (
        (["note", "add", "planet:mars", "x"], "not an item reference"),
        (["note", "add", "risk:nope", "x"], "is not an item of this briefing"),
        (["note", "add", "risk:investment-climate", "   "], "needs some text"),
        (["note", "add", "source:us-seeks-pakistan-minerals", "x", "--quote", "zzz"],
         "the quote is not in"),
        (["note", "import", str(tmp_path / "missing.json")], "cannot read"),
        (["note", "export", str(tmp_path)], "is a folder"),
    ):
        result = run_cli(*args, "--workspace", str(tmp_path / "ws"))
        assert result.returncode != 0, args
        assert fragment in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
