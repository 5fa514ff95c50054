"""Help > Data sources and licences: where the briefing's data and the bundled code come from."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..paths import resources_dir


def licences_text() -> str:
    sources = (resources_dir() / "map" / "SOURCES.md").read_text(encoding="utf-8")
    return (
        "# Data sources and licences\n\n"
        "**Briefing** (code and curated records) is released under the MIT licence.\n\n"
        "**Source article**: the seed article supplied with the project; its publisher and date "
        "are not stated and are shown as unknown.\n\n"
        "**Fact base citations**: every cited fact names its publication, date and URL in the "
        "Sources tab; the records paraphrase them in the project's own words.\n\n"
        "**Software**: Qt and Qt for Python (PySide6, shiboken6) under the LGPL v3; pyqtgraph "
        "(MIT); NumPy (BSD-3-Clause); sqlite-utils (Apache-2.0); platformdirs (MIT); Python "
        "(PSF licence).\n\n" + sources
    )


class LicencesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Data sources and licences")
        self.resize(720, 620)
        view = QTextBrowser(self)
        view.setObjectName("licencesText")
        view.setOpenLinks(False)
        view.setMarkdown(licences_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
