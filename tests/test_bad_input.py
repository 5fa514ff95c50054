"""Bad input is refused safely: hostile notes, bundles and queries (property-based), paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_app.domain import ItemRef
from briefing_app.export.files import write_images
from briefing_app.export.model import Image, visible
from briefing_app.export.run import ExportError, export_briefing
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore, fts_query
from briefing_app.store.bundle import BundleError, export_bundle, import_bundle, parse_bundle
from briefing_app.store.workspace import open_workspace

STORE = BriefingStore(bundled_database())
NASTY = [
    "<script>alert(1)</script><style>*{display:none}</style>",
    "**bold** _em_ # h1\n> quote\n- item\n1. item\n```\ncode\n```\n<!-- c -->",
    "\\documentclass{article} $\\frac{a}{b}$ \\\\ & % ~ ^ { }",
    "NUL\x00 BEL\x07 ESC\x1b DEL\x7f VT\x0b FF\x0c",
    "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd with LTR \u202e reversed \u202c",
    "emoji \U0001F642\U0001F1F5\U0001F1F0 zwj \U0001F469\u200d\U0001F4BB",
    "x" * (1024 * 1024),
]


@pytest.mark.parametrize("body", NASTY, ids=["html", "markdown", "latex", "controls", "rtl",
                                             "emoji", "1mb"])
def test_note_text_is_stored_exactly_and_exported_literally(tmp_path: Path, body: str) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    note = ws.add_note(body, target=ItemRef("risk", "investment-climate"))
    again, _ = open_workspace(tmp_path / "ws")
    assert again.note(note.id).body == body  # type: ignore[union-attr]
    shown = visible(body)
    assert "\x00" not in shown and "\x1b" not in shown
    out = export_briefing(STORE, again, "html", tmp_path / "n.html")
    from html import unescape
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<style>*" not in html
    assert shown in unescape(html)
    md = export_briefing(STORE, again, "md", tmp_path / "n.md").read_text(encoding="utf-8")
    from markdown_it import MarkdownIt
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script>alert" not in rendered and "<style>*" not in rendered  # never markup
    text = unescape(re.sub(r"<[^>]+>", "", rendered))
    assert all(line.strip() in text for line in shown.splitlines() if line.strip())
    if len(body) < 10_000:  # the 1 MB note is covered by HTML and Markdown above
        import docx
        d = export_briefing(STORE, again, "docx", tmp_path / "n.docx")
        text = "\n".join(p.text for p in docx.Document(str(d)).paragraphs)
        assert shown in text


# -- bundles (property-based) ------------------------------------------------------------------
def _valid_bundle() -> dict:
    return {"format": "briefing-notes", "version": 1, "exported_at": "2026-01-01T00:00:00Z",
            "briefing": {"content_hash": "x"},
            "notes": [{"id": "n1", "target": "risk:investment-climate", "anchor": None,
                       "text": "hello", "tag": "", "colour": "", "created_at":
                       "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}]}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                      children, max_size=4),
    max_leaves=20)


def _mutations() -> st.SearchStrategy[bytes]:
    base = json.dumps(_valid_bundle()).encode()
    truncated = st.integers(0, len(base) - 1).map(lambda n: base[:n])
    random_bytes = st.binary(max_size=300)
    wrong_field = st.tuples(st.sampled_from(["id", "target", "anchor", "text", "tag", "colour",
                                             "created_at", "updated_at"]), json_values).map(
        lambda kv: json.dumps({**_valid_bundle(), "notes": [
            {**_valid_bundle()["notes"][0], kv[0]: kv[1]}]}).encode())
    hostile_target = st.text(max_size=60).map(lambda t: json.dumps({**_valid_bundle(), "notes": [
        {**_valid_bundle()["notes"][0], "target": t}]}).encode())
    top_level = st.dictionaries(st.text(max_size=12), json_values, max_size=6).map(
        lambda d: json.dumps(d).encode())
    deep = st.integers(200, 5000).map(lambda n: b"[" * n + b"]" * n)
    duplicate = st.just(json.dumps({**_valid_bundle(), "notes": _valid_bundle()["notes"] * 2})
                        .encode())
    huge = st.just(json.dumps({**_valid_bundle(), "notes": [
        {**_valid_bundle()["notes"][0], "text": "x" * 2_000_001}]}).encode())
    return (truncated | random_bytes | wrong_field | hostile_target | top_level | deep
            | duplicate | huge)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=_mutations())
def test_any_bad_bundle_is_refused_and_changes_nothing(tmp_path: Path, data: bytes) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    before = [n.id for n in ws.notes(include_deleted=True)]
    try:
        notes = parse_bundle(data, STORE)
    except BundleError as exc:
        assert str(exc)  # a message for the user
        assert [n.id for n in ws.notes(include_deleted=True)] == before
        return
    # The mutation happened to leave a valid bundle: importing it is then fine.
    report = import_bundle(ws, notes)
    # The same folder serves every example: an earlier one may have left a different n1.
    assert report.total == len(notes)


def test_valid_bundle_still_imports() -> None:
    notes = parse_bundle(json.dumps(_valid_bundle()).encode(), STORE)
    assert [n.id for n in notes] == ["n1"]


def test_exported_bundle_parses(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path)
    for body in NASTY[:6]:
        ws.add_note(body, target=ItemRef("mineral", "copper"), tag="t")
    parsed = parse_bundle(export_bundle(ws, STORE).encode(), STORE)
    assert [n.body for n in parsed] == NASTY[:6]


# -- search (property-based) -------------------------------------------------------------------
@settings(max_examples=500, deadline=None)
@given(query=st.text(max_size=80))
def test_search_never_raises(query: str) -> None:
    hits = STORE.search(query)
    assert isinstance(hits, list)
    assert isinstance(fts_query(query), str)


@pytest.mark.parametrize("query", ['"', "AND", "OR", "NOT", "*", "(", ")", "NEAR(", "a:b",
                                   "^", "-x", "\x00", "'", '"""', "copper AND"])
def test_fts_syntax_is_never_passed_through(query: str) -> None:
    STORE.search(query)


# -- paths -------------------------------------------------------------------------------------
def test_export_images_never_escape_the_chosen_folder(tmp_path: Path) -> None:
    doc = type("D", (), {"images": lambda self: [Image("../escaped", "a", "c", "<svg/>")]})()
    folder = tmp_path / "out" / "b_files"
    folder.parent.mkdir()
    with pytest.raises(ExportError, match="outside"):
        write_images(doc, folder)  # type: ignore[arg-type]
    assert not (tmp_path / "out" / "escaped.svg").exists()
    assert list(folder.parent.iterdir()) == []


def test_a_last_one_letter_word_waits_for_its_second_letter() -> None:
    """"rare e" searches "rare" (a one-letter prefix matches nearly everything); a query of
    one letter alone, or a one-letter word before others, is kept."""
    assert fts_query("rare e") == fts_query("rare") == '"rare"*'
    assert fts_query("rare ea") == '"rare"* "ea"*'
    assert fts_query("e") == '"e"*'
    assert fts_query("a rare") == '"a"* "rare"*'
