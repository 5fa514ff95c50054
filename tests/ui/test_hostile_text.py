"""Hostile text is shown, never run: notes, queries and imported quotes reach every label and
tooltip as literal text; a save the workspace refuses is said, leaves no undo step, and keeps
the user's words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel

from briefing_app.domain import ItemRef
from briefing_app.store.workspace import WorkspaceFullError
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import RiskChecklistModel as M
from briefing_app.ui.notes import NoteDialog
from briefing_app.ui.session import Change

from .searching import search


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    """Markup that Qt would load as an image (a real file the test made) if it took the text
    as rich text; /dev/zero in its place aborts the app, so it is never rendered here."""
    image = tmp_path / "probe.png"
    QImage(4, 4, QImage.Format.Format_RGB32).save(str(image))
    return f'<img src="{image}"> <b>bold?</b> & <a href="x">link</a>'


def _as_qt_shows(text: str) -> QTextDocument:
    """The document Qt builds for a tooltip or auto-format label: rich text if it looks so."""
    doc = QTextDocument()
    if QtGui.Qt.mightBeRichText(text):
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    return doc


def _has_image(doc: QTextDocument) -> bool:
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().isImageFormat():
                return True
            it += 1
        block = block.next()
    return False


def _shown_literally(text: str, hostile: str) -> None:
    doc = _as_qt_shows(text)
    assert not _has_image(doc), text
    assert "<img src=" in doc.toPlainText() and "<b>bold?</b>" in doc.toPlainText(), text


def test_note_text_is_literal_in_every_tooltip_and_label(window: MainWindow, qtbot,
                                                        hostile: str) -> None:
    ws = window.session.workspace
    assert ws is not None
    risk = window.session.store.risks()[0]
    ref = ItemRef("risk", risk.id)
    ws.add_note(hostile, target=ref)
    ws.set_checklist_field(risk.id, "rationale", hostile)
    ws.set_checklist_field(risk.id, "owner", hostile)
    window.session.notify(Change("notes"))
    window.session.notify(Change("checklist", (risk.id,)))
    window.open_item(ref)

    panel = window.detail.notes
    assert panel is not None
    _shown_literally(panel.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole), hostile)

    window.show_all_notes()
    browser = window.notes_browser
    for column in range(browser.model.columnCount()):
        tip = browser.model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
        if tip:
            _shown_literally(tip, hostile)

    risks = window.tab("risks")
    row = risks.model.row_of(risk.id)
    for column in (M.COL_RATIONALE, M.COL_OWNER):
        _shown_literally(risks.model.index(row, column).data(Qt.ItemDataRole.ToolTipRole),
                         hostile)


def test_a_hostile_query_is_echoed_literally(window: MainWindow, hostile: str,
                                             qtbot) -> None:  # type: ignore[no-untyped-def]
    search(window, qtbot, hostile)
    message = window.search_results.message
    assert message.textFormat() == Qt.TextFormat.PlainText
    assert hostile.strip() in message.text() or "Type at least" in message.text()
    assert window.status.textFormat() == Qt.TextFormat.PlainText


def test_the_note_editor_shows_an_imported_quote_literally(window: MainWindow, qtbot,
                                                           hostile: str) -> None:
    from briefing_app.store.workspace import TextAnchor

    seen: list[QLabel] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog)
        seen.extend(label for label in dialog.findChildren(QLabel)
                    if label.text().startswith("On: "))
        dialog.done(0)

    source = window.session.store.sources()[0]
    QTimer.singleShot(0, look)
    from briefing_app.ui.notes import ask_note
    ask_note(window.session, window, anchor=TextAnchor(source.id, 0, 5, hostile))
    [label] = seen
    assert label.textFormat() == Qt.TextFormat.PlainText and "<img src=" in label.text()


def test_a_refused_save_leaves_no_undo_step_and_keeps_the_text(window: MainWindow, qtbot,
                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws = window.session.workspace
    assert ws is not None

    def full(*_a: object, **_k: object) -> None:
        raise WorkspaceFullError("There is not enough space on the disk to save your work; "
                                 "nothing was changed.")

    monkeypatch.setattr(ws, "add_note", full)
    monkeypatch.setattr(ws, "set_checklist_field", full)
    ref = ItemRef("risk", window.session.store.risks()[0].id)
    window.open_item(ref)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog)
        qtbot.keyClicks(dialog.body, "A note the disk had no room for")
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, answer)
    window.add_note_action.trigger()
    stack = window.session.undo_stack
    assert stack.count() == 0
    assert window.status.text().startswith("Not saved: There is not enough space")
    assert QGuiApplication.clipboard().text() == "A note the disk had no room for"

    # Typed rationale, then another row: not saved, so not reported as saved, and kept.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab = window.tab("risks")
    window.tabs.setCurrentWidget(tab)
    tab.select(ref)
    qtbot.mouseClick(tab.rationale.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.keyClicks(tab.rationale, "A rationale with nowhere to go")
    tab.commit_rationale()
    assert stack.count() == 0
    assert tab.rationale.toPlainText() == "A rationale with nowhere to go"
    assert tab.rationale_binding.is_dirty()  # still unsaved: committed again next time
    assert QGuiApplication.clipboard().text() == "A rationale with nowhere to go"
