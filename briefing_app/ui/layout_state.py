"""Splitter positions and table column widths that survive a restart, for any view.

Every QSplitter and QTableView with an object name inside a view is saved under
``<view>/<object name>``; a view needs no code of its own for it.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QTableView, QWidget


def save_layout(view: QWidget, settings: QSettings, prefix: str) -> None:
    for splitter in view.findChildren(QSplitter):
        if splitter.objectName():
            settings.setValue(f"{prefix}/{splitter.objectName()}", splitter.saveState())
    for table in view.findChildren(QTableView):
        if table.objectName():
            settings.setValue(f"{prefix}/{table.objectName()}.header",
                              table.horizontalHeader().saveState())


def restore_layout(view: QWidget, settings: QSettings, prefix: str) -> None:
    for splitter in view.findChildren(QSplitter):
        state = settings.value(f"{prefix}/{splitter.objectName()}")
        if splitter.objectName() and isinstance(state, QByteArray):
            splitter.restoreState(state)
    for table in view.findChildren(QTableView):
        state = settings.value(f"{prefix}/{table.objectName()}.header")
        if table.objectName() and isinstance(state, QByteArray):
            table.horizontalHeader().restoreState(state)
