"""Export the annotated briefing: build the document, render it in a format, write it.

Used by the window (in a worker thread, with progress and cancel) and by ``briefing-app export``.
How files are written (atomically, never over what the export did not make, with the user's
permissions) is ``files.py``; every failure becomes an ``ExportError`` with a plain message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from ..store.briefing import BriefingStore
from ..store.workspace import Workspace, bulk_objects
from .build import build_document
from .files import (
    MARKER,
    ExportError,
    PendingFile,
    check_output,
    explain_os_error,
    images_folder,
    write_atomic,
    write_images,
)
from .model import Document, ExportOptions

__all__ = ["FORMATS", "FORMAT_NAMES", "MARKER", "ExportCancelled", "ExportError",
           "check_output", "explain_os_error", "export_briefing", "export_bytes",
           "images_folder", "write_atomic"]

FORMATS: dict[str, str] = {"pdf": ".pdf", "html": ".html", "md": ".md", "docx": ".docx"}
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML (one file)", "md": "Markdown", "docx": "Word (DOCX)"}
_KIND = {"pdf": "PDF", "html": "HTML", "md": "Markdown", "docx": "Word (DOCX)"}


class ExportCancelled(Exception):  # noqa: N818 (a cancellation, not an error)
    """The user cancelled the export; nothing was written."""


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


Progress = Callable[[int, str], None]


def _check_suffix(fmt: str, output: Path) -> None:
    """Refuse a name whose extension says another format (``--format md -o x.pdf`` would write
    Markdown that every program then fails to open as a PDF); other names stay allowed."""
    named = next((f for f, ext in FORMATS.items() if output.suffix.lower() == ext), None)
    if named is not None and named != fmt:
        raise ExportError(
            f"{output.name} ends in {output.suffix}, which is for {_KIND[named]} files, but the "
            f"format chosen is {_KIND[fmt]}: name the file {output.stem}{FORMATS[fmt]} or "
            f"choose {_KIND[named]}.")


# -- export -----------------------------------------------------------------------------------
#: Text is encoded and written about this many characters at a time.
BATCH_CHARS = 1 << 20


def render(doc: Document, fmt: str, output: Path,
           options: ExportOptions | None = None) -> bytes:
    """The export's bytes (for Markdown, the text; its images are written separately)."""
    if fmt == "md":
        return b"".join(render_pieces(doc, fmt, output, options))
    opts = options or ExportOptions()
    if fmt == "html":
        from .html import render_html

        with bulk_objects():  # strings and lists, a few per note: nothing to collect
            return render_html(doc).encode("utf-8")
    if fmt == "docx":
        from .docx import render_docx
        from .raster import svg_to_png

        for image in doc.images():  # Word shows bitmaps: the same SVG, drawn by Typst
            if not image.png:
                image.png = svg_to_png(image.svg, image.width_px, image.height_px)
        return render_docx(doc, notes_as_comments=opts.notes_as_comments)
    if fmt == "pdf":
        from .typst_pdf import render_pdf

        return render_pdf(doc)
    raise ExportError(f"unknown format {fmt!r}; choose one of: " + ", ".join(FORMATS))


def render_pieces(doc: Document, fmt: str, output: Path, options: ExportOptions | None = None,
                  check: Callable[[], None] | None = None) -> Iterator[bytes]:
    """``render``'s bytes in pieces, made as they are written: Markdown about a megabyte at a
    time, so a document of 100,000 notes is never whole in memory as text (``check`` runs
    between pieces and may raise to stop); the other formats in one piece."""
    if fmt != "md":
        yield render(doc, fmt, output, options)
        return
    from .markdown import markdown_pieces

    with bulk_objects():  # strings, a few per note: nothing to collect
        batch: list[str] = []
        size = 0
        for piece in markdown_pieces(doc, images_folder(output).name):
            batch.append(piece)
            size += len(piece)
            if size >= BATCH_CHARS:
                if check is not None:
                    check()
                yield "".join(batch).encode("utf-8")
                batch, size = [], 0
        yield "".join(batch).encode("utf-8")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of: " + ", ".join(FORMATS))


def _build(store: BriefingStore, workspace: Workspace | None, options: ExportOptions | None,
           progress: Progress | None, cancel: CancelFlag | None) -> tuple[Document, Progress]:
    """The document, and the progress step (which raises ``ExportCancelled`` on a cancel)."""
    report = progress or (lambda _p, _s: None)

    def step(percent: int, what: str) -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled()
        report(percent, what)

    with bulk_objects():  # a document of 100,000 notes is 100,000 small acyclic objects
        doc = build_document(store, workspace, options,
                             progress=lambda p, s: step(int(p * 0.5), f"Collecting: {s}"))
    return doc, step


def _report(doc: Document, report: list[str] | None) -> None:
    if report is not None:
        report.extend(f"left out the note on {x.label}: {x.reason}" for x in doc.left_out)


def export_bytes(store: BriefingStore, workspace: Workspace | None, fmt: str,
                 options: ExportOptions | None = None, progress: Progress | None = None,
                 cancel: CancelFlag | None = None, report: list[str] | None = None) -> bytes:
    """The annotated briefing as ``fmt``, for a stream such as standard output. A Markdown
    export with charts is refused: its images are separate files, which a stream cannot hold."""
    _check_format(fmt)
    doc, step = _build(store, workspace, options, progress, cancel)
    _report(doc, report)
    if fmt == "md" and doc.images():
        raise ExportError("a Markdown export keeps its charts in files beside it, which "
                          "standard output cannot hold: leave the charts out (--no-charts) or "
                          "give a file name")
    step(55, f"Rendering {FORMAT_NAMES[fmt]}")
    data = render(doc, fmt, Path("briefing" + FORMATS[fmt]), options)
    if progress is not None:
        progress(100, "Done")
    return data


def export_briefing(store: BriefingStore, workspace: Workspace | None, fmt: str, output: Path,
                    options: ExportOptions | None = None, progress: Progress | None = None,
                    cancel: CancelFlag | None = None, report: list[str] | None = None) -> Path:
    """Write the annotated briefing as ``fmt`` to ``output``; returns the path written.
    ``report`` receives a line for each note the export left out, and why."""
    _check_format(fmt)
    output = Path(output)
    _check_suffix(fmt, output)
    target = check_output(output)  # through a symbolic link, the file it names
    if fmt != "md":
        doc, step = _build(store, workspace, options, progress, cancel)
        _report(doc, report)
        step(55, f"Rendering {FORMAT_NAMES[fmt]}")
        data = render(doc, fmt, target, options)
        step(90, "Writing the file")
        _write(doc, fmt, target, output, data)
    else:
        # One pause of the cycle collector from the first note read until the document is
        # gone: resumed while it lives, its first pass would scan all of it (40 ms at
        # 100,000 notes).
        with bulk_objects():
            _export_markdown(store, workspace, target, output, options, progress, cancel,
                             report)
    if progress is not None:
        progress(100, "Done")
    return output


def _export_markdown(store: BriefingStore, workspace: Workspace | None, target: Path,
                     output: Path, options: ExportOptions | None, progress: Progress | None,
                     cancel: CancelFlag | None, report: list[str] | None) -> None:
    doc, step = _build(store, workspace, options, progress, cancel)
    _report(doc, report)
    what = f"Writing {FORMAT_NAMES['md']}"
    step(55, what)
    # Written as it is made (``render_pieces``).
    _write(doc, "md", target, output,
           render_pieces(doc, "md", target, options, check=lambda: step(55, what)))


def _write(doc: Document, fmt: str, target: Path, output: Path,
           data: bytes | Iterable[bytes]) -> None:
    try:
        if fmt == "md" and doc.images():
            _write_markdown(doc, target, data)
        else:
            write_atomic(target, data)
    except OSError as exc:
        raise ExportError(explain_os_error(exc, output)) from exc


def _write_markdown(doc: Document, target: Path, data: bytes | Iterable[bytes]) -> None:
    """The Markdown file and its charts, all written before any is renamed into place; on a
    failure whatever this export made is removed and an earlier export's files stay as they
    were."""
    images = write_images(doc, images_folder(target))
    text: PendingFile | None = None
    try:
        text = PendingFile(target, data)
        images.commit()
        text.commit()
    except BaseException:
        if text is not None:
            text.discard()
        images.discard()
        raise
