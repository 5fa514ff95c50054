"""Export the annotated briefing to a file: build, render, write atomically.

Used by the window (in a worker thread, with progress and cancel) and by ``briefing-app export``.
A file is written to a temporary name in the target folder and renamed into place, so an export
never leaves a half-written file; every failure becomes an ``ExportError`` with a plain message.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..store.briefing import BriefingStore
from ..store.workspace import Workspace
from .build import build_document
from .model import Document, ExportOptions

FORMATS: dict[str, str] = {"pdf": ".pdf", "html": ".html", "md": ".md", "docx": ".docx"}
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML (one file)", "md": "Markdown", "docx": "Word (DOCX)"}


class ExportError(Exception):
    """An export that could not be written; the message is for the user."""


class ExportCancelled(Exception):  # noqa: N818 (a cancellation, not an error)
    """The user cancelled the export; nothing was written."""


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


Progress = Callable[[int, str], None]


def images_folder(output: Path) -> Path:
    """Where a Markdown export's images go: beside it, named after it."""
    return output.with_name(f"{output.stem}_files")


def explain_os_error(exc: OSError, output: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"There is not enough space on the disk to write {output}."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"You do not have permission to write {output} (or its folder is read-only)."
    if exc.errno == errno.ENOENT:
        return f"The folder {output.parent} does not exist."
    if exc.errno == errno.EISDIR:
        return f"{output} is a folder; choose a file name."
    return f"{output} could not be written: {exc.strerror or exc}."


def check_output(output: Path) -> None:
    if output.is_dir():
        raise ExportError(f"{output} is a folder; choose a file name.")
    if not output.parent.is_dir():
        raise ExportError(f"The folder {output.parent} does not exist.")


def write_atomic(output: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_images(doc: Document, folder: Path) -> None:
    """Write the Markdown export's SVG charts into ``folder`` (replaced as a whole)."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        os.chmod(tmp, 0o755)
        for image in doc.images():
            # Names are ours (letters, digits, hyphens), so nothing escapes the folder.
            target = (tmp / f"{image.name}.svg").resolve()
            if target.parent != tmp.resolve():
                raise ExportError(f"refusing to write image outside {folder}")
            target.write_text(image.svg, encoding="utf-8")
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            folder.rename(old)
            tmp.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def render(doc: Document, fmt: str, output: Path) -> bytes:
    """The export's bytes (for Markdown, the text; its images are written separately)."""
    if fmt == "html":
        from .html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(doc, images_folder(output).name).encode("utf-8")
    if fmt == "docx":
        from .docx import render_docx
        from .pdf import svg_to_png

        for image in doc.images():
            if not image.png:
                image.png = svg_to_png(image.svg, image.width_px, image.height_px)
        return render_docx(doc)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(doc)
    raise ExportError(f"unknown format {fmt!r}; choose one of: " + ", ".join(FORMATS))


def export_briefing(store: BriefingStore, workspace: Workspace | None, fmt: str, output: Path,
                    options: ExportOptions | None = None, progress: Progress | None = None,
                    cancel: CancelFlag | None = None) -> Path:
    """Write the annotated briefing as ``fmt`` to ``output``; returns the path written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of: " + ", ".join(FORMATS))
    output = Path(output)
    check_output(output)
    report = progress or (lambda _p, _s: None)

    def step(percent: int, what: str) -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled()
        report(percent, what)

    doc = build_document(store, workspace, options,
                         progress=lambda p, s: step(int(p * 0.5), f"Collecting: {s}"))
    step(55, f"Rendering {FORMAT_NAMES[fmt]}")
    data = render(doc, fmt, output)
    step(90, "Writing the file")
    try:
        if fmt == "md" and doc.images():
            _write_images(doc, images_folder(output))
        write_atomic(output, data)
    except OSError as exc:
        raise ExportError(explain_os_error(exc, output)) from exc
    report(100, "Done")
    return output
