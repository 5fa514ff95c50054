"""The export's one Qt module: PDF (and printing) through QTextDocument, and SVG charts to PNG.

QPdfWriter draws text as text, so the PDF's text is selectable and searchable. Pages are laid
out by QTextDocument and painted one by one with a footer (title and page number).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtSvg import QSvgRenderer

from .html import render_html
from .model import Document


def ensure_gui_application() -> None:
    """Qt needs a (Gui)Application for fonts; headless commands get an offscreen one."""
    if QGuiApplication.instance() is not None:
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    QGuiApplication(sys.argv[:1])


def svg_to_png(svg: str, width_px: int, height_px: int, scale: float = 1.6) -> bytes:
    """Rasterise one of our SVG charts; at 1.6x the chart is about 150 dpi on an A4 page."""
    ensure_gui_application()
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(int(width_px * scale), int(height_px * scale), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide6 wants str
    return bytes(buffer.data().data())


def text_document(doc: Document) -> QTextDocument:
    """The briefing as a QTextDocument, charts attached as image resources."""
    ensure_gui_application()
    qdoc = QTextDocument()
    qdoc.setDefaultFont(QFont("DejaVu Serif", 10))
    for image in doc.images():
        if not image.png:
            image.png = svg_to_png(image.svg, image.width_px, image.height_px)
        qimage = QImage.fromData(image.png, "PNG")  # type: ignore[arg-type]  # as above
        qdoc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{image.name}"),
                         qimage)
    qdoc.setHtml(render_html(doc, for_qt=True))
    return qdoc


def paint_pages(qdoc: QTextDocument, device: QPdfWriter | QPrinter, footer: str) -> int:
    """Lay ``qdoc`` out on ``device``'s pages with a footer line; returns the page count."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot start painting (the output could not be opened)")
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
        font = QFont("DejaVu Sans", 7)
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


def render_pdf(doc: Document) -> bytes:
    """The briefing as PDF bytes (A4, selectable text, numbered pages)."""
    qdoc = text_document(doc)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(doc.title)
    writer.setCreator("Briefing")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 16, 18, 14), QPageLayout.Unit.Millimeter))
    paint_pages(qdoc, writer, f"{doc.title} \u2014 exported {doc.date}")
    del writer
    buffer.close()
    return bytes(data.data())
