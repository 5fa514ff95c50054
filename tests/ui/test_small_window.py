"""Every tab usable at 1024x700 (issue 16): no control squeezed below the size it needs to
show its text, none cut off at the window's edge, and the tables keep rows to read."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QTableView, QWidget

from briefing_app.ui.main_window import TABS, MainWindow


@pytest.mark.parametrize("index", range(len(TABS)))
def test_every_tab_fits_1024_by_700(window: MainWindow, qtbot, index: int) -> None:
    window.resize(1024, 700)
    window.tabs.setCurrentIndex(index)
    qtbot.wait(80)
    tab = window.tabs.currentWidget()
    area = QRect(QPoint(0, 0), tab.size())
    for w in tab.findChildren(QWidget):
        if not w.isVisible() or w.window() is not window:
            continue
        if isinstance(w, QComboBox | QLineEdit | QAbstractButton) and w.parent() is not None \
                and not isinstance(w.parentWidget(), QComboBox):
            name = w.objectName() or getattr(w, "text", lambda: "")() or type(w).__name__
            rect = QRect(w.mapTo(tab, QPoint(0, 0)), w.size())
            assert area.contains(rect), f"{name} is cut off at the tab's edge"
            assert w.width() >= w.minimumSizeHint().width(), f"{name} is squeezed"
        if isinstance(w, QTableView) and w.model() is not None and w.model().rowCount() > 3:
            rows = w.viewport().height() // max(1, w.rowHeight(0))
            assert rows >= 3, f"{w.objectName()} shows {rows} rows"
