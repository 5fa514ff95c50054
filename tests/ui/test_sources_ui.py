"""The analyst's own sources through the real window: File > Import Source (read off the GUI
thread, details checked, refusals said), the Sources tab (own sources marked and readable,
edit and delete, grades, the claims resting on a source), citing selected text in an own item,
search, and a restart."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from briefing_app.domain import ItemRef
from briefing_app.store.own import OwnProvenance
from briefing_app.ui.commands import AddOwnItem, DeleteOwnItem
from briefing_app.ui.import_source import ProgressDialog, SourceDetailsDialog
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import OWN_MARK
from briefing_app.ui.search import split_marks
from briefing_app.ui.sources_tab import BUNDLED_TIP, SourcesModel, SourcesTab

from .dialogs import Modals
from .searching import search

MEMO = ("Gwadar desk memo\n\n"
        "The chromite convoy left Muslim Bagh at dawn \U0001f69a under escort.\n\n"
        "Officials said the Reko Diq copper concentrate would move by rail from 2028.\n")


@pytest.fixture
def modals() -> Any:
    m = Modals()
    yield m
    m.timer.stop()


@pytest.fixture
def own_items(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """The own-item editor (another module), replaced: records what it is asked to do."""
    try:
        import briefing_app.ui.own_items as mod
    except ImportError:  # not written yet: a stand-in module
        mod = types.ModuleType("briefing_app.ui.own_items")
        monkeypatch.setitem(sys.modules, "briefing_app.ui.own_items", mod)
    calls: dict[str, list[Any]] = {"new": [], "add": []}

    def ask_own_item(session: Any, parent: Any, kind: str | None = None,
                     provenance: Any = None) -> bool:
        calls["new"].append((kind, list(provenance or [])))
        return True

    def add_provenance_to(session: Any, parent: Any, item_id: str, provenance: Any) -> bool:
        calls["add"].append((item_id, provenance))
        return True

    monkeypatch.setattr(mod, "ask_own_item", ask_own_item, raising=False)
    monkeypatch.setattr(mod, "add_provenance_to", add_provenance_to, raising=False)
    return calls


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(path), "")))


def _sources(window: MainWindow) -> SourcesTab:
    tab = window.tab("sources")
    assert isinstance(tab, SourcesTab)
    return tab


def _accept_details(**values: str) -> Callable[[SourceDetailsDialog], None]:
    def act(dialog: SourceDetailsDialog) -> None:
        for name, value in values.items():
            dialog.edits[name].setText(value)
        dialog.ok_button.click()
    return act


def _import(window: MainWindow, modals: Modals, monkeypatch: pytest.MonkeyPatch, path: Path,
            **values: str) -> str:
    """Import ``path`` through File > Import Source, confirming the details."""
    _choose(monkeypatch, path)
    modals.then(SourceDetailsDialog, _accept_details(**values))
    before = {s.id for s in window.session.workspace.own_sources()}  # type: ignore[union-attr]
    window.import_source_action.trigger()
    modals.done()
    [new] = [s.id for s in window.session.workspace.own_sources()  # type: ignore[union-attr]
             if s.id not in before]
    return new


def _display(tab: SourcesTab, source_id: str, column: int = 0) -> str:
    row = tab.source_model.row_of(source_id)
    return str(tab.source_model.index(row, column).data())


def _refusal(seen: list[str]) -> Callable[[QMessageBox], None]:
    def act(box: QMessageBox) -> None:
        assert box.objectName() == "sourceRefused"
        seen.append(f"{box.text()}\n{box.informativeText()}")
        box.button(QMessageBox.StandardButton.Ok).click()
    return act


# -- importing ------------------------------------------------------------------------------
def test_import_a_text_file_with_ctrl_i_lists_marks_and_reads_it(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    _choose(monkeypatch, path)
    prefilled: dict[str, str] = {}

    def answer(dialog: SourceDetailsDialog) -> None:
        prefilled.update(dialog.values())
        assert "memo.txt" in dialog.about.text() and "TEXT" in dialog.about.text()
        dialog.edits["publisher"].setText("Quetta desk")
        dialog.edits["date"].setText("2025-03")
        dialog.ok_button.click()

    modals.then(SourceDetailsDialog, answer)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    modals.done()
    assert prefilled["title"] == "Gwadar desk memo"  # the file's first line
    ws = window.session.workspace
    assert ws is not None
    [src] = ws.own_sources()
    assert (src.title, src.publisher, src.date, src.kind) == ("Gwadar desk memo",
                                                              "Quetta desk", "2025-03", "text")
    # Shown at once, in the Sources tab, beside the bundled source and marked as the analyst's.
    assert window.current_tab_key() == "sources"
    tab = _sources(window)
    assert [s.id for s in tab.sources][-1] == src.id and len(tab.sources) == 2
    assert _display(tab, src.id) == f"{OWN_MARK} Gwadar desk memo"
    assert _display(tab, src.id, 1) == "Quetta desk" and _display(tab, src.id, 2) == "March 2025"
    bundled = tab.sources[0]
    assert OWN_MARK not in _display(tab, bundled.id)
    tip = tab.source_model.index(tab.source_model.row_of(src.id), 0).data(
        Qt.ItemDataRole.ToolTipRole)
    assert "own source" in tip
    assert tab.reader.toPlainText() == MEMO
    assert tab.current_ref() == ItemRef("source", src.id)
    assert window.session.current == ItemRef("source", src.id)
    assert "your source" in tab.heading.text() and "Quetta desk" in tab.heading.text()
    # Its passages: the first line is the title, the reader says where the cursor is.
    tab.select_text(MEMO.index("Officials"), MEMO.index("Officials") + 9)
    assert "passage 3 of 3" in tab.position_label.text()
    assert window.status.text() == "Saved: import the source \u201cGwadar desk memo\u201d"

    # One undo step: Ctrl+Z takes the import back, Ctrl+Shift+Z brings the same source back.
    window.session.undo()
    assert ws.own_sources() == [] and len(tab.sources) == 1
    assert tab.current_ref() == ItemRef("source", bundled.id)
    window.session.redo()
    assert [s.id for s in ws.own_sources()] == [src.id]
    assert tab.source_model.row_of(src.id) == 1


def test_import_a_word_document_prefills_title_and_author(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Field report: Chagai"
    d.core_properties.author = "A. Analyst"
    d.add_paragraph("Copper and gold at Reko Diq; the road to Gwadar is 700 km.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Saindak", "copper"
    path = tmp_path / "chagai.docx"
    d.save(str(path))
    _choose(monkeypatch, path)
    prefilled: dict[str, str] = {}

    def answer(dialog: SourceDetailsDialog) -> None:
        prefilled.update(dialog.values())
        dialog.ok_button.click()

    modals.then(SourceDetailsDialog, answer)
    window.import_source_action.trigger()
    modals.done()
    assert prefilled == {"title": "Field report: Chagai", "publisher": "A. Analyst",
                         "date": "", "url": ""}
    [src] = window.session.workspace.own_sources()  # type: ignore[union-attr]
    assert src.kind == "docx" and src.publisher == "A. Analyst"
    tab = _sources(window)
    assert "road to Gwadar is 700 km" in tab.reader.toPlainText()
    assert "Saindak | copper" in tab.reader.toPlainText()


def test_import_a_web_page_never_shows_its_script(window: MainWindow, modals: Modals,
                                                   monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>EXIM loan approved</title>"
                    "<script>var stolen = 'SCRIPT-TEXT-123';</script>"
                    "<style>p { color: red }</style></head><body><h1>EXIM</h1>"
                    "<p>The bank approved <b>US$1.25 bn</b> for Reko Diq.</p>"
                    "<script>document.write('MORE-SCRIPT')</script></body></html>", "utf-8")
    sid = _import(window, modals, monkeypatch, path)
    tab = _sources(window)
    src = window.session.store.source(sid)
    assert src is not None and src.title == "EXIM loan approved"
    shown = tab.reader.toPlainText()
    assert "The bank approved US$1.25 bn for Reko Diq." in shown
    for leaked in ("SCRIPT-TEXT-123", "MORE-SCRIPT", "stolen", "color: red"):
        assert leaked not in shown and leaked not in src.text


def test_a_scanned_pdf_is_refused_in_words_and_nothing_is_stored(
        window: MainWindow, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with path.open("wb") as fh:
        writer.write(fh)
    _choose(monkeypatch, path)
    said: list[str] = []
    modals.then(QMessageBox, _refusal(said))
    window.import_source_action.trigger()
    modals.done()
    assert modals.seen == ["QMessageBox"]  # no details dialog for a file that cannot be read
    [text] = said
    assert "scan.pdf has no text layer" in text and "Nothing was imported" in text
    assert window.session.workspace.own_sources() == []  # type: ignore[union-attr]
    assert window.session.undo_stack.count() == 0
    assert len(_sources(window).sources) == 1


def test_the_same_file_twice_is_refused_and_stored_once(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    _import(window, modals, monkeypatch, path, title="Desk memo, March")
    copy = tmp_path / "copy of memo.md"  # another name, the same bytes
    copy.write_bytes(path.read_bytes())
    _choose(monkeypatch, copy)
    said: list[str] = []
    modals.then(QMessageBox, _refusal(said))
    window.import_source_action.trigger()
    modals.done()
    assert modals.seen == ["SourceDetailsDialog", "QMessageBox"]
    [text] = said
    assert "already imported, as \u201cDesk memo, March\u201d" in text
    assert len(window.session.workspace.own_sources()) == 1  # type: ignore[union-attr]
    assert window.session.undo_stack.count() == 1


def test_reading_runs_off_the_gui_thread_and_cancel_discards_it(
        window: MainWindow, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    import briefing_app.readers as readers

    path = tmp_path / "big.txt"
    path.write_text(MEMO, "utf-8")
    real = readers.read_source
    release = threading.Event()
    threads: list[str] = []

    def slow(p: Path, progress: Any = None) -> Any:
        threads.append(threading.current_thread().name)
        release.wait(10)
        return real(p, progress)

    monkeypatch.setattr(readers, "read_source", slow)
    _choose(monkeypatch, path)
    progress: list[str] = []

    def cancel(dialog: ProgressDialog) -> None:
        progress.append(dialog.label.text())
        dialog.reject()

    modals.then(ProgressDialog, cancel)
    window.import_source_action.trigger()
    release.set()
    modals.done()
    assert progress == ["Reading big.txt\u2026"]
    assert threads == ["briefing-background"]
    assert window.session.workspace.own_sources() == []  # type: ignore[union-attr]
    assert window.session.undo_stack.count() == 0


def test_a_long_pdf_shows_its_pages_and_cancel_stops_the_reading(
        window: MainWindow, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    """Progress counts the pages read; Cancel stops the reader between pages (it does not
    read on to the end in the background), and nothing is imported."""
    import time

    import typst

    import briefing_app.readers as readers
    from briefing_app.paths import fonts_dir

    src = tmp_path / "long.typ"
    src.write_text("#set page(width: 12cm, height: 8cm)\n" + "\n#pagebreak()\n".join(
        f"Page {n} of the field report." for n in range(1, 41)), encoding="utf-8")
    path = tmp_path / "long.pdf"
    path.write_bytes(typst.compile(str(src), font_paths=[str(fonts_dir())],
                                   ignore_system_fonts=True))
    real = readers.read_source
    pages_read: list[int] = []
    stopped = threading.Event()

    def slow(p: Path, progress: Any = None) -> Any:
        def each(done: int, total: int) -> None:
            pages_read.append(done)
            time.sleep(0.05)  # 40 pages: two seconds, long enough to cancel part-way
            progress(done, total)

        try:
            return real(p, each)
        finally:
            stopped.set()

    monkeypatch.setattr(readers, "read_source", slow)
    _choose(monkeypatch, path)
    shown: list[str] = []

    def cancel_when_counting(dialog: ProgressDialog) -> None:
        def check() -> None:
            if "page" in dialog.label.text():
                shown.append(dialog.label.text())
                shown.append(str(dialog.bar.maximum()))
                dialog.reject()
            else:
                QTimer.singleShot(20, check)

        check()

    modals.then(ProgressDialog, cancel_when_counting)
    window.import_source_action.trigger()
    modals.done()
    assert stopped.wait(5), "the reader went on after Cancel"
    assert shown and shown[0].startswith("Reading long.pdf: page ") and "of 40" in shown[0]
    assert shown[1] == "1000"  # a real bar once the page count is known, not a busy one
    assert max(pages_read) < 40
    assert window.session.workspace.own_sources() == []  # type: ignore[union-attr]
    assert window.session.undo_stack.count() == 0


def test_typed_details_are_kept_on_cancel_and_saved_when_the_window_closes(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    _choose(monkeypatch, path)

    def type_then_cancel(dialog: SourceDetailsDialog) -> None:
        dialog.edits["title"].clear()
        qtbot.keyClicks(dialog.edits["title"], "Convoy report")
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()

    def keep_editing(box: QMessageBox) -> None:
        assert box.objectName() == "keepOrDiscard"
        box.button(QMessageBox.StandardButton.Cancel).click()

    modals.then(SourceDetailsDialog, type_then_cancel).then(QMessageBox, keep_editing)

    def session_ends() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SourceDetailsDialog)  # still open, text still there
        assert dialog.values()["title"] == "Convoy report"
        window.session.commit_edits()  # what the window does when it closes

    # Once the question is answered, the window is closed (a logout) under the dialog.
    modals.then(SourceDetailsDialog, lambda _d: session_ends())
    window.import_source_action.trigger()
    modals.done()
    [src] = window.session.workspace.own_sources()  # type: ignore[union-attr]
    assert src.title == "Convoy report"


# -- the Sources tab ----------------------------------------------------------------------------
def test_edit_details_checks_them_and_undo_redo(window: MainWindow, modals: Modals,
                                                monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    sid = _import(window, modals, monkeypatch, path)
    tab = _sources(window)
    # Bundled: neither editable nor deletable, and the buttons say why.
    tab.select(ItemRef("source", tab.sources[0].id))
    assert not tab.edit_button.isEnabled() and not tab.delete_button.isEnabled()
    assert tab.edit_button.toolTip() == BUNDLED_TIP == tab.delete_button.toolTip()
    tab.select(ItemRef("source", sid))
    assert tab.edit_button.isEnabled() and tab.delete_button.isEnabled()
    problems: list[str] = []

    def answer(dialog: SourceDetailsDialog) -> None:
        dialog.edits["title"].setText("Convoy memo")
        dialog.edits["date"].setText("2025-13")
        dialog.ok_button.click()
        assert dialog.isVisible()  # refused in the dialog, nothing lost
        problems.append(dialog.problem.text())
        dialog.edits["date"].setText("2025-03-04")
        dialog.edits["url"].setText("ftp://example.org/memo")
        dialog.ok_button.click()
        problems.append(dialog.problem.text())
        dialog.edits["url"].setText("https://example.org/memo")
        dialog.ok_button.click()

    modals.then(SourceDetailsDialog, answer)
    tab.edit_button.click()
    modals.done()
    assert "not a valid date" in problems[0] and "http://" in problems[1]
    ws = window.session.workspace
    assert ws is not None
    src = ws.own_source(sid)
    assert src is not None
    assert (src.title, src.date, src.url) == ("Convoy memo", "2025-03-04",
                                             "https://example.org/memo")
    assert _display(tab, sid) == f"{OWN_MARK} Convoy memo"
    assert "Convoy memo" in tab.heading.text() and "4 March 2025" in tab.heading.text()
    assert tab.reader.toPlainText() == MEMO and tab.current_ref() == ItemRef("source", sid)
    window.session.undo()
    assert ws.own_source(sid).title == "Gwadar desk memo"  # type: ignore[union-attr]
    assert _display(tab, sid) == f"{OWN_MARK} Gwadar desk memo"
    window.session.redo()
    assert _display(tab, sid) == f"{OWN_MARK} Convoy memo"


def test_grade_a_source_and_a_citation_with_undo_and_see_it_shown(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    sid = _import(window, modals, monkeypatch, path)
    tab = _sources(window)
    tab.select(ItemRef("source", sid))
    combo = tab.source_panel.grade
    assert combo.currentText() == "Not graded" and combo.isEnabled()
    assert combo.itemText(combo.findData("B")) == "B \u2014 usually reliable"
    combo.setCurrentIndex(combo.findData("B"))
    combo.activated.emit(combo.currentIndex())  # what a user's choice emits
    ws = window.session.workspace
    assert ws is not None and ws.grades() == {f"source:{sid}": "B"}
    assert _display(tab, sid, SourcesModel.COL_GRADE) == "B"
    assert "reliability B (usually reliable)" in tab.heading.text()
    # ...and next to the source's words in search results.
    search(window, qtbot, "chromite convoy")
    results = window.search_results
    assert results is not None
    hit = next(h for h in results.hits if h.kind == "passage" and h.source_id == sid)
    assert results.hit_text(hit).startswith(f"{OWN_MARK} Passage of your source: [B] ")
    assert "Reliability of the source: B (usually reliable)" in results.hit_tooltip(hit)
    results.hide()

    window.session.undo()
    assert ws.grades() == {} and combo.currentText() == "Not graded"
    assert _display(tab, sid, SourcesModel.COL_GRADE) == ""
    window.session.redo()
    assert combo.currentData() == "B"

    # A bundled source and an external citation are graded the same way.
    tab.select(ItemRef("source", tab.sources[0].id))
    assert combo.currentText() == "Not graded"
    combo.setCurrentIndex(combo.findData("A"))
    combo.activated.emit(combo.currentIndex())
    tab.citation_list.selectRow(0)
    citation = tab.citation_model.row_object(0).citation
    cgrade = tab.citation_panel.grade
    cgrade.setCurrentIndex(cgrade.findData("E"))
    cgrade.activated.emit(cgrade.currentIndex())
    assert ws.grades() == {f"source:{sid}": "B", f"source:{tab.sources[0].id}": "A",
                           f"citation:{citation.id}": "E"}
    assert tab.citation_model.index(0, 2).data() == "E"
    assert "grade" in window.session.undo_stack.undoText()


def test_cite_selected_text_in_a_new_or_an_existing_item(
        window: MainWindow, modals: Modals, monkeypatch, tmp_path: Path,
        own_items: dict[str, list[Any]]) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    sid = _import(window, modals, monkeypatch, path)
    tab = _sources(window)
    tab.select(ItemRef("source", sid))

    def action(menu: Any, name: str) -> Any:
        return next(a for a in menu.actions() if a.objectName() == name
                    or (a.menu() is not None and a.menu().objectName() == name))

    menu = tab.reader_menu()
    assert not action(menu, "citeInNewItem").isEnabled()  # nothing selected yet
    menu.deleteLater()
    # The words after the lorry emoji: Qt counts it as two positions, Python as one.
    quote = "under escort"
    start = MEMO.index(quote)
    tab.select_text(start, start + len(quote))
    assert tab.reader.textCursor().selectedText() == quote
    menu = tab.reader_menu()
    new = action(menu, "citeInNewItem")
    assert new.isEnabled()
    assert not action(menu, "citeIn").isEnabled()  # no own items to cite in yet
    new.trigger()
    menu.deleteLater()
    assert own_items["new"] == [(None, [OwnProvenance("passage", sid, start,
                                                      start + len(quote), quote)])]

    risk = AddOwnItem(window.session, "risk", {
        "title": "Convoy attacked", "description": "An attack on the chromite convoy.",
        "likelihood": 3, "impact": 4}, [OwnProvenance("assessment")])
    assert window.session.push(risk)
    assert risk.item is not None
    tab.select_text(start, start + len(quote))
    menu = tab.reader_menu()
    cite_in = action(menu, "citeIn")
    assert cite_in.isEnabled()
    [entry] = cite_in.menu().actions()
    assert entry.text() == "Risk: Convoy attacked" and entry.data() == risk.item.id
    entry.trigger()
    menu.deleteLater()
    assert own_items["add"] == [(risk.item.id, OwnProvenance("passage", sid, start,
                                                             start + len(quote), quote))]


def test_claims_resting_on_a_source_open_in_their_tab_and_block_its_deletion(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    sid = _import(window, modals, monkeypatch, path)
    tab = _sources(window)
    # The bundled source carries the briefing's claims: one click opens each in its tab.
    tab.select(ItemRef("source", tab.sources[0].id))
    claims = tab.source_panel.claims
    assert claims.rowCount() > 5
    first = claims.row_object(0)
    assert first.title and not first.own
    rect = tab.source_panel.claims_list.visualRect(claims.index(0, 1))
    qtbot.mouseClick(tab.source_panel.claims_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert window.session.current == first.ref
    assert window.current_tab_key() != "sources"

    window.open_item(ItemRef("source", sid))
    assert claims.rowCount() == 0
    quote = "Reko Diq copper concentrate"
    start = MEMO.index(quote)
    risk = AddOwnItem(window.session, "risk", {
        "title": "Rail link delayed", "description": "The rail link may not be ready.",
        "likelihood": 4, "impact": 3},
        [OwnProvenance("passage", sid, start, start + len(quote), quote)])
    assert window.session.push(risk)
    assert risk.item is not None
    [claim] = claims.rows()
    assert claim.ref == ItemRef("risk", risk.item.id) and claim.own
    assert claims.index(0, 1).data() == f"{OWN_MARK} Rail link delayed"
    assert "(1)" in tab.source_panel.claims_title.text()

    # Deleting the source it rests on is refused, saying which item.
    said: list[str] = []
    modals.then(QMessageBox, _refusal(said))
    tab.delete_button.click()
    modals.done()
    assert "cannot be deleted" in said[0] and "Rail link delayed" in said[0]
    assert [s.id for s in window.session.workspace.own_sources()] == [sid]  # type: ignore[union-attr]

    # Enter on the claim opens it in the risk checklist.
    tab.source_panel.claims_list.setCurrentIndex(claims.index(0, 1))
    qtbot.keyClick(tab.source_panel.claims_list, Qt.Key.Key_Return)
    assert window.current_tab_key() == "risks"
    assert window.session.current == ItemRef("risk", risk.item.id)

    # Once nothing rests on it, it can be deleted, and Ctrl+Z brings it back.
    assert window.session.push(DeleteOwnItem(window.session, risk.item.id))
    window.open_item(ItemRef("source", sid))
    tab.delete_button.click()
    assert window.session.workspace.own_sources() == []  # type: ignore[union-attr]
    assert tab.source_model.row_of(sid) == -1 and len(tab.sources) == 1
    assert tab.current_ref() == ItemRef("source", tab.sources[0].id)
    window.session.undo()
    assert tab.source_model.row_of(sid) == 1


def test_an_imported_source_and_its_grade_survive_a_restart(
        open_window: Callable[[], MainWindow], modals: Modals, monkeypatch,
        tmp_path: Path) -> None:
    window = open_window()
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    sid = _import(window, modals, monkeypatch, path, publisher="Quetta desk")
    tab = _sources(window)
    combo = tab.source_panel.grade
    combo.setCurrentIndex(combo.findData("C"))
    combo.activated.emit(combo.currentIndex())
    window.close()
    window.session.workspace.close()  # type: ignore[union-attr]

    again = open_window()
    assert again.current_tab_key() == "sources"  # the tab it was closed on
    tab2 = _sources(again)
    assert _display(tab2, sid) == f"{OWN_MARK} Gwadar desk memo"
    assert _display(tab2, sid, SourcesModel.COL_GRADE) == "C"
    tab2.select(ItemRef("source", sid))
    assert tab2.reader.toPlainText() == MEMO
    assert tab2.source_panel.grade.currentData() == "C"


def test_search_finds_the_imported_words_and_opens_them_in_the_reader(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(MEMO, "utf-8")
    sid = _import(window, modals, monkeypatch, path)
    window.tabs.setCurrentIndex(0)
    window.search_field.setText("concentrate rail")
    qtbot.waitUntil(lambda: window.search_results is not None
                    and bool(window.search_results.hits))
    results = window.search_results
    [hit] = [h for h in results.hits if h.kind == "passage"]
    assert hit.source_id == sid
    assert results.hit_text(hit).startswith(OWN_MARK)
    assert "\u2039concentrate\u203a" in hit.snippet  # the matching words, shown in bold
    assert ("concentrate", True) in split_marks(hit.snippet)
    assert "concentrate" in results.hit_text(hit)  # what a screen reader reads: plain
    assert "your source \u201cGwadar desk memo\u201d" in results.hit_tooltip(hit)
    results.open_hit(hit)
    tab = _sources(window)
    assert window.current_tab_key() == "sources" and tab.current_ref() == ItemRef("source",
                                                                                  sid)
    assert "concentrate would move by rail" in tab.highlighted_text()
    # A deleted source's words are not offered (its text waits in the trash for Undo).
    tab.delete_button.click()
    results.run("concentrate rail")
    assert [h for h in results.hits if h.source_id == sid] == []


def test_a_broad_search_draws_the_first_rows_and_counts_the_rest(
        window: MainWindow, qtbot, modals: Modals, monkeypatch, tmp_path: Path) -> None:
    """Every keystroke stays quick however many passages match: the first passages are
    drawn, and a last row says how many more there are (the summary counts them all)."""
    from briefing_app.ui.search import PASSAGES_ASKED

    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(f"Antimony shipment {n} left the Chagai depot."
                                for n in range(1, 81)), "utf-8")
    _import(window, modals, monkeypatch, path)
    results = search(window, qtbot, "antimony shipment")
    assert results is not None
    assert len([h for h in results.hits if h.kind == "passage"]) == PASSAGES_ASKED
    model = results.model
    assert model.rowCount() == len(results.hits) + 1
    last = model.index(model.rowCount() - 1, 0)
    assert last.data() == (f"\u2026 and {80 - PASSAGES_ASKED} more: type more words to "
                           "narrow the search")
    assert not model.flags(last) & Qt.ItemFlag.ItemIsSelectable
    assert window.status.text().startswith("87 results")  # all counted, not only those drawn
