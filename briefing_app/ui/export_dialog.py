"""File > Export Briefing: choose format, sections and what to include; export off the GUI
thread with progress and cancel; open the result on request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..export.model import DEFAULT_MARKING, SECTIONS, ExportOptions
from ..export.run import FORMAT_NAMES, FORMATS, ExportCancelled, ExportError, export_briefing
from ..store.briefing import newest_fact
from .edits import TextBinding
from .session import Session


class ExportWorker(QThread):
    """Runs one export; never touches a widget (results go back through signals)."""

    progressed = Signal(int, str)
    succeeded = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, session: Session, fmt: str, output: Path, options: ExportOptions):
        super().__init__()
        self.session = session
        self.fmt = fmt
        self.output = output
        self.options = options
        self.cancel_flag = threading.Event()
        self.report: list[str] = []  # what the export left out (read after it finished)

    def run(self) -> None:
        try:
            path = export_briefing(self.session.store, self.session.workspace, self.fmt,
                                   self.output, self.options,
                                   progress=lambda p, s: self.progressed.emit(p, s),
                                   cancel=self.cancel_flag, report=self.report)
        except ExportCancelled:
            self.cancelled.emit()
        except ExportError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown to the user rather than lost in a thread
            self.failed.emit(f"The export failed unexpectedly: {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(str(path))


class ExportDialog(QDialog):
    finishedExport = Signal(str)  # noqa: N815  path written

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Export briefing")
        self.setObjectName("exportDialog")
        self.resize(560, 520)
        settings = QSettings()
        self.worker: ExportWorker | None = None
        self.result_path: Path | None = None

        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        self.format.setAccessibleName("Format")
        for fmt, name in FORMAT_NAMES.items():
            self.format.addItem(name, fmt)
        last = str(settings.value("export/format", "pdf"))
        self.format.setCurrentIndex(max(0, self.format.findData(last)))
        folder = str(settings.value("export/folder", str(Path.home())))
        self.path = QLineEdit(str(Path(folder) / f"briefing{FORMATS[self.fmt()]}"), self)
        self.path.setObjectName("exportPath")
        self.path.setAccessibleName("File to write")
        browse = QPushButton("&Browse\u2026", self)
        browse.clicked.connect(self._browse)
        self.format.currentIndexChanged.connect(self._format_changed)
        # Title and author line are remembered as typed (when focus leaves them, at the export,
        # when the dialog closes however it closes), not only after a successful export.
        self.default_title = session.store.overview().title
        self.title = QLineEdit(self)
        self.title.setObjectName("exportTitle")
        self.title.setAccessibleName("Title")
        self.author = QLineEdit(self)
        self.author.setObjectName("exportAuthor")
        self.author.setAccessibleName("Prepared by")
        self.author.setPlaceholderText("e.g. A. Analyst")
        self.organisation = QLineEdit(self)
        self.organisation.setObjectName("exportOrganisation")
        self.organisation.setAccessibleName("Organisation")
        self.organisation.setPlaceholderText("e.g. Desk X, Ministry Y")
        self.marking = QLineEdit(self)
        self.marking.setObjectName("exportMarking")
        self.marking.setAccessibleName("Handling marking, printed on every page")
        self.as_of = QLineEdit(self)
        self.as_of.setObjectName("exportAsOf")
        self.as_of.setAccessibleName("Information as of")
        newest = newest_fact(session.store)
        self.as_of.setPlaceholderText(f"{newest} (the newest dated fact)" if newest else
                                      "YYYY, YYYY-MM or YYYY-MM-DD")
        self.as_of.setToolTip("The date the briefing's information runs to: YYYY, YYYY-MM or "
                              "YYYY-MM-DD. Empty: the newest dated fact in the data.")
        self.remembered = [TextBinding(editor, self._remember) for editor in
                           (self.title, self.author, self.organisation, self.marking,
                            self.as_of)]
        self.remembered[0].load("export/title",
                                str(settings.value("export/title", "")) or self.default_title)
        self.remembered[1].load("export/author", str(settings.value("export/author", "")))
        self.remembered[2].load("export/organisation",
                                str(settings.value("export/organisation", "")))
        self.remembered[3].load("export/marking",
                                str(settings.value("export/marking", DEFAULT_MARKING)))
        self.remembered[4].load("export/as_of", str(settings.value("export/as_of", "")))

        self.sections: dict[str, QCheckBox] = {}
        section_box = QGroupBox("Sections", self)
        section_layout = QVBoxLayout(section_box)
        for key, label in SECTIONS:
            box = QCheckBox(label, section_box)
            box.setChecked(True)
            box.setObjectName(f"section-{key}")
            self.sections[key] = box
            section_layout.addWidget(box)
        self.notes = QComboBox(self)
        self.notes.setObjectName("exportNotes")
        self.notes.setAccessibleName("Notes to include")
        self.notes.addItem("All my notes", True)
        self.notes.addItem("No notes", False)
        self.checklist = QCheckBox("Include my checklist values (status, ratings, rationale)",
                                   self)
        self.checklist.setChecked(True)
        self.charts = QCheckBox("Include the charts (supply, timeline, heat map)", self)
        self.charts.setChecked(True)
        self.comments = QCheckBox("Word: my notes as comments on what they annotate", self)
        self.comments.setObjectName("exportComments")
        self.comments.setChecked(str(settings.value("export/comments", "false")) == "true")

        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Format:", self.format)
        # A row whose field is a layout gets no buddy from addRow, and a label without a
        # buddy shows its "&" literally: give it the path field, so Alt+S goes there.
        save_as = QLabel("&Save as:", self)
        save_as.setBuddy(self.path)
        form.addRow(save_as, path_row)
        form.addRow("&Title:", self.title)
        form.addRow("&Prepared by:", self.author)
        form.addRow("Or&ganisation:", self.organisation)
        form.addRow("&Marking:", self.marking)
        form.addRow("Information &as of:", self.as_of)
        form.addRow("&Notes:", self.notes)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # messages hold file names
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        self.export_button = QPushButton("&Export", self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelExport")
        self.cancel_button.clicked.connect(self._cancel)
        self.open_button = QPushButton("&Open", self)
        self.open_button.setObjectName("openExport")
        self.open_button.setEnabled(False)
        self.open_button.setToolTip("Open the exported file with your system's default app")
        self.open_button.clicked.connect(self.open_result)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(section_box)
        layout.addWidget(self.checklist)
        layout.addWidget(self.charts)
        layout.addWidget(self.comments)
        self.comments.setEnabled(self.fmt() == "docx")
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def fmt(self) -> str:
        return str(self.format.currentData())

    def _format_changed(self) -> None:
        self.comments.setEnabled(self.fmt() == "docx")
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix(FORMATS[self.fmt()])))

    def _browse(self) -> None:
        fmt = self.fmt()
        name, _ = QFileDialog.getSaveFileName(
            self, "Export briefing as", self.path.text(),
            f"{FORMAT_NAMES[fmt]} (*{FORMATS[fmt]})")
        if name:
            self.path.setText(name)

    def options(self) -> ExportOptions:
        return ExportOptions(
            title=self.title.text(), author=self.author.text(),
            organisation=self.organisation.text(), marking=self.marking.text(),
            as_of=self.as_of.text().strip(),
            sections=tuple(k for k, box in self.sections.items() if box.isChecked()),
            include_notes=bool(self.notes.currentData()),
            include_checklist=self.checklist.isChecked(),
            include_charts=self.charts.isChecked(),
            notes_as_comments=self.comments.isChecked() and self.fmt() == "docx")

    def _as_of_problem(self) -> str:
        text = self.as_of.text().strip()
        if not text:
            return ""
        import datetime as dt

        parts = text.split("-")
        try:
            if len(parts) == 1 and len(text) == 4:
                dt.date(int(text), 1, 1)
            elif len(parts) == 2:
                dt.date(int(parts[0]), int(parts[1]), 1)
            else:
                dt.date.fromisoformat(text)
        except ValueError:
            return (f"\u201cInformation as of\u201d must be a date: YYYY, YYYY-MM or "
                    f"YYYY-MM-DD (not \u201c{text}\u201d).")
        return ""

    def _remember(self, key: object, text: str) -> None:
        settings = QSettings()
        if key == "export/title" and text == self.default_title:
            settings.remove(str(key))  # the briefing's own title, whatever it becomes
        else:
            settings.setValue(str(key), text)

    def _remember_typed(self) -> None:
        for binding in self.remembered:
            binding.commit()

    def start(self) -> None:
        if self.worker is not None:
            return
        self._remember_typed()
        output = Path(self.path.text()).expanduser()
        if not self.path.text().strip():
            self.message.setText("Choose a file to write.")
            return
        if not any(box.isChecked() for box in self.sections.values()):
            self.message.setText("Choose at least one section to export.")
            return
        problem = self._as_of_problem()
        if problem:
            self.message.setText(problem)
            self.as_of.setFocus()
            return
        self.result_path = None
        self.open_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.message.setText("Exporting\u2026")
        self.worker = ExportWorker(self.session, self.fmt(), output, self.options())
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.finished.connect(self._worker_done)
        self.worker.start()

    def _progress(self, percent: int, step: str) -> None:
        self.progress.setValue(percent)
        self.message.setText(step)

    def _succeeded(self, path: str) -> None:
        self.result_path = Path(path)
        self.progress.setValue(100)
        left_out = self.worker.report if self.worker is not None else []
        text = f"Exported to {path}"
        if left_out:
            shown = "\n".join(left_out[:5]) + (f"\n\u2026 and {len(left_out) - 5} more"
                                                if len(left_out) > 5 else "")
            text += (f"\n{len(left_out)} note{'s' if len(left_out) != 1 else ''} left out "
                     f"(their sections were not exported):\n{shown}")
        self.message.setText(text)
        self.open_button.setEnabled(True)
        settings = QSettings()
        settings.setValue("export/folder", str(self.result_path.parent))
        settings.setValue("export/format", self.fmt())
        settings.setValue("export/comments", "true" if self.comments.isChecked() else "false")
        self.finishedExport.emit(path)

    def _failed(self, message: str) -> None:
        self.progress.setValue(0)
        self.message.setText(message)

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self.message.setText("Export cancelled; nothing was written.")

    def _worker_done(self) -> None:
        self.worker = None
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def _cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel_flag.set()
            self.message.setText("Cancelling\u2026")
        else:
            self.reject()

    def open_result(self) -> None:
        if self.result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path)))

    def reject(self) -> None:
        if self.worker is not None:  # wait for a running export to stop before closing
            self.worker.cancel_flag.set()
            self.worker.wait(30_000)
        super().reject()

    def done(self, result: int) -> None:
        self._remember_typed()
        super().done(result)
