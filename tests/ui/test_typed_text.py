"""Nothing the user types is lost: typed text is committed (one undo step) when the selection
moves, focus leaves, the tab changes, the window closes, or an export or print starts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from briefing_app.domain import ItemRef
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import RiskChecklistModel as M
from briefing_app.ui.notes import NoteDialog


def _risks(window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    window.activateWindow()  # focus moves only inside the active window
    qtbot.waitUntil(window.isActiveWindow)
    window.tabs.setCurrentIndex(3)
    return window.tab("risks")


def _click_row(qtbot, tab, risk_id: str) -> None:  # type: ignore[no-untyped-def]
    """Click the risk's title cell, as a user picks a row."""
    row = tab.model.row_of(risk_id)
    index = tab.proxy.mapFromSource(tab.model.index(row, M.COL_RISK))
    rect = tab.table.visualRect(index)
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.current_ref() == ItemRef("risk", risk_id)


def _type_rationale(qtbot, tab, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(tab.rationale.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert tab.rationale.hasFocus()
    qtbot.keyClicks(tab.rationale, text)


def _rationale(window: MainWindow, risk_id: str) -> str:
    ws = window.session.workspace
    assert ws is not None
    return ws.checklist_entry(risk_id).rationale


def test_rationale_survives_clicking_another_row_and_ctrl_z_removes_it(
        window: MainWindow, qtbot) -> None:
    tab = _risks(window, qtbot)
    first, second = tab.risks[0].id, tab.risks[1].id
    _click_row(qtbot, tab, first)
    _type_rationale(qtbot, tab, "Three attacks on convoys this year")
    _click_row(qtbot, tab, second)
    assert _rationale(window, first) == "Three attacks on convoys this year"
    assert tab.rationale.toPlainText() == ""  # the second risk's (empty) rationale
    _click_row(qtbot, tab, first)
    assert tab.rationale.toPlainText() == "Three attacks on convoys this year"
    assert "rationale" in window.session.undo_stack.undoText()

    # Focus is in the table: Ctrl+Z is the window's undo, and takes back exactly that step.
    qtbot.keyClick(tab.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _rationale(window, first) == ""
    assert tab.rationale.toPlainText() == ""
    assert window.session.undo_stack.count() == 1 and window.session.undo_stack.index() == 0
    assert window.status.text().startswith("Undone: set rationale")


def test_selection_moved_without_a_click_saves_to_the_right_risk(window: MainWindow,
                                                                 qtbot) -> None:
    """A search result or a link selects another risk while focus stays in the editor."""
    tab = _risks(window, qtbot)
    first, second = tab.risks[0].id, tab.risks[1].id
    _click_row(qtbot, tab, first)
    _type_rationale(qtbot, tab, "Kept for the first risk")
    window.open_item(ItemRef("risk", second))
    assert tab.current_ref() == ItemRef("risk", second)
    assert _rationale(window, first) == "Kept for the first risk"
    assert _rationale(window, second) == ""


def test_typed_text_is_saved_when_the_window_closes(open_window: Callable[[], MainWindow],
                                                     qtbot) -> None:
    window = open_window()
    tab = _risks(window, qtbot)
    risk = tab.risks[2].id
    _click_row(qtbot, tab, risk)
    _type_rationale(qtbot, tab, "Written just before closing")
    # The owner cell is being edited too, its editor still open.
    owner = tab.proxy.mapFromSource(tab.model.index(tab.model.row_of(risk), M.COL_OWNER))
    tab.table.setCurrentIndex(owner)
    tab.table.edit(owner)
    editor = tab.table.indexWidget(owner)
    assert isinstance(editor, QLineEdit)
    editor.setFocus()
    qtbot.keyClicks(editor, "Desk officer")
    window.close()

    again = open_window()
    tab2 = _risks(again, qtbot)
    tab2.select(ItemRef("risk", risk))
    assert tab2.rationale.toPlainText() == "Written just before closing"
    assert again.session.workspace.checklist_entry(risk).owner == "Desk officer"  # type: ignore[union-attr]


def test_changing_tab_saves_typed_text(window: MainWindow, qtbot) -> None:
    tab = _risks(window, qtbot)
    risk = tab.risks[0].id
    _click_row(qtbot, tab, risk)
    _type_rationale(qtbot, tab, "Saved on Ctrl+1")
    qtbot.keyClick(tab.rationale, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab_key() == "overview"
    assert _rationale(window, risk) == "Saved on Ctrl+1"


@pytest.mark.parametrize("key", [Qt.Key.Key_E, Qt.Key.Key_P])
def test_export_and_print_see_what_was_just_typed(window: MainWindow, qtbot, monkeypatch,
                                                  key: Qt.Key) -> None:
    """Ctrl+E and Ctrl+P pressed while typing: the document has the text."""
    from PySide6.QtPrintSupport import QPrintDialog

    from briefing_app.ui.export_dialog import ExportDialog

    tab = _risks(window, qtbot)
    risk = tab.risks[0].id
    _click_row(qtbot, tab, risk)
    _type_rationale(qtbot, tab, "Must reach the export")
    seen: list[str] = []

    def opened(_dialog) -> int:  # type: ignore[no-untyped-def]
        seen.append(_rationale(window, risk))
        return 0  # closed without exporting

    monkeypatch.setattr(ExportDialog, "exec", opened)
    monkeypatch.setattr(QPrintDialog, "exec", opened)
    qtbot.keyClick(tab.rationale, key, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Must reach the export"]


def test_undo_from_the_menu_takes_back_unsaved_typing(window: MainWindow, qtbot) -> None:
    tab = _risks(window, qtbot)
    risk = tab.risks[0].id
    _click_row(qtbot, tab, risk)
    assert tab.model.setData(tab.model.index(tab.model.row_of(risk), M.COL_OWNER), "Desk A")
    _type_rationale(qtbot, tab, "typed, then undone")
    window.undo_action.trigger()  # Edit > Undo while the editor still has focus
    ws = window.session.workspace
    assert (ws.checklist_entry(risk).rationale, ws.checklist_entry(risk).owner) == ("", "Desk A")  # type: ignore[union-attr]
    assert tab.rationale.toPlainText() == ""
    window.redo_action.trigger()
    assert _rationale(window, risk) == "typed, then undone"
    assert tab.rationale.toPlainText() == "typed, then undone"


def _answer_note_dialog(qtbot, text: str, then: QMessageBox.StandardButton,  # type: ignore[no-untyped-def]
                        asked: list[str]) -> None:
    """Type into the next note dialog, press Escape, answer the question with ``then``."""

    def answer_question() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        asked.append(box.text())
        box.button(then).click()

    def type_and_escape() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog), dialog
        qtbot.keyClicks(dialog.body, text)
        QTimer.singleShot(0, answer_question)
        qtbot.keyClick(dialog.body, Qt.Key.Key_Escape)

    QTimer.singleShot(0, type_and_escape)


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.Save,
                                    QMessageBox.StandardButton.Discard])
def test_escape_in_the_note_editor_asks_before_dropping_text(window: MainWindow, qtbot,
                                                             answer) -> None:  # type: ignore[no-untyped-def]
    ref = ItemRef("risk", window.session.store.risks()[0].id)
    window.open_item(ref)
    asked: list[str] = []
    _answer_note_dialog(qtbot, "A note I almost lost", answer, asked)
    window.add_note_action.trigger()
    assert asked and "not saved" in asked[0]
    notes = window.session.workspace.notes(target=ref)  # type: ignore[union-attr]
    if answer == QMessageBox.StandardButton.Save:
        assert [n.body for n in notes] == ["A note I almost lost"]
    else:
        assert notes == []


def test_export_dialog_remembers_title_and_author_however_it_closes(window: MainWindow,
                                                                    qtbot) -> None:
    from briefing_app.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    default_title = dialog.title.text()
    dialog.title.setText("Minerals: what changed this week")
    dialog.author.setText("Prepared by A. Analyst")
    dialog.reject()  # Cancel, without exporting
    QSettings().sync()

    again = ExportDialog(window.session, window)
    qtbot.addWidget(again)
    assert again.title.text() == "Minerals: what changed this week"
    assert again.author.text() == "Prepared by A. Analyst"
    again.title.setText(default_title)  # back to the briefing's own title: not pinned
    again.reject()
    assert QSettings().value("export/title") is None


TERMINATED = r"""
import os, signal, sys
from PySide6.QtCore import QTimer
from briefing_app import cli
from briefing_app.ui import main_window as mw

real = mw.MainWindow.after_first_paint


def after_first_paint(self, deferred_views=True):
    real(self, deferred_views)
    tab = self.tab("risks")
    self.tabs.setCurrentWidget(tab)
    tab.table.selectRow(0)
    tab.rationale.setFocus()
    tab.rationale.insertPlainText(sys.argv[2])  # typed, not saved
    QTimer.singleShot(50, lambda: os.kill(os.getpid(), getattr(signal, sys.argv[3])))


mw.MainWindow.after_first_paint = after_first_paint
sys.exit(cli.main(["gui", "--workspace", sys.argv[1]]))
"""


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_logout_or_kill_closes_the_window_and_saves_typed_text(tmp_path, store,  # type: ignore[no-untyped-def]
                                                               signal_name: str) -> None:
    """SIGTERM (kill, shutdown), SIGHUP (terminal closed), SIGINT (Ctrl+C) close the window
    as the user would: typed text is committed."""
    import subprocess
    import sys

    from briefing_app.store.workspace import open_workspace

    folder = tmp_path / "ws"
    result = subprocess.run([sys.executable, "-c", TERMINATED, str(folder), "typed before "
                             "the logout", signal_name], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    ws, _ = open_workspace(folder)
    assert ws.checklist_entry(store.risks()[0].id).rationale == "typed before the logout"
    ws.close()


def test_every_export_dialog_label_has_a_working_mnemonic(window: MainWindow, qtbot) -> None:
    """No label shows a literal "&" (a label without a buddy does): each names its field."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    from briefing_app.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    form = next(f for f in dialog.findChildren(QFormLayout) if f.rowCount() > 5)
    labels = [form.itemAt(r, QFormLayout.ItemRole.LabelRole).widget() for r in
              range(form.rowCount())]
    assert all(isinstance(lab, QLabel) for lab in labels)
    for label in labels:
        assert "&" not in label.text() or label.buddy() is not None, label.text()
    save_as = next(lab for lab in labels if lab.text() == "&Save as:")
    assert save_as.buddy() is dialog.path
