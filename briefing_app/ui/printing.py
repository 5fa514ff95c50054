"""File > Print: the same briefing ``Document`` the exports write, laid out by Qt for a printer.

The PDF export is typeset by Typst (``export/typst_pdf.py``); a printer needs Qt's own paint
device, so printing draws the document through a QTextDocument here instead. The rich text
is Qt's subset of HTML, every piece of text escaped, charts as images rasterised from their SVG.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QFont, QImage, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from ..export.model import (
    Block,
    Bullets,
    Document,
    Heading,
    Image,
    Note,
    Para,
    ReferenceList,
    Table,
    ref_suffix,
)

_CSS = """
body { font-family: 'Noto Sans', 'DejaVu Sans'; font-size: 10pt; }
h1 { font-size: 17pt; color: #1f3b5a; } h2 { font-size: 13pt; color: #1f3b5a; }
h3 { font-size: 11pt; color: #1f3b5a; } h4 { font-size: 10pt; color: #1f3b5a; }
.meta { color: #555555; } .caveat { background-color: #fff4d6; }
.note { background-color: #eef3f8; } .marking { color: #8a1c1c; font-weight: bold; }
th { background-color: #1f3b5a; color: #ffffff; }
"""


SEP = " \u00b7 "


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _inline(p: Para) -> str:
    lead = f"<b>{_text(p.lead_in)}</b> " if p.lead_in else ""
    return f"{lead}{_text(p.text)}{escape(ref_suffix(p.refs))}"


def _para(p: Para) -> str:
    return f'<p class="{p.style}">{_inline(p)}</p>'


def _block(b: Block) -> str:
    if isinstance(b, Heading):
        level = min(b.level + 1, 4)
        return f"<h{level}>{_text(b.text)}</h{level}>"
    if isinstance(b, Para):
        return _para(b)
    if isinstance(b, Bullets):
        tag = "ol" if b.ordered else "ul"
        items = "".join(f"<li>{_inline(p)}</li>" for p in b.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(b, Table):
        head = "".join(f"<th>{_text(h)}</th>" for h in b.header)
        rows = "".join("<tr>" + "".join(f"<td>{_text(c)}</td>" for c in row) + "</tr>"
                       for row in b.rows)
        caption = f"<p><b>{_text(b.label)}. {_text(b.caption)}</b></p>" if b.caption else ""
        notes = "".join(_para(p) for p in b.notes)
        source = f'<p class="meta">{_text(b.source)}</p>' if b.source else ""
        return (f'{caption}<table border="1" cellspacing="0" cellpadding="3" width="100%">'
                f"<tr>{head}</tr>{rows}</table>{source}{notes}")
    if isinstance(b, Image):
        return (f'<p><img src="chart:{b.name}" width="620"></p>'
                f'<p class="meta"><b>{_text(b.label)}.</b> {_text(b.caption)}. '
                f"{_text(b.source)}</p>")
    if isinstance(b, Note):
        head = " \u00b7 ".join(x for x in (f"{b.label}: note on {b.target}", b.tag,
                                           b.updated[:10]) if x)
        quote = f"<i>\u201c{_text(b.quote)}\u201d</i><br>" if b.quote else ""
        return (f'<table class="note" width="100%" cellpadding="4"><tr><td>'
                f"<small>{_text(head)}</small><br>{quote}{_text(b.text)}</td></tr></table>")
    if isinstance(b, ReferenceList):
        return "<ol>" + "".join(f"<li>{_text(r.text)}</li>" for r in b.references) + "</ol>"
    return ""


def rich_text(doc: Document) -> str:
    parts = [f"<html><head><style>{_CSS}</style></head><body>"]
    if doc.marking:
        parts.append(f'<p class="marking">{_text(doc.marking)}</p>')
    parts.append(f"<h1>{_text(doc.title)}</h1><p>{_text(doc.subtitle)}</p>")
    who = [x for x in (doc.author and f"Prepared by {doc.author}", doc.organisation,
                       f"Exported {doc.date}", doc.as_of and f"Information as of {doc.as_of}")
           if x]
    parts.append(f'<p class="meta">{_text(SEP.join(who))}</p>')
    for section in doc.sections:
        parts.append(f"<h2>{_text(section.heading)}</h2>")
        parts.extend(_block(b) for b in section.blocks)
    parts.append("</body></html>")
    return "".join(parts)


def text_document(doc: Document) -> QTextDocument:
    """The briefing as a QTextDocument, charts attached as image resources."""
    from ..export.raster import svg_to_png

    qdoc = QTextDocument()
    qdoc.setDefaultFont(QFont("Noto Sans", 10))
    for image in doc.images():
        if not image.png:
            image.png = svg_to_png(image.svg, image.width_px, image.height_px)
        qimage = QImage.fromData(image.png, "PNG")  # type: ignore[arg-type]
        qdoc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{image.name}"),
                         qimage)
    qdoc.setHtml(rich_text(doc))
    return qdoc


def paint_pages(qdoc: QTextDocument, device: QPrinter, footer: str) -> int:
    """Lay ``qdoc`` out on ``device``'s pages with a footer line; returns the page count."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot start painting (the printer could not be opened)")
    try:
        dpi_x = device.logicalDpiX()
        dpi_y = device.logicalDpiY()
        page = device.pageLayout().paintRectPixels(device.resolution())
        footer_h = int(dpi_y * 0.35)
        body = QRectF(0, 0, page.width(), page.height() - footer_h)
        # Lay out at 96 dpi-equivalent sizes, scaled to the device, so fonts keep their size.
        scale = dpi_x / 96.0
        qdoc.setPageSize(QSizeF(body.width() / scale, body.height() / scale))
        pages = qdoc.pageCount()
        font = QFont("Noto Sans", 7)
        for n in range(pages):
            if n:
                device.newPage()
            painter.save()
            painter.scale(scale, scale)
            view = QRectF(0, n * body.height() / scale, body.width() / scale,
                          body.height() / scale)
            painter.translate(0, -view.top())
            qdoc.drawContents(painter, view)
            painter.restore()
            painter.setFont(font)
            painter.setPen(Qt.GlobalColor.darkGray)
            foot = QRectF(0, page.height() - footer_h * 0.8, page.width(), footer_h * 0.8)
            painter.drawText(foot, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             footer)
            painter.drawText(foot, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"Page {n + 1} of {pages}")
        return pages
    finally:
        painter.end()
