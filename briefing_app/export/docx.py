"""Render a briefing ``Document`` as DOCX (python-docx): real headings, tables and images.

python-docx writes text as text nodes, so a note's content can never become markup; control
characters were already made visible by ``model.visible``.
"""

from __future__ import annotations

import io
from copy import deepcopy
from typing import Any

from docx import Document as new_docx  # noqa: N813 (python-docx's factory function)
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .model import Block, Bullets, Document, Heading, Image, Note, Para, Table, ref_suffix

ACCENT = RGBColor(0x2C, 0x4A, 0x6B)
MUTED = RGBColor(0x55, 0x55, 0x55)
NOTE_BORDER = {"yellow": "C9A400", "green": "3C9B52", "blue": "3A6FB0", "pink": "C2477F",
               "orange": "D9822B"}


class _Body:
    """Appends paragraphs in constant time with styles resolved once.

    python-docx's ``add_paragraph`` finds the section properties by scanning every element of
    the body (quadratic over a long briefing) and looks a style up by name with an XPath over
    all styles each time; both cost seconds on a large export.
    """

    def __init__(self, document: Any):
        self.document = document
        self.sect_pr = document.element.body.sectPr
        self.style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None):  # type: ignore[no-untyped-def]
        from docx.text.paragraph import Paragraph

        element = OxmlElement("w:p")
        self.sect_pr.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            element.style = self.style_ids[style]
        if text:
            paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int):  # type: ignore[no-untyped-def]
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")


def _shade(paragraph, fill: str, border: str) -> None:  # type: ignore[no-untyped-def]
    """Give a paragraph a background and a left border (python-docx has no API for either)."""
    ppr = paragraph._p.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    bdr = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"),
                       ("w:color", border)):
        left.set(qn(key), value)
    bdr.append(left)
    ppr.append(bdr)
    ppr.append(shd)


def _page_number_footer(section) -> None:  # type: ignore[no-untyped-def]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run("Page ")
    run.font.size = Pt(8)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    fld.append(inner)
    footer._p.append(fld)


def _text_with_breaks(paragraph, text: str):  # type: ignore[no-untyped-def]
    lines = text.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run = paragraph.add_run(line)
    return run


def _table(body: _Body, t: Table) -> None:
    doc = body.document
    if t.caption:
        cap = body.paragraph()
        r = cap.add_run(t.caption)
        r.bold = True
        r.font.size = Pt(9)
    table = doc.add_table(rows=1, cols=len(t.header))
    table.style = "Light Grid Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, t.header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8.5)
    # One formatted row is built through python-docx, then copied for every data row with
    # only its texts changed: adding rows and cells one by one costs seconds on long tables.
    template = table.add_row()
    widths = [Cm(17.0 * w / sum(t.widths)) for w in t.widths] if t.widths else []
    for n, cell in enumerate(template.cells):
        cell.text = "-"
        cell.paragraphs[0].runs[0].font.size = Pt(8.5)
        if widths:
            cell.width = widths[n]
            table.rows[0].cells[n].width = widths[n]
    for text_element in template._tr.iter(qn("w:t")):
        text_element.set(qn("xml:space"), "preserve")
    tbl = table._tbl
    for row in t.rows:
        tr = deepcopy(template._tr)
        for text_element, text in zip(tr.iter(qn("w:t")), row, strict=True):
            text_element.text = text
        tbl.append(tr)
    tbl.remove(template._tr)
    body.paragraph()


def _block(body: _Body, b: Block) -> None:
    doc = body.document
    if isinstance(b, Heading):
        body.heading(b.text, min(max(b.level - 1, 1), 3))
    elif isinstance(b, Para):
        p = body.paragraph()
        if b.lead_in:
            p.add_run(b.lead_in + " ").bold = True
        run = p.add_run(b.text + ref_suffix(b.refs))
        if b.style == "meta":
            run.italic = True
            run.font.color.rgb = MUTED
            run.font.size = Pt(9.5)
        elif b.style == "caveat":
            _shade(p, "FFF4D6", "C99A2E")
        elif b.style == "lead":
            run.font.size = Pt(11.5)
    elif isinstance(b, Bullets):
        for item in b.items:
            body.paragraph(item.text + ref_suffix(item.refs), "List Bullet")
    elif isinstance(b, Table):
        _table(body, b)
    elif isinstance(b, Image):
        doc.add_picture(io.BytesIO(b.png), width=Cm(16.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap = body.paragraph()
        r = cap.add_run(b.caption)
        r.italic = True
        r.font.size = Pt(9)
        r.font.color.rgb = MUTED
    elif isinstance(b, Note):
        border = NOTE_BORDER.get(b.colour, "6A8CAF")
        head = body.paragraph()
        head.paragraph_format.left_indent = Cm(0.6)
        head.paragraph_format.space_after = Pt(0)
        label = f"Note on {b.target}"
        if b.tag:
            label += f" \u00b7 tag: {b.tag}"
        if b.updated:
            label += f" \u00b7 updated {b.updated[:10]}"
        r = head.add_run(label)
        r.bold = True
        r.font.size = Pt(8.5)
        r.font.color.rgb = ACCENT
        _shade(head, "EEF3F8", border)
        if b.quote:
            q = body.paragraph()
            q.paragraph_format.left_indent = Cm(0.6)
            q.paragraph_format.space_after = Pt(0)
            qr = _text_with_breaks(q, f"\u201c{b.quote}\u201d")
            qr.italic = True
            _shade(q, "EEF3F8", border)
        text = body.paragraph()
        text.paragraph_format.left_indent = Cm(0.6)
        _text_with_breaks(text, b.text)
        _shade(text, "EEF3F8", border)
    else:
        raise TypeError(f"unknown block {b!r}")


def render_docx(doc: Document) -> bytes:
    out = new_docx()
    section = out.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    _page_number_footer(section)
    normal = out.styles["Normal"]
    normal.font.name = "DejaVu Serif"
    normal.font.size = Pt(10.5)
    out.core_properties.title = doc.title
    out.core_properties.author = doc.author or ""
    out.core_properties.subject = doc.subtitle

    body = _Body(out)
    body.heading(doc.title, 0)
    if doc.subtitle:
        sub = body.paragraph()
        r = sub.add_run(doc.subtitle)
        r.font.size = Pt(13)
        r.font.color.rgb = ACCENT
    meta = body.paragraph()
    bits = ([f"Prepared by {doc.author}"] if doc.author else []) + [f"Exported {doc.date}"]
    r = meta.add_run(" \u00b7 ".join(bits))
    r.font.color.rgb = MUTED
    src = body.paragraph()
    r = src.add_run("Source documents: " + "; ".join(doc.sources))
    r.font.size = Pt(9)
    r.font.color.rgb = MUTED
    for sec in doc.sections:
        body.heading(sec.title, 1)
        for block in sec.blocks:
            _block(body, block)
    body.heading("References", 1)
    for ref in doc.references:
        p = body.paragraph()
        p.paragraph_format.left_indent = Cm(0.8)
        p.paragraph_format.first_line_indent = Cm(-0.8)
        run = p.add_run(f"[{ref.number}] {ref.text}")
        run.font.size = Pt(8.5)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
