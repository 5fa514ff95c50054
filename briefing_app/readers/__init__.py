"""The analyst's own files -> plain text, one reader per format (as pandoc has one per input).

``read_source(path)`` checks the file (an ordinary file, not too large, a format we read),
reads it entirely offline and returns its text with what the file says about itself (a title).
Every refusal is a ``SourceError`` with a plain message; nothing is stored here. Each reader
imports its library only when it is used, so start-up never pays for them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: The largest file the app imports (the original is kept in the workspace).
MAX_SOURCE_BYTES = 64 * 1024 * 1024
#: The most text one source may hold (a 300-page report is about 1 M characters).
MAX_SOURCE_CHARS = 8_000_000
KINDS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
         ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}


class SourceError(Exception):
    """The file cannot be imported; the message says why (nothing was stored)."""


@dataclass(frozen=True)
class ReadSource:
    text: str
    kind: str  # text, markdown, html, pdf, docx
    title: str  # from the file where it names one, else its file name
    filename: str
    data: bytes  # the original file, kept by its hash
    sha256: str
    meta: dict[str, str]  # what the file says about itself: author, date (may be empty)


def _check_file(path: Path) -> os.stat_result:
    """An ordinary file of a size we import; decided by ``lstat`` before anything opens it
    (a FIFO would block, a device never end, a link lead anywhere)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise SourceError(f"{path} does not exist") from None
    except OSError as exc:
        raise SourceError(f"{path} cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(st.st_mode):
        raise SourceError(f"{path} is a symbolic link; import the file it points to")
    if stat.S_ISDIR(st.st_mode):
        raise SourceError(f"{path} is a folder; choose a file")
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(f"{path} is not an ordinary file (a device, pipe or socket)")
    if st.st_size > MAX_SOURCE_BYTES:
        raise SourceError(f"{path} is {st.st_size / 1048576:,.0f} MB; a source can be at most "
                          f"{MAX_SOURCE_BYTES // 1048576} MB")
    if st.st_size == 0:
        raise SourceError(f"{path} is empty")
    return st


def _read_bytes(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SourceError(f"{path} cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the check
            raise SourceError(f"{path} is not an ordinary file")
        data = fh.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{path} is larger than {MAX_SOURCE_BYTES // 1048576} MB")
    return data


def read_source(path: Path, progress: Callable[[int, int], None] | None = None
                ) -> ReadSource:
    """Read ``path`` as a source: its text, title and original bytes; SourceError if not.

    ``progress(done, total)`` is called as the reading goes (pages of a PDF, the only format
    that takes long); it may raise to stop the reading, and the exception propagates."""
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{path.name}: Briefing imports .txt, .md, .html, .pdf (with a text "
                          "layer) and .docx files")
    _check_file(path)
    data = _read_bytes(path)
    if kind in ("text", "markdown"):
        from .plain import read_plain

        text, title, meta = read_plain(data, path.name)
    elif kind == "html":
        from .html import read_html

        text, title, meta = read_html(data, path.name)
    elif kind == "pdf":
        from .pdf import read_pdf

        text, title, meta = read_pdf(data, path.name, progress)
    else:
        from .docx import read_docx

        text, title, meta = read_docx(data, path.name)
    text = _clean(text)
    if not text.strip():
        raise SourceError(f"{path.name} holds no text to import")
    if len(text) > MAX_SOURCE_CHARS:
        raise SourceError(f"{path.name} holds {len(text):,} characters of text; a source can "
                          f"hold at most {MAX_SOURCE_CHARS:,}")
    return ReadSource(text, kind, (title or path.stem).strip()[:300], path.name, data,
                      hashlib.sha256(data).hexdigest(), meta)


def _clean(text: str) -> str:
    """One newline convention, no NUL or other C0 controls (tabs kept), no trailing spaces."""
    import re

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"
