"""Risk checklist: edits save at once, survive a restart, undo and redo, and move the heat map."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import RiskChecklistModel as M


def _risks_tab(window: MainWindow):  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(3)
    return window.tab("risks")


def test_edits_persist_across_restart_and_undo(open_window: Callable[[], MainWindow],
                                               qtbot) -> None:
    window = open_window()
    tab = _risks_tab(window)
    risk = tab.risks[1]
    model = tab.model
    row = model.row_of(risk.id)
    assert model.setData(model.index(row, M.COL_LIKELIHOOD), 5)
    assert model.setData(model.index(row, M.COL_OWNER), "Desk officer")
    assert model.setData(model.index(row, M.COL_STATUS), "monitoring")
    assert model.setData(model.index(row, M.COL_REVIEWED), Qt.CheckState.Checked.value,
                         Qt.ItemDataRole.CheckStateRole)
    ws = window.session.workspace
    assert ws is not None
    saved = ws.checklist_entry(risk.id)
    assert (saved.likelihood, saved.owner, saved.status, saved.reviewed) == (
        5, "Desk officer", "monitoring", True)
    assert tab.progress.text().startswith("1 of ")
    assert (risk.impact and model.index(row, M.COL_SCORE).data()) == str(5 * risk.impact)

    stack = window.session.undo_stack
    stack.undo()  # reviewed
    stack.undo()  # status
    assert ws.checklist_entry(risk.id).status == "open"
    assert not ws.checklist_entry(risk.id).reviewed
    assert tab.progress.text().startswith("0 of ")
    stack.redo()
    assert ws.checklist_entry(risk.id).status == "monitoring"
    window.close()

    again = open_window()
    tab2 = _risks_tab(again)
    entry = again.session.workspace.checklist_entry(risk.id)  # type: ignore[union-attr]
    assert (entry.likelihood, entry.owner, entry.status) == (5, "Desk officer", "monitoring")
    row2 = tab2.model.row_of(risk.id)
    assert tab2.model.index(row2, M.COL_LIKELIHOOD).data() == "5"
    assert tab2.model.index(row2, M.COL_BRIEFING).data().startswith(f"L{risk.likelihood}")


def test_reset_to_briefing_assessment_is_one_undoable_action(window: MainWindow) -> None:
    tab = _risks_tab(window)
    risk = tab.risks[0]
    row = tab.model.row_of(risk.id)
    new_l = 1 if risk.likelihood != 1 else 2
    tab.model.setData(tab.model.index(row, M.COL_LIKELIHOOD), new_l)
    tab.model.setData(tab.model.index(row, M.COL_IMPACT), 1)
    tab.table.selectRow(tab.proxy.mapFromSource(tab.model.index(row, 0)).row())
    tab.reset_button.click()
    assert tab.model.effective(row) == (risk.likelihood, risk.impact)
    window.session.undo_stack.undo()
    assert tab.model.effective(row) == (new_l, 1)
    assert "reset" in window.session.undo_stack.redoText()


def test_heat_map_updates_live_and_filters_on_click(window: MainWindow, qtbot) -> None:
    tab = _risks_tab(window)
    risk = tab.risks[2]
    row = tab.model.row_of(risk.id)
    number = row + 1
    assert number in tab.heatmap.placements[(risk.likelihood, risk.impact)]
    tab.model.setData(tab.model.index(row, M.COL_LIKELIHOOD), 1)
    tab.model.setData(tab.model.index(row, M.COL_IMPACT), 5)
    assert number in tab.heatmap.placements[(1, 5)]
    assert number not in tab.heatmap.placements.get((risk.likelihood, risk.impact), [])
    # Clicking the cell (1, 5) filters the list to it.
    tab.resize(1200, 900)
    qtbot.waitExposed(tab.heatmap)
    with qtbot.waitSignal(tab.heatmap.cellClicked, timeout=2000) as blocker:
        qtbot.mouseClick(tab.heatmap.plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=tab.heatmap.cell_scene_pos(1, 5).toPoint())
    assert blocker.args == [1, 5]
    assert tab.proxy.rowCount() == 1
    assert tab.proxy.index(0, M.COL_RISK).data() == risk.title
    assert "likelihood 1 and impact 5" in tab.filter_label.text()
    tab.clear_filter.click()
    assert tab.proxy.rowCount() == len(tab.risks)


def test_rationale_editor_saves_undoably(window: MainWindow, qtbot) -> None:
    tab = _risks_tab(window)
    tab.table.selectRow(0)
    risk_id = tab.current_ref().id
    tab.rationale.setPlainText("Seen three attacks this year.\nWatch convoys.")
    tab.save_rationale.click()
    assert window.session.workspace.checklist_entry(risk_id).rationale.startswith("Seen three")
    window.session.undo_stack.undo()
    assert window.session.workspace.checklist_entry(risk_id).rationale == ""
    assert tab.rationale.toPlainText() == ""


def test_ratings_outside_1_to_5_are_refused(window: MainWindow) -> None:
    tab = _risks_tab(window)
    index = tab.model.index(0, M.COL_IMPACT)
    assert not tab.model.setData(index, 9)
    assert not tab.model.setData(index, "x")
    assert window.session.undo_stack.count() == 0
