"""The Regional Minerals map as an analyst uses it (issue 16): labelled markers that never
overlap, zoom and pan, the keyboard, and filters that show themselves."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from briefing_app.ui.main_window import MainWindow


def _map_tab(window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    window.resize(1280, 820)
    window.tabs.setCurrentIndex(1)
    tab = window.tab("minerals")
    qtbot.waitExposed(tab.map)
    qtbot.wait(20)
    return tab


def test_markers_are_labelled_and_no_two_labels_overlap(window: MainWindow, qtbot) -> None:
    tab = _map_tab(window, qtbot)
    shown = tab.map.label_rects()
    markers = tab.map._markers
    assert len(shown) >= len(markers) - 1  # at this size all but at most one fit
    for (a, ra), (b, rb) in itertools.combinations(shown.items(), 2):
        assert not ra.intersects(rb), (a, b)
    view = tab.map.viewport().rect()
    assert all(view.contains(r.toRect()) for r in shown.values())
    # Gwadar's and Pasni's, next to each other on the coast, both readable.
    assert {"gwadar-port", "pasni-minerals-terminal"} <= set(shown)


def test_wheel_and_keys_zoom_and_pan_and_0_fits(window: MainWindow, qtbot) -> None:
    tab = _map_tab(window, qtbot)
    view = tab.map
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, view.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(wheel)
    assert view.zoom > 1.5
    view.setFocus()
    before = view.verticalScrollBar().value()
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert view.verticalScrollBar().value() > before  # panned
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    zoomed = view.zoom
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom > zoomed
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.zoom == 1.0
    for r in view.label_rects().values():  # labels follow the view
        assert view.viewport().rect().contains(r.toRect())


def test_a_drag_pans_and_does_not_select(window: MainWindow, qtbot) -> None:
    tab = _map_tab(window, qtbot)
    view = tab.map
    view.zoom_by(3)
    start = tab.map.region_item_center("balochistan").toPoint()
    before = view.verticalScrollBar().value()
    end = start + QPoint(0, -60)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    # (qtbot.mouseMove sends no button held: a drag is a move with the button down)
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(end), view.viewport().mapToGlobal(
        QPointF(end)), Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), move)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert view.verticalScrollBar().value() != before
    assert tab.region_filter.currentData() == ""  # a drag is not a click


def test_the_keyboard_moves_between_markers_and_enter_opens(window: MainWindow,
                                                            qtbot) -> None:
    tab = _map_tab(window, qtbot)
    view = tab.map
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    first = view.keyboard_project
    assert first and view._focus_ring.isVisible()  # a visible focus
    x = view._markers[first].centre().x()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.keyboard_project != first and view._markers[view.keyboard_project].centre().x() > x
    chosen = view.keyboard_project
    assert view.accessibleDescription().startswith(tab.map._projects[chosen].name)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.session.current is not None and window.session.current.id == chosen


def test_filters_show_as_chips_and_an_empty_table_says_why(window: MainWindow,
                                                           qtbot) -> None:
    tab = _map_tab(window, qtbot)
    assert tab.chip_texts() == []
    legend = tab.legend.text()  # what the marks and the shading mean, under the map
    assert "project or deposit" in legend and "region with minerals" in legend
    tab.map.regionClicked.emit("sindh")  # a click on the map sets a filter...
    assert tab.chip_texts() == ["Region: Sindh  \u2715"]  # ...which shows itself
    copper = tab.mineral_filter.findData("copper")
    tab.mineral_filter.setCurrentIndex(copper)
    assert tab.proxy.rowCount() == 0
    assert tab.count_label.text() == ("No rows: Copper is not recorded in Sindh in this "
                                      "briefing. Remove a filter to see more.")
    chip = next(w for w in tab.findChildren(type(tab.chips.itemAt(0).widget()))
                if w.objectName() == "chipRegion")
    chip.click()
    assert tab.region_filter.currentData() == "" and tab.proxy.rowCount() > 0
    assert tab.chip_texts() == ["Mineral: Copper  \u2715"]
