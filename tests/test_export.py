"""Exports in all four formats, read back with real readers: sections, notes in place, refs."""

from __future__ import annotations

import errno
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from briefing_app.domain import ItemRef
from briefing_app.export.model import ExportOptions, visible
from briefing_app.export.run import ExportError, export_briefing
from briefing_app.paths import bundled_database
from briefing_app.store.anchoring import make_anchor
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import Workspace, open_workspace

HOSTILE = ("<script>alert('x')</script> <b>bold?</b> **not bold** # not a heading\n"
           "    indented \\(x^2\\) $E=mc^2$ | pipe | ~~~ fence ``` `code`\n"
           "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd mixed \u4e2d\u6587 \U0001F642\n"
           "<img src=http://example.invalid/x.png> &amp; done")
RISK_NOTE = "Watch convoy attacks near Dalbandin.\nSecond line of the risk note."
EVENT_NOTE = "Cross-check this date with the MoU text."
TEXT_NOTE = "The article gives no source for this figure."


@pytest.fixture(scope="module")
def store() -> BriefingStore:
    return BriefingStore(bundled_database())


@pytest.fixture
def workspace(tmp_path: Path, store: BriefingStore) -> Workspace:
    ws, _ = open_workspace(tmp_path / "ws")
    risk = store.risks()[0]
    ws.add_note(RISK_NOTE, target=ItemRef("risk", risk.id), tag="security", colour="pink")
    ws.add_note(HOSTILE, target=ItemRef("risk", risk.id), tag="<tag>")
    event = next(e for e in store.events() if e.date.iso == "2025-09-08")
    ws.add_note(EVENT_NOTE, target=ItemRef("event", event.id))
    src = store.sources()[0]
    quote = "approximately 90% of the world's rare earth minerals"
    at = src.text.index(quote)
    ws.add_note(TEXT_NOTE, anchor=make_anchor(src.id, src.text, at, at + len(quote)))
    ws.set_checklist_field(risk.id, "likelihood", 2)
    ws.set_checklist_field(risk.id, "status", "mitigated")
    ws.set_checklist_field(risk.id, "rationale", "Convoys now escorted.")
    return ws


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def squash(text: str) -> str:
    return " ".join(text.split())


SECTION_HEADINGS = ["Summary", "Scope and method", "1. Context and key figures",
                    "2. Minerals by region", "3. Geopolitics timeline", "4. Risk checklist",
                    "5. Notes on the source documents", "Annex A. Dated events",
                    "Annex B. Actors", "Annex C. Sources and references"]


def _check_placement(text: str, store: BriefingStore) -> None:
    """Notes sit with what they annotate, sections in order, references at the end (read
    from the body: the contents at the front repeats the headings, so search past it)."""
    flat = squash(text)
    order = [flat.rindex(h) for h in SECTION_HEADINGS[2:]]
    assert order == sorted(order)
    risks = store.risks()
    risk_1 = flat.rindex(f"1. {risks[0].title}")
    risk_2 = flat.rindex(f"2. {risks[1].title}")
    assert risk_1 < flat.index("Watch convoy attacks near Dalbandin.", risk_1) < risk_2
    annex_a = flat.rindex("Annex A. Dated events")
    assert annex_a < flat.index(EVENT_NOTE, annex_a)  # with its event, in Annex A
    sources = flat.rindex("5. Notes on the source documents")
    assert sources < flat.index(TEXT_NOTE, sources) < annex_a
    refs_at = flat.rindex("Annex C. Sources and references")
    assert "profit.pakistantoday.com.pk" in flat[refs_at:]


def _read(path: Path, fmt: str) -> str:
    from .test_export_content import read_back

    return read_back(path, fmt)


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_every_format_places_notes_and_sections(tmp_path: Path, store: BriefingStore,
                                                workspace: Workspace, fmt: str) -> None:
    out = export_briefing(store, workspace, fmt, tmp_path / f"b.{fmt}")
    text = _read(out, fmt)
    if fmt == "pdf":
        import unicodedata

        text = unicodedata.normalize("NFKC", text)
    _check_placement(text, store)
    assert "Convoys now escorted." in text  # the analyst's rationale


def test_html_export_interprets_nothing(tmp_path: Path, store: BriefingStore,
                                        workspace: Workspace) -> None:
    out = export_briefing(store, workspace, "html", tmp_path / "b.html")
    html = out.read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(html)
    text = "".join(parser.chunks)
    assert "script" not in parser.tags and "img" not in parser.tags  # nothing interpreted
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert "default-src 'none'" in html
    for line in HOSTILE.splitlines():
        assert line in text  # literally, every character
    assert parser.tags.count("svg") == 3  # supply, timeline, heat map: inline vectors


def test_markdown_export_keeps_charts_beside_it(tmp_path: Path, store: BriefingStore,
                                                workspace: Workspace) -> None:
    out = export_briefing(store, workspace, "md", tmp_path / "b.md")
    md = out.read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    images = [c for t in tokens if t.type == "inline" for c in t.children or []
              if c.type == "image"]
    assert {i.attrs["src"] for i in images} == {"b_files/supply.svg", "b_files/timeline.svg",
                                               "b_files/heatmap.svg"}
    assert (tmp_path / "b_files" / "timeline.svg").read_text().startswith("<svg")
    assert "China's" in md and "China\\'s" not in md  # reads as text: no needless escapes


def test_docx_export_is_literal_and_titled(tmp_path: Path, store: BriefingStore,
                                           workspace: Workspace) -> None:
    import docx

    out = export_briefing(store, workspace, "docx", tmp_path / "b.docx")
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    for line in visible(HOSTILE).splitlines():
        assert line in text
    assert document.core_properties.title == store.overview().title
    assert len(document.inline_shapes) == 3


def test_pdf_export_metadata_and_hostile_text(tmp_path: Path, store: BriefingStore,
                                              workspace: Workspace) -> None:
    import pypdf

    out = export_briefing(store, workspace, "pdf", tmp_path / "b.pdf",
                          ExportOptions(author="A. Analyst"))
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) >= 20
    assert reader.metadata.title == store.overview().title
    assert reader.metadata.author == "A. Analyst"
    flat = squash(_read(out, "pdf"))
    assert "Page 1 of" in flat
    assert "<script>alert('x')</script> <b>bold?</b> **not bold** # not a heading" in flat


def test_options_leave_out_notes_charts_and_sections(tmp_path: Path, store: BriefingStore,
                                                     workspace: Workspace) -> None:
    options = ExportOptions(title="Desk copy", author="A. Analyst", include_notes=False,
                            include_charts=False, include_checklist=False,
                            sections=("overview", "risks"))
    out = export_briefing(store, workspace, "md", tmp_path / "c.md", options)
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Desk copy") or "\n# Desk copy" in md[:400]
    assert "Prepared by" in md and "A. Analyst" in md
    assert RISK_NOTE not in md
    assert "Geopolitics timeline" not in md and "Risk checklist" in md
    assert "mitigated" not in md and "Convoys now escorted" not in md
    assert not (tmp_path / "c_files").exists()


def test_unwritable_outputs_fail_cleanly(tmp_path: Path, store: BriefingStore,
                                         workspace: Workspace, monkeypatch) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_briefing(store, workspace, "html", tmp_path / "missing" / "b.html")
    with pytest.raises(ExportError, match="is a folder"):
        export_briefing(store, workspace, "html", tmp_path)
    import os

    def full_disk(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    target = tmp_path / "full.pdf"
    with pytest.raises(ExportError, match="not enough space"):
        export_briefing(store, workspace, "pdf", target)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_existing_file_is_replaced_whole(tmp_path: Path, store: BriefingStore,
                                         workspace: Workspace) -> None:
    target = tmp_path / "b.html"
    target.write_text("old")
    export_briefing(store, workspace, "html", target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_export_every_format(tmp_path: Path, workspace: Workspace) -> None:
    from .conftest import run_cli

    folder = workspace.path.parent  # type: ignore[union-attr]
    for fmt in ("pdf", "html", "md", "docx"):
        out = tmp_path / f"cli.{fmt}"
        result = run_cli("export", "--format", fmt, "--output", str(out), "--workspace",
                         str(folder))
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    result = run_cli("export", "--output", str(tmp_path / "x.md"), "--no-notes",
                     "--workspace", str(folder))
    assert result.returncode == 0
    assert RISK_NOTE not in (tmp_path / "x.md").read_text(encoding="utf-8")
    bad = run_cli("export", "--output", str(tmp_path / "nowhere" / "x.pdf"))
    assert bad.returncode == 1 and "does not exist" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_reference_numbers_resolve(store: BriefingStore, workspace: Workspace) -> None:
    """Every number a block cites is in the references, numbered 1..n in order of use."""
    from briefing_app.export.build import build_document
    from briefing_app.export.model import Bullets, Para

    doc = build_document(store, workspace)
    used: list[int] = []
    for block in doc.blocks():
        paras = block.items if isinstance(block, Bullets) else [block]
        for p in paras:
            if isinstance(p, Para):
                used.extend(p.refs)
    listed = [r.number for r in doc.references]
    assert listed == list(range(1, len(listed) + 1))
    assert used and set(used) <= set(listed)


def test_a_note_whose_range_moved_quotes_the_words_at_its_new_place(
        tmp_path: Path, store: BriefingStore) -> None:
    """After a rebuild moved the text, a note is placed where its quote now stands, and the
    export quotes the source's words there, in the paragraph that holds them."""
    from briefing_app.export.build import build_document

    src = store.sources()[0]
    quote = "approximately 90% of the world's rare earth minerals"
    at = src.text.index(quote)
    anchor = make_anchor(src.id, src.text, at, at + len(quote))
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_note(TEXT_NOTE, anchor=anchor._replace(start=at + 7, end=at + 7 + len(quote)))
    [note] = [n for n in build_document(store, ws).notes() if n.text == TEXT_NOTE]
    assert not note.unanchored
    assert note.quote == visible(src.text[at:at + len(quote)]) == quote
    passage = next(p for p in store.passages(src.id) if p.start <= at < p.end)
    assert note.target == f"{src.title}, paragraph {passage.seq}"
