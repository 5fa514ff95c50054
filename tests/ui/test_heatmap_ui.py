"""The risk heat map as the keyboard and a small screen meet it (issue 16): every column in
view at 1024x700, arrow keys and Enter instead of the mouse, a filter message that follows
edits and their undo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import RiskChecklistModel as M


def _risks(window: MainWindow):  # type: ignore[no-untyped-def]
    window.tabs.setCurrentIndex(3)
    return window.tab("risks")


def test_every_column_of_the_heat_map_is_in_view_at_1024_by_700(window: MainWindow,
                                                                 qtbot) -> None:
    window.resize(1024, 700)
    tab = _risks(window)
    qtbot.wait(50)
    heat = tab.heatmap
    plot = heat.plot
    for impact in (1, 5):
        for likelihood in (1, 5):
            p = heat.cell_scene_pos(likelihood, impact)
            assert 0 <= p.x() <= plot.viewport().width(), (likelihood, impact)
            assert 0 <= p.y() <= plot.viewport().height(), (likelihood, impact)
    # The impact-5 column's right edge too, not only its centre.
    vb = plot.getPlotItem().vb
    right = plot.mapFromScene(vb.mapViewToScene(vb.viewRect().topRight()))
    assert right.x() <= plot.viewport().width()


def test_the_heat_map_works_from_the_keyboard(window: MainWindow, qtbot) -> None:
    tab = _risks(window)
    heat = tab.heatmap
    heat.setFocus()
    assert heat.hasFocus() and heat._cursor.isVisible()  # the keyboard's cell is framed
    assert heat.cursor_cell == (3, 3)
    qtbot.keyClick(heat, Qt.Key.Key_Right)
    qtbot.keyClick(heat, Qt.Key.Key_Up)
    qtbot.keyClick(heat, Qt.Key.Key_Up)
    qtbot.keyClick(heat, Qt.Key.Key_Up)  # stops at the edge
    assert heat.cursor_cell == (5, 4)
    numbers = heat.placements.get((5, 4), [])
    assert heat.accessibleDescription().startswith("Likelihood 5, impact 4: ")
    qtbot.keyClick(heat, Qt.Key.Key_Return)
    assert tab.proxy.cell == (5, 4) and tab.proxy.rowCount() == len(numbers)
    assert tab.filter_label.text().startswith(f"Showing {len(numbers)} risk")
    qtbot.keyClick(heat, Qt.Key.Key_Return)  # again: the filter goes
    assert tab.proxy.cell is None and tab.filter_label.text() == ""
    tab.table.setFocus()
    assert not heat._cursor.isVisible()


def test_the_filter_message_follows_an_edit_and_its_undo(window: MainWindow) -> None:
    tab = _risks(window)
    risk = tab.risks[0]
    row = tab.model.row_of(risk.id)
    likelihood, impact = tab.model.effective(row)
    tab.filter_cell((likelihood, impact))
    before = tab.proxy.rowCount()
    assert tab.filter_label.text().startswith(f"Showing {before} risk")
    other = 1 if likelihood != 1 else 2
    assert tab.model.setData(tab.model.index(row, M.COL_LIKELIHOOD), other)
    assert tab.proxy.rowCount() == before - 1  # the risk left the cell...
    assert tab.filter_label.text().startswith(f"Showing {before - 1} risk")  # ...and it says so
    window.session.undo()
    assert tab.proxy.rowCount() == before
    assert tab.filter_label.text().startswith(f"Showing {before} risk")
    assert window.status.text().startswith("Undone: ")
