"""PDF: the text layer, read with PDFium (pypdfium2: the engine Chrome uses on every PDF from
the web, in a wheel). A scanned PDF without text is refused (there is no OCR); the page count
and the time spent are bounded, so a PDF bomb cannot hang the import.

PDFium gives the text of each line of a page with its box; lines are joined into paragraphs
where they follow at the usual line spacing in the same type size, so a passage is a paragraph
(as in the other formats), not a line of print. pypdf reads the same text in pure Python but
about ten times slower (8.5 s against 0.8 s for a 300-page report here; tests/perf).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

MAX_PAGES = 2000
MAX_SECONDS = 60
#: PDFium is not thread-safe: one document at a time in this process.
_PDFIUM = threading.Lock()

Progress = Callable[[int, int], None]


def read_pdf(data: bytes, name: str, progress: Progress | None = None
             ) -> tuple[str, str, dict[str, str]]:
    """(text, title, meta) of the PDF in ``data``. ``progress(pages_done, pages)`` is called
    after each page; it may raise to stop the reading (the exception propagates)."""
    import pypdfium2 as pdfium

    from . import SourceError

    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise SourceError(f"{name} is protected by a password; open it, save an "
                                  "unprotected copy and import that") from None
            raise SourceError(f"{name} is not a PDF that can be read ({_reason(exc)})"
                              ) from None
        try:
            count = len(doc)
            if count > MAX_PAGES:
                raise SourceError(f"{name} has {count:,} pages; a source can have at most "
                                  f"{MAX_PAGES:,}")
            started = time.monotonic()
            pages: list[str] = []
            for n in range(count):
                if time.monotonic() - started > MAX_SECONDS:
                    raise SourceError(f"{name}: reading its text took more than "
                                      f"{MAX_SECONDS} s (stopped at page {n + 1}); it may be "
                                      "damaged")
                try:
                    pages.append("\n".join(_page_paragraphs(doc, n)))
                except pdfium.PdfiumError as exc:
                    raise SourceError(f"{name}: page {n + 1} cannot be read "
                                      f"({_reason(exc)})") from None
                if progress is not None:
                    progress(n + 1, count)
            meta_raw = _metadata(doc)
        finally:
            doc.close()
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise SourceError(f"{name} has no text layer (a scanned document?); Briefing does "
                          "not read text from images: use a PDF with text")
    meta: dict[str, str] = {}
    if meta_raw.get("Author"):
        meta["author"] = meta_raw["Author"][:200]
    return text, meta_raw.get("Title", "")[:300], meta


def _reason(exc: Exception) -> str:
    return str(exc).replace("Failed to load document ", "").strip("() .") or "damaged"


def _metadata(doc: Any) -> dict[str, str]:
    try:
        return {k: str(v).strip() for k, v in doc.get_metadata_dict(skip_empty=True).items()}
    except Exception:  # the document information dictionary is optional and often odd
        return {}


def _page_paragraphs(doc: Any, index: int) -> list[str]:
    """The page's text as paragraphs, in the order of its content."""
    page = doc[index]
    textpage = page.get_textpage()
    try:
        lines: list[list[Any]] = []  # [left, bottom, right, top, text]
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
            if not text:
                continue
            if lines:  # a further run on the same line (another font, a gap)
                last = lines[-1]
                height = max(top - bottom, last[3] - last[1])
                if abs(bottom - last[1]) < 0.5 * height and left >= last[2] - 2:
                    last[2], last[3] = right, max(top, last[3])
                    last[4] += " " + text
                    continue
            lines.append([left, bottom, right, top, text])
    finally:
        textpage.close()
        page.close()
    paragraphs: list[str] = []
    previous: list[Any] | None = None
    for line in lines:
        if previous is None or _breaks(previous, line):
            paragraphs.append(line[4])
        elif paragraphs[-1].endswith("-"):  # a hyphen at the end of a line: keep it, join
            paragraphs[-1] += line[4]
        else:
            paragraphs[-1] += " " + line[4]
        previous = line
    return paragraphs


def _breaks(previous: list[Any], line: list[Any]) -> bool:
    """Does ``line`` start a new paragraph after ``previous``? Yes when it is not the next
    line down at the usual spacing (a wider gap, a new column) or its type size differs."""
    h_prev: float = previous[3] - previous[1]
    h_line: float = line[3] - line[1]
    height = max(h_prev, h_line)
    pitch: float = previous[1] - line[1]
    return pitch <= 0 or pitch > 1.6 * height or abs(h_line - h_prev) > 0.3 * height
