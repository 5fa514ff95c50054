"""PDF: the text layer, read with pypdf (pure Python). A scanned PDF without text is refused
(there is no OCR); the page count and the time spent are bounded, so a PDF bomb cannot hang
the import."""

from __future__ import annotations

import io
import time

MAX_PAGES = 2000
MAX_SECONDS = 60


def read_pdf(data: bytes, name: str) -> tuple[str, str, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from . import SourceError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise SourceError(f"{name} is encrypted; open it, save an unencrypted copy and "
                              "import that")
        pages = reader.pages
        count = len(pages)
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise SourceError(f"{name} is not a PDF that can be read ({exc})") from None
    if count > MAX_PAGES:
        raise SourceError(f"{name} has {count:,} pages; a source can have at most "
                          f"{MAX_PAGES:,}")
    started = time.monotonic()
    texts = []
    for n, page in enumerate(pages, start=1):
        if time.monotonic() - started > MAX_SECONDS:
            raise SourceError(f"{name}: reading its text took more than {MAX_SECONDS} s "
                              f"(stopped at page {n}); it may be damaged")
        try:
            texts.append(page.extract_text() or "")
        except Exception as exc:  # a damaged page: pypdf raises many kinds
            raise SourceError(f"{name}: page {n} cannot be read ({type(exc).__name__})"
                              ) from None
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not text.strip():
        raise SourceError(f"{name} has no text layer (a scanned document?); Briefing does "
                          "not read text from images: use a PDF with text")
    meta: dict[str, str] = {}
    title = ""
    try:
        info = reader.metadata
        if info is not None:
            title = str(info.title or "")[:300]
            if info.author:
                meta["author"] = str(info.author)[:200]
    except Exception:  # the document information dictionary is optional and often odd
        pass
    return text, title, meta
