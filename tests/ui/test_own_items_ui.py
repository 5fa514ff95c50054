"""The analyst's own items through the real window: the editor, each tab's add / edit / delete,
undo and redo, validation beside the form, marks in every view, a restart, unsaved text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from briefing_app.domain import ItemRef
from briefing_app.store.own import OwnProvenance
from briefing_app.store.view import ANALYST_LANE
from briefing_app.ui.commands import AddOwnItem
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import OWN_MARK, OWN_ROLE
from briefing_app.ui.models import RiskChecklistModel as M
from briefing_app.ui.own_items import (
    OwnItemDialog,
    add_provenance_to,
    ask_own_item,
)

CITATION = OwnProvenance("citation", title="Reko Diq feasibility update", publisher="Barrick",
                         date="2025-02", url="https://example.org/reko-diq")
ASSESSMENT = OwnProvenance("assessment")
RISK = {"title": "Power shortages stall the smelter", "description": "Grid outages in "
        "Balochistan delay processing.", "likelihood": 4, "impact": 5}


def _active(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Keys reach the window only while it is the active one (after a dialog closed)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _tab(window: MainWindow, key: str):  # type: ignore[no-untyped-def]
    index = {"overview": 0, "timeline": 2, "risks": 3}[key]
    window.tabs.setCurrentIndex(index)
    return window.tab(key)


def _on_next_modal(handler: Callable[[object], None], wait_ms: int = 10000) -> None:
    """Run ``handler`` on the next modal dialog to open, as a user answering it. It polls:
    events processed before the dialog opens (activating the window) must not answer
    "nothing"; a dialog that never comes leaves the test to fail on its assertions."""
    before = QApplication.activeModalWidget()
    timer = QTimer()
    timer.setInterval(10)
    left = [wait_ms // 10]

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        left[0] -= 1
        if modal is not None and modal is not before:
            timer.stop()
            QTimer.singleShot(0, lambda: _answer(handler, modal))
        elif left[0] <= 0:
            timer.stop()

    timer.timeout.connect(poll)
    _POLLERS.append(timer)
    timer.start()


_POLLERS: list[QTimer] = []  # kept alive while they poll
_FAILED: list[BaseException] = []  # what went wrong inside an answer, raised by the test


def _answer(handler: Callable[[object], None], modal: QWidget) -> None:
    """Run the answer; if it fails, close the dialog (so the test does not hang on it) and
    keep the failure for the test to raise."""
    try:
        handler(modal)
    except BaseException as exc:
        _FAILED.append(exc)
        if isinstance(modal, QDialog) and modal.isVisible():
            QDialog.done(modal, QDialog.DialogCode.Rejected)  # not reject(): it would ask


@pytest.fixture(autouse=True)
def _answers_did_not_fail():  # type: ignore[no-untyped-def]
    _FAILED.clear()
    yield
    if _FAILED:
        raise _FAILED[0]


def _fill(dialog: OwnItemDialog, **values: object) -> None:
    """Type each value into its field as the user would choose it."""
    for name, value in values.items():
        w = dialog.widgets[name]
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, QComboBox):
            i = w.findData(value)
            assert i >= 0, (name, value)
            w.setCurrentIndex(i)
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))  # type: ignore[call-overload]
        else:
            assert isinstance(w, QLineEdit)
            w.setText(str(value))


def _save_next(qtbot, kind: str, values: dict[str, object],  # type: ignore[no-untyped-def]
               citation: OwnProvenance | None = None, assessment: bool = False,
               seen: list[OwnItemDialog] | None = None) -> None:
    def answer(dialog: object) -> None:
        assert isinstance(dialog, OwnItemDialog), dialog
        assert dialog.kind == kind
        if seen is not None:
            seen.append(dialog)
        _fill(dialog, **values)
        p = dialog.provenance
        if citation is not None:
            qtbot.keyClicks(p.cite_title, citation.title)
            p.cite_publisher.setText(citation.publisher)
            p.cite_date.setText(citation.date)
            p.cite_url.setText(citation.url)
            qtbot.mouseClick(p.add_citation_button, Qt.MouseButton.LeftButton)
        if assessment:
            p.assessment.setChecked(True)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        assert not dialog.isVisible(), dialog.error.text()

    _on_next_modal(answer)


def _confirm_delete(answers: list[str]) -> None:
    def answer(box: object) -> None:
        assert isinstance(box, QMessageBox) and box.objectName() == "confirmDeleteOwn", box
        answers.append(box.text())
        [delete] = [b for b in box.buttons()
                    if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
        delete.click()

    _on_next_modal(answer)


def _add(window: MainWindow, kind: str, fields: dict[str, object],
         provenance: list[OwnProvenance]) -> str:
    """An own item added as the editor adds it (one undo command), without the dialog."""
    command = AddOwnItem(window.session, kind, fields, provenance)
    assert window.session.push(command)
    assert command.item is not None
    return command.item.id


def _risk_row(tab, risk_id: str) -> int:  # type: ignore[no-untyped-def]
    return tab.proxy.mapFromSource(tab.model.index(tab.model.row_of(risk_id), 0)).row()


def _detail(window: MainWindow) -> str:
    return window.detail.browser.toPlainText()


# -- risks ----------------------------------------------------------------------------------
def test_add_an_own_risk_with_a_citation_from_the_tab_then_undo_and_redo(window: MainWindow,
                                                                          qtbot) -> None:
    tab = _tab(window, "risks")
    ws = window.session.workspace
    assert ws is not None
    before = tab.model.rowCount()
    _save_next(qtbot, "risk", RISK, citation=CITATION)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    [item] = ws.own_items("risk")
    assert item.fields["title"] == RISK["title"] and item.provenance == (CITATION,)
    assert tab.model.rowCount() == before + 1
    row = tab.model.row_of(item.id)
    cell = tab.model.index(row, M.COL_RISK)
    assert cell.data() == f"{OWN_MARK} {RISK['title']}" and cell.data(OWN_ROLE) is True
    assert "The analyst's own risk" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data(Qt.ItemDataRole.FontRole).italic()
    # No assessment of the briefing's to show: the column says so, with the analyst's own.
    assert tab.model.index(row, M.COL_BRIEFING).data() == "none (yours: L4 \u00d7 I5 = 20)"
    number = tab.model.risk(row).seq
    assert number in tab.heatmap.placements[(4, 5)]
    assert any(f"{number}{OWN_MARK}" in label.textItem.toPlainText()
               for label in tab.heatmap._labels)
    assert tab.progress.text().endswith(f"of {before + 1} reviewed")
    # The new risk is selected, its details say whose it is and what it rests on.
    assert tab.current_ref() == ItemRef("risk", item.id)
    text = _detail(window)
    assert "The analyst's own item" in text and "External citation" in text
    assert "Reko Diq feasibility update" in text and "https://example.org/reko-diq" in text

    _active(window, qtbot)
    qtbot.keyClick(tab.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.own_items("risk") == [] and tab.model.rowCount() == before
    assert number not in tab.heatmap.placements.get((4, 5), [])
    window.redo_action.trigger()
    assert [i.id for i in ws.own_items("risk")] == [item.id]
    assert tab.model.row_of(item.id) >= 0 and number in tab.heatmap.placements[(4, 5)]


def test_edit_and_delete_an_own_risk_each_undoable(window: MainWindow, qtbot) -> None:
    tab = _tab(window, "risks")
    ws = window.session.workspace
    assert ws is not None
    risk_id = _add(window, "risk", RISK, [CITATION])
    tab.select(ItemRef("risk", risk_id))
    assert tab.edit_button.isEnabled() and tab.delete_button.isEnabled()

    seen: list[OwnItemDialog] = []
    _save_next(qtbot, "risk", {"title": "Power shortages stall both smelters",
                               "likelihood": 2}, assessment=True, seen=seen)
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    [dialog] = seen
    assert dialog.windowTitle() == "Edit your risk"
    item = ws.own_item(risk_id)
    assert item is not None and item.fields["title"] == "Power shortages stall both smelters"
    assert item.fields["likelihood"] == 2 and item.provenance == (CITATION, ASSESSMENT)
    assert tab.model.index(tab.model.row_of(risk_id), M.COL_RISK).data().endswith("both smelters")
    assert tab.current_ref() == ItemRef("risk", risk_id)  # the edit kept the selection
    window.session.undo()
    assert ws.own_item(risk_id).fields["title"] == RISK["title"]  # type: ignore[union-attr]
    assert tab.model.risk(tab.model.row_of(risk_id)).likelihood == 4
    window.session.redo()
    assert ws.own_item(risk_id).fields["likelihood"] == 2  # type: ignore[union-attr]

    # Its checklist state works as for the briefing's risks.
    row = tab.model.row_of(risk_id)
    assert tab.model.setData(tab.model.index(row, M.COL_REVIEWED), Qt.CheckState.Checked.value,
                             Qt.ItemDataRole.CheckStateRole)
    assert ws.checklist_entry(risk_id).reviewed and tab.progress.text().startswith("1 of ")

    # Delete, from the keyboard on the table.
    answers: list[str] = []
    _confirm_delete(answers)
    _active(window, qtbot)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert answers == ["Delete your risk \u201cPower shortages stall both smelters\u201d?"]
    assert ws.own_items("risk") == [] and tab.model.row_of(risk_id) < 0
    assert "delete your risk" in window.session.undo_stack.undoText()
    window.session.undo()
    assert tab.model.row_of(risk_id) >= 0 and ws.checklist_entry(risk_id).reviewed
    assert tab.current_ref() == ItemRef("risk", risk_id)  # selected again, as it was
    window.session.redo()
    assert tab.model.row_of(risk_id) < 0


def test_the_context_menu_offers_add_edit_delete_and_add_note(window: MainWindow) -> None:
    tab = _tab(window, "risks")
    texts = [a.text() for a in tab.table.actions() if not a.isSeparator()]
    assert texts[0] == "Add risk\u2026"
    assert any(t.startswith("Edit") for t in texts) and any(t.startswith("Delete")
                                                            for t in texts)
    assert window.add_note_action in tab.table.actions()


def test_bundled_items_cannot_be_edited_or_deleted(window: MainWindow, qtbot) -> None:
    ws = window.session.workspace
    assert ws is not None
    tab = _tab(window, "risks")
    bundled = tab.risks[0]
    tab.select(ItemRef("risk", bundled.id))
    assert not tab.edit_button.isEnabled() and not tab.delete_button.isEnabled()
    assert "read-only" in tab.edit_button.toolTip()
    assert "read-only" in tab.own_actions.delete_action.text()
    assert tab.add_button.isEnabled()
    _active(window, qtbot)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)  # no question, nothing happens
    assert QApplication.activeModalWidget() is None
    assert window.session.undo_stack.count() == 0

    told: list[str] = []

    def answer(box: object) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    _on_next_modal(answer)
    assert not ask_own_item(window.session, window, item_id=bundled.id)
    assert told and "read-only" in told[0]

    timeline = _tab(window, "timeline")
    timeline.select(ItemRef("event", window.session.store.events()[0].id))
    assert not timeline.edit_button.isEnabled() and "read-only" in timeline.edit_button.toolTip()
    overview = _tab(window, "overview")
    judgment = window.session.store.judgments()[0]
    overview._on_link(QUrl(f"sel:judgment:{judgment.id}"))
    assert not overview.edit_button.isEnabled() and not overview.delete_button.isEnabled()
    # Read-only, but the analyst still grades how credible the briefing's judgment is.
    pane = window.detail
    assert pane.grade_row.isVisibleTo(pane) and pane.grade.currentData() == ""
    pane.grade.setCurrentIndex(pane.grade.findData("3"))
    pane.grade.activated.emit(pane.grade.currentIndex())
    assert window.session.workspace.grades() == {  # type: ignore[union-attr]
        f"judgment:{judgment.id}": "3"}


def test_validation_is_shown_beside_the_form_and_nothing_is_lost(window: MainWindow,
                                                                 qtbot) -> None:
    ws = window.session.workspace
    assert ws is not None
    tab = _tab(window, "risks")
    messages: list[str] = []

    def answer(dialog: object) -> None:
        assert isinstance(dialog, OwnItemDialog)
        save = dialog.buttons.button(dialog.buttons.StandardButton.Save)

        def attempt() -> str:
            save.click()
            assert dialog.isVisible()  # refused: the dialog stays open
            messages.append(dialog.error.text())
            return dialog.error.text()

        assert "title" in attempt()
        assert dialog.widgets["title"].hasFocus()  # the cursor goes where the problem is
        _fill(dialog, title="Export ban on antimony", description="A ban would cut supply.")
        assert "likelihood" in attempt()  # not rated yet: never a silent 1
        spin = dialog.widgets["likelihood"]
        assert isinstance(spin, QSpinBox)
        spin.selectAll()
        qtbot.keyClicks(spin, "7")  # outside 1-5: the box does not take it
        assert 0 <= spin.value() <= 5 and spin.value() != 7
        try:
            dialog.set_field_values({"likelihood": 7})  # nor when given one
        finally:
            assert spin.value() in (0, 1, 2, 3, 4, 5)
        _fill(dialog, likelihood=3, impact=2)
        assert "provenance" in attempt()
        dialog.provenance.cite_title.setText("A report")
        dialog.provenance.cite_url.setText("ftp://example.org/report")
        assert "URL must start with http" in attempt()
        # Everything typed is still there.
        assert dialog.widgets["title"].text() == "Export ban on antimony"  # type: ignore[attr-defined]
        assert dialog.provenance.cite_title.text() == "A report"
        dialog.provenance.cite_url.setText("https://example.org/report")
        save.click()  # the typed citation is added on Save, not dropped
        assert not dialog.isVisible()

    _on_next_modal(answer)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert all(m.startswith("Not saved yet: ") for m in messages), messages
    [item] = ws.own_items("risk")
    assert item.fields["likelihood"] == 3
    assert item.provenance == (OwnProvenance("citation", title="A report",
                                             url="https://example.org/report"),)


def test_number_and_date_fields_say_what_is_wrong(window: MainWindow, qtbot) -> None:
    seen: list[str] = []

    def answer(dialog: object) -> None:
        assert isinstance(dialog, OwnItemDialog) and dialog.kind == "figure"
        _fill(dialog, label="Antimony reserves", value="lots", unit="t",
              measures="Proven reserves", as_of="2025-13")
        dialog.provenance.assessment.setChecked(True)
        save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
        save.click()
        seen.append(dialog.error.text())
        _fill(dialog, value="1,250")
        save.click()
        seen.append(dialog.error.text())
        _fill(dialog, as_of="2025-03")
        save.click()

    _on_next_modal(answer)
    ask_own_item(window.session, window, "figure")
    assert "must be a number" in seen[0] and "as of" in seen[1].lower()
    [figure] = window.session.workspace.own_items("figure")  # type: ignore[union-attr]
    assert figure.fields["value"] == 1250


# -- timeline -------------------------------------------------------------------------------
def test_an_own_event_is_in_the_list_and_in_its_lane_on_the_chart(window: MainWindow,
                                                                  qtbot) -> None:
    tab = _tab(window, "timeline")
    ws = window.session.workspace
    assert ws is not None
    before = tab.proxy.rowCount()
    assert ANALYST_LANE not in dict(tab.lanes)
    _save_next(qtbot, "event", {"date": "2025-06-14", "title": "Analyst visit to Chagai",
                                "category": "diplomacy"}, assessment=True)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    [event] = ws.own_items("event")
    assert tab.proxy.rowCount() == before + 1
    row = tab.model.row_of(event.id)
    title = tab.model.index(row, tab.model.COL_TITLE)
    assert title.data() == f"{OWN_MARK} Analyst visit to Chagai"
    assert tab.model.index(row, tab.model.COL_LANE).data() == "Analyst"
    # Drawn in the analyst's own lane, as a diamond with the own outline.
    assert dict(tab.lanes)[ANALYST_LANE] == f"{OWN_MARK} Analyst"
    assert tab.chart.own_event_ids() == {event.id}
    points = [p for p in tab.chart._scatter.points() if p.data() == event.id]
    assert len(points) == 1 and points[0].symbol() == "d"
    assert points[0].pos().y() == tab.chart.y_of(ANALYST_LANE)
    assert tab.chart._own_in_legend
    assert tab.current_ref() == ItemRef("event", event.id)  # selected once added
    assert "The analyst's own item" in _detail(window)

    # One in a briefing actor's lane, known to the month: a bar with the own outline.
    us = window.session.store.actors()[0]
    month_id = _add(window, "event", {"date": "2024-05", "title": "Envoy meets miners",
                                      "category": "investment", "lane": us.id}, [CITATION])
    assert any(eid == month_id and y == tab.chart.y_of(us.id)
               for *_x, y, eid in tab.chart._spans)
    assert tab.current_ref() == ItemRef("event", event.id)  # a reload keeps the selection

    # Delete the first with the Delete key on the list: its lane goes with it.
    answers: list[str] = []
    _confirm_delete(answers)
    _active(window, qtbot)
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_Delete)
    assert answers and tab.model.row_of(event.id) < 0
    assert ANALYST_LANE not in dict(tab.lanes) and tab.chart.own_event_ids() == {month_id}
    window.session.undo()
    assert ANALYST_LANE in dict(tab.lanes) and tab.model.row_of(event.id) >= 0


def test_an_own_actor_becomes_a_lane_choice_and_its_lane(window: MainWindow, qtbot) -> None:
    actor_id = _add(window, "actor", {"name": "Chagai District Council", "short": "Chagai",
                                      "kind": "state-body", "description": "Local body."},
                    [ASSESSMENT])
    tab = _tab(window, "timeline")
    seen: list[OwnItemDialog] = []

    def answer(dialog: object) -> None:
        assert isinstance(dialog, OwnItemDialog)
        seen.append(dialog)
        lane = dialog.widgets["lane"]
        assert isinstance(lane, QComboBox)
        assert lane.itemText(0) == "(the analyst's own lane)"
        assert lane.findData(actor_id) > 0 and lane.findData(ANALYST_LANE) < 0
        _fill(dialog, date="2025", title="Council objects", category="legal", lane=actor_id)
        dialog.provenance.assessment.setChecked(True)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    _on_next_modal(answer)
    tab.own_actions.add_actions["event"].trigger()
    assert seen
    assert dict(tab.lanes)[actor_id] == f"{OWN_MARK} Chagai"
    assert tab.actor_filter.findData(actor_id) > 0


# -- overview -------------------------------------------------------------------------------
def test_own_judgment_figure_and_actor_appear_in_the_overview(window: MainWindow,
                                                              qtbot) -> None:
    tab = _tab(window, "overview")
    assert tab.add_button.menu() is not None
    assert [a.text() for a in tab.add_button.menu().actions()] == [
        "Add key judgment\u2026", "Add key figure\u2026", "Add actor\u2026"]
    _save_next(qtbot, "judgment", {"text": "Pakistan will likely court both buyers",
                                   "estimative": "likely", "confidence": "moderate",
                                   "basis": "Its talks with the US and China"},
               assessment=True)
    tab.own_actions.add_actions["judgment"].trigger()
    _save_next(qtbot, "figure", {"label": "Antimony output", "value": "1250", "unit": "t",
                                 "measures": "Mine output a year"}, citation=CITATION)
    tab.own_actions.add_actions["figure"].trigger()
    _save_next(qtbot, "actor", {"name": "Chagai District Council", "short": "Chagai",
                                "kind": "state-body", "description": "Local body."},
               assessment=True)
    tab.own_actions.add_actions["actor"].trigger()

    text = tab.browser.toPlainText()
    for words in ("Pakistan will likely court both buyers", "Antimony output", "1,250",
                  "Chagai District Council"):
        assert words in text, words
    # (toPlainText turns the mark's no-break space into a plain one)
    assert text.replace("\u00a0", " ").count(f"{OWN_MARK} Analyst's") == 3
    assert "Analyst's own events" not in text  # the analyst's lane is not an actor
    assert tab.own_label.text() == f"Your own items are marked {OWN_MARK}."
    # The actor added last is selected: it can be edited and deleted from here.
    [actor] = window.session.workspace.own_items("actor")  # type: ignore[union-attr]
    assert tab.current_ref() == ItemRef("actor", actor.id)
    assert tab.edit_button.isEnabled() and tab.delete_button.isEnabled()
    answers: list[str] = []
    _confirm_delete(answers)
    tab.delete_button.click()
    assert "Chagai District Council" not in tab.browser.toPlainText()
    window.session.undo()
    assert "Chagai District Council" in tab.browser.toPlainText()


def test_the_kind_chooser_and_a_passage_prefilled_from_the_reader(window: MainWindow,
                                                                  qtbot) -> None:
    store = window.session.store
    source = store.sources()[0]
    first, second = store.passages(source.id)[1:3]
    cite = [OwnProvenance("passage", source.id, p.start, p.end, source.text[p.start:p.end])
            for p in (first, second)]
    listed: list[str] = []

    def pick(chooser: object) -> None:
        assert isinstance(chooser, QInputDialog) and chooser.objectName() == "ownKindChooser"
        chooser.setTextValue("Key judgment (in the overview)")

        def fill(dialog: object) -> None:
            assert isinstance(dialog, OwnItemDialog) and dialog.kind == "judgment"
            model = dialog.provenance.model
            listed.extend(model.index(r, 0).data() for r in range(model.rowCount()))
            _fill(dialog, text="The deal is likely", estimative="likely", confidence="low",
                  basis="The article")
            dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

        _on_next_modal(fill)
        chooser.accept()

    _on_next_modal(pick)
    assert ask_own_item(window.session, window, provenance=[cite[0]])
    assert listed and listed[0].startswith(f"Passage of \u201c{source.title}\u201d")
    [item] = window.session.workspace.own_items("judgment")  # type: ignore[union-attr]
    assert item.provenance == (cite[0],)

    # "Cite in..." an existing item: one undo step.
    assert add_provenance_to(window.session, window, item.id, [cite[1]])
    assert window.session.store.own_item(item.id).provenance == tuple(cite)  # type: ignore[union-attr]
    window.session.undo()
    assert window.session.store.own_item(item.id).provenance == (cite[0],)  # type: ignore[union-attr]

    # A quote that is not in its source is refused, saying why.
    told: list[str] = []

    def answer(box: object) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    _on_next_modal(answer)
    wrong = cite[1]._replace(quote="words the source never said")
    assert not add_provenance_to(window.session, window, item.id, [wrong])
    assert told and "not in" in told[0]

    # Its details list the passage by its source's title, and its grade can be set.
    window.open_item(ItemRef("judgment", item.id))
    text = _detail(window)
    assert f"Quoted from {source.title}" in text and "The analyst's own item" in text
    pane = window.detail
    assert pane.grade_row.isVisibleTo(pane)
    pane.grade.setCurrentIndex(pane.grade.findData("2"))
    pane.grade.activated.emit(pane.grade.currentIndex())
    assert window.session.workspace.grades() == {f"judgment:{item.id}": "2"}  # type: ignore[union-attr]
    window.session.undo()
    assert window.session.workspace.grades() == {}  # type: ignore[union-attr]
    assert pane.grade.currentData() == ""


# -- a restart, unsaved text ------------------------------------------------------------------
def test_own_items_are_there_after_a_restart(open_window: Callable[[], MainWindow]) -> None:
    first = open_window()
    risk_id = _add(first, "risk", RISK, [CITATION])
    event_id = _add(first, "event", {"date": "2025-06-14", "title": "Analyst visit",
                                     "category": "diplomacy"}, [ASSESSMENT])
    _add(first, "judgment", {"text": "Talks will likely stall", "estimative": "likely",
                             "confidence": "low", "basis": "Past rounds"}, [ASSESSMENT])
    first.close()
    first.session.workspace.close()  # type: ignore[union-attr]

    again = open_window()
    assert "Talks will likely stall" in _tab(again, "overview").browser.toPlainText()
    risks = _tab(again, "risks")
    assert risks.model.row_of(risk_id) >= 0
    assert risks.model.index(risks.model.row_of(risk_id), M.COL_RISK).data().startswith(OWN_MARK)
    timeline = _tab(again, "timeline")
    assert timeline.model.row_of(event_id) >= 0 and event_id in timeline.chart.own_event_ids()


def test_the_overview_shows_own_items_added_before_the_window_opened(
        open_window: Callable[[], MainWindow]) -> None:
    """The overview is drawn before the workspace opens; its own items come right after."""
    first = open_window()
    _add(first, "actor", {"name": "Balochistan Mines Department", "short": "BMD",
                          "kind": "state-body", "description": "Provincial regulator."},
         [ASSESSMENT])
    first.close()
    first.session.workspace.close()  # type: ignore[union-attr]
    again = open_window()
    assert "Balochistan Mines Department" in again.tab("overview").browser.toPlainText()  # type: ignore[attr-defined]


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.Save,
                                    QMessageBox.StandardButton.Discard])
def test_closing_the_editor_with_typed_text_asks_first(window: MainWindow, qtbot,
                                                       answer) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(window, "risks")
    asked: list[str] = []

    def question(then: QMessageBox.StandardButton) -> Callable[[object], None]:
        def reply(box: object) -> None:
            assert isinstance(box, QMessageBox) and box.objectName() == "keepOrDiscard", box
            asked.append(box.text())
            box.button(then).click()
        return reply

    def type_then_escape(dialog: object) -> None:
        assert isinstance(dialog, OwnItemDialog)
        qtbot.keyClicks(dialog.widgets["title"], "A risk I almost lost")
        _fill(dialog, description="Typed at length.", likelihood=2, impact=2)
        dialog.provenance.assessment.setChecked(True)
        _on_next_modal(question(QMessageBox.StandardButton.Cancel))
        qtbot.keyClick(dialog.widgets["title"], Qt.Key.Key_Escape)
        assert dialog.isVisible()  # Cancel: back to editing, all still there
        assert dialog.widgets["title"].text() == "A risk I almost lost"  # type: ignore[attr-defined]
        _on_next_modal(question(answer))
        dialog.reject()  # the close button

    _on_next_modal(type_then_escape)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and "a risk that is not saved" in asked[0]
    titles = [i.title for i in window.session.workspace.own_items("risk")]  # type: ignore[union-attr]
    assert titles == (["A risk I almost lost"] if answer == QMessageBox.StandardButton.Save
                      else [])


def test_an_untouched_editor_closes_without_asking(window: MainWindow) -> None:
    closed: list[bool] = []

    def escape(dialog: object) -> None:
        assert isinstance(dialog, OwnItemDialog)
        dialog.reject()
        closed.append(not dialog.isVisible())

    _on_next_modal(escape)
    assert not ask_own_item(window.session, window, "actor")
    assert closed == [True]


def test_typed_rationale_and_selection_survive_a_reload(window: MainWindow, qtbot) -> None:
    """Another own risk arriving (or leaving) does not reset the table: the selected row
    stays selected and the rationale being typed stays, saved for its own risk."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab = _tab(window, "risks")
    bundled = tab.risks[1].id
    tab.select(ItemRef("risk", bundled))
    tab.rationale.setFocus()
    qtbot.keyClicks(tab.rationale, "Half-typed thought")
    own_id = _add(window, "risk", RISK, [CITATION])  # as "Cite in..." from elsewhere would
    assert tab.current_ref() == ItemRef("risk", bundled)
    assert tab.table.currentIndex().row() == _risk_row(tab, bundled)
    assert tab.rationale.toPlainText() == "Half-typed thought"
    window.session.undo()  # the typed text is the last step: saved, then undone
    assert tab.model.row_of(own_id) >= 0
    assert window.session.workspace.checklist_entry(bundled).rationale == ""  # type: ignore[union-attr]
    window.session.redo()
    assert window.session.workspace.checklist_entry(bundled).rationale == \
        "Half-typed thought"  # type: ignore[union-attr]
