"""The DOCX export read back as Word would: python-docx for what it models, the XML (through
``docx.oxml``) for what it does not (fields, bookmarks, numbering, table and run properties)."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from briefing_app.domain import ItemRef
from briefing_app.export.build import build_document
from briefing_app.export.docx import TEXT_WIDTH, bookmark_name, render_docx
from briefing_app.export.model import (
    Bullets,
    Document,
    Heading,
    Image,
    Note,
    Para,
    Reference,
    ReferenceList,
    Section,
    Table,
    visible,
)
from briefing_app.export.raster import svg_to_png
from briefing_app.paths import bundled_database
from briefing_app.store.anchoring import make_anchor
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import open_workspace

URDU = "اردو زبان ہے ے ہ"
MIXED = "Mixed: English then اردو زبان"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120">'
       '<rect width="240" height="120" fill="#2c4a6b"/></svg>')
#: What a note may hold that must come back as the same characters, never as markup.
LITERAL = [
    "<b>bold?</b> <script>alert('x')</script> <img src=http://example.invalid/x.png>",
    '<w:p><w:r><w:t>injected</w:t></w:r></w:p> <w:fldSimple w:instr="PAGE"/>',
    "{ PAGE } { DATE \\@ \"yyyy\" } { HYPERLINK \"http://example.invalid\" }",
    "Fish & chips &amp; &lt;tags&gt; &#169; ]]> <![CDATA[x]]>",
    visible("bell\x07 escape\x1b form\x0c"),
    "emoji \U0001F642 \U0001F44D\U0001F3FD flags \U0001F1F5\U0001F1F0 "
    "zwj \U0001F469\u200d\U0001F52C",
    "tab\there  two  spaces, trailing space ",
]

# Schema order of paragraph and run properties (ECMA-376 CT_PPrBase, CT_RPr): Word refuses a
# file whose properties are out of order, LibreOffice and python-docx do not notice.
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
             "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
             "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange"]
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
             "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
             "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
             "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
             "em", "lang", "eastAsianLayout", "specVanish", "oMath"]


# -- documents -------------------------------------------------------------------------------
def small_document(as_of: str = "2025-12-10", author: str = "Jane Analyst") -> Document:
    """Every kind of block once (twice for ordered lists), with known anchors and texts."""
    png = svg_to_png(SVG, 240, 120)
    summary = Section("summary", "Summary", kind="front", blocks=[
        Heading("Bottom line", 2, "bottom-line"),
        Para("The lead paragraph.", [1, 2], "lead"),
        Para("A muted line.", style="meta"),
        Para("Caveat: a warning.", style="caveat"),
        Para("Small print.", style="small"),
        Para("the text after it.", [2], lead_in="A lead-in."),
        Bullets([Para("First judgment.", [3]), Para("Second judgment.")], ordered=True),
        Bullets([Para("A point."), Para("Another point.")]),
        Bullets([Para("Again one."), Para("Again two.")], ordered=True),
        Note("Overview: the bottom line", "A note on the summary.", number=1, id="note-1",
             about="bottom-line"),
    ])
    risks = Section("risks", "Risk checklist", number="1", blocks=[
        Heading("1. Convoys", 3, "risk-1"),
        Para("Convoys are attacked.", [1]),
        Table(["Figure", "Value", "Refs"], [["Share", "90 %", "1, 3"], ["Output", "5 t", ""]],
              [3, 1, 1], "Key figures", 3, "Sources: the references in the Refs column.",
              [Para("A table note.", style="small")], "table-3"),
        Image("chart", "A bar chart of shares", "Shares by source", SVG, png, 240, 120, 1,
              "Source: the key figures.", "figure-1"),
        Image("chart2", "A second chart", "Drawn here", SVG, b"", 240, 120, 2, "", "figure-2"),
        Note("Risk: Convoys", "Watch convoys.\nSecond line.", "convoys", "pink",
             "2025-12-10T09:00:00Z", "the quoted words", 2, "note-2", "risk-1"),
        Para("A paragraph before a stray note."),
        Note("Risk: Convoys", "A note whose anchor is gone.", number=3, id="note-3",
             about="no-such-anchor"),
        Note("Risk: Convoys", URDU, number=4, id="note-4", about="risk-1"),
        Note("Risk: Convoys", MIXED, number=5, id="note-5", about="risk-1"),
    ])
    refs = [Reference(1, "First, Publisher, 2025. https://example.org/a", "https://example.org/a"),
            Reference(2, "Second, a source passage."),
            Reference(3, "Third.", "https://example.org/c?x=1&y=2")]
    annex = Section("annex-references", "Sources and references", number="A", kind="annex",
                    blocks=[Heading("References", 2, "references"), ReferenceList(refs)])
    return Document("A test briefing", author, "2026-12-01", ["Source one"],
                    [summary, risks, annex], refs, organisation="Example Institute",
                    as_of=as_of, marking="Unclassified \u2014 open sources",
                    keywords=["minerals", "Pakistan"], description="What the briefing is about.")


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def small() -> Document:
    return small_document()


@pytest.fixture(scope="module")
def small_docx(small: Document) -> docx.document.Document:
    return read(render_docx(small))


@pytest.fixture(scope="module")
def store() -> BriefingStore:
    return BriefingStore(bundled_database())


@pytest.fixture(scope="module")
def shipped(store: BriefingStore, tmp_path_factory: pytest.TempPathFactory) -> Document:
    """The shipped briefing with an analyst's notes: hostile, right-to-left, 1 MB, on a passage."""
    ws, _ = open_workspace(tmp_path_factory.mktemp("docx") / "ws")
    risks = store.risks()
    ws.add_note("Watch convoy attacks near Dalbandin.\nSecond line.",
                target=ItemRef("risk", risks[0].id), tag="security", colour="pink")
    ws.add_note(URDU, target=ItemRef("risk", risks[1].id))
    ws.add_note(MIXED, target=ItemRef("risk", risks[1].id))
    for text in LITERAL:
        ws.add_note(text, target=ItemRef("event", store.events()[0].id), tag="<tag> & {x}")
    ws.add_note("A long note. " + "x" * 1_000_000, target=ItemRef("risk", risks[2].id))
    src = store.sources()[0]
    at = src.text.index("rare earth")
    ws.add_note("On a passage.", anchor=make_anchor(src.id, src.text, at, at + 10))
    ws.set_checklist_field(risks[0].id, "rationale", "Because of the convoys.\nAnd the roads.")
    doc = build_document(store, ws)
    ws.close()
    for image in doc.images():
        image.png = svg_to_png(image.svg, image.width_px, image.height_px)
    return doc


# -- reading helpers -------------------------------------------------------------------------
def paragraphs(document: docx.document.Document) -> list[Paragraph]:
    """Every paragraph of the body, those in table cells included, in order."""
    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


def body_text(document: docx.document.Document) -> str:
    return "\n".join(p.text for p in paragraphs(document))


def comments_text(document: docx.document.Document) -> str:
    return "\n".join(c.text for c in document.comments)


def bookmarks(document: docx.document.Document) -> dict[str, object]:
    return {b.get(qn("w:name")): b for b in document.element.body.iter(qn("w:bookmarkStart"))}


def internal_links(element: object) -> Iterator[object]:
    for h in element.iter(qn("w:hyperlink")):  # type: ignore[attr-defined]
        if h.get(qn("w:anchor")):
            yield h


def instructions(element: object) -> list[str]:
    return [i.text.strip() for i in element.iter(qn("w:instrText"))]  # type: ignore[attr-defined]


def para_with(document: docx.document.Document, text: str, style: str = "") -> Paragraph:
    return next(p for p in paragraphs(document)
                if p.text == text and (not style or p.style.name == style))


# -- title page, page furniture, contents ----------------------------------------------------
@pytest.mark.parametrize(("as_of", "words"), [("2025-12", "December 2025"),
                                               ("2025-12-10", "10 December 2025"),
                                               ("2025", "2025")])
def test_title_page_says_who_when_and_how_to_handle(as_of: str, words: str) -> None:
    document = read(render_docx(small_document(as_of)))
    first = [(p.style.name, p.text) for p in document.paragraphs[:8]]
    assert first[:2] == [("Title", "A test briefing"), ("Subtitle", "Annotated briefing")]
    details = [text for style, text in first if style == "Title Page Detail"]
    assert details == ["Prepared by\tJane Analyst", "Organisation\tExample Institute",
                       "Exported\t1 December 2026", f"Information as of\t{words}",
                       "Handling\tUnclassified \u2014 open sources"]


def test_title_page_leaves_out_an_unknown_author() -> None:
    document = read(render_docx(small_document(author="")))
    assert not any(p.text.startswith("Prepared by") for p in document.paragraphs)


def test_marking_and_page_n_of_m_on_every_page(small_docx: docx.document.Document) -> None:
    assert len(small_docx.sections) == 1  # one section: one header and footer for all pages
    section = small_docx.sections[0]
    assert not section.different_first_page_header_footer  # the title page has them too
    assert [p.text for p in section.header.paragraphs] == ["Unclassified \u2014 open sources"]
    footer = section.footer.paragraphs[0]
    assert footer.text == "\tUnclassified \u2014 open sources\tPage 1 of 1"
    assert instructions(section.footer._element) == ["PAGE", "NUMPAGES"]
    assert section.page_width.cm == pytest.approx(21.0, abs=0.01)  # A4
    assert section.page_height.cm == pytest.approx(29.7, abs=0.01)


def test_sections_and_headings_use_word_heading_styles(small: Document,
                                                       small_docx: docx.document.Document
                                                       ) -> None:
    expected = []
    for s in small.sections:
        expected.append(("Heading 1", s.heading))
        expected += [(f"Heading {b.level}", b.text) for b in s.blocks if isinstance(b, Heading)]
    found = [(p.style.name, p.text) for p in small_docx.paragraphs
             if p.style.name.startswith("Heading")]
    assert found == expected
    levels = {small_docx.styles[f"Heading {n}"].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}"
                                                             ).get(qn("w:val")) for n in (1, 2, 3)}
    assert levels == {"0", "1", "2"}  # what Word's navigation pane and the TOC field read


def test_table_of_contents_field_after_the_title_page(small_docx: docx.document.Document
                                                      ) -> None:
    body = small_docx.element.body
    codes = instructions(body)
    assert 'TOC \\o "1-3" \\h \\z \\u' in codes
    ps = paragraphs(small_docx)
    toc_at = next(i for i, p in enumerate(ps) if 'TOC \\o' in "".join(instructions(p._p)))
    assert ps[toc_at - 1].style.name == "TOC Heading" and ps[toc_at - 1].text == "Contents"
    assert ps[toc_at - 1].paragraph_format.page_break_before  # after the title page
    assert all(p.style.name in ("Title", "Subtitle", "Title Page Detail",
                                "Title Page Abstract") for p in ps[:toc_at - 1])
    assert "Update Field" in ps[toc_at].text  # the placeholder, until Word fills the field
    first_heading = next(i for i, p in enumerate(ps) if p.style.name == "Heading 1")
    assert first_heading > toc_at
    begin = ps[toc_at]._p.find(f".//{qn('w:fldChar')}")
    assert begin.get(qn("w:fldCharType")) == "begin"
    ends = [e for p in ps[toc_at:first_heading] for e in p._p.iter(qn("w:fldChar"))
            if e.get(qn("w:fldCharType")) == "end"]
    assert len(ends) == 1  # the field closes before the body begins
    update = small_docx.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


# -- bookmarks and links ---------------------------------------------------------------------
def test_bookmarks_at_every_anchor(small: Document, small_docx: docx.document.Document) -> None:
    anchors = [s.anchor for s in small.sections]
    anchors += [b.id for b in small.blocks() if isinstance(b, Heading | Table | Image | Note)]
    anchors += [r.anchor for r in small.references]
    names = bookmarks(small_docx)
    assert {bookmark_name(a) for a in anchors} <= set(names)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", n) for n in names)
    starts = list(small_docx.element.body.iter(qn("w:bookmarkStart")))
    ends = {e.get(qn("w:id")) for e in small_docx.element.body.iter(qn("w:bookmarkEnd"))}
    assert len({s.get(qn("w:id")) for s in starts}) == len(starts) and ends == {
        s.get(qn("w:id")) for s in starts}


def test_bookmark_names_are_valid_and_distinct() -> None:
    assert bookmark_name("sec-risks") == "sec_risks"
    assert bookmark_name("ref-12") == "ref_12"
    odd = ["source-" + "x" * 60, "source-" + "x" * 61, "2011", "a.b", "a_b", "ünï"]
    names = [bookmark_name(a) for a in odd]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", n) for n in names)


def test_citations_link_to_references_and_back(small_docx: docx.document.Document) -> None:
    lead = para_with(small_docx, "The lead paragraph. [1, 2]", "Lead")
    assert [h.get(qn("w:anchor")) for h in internal_links(lead._p)] == ["ref_1", "ref_2"]
    # The first citation of each reference is bookmarked, and its entry links back to it.
    marks = bookmarks(small_docx)
    assert marks["cite_1"].getparent() is lead._p and marks["cite_2"].getparent() is lead._p
    entry = next(p for p in paragraphs(small_docx) if p.text.startswith("[1]\t"))
    assert entry.style.name == "Reference"
    assert marks["ref_1"].getparent() is entry._p
    assert [h.get(qn("w:anchor")) for h in internal_links(entry._p)] == ["cite_1"]
    # Reference numbers in a table's Refs column are links too.
    cell = small_docx.tables[0].rows[1].cells[2]
    assert cell.text == "1, 3"
    assert [h.get(qn("w:anchor")) for h in internal_links(cell._tc)] == ["ref_1", "ref_3"]
    assert "cite_3" in marks  # first cited in the list, before the table
    # No link points to a bookmark that does not exist.
    targets = {h.get(qn("w:anchor")) for h in internal_links(small_docx.element.body)}
    assert targets <= set(marks)


def test_reference_urls_are_external_hyperlinks(small_docx: docx.document.Document) -> None:
    rels = small_docx.part.rels
    for number, url in ((1, "https://example.org/a"), (3, "https://example.org/c?x=1&y=2")):
        entry = next(p for p in paragraphs(small_docx) if p.text.startswith(f"[{number}]\t"))
        assert entry.text.count(url) == 1
        external = [h for h in entry._p.iter(qn("w:hyperlink")) if h.get(qn("r:id"))]
        assert len(external) == 1
        rel = rels[external[0].get(qn("r:id"))]
        assert rel.is_external and rel.target_ref == url
        run = external[0].find(qn("w:r"))
        assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "Hyperlink"
    assert small_docx.styles["Hyperlink"].font.underline


# -- lists, tables, figures, paragraph styles ------------------------------------------------
def num_id(p: Paragraph) -> str | None:
    el = p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if el is None else el.get(qn("w:val"))


def test_bullets_are_real_word_lists(small_docx: docx.document.Document) -> None:
    styles = {p.text: p.style.name for p in small_docx.paragraphs}
    assert styles["First judgment. [3]"] == styles["Again one."] == "List Number"
    assert styles["A point."] == styles["Another point."] == "List Bullet"
    first = [num_id(para_with(small_docx, t)) for t in ("First judgment. [3]",
                                                         "Second judgment.")]
    again = [num_id(para_with(small_docx, t)) for t in ("Again one.", "Again two.")]
    assert first[0] == first[1] and again[0] == again[1] and first[0] != again[0]
    numbering = small_docx.part.numbering_part.element
    for ident in (first[0], again[0]):  # each ordered list starts again at 1
        num = numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{ident}']")
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start.get(qn("w:val")) == "1"
    bullet_style = small_docx.styles["List Bullet"].element
    assert bullet_style.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None


def test_tables_repeat_their_header_and_keep_rows_whole(small_docx: docx.document.Document
                                                        ) -> None:
    table = small_docx.tables[0]
    rows = table._tbl.findall(qn("w:tr"))
    assert [r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for r in rows] == [
        True, False, False]
    assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
    assert [c.text for c in table.rows[0].cells] == ["Figure", "Value", "Refs"]
    grid = [int(g.get(qn("w:w"))) for g in table._tbl.iter(qn("w:gridCol"))]
    assert sum(grid) == TEXT_WIDTH  # relative widths, filling the text width
    assert grid[0] == pytest.approx(3 * grid[1], rel=0.02)
    assert table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
    caption = Paragraph(table._tbl.getprevious(), small_docx)
    assert (caption.style.name, caption.text) == ("Caption", "Table 3. Key figures")
    assert instructions(caption._p) == ["SEQ Table \\* ARABIC"]
    after = table._tbl.getnext()
    source, note = Paragraph(after, small_docx), Paragraph(after.getnext(), small_docx)
    assert source.text == "Sources: the references in the Refs column."
    assert (note.style.name, note.text) == ("Small Print", "A table note.")


def test_a_header_word_is_never_broken(shipped: Document) -> None:
    document = read(render_docx(shipped))
    risk = next(t for t in document.tables if t.rows[0].cells[-1].text == "Reviewed")
    grid = [int(g.get(qn("w:w"))) for g in risk._tbl.iter(qn("w:gridCol"))]
    assert sum(grid) == TEXT_WIDTH
    assert grid[-1] >= 8 * 100  # "Reviewed": eight bold letters at 8.5 pt


def test_figures_are_inline_pictures_with_alt_text(small: Document,
                                                   small_docx: docx.document.Document) -> None:
    assert len(small_docx.inline_shapes) == 2
    descr = [d.get("descr") for d in small_docx.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert descr == [im.alt for im in small.images()]
    captions = [p for p in paragraphs(small_docx) if p.text.startswith("Figure ")]
    assert [(p.style.name, p.text) for p in captions] == [
        ("Caption", "Figure 1. Shares by source"), ("Caption", "Figure 2. Drawn here")]
    assert all(instructions(p._p) == ["SEQ Figure \\* ARABIC"] for p in captions)
    # The second image had no PNG: the writer drew one from its SVG.
    blobs = [small_docx.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed]
             .blob for s in small_docx.inline_shapes]
    assert all(b.startswith(b"\x89PNG") for b in blobs)
    width = small_docx.inline_shapes[0].width
    assert width == 240 * 914400 // 96  # the chart's CSS pixels at 96 per inch


def test_paragraph_styles(small_docx: docx.document.Document) -> None:
    styles = {p.text: p.style.name for p in small_docx.paragraphs}
    assert styles["The lead paragraph. [1, 2]"] == "Lead"
    assert styles["A muted line."] == "Meta"
    assert styles["Caveat: a warning."] == "Caveat"
    assert styles["Small print."] == "Small Print"
    assert small_docx.styles["Meta"].font.color.rgb is not None
    caveat = small_docx.styles["Caveat"].element.find(qn("w:pPr"))
    assert caveat.find(qn("w:shd")).get(qn("w:fill")) and caveat.find(qn("w:pBdr")) is not None
    lead_in = para_with(small_docx, "A lead-in. the text after it. [2]")
    assert lead_in.style.name == "Normal"
    assert lead_in.runs[0].text == "A lead-in. " and lead_in.runs[0].bold
    assert not lead_in.runs[1].bold


# -- notes -----------------------------------------------------------------------------------
def test_notes_inline_as_shaded_boxes(small_docx: docx.document.Document) -> None:
    head = para_with(small_docx, "N2 \u00b7 note on Risk: Convoys \u00b7 tag: convoys \u00b7 "
                     "10 December 2025")
    assert head.style.name == "Note Heading"
    quote = Paragraph(head._p.getnext(), small_docx)
    text = Paragraph(quote._p.getnext(), small_docx)
    assert (quote.style.name, quote.text) == ("Note Quote", "\u201cthe quoted words\u201d")
    assert (text.style.name, text.text) == ("Note Text", "Watch convoys.\nSecond line.")
    assert bookmarks(small_docx)["note_2"].getparent() is head._p
    box = small_docx.styles["Note Text"].element.find(qn("w:pPr"))
    assert box.find(qn("w:shd")).get(qn("w:fill")) and int(
        box.find(qn("w:ind")).get(qn("w:left"))) > 0
    assert not list(small_docx.comments)


def test_notes_as_comments_on_what_they_annotate(small: Document) -> None:
    document = read(render_docx(small, notes_as_comments=True))
    comments = {c.text.split(" \u00b7 ")[0]: c for c in document.comments}
    assert sorted(comments) == sorted(n.label for n in small.notes())
    assert not any(p.style.name.startswith("Note ") for p in paragraphs(document))

    def anchored(label: str) -> Paragraph:
        ident = str(comments[label].comment_id)
        start = next(s for s in document.element.body.iter(qn("w:commentRangeStart"))
                     if s.get(qn("w:id")) == ident)
        end = next(e for e in document.element.body.iter(qn("w:commentRangeEnd"))
                   if e.get(qn("w:id")) == ident)
        assert start.getparent() is end.getparent()
        return Paragraph(start.getparent(), document)

    assert anchored("N1").text == "Bottom line"  # its heading (Note.about)
    assert anchored("N2").text == "1. Convoys"
    assert anchored("N4").style.name == "Heading 3"
    # No heading by that anchor: the paragraph just before the note.
    assert anchored("N3").text == "A paragraph before a stray note."
    assert comments["N2"].text == ("N2 \u00b7 note on Risk: Convoys \u00b7 tag: convoys \u00b7 "
                                   "10 December 2025\n\u201cthe quoted words\u201d\n"
                                   "Watch convoys.\nSecond line.")
    assert comments["N2"].author == "Jane Analyst" and comments["N2"].initials == "JA"
    assert "note_2" in bookmarks(document)  # the index of notes can still link to it


@pytest.mark.parametrize("as_comments", [False, True], ids=["inline", "comments"])
def test_no_note_is_ever_lost(shipped: Document, as_comments: bool) -> None:
    document = read(render_docx(shipped, notes_as_comments=as_comments))
    found = body_text(document) + "\n" + comments_text(document)
    notes = shipped.notes()
    assert len(notes) == 3 + len(LITERAL) + 2
    for note in notes:
        assert note.text in found, note.label
        if note.quote:
            assert note.quote in found
    assert len(list(document.comments)) == (len(notes) if as_comments else 0)


@pytest.mark.parametrize("as_comments", [False, True], ids=["inline", "comments"])
def test_text_is_literal(shipped: Document, as_comments: bool) -> None:
    data = render_docx(shipped, notes_as_comments=as_comments)
    document = read(data)
    found = body_text(document) + "\n" + comments_text(document)
    for text in LITERAL:
        assert text in found
    assert "A long note. " + "x" * 1_000_000 in found
    # Nothing a note says became a field, a paragraph or a picture of its own.
    assert all("injected" not in "".join(t.itertext()) for t in
               document.element.body.iter(qn("w:instrText")))
    assert "injected</w:t></w:r></w:p>" not in zipfile.ZipFile(io.BytesIO(data)).read(
        "word/document.xml").decode()
    assert len(document.inline_shapes) == len(shipped.images())


def test_characters_xml_cannot_hold_do_not_break_the_export(small: Document) -> None:
    doc = small_document()
    note = next(n for n in doc.notes() if n.number == 2)
    note.text = "before \ufffe\uffff after"
    document = read(render_docx(doc))
    assert "before \ufffd\ufffd after" in body_text(document)


def test_right_to_left_paragraphs_and_runs(small_docx: docx.document.Document) -> None:
    urdu = para_with(small_docx, URDU, "Note Text")
    assert urdu._p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
    assert all(r._r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in urdu.runs)
    mixed = para_with(small_docx, MIXED, "Note Text")
    assert mixed._p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is None  # starts in English
    marks = [(r.text, r._r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None) for r in mixed.runs]
    assert marks == [("Mixed: English then ", False), ("اردو زبان", True)]


# -- the package -----------------------------------------------------------------------------
@pytest.mark.parametrize("author", ["Jane Analyst", ""])
def test_core_properties_come_from_the_export(author: str) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = render_docx(small_document(author=author))
    after = dt.datetime.now(dt.UTC)
    props = read(data).core_properties
    assert props.title == "A test briefing"
    assert props.author == author
    assert props.subject == "What the briefing is about."
    assert props.keywords == "minerals; Pakistan"
    assert props.last_modified_by == (author or "Briefing")
    assert props.revision == 1
    for stamp in (props.created, props.modified):
        assert stamp.tzinfo is not None and before <= stamp <= after
    assert "python-docx" not in (props.comments or "")
    package = zipfile.ZipFile(io.BytesIO(data))
    names = package.namelist()
    assert "docProps/thumbnail.jpeg" not in names
    assert not any(n.startswith("customXml/") or "stylesWithEffects" in n for n in names)
    assert b"thumbnail" not in package.read("_rels/.rels")
    for name in ("docProps/core.xml", "docProps/app.xml"):
        text = package.read(name).decode()
        assert "python-docx" not in text and "2013" not in text and "Macintosh" not in text
    assert "<Application>Briefing</Application>" in package.read("docProps/app.xml").decode()
    assert "docId" not in package.read("word/settings.xml").decode()


def test_properties_are_in_schema_order(shipped: Document) -> None:
    """Word opens only files whose paragraph and run properties keep the schema's order."""
    document = read(render_docx(shipped, notes_as_comments=True))
    roots = [document.element, document.styles.element, document.sections[0].footer._element,
             document.part.part_related_by(
                 "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
             ).element]
    for root in roots:
        for tag, order in ((qn("w:pPr"), PPR_ORDER), (qn("w:rPr"), RPR_ORDER)):
            for props in root.iter(tag):
                seen = [etree_local(c.tag) for c in props]
                ranks = [order.index(name) for name in seen]
                assert ranks == sorted(ranks), seen


def etree_local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_shipped_briefing_is_fast_and_complete(shipped: Document, tmp_path: Path) -> None:
    start = time.perf_counter()
    data = render_docx(shipped)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"DOCX took {elapsed:.2f} s"
    (tmp_path / "b.docx").write_bytes(data)
    document = docx.Document(str(tmp_path / "b.docx"))
    assert len(document.tables) == len(shipped.tables())
    assert len(document.inline_shapes) == len(shipped.images())
    assert all(t._tbl.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
               for t in document.tables)
    events = next(t for t in document.tables if t.rows[0].cells[0].text == "Date")
    assert len(events.rows) == len(next(t for t in shipped.tables() if t.header[0] == "Date")
                                   .rows) + 1
    targets = {h.get(qn("w:anchor")) for h in internal_links(document.element.body)}
    assert targets <= set(bookmarks(document))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.heading for s in shipped.sections]
    entries = [p for p in paragraphs(document) if p.style.name == "Reference"]
    assert len(entries) == len(shipped.references)


def test_ragged_and_empty_tables_keep_every_cell() -> None:
    doc = small_document()
    blocks = doc.sections[1].blocks
    blocks.append(Table(["A", "B"], [["1", "2", "an extra cell"]], [1, 1], "Ragged", 8))
    blocks.append(Table([], [], [], "Empty", 9, "Source: nothing."))
    document = read(render_docx(doc))
    ragged = document.tables[-1]
    assert [c.text for c in ragged.rows[1].cells] == ["1", "2", "an extra cell"]
    assert sum(int(g.get(qn("w:w"))) for g in ragged._tbl.iter(qn("w:gridCol"))) == TEXT_WIDTH
    assert "Table 9. Empty" in body_text(document)
