"""Notes and export through the real window: add, edit, delete, undo, trash, export dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from briefing_app.domain import ItemRef
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.notes import NoteDialog
from briefing_app.ui.session import Change


def _fill_next_dialog(qtbot, text: str, tag: str = "", colour: str = "") -> None:  # type: ignore[no-untyped-def]
    """Answer the next note dialog as a user would: type, pick, save."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog), dialog
        qtbot.keyClicks(dialog.body, text)
        dialog.tag.setText(tag)
        dialog.colour.setCurrentIndex(dialog.colour.findData(colour))
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, answer)


def test_add_note_with_shortcut_undo_redo(window: MainWindow, qtbot) -> None:
    risk = window.session.store.risks()[1]
    window.open_item(ItemRef("risk", risk.id))
    _fill_next_dialog(qtbot, "Check the arbitration docket", "legal", "yellow")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    ws = window.session.workspace
    assert ws is not None
    [note] = ws.notes(target=ItemRef("risk", risk.id))
    assert (note.body, note.tag, note.colour) == ("Check the arbitration docket", "legal",
                                                  "yellow")
    panel = window.detail.notes
    assert panel is not None and panel.model.rowCount() == 1
    assert "Check the arbitration docket" in panel.model.index(0, 0).data()
    window.session.undo_stack.undo()
    assert ws.notes() == [] and panel.model.rowCount() == 0
    window.session.undo_stack.redo()
    assert [n.id for n in ws.notes()] == [note.id]


def test_edit_and_delete_from_panel_then_restore_from_trash(window: MainWindow, qtbot) -> None:
    ref = ItemRef("mineral", "antimony")
    window.open_item(ref)
    ws = window.session.workspace
    note = ws.add_note("first draft", target=ref)  # type: ignore[union-attr]
    window.session.notify(Change("notes"))
    panel = window.detail.notes
    panel.list.setCurrentIndex(panel.model.index(0, 0))

    def edit() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.body.setPlainText("second draft\nwith two lines")
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, edit)
    panel.edit_selected()
    assert ws.note(note.id).body == "second draft\nwith two lines"
    panel.list.setCurrentIndex(panel.model.index(0, 0))
    panel.delete_button.click()
    assert ws.notes() == [] and [n.id for n in ws.trash()] == [note.id]
    window.session.undo_stack.undo()
    assert [n.id for n in ws.notes()] == [note.id]
    window.session.undo_stack.undo()
    assert ws.note(note.id).body == "first draft"
    window.session.undo_stack.redo()
    window.session.undo_stack.redo()
    # Restore from the trash in the All notes browser.
    window.show_all_notes()
    browser = window.notes_browser
    browser.status.setCurrentIndex(browser.status.findData("trash"))
    assert browser.proxy.rowCount() == 1
    browser.table.selectRow(0)
    browser.restore_button.click()
    assert [n.id for n in ws.notes()] == [note.id]


def test_text_note_from_reader_selection_is_highlighted(window: MainWindow, qtbot) -> None:
    window.tabs.setCurrentIndex(4)
    sources = window.tab("sources")
    text = sources._source.text
    quote = "Technology transfer"
    start = text.index(quote)
    sources.select_text(start, start + len(quote))
    _fill_next_dialog(qtbot, "Which technologies?")
    window.add_note()
    ws = window.session.workspace
    [note] = ws.notes(source_id=sources._source.id)
    assert note.anchor.quote == quote and note.anchor.start == start
    assert (start, start + len(quote), note.id) in sources.note_ranges()
    highlighted = [s.cursor.selectedText() for s in sources.reader.extraSelections()]
    assert quote in highlighted


def test_all_notes_browser_filters_and_jumps(window: MainWindow, qtbot) -> None:
    ws = window.session.workspace
    ws.add_note("about cobalt", target=ItemRef("mineral", "cobalt"), tag="battery")
    ws.add_note("about a risk", target=ItemRef("risk", "investment-climate"), tag="legal")
    ws.add_note("lost target", target=ItemRef("risk", "gone-risk"))
    window.show_all_notes()
    browser = window.notes_browser
    assert browser.proxy.rowCount() == 3
    browser.tag.setCurrentIndex(browser.tag.findData("battery"))
    assert browser.proxy.rowCount() == 1
    browser.tag.setCurrentIndex(0)
    browser.tab.setCurrentIndex(browser.tab.findData("risks"))
    assert browser.proxy.rowCount() == 2
    browser.tab.setCurrentIndex(0)
    browser.search.setText("cobalt")
    assert browser.proxy.rowCount() == 1
    browser.table.selectRow(0)
    browser.jump()
    assert window.current_tab_key() == "minerals"
    assert window.session.current == ItemRef("mineral", "cobalt")
    browser.search.clear()
    browser.status.setCurrentIndex(browser.status.findData("unanchored"))
    assert browser.proxy.rowCount() == 1
    assert "no longer in the briefing" in browser.proxy.index(0, 1).data()


def test_export_dialog_exports_off_the_gui_thread(window: MainWindow, qtbot,
                                                  tmp_path: Path) -> None:
    from briefing_app.ui.export_dialog import ExportDialog

    ws = window.session.workspace
    ws.add_note("dialog note", target=ItemRef("risk", "investment-climate"))
    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    for fmt in ("docx", "pdf", "html", "md"):
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        target = tmp_path / f"out.{fmt}"
        dialog.path.setText(str(target))
        dialog.author.setText("Desk officer")
        with qtbot.waitSignal(dialog.finishedExport, timeout=60_000) as blocker:
            dialog.export_button.click()
        assert blocker.args == [str(target)]
        qtbot.waitUntil(lambda: dialog.worker is None)
        assert target.exists() and dialog.open_button.isEnabled()
        assert dialog.progress.value() == 100
    assert "dialog note" in (tmp_path / "out.md").read_text(encoding="utf-8")


def test_export_dialog_reports_unwritable_path(window: MainWindow, qtbot,
                                               tmp_path: Path) -> None:
    from briefing_app.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "no" / "such" / "folder" / "x.pdf"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    assert "does not exist" in dialog.message.text()
    assert not dialog.open_button.isEnabled()


def test_export_can_be_cancelled(window: MainWindow, qtbot, tmp_path: Path) -> None:
    from briefing_app.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    target = tmp_path / "c.pdf"
    dialog.path.setText(str(target))
    dialog.start()
    dialog.worker.cancel_flag.set()  # as the Cancel button does, before the first step
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
    if not target.exists():  # the export noticed the cancel
        assert "cancelled" in dialog.message.text()


def test_print_pages_through_qt(window: MainWindow, tmp_path: Path) -> None:
    """File > Print paints the same document; checked on a PDF printer device."""
    from PySide6.QtPrintSupport import QPrinter

    from briefing_app.export.build import build_document
    from briefing_app.ui.printing import paint_pages, text_document

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    doc = build_document(window.session.store, window.session.workspace)
    assert paint_pages(text_document(doc), printer, doc.title) >= 8
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000


def test_the_undo_step_and_status_name_the_item_not_its_id(window: MainWindow) -> None:
    from briefing_app.ui.commands import AddNote

    ref = ItemRef("risk", "investment-climate")
    title = window.session.store.item(ref).title
    assert window.session.push(AddNote(window.session, "Check the docket.", target=ref))
    assert window.session.undo_stack.undoText() == f"add a note to \u201c{title}\u201d"
    assert window.status.text() == f"Saved: add a note to \u201c{title}\u201d"
    assert "risk:" not in window.status.text()


def test_a_note_on_source_text_names_the_source_by_its_title(window: MainWindow) -> None:
    """What users read names sources by title, never by id (issue 16)."""
    from briefing_app.store.workspace import TextAnchor
    from briefing_app.ui.notes import target_label

    store = window.session.store
    source = store.sources()[0]
    label = target_label(store, None, TextAnchor(source.id, 0, 8, source.text[:8], "", ""))
    assert label == f"text in \u201c{source.title}\u201d: \u201c{source.text[:8]}\u201d"
    assert source.id not in label
