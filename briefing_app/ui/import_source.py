"""File > Import Source: choose a file, read it off the GUI thread, let the analyst check its
details, and import it as one undoable step; the same details dialog edits it later.

``run_in_background`` is the one way the window runs slow work: the work runs in a plain
Python thread and never sees a widget; the GUI thread polls its result (and what it reports
through :class:`Progress`) with a timer, shows a progress dialog only if the work takes long
enough to notice, and on Cancel stops waiting and discards the result.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ..text import check_date
from .edits import keep_or_discard
from .session import Session

T = TypeVar("T")

#: The file dialog's filters: every format first, then one per reader.
FILE_FILTERS = ";;".join((
    "Sources (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.pdf *.docx)",
    "Plain text (*.txt *.text)",
    "Markdown (*.md *.markdown)",
    "Web pages (*.html *.htm *.xhtml)",
    "PDF with a text layer (*.pdf)",
    "Word documents (*.docx)",
))
FOLDER_KEY = "import/folder"  # UI state: where the last source came from
SHOW_AFTER_MS = 250  # work quicker than this shows no dialog at all
POLL_MS = 40


class Cancelled(Exception):  # noqa: N818 (a cancellation, not an error)
    """The user stopped waiting; the work's result, when it comes, is thrown away."""


class Progress:
    """What the work reports, shared between its thread and the GUI's timer (the work never
    touches a widget). Calling it sets the text and, when known, the fraction done;
    ``cancelled`` is set when the user stops waiting, for work that can stop early."""

    def __init__(self, text: str = ""):
        self._lock = threading.Lock()
        self._text = text
        self._fraction: float | None = None
        self.cancelled = threading.Event()

    def __call__(self, text: str, fraction: float | None = None) -> None:
        with self._lock:
            self._text, self._fraction = text, fraction

    def read(self) -> tuple[str, float | None]:
        with self._lock:
            return self._text, self._fraction


class ProgressDialog(QDialog):
    """A message, a bar (busy until a fraction is known) and Cancel."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.label = QLabel(text, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # file names, shown literally
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Progress")
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def show_progress(self, text: str, fraction: float | None) -> None:
        if text and text != self.label.text():
            self.label.setText(text)
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(max(0.0, min(1.0, fraction)) * 1000))


def run_in_background(parent: QWidget | None, title: str, text: str,
                      work: Callable[[Progress], T], *,
                      show_after_ms: int = SHOW_AFTER_MS) -> T:
    """Run ``work(progress)`` in a worker thread and return its result (or raise what it
    raised); raise ``Cancelled`` if the user cancels first (or the application quits).

    The call returns only when the work is done or abandoned, with the GUI painting
    meanwhile. An abandoned worker runs on to its end (a reader cannot be interrupted
    half-way through a PDF) as a daemon thread, so it never delays quitting."""
    progress = Progress(text)
    outcome: list[tuple[bool, Any]] = []
    finished = threading.Event()

    def target() -> None:
        try:
            outcome.append((True, work(progress)))
        except BaseException as exc:  # handed to the GUI thread, which decides
            outcome.append((False, exc))
        finally:
            finished.set()

    threading.Thread(target=target, name="briefing-background", daemon=True).start()

    # A short wait without a dialog (one would only flash): the window keeps painting, and
    # clicks and keys wait until the work is done or the dialog is up.
    deadline = time.monotonic() + show_after_ms / 1000
    quiet = QEventLoop()
    dialog: ProgressDialog | None = None

    def poll() -> None:
        if dialog is None:
            if finished.is_set() or time.monotonic() >= deadline:
                quiet.quit()
        elif finished.is_set():
            dialog.accept()
        else:
            dialog.show_progress(*progress.read())

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    try:
        if not finished.wait(0.02):
            quiet.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if not finished.is_set():
            dialog = ProgressDialog(title, text, parent)
            answer = dialog.exec()
            dialog.deleteLater()
            if answer != QDialog.DialogCode.Accepted or not finished.is_set():
                progress.cancelled.set()
                raise Cancelled
    finally:
        timer.stop()
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


# -- the details dialog ---------------------------------------------------------------------------
def check_details(title: str, date: str, url: str) -> tuple[str, str] | None:
    """(field, why) for the first detail the workspace would refuse; None if all are fine
    (the same rules as the store's, said before the dialog closes)."""
    if not title.strip():
        return "title", "A source needs a title."
    if date and check_date(date) is not None:
        return "date", f"The date {check_date(date)}."
    if url and not url.startswith(("http://", "https://")):
        return "url", "The URL must start with http:// or https://."
    return None


class SourceDetailsDialog(QDialog):
    """A source's title, publisher, date and URL, checked before it closes; text typed in it
    is never dropped without asking, and is saved if the window closes under it."""

    FIELDS = ("title", "publisher", "date", "url")

    def __init__(self, heading: str, about: str, values: dict[str, str], ok_text: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sourceDetailsDialog")
        self.setWindowTitle(heading)
        self.resize(560, 0)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, placeholder, length in (
                ("title", "&Title:", "What the document is called", 300),
                ("publisher", "&Publisher or author:", "Who published or wrote it", 300),
                ("date", "&Date:", "YYYY, YYYY-MM or YYYY-MM-DD", 10),
                ("url", "&URL:", "https://\u2026 (where it can be found, if online)", 2000)):
            edit = QLineEdit(self)
            edit.setObjectName(f"source_{name}")
            edit.setAccessibleName(label.replace("&", "").rstrip(":"))
            edit.setPlaceholderText(placeholder)
            edit.setMaxLength(length)
            edit.setText(values.get(name, ""))
            edit.setCursorPosition(0)
            form.addRow(label, edit)
            self.edits[name] = edit
        self._initial = self.values()
        self.about = QLabel(about, self)
        self.about.setObjectName("sourceAbout")
        self.about.setTextFormat(Qt.TextFormat.PlainText)  # a file name, shown literally
        self.about.setWordWrap(True)
        self.problem = QLabel("", self)
        self.problem.setObjectName("sourceProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        palette = self.problem.palette()
        palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.darkRed)
        self.problem.setPalette(palette)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if about:
            layout.addWidget(self.about)
        else:
            self.about.hide()
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.edits["title"].setFocus()

    def values(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.edits.items()}

    def is_dirty(self) -> bool:
        return self.values() != self._initial

    def check(self) -> str:
        """Why the details cannot be saved as they are ("" if they can), said in the dialog."""
        v = self.values()
        found = check_details(v["title"], v["date"], v["url"])
        if found is None:
            self.problem.hide()
            return ""
        name, why = found
        self.problem.setText(why)
        self.problem.show()
        self.edits[name].setFocus()
        self.edits[name].selectAll()
        return why

    def _accept(self) -> None:
        if not self.check():
            self.accept()

    def commit(self) -> bool:
        """The window is closing under the open dialog: save what was typed, if it can be."""
        if self.isVisible() and self.is_dirty() and not self.check():
            self.accept()
            return True
        return False

    def ask(self, session: Session) -> bool:
        """Run the dialog; while it is open, closing the window saves what it holds."""
        session.edits.add(self)
        try:
            return self.exec() == QDialog.DialogCode.Accepted
        finally:
            session.edits.remove(self)

    def reject(self) -> None:
        """Cancel, Escape or the close button: typed details are never dropped unasked."""
        if self.is_dirty():
            answer = keep_or_discard(self, "details of this source")
            if answer == QMessageBox.StandardButton.Save:
                self._accept()
                return
            if answer != QMessageBox.StandardButton.Discard:
                return  # keep editing
        super().reject()


# -- the import, start to end ---------------------------------------------------------------------
def refuse(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    """Say why nothing happened (plain text: paths and file contents are shown literally)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("sourceRefused")
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    box.exec()


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, round(n / 1024))} KB"


def choose_source_file(parent: QWidget | None) -> Path | None:
    settings = QSettings()
    folder = settings.value(FOLDER_KEY, "")
    name, _filter = QFileDialog.getOpenFileName(
        parent, "Import a source document", str(folder or Path.home()), FILE_FILTERS)
    if not name:
        return None
    path = Path(name)
    settings.setValue(FOLDER_KEY, str(path.parent))
    return path


def _prefill(read: Any) -> dict[str, str]:
    """What the file says about itself, where the workspace would accept it."""
    meta = read.meta or {}
    date = str(meta.get("date", ""))[:10]
    return {"title": read.title, "publisher": str(meta.get("author", "")),
            "date": date if date and check_date(date) is None else "", "url": ""}


def import_source_file(session: Session, parent: QWidget, path: Path | None = None
                       ) -> str | None:
    """Ask for a file (unless ``path`` is given), read it, confirm its details and import
    it as one undo step; returns the new source's id, None if nothing was imported."""
    ws = session.workspace
    if ws is None or ws.read_only:
        refuse(parent, "Sources are read-only",
               "Your workspace is read-only, so sources cannot be imported.")
        return None
    if path is None:
        path = choose_source_file(parent)
        if path is None:
            return None

    from ..readers import SourceError, read_source

    def work(progress: Progress) -> Any:
        def pages(done: int, total: int) -> None:
            if progress.cancelled.is_set():
                raise Cancelled  # stops the reader between pages
            progress(f"Reading {path.name}: page {done:,} of {total:,}\u2026",
                     done / total if total else None)

        return read_source(path, pages)

    try:
        read = run_in_background(parent, "Importing a source", f"Reading {path.name}\u2026",
                                 work)
    except Cancelled:
        return None
    except SourceError as exc:
        refuse(parent, "Cannot import this file", str(exc), "Nothing was imported.")
        return None
    except Exception as exc:  # a reader's bug must not lose the window: say it, store nothing
        refuse(parent, "Cannot import this file",
               f"{path.name} could not be read ({type(exc).__name__}: {exc}).",
               "Nothing was imported.")
        return None

    same = next((s for s in ws.own_sources() if s.sha256 == read.sha256), None)
    if same is not None:
        refuse(parent, "Already imported",
               f"{path.name} is already imported, as \u201c{same.title}\u201d.",
               "Nothing was imported; the source is in the Sources tab.")
        return None

    about = (f"{read.filename} \u00b7 {read.kind.upper()} \u00b7 {_size(len(read.data))} "
             f"\u00b7 {len(read.text):,} characters of text")
    dialog = SourceDetailsDialog("Import a source", about, _prefill(read), "&Import", parent)
    if not dialog.ask(session):
        return None
    from .commands import ImportSource

    v = dialog.values()
    command = ImportSource(session, read, v["title"], v["publisher"], v["date"], v["url"])
    if not session.push(command):
        return None
    return command.source_id


def edit_source_details(session: Session, parent: QWidget, source_id: str) -> bool:
    """Edit an imported source's title, publisher, date and URL (one undo step)."""
    ws = session.workspace
    src = ws.own_source(source_id) if ws is not None else None
    if ws is None or src is None:
        return False
    if ws.read_only:
        refuse(parent, "Sources are read-only",
               "Your workspace is read-only, so the source's details cannot be changed.")
        return False
    before = {"title": src.title, "publisher": src.publisher, "date": src.date,
              "url": src.url}
    about = f"Imported from {src.filename} ({src.kind.upper()}, {_size(src.size)})"
    dialog = SourceDetailsDialog("Source details", about, before, "&Save", parent)
    if not dialog.ask(session):
        return False
    after = dialog.values()
    if after == before:
        return True
    from .commands import EditSource

    return session.push(EditSource(session, source_id, **after))
