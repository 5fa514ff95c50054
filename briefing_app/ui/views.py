"""The one way this app sets up a table of rows (select a whole row, one at a time)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def row_table(parent: QWidget, name: str, accessible_name: str, model: QAbstractItemModel,
              widths: Sequence[int] = (), row_numbers: bool = False,
              stretch_last: bool = True, sortable: bool = False) -> QTableView:
    """A QTableView over ``model``: whole-row single selection, one line per row,
    interactive column widths (``widths`` for the first columns); ``sortable`` lets a click
    on a header sort, starting in the model's own order."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(row_numbers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    if sortable:
        # No sort column yet: enabling sorting would otherwise sort by the first column.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
    return table


Part = QWidget | QLayout | tuple[QWidget, int]


def column(parent: QWidget, *parts: Part) -> QWidget:
    """A plain widget stacking ``parts`` top to bottom with no margins; a (widget, stretch)
    pair gives that widget the extra height."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, tuple):
            layout.addWidget(part[0], part[1])
        elif isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return box
