"""The PDF export (Typst), read back with real readers: pikepdf for the structure, poppler's
pdftotext, pdffonts and pdftoppm for what a reader and a screen reader get."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest

from briefing_app.domain import ItemRef
from briefing_app.export import typst_pdf
from briefing_app.export.build import build_document
from briefing_app.export.model import (
    Document,
    ExportOptions,
    Heading,
    Image,
    Note,
    Para,
    ReferenceList,
    Table,
)
from briefing_app.export.run import export_briefing, render
from briefing_app.paths import bundled_database, templates_dir
from briefing_app.store.anchoring import make_anchor
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import open_workspace

from .system import need_tool

TODAY = dt.date(2026, 3, 14)
OPTIONS = ExportOptions(author="Dr A. Analyst", organisation="South Asia Desk",
                        marking="Official \u2014 sensitive", as_of="2025-12")
RISK_NOTE = "Watch convoy attacks near Dalbandin.\nSecond line of the risk note."
TYPST_MARKUP = ('#set page(fill: red) #import "evil.typ": * #include "x.typ" *bold* _em_ '
                '$x^2$ <label> @ref `raw` = not a heading')
HTML = "<script>alert('x')</script> <b>bold?</b> &amp; done"
BACKSLASHES = r"C:\temp\new \\ \u{41} \# end"
CONTROLS = "nul\x00bell\x07esc\x1bdel\x7f end"
CONTROLS_SHOWN = "nul\u2400bell\u2407esc\u241bdel\u2421 end"  # model.visible()
URDU = "\u0627\u0631\u062f\u0648 \u0632\u0628\u0627\u0646 \u06c1\u06d2 \u06d2 \u06c1"
HEBREW = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"
EMOJI = "a smile \U0001F642 for the office"
CJK = "no CJK font: \u6587\u8a9e"
HOSTILE = [TYPST_MARKUP, HTML, BACKSLASHES, CONTROLS, URDU, HEBREW, EMOJI, CJK]
QUOTE = "approximately 90% of the world's rare earth minerals"
#: Bidi controls poppler puts around right-to-left runs (not part of the text).
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def squash(text: str) -> str:
    return " ".join(_BIDI.sub("", text).split())


@dataclass
class Exported:
    doc: Document
    path: Path
    pdf: bytes
    warnings: list[str]
    seconds: float
    pages: list[str]  # pdftotext, one string per page

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def _pdftotext(path: Path, *args: str) -> str:
    tool = need_tool("pdftotext", "poppler-utils")
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _export(doc: Document, path: Path) -> Exported:
    start = time.perf_counter()
    pdf, warnings = typst_pdf.compile_pdf(doc)
    seconds = time.perf_counter() - start
    path.write_bytes(pdf)
    pages = _pdftotext(path).split("\f")[:-1]  # a form feed ends every page
    return Exported(doc, path, pdf, warnings, seconds, pages)


@pytest.fixture(scope="module")
def store() -> BriefingStore:
    return BriefingStore(bundled_database())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, store: BriefingStore) -> Exported:
    """The shipped briefing with the analyst's notes (hostile ones among them), exported once."""
    folder = tmp_path_factory.mktemp("pdf")
    ws, _ = open_workspace(folder / "ws")
    risks = store.risks()
    ws.add_note(RISK_NOTE, target=ItemRef("risk", risks[0].id), tag="security",
                colour="pink", updated_at="2026-03-01T10:00:00Z")
    for i, text in enumerate(HOSTILE):
        ws.add_note(text, target=ItemRef("risk", risks[1 + i % 3].id), tag="#tag <b>")
    src = store.sources()[0]
    at = src.text.index(QUOTE)
    ws.add_note("The article gives no source for this figure.",
                anchor=make_anchor(src.id, src.text, at, at + len(QUOTE)))
    ws.set_checklist_field(risks[0].id, "likelihood", 2)
    doc = build_document(store, ws, OPTIONS, today=TODAY)
    return _export(doc, folder / "briefing.pdf")


@pytest.fixture(scope="module")
def reader(exported: Exported) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(exported.path) as pdf:
        yield pdf


def _headings(doc: Document) -> list[str]:
    """Every heading, in document order: sections and annexes, then the Heading blocks."""
    out = []
    for s in doc.sections:
        out.append(s.heading)
        out.extend(b.text for b in s.blocks if isinstance(b, Heading))
    return out


def _body_lines(page: str, exported: Exported) -> list[str]:
    """A page's lines without the running header (the marking) and footer."""
    marking, title = exported.doc.marking, exported.doc.title
    return [line.strip() for line in page.splitlines() if line.strip()
            and line.strip() not in (marking, title) and not re.fullmatch(
                r"Page \d+ of \d+", line.strip())]


# -- structure: PDF/UA ------------------------------------------------------------------------
def _struct_elements(node: object) -> Iterator[pikepdf.Dictionary]:
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _struct_elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        yield from _struct_elements(node.get("/K"))


def test_pdf_is_tagged_pdf_ua_1(exported: Exported, reader: pikepdf.Pdf) -> None:
    root = reader.Root
    assert str(root.Lang) == "en"
    assert bool(root.MarkInfo.Marked) is True
    assert "/StructTreeRoot" in root
    assert reader.open_metadata().get("pdfuaid:part") == "1"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    elements = list(_struct_elements(root.StructTreeRoot.K))
    kinds = {str(e.S) for e in elements}
    assert {"/H1", "/H2", "/P", "/Table", "/TH", "/L", "/Link", "/Figure", "/Caption"} <= kinds
    figures = [str(e.Alt) for e in elements if e.S == "/Figure"]
    assert figures == [i.alt for i in exported.doc.images()]
    assert exported.warnings == []


def test_every_heading_is_in_the_outline_in_order(exported: Exported,
                                                  reader: pikepdf.Pdf) -> None:
    def walk(item: pikepdf.Dictionary | None, depth: int) -> Iterator[tuple[int, str]]:
        while item is not None:
            yield depth, str(item.Title)
            if "/First" in item:
                yield from walk(item.First, depth + 1)
            item = item.get("/Next")

    outline = list(walk(reader.Root.Outlines.First, 0))
    assert [title for _depth, title in outline] == _headings(exported.doc)
    sections = {s.heading for s in exported.doc.sections}
    assert {title for depth, title in outline if depth == 0} == sections
    # The risks' headings (level 3 in the model) sit under their section, one level down.
    risks = exported.doc.section("risks")
    assert risks is not None
    titles = [b.text for b in risks.blocks if isinstance(b, Heading)]
    at = outline.index((0, risks.heading))
    assert outline[at + 1:at + 1 + len(titles)] == [(1, t) for t in titles]


def test_headings_and_sections_are_link_targets(exported: Exported,
                                                reader: pikepdf.Pdf) -> None:
    """Section.anchor and Heading.id name the PDF's destinations, so links can target them."""
    names = set(pikepdf.NameTree(reader.Root.Names.Dests).keys())
    wanted = {s.anchor for s in exported.doc.sections}
    wanted |= {b.id for b in exported.doc.blocks() if isinstance(b, Heading) and b.id}
    assert wanted <= names


# -- pages ------------------------------------------------------------------------------------
def test_title_page(exported: Exported) -> None:
    first = squash(exported.pages[0])
    doc = exported.doc
    assert first.index("South Asia Desk") < first.index(doc.title)  # the issuing body on top
    for expected in (doc.title, doc.subtitle, "Prepared by Dr A. Analyst",
                     "Date of export 14 March 2026",
                     "Information as of December 2025", "Handling Official \u2014 sensitive"):
        assert expected in first
    assert "Contents" not in first


def test_contents_follow_the_title_page(exported: Exported) -> None:
    contents = exported.pages[1]
    assert _body_lines(contents, exported)[0] == "Contents"
    flat = squash(contents)
    for section in exported.doc.sections:
        assert re.search(re.escape(section.heading) + r"[ .]*\u2060?\d+", flat), section.heading
    lists = squash("\n".join(_body_lines(exported.pages[2], exported)))
    assert lists.startswith("Tables") and "Figures" in lists
    for t in exported.doc.tables():
        assert f"{t.label}. {t.caption}" in lists


def test_marking_and_page_numbers_on_every_page(exported: Exported) -> None:
    n = len(exported.pages)
    assert typst_pdf.page_count(exported.pdf) == n
    for i, page in enumerate(exported.pages, start=1):
        lines = [line.strip() for line in page.splitlines()]
        assert exported.doc.marking in lines, i
        assert f"Page {i} of {n}" in lines, i


def test_page_count_reads_the_page_tree(exported: Exported, reader: pikepdf.Pdf) -> None:
    assert typst_pdf.page_count(exported.pdf) == len(reader.pages)
    with pytest.raises(ValueError):
        typst_pdf.page_count(b"not a PDF")


def test_sections_in_order_front_matter_unnumbered(exported: Exported) -> None:
    body = squash("\n".join("\n".join(_body_lines(p, exported)) for p in exported.pages[3:]))
    at = [body.index(s.heading) for s in exported.doc.sections]
    assert at == sorted(at)
    kinds = [(s.kind, s.heading) for s in exported.doc.sections]
    assert ("front", "Summary") in kinds and ("front", "Scope and method") in kinds
    assert ("annex", "Annex A. Dated events") in kinds
    assert all(re.match(r"\d+\. ", h) for k, h in kinds if k == "body")
    assert not any(re.match(r"\d", h) for k, h in kinds if k == "front")


def test_no_text_repeated_at_page_breaks(exported: Exported) -> None:
    """Each paragraph's text reads once, and no line at a page's foot comes back at the next
    page's head (a table's repeated header row aside)."""
    headers = {h for t in exported.doc.tables() for h in t.header}
    pages = [_body_lines(p, exported) for p in exported.pages]
    for i in range(len(pages) - 1):
        repeated = (set(pages[i][-3:]) & set(pages[i + 1][:3])) - headers
        assert not repeated, (i + 1, repeated)
    body = squash("\n".join("\n".join(p) for p in pages))
    paras = [squash(b.text) for b in exported.doc.blocks() if isinstance(b, Para)]
    unique = [p for p in paras if len(p) > 40 and paras.count(p) == 1 and p.isascii()]
    assert len(unique) > 100
    # (Compared without spaces and hyphens: poppler joins "copper-" / "gold" at a line's end
    # into "coppergold".)
    def solid(text: str) -> str:
        return "".join(text.replace("-", "").split())

    whole = solid(body)
    for text in unique:
        assert whole.count(solid(text)) == 1, text


def test_headings_are_kept_with_what_follows(exported: Exported) -> None:
    headings = set(_headings(exported.doc))
    for i, page in enumerate(exported.pages[3:-1], start=4):
        lines = _body_lines(page, exported)
        assert lines[-1] not in headings, (i, lines[-1])


def test_fonts_are_embedded_subsets(exported: Exported) -> None:
    tool = need_tool("pdffonts", "poppler-utils")
    out = subprocess.run([tool, str(exported.path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    fonts = [line.split() for line in out if line.strip()]
    assert fonts
    families = " ".join(f[0] for f in fonts)
    for family in ("LibertinusSerif", "NotoSans-Regular", "NotoSans-Bold",
                   "NotoNaskhArabic", "Symbola"):
        assert family in families
    for f in fonts:
        # name type... encoding emb sub uni id gen: emb and sub are the 5th and 4th from last
        assert f[-5:-3] == ["yes", "yes"], f
        assert re.fullmatch(r"[A-Z]{6}\+.+", f[0]), f  # the subset tag


def test_ligatures_are_searchable(exported: Exported) -> None:
    """Libertinus sets "fi" and "ffi" as ligatures; the text layer still reads the letters."""
    text = exported.text
    assert "briefing" in text and "office" in text and "first" in text


def test_metadata(exported: Exported, reader: pikepdf.Pdf) -> None:
    info = reader.docinfo
    doc = exported.doc
    assert str(info.Title) == doc.title
    assert str(info.Author) == "Dr A. Analyst"
    assert str(info.Subject) == doc.description
    assert str(info.Keywords) == ", ".join(doc.keywords)
    assert str(info.CreationDate).startswith("D:20260314")
    meta = reader.open_metadata()
    assert meta.get("dc:title") == doc.title


# -- blocks -----------------------------------------------------------------------------------
def test_hostile_notes_come_out_literally(exported: Exported) -> None:
    flat = squash(exported.text)
    for text in (TYPST_MARKUP, HTML, BACKSLASHES, CONTROLS_SHOWN, URDU, HEBREW, EMOJI):
        assert squash(text) in flat, text
    # No bundled font draws Chinese: its code points are printed instead (PDF/UA forbids an
    # invisible glyph), and the PDF stays PDF/UA.
    assert "no CJK font: [U+6587][U+8A9E]" in flat
    assert "#tag <b>" in flat


def test_the_template_is_never_written_with_data(tmp_path: Path, exported: Exported) -> None:
    """The compile root's template is the shipped file, byte for byte; the document is data."""
    typst_pdf.write_project(exported.doc, tmp_path)
    shipped = (templates_dir() / typst_pdf.TEMPLATE).read_bytes()
    assert (tmp_path / typst_pdf.TEMPLATE).read_bytes() == shipped
    data = json.loads((tmp_path / typst_pdf.DATA).read_text(encoding="utf-8"))
    assert data["schema"] == typst_pdf.SCHEMA
    notes = [b for s in data["sections"] for b in s["blocks"] if b["type"] == "note"]
    assert any(n["text"] == TYPST_MARKUP for n in notes)
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "heatmap.svg", "supply.svg", "timeline.svg"]
    for name in ("eval(", "read(", "raw("):
        assert name not in shipped.decode("utf-8").split("// -- look")[1], name


def test_rtl_notes_are_set_right_to_left_in_pdf_ua(tmp_path: Path, store: BriefingStore,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """An Urdu note (and an Urdu tag, in the sans head) under strict PDF/UA-1."""
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_note(f"{URDU}\n{URDU} {HEBREW} \U0001F642", target=ItemRef("risk",
                store.risks()[0].id), tag=URDU)
    doc = build_document(store, ws, ExportOptions(sections=("risks",)), today=TODAY)
    with caplog.at_level("WARNING", logger=typst_pdf.__name__):
        out = _export(doc, tmp_path / "rtl.pdf")
    assert not caplog.records  # no fallback from PDF/UA
    with pikepdf.open(out.path) as pdf:
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
    assert squash(URDU) in squash(out.text)
    data = typst_pdf._Payload(doc, typst_pdf._chart_files(doc)).build()
    note = next(b for s in data["sections"] for b in s["blocks"] if b["type"] == "note")
    assert note["rtl"] is True


def test_a_one_megabyte_note(tmp_path: Path, store: BriefingStore) -> None:
    lines = [f"line {i:06d} of the long note: office briefing {'x' * 40}" for i in range(15000)]
    body = "\n".join(lines)[:1_000_000]
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_note(body, target=ItemRef("risk", store.risks()[0].id))
    doc = build_document(store, ws, ExportOptions(sections=("risks",), include_charts=False),
                         today=TODAY)
    out = _export(doc, tmp_path / "big.pdf")
    assert out.seconds < 30, out.seconds  # about 2 s on a laptop
    text = out.text.splitlines()
    kept = body.splitlines()
    assert kept[0] in text and kept[-1] in text and kept[len(kept) // 2] in text
    assert len(out.pages) > 200


def test_tables_captions_headers_rows_and_widths(exported: Exported) -> None:
    table = next(t for t in exported.doc.tables() if t.caption == "Dated events at a glance")
    caption = f"{table.label}. {table.caption}"
    on = [i for i, p in enumerate(exported.pages) if caption in squash(p) and i > 2]
    assert len(on) == 1
    first = on[0]
    header = squash(" ".join(table.header))
    pages = [squash(p) for p in exported.pages]
    # Caption above the header row, which repeats on every page the table runs on.
    assert pages[first].index(caption) < pages[first].index(header)
    spans = [first]  # the pages the table runs on (Annex A repeats its events later)
    while any(squash(r[2]) in pages[spans[-1] + 1] for r in table.rows):
        spans.append(spans[-1] + 1)
    assert len(spans) >= 2  # the test needs a table that crosses a page
    for i in spans:
        assert header in pages[i], i
    # A row is never split: all its cells are on one page.
    for row in table.rows:
        assert any(all(squash(c) in pages[i] for c in row) for i in spans), row
    # Source line below.
    last = spans[-1]
    tail = pages[last]
    assert tail.index(squash(table.rows[-1][2])) < tail.index(squash(table.source))
    # Column widths as Table.widths: the header cells start at the widths' running sums.
    xs = _word_x(exported.path, first + 1, table.header)
    cum = [sum(table.widths[:k]) for k in range(len(table.widths))]
    for k in range(1, len(xs)):
        assert abs((xs[k] - xs[0]) / (xs[-1] - xs[0]) - cum[k] / cum[-1]) < 0.01


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[tuple[str, float, float, float, float]] = []
        self._box: tuple[float, ...] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "word":
            a = dict(attrs)
            self._box = tuple(float(a[k] or 0) for k in ("xmin", "ymin", "xmax", "ymax"))

    def handle_data(self, data: str) -> None:
        if self._box is not None:
            self.words.append((data, *self._box))  # type: ignore[arg-type]
            self._box = None


def _words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, top, x1, bottom) in points from the page's top left, as poppler sees it."""
    parser = _Words()
    parser.feed(_pdftotext(path, "-bbox", "-f", str(page), "-l", str(page)))
    return parser.words


def _word_x(path: Path, page: int, header: list[str]) -> list[float]:
    """The left edges of a table's header cells (their first words, on one line)."""
    words = _words(path, page)
    for i, (w, *_box) in enumerate(words):
        if w == header[0].split()[0]:
            top = words[i][2]
            row = [x for x in words if abs(x[2] - top) < 1]
            firsts = [next(x[1] for x in row if x[0] == h.split()[0]) for h in header]
            if firsts == sorted(firsts):
                return firsts
    raise AssertionError("header row not found")


def _pixel(path: Path, page: int, x: float, y: float) -> tuple[int, int, int]:
    """The colour poppler paints at (x, y) points from the page's top left (72 dpi: 1 px is
    1 pt), read from its PPM output."""
    tool = need_tool("pdftoppm", "poppler-utils")
    ppm = subprocess.run([tool, "-r", "72", "-f", str(page), "-l", str(page), str(path)],
                         capture_output=True, check=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+\d+\s+255\s", ppm)
    assert header is not None
    pixels = ppm[header.end():]
    at = 3 * (int(y) * int(header.group(1)) + int(x))
    return pixels[at], pixels[at + 1], pixels[at + 2]


def _find(path: Path, pages: list[str], word: str, context: str) -> tuple[int, tuple[float, ...]]:
    page = next(i for i, p in enumerate(pages, start=1) if context in squash(p))
    box = next(w[1:] for w in _words(path, page) if w[0] == word)
    return page, box


def test_caveats_and_notes_are_boxed_and_shaded(exported: Exported) -> None:
    white = (255, 255, 255)
    caveat = next(b for b in exported.doc.blocks() if isinstance(b, Para)
                  and b.style == "caveat")
    page, (x0, top, _x1, bottom) = _find(exported.path, exported.pages, "Caveat:",
                                         squash(caveat.text[9:60]))
    shade = _pixel(exported.path, page, x0 - 3, (top + bottom) / 2)
    bar = _pixel(exported.path, page, x0 - 8, (top + bottom) / 2)
    assert shade != white and sum(bar) < sum(shade)
    page, (x0, top, _x1, bottom) = _find(exported.path, exported.pages, "N1",
                                         "Watch convoy attacks near Dalbandin.")
    shade = _pixel(exported.path, page, x0 - 3, (top + bottom) / 2)
    bar = _pixel(exported.path, page, x0 - 8, (top + bottom) / 2)
    assert shade != white and sum(bar) < sum(shade)


def test_notes_show_number_target_tag_date_quote_and_line_breaks(exported: Exported) -> None:
    notes = exported.doc.notes()
    first = notes[0]
    lines = [line.strip() for line in exported.text.splitlines()]
    flat = squash(exported.text)
    head = f"N1 \u00b7 note on {first.target} \u00b7 security \u00b7 2026-03-01"
    assert head in flat
    at = lines.index("Watch convoy attacks near Dalbandin.")
    assert lines[at + 1] == "Second line of the risk note."
    quoted = next(n for n in notes if n.quote)
    assert f"\u201c{QUOTE}\u201d" in flat
    assert f"{quoted.label} \u00b7 note on {quoted.target}" in flat


def test_charts_are_vector_figures_with_captions(exported: Exported,
                                                 reader: pikepdf.Pdf) -> None:
    def images(resources: pikepdf.Dictionary) -> Iterator[str]:
        for _name, xobject in resources.get("/XObject", {}).items():
            if xobject.get("/Subtype") == "/Image":
                yield str(xobject.get("/Filter"))
            elif "/Resources" in xobject:
                yield from images(xobject.Resources)

    found = [f for page in reader.pages for f in images(page.Resources)]
    assert found == []  # no JPEG or PNG bitmap anywhere: charts are drawn
    flat = squash(exported.text)
    for image in exported.doc.images():
        caption = f"{image.label}. {squash(image.caption)}"
        assert flat.index(caption) < flat.index(squash(image.source)), caption
    # The charts' own text is text (searchable), in the bundled Noto Sans.
    assert "Geopolitics timeline: events by actor and date" in flat
    assert "Risks by likelihood and impact" in flat


def _links(reader: pikepdf.Pdf) -> Iterator[tuple[int, list[float], object]]:
    """(page, rect, destination) of every link: (page, y) inside the PDF, or a URI string."""
    numbers = {p.obj.objgen: i for i, p in enumerate(reader.pages, start=1)}
    names = pikepdf.NameTree(reader.Root.Names.Dests)
    for i, page in enumerate(reader.pages, start=1):
        for a in page.get("/Annots", []):
            rect = [float(v) for v in a.Rect]
            if "/Dest" in a:
                dest = a.Dest if isinstance(a.Dest, pikepdf.Array) else names[str(a.Dest)]
                yield i, rect, (numbers[dest[0].objgen], float(dest[3]))
            elif "/A" in a and a.A.get("/S") == "/URI":
                yield i, rect, str(a.A.URI)


def _word_in(words: list[tuple[str, float, float, float, float]], rect: list[float],
             height: float) -> str:
    """The words whose centre lies inside the link's rectangle."""
    x0, y0, x1, y1 = rect
    top, bottom = height - y1, height - y0
    return " ".join(w for w, wx0, wt, wx1, wb in words
                    if x0 <= (wx0 + wx1) / 2 <= x1 and top <= (wt + wb) / 2 <= bottom)


def test_citations_link_to_references_and_back(exported: Exported,
                                               reader: pikepdf.Pdf) -> None:
    links = list(_links(reader))
    height = float(reader.pages[0].MediaBox[3])
    refs_page = next(i for i, p in enumerate(exported.pages, start=1)
                     if "Numbered in order of first use" in p)
    # On the summary page each citation number links to the line of its reference entry.
    summary = 4
    words = _words(exported.path, summary)
    cited = {}
    for page, rect, dest in links:
        if page != summary or not isinstance(dest, tuple):
            continue
        word = _word_in(words, rect, height).strip("[],")
        if word.isdigit():
            cited[int(word)] = dest
    assert {1, 2, 3} <= set(cited)
    for n, (page, y) in cited.items():
        assert page >= refs_page
        entries = _words(exported.path, page)
        margin = min(w[1] for w in entries) + 15  # the list's numbers, not a "3." in a text
        entry = next(w for w in entries if w[0] == f"{n}." and w[1] < margin)
        assert abs((height - y) - entry[2]) < 14, n
    # Each entry links back to its first citation: reference 1 is first cited on page 4.
    back = [(page, dest) for page, rect, dest in links if page >= refs_page
            and isinstance(dest, tuple) and dest[0] < refs_page]
    paras = [p for b in exported.doc.blocks() for p in (
        [b] if isinstance(b, Para) else getattr(b, "items", []) + getattr(b, "notes", []))]
    cited = {n for p in paras for n in p.refs}
    assert len(back) == len(cited)  # (a reference cited only in a source line has none)
    assert back[0][1][0] == summary
    assert "(first cited on p. 4)" in squash(exported.pages[refs_page - 1])


def test_reference_urls_are_clickable(exported: Exported, reader: pikepdf.Pdf) -> None:
    uris = {dest for _p, _r, dest in _links(reader) if isinstance(dest, str)}
    wanted = {r.url for r in exported.doc.references if r.url}
    assert wanted and wanted <= uris
    entries = [b for b in exported.doc.blocks() if isinstance(b, ReferenceList)]
    assert entries and len(entries[0].references) == len(exported.doc.references)


# -- the export as a whole --------------------------------------------------------------------
def test_shipped_briefing_is_fast(store: BriefingStore, exported: Exported) -> None:
    doc = build_document(store, None, ExportOptions(title="Speed"), today=TODAY)
    start = time.perf_counter()
    pdf = typst_pdf.render_pdf(doc)
    seconds = time.perf_counter() - start
    assert pdf.startswith(b"%PDF-")
    assert seconds < 2.0, f"{seconds:.2f} s"
    first = squash(_pdftotext_bytes(pdf, exported.path.parent / "speed.pdf"))
    assert "Information as of 10 December 2025" in first  # a day-precise date in words


def _pdftotext_bytes(pdf: bytes, path: Path) -> str:
    path.write_bytes(pdf)
    return _pdftotext(path, "-l", "1")


def test_run_renders_pdf_with_typst_and_docx_charts_as_png(tmp_path: Path,
                                                           store: BriefingStore) -> None:
    out = export_briefing(store, None, "pdf", tmp_path / "b.pdf",
                          ExportOptions(sections=("risks",)))
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo.Creator).startswith("Typst")
    doc = build_document(store, None, ExportOptions(sections=("risks",)), today=TODAY)
    render(doc, "docx", tmp_path / "b.docx")
    assert [i.png[:8] for i in doc.images()] == [b"\x89PNG\r\n\x1a\n"]


def test_pdf_export_loads_no_qt(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from briefing_app.export.run import export_briefing\n"
            "from briefing_app.export.model import ExportOptions\n"
            "from briefing_app.paths import bundled_database\n"
            "from briefing_app.store.briefing import BriefingStore\n"
            "export_briefing(BriefingStore(bundled_database()), None, 'pdf',\n"
            f"                Path({str(tmp_path / 'q.pdf')!r}), ExportOptions(sections=()))\n"
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF-")


def test_a_minimal_document(tmp_path: Path) -> None:
    """No author, organisation, marking, keywords or charts; odd widths and short rows; a
    label used twice; a chart with an unsafe name: still a valid PDF/UA."""
    table = Table(["A", "B"], [["only one"]], widths=[1.0], caption="Odd", number=1,
                  id="dup")
    image = Image("../evil name", "alt text", "A chart", '<svg xmlns="http://www.w3.org/2000/'
                  'svg" width="100" height="50"><rect width="100" height="50"/></svg>',
                  width_px=100, height_px=50, number=1, id="dup")
    doc = Document("Plain", "", "2026-01-02", [], [], [], subtitle="", marking="",
                   keywords=[], description="")
    from briefing_app.export.model import Section

    doc.sections = [Section("one", "One", [Heading("Twice", 2, "dup"), table, image,
                                           Para("x", refs=[7]),
                                           Note("Item", "text", number=1, id="note-1")])]
    out = _export(doc, tmp_path / "min.pdf")
    with pikepdf.open(out.path) as pdf:
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        assert "/Author" not in pdf.docinfo
    assert "only one" in out.text and "[7]" in squash(out.text)
    assert typst_pdf.page_count(out.pdf) == len(out.pages)


def test_undrawable_characters_become_code_points() -> None:
    assert typst_pdf.drawable("a\u6587b\uffff") == "a[U+6587]b[U+FFFF]"
    assert typst_pdf.drawable("a\ufeffb") == "a\u2060b"
    assert typst_pdf.drawable("a\u200db\ufe0f\n\t") == "a\u200db\ufe0f\n\t"
    assert typst_pdf.drawable("\u0627\u05d0\U0001F642\u2400") == "\u0627\u05d0\U0001F642\u2400"


def test_a_reference_list_entry_per_reference(exported: Exported) -> None:
    doc = exported.doc
    data = typst_pdf._Payload(doc, typst_pdf._chart_files(doc)).build()
    entries = [e for s in data["sections"] for b in s["blocks"] if b["type"] == "references"
               for e in b["entries"]]
    assert [e["n"] for e in entries] == [r.number for r in doc.references]
    assert all(e["label"] == f"ref-{e['n']}" for e in entries)
    paras = [p for s in data["sections"] for b in s["blocks"]
             for p in ([b] if b["type"] == "para" else b.get("items", []) + b.get("notes", []))]
    cited = {r["n"] for p in paras for r in p["refs"] if r["label"]}
    assert all(e["back"] == (f"cite-{e['n']}" if e["n"] in cited else "") for e in entries)
    assert all(not e["text"].endswith(e["url"]) for e in entries if e["url"])


def _small_doc() -> Document:
    from briefing_app.export.model import Section

    return Document("Small", "", "2026-01-02", [], [Section("one", "One", [Para("text")])], [])


def test_a_pdf_typst_cannot_make_pdf_ua_is_written_tagged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Should Typst find a rule of PDF/UA the document breaks, the analyst still gets the PDF
    (tagged, without the claim), and the log says why."""
    import typst

    real = typst.compile_with_warnings

    def strict(*args: object, pdf_standards: object = (), **kwargs: object) -> object:
        if pdf_standards:
            raise typst.TypstError("PDF/UA-1 error: a rule not foreseen", "")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(typst, "compile_with_warnings", strict)
    with caplog.at_level("WARNING", logger=typst_pdf.__name__):
        pdf = typst_pdf.render_pdf(_small_doc())
    assert "a rule not foreseen" in caplog.text
    (tmp_path / "s.pdf").write_bytes(pdf)
    with pikepdf.open(tmp_path / "s.pdf") as reader:
        assert reader.open_metadata().get("pdfuaid:part") is None
        assert "/StructTreeRoot" in reader.Root


def test_a_typst_failure_is_an_export_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import typst

    from briefing_app.export.files import ExportError

    def broken(*_args: object, **_kwargs: object) -> object:
        raise typst.TypstError("layout did not converge", "")

    monkeypatch.setattr(typst, "compile_with_warnings", broken)
    with pytest.raises(ExportError, match="could not be typeset: layout did not converge"):
        typst_pdf.render_pdf(_small_doc())


def test_a_table_caption_never_ends_a_page(tmp_path: Path) -> None:
    """Whatever comes before a table, its caption goes over to the next page with it."""
    from briefing_app.export.model import Section

    moved = False
    for n in range(30, 46):  # the table starts near a page's foot somewhere in this range
        blocks: list = [Para(f"Filler paragraph {i}.") for i in range(n)]
        blocks.append(Table(["A", "B"], [[str(i), "x"] for i in range(40)], caption="Orphan",
                            number=1, source="Source: test."))
        doc = Document("T", "", "2026-01-02", [], [Section("s", "S", blocks)], [])
        out = _export(doc, tmp_path / f"o{n}.pdf")
        for page in out.pages[3:]:  # after the title page and the lists
            lines = _body_lines(page, out)
            assert lines[-1] != "Table 1. Orphan", n
            moved |= lines[0] == "Table 1. Orphan"
    assert moved  # the range reached the case where the caption had to move
