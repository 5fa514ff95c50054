"""Nothing the database holds for an exported section is lost: every caveat, date note, place
note and actor record reaches every format (all of them, read back with each format's reader),
and `--sections` says which notes it left out and why."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from briefing_app.domain import ItemRef
from briefing_app.export.build import build_document, newest_fact
from briefing_app.export.model import ExportOptions
from briefing_app.export.run import export_briefing
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import open_workspace

from .conftest import run_cli
from .system import need_tool

STORE = BriefingStore(bundled_database())


def _flat(text: str) -> str:
    """Text as a reader compares it: NFKC (PDF ligatures), one space for any run of spaces,
    typographic quotes and dashes as typed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u00ad]", "", text)
    return " ".join(text.split())


def read_back(path: Path, fmt: str) -> str:
    """The export's text as its readers see it: pdftotext, python-docx (body, tables and
    comments), an HTML parser, markdown-it."""
    if fmt == "pdf":
        return subprocess.run([need_tool("pdftotext", "poppler-utils"), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    if fmt == "docx":
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                parts.extend(cell.text for cell in row.cells)
        parts.extend(c.text for c in getattr(d, "comments", []))
        return "\n".join(parts)
    if fmt == "html":
        from html.parser import HTMLParser

        chunks: list[str] = []

        class Text(HTMLParser):
            def handle_data(self, data: str) -> None:
                chunks.append(data)

        Text().feed(path.read_text(encoding="utf-8"))
        return " ".join(chunks)
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    try:
        from mdit_py_plugins.footnote import footnote_plugin

        md = md.use(footnote_plugin)
    except ImportError:  # pragma: no cover - a test dependency
        pass
    html = md.render(path.read_text(encoding="utf-8"))
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", " ", html))


def expected_texts(store: BriefingStore) -> dict[str, list[str]]:
    """What must reach an export of every section, enumerated from the database."""
    caveats = [x.caveat for kind in (store.judgments(), store.assumptions(), store.outcomes(),
                                     store.indicators(), store.figures(), store.actors(),
                                     store.regions(), store.minerals(), store.projects(),
                                     store.events(), store.eras(), store.benefits(),
                                     store.risks())
               for x in kind if x.caveat]
    if store.overview().caveat:
        caveats.append(store.overview().caveat)
    return {
        "caveat": caveats,
        "date note": [e.date_note for e in store.events() if e.date_note],
        "place note": [p.place_note for p in store.projects() if p.place_note],
        "actor": [a.description for a in store.actors()] + [a.name for a in store.actors()],
        "event summary": [e.summary for e in store.events()],
        # ICD 203's items (issue 17): each assumption with what changes if it fails, the
        # central question and each outcome, and what would change each key judgment.
        "assumption": [x for a in store.assumptions() for x in (a.text, a.basis, a.if_wrong)],
        "outcome": [store.overview().question]
        + [x for o in store.outcomes() for x in (o.title, o.text, o.basis)],
        "indicator": [i.text for i in store.indicators()],
    }


def test_the_enumeration_is_not_empty() -> None:
    found = expected_texts(STORE)
    assert len(found["caveat"]) >= 50 and len(found["date note"]) >= 5
    assert len(found["place note"]) >= 5 and len(found["actor"]) == 2 * len(STORE.actors())
    assert len(found["assumption"]) >= 9 and len(found["outcome"]) >= 7
    assert len(found["indicator"]) >= len(STORE.judgments())


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for fmt in ("pdf", "docx", "html", "md"):
        path = export_briefing(STORE, None, fmt, folder / f"all.{fmt}")
        raw = read_back(path, fmt)
        out[fmt] = _flat(raw)
        if fmt == "pdf":
            out["pdf-raw"] = _flat(_without_running_heads(raw))
    return out


def _squeeze(text: str) -> str:
    """For the PDF's text layer: pdftotext joins a word hyphenated at a line end and breaks
    lines after dashes, so compare without spaces and dashes."""
    return re.sub(r"[\s\-\u2010-\u2015]", "", text)


def _without_running_heads(text: str) -> str:
    """pdftotext puts each page's header (the marking) and footer (title, page N of M) in
    the middle of a paragraph that runs over a page break: leave them out."""
    running = {"Unclassified \u2014 open sources", STORE.overview().title}
    keep = [line for line in text.splitlines()
            if line.strip() not in running and not re.search(r"Page \d+ of \d+\s*$", line)]
    return "\n".join(keep)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "md"])
def test_every_caveat_date_note_place_note_and_actor_reaches_the_export(
        exports: dict[str, str], fmt: str) -> None:
    text = exports[fmt]
    if fmt == "pdf":
        text, norm = _squeeze(exports["pdf-raw"]), _squeeze
    else:
        norm = _flat
    missing = {what: [t for t in texts if norm(_flat(t)) not in text]
               for what, texts in expected_texts(STORE).items()}
    assert {k: v for k, v in missing.items() if v} == {}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "md"])
def test_front_matter_summary_and_annexes(exports: dict[str, str], fmt: str) -> None:
    text = exports[fmt]
    for words in ("Unclassified \u2014 open sources", "Information as of", "Summary",
                  "Key judgments", "Key assumptions", "Alternative outcomes",
                  "What would weaken judgment 1", "Scope and method", "Annex A. Dated events",
                  "Annex B. Actors", "Annex C. Sources and references", "Table 1.",
                  "Figure 1.", "almost certainly", "95\u201399%"):
        assert _flat(words) in text, words


def test_information_as_of_is_the_newest_dated_event() -> None:
    newest = max(STORE.events(), key=lambda e: e.date.iso.ljust(10, "~"))
    assert newest_fact(STORE) == newest.date.iso
    doc = build_document(STORE, None, ExportOptions(as_of="2026-01"))
    assert doc.as_of == "2026-01"


def test_sections_keep_their_notes_and_say_which_they_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    ws, _ = open_workspace(folder)
    risk, event = STORE.risks()[0], STORE.events()[0]
    ws.add_note("Kept with its risk.", target=ItemRef("risk", risk.id))
    ws.add_note("On an event, whose section is left out.", target=ItemRef("event", event.id))
    ws.close()
    out = tmp_path / "risks.md"
    result = run_cli("export", "--format", "md", "--no-charts", "--sections", "risks",
                     "--output", str(out), "--workspace", str(folder))
    assert result.returncode == 0, result.stderr
    md = out.read_text(encoding="utf-8")
    assert "Kept with its risk." in md and "On an event, whose section" not in md
    assert "left out the note on Event" in result.stderr
    assert "was not exported" in result.stderr and "Geopolitics timeline" in result.stderr
    assert "wrote " in result.stdout


def test_cli_export_sets_marking_as_of_and_reports_pages(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    result = run_cli("export", "--output", str(out), "--marking", "OFFICIAL", "--as-of",
                     "2025-12", "--author", "A. Analyst", "--organisation", "Desk X")
    assert result.returncode == 0, result.stderr
    assert re.search(r"wrote .*b\.pdf \(\d+ KB, \d+ pages\)", result.stdout)
    text = _flat(read_back(out, "pdf"))
    assert "OFFICIAL" in text and "December 2025" in text and "A. Analyst" in text
    assert "Desk X" in text
    bad = run_cli("export", "--output", str(tmp_path / "c.pdf"), "--as-of", "soon")
    assert bad.returncode == 2 and "--as-of must be a date" in bad.stderr


def test_note_add_reads_a_long_note_from_a_file_or_standard_input(tmp_path: Path) -> None:
    long = "A long note.\n" + "Line of evidence. " * 20_000  # far beyond a shell argument
    path = tmp_path / "note.txt"
    path.write_text(long, encoding="utf-8")
    added = run_cli("note", "add", "risk:investment-climate", "--file", str(path))
    assert added.returncode == 0, added.stderr
    piped = subprocess.run([sys.executable, "-m", "briefing_app", "note", "add",
                            "risk:investment-climate", "--file", "-"], input="From stdin.\n",
                           capture_output=True, text=True, env=os.environ.copy(),
                           timeout=120)
    assert piped.returncode == 0, piped.stderr
    listed = run_cli("note", "list", "--json")
    bodies = [n["text"] for n in json.loads(listed.stdout)]
    assert long in bodies and "From stdin.\n" in bodies
    both = run_cli("note", "add", "risk:investment-climate", "text", "--file", str(path))
    assert both.returncode == 2 and "not both" in both.stderr
    neither = run_cli("note", "add", "risk:investment-climate")
    assert neither.returncode == 2 and "--file" in neither.stderr


def test_a_large_notes_index_counts_notes_by_section(tmp_path: Path) -> None:
    """Beyond INDEX_LIMIT notes the index annex counts them by section (a table of one row
    per note helps no reader at thousands); at the limit it still lists each one."""
    from briefing_app.export.build import INDEX_LIMIT
    from briefing_app.export.model import Note, Table

    def index(doc):  # type: ignore[no-untyped-def]
        annex = next(s for s in doc.sections if s.id == "annex-notes")
        return annex, next(b for b in annex.blocks if isinstance(b, Table))

    items = [i.ref for i in STORE.items() if i.ref.kind in ("risk", "event")][:7]
    ws, _ = open_workspace(tmp_path / "ws")
    for i in range(INDEX_LIMIT):
        ws.add_note(f"note {i}", target=items[i % len(items)])
    _, listed = index(build_document(STORE, ws))
    assert listed.header[:2] == ["Note", "On"] and len(listed.rows) == INDEX_LIMIT

    ws.add_note("one more", target=items[0])
    doc = build_document(STORE, ws)
    annex, counted = index(doc)
    assert counted.header == ["Where", "Notes", "Numbers"]
    in_sections = {s.title: sum(isinstance(b, Note) for b in s.blocks) for s in doc.sections}
    assert sum(int(r[1].replace(",", "")) for r in counted.rows) == INDEX_LIMIT + 1
    for where, count, numbers in counted.rows:
        assert int(count.replace(",", "")) == in_sections[where] > 0
        assert numbers.startswith("N")
    assert f"{INDEX_LIMIT + 1:,} of the analyst's notes" in " ".join(
        getattr(b, "text", "") for b in annex.blocks)
    ws.close()
